"""Mentor proposals for a unit (DESIGN §4 "Mentor proposals for a unit").

The worked example uses the tree and ladder of test_mentors (ssk-2 requires
ebp 3, hlr 2, team 3), on 2025-06-01, for unit d1 (subtree d1, u1):

    A   30 u1 ssk-1 adept  ebp 3, team 3, hlr expired   gap: hlr 2 missing
    B   30 d1 ssk-1 adept  team 3, hlr 2 (valid)        gap: ebp 3 missing
    C   30 d2 ssk-1 adept                               outside d1
    D   30 u1 ssk-1 adept  mentored by M3 (active)      already paired
    E   30 u1 (no step) adept                           no gap, nothing to ask
    F   30 u1 ssk-1 not designated

    M1  63 d1 capacity 1   ebp 5, hlr 4 (valid)         urgency 1.25
    M2  57 d1              ebp 4
    M3  60 a2              mentors D

Scores (levels covered × proximity × urgency):
    A-M1: hlr 2 levels; d(u1, d1) = 1 -> 2/3; 2 * 2/3 * 1.25 = 1.6667
    B-M1: ebp 3 levels; d = 0 -> 1;          3 * 1 * 1.25   = 3.75
    B-M2: ebp 3 levels; d = 0;               3 * 1 * 1      = 3.0
M1 takes one adept: {B-M1} totals 3.75 (A has no one else), {A-M1, B-M2}
totals 4.6667, so the proposals are B-M2 (3.0), then A-M1 (1.6667). A greedy
pairing (best pair first) would have stopped at 3.75.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders import proposals
from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.mentor_pool import PoolMentor
from ladders.mentors import MentorCandidate
from ladders.orgtree import load_tree
from ladders.proposals import MentorProposal, assign_mentors, mentor_proposals
from tests.builders import AS_OF as TINY_AS_OF
from tests.builders import tiny_region
from tests.unit.ladders.test_mentor_search import AS_OF as SEARCH_AS_OF
from tests.unit.ladders.test_mentor_search import REFERENCE as SEARCH_REFERENCE
from tests.unit.ladders.test_mentor_search import region as search_region
from tests.unit.ladders.test_mentors import (
    AS_OF,
    REFERENCE,
    RULES,
    UNITS,
    catalog,
    emp,
    hold,
    mentors,
)

EMPLOYEES = (
    emp("A", 30, "u1", step_id="ssk-1", adept=True),
    emp("B", 30, "d1", step_id="ssk-1", adept=True),
    emp("C", 30, "d2", step_id="ssk-1", adept=True),
    emp("D", 30, "u1", step_id="ssk-1", adept=True),
    emp("E", 30, "u1", adept=True),
    emp("F", 30, "u1", step_id="ssk-1"),
    emp("M1", 63, "d1", mentor_capacity=1),
    emp("M2", 57, "d1"),
    emp("M3", 60, "a2"),
)
HOLDINGS = (
    hold("A", "ebp", 3),
    hold("A", "team", 3),
    hold("A", "hlr", 2, assessed_on=date(2023, 1, 1)),
    hold("B", "team", 3),
    hold("B", "hlr", 2, assessed_on=date(2025, 1, 1)),
    hold("M1", "ebp", 5),
    hold("M1", "hlr", 4, assessed_on=date(2025, 1, 1)),
    hold("M2", "ebp", 4),
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(
        REFERENCE.model_copy(
            update={
                "units": UNITS,
                "employees": EMPLOYEES,
                "holdings": HOLDINGS,
                "mentorships": (mentors("M3", "D", date(2025, 1, 1)),),
            }
        )
    )
    yield s
    await s.close()


def pairs(proposals: list[MentorProposal]) -> list[tuple[str, str, float]]:
    return [(p.adept_id, p.mentor_id, round(p.score, 4)) for p in proposals]


async def test_proposals_maximise_the_total_score(store: EmbeddedStore) -> None:
    found = await mentor_proposals(
        store=store, catalog=catalog(), rules=RULES, unit_id="d1", as_of=AS_OF
    )
    assert pairs(found) == [("B", "M2", 3.0), ("A", "M1", 1.6667)]
    assert found[0].competence_ids == ("ebp",)
    assert found[1].competence_ids == ("hlr",)


async def test_a_mentor_with_room_for_two_takes_both(store: EmbeddedStore) -> None:
    # M1 with capacity 2: B-M1 3.75 + A-M1 1.6667 = 5.4167 beats 4.6667.
    await store.upsert_employee(emp("M1", 63, "d1", mentor_capacity=2))
    found = await mentor_proposals(
        store=store, catalog=catalog(), rules=RULES, unit_id="d1", as_of=AS_OF
    )
    assert pairs(found) == [("B", "M1", 3.75), ("A", "M1", 1.6667)]


async def test_the_whole_region_and_empty_or_unknown_units(store: EmbeddedStore) -> None:
    # From the region, C (d2) joins: its gap is ebp 3, hlr 2, team 3 (nothing held).
    # C-M1: ebp 3 + hlr 2 = 5 levels, d(d2, d1) = 2 -> 1/2, * 1.25 = 3.125
    # C-M2: ebp 3 levels * 1/2 = 1.5
    # M1 has 1 place, M2 2; who gets M1 decides the total:
    #   A: A-M1 1.6667 + B-M2 3.0 + C-M2 1.5 = 6.1667   <- the best
    #   B: B-M1 3.75 + C-M2 1.5 = 5.25 (A has no other candidate)
    #   C: C-M1 3.125 + B-M2 3.0 = 6.125
    found = await mentor_proposals(
        store=store, catalog=catalog(), rules=RULES, unit_id="r", as_of=AS_OF
    )
    assert pairs(found) == [("B", "M2", 3.0), ("A", "M1", 1.6667), ("C", "M2", 1.5)]
    assert (
        await mentor_proposals(
            store=store, catalog=catalog(), rules=RULES, unit_id="a2", as_of=AS_OF
        )
        == []
    )
    with pytest.raises(NotFoundError):
        await mentor_proposals(
            store=store, catalog=catalog(), rules=RULES, unit_id="nowhere", as_of=AS_OF
        )


def cand(mentor: str, score: float) -> MentorCandidate:
    return MentorCandidate(
        mentor_id=mentor, score=score, competence_ids=("c",), active_adepts=0, capacity=1
    )


def test_assignment_prefers_weight_over_the_number_of_pairs() -> None:
    # A1-Ma alone scores 10; pairing both (A1-Mb, A2-Ma) scores only 2.
    found = assign_mentors(
        options={"A1": [cand("Ma", 10), cand("Mb", 1)], "A2": [cand("Ma", 1)]},
        remaining={"Ma": 1, "Mb": 1},
    )
    assert [(p.adept_id, p.mentor_id, p.score) for p in found] == [("A1", "Ma", 10)]


def test_assignment_skips_useless_and_impossible_pairs() -> None:
    found = assign_mentors(
        options={
            "A1": [cand("Mzero", 0.0), cand("Mfull", 5)],
            "A2": [cand("A2", 9), cand("Mok", 2)],
        },
        remaining={"Mzero": 1, "Mfull": 0, "Mok": 1, "A2": 1},
    )
    # Mzero adds nothing, Mfull has no room, A2 cannot mentor themself.
    assert [(p.adept_id, p.mentor_id) for p in found] == [("A2", "Mok")]
    assert assign_mentors(options={}, remaining={}) == []


def test_assignment_orders_ties_by_adept_id() -> None:
    found = assign_mentors(
        options={"A2": [cand("M", 1)], "A1": [cand("M", 1)], "A3": [cand("M", 2)]},
        remaining={"M": 3},
    )
    assert [p.adept_id for p in found] == ["A3", "A1", "A2"]


async def test_proposals_in_the_tiny_region(tmp_path: Path) -> None:
    # Of the adepts e03, e04, e08 only e04 has no active mentorship on AS_OF
    # (e01 -> e03 runs; e07 -> e08 starts that day; e02 -> e04 ends that day).
    # e04's best candidate is e01 (3.125: see test_mentors), with room (1 of 2).
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(tiny_region())
        cat = Catalog.build(await store.reference_data())
        found = await mentor_proposals(
            store=store, catalog=cat, rules=RULES, unit_id="reg", as_of=TINY_AS_OF
        )
        # Within enh-akut there is no adept left to pair.
        none = await mentor_proposals(
            store=store, catalog=cat, rules=RULES, unit_id="enh-akut", as_of=TINY_AS_OF
        )
    finally:
        await store.close()
    assert pairs(found) == [("e04", "e01", 3.125)]
    assert found[0].competence_ids == ("evb", "handl", "pcv", "team")
    assert none == []


@pytest.mark.parametrize("shortlist", [1, proposals.FIRST_SHORTLIST])
async def test_the_search_proposes_what_the_whole_pool_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shortlist: int
) -> None:
    # Few adepts: their candidates come from the mentor search around each
    # one; many: from the region's pool read once. The same pairs either
    # way, from the region down to its smallest subtrees, also when the
    # shortlists start at one candidate and must grow (capacities of 0, 1, 3).
    monkeypatch.setattr(proposals, "FIRST_SHORTLIST", shortlist)
    pool_reads: list[object] = []
    load = proposals.load_mentor_pool

    async def spy(**kw: object) -> list[PoolMentor]:
        pool_reads.append(kw.get("unit_ids"))
        return await load(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(proposals, "load_mentor_pool", spy)
    catalog = Catalog.build(SEARCH_REFERENCE.reference())
    compared = paired = whole_reads = 0
    for seed in (1, 2, 3):
        store = await EmbeddedStore.open(tmp_path / f"{seed}.db")
        try:
            await store.import_dataset(search_region(seed))
            units = sorted((await load_tree(store)).units)
            for unit_id in units[:: max(1, len(units) // 8)]:
                found = {}
                for most, mode in ((-1, "pool"), (10_000, "search")):
                    monkeypatch.setattr(proposals, "SEARCH_ADEPTS", most)
                    pool_reads.clear()
                    found[mode] = await mentor_proposals(
                        store=store,
                        catalog=catalog,
                        rules=RULES,
                        unit_id=unit_id,
                        as_of=SEARCH_AS_OF,
                    )
                    if mode == "search":
                        assert pool_reads == []  # the region's pool is never read whole
                    else:
                        whole_reads += pool_reads.count(None)
                assert found["search"] == found["pool"], unit_id
                compared += 1
                paired += len(found["pool"])
        finally:
            await store.close()
    assert compared >= 12
    assert paired > compared
    assert whole_reads > 0
