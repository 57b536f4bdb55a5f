"""What an import tells the caches: the reference version and the units token
move when the import changed what they cover, and only then (DESIGN §7: a
second import of the same folder changes nothing)."""

from __future__ import annotations

import pytest

from ladders.errors import IntegrityError
from ladders.models import Dataset
from ladders.ports import Store
from tests.builders import (
    by_id,
    changed,
    make_employee,
    make_holding,
    people_part,
    replace,
    with_added,
)
from tests.contract.test_import_export import _reversed


async def marks(store: Store) -> tuple[int, str | None]:
    return await store.reference_version(), await store.units_token()


async def test_importing_the_same_data_again_keeps_the_version_and_the_token(
    loaded: Store, region: Dataset
) -> None:
    before = await marks(loaded)

    await loaded.import_dataset(region)
    await loaded.import_dataset(_reversed(region))  # any order, nested lists too
    await loaded.import_dataset(people_part(region))

    assert await marks(loaded) == before


async def test_a_changed_competence_moves_the_version_only(loaded: Store, region: Dataset) -> None:
    version, token = await marks(loaded)
    competence = changed(region.competences[0], name="Ett nytt namn")

    await loaded.import_dataset(Dataset(competences=(competence,)))

    assert await marks(loaded) == (version + 1, token)


@pytest.mark.parametrize("what", ["requirement", "transition", "new activity"])
async def test_any_changed_reference_record_moves_the_version(
    loaded: Store, region: Dataset, what: str
) -> None:
    version = await loaded.reference_version()
    if what == "requirement":
        step = by_id(region.steps, "ssk-2")
        first = step.requires[0]
        lower = changed(first, level=first.level - 1 if first.level > 1 else 2)
        edited = replace(
            region,
            steps=[
                changed(s, requires=[lower, *s.requires[1:]]) if s.id == step.id else s
                for s in region.steps
            ],
        )
    elif what == "transition":
        first = changed(region.transitions[0], months=region.transitions[0].months + 1)
        edited = replace(region, transitions=[first, *region.transitions[1:]])
    else:
        new = changed(region.activities[0], id="ny-aktivitet")
        edited = with_added(region, activities=[new])

    await loaded.import_dataset(edited)

    assert await loaded.reference_version() == version + 1


@pytest.mark.parametrize("change", ["name", "parent", "new"])
async def test_a_changed_unit_renews_the_token_only(
    loaded: Store, region: Dataset, change: str
) -> None:
    version, token = await marks(loaded)
    unit = by_id(region.units, "enh-iva")
    if change == "name":
        units = (changed(unit, name="IVA"),)
    elif change == "parent":
        units = (changed(unit, parent_id="omr-psyk"),)
    else:
        units = (changed(unit, id="enh-ny"),)

    await loaded.import_dataset(Dataset(units=units))

    after_version, after_token = await marks(loaded)
    assert after_version == version
    assert after_token is not None
    assert after_token != token


async def test_a_failed_import_moves_neither(loaded: Store, region: Dataset) -> None:
    before = await marks(loaded)
    broken = Dataset(
        competences=(changed(region.competences[0], name="Annat"),),
        units=(changed(by_id(region.units, "enh-iva"), name="IVA"),),
        employees=(make_employee("e99", unit_id="no-such-unit"),),
        holdings=(make_holding("e99", "evb", 2),),
    )

    with pytest.raises(IntegrityError):
        await loaded.import_dataset(broken)

    assert await marks(loaded) == before
