"""Plans and plan activities: reads, seq assignment, updates with a holding."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from ladders.errors import IntegrityError
from ladders.models import (
    Dataset,
    HoldingSource,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
)
from ladders.ports import Store
from tests.builders import AS_OF, by_id, canonical, make_holding


def _item(plan_id: str, competence_id: str = "evb", **fields: object) -> PlanActivity:
    return PlanActivity.model_validate(
        {"plan_id": plan_id, "seq": 99, "competence_id": competence_id, "target_level": 3} | fields
    )


async def test_get_plans_is_aligned_with_none_for_unknown(loaded: Store, region: Dataset) -> None:
    got = await loaded.get_plans(["p-e08-2025", "no-such", "p-e03-2024"])

    assert got == [by_id(region.plans, "p-e08-2025"), None, by_id(region.plans, "p-e03-2024")]
    assert await loaded.get_plans([]) == []


async def test_plans_of_in_every_status(loaded: Store, region: Dataset) -> None:
    got = await loaded.plans_of(["e09", "e03", "e04", "e08"])

    assert got == list(canonical(region).plans)
    assert [p.id for p in got] == [
        "p-e03-2024", "p-e03-2025", "p-e04-2025", "p-e08-2025", "p-e09-2023",
    ]  # fmt: skip
    assert {p.status for p in got} == set(PlanStatus)
    assert await loaded.plans_of(["e01"]) == []
    assert await loaded.plans_of([]) == []


async def test_plan_activities_by_plan_then_seq(loaded: Store, region: Dataset) -> None:
    got = await loaded.plan_activities(["p-e03-2025", "p-e03-2024", "no-such"])

    assert got == [a for a in canonical(region).plan_activities if a.plan_id.startswith("p-e03")]
    assert [a.id for a in got] == [
        "p-e03-2024#1", "p-e03-2024#2", "p-e03-2025#1", "p-e03-2025#2", "p-e03-2025#3",
    ]  # fmt: skip
    everything = await loaded.plan_activities([p.id for p in region.plans])
    assert {a.status for a in everything} == set(PlanActivityStatus)
    assert await loaded.plan_activities([]) == []


async def test_upsert_plan_creates_and_updates(loaded: Store) -> None:
    plan = Plan(
        id="p-e01-2025",
        employee_id="e01",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        created_on=AS_OF,
    )
    await loaded.upsert_plan(plan)
    assert await loaded.get_plans([plan.id]) == [plan]

    followed_up = plan.model_copy(
        update={"status": PlanStatus.ACTIVE, "last_followup_on": AS_OF, "target_step_id": None}
    )
    await loaded.upsert_plan(followed_up)

    assert await loaded.plans_of(["e01"]) == [followed_up]


@pytest.mark.parametrize(
    "fields",
    [{"employee_id": "nobody"}, {"target_step_id": "no-such"}],
    ids=["unknown-employee", "unknown-step"],
)
async def test_upsert_plan_with_unknown_ids_fails(
    loaded: Store, region: Dataset, fields: dict[str, str]
) -> None:
    plan = by_id(region.plans, "p-e04-2025").model_copy(update=fields)

    with pytest.raises(IntegrityError):
        await loaded.upsert_plan(plan)

    assert await loaded.export_dataset() == canonical(region)


async def test_add_plan_activity_assigns_the_next_seq(loaded: Store) -> None:
    added = await loaded.add_plan_activity(_item("p-e03-2025", activity_id="sem-evb"))
    again = await loaded.add_plan_activity(_item("p-e03-2025", "team", seq=1))

    assert (added.seq, again.seq) == (4, 5)
    assert added == _item("p-e03-2025", activity_id="sem-evb", seq=4)
    got = await loaded.plan_activities(["p-e03-2025"])
    assert [a.seq for a in got] == [1, 2, 3, 4, 5]
    assert got[3:] == [added, again]


async def test_add_plan_activity_to_an_empty_plan_starts_at_one(loaded: Store) -> None:
    plan = Plan(id="p-new", employee_id="e05", period_start=AS_OF, period_end=date(2026, 2, 28))
    await loaded.upsert_plan(plan)

    added = await loaded.add_plan_activity(_item("p-new", seq=7))

    assert added.seq == 1
    assert await loaded.plan_activities(["p-new"]) == [added]


async def test_concurrent_adds_get_distinct_seqs(loaded: Store) -> None:
    added = await asyncio.gather(
        *(loaded.add_plan_activity(_item("p-e04-2025", target_level=n % 5 + 1)) for n in range(8))
    )

    assert sorted(a.seq for a in added) == list(range(2, 10))
    stored = await loaded.plan_activities(["p-e04-2025"])
    assert [a.seq for a in stored] == list(range(1, 10))


@pytest.mark.parametrize(
    "item",
    [
        _item("no-such"),
        _item("p-e03-2025", "no-such"),
        _item("p-e03-2025", activity_id="no-such"),
    ],
    ids=["unknown-plan", "unknown-competence", "unknown-activity"],
)
async def test_add_plan_activity_with_unknown_ids_fails(
    loaded: Store, region: Dataset, item: PlanActivity
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.add_plan_activity(item)

    assert await loaded.export_dataset() == canonical(region)


async def test_update_plan_activity_with_holding_in_one_go(loaded: Store) -> None:
    [first, *_] = await loaded.plan_activities(["p-e03-2025"])
    done = first.model_copy(
        update={"status": PlanActivityStatus.DONE, "completed_on": AS_OF, "due_on": None}
    )
    holding = make_holding("e03", "evb", 2, source=HoldingSource.ACTIVITY)

    await loaded.update_plan_activity(done, holding=holding)

    assert (await loaded.plan_activities(["p-e03-2025"]))[0] == done
    assert [h for h in await loaded.holdings_of(["e03"]) if h.competence_id == "evb"] == [holding]


async def test_update_plan_activity_without_holding(loaded: Store, region: Dataset) -> None:
    item = by_id(region.plan_activities, "p-e08-2025#1")
    cancelled = item.model_copy(update={"status": PlanActivityStatus.CANCELLED})

    await loaded.update_plan_activity(cancelled)

    assert (await loaded.plan_activities(["p-e08-2025"]))[0] == cancelled
    assert await loaded.holdings_of(["e08"]) == [
        h for h in canonical(region).holdings if h.employee_id == "e08"
    ]


async def test_update_plan_activity_rolls_back_with_a_bad_holding(
    loaded: Store, region: Dataset
) -> None:
    [first, *_] = await loaded.plan_activities(["p-e03-2025"])
    done = first.model_copy(update={"status": PlanActivityStatus.DONE, "completed_on": AS_OF})

    with pytest.raises(IntegrityError):
        await loaded.update_plan_activity(done, holding=make_holding("e03", "no-such", 2))

    assert await loaded.export_dataset() == canonical(region)


@pytest.mark.parametrize(
    "item",
    [
        _item("p-e03-2025", seq=9),
        _item("no-such", seq=1),
        _item("p-e03-2025", seq=1, activity_id="no-such"),
    ],
    ids=["unknown-seq", "unknown-plan", "unknown-activity"],
)
async def test_update_plan_activity_with_unknown_ids_fails(
    loaded: Store, region: Dataset, item: PlanActivity
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.update_plan_activity(item, holding=make_holding("e03", "bem", 1))

    assert await loaded.export_dataset() == canonical(region)
