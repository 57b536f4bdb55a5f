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
