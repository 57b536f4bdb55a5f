"""Effort: the cheapest chain of learning activities that raises a level (DESIGN §4).

Per competence, levels 0-5 are the nodes of a small graph. An activity that
develops the competence with `from_level f` and `to_level t` moves any level
`x >= f` to `max(x, t)`, so it gives an edge `x -> t` for every `f <= x < t`.
Edges only go upwards, so the graph is acyclic and one pass over the levels in
ascending order finds every cheapest chain.

Among chains of equal hours the one with fewer activities wins, then the one
whose activity ids come first (compared as a sequence), so the answer never
depends on the order the activities were read in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ladders.models import LearningActivity

MAX_LEVEL = 5


@dataclass(frozen=True)
class ChainLink:
    """One activity of a chain and the level before and after taking it."""

    activity: LearningActivity
    from_level: int
    to_level: int


@dataclass(frozen=True)
class Effort:
    """The cheapest chain raising a competence from `a` to at least `b`."""

    hours: float
    """Total hours of the chain; `unmet_effort_hours` when no chain is known."""
    known: bool
    """False when no chain reaches the level (`activityKnown: false`)."""
    chain: tuple[ChainLink, ...] = ()


# (hours, number of activities, activity ids): the order chains are compared in.
_Key = tuple[float, int, tuple[str, ...]]


@dataclass(frozen=True)
class _Best:
    key: _Key
    chain: tuple[ChainLink, ...]


class EffortTable:
    """Cheapest chains for every competence, computed lazily and memoised.

    For one start level all six targets are solved at once, so the memo holds
    at most 6 entries per competence.
    """

    def __init__(self, activities: Iterable[LearningActivity]) -> None:
        # competence id -> [(from_level, to_level, activity)] sorted by activity id
        edges: dict[str, list[tuple[int, int, LearningActivity]]] = {}
        for activity in sorted(activities, key=lambda a: a.id):
            for dev in activity.develops:
                edges.setdefault(dev.competence_id, []).append(
                    (dev.from_level, dev.to_level, activity)
                )
        self._edges = edges
        self._memo: dict[tuple[str, int], tuple[_Best | None, ...]] = {}
        self._answers: dict[tuple[str, int, int, float], Effort] = {}

    def effort(
        self, competence_id: str, from_level: int, to_level: int, *, unmet_hours: float
    ) -> Effort:
        key = (competence_id, from_level, to_level, unmet_hours)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answer(competence_id, from_level, to_level, unmet_hours)
            self._answers[key] = answer
        return answer

    def _answer(
        self, competence_id: str, from_level: int, to_level: int, unmet_hours: float
    ) -> Effort:
        start = max(0, min(from_level, MAX_LEVEL))
        if from_level >= to_level:
            return Effort(hours=0.0, known=True)
        if to_level > MAX_LEVEL:
            return Effort(hours=unmet_hours, known=False)
        best = self._solve(competence_id, start)
        # "At least b": the best chain ending at any level >= b.
        reaching = [b for b in best[max(to_level, 0) :] if b is not None]
        if not reaching:
            return Effort(hours=unmet_hours, known=False)
        winner = min(reaching, key=lambda b: b.key)
        return Effort(hours=winner.key[0], known=True, chain=winner.chain)

    def _solve(self, competence_id: str, start: int) -> tuple[_Best | None, ...]:
        memo_key = (competence_id, start)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        best: list[_Best | None] = [None] * (MAX_LEVEL + 1)
        best[start] = _Best(key=(0.0, 0, ()), chain=())
        edges = self._edges.get(competence_id, [])
        for level in range(start, MAX_LEVEL + 1):
            here = best[level]
            if here is None:
                continue
            hours, count, ids = here.key
            for from_level, to_level, activity in edges:
                if from_level > level or to_level <= level:
                    continue
                key: _Key = (hours + activity.hours, count + 1, (*ids, activity.id))
                there = best[to_level]
                if there is None or key < there.key:
                    link = ChainLink(activity=activity, from_level=level, to_level=to_level)
                    best[to_level] = _Best(key=key, chain=(*here.chain, link))
        result = tuple(best)
        self._memo[memo_key] = result
        return result
