"""Employees: batch reads, paging through units, counting, upserting."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from ladders.catalog import CatalogCache
from ladders.commands import upsert_employee
from ladders.errors import IntegrityError, ValidationError
from ladders.models import Dataset, Employee
from ladders.ports import Store
from tests.builders import (
    ENH_AKUT,
    ENH_IVA,
    ENH_PSYK,
    OMR_AKUT,
    REGION,
    by_id,
    canonical,
    changed,
    make_employee,
)


async def test_get_employees_is_aligned_with_none_for_unknown(
    loaded: Store, region: Dataset
) -> None:
    got = await loaded.get_employees(["e06", "nobody", "e01", "e06"])

    e06 = by_id(canonical(region).employees, "e06")
    assert got == [e06, None, by_id(region.employees, "e01"), e06]
    assert e06.manages == (ENH_IVA, OMR_AKUT)  # sorted by unit id
    assert await loaded.get_employees([]) == []


async def test_employees_in_units_by_id(loaded: Store) -> None:
    region_units = await loaded.subtree_unit_ids(REGION)

    everyone = await loaded.employees_in_units(region_units)
    akut = await loaded.employees_in_units([ENH_AKUT])

    assert [e.id for e in everyone] == [f"e{n:02}" for n in range(1, 11)]
    assert [e.id for e in akut] == ["e01", "e03", "e05"]
    assert akut[2].manages == (ENH_AKUT,)
    assert await loaded.employees_in_units([]) == []
    assert await loaded.employees_in_units(["no-such"]) == []


async def test_employees_in_units_pages_with_first_and_after(loaded: Store) -> None:
    units = await loaded.subtree_unit_ids(REGION)
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = await loaded.employees_in_units(units, first=3, after=after)
        if not page:
            break
        pages.append([e.id for e in page])
        after = page[-1].id

    assert pages == [
        ["e01", "e02", "e03"],
        ["e04", "e05", "e06"],
        ["e07", "e08", "e09"],
        ["e10"],
    ]


async def test_employees_in_units_cursor_edges(loaded: Store) -> None:
    units = [ENH_PSYK, ENH_IVA]

    assert [e.id for e in await loaded.employees_in_units(units, after="e04")] == [
        "e07",
        "e08",
        "e09",
    ]
    # The cursor need not be an employee of these units, nor exist at all.
    assert [e.id for e in await loaded.employees_in_units(units, after="e02x")] == [
        "e04",
        "e07",
        "e08",
        "e09",
    ]
    assert await loaded.employees_in_units(units, after="e99") == []
    assert await loaded.employees_in_units(units, first=0) == []
    assert [e.id for e in await loaded.employees_in_units(units, first=1)] == ["e02"]


async def test_count_employees_in_units(loaded: Store) -> None:
    assert await loaded.count_employees_in_units(await loaded.subtree_unit_ids(REGION)) == 10
    assert await loaded.count_employees_in_units([ENH_AKUT, ENH_IVA]) == 5
    assert await loaded.count_employees_in_units([OMR_AKUT]) == 1
    assert await loaded.count_employees_in_units([]) == 0
    assert await loaded.count_employees_in_units(["no-such"]) == 0


async def test_upsert_employee_creates(loaded: Store) -> None:
    new = make_employee("e99", manages=(ENH_IVA, ENH_AKUT), mentor_capacity=1, adept=True)

    await loaded.upsert_employee(new)

    [got] = await loaded.get_employees(["e99"])
    assert got == changed(new, manages=[ENH_AKUT, ENH_IVA])
    assert await loaded.count_employees_in_units([ENH_AKUT]) == 4


async def test_upsert_employee_replaces_links(loaded: Store, region: Dataset) -> None:
    # e06 moves to enh-akut, loses the step it never had, manages only enh-akut,
    # and every optional field is cleared.
    moved = Employee(
        id="e06", name="Fredrik Sund", birth_year=1970, unit_id=ENH_AKUT, manages=(ENH_AKUT,)
    )

    await loaded.upsert_employee(moved)

    assert await loaded.get_employees(["e06"]) == [moved]
    assert [e.id for e in await loaded.employees_in_units([OMR_AKUT])] == []
    assert "e06" in [e.id for e in await loaded.employees_in_units([ENH_AKUT])]
    # Nothing else changed.
    expected = canonical(region)
    exported = await loaded.export_dataset()
    assert [e for e in exported.employees if e.id != "e06"] == [
        e for e in expected.employees if e.id != "e06"
    ]
    assert exported.holdings == expected.holdings


async def test_upsert_employee_changes_step_and_profession(loaded: Store) -> None:
    [before] = await loaded.get_employees(["e08"])
    assert before is not None
    promoted = changed(before, step_id="usk-2", step_since=before.employed_since)

    await loaded.upsert_employee(promoted)

    assert await loaded.get_employees(["e08"]) == [promoted]


async def test_a_cleared_step_takes_its_day_with_it(loaded: Store) -> None:
    # Neo4j keeps the day on AT_STEP and lost it with the step; SQLite kept
    # it in the row, so a step set again without a day took the stale one
    # (career paths' months and readiness then counted from it).
    catalog = await CatalogCache().get(loaded)

    async def upsert(**changes: Any) -> Employee:
        return await upsert_employee(
            store=loaded, catalog=catalog, employee_id="e03", changes=changes
        )

    cleared = await upsert(step_id=None)
    assert (cleared.step_id, cleared.step_since) == (None, None)
    assert await loaded.get_employees(["e03"]) == [cleared]
    again = await upsert(step_id="ssk-2")
    assert (again.step_id, again.step_since) == ("ssk-2", None)
    assert await loaded.get_employees(["e03"]) == [again]
    with pytest.raises(ValidationError) as bad:
        await upsert(step_id=None, step_since=date(2024, 1, 1))
    assert bad.value.field == "step_since"


async def test_a_new_step_does_not_take_the_old_step_s_day(loaded: Store) -> None:
    # e09 has been at ssk-2 since 2020-01-01. Moved to ssk-3 without a day,
    # she kept 2020-01-01, so five years counted as served at ssk-3.
    catalog = await CatalogCache().get(loaded)

    async def upsert(**changes: Any) -> Employee:
        return await upsert_employee(
            store=loaded, catalog=catalog, employee_id="e09", changes=changes
        )

    moved = await upsert(step_id="ssk-3")
    assert (moved.step_id, moved.step_since) == ("ssk-3", None)
    assert await loaded.get_employees(["e09"]) == [moved]
    dated = await upsert(step_since=date(2025, 2, 1))  # the day, given later, is kept
    assert (dated.step_id, dated.step_since) == ("ssk-3", date(2025, 2, 1))
    renamed = await upsert(name="Ida Ek-Berg")  # the same step: its day stays
    assert renamed.step_since == date(2025, 2, 1)
    promoted = await upsert(step_id="ssk-4", step_since=date(2025, 3, 1))
    assert promoted.step_since == date(2025, 3, 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"unit_id": "no-such"},
        {"profession_id": "no-such"},
        {"step_id": "no-such"},
        {"manages": (ENH_AKUT, "no-such")},
    ],
    ids=["unit", "profession", "step", "manages"],
)
async def test_upsert_employee_with_unknown_ids_writes_nothing(
    loaded: Store, region: Dataset, fields: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.upsert_employee(make_employee("e99", **fields))
    with pytest.raises(IntegrityError):
        await loaded.upsert_employee(changed(by_id(region.employees, "e05"), **fields))

    assert await loaded.get_employees(["e99"]) == [None]
    assert await loaded.export_dataset() == canonical(region)


async def test_an_employee_without_unit_is_in_no_unit(loaded: Store) -> None:
    loose = Employee(id="e99", name="Utan Enhet", birth_year=1980)

    await loaded.upsert_employee(loose)

    assert await loaded.get_employees(["e99"]) == [loose]
    region_units = await loaded.subtree_unit_ids(REGION)
    assert "e99" not in [e.id for e in await loaded.employees_in_units(region_units)]
    assert await loaded.count_employees_in_units(region_units) == 10


async def test_concurrent_writes_and_reads_all_land(loaded: Store) -> None:
    new = [make_employee(f"n{n:02}", unit_id=ENH_IVA) for n in range(12)]

    results = await asyncio.gather(
        *(loaded.upsert_employee(e) for e in new),
        *(loaded.count_employees_in_units([ENH_IVA]) for _ in range(12)),
    )

    # Each read saw some whole number of the writes, never a broken state.
    counts = results[12:]
    assert all(isinstance(n, int) and 2 <= n <= 14 for n in counts), counts
    assert await loaded.count_employees_in_units([ENH_IVA]) == 14
    assert await loaded.get_employees([e.id for e in new]) == new


async def test_upsert_employee_with_expected_writes_only_over_what_was_read(
    loaded: Store,
) -> None:
    from ladders.errors import ConflictError
    from ladders.ports import Was

    [before] = await loaded.get_employees(["e06"])  # as the store gives it
    assert before is not None
    moved = changed(before, unit_id=ENH_AKUT)
    renamed = changed(before, name="Fredrik Sundh")
    await loaded.upsert_employee(moved, expected=Was(before))
    # A write that read `before` would undo the move: refused, nothing written.
    for stale in (before, None):
        with pytest.raises(ConflictError, match=r"^employee 'e06' changed since it was read"):
            await loaded.upsert_employee(renamed, expected=Was(stale))
    assert await loaded.get_employees(["e06"]) == [moved]

    # Created only where none was (nor is created meanwhile).
    new = make_employee("e99")
    with pytest.raises(ConflictError, match=r"^employee 'e99' changed"):
        await loaded.upsert_employee(new, expected=Was(before.model_copy(update={"id": "e99"})))
    assert await loaded.get_employees(["e99"]) == [None]
    await loaded.upsert_employee(new, expected=Was(None))
    assert await loaded.get_employees(["e99"]) == [new]


async def test_an_employee_changed_since_the_command_read_them_is_a_conflict(
    loaded: Store,
) -> None:
    # QA: two admins' upsertEmployee of one person at once, each with other
    # fields: the second kept the fields it had read, undoing the first's move.
    from ladders.catalog import CatalogCache
    from ladders.commands import upsert_employee
    from ladders.errors import ConflictError
    from tests.spies import Meanwhile

    catalog = await CatalogCache().get(loaded)
    [before] = await loaded.get_employees(["e06"])
    assert before is not None
    moved = changed(before, unit_id=ENH_AKUT)
    racing: Any = Meanwhile(loaded, "get_employees", lambda: loaded.upsert_employee(moved))

    with pytest.raises(ConflictError, match=r"^employee 'e06' changed since it was read"):
        await upsert_employee(
            store=racing, catalog=catalog, employee_id="e06", changes={"name": "F. Sundh"}
        )
    assert await loaded.get_employees(["e06"]) == [moved]
