"""The nearest-first mentor search gives exactly the answers of ranking the
whole pool (`rank_candidates` over the batch-read reference pool), on
generated regions: ties on score (broken by mentor id), rare competencies
(the search must go region-wide), full and busy mentors, expired holdings,
people without a unit, limits 1 to 100; with the rings read to the end or
cut short by the region-wide read.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Protocol, runtime_checkable

import pytest

from graph.embedded import EmbeddedStore
from ladders import mentor_pool, mentor_search
from ladders.catalog import Catalog
from ladders.mentor_pool import MentorCandidate, PoolMentor
from ladders.mentors import (
    best_mentor_per_competence,
    competence_targets,
    held_levels,
    mentor_candidates,
    mentor_level,
    next_step_gap,
    rank_candidates,
)
from ladders.models import (
    Competence,
    CompetenceCategory,
    Dataset,
    Employee,
    Holding,
    Ladder,
    Mentorship,
    Profession,
    Requirement,
    Step,
    Unit,
    UnitKind,
)
from ladders.orgtree import UnitTree, load_tree
from ladders.rules import Rules
from tests.spies import InFlight

AS_OF = date(2025, 6, 1)
RULES = Rules()
COMMON = ("c0", "c1", "c2", "c3")
RARE = "c9"  # held high by one far-away senior only
COMPETENCES = tuple(
    Competence(
        id=c,
        name=c,
        category=CompetenceCategory.CORE,
        valid_months=12 if c == "c1" else None,
    )
    for c in (*COMMON, "c4", RARE)
)
STEPS = (
    Step(id="s1", ladder_id="l", name="s1", ordinal=1, requires=()),
    Step(
        id="s2",
        ladder_id="l",
        name="s2",
        ordinal=2,
        requires=tuple(Requirement(competence_id=c, level=3 + i % 3) for i, c in enumerate(COMMON)),
    ),
)
REFERENCE = Dataset(
    competences=COMPETENCES,
    professions=(Profession(id="p", name="p"),),
    ladders=(Ladder(id="l", name="l", profession_id="p"),),
    steps=STEPS,
)


def region(seed: int) -> Dataset:
    """A tree of depth 4 (region, 2-3 children each, leaves with most people),
    some people in no unit, a rare competence held by one far senior."""
    rng = random.Random(seed)
    units = [Unit(id="r", name="r", kind=UnitKind.REGION)]
    frontier = ["r"]
    for kind in (UnitKind.ADMINISTRATION, UnitKind.DEPARTMENT, UnitKind.UNIT):
        ahead = []
        for parent in frontier:
            for i in range(rng.randint(2, 3)):
                uid = f"{parent}.{i}"
                units.append(Unit(id=uid, name=uid, kind=kind, parent_id=parent))
                ahead.append(uid)
        frontier = ahead
    leaves = frontier
    employees, holdings, mentorships = [], [], []
    for n in range(160):
        eid = f"e{n:03d}"
        leaf = n % 5 != 0
        unit: str | None = rng.choice(leaves) if leaf else rng.choice([u.id for u in units])
        if n % 37 == 0:
            unit = None
        senior = rng.random() < 0.5
        employees.append(
            Employee(
                id=eid,
                name=eid,
                birth_year=AS_OF.year - (rng.randint(55, 66) if senior else rng.randint(25, 54)),
                unit_id=unit,
                step_id="s1",
                mentor_capacity=rng.choice((None, None, 0, 1, 3)),
                adept=not senior,
            )
        )
        for c in COMMON:
            if rng.random() < 0.6:
                day = date(2024, rng.randint(1, 12), rng.randint(1, 28))
                holdings.append(
                    Holding(
                        employee_id=eid,
                        competence_id=c,
                        # Few distinct levels: many equal scores.
                        level=rng.choice((2, 4, 4, 5)),
                        assessed_on=day if c == "c1" else None,
                        expires_on=(
                            rng.choice((None, date(2025, 5, 31), date(2025, 6, 1)))
                            if c == "c2"
                            else None
                        ),
                    )
                )
    far = next(e for e in reversed(employees) if AS_OF.year - e.birth_year >= 56)
    holdings.append(Holding(employee_id=far.id, competence_id=RARE, level=5))
    seniors = [e.id for e in employees if AS_OF.year - e.birth_year >= 55]
    juniors = [e.id for e in employees if e.id not in seniors]
    for mentor in rng.sample(seniors, len(seniors) // 2):
        for adept in rng.sample(juniors, rng.randint(1, 2)):
            ended = rng.choice((None, None, date(2025, 1, 1)))
            mentorships.append(
                Mentorship(
                    mentor_id=mentor,
                    adept_id=adept,
                    started_on=date(2024, 1, 1),
                    ended_on=ended,
                    focus=("c0",),
                )
            )
    return REFERENCE.model_copy(
        update={
            "units": tuple(units),
            "employees": tuple(employees),
            "holdings": tuple(holdings),
            "mentorships": tuple(mentorships),
        }
    )


@pytest.fixture(params=[1, 2, 3])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(region(request.param))
    yield s
    await s.close()


@pytest.fixture(
    params=[
        (mentor_search.REGION_SHARE, mentor_search.FIRST_READ),
        (2.0, 8),
        (0.5, 1),
        (2.0, 1),
        (0.05, 1),
        (0.05, 0),
    ],
    ids=[
        "as-set",
        "rings-to-the-end",
        "ring-by-ring-cut-short",
        "ring-by-ring-to-the-end",
        "bands-early",
        "one-read-early",
    ],
)
def region_share(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> float:
    share, first = request.param
    monkeypatch.setattr(mentor_search, "REGION_SHARE", share)
    monkeypatch.setattr(mentor_search, "FIRST_READ", max(first, 1))
    if not first:  # as from a store that does not weigh in units (Neo4j)
        monkeypatch.setattr(mentor_search, "WeighsInUnits", _Nothing)
    return float(share)


@runtime_checkable
class _Nothing(Protocol):
    def nothing_has_this(self) -> None: ...


async def _reference(
    store: EmbeddedStore, catalog: Catalog, tree: UnitTree, adept: Employee, asked: list[str] | None
) -> tuple[dict[str, int], dict[str, int], list[PoolMentor]]:
    """(adept levels, targets, whole pool by the batch reads)."""
    holdings = await store.holdings_of([adept.id])
    gap = next_step_gap(
        employee=adept, holdings=holdings, catalog=catalog, rules=RULES, as_of=AS_OF, required=False
    )
    levels = held_levels(holdings, catalog, AS_OF)
    targets = competence_targets(adept_levels=levels, gap=gap, competence_ids=asked)
    pool = await mentor_pool._load_by_holders(
        store=store,
        catalog=catalog,
        rules=RULES,
        min_levels={c: mentor_level(t, RULES) for c, t in targets.items()},
        as_of=AS_OF,
        unit_ids=None,
        without_unit=False,
    )
    return levels, targets, pool


QUESTIONS: tuple[list[str] | None, ...] = (None, ["c0"], ["c1", "c2"], [RARE], ["c3", RARE], ["c4"])


async def test_nearest_first_equals_ranking_the_whole_pool(
    store: EmbeddedStore, region_share: float
) -> None:
    catalog = Catalog.build(REFERENCE.reference())
    tree = await load_tree(store)
    people = await store.employees_in_units(list(tree.units))
    adepts = [e for e in people if e.adept][:12] + [
        e for e in people if AS_OF.year - e.birth_year >= 55
    ][:3]
    checked = 0
    for adept in adepts:
        for asked in QUESTIONS:
            levels, targets, pool = await _reference(store, catalog, tree, adept, asked)
            every = rank_candidates(
                adept=adept,
                adept_levels=levels,
                targets=targets,
                pool=pool,
                tree=tree,
                rules=RULES,
                as_of=AS_OF,
            )
            for limit in (1, 2, 5, 100):
                found = await mentor_candidates(
                    store=store,
                    catalog=catalog,
                    rules=RULES,
                    adept_id=adept.id,
                    competence_ids=asked,
                    limit=limit,
                    as_of=AS_OF,
                )
                assert found == every[:limit], (adept.id, asked, limit)
                checked += len(found)
            if asked:
                best: dict[str, MentorCandidate] = {}
                for candidate in every:
                    for c in candidate.competence_ids:
                        best.setdefault(c, candidate)
                assert (
                    await best_mentor_per_competence(
                        store=store,
                        catalog=catalog,
                        rules=RULES,
                        adept=adept,
                        competence_ids=asked,
                        as_of=AS_OF,
                    )
                    == best
                ), (adept.id, asked)
    assert checked > 100  # the generated regions do have candidates


async def test_bands_past_the_rings_ask_more_of_farther_mentors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut short after the first ring, the rest is read band by band, each
    band's least weight its own, and the urgent (who score more per level)
    apart with a lower one (the equality with ranking the whole pool is
    `test_nearest_first_equals_ranking_the_whole_pool`, "bands-early"). A
    band's reads are sent together, not one after the other."""
    monkeypatch.setattr(mentor_search, "REGION_SHARE", 0.05)
    monkeypatch.setattr(mentor_search, "FIRST_READ", 1)
    reads: list[tuple[int, int, bool]] = []  # (units, least weight, urgent only) per band read
    load = mentor_search.load_mentor_pool
    in_flight = InFlight()

    async def spy(**kw: object) -> list[PoolMentor]:
        units = kw["unit_ids"]
        if isinstance(units, list) and kw["min_weight"]:
            reads.append(
                (len(units), int(kw["min_weight"]), bool(kw["urgent_only"]))  # type: ignore[call-overload]
            )
        with in_flight.one():
            return await load(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(mentor_search, "load_mentor_pool", spy)
    catalog = Catalog.build(REFERENCE.reference())
    for seed in (1, 2, 3):
        store = await EmbeddedStore.open(tmp_path / f"{seed}.db")
        try:
            await store.import_dataset(region(seed))
            people = await store.employees_in_units(list((await load_tree(store)).units))
            for adept in [e for e in people if e.adept][:12]:
                for limit in (1, 5):
                    await mentor_candidates(
                        store=store,
                        catalog=catalog,
                        rules=RULES,
                        adept_id=adept.id,
                        competence_ids=None,
                        limit=limit,
                        as_of=AS_OF,
                    )
        finally:
            await store.close()
    assert reads
    assert len({least for _, least, _ in reads}) > 1
    urgent = [(units, least) for units, least, only in reads if only]
    assert urgent
    # Each urgent read asks less than the read of everyone in the same band.
    rest = {units: least for units, least, only in reads if not only}
    assert any(units in rest and least < rest[units] for units, least in urgent)
    assert in_flight.most == 2


async def test_equal_scores_are_ordered_by_mentor_id(store: EmbeddedStore) -> None:
    """The generated regions have ties, and they cross the limit."""
    catalog = Catalog.build(REFERENCE.reference())
    people = await store.employees_in_units(list((await load_tree(store)).units))
    crossing = 0
    for adept in [e for e in people if e.adept][:12]:
        every = await mentor_candidates(
            store=store,
            catalog=catalog,
            rules=RULES,
            adept_id=adept.id,
            competence_ids=["c0"],
            limit=100,
            as_of=AS_OF,
        )
        keys = [(-c.score, c.mentor_id) for c in every]
        assert keys == sorted(keys)
        crossing += any(a.score == b.score for a, b in zip(every[1:3], every[2:4], strict=False))
    assert crossing > 0


async def test_the_store_pool_equals_the_batch_read_pool(store: EmbeddedStore) -> None:
    catalog = Catalog.build(REFERENCE.reference())
    tree = await load_tree(store)
    asked = {"c0": 4, "c1": 4, "c2": 5, RARE: 4}
    weights = {"c0": 2, "c1": 1, "c2": 1, RARE: 3}
    found = 0
    for units, without, least in (
        (None, False, 0),
        (tree.subtree("r.0"), False, 0),
        (["r.1.0"], True, 0),
        *((None, False, least) for least in range(1, 9)),
        *((tree.subtree("r.1"), True, least) for least in range(1, 9)),
        (tree.subtree("r.0"), False, 4),
    ):
        kw = {"min_levels": asked, "as_of": AS_OF, "unit_ids": units, "without_unit": without}
        fast = await mentor_pool.load_mentor_pool(
            store=store,
            catalog=catalog,
            rules=RULES,
            weights=weights,
            min_weight=least,
            **kw,  # type: ignore[arg-type]
        )
        every = await mentor_pool._load_by_holders(store=store, catalog=catalog, rules=RULES, **kw)
        reference = [m for m in every if sum(weights.get(c, 0) for c in m.levels) >= least]
        assert fast == reference
        found += bool(fast)
    assert found > 5
