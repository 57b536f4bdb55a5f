"""Plans and plan activities: reads, seq assignment, updates with a holding."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from ladders.errors import IntegrityError
from ladders.models import (
    Dataset,
    Holding,
    HoldingSource,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
)
from ladders.ports import ItemExpected, Store, Was
from tests.builders import AS_OF, by_id, canonical, make_holding
from tests.spies import Meanwhile


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


# --- racing plan commands: the write re-checks the status it changes ----------

ROUNDS = 5
"""Fresh items raced per test: a race a round misses, another round finds."""


async def _fresh_items(store: Store, n: int) -> list[PlanActivity]:
    """`n` new planned items to raise e03's hlr (2, activity holding) to 3."""
    return [
        await store.add_plan_activity(_item("p-e03-2025", "hlr", activity_id="hlr-e"))
        for _ in range(n)
    ]


async def _hlr_of_e03(store: Store) -> Holding:
    return next(h for h in await store.holdings_of(["e03"]) if h.competence_id == "hlr")


async def test_concurrent_completions_of_one_item_let_exactly_one_through(loaded: Store) -> None:
    # 20 completions of one planned item at once (different dates): one wins,
    # the others hear what a repeat sent afterwards hears, and the store holds
    # the winner's item and holding (QA: on Neo4j up to 20 of 20 answered
    # success with their own completedOn while only one was stored).
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import complete_plan_activity

    catalog = await CatalogCache().get(loaded)
    for item in await _fresh_items(loaded, ROUNDS):
        before = await _hlr_of_e03(loaded)
        results = await asyncio.gather(
            *(
                complete_plan_activity(
                    store=loaded,
                    catalog=catalog,
                    plan_activity_id=item.id,
                    completed_on=date(2025, 3, 1 + n % 20),
                )
                for n in range(20)
            ),
            return_exceptions=True,
        )

        won = [r for r in results if isinstance(r, tuple)]
        assert len(won) == 1, results
        refused = [r for r in results if not isinstance(r, tuple)]
        assert all(isinstance(r, ConflictError) for r in refused), refused
        assert {str(r) for r in refused} == {f"plan activity {item.id!r} is done"}
        [(done, holding)] = won
        assert (await loaded.plan_activities(["p-e03-2025"]))[item.seq - 1] == done
        assert await _hlr_of_e03(loaded) == holding
        # Level 3 from the first round on: a later round renews it only when
        # it completes on a later day (it would otherwise expire sooner).
        assert before.assessed_on is not None
        assert done.completed_on is not None
        assert holding.assessed_on == max(done.completed_on, before.assessed_on)


async def test_concurrent_complete_and_cancel_of_one_item_let_exactly_one_through(
    loaded: Store,
) -> None:
    # Completions and cancellations of one item at once: one of them wins, the
    # rest are conflicts, and the stored item is one the rules allow (QA saw
    # CANCELLED with a completedOn, and DONE after a cancel answered success).
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import cancel_plan_activity, complete_plan_activity

    catalog = await CatalogCache().get(loaded)
    for item in await _fresh_items(loaded, ROUNDS):
        holding_before = await _hlr_of_e03(loaded)
        calls = []
        for n in range(20):
            if n % 2:
                calls.append(cancel_plan_activity(store=loaded, plan_activity_id=item.id))
            else:
                calls.append(
                    complete_plan_activity(
                        store=loaded,
                        catalog=catalog,
                        plan_activity_id=item.id,
                        completed_on=date(2025, 3, 1 + n),
                    )
                )
        results = await asyncio.gather(*calls, return_exceptions=True)

        won = [r for r in results if not isinstance(r, BaseException)]
        assert len(won) == 1, results
        refused = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(r, ConflictError) for r in refused), refused
        stored = (await loaded.plan_activities(["p-e03-2025"]))[item.seq - 1]
        if isinstance(won[0], tuple):
            done, holding = won[0]
            assert stored == done
            assert stored.status is PlanActivityStatus.DONE
            assert await _hlr_of_e03(loaded) == holding
            expected = f"plan activity {item.id!r} is done"
        else:
            assert stored == won[0]
            assert stored.status is PlanActivityStatus.CANCELLED
            assert stored.completed_on is None
            assert await _hlr_of_e03(loaded) == holding_before  # nothing recorded
            expected = f"plan activity {item.id!r} is cancelled"
        assert {str(r) for r in refused} == {expected}


async def test_completing_an_item_cancelled_since_it_was_read_is_a_conflict(
    loaded: Store,
) -> None:
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import cancel_plan_activity, complete_plan_activity

    catalog = await CatalogCache().get(loaded)
    [item] = await _fresh_items(loaded, 1)
    holding_before = await _hlr_of_e03(loaded)
    racing: Any = Meanwhile(
        loaded,
        "plan_activities",
        lambda: cancel_plan_activity(store=loaded, plan_activity_id=item.id),
    )

    with pytest.raises(ConflictError, match=r"is cancelled$"):
        await complete_plan_activity(
            store=racing, catalog=catalog, plan_activity_id=item.id, completed_on=AS_OF
        )

    stored = (await loaded.plan_activities(["p-e03-2025"]))[item.seq - 1]
    assert stored == item.model_copy(update={"status": PlanActivityStatus.CANCELLED})
    assert await _hlr_of_e03(loaded) == holding_before


