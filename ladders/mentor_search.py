"""Mentor candidates nearest first: read the pool ring by ring (issue 6).

Ranking one adept needs the best few candidates, and proximity shrinks with
the distance to the adept's unit, so the possible mentors are read by rings of
units around it (`UnitTree.rings`), and reading stops as soon as no unread
mentor could still enter the answer: one at distance >= d scores at most
`best_possible(levels, d)`, every missing level covered at the best urgency.
Ties go to the lower mentor id, so only a strictly better score is proof.
When the rings read grow large (a rare competence, or an adept whose nearby
seniors cover little), the rest is read in bands of rings instead, each of
only the mentors that can still matter from that far (`Goal.reads_at`): the
farther the band, the more missing levels a mentor there must cover, and the
farthest bands (most of the region) often need more than anyone can. The
urgent (`mentor_pool.urgent_age`), whose levels count `urgency_factor` times,
need fewer than the rest and are read apart, so that most seniors are asked
the higher least (at 55,000 people, bare p95 of 30 adepts ~20 -> ~15 ms).
A band's reads are sent at the same time: they do not depend on each other,
and each store serves them on connections or sessions of their own.
From a store that does not weigh in units cheaply (`ports.WeighsInUnits`),
the rest is one region-wide read of those who can matter from the nearest band.

The answers are exactly those of ranking the whole pool (`rank_candidates`);
the unit tests compare the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from ladders.catalog import Catalog
from ladders.mentor_pool import (
    MentorCandidate,
    MentorPool,
    PoolMentor,
    load_mentor_pool,
    mentor_level,
    mentor_score,
)
from ladders.models import Employee
from ladders.orgtree import UnitTree
from ladders.ports import Store, WeighsInUnits
from ladders.rules import Rules

REGION_SHARE = 0.25
"""Past this share of the region's units read by rings, read the whole region."""
FIRST_READ = 32
"""Units of the first read: the nearest rings are small (a unit, its parent),
so they are read together, and each read after is about as big as all the
ones before (a few round trips, not one per ring). At 55,000 people (~2,000
units), 30 adepts, bare: 8 -> 32 units took the median 31-33 -> 21-25 ms on
Neo4j (a round trip costs more than the extra seniors read) and 5.0-5.7 ->
4.4-4.8 ms embedded; 48 and 64 measured the same as 32."""

Read = tuple[Mapping[str, int], int, bool]
"""(weights, least weight, urgent only) as `load_mentor_pool` takes them."""


class Goal(Protocol):
    """What a search looks for, told about the mentors as they are read (each
    scored once: ranking everything read again after every read cost more
    than the reads)."""

    def add(self, pool: MentorPool) -> None:
        """Take in a pool of mentors just read (none read before)."""

    def enough(self, distance: int) -> bool:
        """Whether no unread mentor, all at `distance` or farther, can matter."""

    def reads_at(self, distance: int) -> list[Read]:
        """The reads that together find every unread mentor at `distance`
        who can matter ([]: none can)."""


def best_possible(*, levels: int, distance: int, rules: Rules, urgent: bool | None = None) -> float:
    """The highest score of a mentor at `distance` or farther covering
    `levels` missing levels (urgent or not; None: either): computed as
    `score_mentor` does, so that float rounding cannot make a real score
    exceed it."""
    if urgent is None:
        urgency = max(1.0, rules.urgency_factor)
    else:
        urgency = rules.urgency_factor if urgent else 1
    return mentor_score(levels, distance, urgency)


def missing_per_competence(
    adept_levels: Mapping[str, int], targets: Mapping[str, int]
) -> dict[str, int]:
    """The levels the adept lacks per competence: what a mentor covering it covers."""
    return {c: max(0, t - adept_levels.get(c, 0)) for c, t in targets.items()}


def least_levels(
    *, score: float, distance: int, most: int, rules: Rules, urgent: bool | None = None
) -> int:
    """The fewest missing levels a mentor at `distance` or farther (urgent or
    not; None: either) must cover to score `score` or more (most + 1: none can)."""
    for levels in range(most + 1):
        if best_possible(levels=levels, distance=distance, rules=rules, urgent=urgent) >= score:
            return levels
    return most + 1


