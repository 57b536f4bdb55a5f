"""The organisation: units, subtrees and unit needs."""

from __future__ import annotations

import pytest

from ladders.errors import IntegrityError
from ladders.models import Dataset, Horizon, UnitNeed
from ladders.ports import Store
from tests.builders import (
    ADM_PSYK,
    ADM_VARD,
    ENH_AKUT,
    ENH_IVA,
    ENH_PSYK,
    OMR_AKUT,
    OMR_PSYK,
    REGION,
    by_id,
    canonical,
)


async def test_units_are_all_units_by_id(loaded: Store, region: Dataset) -> None:
    assert await loaded.units() == list(canonical(region).units)


async def test_get_units_is_aligned_with_none_for_unknown(loaded: Store, region: Dataset) -> None:
    got = await loaded.get_units([ENH_IVA, "no-such", REGION, ENH_IVA])

    assert got == [
        by_id(region.units, ENH_IVA),
        None,
        by_id(region.units, REGION),
        by_id(region.units, ENH_IVA),
    ]
    assert await loaded.get_units([]) == []


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (
            REGION,
            sorted([REGION, ADM_VARD, ADM_PSYK, OMR_AKUT, OMR_PSYK, ENH_AKUT, ENH_IVA, ENH_PSYK]),
        ),
        (ADM_VARD, sorted([ADM_VARD, OMR_AKUT, ENH_AKUT, ENH_IVA])),
        (OMR_PSYK, sorted([OMR_PSYK, ENH_PSYK])),
        (ENH_IVA, [ENH_IVA]),
        ("no-such", []),
    ],
)
async def test_subtree_unit_ids(loaded: Store, root: str, expected: list[str]) -> None:
    assert await loaded.subtree_unit_ids(root) == expected


async def test_unit_needs_of_some_units_in_key_order(loaded: Store, region: Dataset) -> None:
    got = await loaded.unit_needs([ENH_PSYK, ENH_AKUT, "no-such"])

    expected = [n for n in canonical(region).needs if n.unit_id in {ENH_PSYK, ENH_AKUT}]
    assert got == expected
    # (unit, competence, level, horizon): the two handl needs differ by horizon only.
    assert [(n.competence_id, n.horizon) for n in got[:4]] == [
        ("evb", Horizon.NOW),
        ("handl", Horizon.LONG),
        ("handl", Horizon.SHORT),
        ("hlr", Horizon.NOW),
    ]
    assert await loaded.unit_needs([]) == []
    assert await loaded.unit_needs(["no-such"]) == []


async def test_upsert_unit_need_adds_and_replaces_by_key(loaded: Store) -> None:
    added = UnitNeed(unit_id=ENH_IVA, competence_id="hlr", level=3, count=4)
    recount = UnitNeed(unit_id=ENH_IVA, competence_id="team", level=3, count=7)
    other_horizon = UnitNeed(
        unit_id=ENH_IVA, competence_id="team", level=3, count=1, horizon=Horizon.SHORT
    )

    await loaded.upsert_unit_need(added)
    await loaded.upsert_unit_need(recount)
    await loaded.upsert_unit_need(other_horizon)

    got = await loaded.unit_needs([ENH_IVA])
    assert [(n.competence_id, n.level, n.horizon, n.count) for n in got] == [
        ("evb", 4, Horizon.LONG, 1),
        ("hlr", 3, Horizon.NOW, 4),
        ("team", 3, Horizon.NOW, 7),
        ("team", 3, Horizon.SHORT, 1),
    ]


@pytest.mark.parametrize(
    "need",
    [
        UnitNeed(unit_id="no-such", competence_id="evb", level=3, count=1),
        UnitNeed(unit_id=ENH_IVA, competence_id="no-such", level=3, count=1),
    ],
    ids=["unknown-unit", "unknown-competence"],
)
async def test_upsert_unit_need_with_unknown_ids_fails(
    loaded: Store, region: Dataset, need: UnitNeed
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.upsert_unit_need(need)

    assert await loaded.export_dataset() == canonical(region)