async def test_a_plan_closed_since_a_command_read_it_open_takes_no_change(
    loaded: Store, region: Dataset
) -> None:
    # QA: an item completed, cancelled or added after a follow-up closed its
    # plan; a follow-up that read the plan open wrote it open again.
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import (
        NewPlanItem,
        add_plan_activity,
        cancel_plan_activity,
        complete_plan_activity,
        follow_up_plan,
    )

    catalog = await CatalogCache().get(loaded)

    def closing(plan_id: str) -> Any:
        return Meanwhile(
            loaded,
            "get_plans",
            lambda: follow_up_plan(
                store=loaded, plan_id=plan_id, followed_up_on=AS_OF, status=PlanStatus.CLOSED
            ),
        )

    commands = {
        "p-e03-2025": complete_plan_activity(
            store=closing("p-e03-2025"), catalog=catalog,
            plan_activity_id="p-e03-2025#2", completed_on=AS_OF,
        ),
        "p-e08-2025": cancel_plan_activity(
            store=closing("p-e08-2025"), plan_activity_id="p-e08-2025#1"
        ),
        "p-e09-2023": add_plan_activity(
            store=closing("p-e09-2023"), catalog=catalog, plan_id="p-e09-2023",
            item=NewPlanItem(competence_id="evb", target_level=2),
        ),
        "p-e04-2025": follow_up_plan(  # draft -> active, read before it was closed
            store=closing("p-e04-2025"), plan_id="p-e04-2025",
            followed_up_on=AS_OF, status=PlanStatus.ACTIVE,
        ),
    }  # fmt: skip
    for plan_id, command in commands.items():
        with pytest.raises(ConflictError, match=rf"^plan '{plan_id}' is closed$"):
            await command

    closed = {
        plan.id: plan.model_copy(update={"status": PlanStatus.CLOSED, "last_followup_on": AS_OF})
        for plan in region.plans
        if plan.id in commands
    }
    expected = region.model_copy(update={"plans": tuple(closed.get(p.id, p) for p in region.plans)})
    assert await loaded.export_dataset() == canonical(expected)  # only the closing


async def test_a_completion_weighed_against_a_holding_assessed_over_since_is_a_conflict(
    loaded: Store, region: Dataset
) -> None:
    # QA: completing an item to level 3 while an assessment of level 4 landed
    # between the command's read and its write lowered the holding to 3.
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import complete_plan_activity

    catalog = await CatalogCache().get(loaded)
    assessed = make_holding("e03", "hlr", 4, assessed_on=AS_OF)
    racing: Any = Meanwhile(loaded, "holdings_of", lambda: loaded.upsert_holding(assessed))

    with pytest.raises(ConflictError, match=r"^e03's holding of 'hlr' changed since it was read"):
        await complete_plan_activity(
            store=racing, catalog=catalog, plan_activity_id="p-e03-2025#2", completed_on=AS_OF
        )

    assert await _hlr_of_e03(loaded) == assessed
    item = (await loaded.plan_activities(["p-e03-2025"]))[1]
    assert item == by_id(region.plan_activities, "p-e03-2025#2")  # still planned

    # Asked again, it sees the level 4 and records nothing over it.
    done, kept = await complete_plan_activity(
        store=loaded, catalog=catalog, plan_activity_id="p-e03-2025#2", completed_on=AS_OF
    )
    assert (done.status, kept) == (PlanActivityStatus.DONE, assessed)
    assert await _hlr_of_e03(loaded) == assessed


