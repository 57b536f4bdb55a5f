"""Erasing a person (GDPR art. 17): they and every link to them are gone, the
rest of the graph is exactly as if they had never been imported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ladders.models import Dataset
from ladders.ports import AuditRecord, Store
from tests.builders import canonical


def without(region: Dataset, employee_id: str) -> Dataset:
    """The region as it would be had the person never been in it."""
    plans = tuple(p for p in region.plans if p.employee_id != employee_id)
    plan_ids = {p.id for p in plans}
    return region.model_copy(
        update={
            "employees": tuple(e for e in region.employees if e.id != employee_id),
            "holdings": tuple(h for h in region.holdings if h.employee_id != employee_id),
            "mentorships": tuple(
                x for x in region.mentorships if employee_id not in (x.mentor_id, x.adept_id)
            ),
            "plans": plans,
            "plan_activities": tuple(a for a in region.plan_activities if a.plan_id in plan_ids),
            "conversations": tuple(c for c in region.conversations if c.employee_id != employee_id),
        }
    )


@pytest.mark.parametrize(
    "employee_id",
    [
        "e07",  # a mentor (of e08, twice) with holdings
        "e03",  # an adept with plans, plan items and conversations
        "e06",  # a manager of two units
    ],
)
async def test_erase_leaves_the_store_as_if_they_never_were(
    loaded: Store, region: Dataset, employee_id: str
) -> None:
    expected = without(region, employee_id)
    assert expected != region  # the person has links to erase

    assert await loaded.erase_employee(employee_id) is True

    assert await loaded.get_employees([employee_id]) == [None]
    assert await loaded.holdings_of([employee_id]) == []
    assert await loaded.mentorships_of([employee_id]) == []
    assert await loaded.plans_of([employee_id]) == []
    assert await loaded.conversations_of([employee_id]) == []
    assert await loaded.export_dataset() == canonical(expected)


async def test_erased_people_are_not_counted(loaded: Store, region: Dataset) -> None:
    """What aggregates read (counts per unit, holders) no longer has e01."""
    await loaded.erase_employee("e01")
    units = await loaded.subtree_unit_ids("reg")
    assert await loaded.count_employees_in_units(units) == len(region.employees) - 1
    holders = await loaded.holders("hlr", 1)
    assert "e01" not in {h.employee_id for h in holders}
    assert {h.employee_id for h in holders} == {
        h.employee_id
        for h in region.holdings
        if h.competence_id == "hlr" and h.employee_id != "e01"
    }


async def test_erasing_an_unknown_id_changes_nothing(loaded: Store, region: Dataset) -> None:
    assert await loaded.erase_employee("nobody") is False
    assert await loaded.export_dataset() == canonical(region)


async def test_erasure_keeps_the_audit_trail(loaded: Store) -> None:
    record = AuditRecord(
        at=datetime(2025, 3, 1, 12, tzinfo=UTC), who="e05", whom="e03", fields=("name",)
    )
    await loaded.record_audit([record])
    await loaded.erase_employee("e03")
    assert await loaded.audit_log(whom="e03") == [record]
