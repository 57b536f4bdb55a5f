"""Lifecycle, reference data and the reference-data version."""

from __future__ import annotations

from datetime import date

from ladders.models import (
    Competence,
    CompetenceCategory,
    Conversation,
    ConversationKind,
    Dataset,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    ReferenceData,
    UnitNeed,
)
from ladders.ports import Store
from tests.builders import (
    AS_OF,
    ENH_AKUT,
    by_id,
    canonical,
    make_employee,
    make_holding,
    people_part,
    reference_part,
)


async def test_a_store_implements_the_port(store: Store) -> None:
    assert isinstance(store, Store)


async def test_ping_answers(store: Store) -> None:
    await store.ping()


async def test_init_schema_is_idempotent_and_keeps_data(loaded: Store, region: Dataset) -> None:
    await loaded.init_schema()
    await loaded.init_schema()

    assert await loaded.export_dataset() == canonical(region)


async def test_a_new_store_has_version_zero_and_no_reference_data(store: Store) -> None:
    assert await store.reference_version() == 0
    assert await store.reference_data() == ReferenceData(version=0)


async def test_reference_data_is_sorted_and_complete(loaded: Store, region: Dataset) -> None:
    reference = await loaded.reference_data()
    expected = canonical(region).reference()

    assert reference == expected.model_copy(update={"version": reference.version})
    assert reference.version == await loaded.reference_version()
    assert reference.version > 0
    # Spelled out, the orders the port promises:
    assert [s.id for s in reference.steps] == [
        "ssk-1", "ssk-2", "ssk-3", "ssk-4", "usk-1", "usk-2", "usk-3",
    ]  # fmt: skip
    assert [q.competence_id for q in by_id(reference.steps, "ssk-1").requires] == [
        "evb", "hlr", "leg-ssk", "pcv",
    ]  # fmt: skip
    assert [(t.from_step_id, t.to_step_id) for t in reference.transitions] == [
        ("usk-2", "ssk-1"),
        ("usk-3", "ssk-1"),
    ]
    assert [d.competence_id for d in by_id(reference.activities, "handl-utb").develops] == [
        "handl",
        "team",
    ]


async def test_reference_writes_bump_the_version(store: Store, region: Dataset) -> None:
    start = await store.reference_version()

    await store.import_dataset(reference_part(region))
    after_first = await store.reference_version()
    await store.import_dataset(
        Dataset(competences=(Competence(id="ny", name="Ny", category=CompetenceCategory.DIGITAL),))
    )
    after_second = await store.reference_version()

    assert start < after_first < after_second
    assert (await store.reference_data()).version == after_second


async def test_people_writes_do_not_bump_the_version(loaded: Store, region: Dataset) -> None:
    version = await loaded.reference_version()

    await loaded.import_dataset(people_part(region))
    await loaded.upsert_employee(make_employee("e99"))
    await loaded.upsert_holding(make_holding("e99", "evb", 2))
    await loaded.upsert_unit_need(UnitNeed(unit_id=ENH_AKUT, competence_id="bem", level=2, count=1))
    await loaded.upsert_mentorship(region.mentorships[0].model_copy(update={"ended_on": AS_OF}))
    plan = Plan(id="p-e99", employee_id="e99", period_start=AS_OF, period_end=date(2025, 12, 31))
    await loaded.upsert_plan(plan)
    item = await loaded.add_plan_activity(
        PlanActivity(plan_id="p-e99", seq=1, competence_id="evb", target_level=3)
    )
    await loaded.update_plan_activity(
        item.model_copy(update={"status": PlanActivityStatus.DONE, "completed_on": AS_OF}),
        holding=make_holding("e99", "evb", 3),
    )
    await loaded.add_conversation(
        Conversation(employee_id="e99", kind=ConversationKind.LONESAMTAL, held_on=AS_OF)
    )

    assert await loaded.reference_version() == version
