"""Effort: the cheapest activity chain over levels 0-5 (DESIGN §4 "Effort")."""

from __future__ import annotations

import pytest

from ladders.effort import EffortTable
from ladders.models import ActivityKind, Development, LearningActivity
from tests.unit.ladders import e1_data

UNMET = 200.0


def _table() -> EffortTable:
    return EffortTable(e1_data.ACTIVITIES)


def _ids(table: EffortTable, c: str, a: int, b: int) -> list[str]:
    return [link.activity.id for link in table.effort(c, a, b, unmet_hours=UNMET).chain]


@pytest.mark.parametrize(
    ("competence", "a", "b", "hours", "chain"),
    [
        # No effort when the level is already reached.
        ("sv", 3, 3, 0, []),
        ("sv", 4, 2, 0, []),
        # a-sv1 takes 0 to 2, which is "at least 1": 10 h.
        ("sv", 0, 1, 10, ["a-sv1"]),
        # a-sv1 (0->2) then a-sv2 (2->3): 10 + 8 = 18.
        ("sv", 0, 3, 18, ["a-sv1", "a-sv2"]),
        # a-sv1 applies from 1 too (from_level 0 <= 1): the same 18.
        ("sv", 1, 3, 18, ["a-sv1", "a-sv2"]),
        # a-sv1 + a-sv2 + a-sv3 = 48 beats the single a-svx at 50.
        ("sv", 0, 4, 48, ["a-sv1", "a-sv2", "a-sv3"]),
        # From 2: a-sv2 + a-sv3 = 38.
        ("sv", 2, 4, 38, ["a-sv2", "a-sv3"]),
        # Nothing reaches 5.
        ("sv", 0, 5, UNMET, []),
        # a-hlr overshoots to 3: 4 h for "at least 2".
        ("hlr", 0, 2, 4, ["a-hlr"]),
        # a-ebv1 needs level 1 first: a-ebv0 (5) + a-ebv1 (6) = 11.
        ("ebv", 0, 2, 11, ["a-ebv0", "a-ebv1"]),
        ("ebv", 2, 3, 6, ["a-ebv1"]),
        # Nothing develops led.
        ("led", 0, 1, UNMET, []),
        ("unknown", 0, 1, UNMET, []),
    ],
)
def test_worked_examples(competence: str, a: int, b: int, hours: float, chain: list[str]) -> None:
    table = _table()
    effort = table.effort(competence, a, b, unmet_hours=UNMET)
    assert effort.hours == hours
    assert [link.activity.id for link in effort.chain] == chain
    assert effort.known == (hours != UNMET)


def test_chain_links_carry_the_level_before_and_after_each_activity() -> None:
    effort = _table().effort("ebv", 0, 3, unmet_hours=UNMET)
    assert [(link.from_level, link.to_level) for link in effort.chain] == [(0, 1), (1, 3)]


def test_unknown_effort_uses_the_given_unmet_hours() -> None:
    effort = _table().effort("led", 0, 2, unmet_hours=75.5)
    assert (effort.hours, effort.known, effort.chain) == (75.5, False, ())


def _one(id: str, hours: float, from_level: int, to_level: int) -> LearningActivity:
    return LearningActivity(
        id=id,
        name=id,
        kind=ActivityKind.COURSE,
        hours=hours,
        develops=(Development(competence_id="c", from_level=from_level, to_level=to_level),),
    )


def test_ties_go_to_fewer_activities_then_to_activity_ids() -> None:
    # Three ways to 0 -> 2 at 10 h: "z" alone, "b" alone, or "a1" + "a2".
    # Fewer activities win over the pair; between "b" and "z" the id decides.
    activities = [
        _one("z", 10, 0, 2),
        _one("a1", 5, 0, 1),
        _one("a2", 5, 1, 2),
        _one("b", 10, 0, 2),
    ]
    assert _ids(EffortTable(activities), "c", 0, 2) == ["b"]
    assert _ids(EffortTable(reversed(activities)), "c", 0, 2) == ["b"]


def test_an_activity_does_not_apply_below_its_from_level() -> None:
    # "adv" needs level 3; from 2 there is no way up, from 3 it costs 7.
    table = EffortTable([_one("adv", 7, 3, 5)])
    assert not table.effort("c", 2, 4, unmet_hours=UNMET).known
    assert table.effort("c", 3, 4, unmet_hours=UNMET).hours == 7


def test_results_are_memoised_per_start_level() -> None:
    table = _table()
    first = table.effort("sv", 0, 4, unmet_hours=UNMET)
    second = table.effort("sv", 0, 4, unmet_hours=UNMET)
    assert first.chain is second.chain  # the same stored chain, not recomputed
