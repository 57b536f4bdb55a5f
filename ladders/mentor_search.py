"""Mentor candidates nearest first: read the pool ring by ring (issue 6).

Ranking one adept needs the best few candidates, and proximity shrinks with
the distance to the adept's unit, so the possible mentors are read by rings of
units around it (`UnitTree.rings`), and reading stops as soon as no unread
mentor could still enter the answer: one at distance >= d scores at most
`best_possible(levels, d)`, every missing level covered at the best urgency.
Ties go to the lower mentor id, so only a strictly better score is proof.
When the rings read grow large (a rare competence, or an adept whose nearby
seniors cover little), the rest is one region-wide read instead, of only the
mentors that can still matter from that far (`Rest`).

The answers are exactly those of ranking the whole pool (`rank_candidates`);
the unit tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from ladders.catalog import Catalog
from ladders.mentor_pool import (
    MentorCandidate,
    MentorPool,
    PoolMentor,
    load_mentor_pool,
    mentor_level,
)
from ladders.models import Employee
from ladders.orgtree import UnitTree
from ladders.ports import Store
from ladders.rules import Rules

REGION_SHARE = 0.25
"""Past this share of the region's units read by rings, read the whole region."""
FIRST_READ = 8
"""Units of the first read: the nearest rings are small (a unit, its parent),
so they are read together, and each read after is about as big as all the
ones before (a few round trips, not one per ring)."""

Enough = Callable[[MentorPool, int], bool]
"""Whether a pool read up to (not including) distance d holds every mentor
that matters: no unread one is nearer than d."""
Rest = Callable[[MentorPool, int], list[tuple[Mapping[str, int], int]]]
"""For a pool read up to (not including) distance d: region-wide reads, each
(weights, least weight) as `load_mentor_pool` takes them, that together find
every unread mentor who can matter."""


def best_possible(*, levels: int, distance: int, rules: Rules) -> float:
    """The highest score of a mentor at `distance` or farther covering
    `levels` missing levels: computed as `score_mentor` does, so that float
    rounding cannot make a real score exceed it."""
    return levels * (1 / (1 + distance / 2)) * max(1.0, rules.urgency_factor)


def missing_per_competence(
    adept_levels: Mapping[str, int], targets: Mapping[str, int]
) -> dict[str, int]:
    """The levels the adept lacks per competence: what a mentor covering it covers."""
    return {c: max(0, t - adept_levels.get(c, 0)) for c, t in targets.items()}


def least_levels(*, score: float, distance: int, most: int, rules: Rules) -> int:
    """The fewest missing levels a mentor at `distance` or farther must cover
    to score `score` or more (most + 1: none can)."""
    for levels in range(most + 1):
        if best_possible(levels=levels, distance=distance, rules=rules) >= score:
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
    enough: Enough,
    rest: Rest,
) -> MentorPool:
    """The pool (`load_mentor_pool` of `min_levels`) read nearest `unit_id`
    first, until `enough` says the rest cannot matter. When the rings get
    large: those read, and the region-wide reads `rest` asks for. All of it
    when the rings run out (or the whole region, without rings)."""
    rings = tree.rings(unit_id)
    if sum(len(r) for r in rings) != len(tree) + 1:  # a cycle: rings miss units
        rings = ()
    read: list[PoolMentor] = []
    units_read = 0
    reads: list[tuple[Mapping[str, int], int]] = [({}, 0)]
    distance = 0
    while distance < len(rings):
        pool = MentorPool(read, tree=tree, rules=rules, as_of=as_of)
        if enough(pool, distance):
            return pool
        start = distance
        group: list[str | None] = []
        while distance < len(rings) and len(group) < max(FIRST_READ, units_read):
            group += rings[distance]
            distance += 1
        units_read += len(group)
        if units_read > REGION_SHARE * len(tree):
            reads = rest(pool, start)
            break
        read += await load_mentor_pool(
            store=store,
            catalog=catalog,
            rules=rules,
            min_levels=min_levels,
            as_of=as_of,
            unit_ids=[u for u in group if u is not None],
            without_unit=None in group,
        )
    else:
        if rings:  # every ring read: the whole pool
            return MentorPool(read, tree=tree, rules=rules, as_of=as_of)
    known = {m.id for m in read}
    for weights, least in reads:
        for mentor in await load_mentor_pool(
            store=store,
            catalog=catalog,
            rules=rules,
            min_levels=min_levels,
            as_of=as_of,
            weights=weights,
            min_weight=least,
        ):
            if mentor.id not in known:
                known.add(mentor.id)
                read.append(mentor)
    return MentorPool(read, tree=tree, rules=rules, as_of=as_of)


def _min_levels(targets: Mapping[str, int], rules: Rules) -> dict[str, int]:
    return {c: mentor_level(t, rules) for c, t in targets.items()}


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
    weights = missing_per_competence(adept_levels, targets)
    most = sum(weights.values())

    def rank(pool: MentorPool) -> list[MentorCandidate]:
        return pool.rank(adept=adept, adept_levels=adept_levels, targets=targets, limit=limit)

    def enough(pool: MentorPool, distance: int) -> bool:
        ranked = rank(pool)
        return len(ranked) >= limit and ranked[-1].score > best_possible(
            levels=most, distance=distance, rules=rules
        )

    def rest(pool: MentorPool, distance: int) -> list[tuple[Mapping[str, int], int]]:
        ranked = rank(pool)
        if len(ranked) < limit:
            return [(weights, 0)]
        score = ranked[-1].score
        return [(weights, least_levels(score=score, distance=distance, most=most, rules=rules))]

    pool = await search_pool(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=tree,
        unit_id=adept.unit_id,
        min_levels=_min_levels(targets, rules),
        as_of=as_of,
        enough=enough,
        rest=rest,
    )
    return rank(pool)


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
    weights = missing_per_competence(adept_levels, targets)
    most = sum(weights.values())

    def best(pool: MentorPool) -> dict[str, MentorCandidate]:
        return best_per_competence(
            pool.rank(adept=adept, adept_levels=adept_levels, targets=targets)
        )

    def enough(pool: MentorPool, distance: int) -> bool:
        found = best(pool)
        bound = best_possible(levels=most, distance=distance, rules=rules)
        return all(c in found and found[c].score > bound for c in targets)

    def rest(pool: MentorPool, distance: int) -> list[tuple[Mapping[str, int], int]]:
        # A mentor matters for a competence with a candidate when they beat
        # it (they cover enough levels); for one without, when they hold it.
        found = best(pool)
        reads: list[tuple[Mapping[str, int], int]] = []
        if found:
            least = min(
                least_levels(score=f.score, distance=distance, most=most, rules=rules)
                for f in found.values()
            )
            reads.append((weights, least))
        if len(found) < len(targets):
            reads.append(({c: 1 for c in targets if c not in found}, 1))
        return reads

    pool = await search_pool(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=tree,
        unit_id=adept.unit_id,
        min_levels=_min_levels(targets, rules),
        as_of=as_of,
        enough=enough,
        rest=rest,
    )
    return best(pool)