async def search_pool(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    tree: UnitTree,
    unit_id: str | None,
    min_levels: Mapping[str, int],
    as_of: date,
    goal: Goal,
) -> MentorPool:
    """The pool (`load_mentor_pool` of `min_levels`) read nearest `unit_id`
    first, until `goal` has enough. When the rings get large: those read,
    then the rest band by band with the reads `goal` asks for. All of it when
    the rings run out (or the whole region, without rings)."""
    rings = tree.rings(unit_id)
    if sum(len(r) for r in rings) != len(tree) + 1:  # a cycle: rings miss units
        rings = ()
    read: list[PoolMentor] = []

    def take(mentors: list[PoolMentor]) -> None:
        read.extend(mentors)
        goal.add(MentorPool(mentors, tree=tree, rules=rules, as_of=as_of))

    units_read = 0
    distance = 0
    while distance < len(rings):
        if goal.enough(distance):
            return MentorPool(read, tree=tree, rules=rules, as_of=as_of)
        start = distance
        group: list[str | None] = []
        while distance < len(rings) and len(group) < max(FIRST_READ, units_read):
            group += rings[distance]
            distance += 1
        units_read += len(group)
        if units_read > REGION_SHARE * len(tree):
            distance = start
            break
        take(await _read(store, catalog, rules, min_levels, as_of, group, ({}, 0, False)))
    else:
        if not rings:
            take(await _read(store, catalog, rules, min_levels, as_of, None, ({}, 0, False)))
        return MentorPool(read, tree=tree, rules=rules, as_of=as_of)
    # Band by band, nearest first, each asking again what can still matter:
    # what a band adds can only raise the bar for the farther ones. From a
    # store that does not weigh in units cheaply, all of it in one read.
    known = {m.id for m in read}
    first = distance
    banded = isinstance(store, WeighsInUnits)
    while distance < len(rings):
        reads = goal.reads_at(distance)
        end = distance + 1
        while end < len(rings) and (not banded or goal.reads_at(end) == reads):
            end += 1
        # Every ring left in one band: read region-wide, the rings read are known.
        band = None if distance == first and end == len(rings) else rings[distance:end]
        units = None if band is None else [u for ring in band for u in ring]
        # A band's reads (everyone, the urgent) do not depend on each other:
        # at the same time, on as many connections or sessions.
        each = await asyncio.gather(
            *(_read(store, catalog, rules, min_levels, as_of, units, r) for r in reads)
        )
        for found in each:
            new = [m for m in found if m.id not in known]
            known.update(m.id for m in new)
            take(new)
        distance = end
    return MentorPool(read, tree=tree, rules=rules, as_of=as_of)


async def _read(
    store: Store,
    catalog: Catalog,
    rules: Rules,
    min_levels: Mapping[str, int],
    as_of: date,
    units: Sequence[str | None] | None,
    read_: Read,
) -> list[PoolMentor]:
    """`load_mentor_pool` in `units` (None: the region)."""
    weights, least, urgent = read_
    return await load_mentor_pool(
        store=store,
        catalog=catalog,
        rules=rules,
        min_levels=min_levels,
        as_of=as_of,
        unit_ids=None if units is None else [u for u in units if u is not None],
        without_unit=units is not None and None in units,
        weights=weights,
        min_weight=least,
        urgent_only=urgent,
    )


def _min_levels(targets: Mapping[str, int], rules: Rules) -> dict[str, int]:
    return {c: mentor_level(t, rules) for c, t in targets.items()}


class _Question:
    """An adept's mentor question, with the bound every goal needs."""

    def __init__(
        self,
        *,
        adept: Employee,
        adept_levels: Mapping[str, int],
        targets: Mapping[str, int],
        rules: Rules,
    ) -> None:
        self.adept = adept
        self.adept_levels = adept_levels
        self.targets = targets
        self.rules = rules
        self.weights = missing_per_competence(adept_levels, targets)
        self.most = sum(self.weights.values())

    def scored(self, pool: MentorPool) -> list[tuple[float, str, tuple[str, ...]]]:
        return pool.scored(adept=self.adept, adept_levels=self.adept_levels, targets=self.targets)

    def bound(self, distance: int) -> float:
        return best_possible(levels=self.most, distance=distance, rules=self.rules)

    def reads_to_beat(self, score: float, distance: int) -> list[Read]:
        """The reads that find every mentor at `distance` or farther who can
        score `score` or more. With an urgency factor above 1 the urgent need
        fewer levels than the rest, so they are read apart: the rest, most
        seniors, are read with the higher least weight."""
        rest = least_levels(
            score=score, distance=distance, most=self.most, rules=self.rules, urgent=False
        )
        urgent = least_levels(
            score=score, distance=distance, most=self.most, rules=self.rules, urgent=True
        )
        reads: list[Read] = []
        if rest <= self.most:
            reads.append((self.weights, rest, False))
        if urgent < rest and urgent <= self.most:
            reads.append((self.weights, urgent, True))
        return reads


