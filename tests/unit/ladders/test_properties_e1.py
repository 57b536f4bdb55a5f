"""Properties of effort, gap, paths and next steps on generated small catalogs."""

from __future__ import annotations

from datetime import date

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from ladders.catalog import Catalog
from ladders.gap import compute_gap
from ladders.models import (
    ActivityKind,
    Competence,
    CompetenceCategory,
    Development,
    Employee,
    Holding,
    Ladder,
    LearningActivity,
    Profession,
    ReferenceData,
    Requirement,
    Step,
    Transition,
    TransitionKind,
)
from ladders.paths import compute_career_paths
from ladders.rules import Rules
from ladders.suggestions import build_suggestions

AS_OF = date(2025, 3, 1)
COMPETENCES = ("c0", "c1", "c2")
RULES = Rules()
# Chains have at most 5 links (levels only go up) of at most 40 h, so every
# known chain costs <= 200 = RULES.unmet_effort_hours.
MAX_ACTIVITY_HOURS = 40


@st.composite
def activities(draw: st.DrawFn) -> tuple[LearningActivity, ...]:
    count = draw(st.integers(min_value=0, max_value=7))
    result = []
    for n in range(count):
        competence = draw(st.sampled_from(COMPETENCES))
        from_level = draw(st.integers(min_value=0, max_value=4))
        to_level = draw(st.integers(min_value=1, max_value=5))
        hours = draw(st.integers(min_value=0, max_value=MAX_ACTIVITY_HOURS))
        result.append(
            LearningActivity(
                id=f"a{n}",
                name=f"A{n}",
                kind=ActivityKind.COURSE,
                hours=hours,
                develops=(
                    Development(competence_id=competence, from_level=from_level, to_level=to_level),
                ),
            )
        )
    return tuple(result)


@st.composite
def requirements(draw: st.DrawFn) -> tuple[Requirement, ...]:
    chosen = draw(st.lists(st.sampled_from(COMPETENCES), unique=True, max_size=3))
    return tuple(
        Requirement(
            competence_id=c,
            level=draw(st.integers(min_value=1, max_value=5)),
            mandatory=draw(st.booleans()),
        )
        for c in sorted(chosen)
    )


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    """Ladder l with steps s1..sN (N = 2..4), and optionally ladder m with
    step m1 and transitions between the two."""
    n_steps = draw(st.integers(min_value=2, max_value=4))
    steps = [
        Step(
            id=f"s{i}",
            ladder_id="l",
            name=f"S{i}",
            ordinal=i,
            min_months=draw(st.integers(min_value=0, max_value=24)),
            requires=draw(requirements()),
        )
        for i in range(1, n_steps + 1)
    ]
    steps.append(Step(id="m1", ladder_id="m", name="M1", ordinal=1, requires=draw(requirements())))
    ids = [s.id for s in steps]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1]),
            unique=True,
            max_size=4,
        )
    )
    transitions = tuple(
        Transition(
            from_step_id=a,
            to_step_id=b,
            kind=TransitionKind.HORIZONTAL,
            months=draw(st.integers(min_value=0, max_value=24)),
        )
        for a, b in pairs
    )
    return Catalog.build(
        ReferenceData(
            competences=tuple(
                Competence(id=c, name=c.upper(), category=CompetenceCategory.CORE)
                for c in COMPETENCES
            ),
            professions=(Profession(id="p", name="P"),),
            ladders=(
                Ladder(id="l", name="L", profession_id="p"),
                Ladder(id="m", name="M", profession_id="p"),
            ),
            steps=tuple(steps),
            transitions=transitions,
            activities=draw(activities()),
        )
    )


@st.composite
def employees(draw: st.DrawFn) -> tuple[Employee, tuple[Holding, ...]]:
    employee = Employee(
        id="e",
        name="E",
        birth_year=1980,
        step_id="s1",
        step_since=draw(st.dates(min_value=date(2020, 1, 1), max_value=AS_OF)),
    )
    holdings = []
    for c in COMPETENCES:
        level = draw(st.integers(min_value=0, max_value=5))
        if level:
            expires = draw(st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 1, 1))))
            holdings.append(
                Holding(employee_id="e", competence_id=c, level=level, expires_on=expires)
            )
    return employee, tuple(holdings)


