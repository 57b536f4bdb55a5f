"""Knowledge-transfer risk (DESIGN §4) on the tiny region of tests/builders.py,
on AS_OF = 2025-03-01; seniors are 60+, rows need a senior share >= 0.5.

Holders at level >= 4 (ages at AS_OF), every holding still valid:
    evb    e01 (63) 5, e02 (57) 4                  2 holders, 1 senior
    pcv    e01 (63) 4, e07 (66) 4                  2 holders, 2 seniors
    team   e01 (63), e02 (57), e06 (55), e07 (66)  4 holders, 2 seniors
    handl  e01 (63) 4, e06 (55) 4 (e02's 3 expired) 2 holders, 1 senior
    bem    e07 (66) 5                              1 holder,  1 senior
    (hlr: nobody above 3)
Active mentorships on AS_OF: e01 -> e03 (focus evb, hlr), e07 -> e08 (focus
pcv, started on AS_OF). e02 -> e04 (team) ended on AS_OF; e07 -> e08 (bem,
pcv) ended in 2024.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.models import (
    Competence,
    CompetenceCategory,
    Employee,
    Holding,
    Mentorship,
    ReferenceData,
)
from ladders.ports import AggregateReads
from ladders.risk import TransferRisk, compute_risks, knowledge_transfer_risks, transfer_counts
from ladders.rules import Rules
from tests.builders import AS_OF, tiny_region

RULES = Rules()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(tiny_region())
    yield s
    await s.close()


def rows(found: list[TransferRisk]) -> list[tuple[str, int, int, float, int]]:
    return [
        (r.competence_id, r.holders, r.senior_holders, r.senior_share, r.mentorships_active)
        for r in found
    ]


async def risks(store: EmbeddedStore, unit_id: str) -> list[tuple[str, int, int, float, int]]:
    catalog = Catalog.build(await store.reference_data())
    return rows(
        await knowledge_transfer_risks(
            store=store, catalog=catalog, rules=RULES, unit_id=unit_id, as_of=AS_OF
        )
    )


async def test_region_risks_highest_share_first_uncovered_before_covered(
    store: EmbeddedStore,
) -> None:
    assert await risks(store, "reg") == [
        # share 1.0: bem (no active mentorship on bem) before pcv (e07 -> e08)
        ("bem", 1, 1, 1.0, 0),
        ("pcv", 2, 2, 1.0, 1),
        # share 0.5: handl and team uncovered (by id), then evb (e01 -> e03)
        ("handl", 2, 1, 0.5, 0),
        ("team", 4, 2, 0.5, 0),
        ("evb", 2, 1, 0.5, 1),
    ]


async def test_only_the_subtree_counts(store: EmbeddedStore) -> None:
    # omr-akut has e01, e02, e03, e04, e05, e06: e07 is elsewhere, so pcv has
    # one holder (e01, senior: 1.0) and e07's mentorship does not count;
    # team has e01, e02, e06: 1/3 < 0.5, no row.
    assert await risks(store, "omr-akut") == [
        ("pcv", 1, 1, 1.0, 0),
        ("handl", 2, 1, 0.5, 0),
        ("evb", 2, 1, 0.5, 1),
    ]
    assert await risks(store, "enh-iva") == []  # e02 (57) is no senior
    with pytest.raises(NotFoundError):
        await risks(store, "nowhere")


def test_only_mentorships_of_holders_with_the_competence_in_focus_count() -> None:
    catalog = Catalog.build(
        ReferenceData(competences=(Competence(id="c", name="C", category=CompetenceCategory.CORE),))
    )
    people = [
        Employee(id="old", name="Old", birth_year=1960),  # 65
        Employee(id="mid", name="Mid", birth_year=1966),  # 59: not senior
        Employee(id="low", name="Low", birth_year=1958),  # holds c at 3 only
    ]
    holdings = [
        Holding(employee_id="old", competence_id="c", level=4),
        Holding(employee_id="mid", competence_id="c", level=5),
        Holding(employee_id="low", competence_id="c", level=3),
    ]
    links = [
        Mentorship(mentor_id="old", adept_id="x", started_on=date(2025, 1, 1), focus=("c",)),
        Mentorship(mentor_id="old", adept_id="y", started_on=date(2025, 1, 1), focus=("d",)),
        Mentorship(mentor_id="low", adept_id="z", started_on=date(2025, 1, 1), focus=("c",)),
        Mentorship(mentor_id="mid", adept_id="w", started_on=date(2025, 7, 1), focus=("c",)),
    ]
    found = compute_risks(
        employees=people,
        holdings=holdings,
        mentorships=links,
        catalog=catalog,
        rules=RULES,
        as_of=date(2025, 6, 1),
    )
    # holders old, mid (low is below 4); 1 senior of 2; only old -> x counts:
    # old -> y has another focus, low is no holder, mid -> w starts later.
    assert rows(found) == [("c", 2, 1, 0.5, 1)]


async def test_store_aggregates_equal_the_reference(store: EmbeddedStore) -> None:
    assert isinstance(store, AggregateReads)
    catalog = Catalog.build(await store.reference_data())
    for unit in ("reg", "omr-akut", "enh-psyk"):
        units = await store.subtree_unit_ids(unit)
        employees = await store.employees_in_units(units)
        ids = [e.id for e in employees]
        for min_level, born_by in ((4, 1965), (3, 1970), (5, 1900)):
            assert await store.transfer_counts(
                units, min_level=min_level, senior_born_by=born_by, as_of=AS_OF
            ) == transfer_counts(
                employees=employees,
                holdings=await store.holdings_of(ids),
                mentorships=await store.mentorships_of(ids, role="mentor"),
                catalog=catalog,
                min_level=min_level,
                senior_born_by=born_by,
                as_of=AS_OF,
            )
