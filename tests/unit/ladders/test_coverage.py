"""Plan coverage (DESIGN §4) on the tiny region of tests/builders.py.

On AS_OF = 2025-03-01 the window "the 12 months before asOf" is
[2024-03-02, 2025-03-01]. Plans:
    p-e03-2025  active, 2025-01-01..2025-12-31, created 2025-01-20   current
    p-e03-2024  closed                                               no
    p-e04-2025  draft                                                no
    p-e08-2025  active, 2024-07-01..2025-06-30, created 2024-06-20,
                followed up 2024-12-01                               current
    p-e09-2023  active, but its period ended 2023-12-31              no
Talks in the window: medarbetarsamtal e03 (2025-01-20), e04 (2025-02-15),
e08 (2024-06-20); prestationssamtal e03, e08 (on AS_OF), e01; lönesamtal e03,
e08, e01. Out of it: e03's 2024-01-15 and e09's 2023-01-10.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.coverage import (
    PlanCoverage,
    coverage_counts,
    is_current,
    plan_coverage,
    year_window,
)
from ladders.errors import NotFoundError
from ladders.models import ConversationKind, Dataset, Plan, PlanStatus, Unit, UnitKind
from ladders.ports import AggregateReads
from tests.builders import AS_OF, tiny_region


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(tiny_region())
    yield s
    await s.close()


def counts(found: PlanCoverage) -> list[tuple[ConversationKind, int]]:
    return [(c.kind, c.count) for c in found.conversations]


async def test_region_coverage(store: EmbeddedStore) -> None:
    found = await plan_coverage(store=store, unit_id="reg", as_of=AS_OF)
    # 10 employees, current plans for e03 and e08: 2 / 10.
    assert (found.unit_id, found.employees, found.with_current_plan) == ("reg", 10, 2)
    assert found.share == pytest.approx(0.2)
    # e03, e04, e08 | e03, e08, e01 | e03, e08, e01 (each person once)
    assert counts(found) == [
        (ConversationKind.MEDARBETARSAMTAL, 3),
        (ConversationKind.PRESTATIONSSAMTAL, 3),
        (ConversationKind.LONESAMTAL, 3),
    ]


async def test_subtree_and_window_edges(store: EmbeddedStore) -> None:
    # enh-psyk: e07, e08, e09; only e08 has a current plan and talks.
    found = await plan_coverage(store=store, unit_id="enh-psyk", as_of=AS_OF)
    assert (found.employees, found.with_current_plan) == (3, 1)
    assert found.share == pytest.approx(1 / 3)
    assert [c.count for c in found.conversations] == [1, 1, 1]
    # On 2025-06-19 the window starts 2024-06-20: e08's medarbetarsamtal of
    # that day still counts; on 2025-06-20 it starts 2024-06-21 and it does not.
    # e08's plan stays current (followed up 2024-12-01, period to 2025-06-30).
    before = await plan_coverage(store=store, unit_id="enh-psyk", as_of=date(2025, 6, 19))
    after = await plan_coverage(store=store, unit_id="enh-psyk", as_of=date(2025, 6, 20))
    assert counts(before)[0] == (ConversationKind.MEDARBETARSAMTAL, 1)
    assert counts(after)[0] == (ConversationKind.MEDARBETARSAMTAL, 0)
    assert before.with_current_plan == after.with_current_plan == 1


async def test_a_unit_without_people_and_an_unknown_unit(store: EmbeddedStore) -> None:
    found = await plan_coverage(store=store, unit_id="adm-psyk", as_of=AS_OF)
    # adm-psyk's subtree holds omr-psyk (e10) and enh-psyk (e07, e08, e09).
    assert found.employees == 4
    await store.import_dataset(
        Dataset(units=(Unit(id="tom", name="Tom enhet", kind=UnitKind.UNIT, parent_id="reg"),))
    )
    empty = await plan_coverage(store=store, unit_id="tom", as_of=AS_OF)
    assert (empty.employees, empty.with_current_plan, empty.share) == (0, 0, 0.0)
    assert [c.count for c in empty.conversations] == [0, 0, 0]
    with pytest.raises(NotFoundError):
        await plan_coverage(store=store, unit_id="nowhere", as_of=AS_OF)


def test_year_window_runs_from_the_day_after_a_year_ago_through_as_of() -> None:
    assert year_window(date(2025, 3, 1)) == (date(2024, 3, 2), date(2025, 3, 1))
    # 2024-02-29 a year back is 2023-02-28 (clamped): the window opens 2023-03-01.
    assert year_window(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


def test_a_current_plan_is_active_in_period_and_touched_within_the_year() -> None:
    day = date(2025, 6, 1)

    def plan(**kw: object) -> Plan:
        base = {
            "id": "p",
            "employee_id": "e",
            "period_start": date(2025, 1, 1),
            "period_end": date(2025, 6, 1),  # the period's last day still counts
            "status": PlanStatus.ACTIVE,
            "created_on": date(2024, 6, 2),  # the window's first day
        }
        return Plan.model_validate({**base, **kw})

    assert is_current(plan(), day)
    assert not is_current(plan(status=PlanStatus.DRAFT), day)
    assert not is_current(plan(period_end=date(2025, 5, 31)), day)
    assert not is_current(plan(period_start=date(2025, 6, 2)), day)
    assert not is_current(plan(created_on=date(2024, 6, 1)), day)
    assert is_current(plan(created_on=None, last_followup_on=date(2025, 6, 1)), day)
    assert not is_current(plan(created_on=None), day)


async def test_store_aggregates_equal_the_reference(store: EmbeddedStore) -> None:
    assert isinstance(store, AggregateReads)
    for unit in ("reg", "enh-psyk", "adm-vard"):
        units = await store.subtree_unit_ids(unit)
        employees = await store.employees_in_units(units)
        ids = [e.id for e in employees]
        for day in (AS_OF, date(2025, 6, 19), date(2025, 6, 20)):
            since, until = year_window(day)
            assert await store.coverage_counts(units, as_of=day, since=since) == coverage_counts(
                employees=employees,
                plans=await store.plans_of(ids),
                conversations=await store.conversations_of(ids, since=since, until=until),
                as_of=day,
            )
