"""The mentor pool: who may mentor, and ranking adepts against them fast.

`load_mentor_pool` reads the possible mentors for some competencies with
indexed reads; `MentorPool` ranks adepts against them (DESIGN §4 "Mentor
candidates"), for one adept (`mentors.mentor_candidates`) or hundreds
(`proposals`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.holding import age, held_level
from ladders.models import Employee, Mentorship
from ladders.orgtree import UnitTree
from ladders.ports import AggregateReads, Store
from ladders.rules import Rules

MAX_LEVEL = 5
_MARGIN = 1e-9
"""Relative; far above float rounding (~1e-15), far below score differences."""


class MentorCandidate(BaseModel):
    model_config = ConfigDict(frozen=True)

    mentor_id: str
    score: float
    competence_ids: tuple[str, ...]
    """The competencies in question this mentor covers, sorted."""
    active_adepts: int
    capacity: int


@dataclass(frozen=True)
class PoolMentor:
    """A possible mentor with what the rules need to know about them."""

    id: str
    unit_id: str | None
    birth_year: int
    levels: Mapping[str, int]
    """Held level (expiry applied) per competence; only the competencies asked about."""
    active_adept_ids: frozenset[str]
    capacity: int

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - len(self.active_adept_ids))

    def age(self, as_of: date) -> int:
        """`ladders.holding.age` of the mentor."""
        return as_of.year - self.birth_year


def capacity_of(employee: Employee, rules: Rules) -> int:
    if employee.mentor_capacity is not None:
        return employee.mentor_capacity
    return rules.default_mentor_capacity


def blocks_start(link: Mentorship, *, mentor_id: str, adept_id: str, day: date) -> bool:
    """Whether `link` stops `mentor_id` from starting to mentor `adept_id` on
    `day`: a link between the two still open after it, or one started that
    same day (its key)."""
    return (
        link.mentor_id == mentor_id
        and link.adept_id == adept_id
        and (link.ended_on is None or link.ended_on > day or link.started_on == day)
    )


def busiest_day(links: Iterable[Mentorship], start: date) -> tuple[int, date]:
    """(the most of `links` active on one day from `start` on, the first such
    day). A mentorship started on `start` is open-ended, so it must fit under
    the mentor's capacity on every later day, not only on `start`: the count
    changes only where a link starts, so those days are the ones to check."""
    links = list(links)
    days = sorted({start, *(m.started_on for m in links if m.started_on > start)})
    counts = [(sum(1 for m in links if m.active_on(day)), day) for day in days]
    most = max(n for n, _ in counts)
    return most, next(day for n, day in counts if n == most)


def mentor_score(levels: int, distance: int, urgency: float) -> float:
    """Σ missing levels covered × proximity × urgency, proximity = 1 / (1 + d/2)
    (DESIGN §4), computed so that equal scores are equal floats: levels ×
    urgency and 1 + d/2 are exact (small integers, halves, a factor like
    1.25), and one division rounds their quotient once. As levels × (1 / (1 +
    d/2)) × urgency, 3 × 0.4 × 1.25 came out above 3 × 0.5 × 1, and such a
    tie went by the rounding, not by mentor id."""
    return levels * urgency / (1 + distance / 2)


def at_capacity(mentor_id: str, active: int, capacity: int, day: date, start: date) -> str:
    """The conflict of a start that `busiest_day` puts over capacity (the
    command and both stores' writes say it in the same words)."""
    when = "" if day == start else f" from {day.isoformat()}"
    adepts = "adept" if active == 1 else "adepts"
    return f"{mentor_id!r} already has {active} active {adepts}{when} (capacity {capacity})"


def urgent_age(rules: Rules) -> int:
    """The age from which a mentor's knowledge is urgent to pass on (DESIGN §4:
    urgency applies from `retirement_age - 3`)."""
    return rules.retirement_age - 3


def mentor_level(target: int, rules: Rules) -> int:
    """The least level a mentor must hold: max(target, rules.mentor_level_floor)."""
    return max(target, rules.mentor_level_floor)


class MentorPool:
    """A mentor pool prepared for ranking many adepts against it.

    Mentors who can never be a candidate on `as_of` (too young, no room) are
    dropped once. The rest are bucketed by (unit, urgency), which fixes the
    factor proximity × urgency for a given adept; buckets are scanned best
    factor first, and the scan stops once even covering every missing level
    could not reach the current `limit`-th best score. So an adept usually
    looks at its nearby seniors only, not at every holder in the region.
    """

    def __init__(
        self, mentors: Iterable[PoolMentor], *, tree: UnitTree, rules: Rules, as_of: date
    ) -> None:
        self.rules = rules
        self.tree = tree
        self.mentors: Mapping[str, PoolMentor] = {m.id: m for m in mentors}
        buckets: dict[tuple[str | None, float], list[str]] = {}
        for mid in sorted(self.mentors):
            mentor = self.mentors[mid]
            years = mentor.age(as_of)
            if years < rules.mentor_min_age or mentor.remaining <= 0:
                continue
            urgency = rules.urgency_factor if years >= urgent_age(rules) else 1
            buckets.setdefault((mentor.unit_id, urgency), []).append(mid)
        self._buckets = buckets
        self._orders: dict[str | None, list[tuple[int, float, tuple[str, ...]]]] = {}

    def remaining(self) -> dict[str, int]:
        """Mentor id -> adepts they can still take."""
        return {mid: m.remaining for mid, m in self.mentors.items()}

    def _order(self, unit_id: str | None) -> list[tuple[int, float, tuple[str, ...]]]:
        """(distance, urgency, mentor ids) per bucket, best factor (proximity ×
        urgency) first, for an adept working in `unit_id`."""
        order = self._orders.get(unit_id)
        if order is None:
            known = self.tree.distances_from(unit_id)

            def distance(mentor_unit: str | None) -> int:
                d = known.get(mentor_unit)  # None: a unit the tree does not know
                return self.tree.distance(unit_id, mentor_unit) if d is None else d

            order = [
                (distance(mentor_unit), urgency, tuple(ids))
                for (mentor_unit, urgency), ids in self._buckets.items()
            ]
            order.sort(key=lambda b: -mentor_score(1, b[0], b[1]))
            self._orders[unit_id] = order
        return order

    def rank(
        self,
        *,
        adept: Employee,
        adept_levels: Mapping[str, int],
        targets: Mapping[str, int],
        limit: int | None = None,
    ) -> list[MentorCandidate]:
        """The mentors who pass the rules for `adept` and cover at least one
        competence of `targets`, best first (score, then mentor id); the first
        `limit` of them when given. Scores exactly as `score_mentor`."""
        return [
            MentorCandidate(
                mentor_id=mid,
                score=score,
                competence_ids=covered,
                active_adepts=len(self.mentors[mid].active_adept_ids),
                capacity=self.mentors[mid].capacity,
            )
            for score, mid, covered in self.scored(
                adept=adept, adept_levels=adept_levels, targets=targets, limit=limit
            )
        ]

    def scored(
        self,
        *,
        adept: Employee,
        adept_levels: Mapping[str, int],
        targets: Mapping[str, int],
        limit: int | None = None,
    ) -> list[tuple[float, str, tuple[str, ...]]]:
        """`rank` as (score, mentor id, covered competencies): no model each."""
        asked = [
            (c, mentor_level(t, self.rules), max(0, t - adept_levels.get(c, 0)))
            for c, t in sorted(targets.items())
        ]
        most = sum(missing for _, _, missing in asked)
        top: list[float] = []  # min-heap of the best `limit` scores so far
        scored: list[tuple[float, str, tuple[str, ...]]] = []
        for distance, urgency, ids in self._order(adept.unit_id):
            # Strictly below: an equal score could still win on mentor id. And
            # with a margin: buckets come by their rounded factor, which may
            # order two of nearly equal factors the other way round.
            bound = mentor_score(most, distance, urgency) * (1 + _MARGIN)
            if limit is not None and len(top) >= limit and bound < top[0]:
                break
            for mid in ids:
                mentor = self.mentors[mid]
                if mid == adept.id or adept.id in mentor.active_adept_ids:
                    continue
                held = mentor.levels
                covered: list[str] = []
                levels = 0
                for c, need, missing in asked:  # one pass: this loop is most of ranking
                    if held.get(c, 0) >= need:
                        covered.append(c)
                        levels += missing
                if not covered:
                    continue
                score = mentor_score(levels, distance, urgency)
                scored.append((score, mid, tuple(covered)))
                if limit is not None:
                    if len(top) < limit:
                        heapq.heappush(top, score)
                    elif score > top[0]:
                        heapq.heapreplace(top, score)
        if limit is None:
            return sorted(scored, key=_best_first)
        return heapq.nsmallest(limit, scored, key=_best_first)


def _best_first(entry: tuple[float, str, tuple[str, ...]]) -> tuple[float, str]:
    return -entry[0], entry[1]


async def load_mentor_pool(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    min_levels: Mapping[str, int],
    as_of: date,
    unit_ids: Sequence[str] | None = None,
    without_unit: bool = False,
    weights: Mapping[str, int] | None = None,
    min_weight: int = 0,
    urgent_only: bool = False,
) -> list[PoolMentor]:
    """Everyone old enough who holds some competence of `min_levels` at >= its
    level (expiry applied), with their active adepts; by employee id. Only
    those working in `unit_ids` (and, with `without_unit`, in no unit) when
    given; only those whose `weights` of the competencies they hold so add
    up to >= `min_weight`; with `urgent_only`, only those of `urgent_age`.

    One `AggregateReads.mentor_rows` read when the store offers it (only the
    seniors, only what ranking needs); else one indexed `holders` read per
    competence, then one batch read each of employees and active mentorships.
    """
    min_age = max(rules.mentor_min_age, urgent_age(rules)) if urgent_only else rules.mentor_min_age
    born_by = as_of.year - min_age  # `ladders.holding.age` >= min_age
    if isinstance(store, AggregateReads):
        found = await store.mentor_rows(
            min_levels,
            born_by=born_by,
            as_of=as_of,
            unit_ids=unit_ids,
            without_unit=without_unit,
            weights=weights,
            min_weight=min_weight,
        )
        return [
            PoolMentor(
                id=r.id,
                unit_id=r.unit_id,
                birth_year=r.birth_year,
                levels=r.levels,
                active_adept_ids=r.active_adept_ids,
                capacity=(
                    r.mentor_capacity
                    if r.mentor_capacity is not None
                    else rules.default_mentor_capacity
                ),
            )
            for r in found
        ]
    every = await _load_by_holders(
        store=store,
        catalog=catalog,
        rules=rules,
        min_levels=min_levels,
        as_of=as_of,
        unit_ids=unit_ids,
        without_unit=without_unit,
        min_age=min_age,
    )
    return [m for m in every if _weight(m, weights or {}) >= min_weight]


def _weight(mentor: PoolMentor, weights: Mapping[str, int]) -> int:
    return sum(weights.get(c, 0) for c in mentor.levels)


async def _load_by_holders(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    min_levels: Mapping[str, int],
    as_of: date,
    unit_ids: Sequence[str] | None,
    without_unit: bool,
    min_age: int | None = None,
) -> list[PoolMentor]:
    """`load_mentor_pool` from the port's batch reads (the reference);
    `min_age` defaults to the rules' `mentor_min_age`."""
    levels: dict[str, dict[str, int]] = {}
    for competence_id, least in sorted(min_levels.items()):
        competence = catalog.competences.get(competence_id)
        for holding in await store.holders(competence_id, least):
            held = held_level(holding, competence, as_of)
            if held >= least:
                levels.setdefault(holding.employee_id, {})[competence_id] = held
    wanted = None if unit_ids is None else set(unit_ids)
    employees = [
        e
        for e in await store.get_employees(sorted(levels))
        if e is not None
        and age(e, as_of) >= (rules.mentor_min_age if min_age is None else min_age)
        and (wanted is None or (e.unit_id in wanted if e.unit_id is not None else without_unit))
    ]
    active: dict[str, set[str]] = {e.id: set() for e in employees}
    if employees:
        for m in await store.mentorships_of(
            [e.id for e in employees], role="mentor", active_on=as_of
        ):
            active[m.mentor_id].add(m.adept_id)
    return [
        PoolMentor(
            id=e.id,
            unit_id=e.unit_id,
            birth_year=e.birth_year,
            levels=levels[e.id],
            active_adept_ids=frozenset(active[e.id]),
            capacity=capacity_of(e, rules),
        )
        for e in employees
    ]
