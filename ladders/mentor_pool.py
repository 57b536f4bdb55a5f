"""The mentor pool: who may mentor, and ranking adepts against them fast.

`load_mentor_pool` reads the possible mentors for some competencies with
indexed reads; `MentorPool` ranks adepts against them (DESIGN §4 "Mentor
candidates"), for one adept (`mentors.mentor_candidates`) or hundreds
(`proposals`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.holding import age, held_level
from ladders.models import Employee
from ladders.orgtree import UnitTree
from ladders.ports import AggregateReads, Store
from ladders.rules import Rules

MAX_LEVEL = 5


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

    employee: Employee
    levels: Mapping[str, int]
    """Held level (expiry applied) per competence; only the competencies asked about."""
    active_adept_ids: frozenset[str]
    capacity: int

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - len(self.active_adept_ids))


def capacity_of(employee: Employee, rules: Rules) -> int:
    if employee.mentor_capacity is not None:
        return employee.mentor_capacity
    return rules.default_mentor_capacity


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
        self.mentors: Mapping[str, PoolMentor] = {m.employee.id: m for m in mentors}
        buckets: dict[tuple[str | None, float], list[str]] = {}
        for mid in sorted(self.mentors):
            mentor = self.mentors[mid]
            years = age(mentor.employee, as_of)
            if years < rules.mentor_min_age or mentor.remaining <= 0:
                continue
            urgency = rules.urgency_factor if years >= rules.retirement_age - 3 else 1
            buckets.setdefault((mentor.employee.unit_id, urgency), []).append(mid)
        self._buckets = buckets
        self._orders: dict[str | None, list[tuple[float, float, tuple[str, ...]]]] = {}

    def remaining(self) -> dict[str, int]:
        """Mentor id -> adepts they can still take."""
        return {mid: m.remaining for mid, m in self.mentors.items()}

    def _order(self, unit_id: str | None) -> list[tuple[float, float, tuple[str, ...]]]:
        """(proximity, urgency, mentor ids) per bucket, best factor first, for
        an adept working in `unit_id`."""
        order = self._orders.get(unit_id)
        if order is None:
            order = [
                (1 / (1 + self.tree.distance(unit_id, mentor_unit) / 2), urgency, tuple(ids))
                for (mentor_unit, urgency), ids in self._buckets.items()
            ]
            order.sort(key=lambda b: -(b[0] * b[1]))
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
        asked = [
            (c, mentor_level(t, self.rules), max(0, t - adept_levels.get(c, 0)))
            for c, t in sorted(targets.items())
        ]
        most = sum(missing for _, _, missing in asked)
        top: list[float] = []  # min-heap of the best `limit` scores so far
        scored: list[tuple[float, str, tuple[str, ...]]] = []
        for proximity, urgency, ids in self._order(adept.unit_id):
            # Strictly below: an equal score could still win on mentor id.
            if limit is not None and len(top) >= limit and most * proximity * urgency < top[0]:
                break
            for mid in ids:
                mentor = self.mentors[mid]
                if mid == adept.id or adept.id in mentor.active_adept_ids:
                    continue
                held = mentor.levels
                covered = tuple(c for c, need, _ in asked if held.get(c, 0) >= need)
                if not covered:
                    continue
                levels = sum(missing for c, need, missing in asked if held.get(c, 0) >= need)
                score = levels * proximity * urgency
                scored.append((score, mid, covered))
                if limit is not None:
                    if len(top) < limit:
                        heapq.heappush(top, score)
                    elif score > top[0]:
                        heapq.heapreplace(top, score)
        if limit is None:
            best = sorted(scored, key=_best_first)
        else:
            best = heapq.nsmallest(limit, scored, key=_best_first)
        return [
            MentorCandidate(
                mentor_id=mid,
                score=score,
                competence_ids=covered,
                active_adepts=len(self.mentors[mid].active_adept_ids),
                capacity=self.mentors[mid].capacity,
            )
            for score, mid, covered in best
        ]


def _best_first(entry: tuple[float, str, tuple[str, ...]]) -> tuple[float, str]:
    return -entry[0], entry[1]


async def load_mentor_pool(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    min_levels: Mapping[str, int],
    as_of: date,
) -> list[PoolMentor]:
    """Everyone old enough who holds some competence of `min_levels` at >= its
    level (expiry applied), with their active adepts; by employee id.

    One indexed `holders` read per competence (only the old enough, when the
    store offers `AggregateReads.senior_holders`), then one batch read each
    of employees and active mentorships: no question scans all employees.
    """
    born_by = as_of.year - rules.mentor_min_age  # age >= mentor_min_age
    levels: dict[str, dict[str, int]] = {}
    for competence_id, least in sorted(min_levels.items()):
        competence = catalog.competences.get(competence_id)
        if isinstance(store, AggregateReads):
            found = await store.senior_holders(competence_id, least, born_by=born_by)
        else:
            found = await store.holders(competence_id, least)
        for holding in found:
            held = held_level(holding, competence, as_of)
            if held >= least:
                levels.setdefault(holding.employee_id, {})[competence_id] = held
    ids = sorted(levels)
    employees = [
        e
        for e in await store.get_employees(ids)
        if e is not None and age(e, as_of) >= rules.mentor_min_age
    ]
    active: dict[str, set[str]] = {e.id: set() for e in employees}
    if employees:
        for m in await store.mentorships_of(
            [e.id for e in employees], role="mentor", active_on=as_of
        ):
            active[m.mentor_id].add(m.adept_id)
    return [
        PoolMentor(
            employee=e,
            levels=levels[e.id],
            active_adept_ids=frozenset(active[e.id]),
            capacity=capacity_of(e, rules),
        )
        for e in employees
    ]
