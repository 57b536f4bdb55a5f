"""Holdings: per employee, holders of a competence, upserts."""

from __future__ import annotations

from datetime import date

import pytest

from ladders.errors import IntegrityError
from ladders.models import Dataset, HoldingSource
from ladders.ports import Store
from tests.builders import (
    ADM_VARD,
    ENH_AKUT,
    ENH_IVA,
    REGION,
    canonical,
    make_holding,
)


async def test_holdings_of_by_employee_then_competence(loaded: Store, region: Dataset) -> None:
    got = await loaded.holdings_of(["e08", "e03", "nobody"])

    expected = [h for h in canonical(region).holdings if h.employee_id in {"e03", "e08"}]
    assert got == expected
    assert [(h.employee_id, h.competence_id) for h in got] == [
        ("e03", "evb"), ("e03", "hlr"), ("e03", "leg-ssk"), ("e03", "pcv"),
        ("e08", "bem"), ("e08", "hlr"), ("e08", "pcv"),
    ]  # fmt: skip
    assert await loaded.holdings_of([]) == []
    assert await loaded.holdings_of(["e10"]) == []


async def test_holders_by_min_level(loaded: Store) -> None:
    at_least_4 = await loaded.holders("evb", 4)
    at_least_1 = await loaded.holders("evb", 1)

    assert [(h.employee_id, h.level) for h in at_least_4] == [("e01", 5), ("e02", 4)]
    assert [h.employee_id for h in at_least_1] == [
        "e01", "e02", "e03", "e04", "e05", "e06", "e09",
    ]  # fmt: skip
    assert await loaded.holders("evb", 6) == []
    assert await loaded.holders("no-such", 1) == []


async def test_holders_include_expired_holdings(loaded: Store) -> None:
    # e02's hlr expired by valid_months, handl by expires_on: expiry is the
    # domain's rule, so the store still returns both.
    hlr = await loaded.holders("hlr", 3)
    handl = await loaded.holders("handl", 3)

    assert [h.employee_id for h in hlr] == ["e01", "e02", "e05", "e07"]
    e02_hlr = next(h for h in hlr if h.employee_id == "e02")
    assert e02_hlr.assessed_on == date(2023, 5, 10)
    assert e02_hlr.expires_on is None
    assert [h.employee_id for h in handl] == ["e01", "e02", "e06"]
    assert next(h for h in handl if h.employee_id == "e02").expires_on == date(2024, 12, 31)


async def test_holders_within_units(loaded: Store) -> None:
    vard = await loaded.subtree_unit_ids(ADM_VARD)

    assert [h.employee_id for h in await loaded.holders("team", 3, unit_ids=vard)] == [
        "e01", "e02", "e05", "e06",
    ]  # fmt: skip
    assert [h.employee_id for h in await loaded.holders("team", 3, unit_ids=[ENH_IVA])] == ["e02"]
    # Units are not subtrees: the region itself has no employees.
    assert await loaded.holders("team", 3, unit_ids=[REGION]) == []
    assert await loaded.holders("team", 3, unit_ids=[]) == []


async def test_upsert_holding_adds_and_replaces(loaded: Store) -> None:
    new = make_holding("e10", "handl", 2)
    raised = make_holding(
        "e03", "evb", 2, assessed_on=date(2025, 2, 20), source=HoldingSource.ACTIVITY
    )

    await loaded.upsert_holding(new)
    await loaded.upsert_holding(raised)

    assert await loaded.holdings_of(["e10"]) == [new]
    e03 = await loaded.holdings_of(["e03"])
    assert [h for h in e03 if h.competence_id == "evb"] == [raised]
    assert len(e03) == 4
    assert "e03" in [h.employee_id for h in await loaded.holders("evb", 2, unit_ids=[ENH_AKUT])]


@pytest.mark.parametrize(
    ("employee_id", "competence_id"),
    [("nobody", "evb"), ("e03", "no-such")],
    ids=["unknown-employee", "unknown-competence"],
)
async def test_upsert_holding_with_unknown_ids_fails(
    loaded: Store, region: Dataset, employee_id: str, competence_id: str
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.upsert_holding(make_holding(employee_id, competence_id, 3))

    assert await loaded.export_dataset() == canonical(region)
