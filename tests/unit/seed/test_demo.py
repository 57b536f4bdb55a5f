"""The demo region (seed/demo) and the people generator that made its CSVs."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ladders.models import (
    ActivityKind,
    Competence,
    CompetenceCategory,
    ConversationKind,
    Dataset,
    Employee,
    Holding,
    Ladder,
    Plan,
    PlanActivityStatus,
    PlanStatus,
    Profession,
    ReferenceData,
    Requirement,
    Step,
    TransitionKind,
    Unit,
    UnitKind,
)
from seed import layout, load_dataset, write_dataset
from seed.generate import DEMO_AS_OF, DEMO_SEED, generate_dataset, generate_people
from seed.generate.careers import add_months
from seed.generate.demo import DEMO_DIR, build_demo_csvs

AS_OF = date(2026, 11, 23)
SIX_CORE = (
    "evidensbaserad-vard",
    "personcentrerad-vard",
    "samverkan-i-team",
    "forbattringskunskap",
    "saker-vard",
    "informatik",
)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    data, warnings = load_dataset(DEMO_DIR)
    # No warnings either: no step asks less than an earlier step of its ladder,
    # every employee's step is on their profession's ladder.
    assert [str(w) for w in warnings] == []
    return data


def age(employee: Employee, day: date = AS_OF) -> int:
    return day.year - employee.birth_year


def expired(holding: Holding, competences: dict[str, Competence]) -> bool:
    months = competences[holding.competence_id].valid_months
    expires = holding.expires_on
    if expires is None and months:
        expires = add_months(holding.assessed_on or AS_OF, months)
    return expires is not None and expires < AS_OF


# --- reference data ------------------------------------------------------------


def test_demo_date_is_the_documented_one() -> None:
    assert DEMO_AS_OF == AS_OF


def test_professions_have_ssyk_codes(demo: Dataset) -> None:
    professions = {p.id: p for p in demo.professions}
    assert len(professions) >= 10
    assert all(
        p.ssyk is not None and len(p.ssyk) == 4 and p.ssyk.isdigit() for p in professions.values()
    )
    expected = {
        "sjukskoterska": "2221",
        "barnmorska": "2222",
        "anestesisjukskoterska": "2223",
        "distriktsskoterska": "2224",
        "psykiatrisjukskoterska": "2225",
        "intensivvardssjukskoterska": "2228",
        "underskoterska": "5323",
        "at-lakare": "2213",
        "st-lakare": "2212",
        "specialistlakare": "2211",
        "psykolog": "2241",
        "fysioterapeut": "2272",
        "arbetsterapeut": "2273",
        "biomedicinsk-analytiker": "3212",
        "medicinsk-sekreterare": "4117",
    }
    assert {pid: professions[pid].ssyk for pid in expected} == expected
    assert (professions["enhetschef"].ssyk or "").startswith("15")
    assert professions["sjukskoterska"].licensed
    assert professions["specialistlakare"].licensed
    assert not professions["underskoterska"].licensed


def test_competences_cover_every_category(demo: Dataset) -> None:
    competences = {c.id: c for c in demo.competences}
    assert len(competences) >= 80
    assert {c.category for c in competences.values()} == set(CompetenceCategory)
    assert competences["hlr"].valid_months == 12
    assert competences["basala-hygienrutiner"].valid_months == 24
    for cid in ("kbt", "handledning", "handledarutbildning", "digital-grundkompetens", *SIX_CORE):
        assert cid in competences
    assert all(c.name_en for c in competences.values())
    assert any(ch in c.name for c in competences.values() for ch in "åäö")


def test_activities_cover_every_kind_and_form_chains(demo: Dataset) -> None:
    assert len(demo.activities) >= 40
    assert {a.kind for a in demo.activities} == set(ActivityKind)
    assert all(a.hours > 0 and a.cost_sek is not None and a.provider for a in demo.activities)

    reach = _reachable_levels(demo)
    required: dict[str, int] = {}
    for step in demo.steps:
        for r in step.requires:
            required[r.competence_id] = max(required.get(r.competence_id, 0), r.level)
    met = [cid for cid, level in required.items() if reach.get(cid, 0) >= level]
    assert len(met) / len(required) >= 0.85
    # Chains: an introduction and a continuation for the same competence.
    assert reach["evidensbaserad-vard"] == 5
    assert reach["handledning"] == 5
    # A few expert levels have no activity (shown as activityKnown: false).
    unreachable_at_5 = [c for c, level in required.items() if level == 5 and reach.get(c, 0) < 5]
    assert {"saker-vard", "informatik", "samverkan-i-team"} <= set(unreachable_at_5)


def _reachable_levels(data: Dataset) -> dict[str, int]:
    """Highest level each competence reaches from 0 by chaining activities."""
    develops: dict[str, list[tuple[int, int]]] = {}
    for activity in data.activities:
        for d in activity.develops:
            develops.setdefault(d.competence_id, []).append((d.from_level, d.to_level))
    reach: dict[str, int] = {}
    for cid, edges in develops.items():
        level, changed = 0, True
        while changed:
            changed = False
            for low, high in edges:
                if low <= level < high:
                    level, changed = high, True
        reach[cid] = level
    return reach


def test_nurse_ladder_builds_on_the_six_core_competencies(demo: Dataset) -> None:
    steps = [s for s in demo.steps if s.ladder_id == "sjukskoterska"]
    assert [s.id for s in steps] == [f"ssk-{i}" for i in range(1, 8)]
    levels = [{r.competence_id: r.level for r in s.requires} for s in steps]
    for core in SIX_CORE:
        assert [lv[core] for lv in levels][0] <= 2
        assert levels[-1][core] == 5
    # Experience: at least five years before the upper steps.
    assert sum(s.min_months for s in steps[:4]) >= 60
    # Formal requirements: licence, supervisor training, a master's degree.
    assert "leg-sjukskoterska" in levels[0]
    assert "handledarutbildning" in levels[3]
    assert "handledarutbildning" not in levels[2]
    assert "magisterexamen" in levels[5]


def test_specialist_and_manager_ladders_are_reached_by_transitions(demo: Dataset) -> None:
    ladder_of = {s.id: s.ladder_id for s in demo.steps}
    into: dict[str, list[tuple[str, TransitionKind, int]]] = {}
    for t in demo.transitions:
        into.setdefault(ladder_of[t.to_step_id], []).append(
            (ladder_of[t.from_step_id], t.kind, t.months)
        )
    for ladder in ("intensivvard", "anestesi", "psykiatri", "distrikt", "barnmorska"):
        routes = into[ladder]
        assert all(
            src == "sjukskoterska" and kind is TransitionKind.EDUCATION for src, kind, _ in routes
        )
        assert all(18 <= months <= 24 for _, _, months in routes)
    chef_routes = into["enhetschef"]
    assert {kind for _, kind, _ in chef_routes} == {TransitionKind.HORIZONTAL}
    assert {"sjukskoterska", "underskoterska"} <= {src for src, _, _ in chef_routes}
    assert [s.id for s in demo.steps if s.ladder_id == "underskoterska"] == [
        f"usk-{i}" for i in range(1, 6)
    ]
    physicians = {ladder_of[t.from_step_id]: ladder_of[t.to_step_id] for t in demo.transitions}
    assert physicians["lakare-at"] == "lakare-st"
    assert physicians["lakare-st"] == "lakare-specialist"


def test_unit_tree_shape_and_needs(demo: Dataset) -> None:
    kinds = Counter(u.kind for u in demo.units)
    assert kinds[UnitKind.REGION] == 1
    assert kinds[UnitKind.ADMINISTRATION] == 2
    assert kinds[UnitKind.AREA] + kinds[UnitKind.DEPARTMENT] >= 4
    assert kinds[UnitKind.UNIT] >= 16
    units = {u.id: u for u in demo.units}
    (root,) = [u for u in demo.units if u.parent_id is None]
    assert root.kind is UnitKind.REGION
    for unit in demo.units:
        if unit.kind is UnitKind.UNIT:
            chain: list[UnitKind] = [unit.kind]
            parent = unit.parent_id
            while parent is not None:
                chain.append(units[parent].kind)
                parent = units[parent].parent_id
            assert chain[-1] is UnitKind.REGION
            assert UnitKind.ADMINISTRATION in chain
    need_kinds = {units[n.unit_id].kind for n in demo.needs}
    assert {UnitKind.UNIT, UnitKind.DEPARTMENT} <= need_kinds
    assert {n.horizon.value for n in demo.needs} == {"now", "short", "long"}


# --- people --------------------------------------------------------------------


def test_employees_age_and_profession_mix(demo: Dataset) -> None:
    employees = demo.employees
    assert len(employees) >= 600
    assert sum(age(e) >= 55 for e in employees) / len(employees) >= 0.25
    assert all(18 <= age(e) <= 70 for e in employees)
    professions = Counter(e.profession_id for e in employees)
    physicians = (
        professions["at-lakare"] + professions["st-lakare"] + professions["specialistlakare"]
    )
    assert professions["underskoterska"] > physicians
    assert professions["sjukskoterska"] > physicians / 2
    ladder_profession = {ladder.id: ladder.profession_id for ladder in demo.ladders}
    ladder_of = {s.id: s.ladder_id for s in demo.steps}
    for e in employees:
        assert e.unit_id
        assert e.step_id
        assert e.step_since
        assert e.employed_since
        assert ladder_profession[ladder_of[e.step_id]] == e.profession_id
        assert e.step_since <= AS_OF
        assert e.employed_since <= AS_OF


def test_every_unit_has_one_manager(demo: Dataset) -> None:
    managers = Counter(uid for e in demo.employees for uid in e.manages)
    assert all(managers[u.id] == 1 for u in demo.units if u.kind is UnitKind.UNIT)
    leaf_managers = [e for e in demo.employees if e.manages and e.step_id == "chef-2"]
    assert len(leaf_managers) == sum(u.kind is UnitKind.UNIT for u in demo.units)


def test_mentor_capacity_and_adepts(demo: Dataset) -> None:
    capacities = Counter(e.mentor_capacity for e in demo.employees)
    assert capacities[None] > 0.8 * len(demo.employees)
    assert capacities[1] > 0
    assert capacities[3] > 0
    adepts = [e for e in demo.employees if e.adept]
    assert len(adepts) >= 20
    assert sum(age(e) < 40 for e in adepts) > 0.7 * len(adepts)


def test_holdings_follow_steps_with_realistic_gaps(demo: Dataset) -> None:
    competences = {c.id: c for c in demo.competences}
    held: dict[str, dict[str, int]] = {}
    for h in demo.holdings:
        held.setdefault(h.employee_id, {})[h.competence_id] = h.level
    assert all(held.get(e.id) for e in demo.employees)

    requires = {s.id: s.requires for s in demo.steps}
    short = [
        e
        for e in demo.employees
        if any(held[e.id].get(r.competence_id, 0) < r.level for r in requires[e.step_id or ""])
    ]
    # Mostly held; a minority lack something of their own step.
    assert 0.05 * len(demo.employees) < len(short) < 0.35 * len(demo.employees)
    seniors = [e for e in demo.employees if age(e) >= 55]
    assert sum(any(level >= 4 for level in held[e.id].values()) for e in seniors) > 0.9 * len(
        seniors
    )

    for cid in ("hlr", "basala-hygienrutiner"):
        holdings = [h for h in demo.holdings if h.competence_id == cid]
        share = sum(expired(h, competences) for h in holdings) / len(holdings)
        assert 0.05 < share < 0.4, cid
    assert len({h.source for h in demo.holdings}) == 4


def test_mentorships_active_and_ended_with_senior_mentors(demo: Dataset) -> None:
    people = {e.id: e for e in demo.employees}
    mentorships = demo.mentorships
    active = [m for m in mentorships if m.active_on(AS_OF)]
    assert active
    assert len(active) < len(mentorships)
    for m in mentorships:
        assert age(people[m.mentor_id], m.started_on) >= 55
        assert m.mentor_id != m.adept_id
        assert m.focus
        assert m.ended_on is None or m.ended_on > m.started_on
    assert all(people[m.adept_id].adept for m in active)
    load = Counter(m.mentor_id for m in active)
    for mentor_id, count in load.items():
        capacity = people[mentor_id].mentor_capacity
        assert count <= (2 if capacity is None else capacity)
    # Some designated adepts are still waiting for a mentor.
    paired = {m.adept_id for m in active}
    assert any(e.adept and e.id not in paired for e in demo.employees)


def test_plans_in_every_status_some_current_some_stale(demo: Dataset) -> None:
    assert {p.status for p in demo.plans} == set(PlanStatus)
    assert {a.status for a in demo.plan_activities} == set(PlanActivityStatus)
    year_ago = AS_OF - timedelta(days=365)

    def current(p: Plan) -> bool:
        """DESIGN §4 plan coverage: active, in its period, made or followed up this year."""
        return (
            p.status is PlanStatus.ACTIVE
            and p.period_start <= AS_OF <= p.period_end
            and any(
                d is not None and year_ago < d <= AS_OF for d in (p.created_on, p.last_followup_on)
            )
        )

    active = [p for p in demo.plans if p.status is PlanStatus.ACTIVE]
    with_current = {p.employee_id for p in active if current(p)}
    assert 0.3 * len(demo.employees) < len(with_current) < 0.8 * len(demo.employees)
    assert any(not current(p) for p in active)
    done = [a for a in demo.plan_activities if a.status is PlanActivityStatus.DONE]
    assert all(a.completed_on is not None and a.completed_on <= AS_OF for a in done)
    assert all(
        a.completed_on is None
        for a in demo.plan_activities
        if a.status is not PlanActivityStatus.DONE
    )


def test_conversations_of_all_kinds_for_most(demo: Dataset) -> None:
    assert {c.kind for c in demo.conversations} == set(ConversationKind)
    assert {c.held_on.year for c in demo.conversations} == {2025, 2026}
    assert all(c.held_on <= AS_OF for c in demo.conversations)
    talked = {c.employee_id for c in demo.conversations}
    assert 0.75 * len(demo.employees) < len(talked) < len(demo.employees)


# --- the generator ------------------------------------------------------------


def test_csvs_are_what_the_generator_and_writer_produce(demo: Dataset, tmp_path: Path) -> None:
    """The committed CSVs are current (tools/build_demo.py) and an export writes them unchanged."""
    built = build_demo_csvs(DEMO_DIR)
    write_dataset(demo, tmp_path)
    for name in layout.CSV_COLUMNS:
        committed = (DEMO_DIR / name).read_bytes()
        assert built[name] == committed, name
        assert (tmp_path / name).read_bytes() == committed, name


def test_generator_is_deterministic(demo: Dataset) -> None:
    base = demo.model_copy(update=dict.fromkeys(_PEOPLE, ()))
    first = generate_dataset(base, n=150, seed=DEMO_SEED)
    again = generate_dataset(base, n=150, seed=DEMO_SEED)
    other = generate_dataset(base, n=150, seed=DEMO_SEED + 1)
    assert first == again
    assert len(first.employees) == 150
    assert first.employees != other.employees
    assert first.holdings != other.holdings


_PEOPLE = ("employees", "holdings", "mentorships", "plans", "plan_activities", "conversations")


def test_generator_streams_people_one_at_a_time(demo: Dataset) -> None:
    people = generate_people(
        reference=demo.reference(), units=demo.units, needs=demo.needs, n=55_000, seed=7
    )
    first = list(itertools.islice(people, len(demo.units) + 5))
    managers = first[: len(demo.units)]
    assert [p.employee.manages for p in managers] == [(u.id,) for u in demo.units]
    assert len({p.employee.id for p in first}) == len(first)
    assert all(p.holdings for p in first)


def test_generator_runs_on_other_reference_data() -> None:
    """Ids the demo profile does not know fall back to an even mix."""
    reference = ReferenceData(
        competences=(Competence(id="k1", name="K1", category=CompetenceCategory.CORE),),
        professions=(Profession(id="p", name="P"),),
        ladders=(Ladder(id="lp", name="LP", profession_id="p"),),
        steps=tuple(
            Step(
                id=f"p{i}",
                ladder_id="lp",
                name=f"P{i}",
                ordinal=i,
                min_months=12,
                requires=(Requirement(competence_id="k1", level=i),),
            )
            for i in (1, 2, 3)
        ),
    )
    units = (
        Unit(id="r", name="R", kind=UnitKind.REGION),
        Unit(id="a", name="A", kind=UnitKind.UNIT, parent_id="r"),
        Unit(id="b", name="B", kind=UnitKind.UNIT, parent_id="r"),
    )
    people = list(generate_people(reference=reference, units=units, n=40, seed=3))
    assert len(people) == 40
    assert Counter(uid for p in people for uid in p.employee.manages) == {"r": 1, "a": 1, "b": 1}
    assert {p.employee.step_id for p in people} <= {"p1", "p2", "p3"}
    assert {p.employee.unit_id for p in people[3:]} == {"a", "b"}
    assert all(p.holdings for p in people)
