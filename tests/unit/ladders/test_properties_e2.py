"""Properties of mentor candidates, proposals and supply, on generated data.

- No candidate or proposal breaks the self, age, capacity, duplicate or level
  rules, and every mentor who passes them and covers something is a candidate.
- The proposals respect capacities, and their total score is at least that of
  a greedy pairing (and, on small cases, equals the brute-force optimum).
- Supply rows keep projected = supplyNow - retiring + inDevelopment and
  shortfall = max(0, required - projected) >= 0.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ladders.catalog import Catalog
from ladders.mentors import (
    MentorCandidate,
    MentorPool,
    PoolMentor,
    mentor_level,
    rank_candidates,
    score_mentor,
)
from ladders.models import (
    Competence,
    CompetenceCategory,
    Employee,
    Holding,
    Horizon,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    ReferenceData,
    Unit,
    UnitKind,
    UnitNeed,
)
from ladders.orgtree import UnitTree
from ladders.proposals import AdeptNeed, MentorProposal, assign_mentors, pair_adepts, rank_in
from ladders.rules import Rules
from ladders.supply import compute_supply

AS_OF = date(2025, 6, 1)
RULES = Rules()
COMPETENCES = ("c0", "c1", "c2")
CATALOG = Catalog.build(
    ReferenceData(
        competences=(
            Competence(id="c0", name="C0", category=CompetenceCategory.CORE),
            Competence(id="c1", name="C1", category=CompetenceCategory.MANDATORY, valid_months=12),
            Competence(id="c2", name="C2", category=CompetenceCategory.CLINICAL),
        )
    )
)
UNITS = (
    Unit(id="r", name="R", kind=UnitKind.REGION),
    Unit(id="a", name="A", kind=UnitKind.ADMINISTRATION, parent_id="r"),
    Unit(id="b", name="B", kind=UnitKind.ADMINISTRATION, parent_id="r"),
    Unit(id="a1", name="A1", kind=UnitKind.UNIT, parent_id="a"),
    Unit(id="a2", name="A2", kind=UnitKind.UNIT, parent_id="a"),
    Unit(id="b1", name="B1", kind=UnitKind.UNIT, parent_id="b"),
)
TREE = UnitTree(UNITS)
UNIT_IDS = tuple(u.id for u in UNITS)

unit_ids = st.sampled_from(UNIT_IDS)
levels = st.integers(min_value=0, max_value=5)


@st.composite
def employees(draw: st.DrawFn, eid: str) -> Employee:
    return Employee(
        id=eid,
        name=eid,
        birth_year=AS_OF.year - draw(st.integers(min_value=20, max_value=70)),
        unit_id=draw(st.none() | unit_ids),
        mentor_capacity=draw(st.none() | st.integers(min_value=0, max_value=3)),
        adept=True,
    )


@st.composite
def pools(draw: st.DrawFn, adept_ids: Sequence[str]) -> list[PoolMentor]:
    """Mentors m0..mN, and perhaps some adepts as mentors too (to test "not self")."""
    ids = [f"m{i}" for i in range(draw(st.integers(min_value=0, max_value=5)))]
    ids += draw(st.lists(st.sampled_from(adept_ids), unique=True, max_size=2))
    pool = []
    for mid in ids:
        employee = draw(employees(mid))
        pool.append(
            PoolMentor(
                id=employee.id,
                unit_id=employee.unit_id,
                birth_year=employee.birth_year,
                levels=draw(st.dictionaries(st.sampled_from(COMPETENCES), levels)),
                active_adept_ids=frozenset(
                    draw(st.lists(st.sampled_from([*adept_ids, "other1", "other2"]), max_size=3))
                ),
                capacity=(
                    employee.mentor_capacity
                    if employee.mentor_capacity is not None
                    else RULES.default_mentor_capacity
                ),
            )
        )
    return pool


targets_st = st.dictionaries(
    st.sampled_from(COMPETENCES), st.integers(min_value=1, max_value=5), min_size=1
)


def breaks_rules(
    mentor: PoolMentor, adept: Employee, covered: Sequence[str], targets: Mapping[str, int]
) -> bool:
    return (
        mentor.id == adept.id
        or mentor.age(AS_OF) < RULES.mentor_min_age
        or len(mentor.active_adept_ids) >= mentor.capacity
        or adept.id in mentor.active_adept_ids
        or any(mentor.levels.get(c, 0) < max(targets[c], 4) for c in covered)
    )


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_candidates_keep_every_rule_and_miss_nobody(data: st.DataObject) -> None:
    adept = data.draw(employees("adept"))
    adept_levels = data.draw(st.dictionaries(st.sampled_from(COMPETENCES), levels))
    targets = data.draw(targets_st)
    pool = data.draw(pools(["adept"]))
    found = rank_candidates(
        adept=adept,
        adept_levels=adept_levels,
        targets=targets,
        pool=pool,
        tree=TREE,
        rules=RULES,
        as_of=AS_OF,
    )
    by_id = {m.id: m for m in pool}
    for candidate in found:
        mentor = by_id[candidate.mentor_id]
        # the indexed ranking scores exactly as the definition does
        assert (candidate.score, candidate.competence_ids) == score_mentor(
            mentor=mentor,
            adept=adept,
            adept_levels=adept_levels,
            targets=targets,
            tree=TREE,
            rules=RULES,
            as_of=AS_OF,
        )
        assert candidate.competence_ids
        assert not breaks_rules(mentor, adept, candidate.competence_ids, targets)
        assert candidate.score >= 0
        assert candidate.active_adepts < candidate.capacity
    assert [(-c.score, c.mentor_id) for c in found] == sorted(
        (-c.score, c.mentor_id) for c in found
    )
    # Completeness: whoever passes the rules and covers a competence is there.
    expected = {
        m.id
        for m in pool
        if any(m.levels.get(c, 0) >= mentor_level(t, RULES) for c, t in targets.items())
        and not breaks_rules(m, adept, [], targets)
    }
    assert {c.mentor_id for c in found} == expected
    # a limit keeps a prefix of the full ranking
    limit = data.draw(st.integers(min_value=1, max_value=4))
    assert (
        rank_candidates(
            adept=adept,
            adept_levels=adept_levels,
            targets=targets,
            pool=pool,
            tree=TREE,
            rules=RULES,
            as_of=AS_OF,
            limit=limit,
        )
        == found[:limit]
    )


def greedy_total(
    options: Mapping[str, Sequence[MentorCandidate]], room: Mapping[str, int]
) -> float:
    """Best pair first, as long as the adept is free and the mentor has room."""
    left = dict(room)
    taken: set[str] = set()
    total = 0.0
    pairs = sorted(
        ((c.score, a, c.mentor_id) for a, cs in options.items() for c in cs),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    for score, adept_id, mentor_id in pairs:
        if (
            score > 0
            and adept_id not in taken
            and left.get(mentor_id, 0) > 0
            and adept_id != mentor_id
        ):
            taken.add(adept_id)
            left[mentor_id] -= 1
            total += score
    return total


def best_total(options: Mapping[str, Sequence[MentorCandidate]], room: Mapping[str, int]) -> float:
    """Brute force over every choice (or none) per adept."""
    adepts = sorted(options)
    choices = [[None, *(c for c in options[a] if c.mentor_id != a)] for a in adepts]
    best = 0.0
    for pick in itertools.product(*choices):
        used: dict[str, int] = {}
        for c in pick:
            if c is not None:
                used[c.mentor_id] = used.get(c.mentor_id, 0) + 1
        if all(n <= room.get(m, 0) for m, n in used.items()):
            best = max(best, sum(c.score for c in pick if c is not None))
    return best


def check_assignment(
    found: list[MentorProposal],
    options: Mapping[str, Sequence[MentorCandidate]],
    room: Mapping[str, int],
) -> float:
    adepts = [p.adept_id for p in found]
    assert len(adepts) == len(set(adepts)), "an adept got two mentors"
    for mentor_id in {p.mentor_id for p in found}:
        assert sum(p.mentor_id == mentor_id for p in found) <= room.get(mentor_id, 0)
    for p in found:
        assert p.mentor_id != p.adept_id
        assert p.score > 0
        assert any(c.mentor_id == p.mentor_id and c.score == p.score for c in options[p.adept_id])
    assert [(-p.score, p.adept_id) for p in found] == sorted((-p.score, p.adept_id) for p in found)
    return sum(p.score for p in found)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_proposals_from_real_candidates_keep_the_rules_and_beat_greedy(
    data: st.DataObject,
) -> None:
    adepts = [data.draw(employees(f"a{i}")) for i in range(data.draw(st.integers(1, 4)))]
    pool = data.draw(pools([a.id for a in adepts]))
    targets = {a.id: data.draw(targets_st) for a in adepts}
    held = {a.id: data.draw(st.dictionaries(st.sampled_from(COMPETENCES), levels)) for a in adepts}
    indexed = MentorPool(pool, tree=TREE, rules=RULES, as_of=AS_OF)

    def ranked(limit: int | None) -> dict[str, list[MentorCandidate]]:
        return {
            a.id: indexed.rank(adept=a, adept_levels=held[a.id], targets=targets[a.id], limit=limit)
            for a in adepts
        }

    options = ranked(None)
    # What `propose` does: keep each adept's best n (n adepts) -- no optimum lost.
    shortlists = ranked(len(adepts))
    room = indexed.remaining()
    found = assign_mentors(options=shortlists, remaining=room)
    total = check_assignment(found, options, room)
    by_id = {m.id: m for m in pool}
    adept_by_id = {a.id: a for a in adepts}
    for p in found:
        assert not breaks_rules(
            by_id[p.mentor_id], adept_by_id[p.adept_id], p.competence_ids, targets[p.adept_id]
        )
    assert total >= greedy_total(options, room) - 1e-5
    assert abs(total - best_total(options, room)) < 1e-5


@settings(max_examples=150, deadline=None)
@given(data=st.data(), shortlist=st.integers(min_value=1, max_value=3))
def test_growing_shortlists_reach_the_optimum_over_all_candidates(
    data: st.DataObject, shortlist: int
) -> None:
    # Few seniors with one place each, wanted by several adepts: the first
    # short lists collide, so the lists must grow to reach the optimum.
    adepts = [data.draw(employees(f"a{i}")) for i in range(data.draw(st.integers(2, 5)))]
    seniors = [
        PoolMentor(
            id=f"m{i}",
            unit_id=data.draw(unit_ids),
            birth_year=AS_OF.year - data.draw(st.integers(55, 66)),
            levels=data.draw(
                st.dictionaries(st.sampled_from(COMPETENCES), st.integers(4, 5), min_size=1)
            ),
            active_adept_ids=frozenset(),
            capacity=1,
        )
        for i in range(data.draw(st.integers(1, 4)))
    ]
    pool = MentorPool(seniors, tree=TREE, rules=RULES, as_of=AS_OF)
    needs = [
        AdeptNeed(
            adept=a,
            levels=data.draw(st.dictionaries(st.sampled_from(COMPETENCES), levels)),
            targets=data.draw(targets_st),
        )
        for a in adepts
    ]
    everyone = {
        n.adept.id: pool.rank(adept=n.adept, adept_levels=n.levels, targets=n.targets)
        for n in needs
    }
    found = asyncio.run(pair_adepts(rank=rank_in(pool), needs=needs, shortlist=shortlist))
    total = check_assignment(found, everyone, pool.remaining())
    assert abs(total - best_total(everyone, pool.remaining())) < 1e-5


@settings(max_examples=200, deadline=None)
@given(
    options=st.dictionaries(
        st.sampled_from(["a0", "a1", "a2", "a3", "a4"]),
        st.lists(
            st.builds(
                MentorCandidate,
                mentor_id=st.sampled_from(["m0", "m1", "m2", "a0"]),
                score=st.floats(min_value=0, max_value=10, allow_nan=False).map(
                    lambda x: round(x, 3)
                ),
                competence_ids=st.just(("c0",)),
                active_adepts=st.just(0),
                capacity=st.just(1),
            ),
            max_size=4,
            unique_by=lambda c: c.mentor_id,
        ),
    ),
    room=st.dictionaries(st.sampled_from(["m0", "m1", "m2", "a0"]), st.integers(0, 3)),
)
def test_assignment_is_optimal_on_arbitrary_scores(
    options: dict[str, list[MentorCandidate]], room: dict[str, int]
) -> None:
    found = assign_mentors(options=options, remaining=room)
    total = check_assignment(found, options, room)
    assert total >= greedy_total(options, room) - 1e-5
    assert abs(total - best_total(options, room)) < 1e-5


# --- supply ---------------------------------------------------------------------

days = st.integers(min_value=-800, max_value=4000).map(lambda n: AS_OF + timedelta(days=n))


@st.composite
def populations(
    draw: st.DrawFn,
) -> tuple[list[Employee], list[Holding], list[Plan], list[PlanActivity], list[UnitNeed]]:
    people = [draw(employees(f"e{i}")) for i in range(draw(st.integers(0, 12)))]
    holdings = [
        Holding(
            employee_id=e.id,
            competence_id=c,
            level=draw(st.integers(1, 5)),
            assessed_on=draw(st.none() | days),
            expires_on=draw(st.none() | days),
        )
        for e in people
        for c in draw(st.lists(st.sampled_from(COMPETENCES), unique=True))
    ]
    plans, items = [], []
    for e in people:
        for n in range(draw(st.integers(0, 2))):
            start = draw(days)
            plan = Plan(
                id=f"{e.id}-p{n}",
                employee_id=e.id,
                period_start=start,
                period_end=start + timedelta(days=draw(st.integers(0, 1500))),
                status=draw(st.sampled_from(PlanStatus)),
            )
            plans.append(plan)
            for seq in range(1, draw(st.integers(0, 3)) + 1):
                items.append(
                    PlanActivity(
                        plan_id=plan.id,
                        seq=seq,
                        competence_id=draw(st.sampled_from(COMPETENCES)),
                        target_level=draw(st.integers(1, 5)),
                        due_on=draw(st.none() | days),
                        status=draw(st.sampled_from(PlanActivityStatus)),
                    )
                )
    needs = draw(
        st.lists(
            st.builds(
                UnitNeed,
                unit_id=unit_ids,
                competence_id=st.sampled_from(COMPETENCES),
                level=st.integers(1, 5),
                count=st.integers(0, 8),
                horizon=st.sampled_from(Horizon),
            ),
            max_size=10,
        )
    )
    return people, holdings, plans, items, needs


@settings(max_examples=80, deadline=None)
@given(population=populations(), horizon=st.sampled_from(Horizon), root=unit_ids)
def test_supply_rows_add_up(
    population: tuple[
        list[Employee], list[Holding], list[Plan], list[PlanActivity], list[UnitNeed]
    ],
    horizon: Horizon,
    root: str,
) -> None:
    people, holdings, plans, items, needs = population
    subtree = TREE.subtree(root)
    in_subtree = [e for e in people if e.unit_id in subtree]

    def run(row_units: Sequence[str]) -> list[tuple[object, ...]]:
        found = compute_supply(
            row_unit_ids=row_units,
            tree=TREE,
            needs=needs,
            employees=in_subtree,
            holdings=holdings,
            plans=plans,
            plan_activities=items,
            catalog=CATALOG,
            rules=RULES,
            horizon=horizon,
            as_of=AS_OF,
        )
        for r in found:
            members = sum(e.unit_id in TREE.subtree(r.unit_id) for e in in_subtree)
            assert r.projected == r.supply_now - r.retiring + r.in_development
            assert r.shortfall == max(0, r.required - r.projected) >= 0
            assert 0 <= r.retiring <= r.supply_now
            assert r.supply_now + r.in_development <= members
            if horizon is Horizon.NOW:
                assert r.retiring == 0
        keys = [(r.unit_id, r.competence_id, r.level) for r in found]
        assert keys == sorted(set(keys))
        return [tuple(r.model_dump().values()) for r in found]

    whole = run(subtree)
    alone = run([root])
    assert set(alone) <= set(whole)
    assert all(row[0] == root for row in alone)
