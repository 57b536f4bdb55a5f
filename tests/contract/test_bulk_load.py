"""bulk_load: a stream of chunks, one transaction each, meaning what import does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ladders.errors import IntegrityError
from ladders.models import Dataset, Employee, PlanStatus
from ladders.ports import Store
from tests.builders import (
    canonical,
    changed,
    make_holding,
    record_count,
    reference_part,
    replace,
)


def _people_of(region: Dataset, employees: tuple[Employee, ...]) -> Dataset:
    """These employees with everything that is theirs alone (not mentorships)."""
    ids = {e.id for e in employees}
    plans = tuple(p for p in region.plans if p.employee_id in ids)
    plan_ids = {p.id for p in plans}
    return Dataset(
        employees=employees,
        holdings=tuple(h for h in region.holdings if h.employee_id in ids),
        plans=plans,
        plan_activities=tuple(a for a in region.plan_activities if a.plan_id in plan_ids),
        conversations=tuple(c for c in region.conversations if c.employee_id in ids),
    )


def _chunks(region: Dataset) -> list[Dataset]:
    """Reference data and the tree; half the people; the rest and every
    mentorship, which names people of the chunk before."""
    half = len(region.employees) // 2
    tree = Dataset(units=region.units, needs=region.needs)
    first = _people_of(region, region.employees[:half])
    rest = _people_of(region, region.employees[half:])
    return [
        reference_part(region),
        tree,
        first,
        rest.model_copy(update={"mentorships": region.mentorships}),
    ]


async def _async(chunks: list[Dataset]) -> AsyncIterator[Dataset]:
    for chunk in chunks:
        yield chunk


async def test_chunks_load_to_the_same_data_as_one_import(store: Store, region: Dataset) -> None:
    await store.bulk_load(_chunks(region))

    assert await store.export_dataset() == canonical(region)


async def test_an_async_stream_of_chunks_is_loaded(store: Store, region: Dataset) -> None:
    await store.bulk_load(_async(_chunks(region)))

    assert await store.export_dataset() == canonical(region)


async def test_progress_counts_every_record_once(store: Store, region: Dataset) -> None:
    seen: list[int] = []

    await store.bulk_load(_chunks(region), progress=seen.append)

    assert sum(seen) == record_count(region)


async def test_loading_again_changes_nothing(store: Store, region: Dataset) -> None:
    await store.bulk_load(_chunks(region))
    first = await store.export_dataset()

    await store.bulk_load(_chunks(region))

    assert await store.export_dataset() == first


async def test_existing_people_are_updated_not_duplicated(store: Store, region: Dataset) -> None:
    await store.bulk_load(_chunks(region))
    planned = {p.employee_id for p in region.plans}
    someone = next(e for e in region.employees if e.id in planned)
    renamed = changed(someone, name="Ny Namnsson")
    holding = next(h for h in region.holdings if h.employee_id == someone.id)
    raised = changed(holding, level=5)
    plan = next(p for p in region.plans if p.employee_id == someone.id)
    closed = changed(plan, status=PlanStatus.CLOSED)

    await store.bulk_load([Dataset(employees=(renamed,), holdings=(raised,), plans=(closed,))])

    expected = replace(
        region,
        employees=[renamed if e.id == someone.id else e for e in region.employees],
        holdings=[raised if h == holding else h for h in region.holdings],
        plans=[closed if p == plan else p for p in region.plans],
    )
    assert await store.export_dataset() == canonical(expected)


async def test_a_failing_chunk_writes_nothing_and_keeps_the_chunks_before(
    store: Store, region: Dataset
) -> None:
    chunks = _chunks(region)
    stray = make_holding("nobody", region.competences[0].id, 2)
    broken = chunks[3].model_copy(update={"holdings": (*chunks[3].holdings, stray)})
    late = region.employees[0].model_copy(update={"id": "late-1"})
    told: list[Dataset] = []

    with pytest.raises(IntegrityError):
        await store.bulk_load(
            [*chunks[:3], broken, Dataset(employees=(late,))], written=told.append
        )

    # Nothing of the broken chunk nor of the one after it; only those before told.
    assert await store.export_dataset() == canonical(_merged(chunks[:3]))
    assert told == chunks[:3]


def _merged(chunks: list[Dataset]) -> Dataset:
    """One dataset holding every record of `chunks`."""
    return Dataset(
        **{
            name: tuple(x for c in chunks for x in getattr(c, name))
            for name in Dataset.model_fields
        }
    )


def _generated(chunks: list[Dataset]) -> Iterator[Dataset]:
    yield from chunks


async def test_a_plain_generator_is_accepted(store: Store, region: Dataset) -> None:
    await store.bulk_load(_generated(_chunks(region)), progress=None)

    assert await store.export_dataset() == canonical(region)


async def test_each_chunk_is_told_written_once_in_order(store: Store, region: Dataset) -> None:
    chunks = _chunks(region)
    told: list[Dataset] = []

    await store.bulk_load(_async(chunks), written=told.append)

    assert told == chunks


async def test_a_chunk_of_old_and_new_people_loads_as_an_import(
    store: Store, region: Dataset
) -> None:
    chunks = _chunks(region)
    await store.bulk_load(chunks[:3])
    first = chunks[2].employees[0]
    renamed = changed(first, name="Ny Namnsson")
    mixed = chunks[3].model_copy(update={"employees": (renamed, *chunks[3].employees)})

    await store.bulk_load([mixed])

    expected = replace(
        region, employees=[renamed if e.id == first.id else e for e in region.employees]
    )
    assert await store.export_dataset() == canonical(expected)


async def test_a_source_that_fails_leaves_the_chunks_it_gave_written(
    store: Store, region: Dataset
) -> None:
    chunks = _chunks(region)
    told: list[Dataset] = []

    async def failing() -> AsyncIterator[Dataset]:
        for chunk in chunks[:3]:
            yield chunk
        raise RuntimeError("the generator died")

    with pytest.raises(RuntimeError, match="the generator died"):
        await store.bulk_load(failing(), written=told.append)

    assert told == chunks[:3]
    assert await store.export_dataset() == canonical(_merged(chunks[:3]))
