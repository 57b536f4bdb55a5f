"""import_dataset / export_dataset: round trip, idempotence, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from ladders.errors import IntegrityError
from ladders.models import Dataset, Mentorship, Requirement
from ladders.ports import Store
from tests.builders import (
    by_id,
    canonical,
    changed,
    make_holding,
    people_part,
    record_count,
    reference_part,
    replace,
    with_added,
)


def _reversed(data: Dataset) -> Dataset:
    """Every collection (and nested list) in reverse order."""
    flipped = {name: getattr(data, name)[::-1] for name in Dataset.model_fields}
    flipped["steps"] = [
        s.model_copy(update={"requires": s.requires[::-1]}) for s in flipped["steps"]
    ]
    flipped["activities"] = [
        a.model_copy(update={"develops": a.develops[::-1]}) for a in flipped["activities"]
    ]
    flipped["employees"] = [
        e.model_copy(update={"manages": e.manages[::-1]}) for e in flipped["employees"]
    ]
    return replace(data, **flipped)


async def test_empty_store_exports_an_empty_dataset(store: Store) -> None:
    assert await store.export_dataset() == Dataset()


async def test_export_after_import_equals_the_dataset(store: Store, region: Dataset) -> None:
    await store.import_dataset(region)

    assert await store.export_dataset() == canonical(region)


async def test_importing_twice_changes_nothing(store: Store, region: Dataset) -> None:
    await store.import_dataset(region)
    first = await store.export_dataset()

    await store.import_dataset(region)

    assert await store.export_dataset() == first


async def test_import_order_does_not_matter(store: Store, region: Dataset) -> None:
    # Children before parents, plans before ... : the store accepts any order
    # and answers in its own.
    await store.import_dataset(_reversed(region))

    assert await store.export_dataset() == canonical(region)


async def test_import_in_two_parts_equals_one_import(store: Store, region: Dataset) -> None:
    await store.import_dataset(reference_part(region))
    await store.import_dataset(people_part(region))

    assert await store.export_dataset() == canonical(region)


async def test_reimport_updates_by_key(loaded: Store, region: Dataset) -> None:
    renamed = changed(by_id(region.employees, "e03"), name="Cecilia Berg-Ek", step_id="ssk-2")
    raised = make_holding("e03", "evb", 2, assessed_on=date(2025, 2, 1))
    ended = changed(region.mentorships[0], ended_on=date(2025, 2, 1))
    edited = replace(
        region,
        employees=[renamed if e.id == "e03" else e for e in region.employees],
        holdings=[
            raised if (h.employee_id, h.competence_id) == ("e03", "evb") else h
            for h in region.holdings
        ],
        mentorships=[ended, *region.mentorships[1:]],
    )

    await loaded.import_dataset(edited)

    assert await loaded.export_dataset() == canonical(edited)


async def test_reimport_replaces_nested_collections(loaded: Store, region: Dataset) -> None:
    # A step, an activity, an employee and a mentorship own their nested
    # lists: importing the owner again replaces them, it does not merge.
    step = by_id(region.steps, "ssk-2")
    fewer_requires = changed(
        step, requires=[Requirement(competence_id="evb", level=3, mandatory=False)]
    )
    activity = by_id(region.activities, "handl-utb")
    fewer_develops = changed(activity, develops=activity.develops[:1])
    manager = changed(by_id(region.employees, "e06"), manages=["enh-akut"])
    mentorship = changed(region.mentorships[0], focus=["pcv"])
    edited = replace(
        region,
        steps=[fewer_requires if s.id == step.id else s for s in region.steps],
        activities=[fewer_develops if a.id == activity.id else a for a in region.activities],
        employees=[manager if e.id == manager.id else e for e in region.employees],
        mentorships=[mentorship, *region.mentorships[1:]],
    )

    await loaded.import_dataset(edited)

    assert await loaded.export_dataset() == canonical(edited)


async def test_reimport_drops_what_an_owner_no_longer_lists(loaded: Store, region: Dataset) -> None:
    # A folder is one dataset (DESIGN §7): a ladder file lists its steps and
    # its transitions, a unit its needs, a plan its items. Imported over the
    # old data, a revised ladder kept its dropped step beside the one that
    # took its place (two steps at ordinal 2), and a shorter plan kept its old
    # last item. usk-2 goes (e08's plan targeted it: the revision retargets
    # it), with the transition usk-2 -> ssk-1; usk-3 becomes ordinal 2.
    version = await loaded.reference_version()
    usk3 = changed(by_id(region.steps, "usk-3"), ordinal=2)
    plan = changed(by_id(region.plans, "p-e08-2025"), target_step_id="usk-3")
    edited = replace(
        region,
        steps=[usk3 if s.id == "usk-3" else s for s in region.steps if s.id != "usk-2"],
        transitions=[t for t in region.transitions if t.from_step_id != "usk-2"],
        needs=[n for n in region.needs if (n.unit_id, n.horizon.value) != ("enh-akut", "long")],
        plans=[plan if p.id == plan.id else p for p in region.plans],
        plan_activities=[
            a for a in region.plan_activities if (a.plan_id, a.seq) != ("p-e03-2025", 3)
        ],
    )
    assert len(edited.needs) == len(region.needs) - 1  # the test drops what it means to

    await loaded.import_dataset(edited)

    assert await loaded.export_dataset() == canonical(edited)
    assert await loaded.reference_version() == version + 1
    await loaded.import_dataset(edited)  # and again: nothing more to drop
    assert await loaded.reference_version() == version + 1


async def test_owners_missing_from_the_dataset_keep_what_they_list(
    loaded: Store, region: Dataset
) -> None:
    # Only what the dataset's own ladders, units and plans list is replaced:
    # a dataset of one unit's needs leaves the other units' needs alone.
    unit = by_id(region.units, "enh-iva")
    await loaded.import_dataset(
        Dataset(units=(unit,), needs=[n for n in region.needs if n.unit_id == unit.id])
    )

    assert await loaded.export_dataset() == canonical(region)


@pytest.mark.parametrize(
    ("step", "user"),
    [("ssk-3", "employee 'e02' is at it"), ("usk-2", "plan 'p-e08-2025' targets it")],
)
async def test_a_step_still_in_use_is_not_dropped(
    loaded: Store, region: Dataset, step: str, user: str
) -> None:
    # The reference data alone, without a step that stored people or plans
    # (not in the dataset) still use: refused, naming who, nothing written.
    before = await loaded.export_dataset()
    version = await loaded.reference_version()
    reference = reference_part(region)
    dropped = by_id(region.steps, step)
    later = [
        changed(s, ordinal=s.ordinal - 1)
        if s.ladder_id == dropped.ladder_id and s.ordinal > dropped.ordinal
        else s
        for s in reference.steps
        if s.id != step
    ]
    edited = replace(
        reference,
        steps=later,
        transitions=[
            t for t in reference.transitions if step not in (t.from_step_id, t.to_step_id)
        ],
    )

    with pytest.raises(IntegrityError) as refused:
        await loaded.import_dataset(edited)

    assert f"step {step!r} is no longer in ladder {dropped.ladder_id!r}, but {user}" in str(
        refused.value
    )
    assert await loaded.export_dataset() == before
    assert await loaded.reference_version() == version


async def test_progress_reports_every_record(store: Store, region: Dataset) -> None:
    reported: list[int] = []

    await store.import_dataset(region, progress=reported.append)

    assert reported, "progress was never called"
    assert all(n > 0 for n in reported)
    assert sum(reported) == record_count(region)


async def test_failed_import_into_an_empty_store_leaves_nothing(
    store: Store, region: Dataset
) -> None:
    broken = with_added(region, holdings=[make_holding("no-such-employee", "evb", 3)])

    with pytest.raises(IntegrityError):
        await store.import_dataset(broken)

    assert await store.export_dataset() == Dataset()
    assert await store.reference_version() == 0


async def test_failed_import_midway_leaves_the_store_as_it_was(
    loaded: Store, region: Dataset
) -> None:
    before = await loaded.export_dataset()
    version = await loaded.reference_version()
    # Changes everywhere, then one holding naming an unknown employee last.
    edited = replace(
        region,
        competences=[changed(c, name=c.name + " (ny)") for c in region.competences],
        employees=[changed(e, name=e.name.upper()) for e in region.employees],
        holdings=[*region.holdings, make_holding("no-such-employee", "evb", 3)],
    )

    with pytest.raises(IntegrityError):
        await loaded.import_dataset(edited)

    assert await loaded.export_dataset() == before
    assert await loaded.reference_version() == version


async def test_failed_import_of_reference_data_leaves_nothing(
    loaded: Store, region: Dataset
) -> None:
    before = await loaded.export_dataset()
    version = await loaded.reference_version()
    step = by_id(region.steps, "ssk-4")
    bad_step = changed(
        step, requires=[*step.requires, Requirement(competence_id="no-such", level=2)]
    )
    edited = replace(region, steps=[bad_step if s.id == step.id else s for s in region.steps])

    with pytest.raises(IntegrityError):
        await loaded.import_dataset(edited)

    assert await loaded.export_dataset() == before
    assert await loaded.reference_version() == version


async def test_failed_import_with_an_unknown_mentorship_focus_leaves_nothing(
    loaded: Store, region: Dataset
) -> None:
    before = await loaded.export_dataset()
    bad = Mentorship(
        mentor_id="e01", adept_id="e04", focus=("no-such",), started_on=date(2025, 1, 1)
    )

    with pytest.raises(IntegrityError):
        await loaded.import_dataset(with_added(region, mentorships=[bad]))

    assert await loaded.export_dataset() == before