async def test_update_plan_activity_with_expected_statuses_refuses_another(
    loaded: Store, region: Dataset
) -> None:
    from ladders.errors import ConflictError

    done_item = by_id(region.plan_activities, "p-e08-2025#2")  # done
    again = done_item.model_copy(update={"completed_on": AS_OF})
    open_statuses = ItemExpected((PlanActivityStatus.PLANNED, PlanActivityStatus.ONGOING))

    with pytest.raises(ConflictError, match=r"^plan activity 'p-e08-2025#2' is done$"):
        await loaded.update_plan_activity(
            again, holding=make_holding("e08", "hlr", 3), expected=open_statuses
        )
    assert await loaded.export_dataset() == canonical(region)  # nor the holding

    ongoing = by_id(region.plan_activities, "p-e08-2025#1")
    cancelled = ongoing.model_copy(update={"status": PlanActivityStatus.CANCELLED})
    await loaded.update_plan_activity(cancelled, expected=open_statuses)
    assert (await loaded.plan_activities(["p-e08-2025"]))[0] == cancelled
    with pytest.raises(IntegrityError):
        await loaded.update_plan_activity(_item("p-e08-2025", seq=9), expected=open_statuses)

    # The holding read must be the one stored (None: that none is).
    held: Any = await _hlr_of_e03(loaded)
    item = by_id(region.plan_activities, "p-e03-2025#2")
    done = item.model_copy(update={"status": PlanActivityStatus.DONE, "completed_on": AS_OF})
    given = make_holding("e03", "hlr", 3, source=HoldingSource.ACTIVITY)
    for stale in (held.model_copy(update={"level": 1}), None):
        read = ItemExpected(open_statuses.statuses, holding=Was(stale))
        with pytest.raises(ConflictError, match=r"^e03's holding of 'hlr' changed"):
            await loaded.update_plan_activity(done, holding=given, expected=read)
        assert await _hlr_of_e03(loaded) == held
    read = ItemExpected(open_statuses.statuses, holding=Was(held))
    await loaded.update_plan_activity(done, holding=given, expected=read)
    assert await _hlr_of_e03(loaded) == given

    # A plan's status: the one the command read, or nothing is written.
    draft = by_id(region.plans, "p-e04-2025")
    active = draft.model_copy(update={"status": PlanStatus.ACTIVE, "last_followup_on": AS_OF})
    with pytest.raises(ConflictError, match=r"^plan 'p-e04-2025' is draft$"):
        await loaded.upsert_plan(active, expected=PlanStatus.ACTIVE)
    assert await loaded.get_plans(["p-e04-2025"]) == [draft]
    await loaded.upsert_plan(active, expected=PlanStatus.DRAFT)
    assert await loaded.get_plans(["p-e04-2025"]) == [active]


async def test_two_creations_of_one_plan_id_let_exactly_one_through(loaded: Store) -> None:
    # QA: createPlan with an explicit id checked that the id was free, then
    # upserted (import_dataset): a creation for e09 that committed meanwhile
    # answered success too, and its plan went to e05 with e09's items 2 and 3
    # on it. create_plan checks the id in its own transaction.
    from ladders.errors import ConflictError

    def plan_of(employee_id: str, items: int) -> tuple[Plan, list[PlanActivity]]:
        plan = Plan(
            id="p-new", employee_id=employee_id, period_start=AS_OF, period_end=AS_OF,
            status=PlanStatus.ACTIVE, created_on=AS_OF,
        )  # fmt: skip
        seqs = range(1, items + 1)
        return plan, [_item("p-new", seq=seq, target_level=seq) for seq in seqs]

    racers = [plan_of("e09", 3), plan_of("e05", 1)]
    results = await asyncio.gather(
        *(loaded.create_plan(*racer) for racer in racers), return_exceptions=True
    )

    refused = [r for r in results if isinstance(r, BaseException)]
    assert [str(r) for r in refused] == ["plan 'p-new' already exists"], results
    assert isinstance(refused[0], ConflictError)
    plan, items = racers[results.index(None)]
    assert await loaded.get_plans(["p-new"]) == [plan]
    assert await loaded.plan_activities(["p-new"]) == items
    # An id the region holds; an unknown person writes nothing either.
    with pytest.raises(ConflictError, match="^plan 'p-e03-2025' already exists$"):
        await loaded.create_plan(plan.model_copy(update={"id": "p-e03-2025"}), [])
    with pytest.raises(IntegrityError):
        await loaded.create_plan(plan.model_copy(update={"id": "p-x", "employee_id": "e99"}), [])
    assert await loaded.get_plans(["p-x"]) == [None]


async def test_a_plan_id_taken_since_create_plan_read_it_free_is_a_conflict(
    loaded: Store,
) -> None:
    from ladders.catalog import CatalogCache
    from ladders.errors import ConflictError
    from ladders.plan_commands import NewPlanItem, create_plan
    from ladders.rules import Rules

    catalog = await CatalogCache().get(loaded)

    def creating(store: Store, employee_id: str, items: int) -> Any:
        return create_plan(
            store=store, catalog=catalog, rules=Rules(), employee_id=employee_id,
            period_start=AS_OF, period_end=AS_OF, created_on=AS_OF, plan_id="p-new",
            items=[NewPlanItem(competence_id="evb", target_level=n) for n in range(1, items + 1)],
        )  # fmt: skip

    racing: Any = Meanwhile(loaded, "get_plans", lambda: creating(loaded, "e09", 3))
    with pytest.raises(ConflictError, match="^plan 'p-new' already exists$"):
        await creating(racing, "e05", 1)
    [plan] = await loaded.get_plans(["p-new"])
    assert plan is not None
    assert plan.employee_id == "e09"
    assert len(await loaded.plan_activities(["p-new"])) == 3
