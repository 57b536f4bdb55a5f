"""ladders.commands and ladders.plan_commands: the pure part, and the write
rules on the real embedded store.

(Every command also runs over HTTP on both stores in tests/api/test_mutations.py.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pydantic
import pytest

from graph.embedded import EmbeddedStore
from ladders import commands, plan_commands
from ladders.catalog import Catalog
from ladders.errors import ConflictError, NotFoundError, ValidationError
from ladders.models import MAX_COUNT, MAX_MENTOR_CAPACITY, HoldingSource, PlanStatus
from ladders.rules import Rules
from ladders.suggestions import Suggestion
from tests.builders import AS_OF, ENH_AKUT, tiny_region


def suggestion(competence: str, activity: str | None, mentor: str | None, to: int) -> Suggestion:
    return Suggestion(
        competence_id=competence,
        activity_id=activity,
        mentor_id=mentor,
        from_level=0,
        to_level=to,
        hours=1.0,
        unit_need=False,
        reason="",
    )


def test_plan_items_from_suggestions() -> None:
    items = plan_commands.plan_items_from(
        [
            suggestion("evb", "kurs-evb", None, 2),
            suggestion("evb", "sem-evb", None, 3),
            suggestion("evb", None, "e02", 3),  # covered by the two activities above
            suggestion("team", None, "e06", 2),  # only a mentor: an item without activity
        ]
    )
    assert items == [
        plan_commands.NewPlanItem("evb", 2, "kurs-evb"),
        plan_commands.NewPlanItem("evb", 3, "sem-evb"),
        plan_commands.NewPlanItem("team", 2, None),
    ]


@pytest.fixture
async def loaded(tmp_path: Path) -> AsyncIterator[tuple[EmbeddedStore, Catalog]]:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    await store.import_dataset(tiny_region())
    try:
        yield store, Catalog.build(await store.reference_data())
    finally:
        await store.close()


async def test_completing_renews_an_equal_holding(loaded: tuple[EmbeddedStore, Catalog]) -> None:
    store, catalog = loaded
    # e08 holds hlr 2 (expires 2025-08-20); an item to hlr 2 done again renews it.
    plan, _ = await plan_commands.create_plan(
        store=store, catalog=catalog, rules=Rules(), employee_id="e08",
        period_start=AS_OF, period_end=date(2025, 12, 31), created_on=AS_OF,
        items=[plan_commands.NewPlanItem("hlr", 2, "hlr-e")],
    )  # fmt: skip
    done, holding = await plan_commands.complete_plan_activity(
        store=store, catalog=catalog, plan_activity_id=f"{plan.id}#1", completed_on=AS_OF
    )
    assert done.completed_on == AS_OF
    assert (holding.level, holding.source, holding.assessed_on) == (
        2,
        HoldingSource.ACTIVITY,
        AS_OF,
    )
    assert holding.expires_on is None  # the competence's validity counts from AS_OF again


async def test_follow_up_moves_a_plan_on_but_never_back(
    loaded: tuple[EmbeddedStore, Catalog],
) -> None:
    store, _ = loaded
    closed = await plan_commands.follow_up_plan(
        store=store, plan_id="p-e04-2025", followed_up_on=AS_OF, status=PlanStatus.CLOSED
    )
    assert closed.status is PlanStatus.CLOSED
    with pytest.raises(ConflictError):
        await plan_commands.follow_up_plan(store=store, plan_id="p-e04-2025", followed_up_on=AS_OF)
    with pytest.raises(ValidationError) as back:
        await plan_commands.follow_up_plan(
            store=store, plan_id="p-e03-2025", followed_up_on=AS_OF, status=PlanStatus.DRAFT
        )
    assert back.value.field == "status"


async def test_upsert_employee_checks_references(loaded: tuple[EmbeddedStore, Catalog]) -> None:
    store, catalog = loaded
    with pytest.raises(NotFoundError):
        await commands.upsert_employee(
            store=store, catalog=catalog, employee_id="e03", changes={"profession_id": "x"}
        )
    with pytest.raises(ValidationError) as unknown:
        await commands.upsert_employee(
            store=store, catalog=catalog, employee_id="e03", changes={"shoe_size": 42}
        )
    assert unknown.value.field == "shoe_size"
    (e03,) = await store.get_employees(["e03"])
    assert e03 is not None
    assert e03.profession_id == "ssk"


async def test_counts_past_the_models_bounds_are_refused_before_the_store(
    loaded: tuple[EmbeddedStore, Catalog],
) -> None:
    # 10**20 reached SQLite, which raised OverflowError; a count short of
    # that was stored, however absurd.
    store, catalog = loaded
    with pytest.raises(pydantic.ValidationError) as capacity:
        await commands.upsert_employee(
            store=store,
            catalog=catalog,
            employee_id="e03",
            changes={"mentor_capacity": MAX_MENTOR_CAPACITY + 1},
        )
    assert capacity.value.errors()[0]["loc"] == ("mentor_capacity",)
    with pytest.raises(pydantic.ValidationError) as count:
        await commands.set_unit_need(
            store=store, catalog=catalog, unit_id=ENH_AKUT, competence_id="evb", level=3,
            count=MAX_COUNT + 1,
        )  # fmt: skip
    assert count.value.errors()[0]["loc"] == ("count",)

    (e03,) = await store.get_employees(["e03"])
    assert e03 is not None
    assert e03.mentor_capacity is None
    needs = await store.unit_needs([ENH_AKUT])
    assert [n.count for n in needs if (n.competence_id, n.level) == ("evb", 3)] == [3]