@settings(max_examples=150, deadline=None)
@given(catalog=catalogs(), person=employees())
def test_taking_every_suggested_activity_closes_every_known_gap_item(
    catalog: Catalog, person: tuple[Employee, tuple[Holding, ...]]
) -> None:
    employee, holdings = person
    gap = compute_gap(
        employee=employee, holdings=holdings, catalog=catalog, rules=RULES, as_of=AS_OF
    )
    suggestions = build_suggestions(
        gap=gap, catalog=catalog, rules=RULES, mentors={}, shortfalls={}
    )
    level = {item.competence_id: item.held_level for item in gap.items}
    for s in suggestions:
        assert s.activity_id is not None
        activity = catalog.activities[s.activity_id]
        (dev,) = [d for d in activity.develops if d.competence_id == s.competence_id]
        # Each activity can be taken when its turn comes, and does what it says.
        assert dev.from_level <= level[s.competence_id] == s.from_level
        level[s.competence_id] = max(level[s.competence_id], dev.to_level)
        assert level[s.competence_id] == s.to_level
    for item in gap.items:
        if item.activity_known:
            assert level[item.competence_id] >= item.required_level
        else:
            assert level[item.competence_id] == item.held_level  # nothing suggested


@settings(max_examples=150, deadline=None)
@given(catalog=catalogs(), person=employees())
def test_a_one_edge_path_costs_the_gaps_total_hours(
    catalog: Catalog, person: tuple[Employee, tuple[Holding, ...]]
) -> None:
    employee, holdings = person
    for target in catalog.step_graph.successors("s1"):
        gap = compute_gap(
            employee=employee,
            holdings=holdings,
            target=catalog.steps[target],
            catalog=catalog,
            rules=RULES,
            as_of=AS_OF,
        )
        paths = compute_career_paths(
            employee=employee,
            holdings=holdings,
            catalog=catalog,
            rules=RULES,
            targets=(target,),
            k=50,
            as_of=AS_OF,
        )
        (one_edge,) = [p for p in paths if p.step_ids == ("s1", target)]
        assert one_edge.total_hours == round(gap.total_hours, 6)


@settings(max_examples=100, deadline=None)
@given(catalog=catalogs(), person=employees())
def test_paths_come_sorted_by_the_full_key_and_respect_the_edge_limit(
    catalog: Catalog, person: tuple[Employee, tuple[Holding, ...]]
) -> None:
    employee, holdings = person
    rules = Rules(max_path_edges=3)
    targets = catalog.profession_step_ids("p")
    paths = compute_career_paths(
        employee=employee,
        holdings=holdings,
        catalog=catalog,
        rules=rules,
        targets=targets,
        k=50,
        as_of=AS_OF,
    )
    keys = [(p.total_hours, p.total_months, len(p.step_ids), p.step_ids) for p in paths]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    # Every simple path of <= 3 edges to a target is there (there are < 50).
    expected = {
        tuple(path)
        for t in targets
        if t != "s1"
        for path in nx.all_simple_paths(catalog.step_graph, "s1", t, cutoff=3)
    }
    assert {p.step_ids for p in paths} == expected


@settings(max_examples=200, deadline=None)
@given(
    catalog=catalogs(),
    competence=st.sampled_from(COMPETENCES),
    a=st.integers(min_value=0, max_value=5),
)
def test_effort_is_monotone_zero_when_reached_and_optimal(
    catalog: Catalog, competence: str, a: int
) -> None:
    def hours(b: int) -> float:
        return catalog.effort(competence, a, b, unmet_hours=RULES.unmet_effort_hours).hours

    for b in range(0, a + 1):
        assert hours(b) == 0
    for b in range(0, 5):
        assert hours(b) <= hours(b + 1)

    # The same answer as a shortest path over the level graph (levels 0-5).
    levels = nx.DiGraph()
    levels.add_nodes_from(range(6))
    for activity in catalog.activities.values():
        for dev in activity.develops:
            if dev.competence_id != competence:
                continue
            for x in range(dev.from_level, dev.to_level):
                old = levels.get_edge_data(x, dev.to_level, {"w": float("inf")})["w"]
                levels.add_edge(x, dev.to_level, w=min(old, activity.hours))
    dist = nx.single_source_dijkstra_path_length(levels, a, weight="w")
    for b in range(a + 1, 6):
        reachable = [d for level, d in dist.items() if level >= b]
        effort = catalog.effort(competence, a, b, unmet_hours=RULES.unmet_effort_hours)
        assert effort.known == bool(reachable)
        if reachable:
            assert effort.hours == min(reachable)
            assert sum(link.activity.hours for link in effort.chain) == effort.hours