class _TopK:
    """The best `limit` candidates."""

    def __init__(self, question: _Question, *, limit: int) -> None:
        self.q = question
        self.limit = limit
        self.top: list[tuple[float, str]] = []  # best first

    def add(self, pool: MentorPool) -> None:
        new = [(score, mid) for score, mid, _ in self.q.scored(pool)]
        self.top = sorted(self.top + new, key=lambda e: (-e[0], e[1]))[: self.limit]

    def enough(self, distance: int) -> bool:
        return len(self.top) >= self.limit and self.top[-1][0] > self.q.bound(distance)

    def reads_at(self, distance: int) -> list[Read]:
        if len(self.top) < self.limit:
            return [(self.q.weights, 0, False)]
        return self.q.reads_to_beat(self.top[-1][0], distance)


class _BestPer:
    """Per competence, the best candidate who covers it."""

    def __init__(self, question: _Question) -> None:
        self.q = question
        self.best: dict[str, tuple[float, str]] = {}

    def add(self, pool: MentorPool) -> None:
        for score, mid, covered in self.q.scored(pool):
            for c in covered:
                known = self.best.get(c)
                if known is None or (-score, mid) < (-known[0], known[1]):
                    self.best[c] = (score, mid)

    def enough(self, distance: int) -> bool:
        bound = self.q.bound(distance)
        return all(c in self.best and self.best[c][0] > bound for c in self.q.targets)

    def reads_at(self, distance: int) -> list[Read]:
        # A mentor matters for a competence with a candidate when they beat
        # it (they cover enough levels); for one without, when they hold it.
        reads: list[Read] = []
        if self.best:
            reads += self.q.reads_to_beat(min(score for score, _ in self.best.values()), distance)
        if len(self.best) < len(self.q.targets):
            reads.append(({c: 1 for c in self.q.targets if c not in self.best}, 1, False))
        return reads


async def nearest_candidates(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    tree: UnitTree,
    adept: Employee,
    adept_levels: Mapping[str, int],
    targets: Mapping[str, int],
    limit: int,
    as_of: date,
) -> list[MentorCandidate]:
    """`rank_candidates(..., limit=limit)` over the whole pool, reading only
    the part of it near the adept that can matter."""
    pool = await search_pool(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=tree,
        unit_id=adept.unit_id,
        min_levels=_min_levels(targets, rules),
        as_of=as_of,
        goal=_TopK(
            _Question(adept=adept, adept_levels=adept_levels, targets=targets, rules=rules),
            limit=limit,
        ),
    )
    return pool.rank(adept=adept, adept_levels=adept_levels, targets=targets, limit=limit)


def best_per_competence(candidates: Sequence[MentorCandidate]) -> dict[str, MentorCandidate]:
    """Per competence, the first candidate (best first) who covers it."""
    best: dict[str, MentorCandidate] = {}
    for candidate in candidates:
        for competence_id in candidate.competence_ids:
            best.setdefault(competence_id, candidate)
    return best


async def nearest_best_per_competence(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    tree: UnitTree,
    adept: Employee,
    adept_levels: Mapping[str, int],
    targets: Mapping[str, int],
    as_of: date,
) -> dict[str, MentorCandidate]:
    """`best_per_competence` of every candidate of the whole pool (no limit),
    reading only the part of the pool near the adept that can matter."""
    pool = await search_pool(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=tree,
        unit_id=adept.unit_id,
        min_levels=_min_levels(targets, rules),
        as_of=as_of,
        goal=_BestPer(
            _Question(adept=adept, adept_levels=adept_levels, targets=targets, rules=rules)
        ),
    )
    return best_per_competence(pool.rank(adept=adept, adept_levels=adept_levels, targets=targets))
