"""`employees_in_units(None)`: every employee, in a unit or not, by id, paged
like a list of units' people (an admin's `employees` with no unit)."""

from __future__ import annotations

from ladders.models import Employee
from ladders.ports import Store
from tests.builders import REGION

EVERYONE = [f"e{n:02}" for n in range(1, 11)]


async def test_every_employee_also_those_in_no_unit(loaded: Store) -> None:
    await loaded.upsert_employee(Employee(id="e055", name="Utan Enhet", birth_year=1980))
    await loaded.upsert_employee(Employee(id="e99", name="Ny Utan", birth_year=1990))
    expected = sorted([*EVERYONE, "e055", "e99"])

    listed = await loaded.employees_in_units(None)

    assert [e.id for e in listed] == expected
    assert listed[expected.index("e055")].unit_id is None
    assert await loaded.count_employees_in_units(None) == len(expected)
    # A unit list still lists only its units' people.
    region_units = await loaded.subtree_unit_ids(REGION)
    assert await loaded.count_employees_in_units(region_units) == len(EVERYONE)


async def test_every_employee_pages_with_first_and_after(loaded: Store) -> None:
    await loaded.upsert_employee(Employee(id="e055", name="Utan Enhet", birth_year=1980))
    pages: list[list[str]] = []
    after: str | None = None
    while page := await loaded.employees_in_units(None, first=4, after=after):
        pages.append([e.id for e in page])
        after = page[-1].id

    assert pages == [
        ["e01", "e02", "e03", "e04"],
        ["e05", "e055", "e06", "e07"],
        ["e08", "e09", "e10"],
    ]
    assert await loaded.employees_in_units(None, first=0) == []
    assert [e.id for e in await loaded.employees_in_units(None, after="e09")] == ["e10"]
