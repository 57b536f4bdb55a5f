"""The reference data as one immutable, indexed snapshot (DESIGN §8).

Ladders, steps, transitions, activities and competencies change slowly, so a
process builds a `Catalog` once per reference-data version and answers the
path and effort questions from it. `CatalogCache` rebuilds it when the store's
version moves, which keeps several processes consistent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

import networkx as nx

from ladders.effort import ChainLink, Effort, EffortTable
from ladders.models import (
    Competence,
    Ladder,
    LearningActivity,
    Profession,
    ReferenceData,
    Step,
    Transition,
)
from ladders.ports import Store

__all__ = ["NEXT", "Catalog", "CatalogCache", "ChainLink", "Effort"]

NEXT = "next"
"""`kind` of a NEXT edge in `Catalog.step_graph` (TRANSITION edges carry their
`TransitionKind` value)."""


class Catalog:
    """An immutable snapshot of `ReferenceData`, indexed for the computations.

    `step_graph` has one node per step and one edge per NEXT or TRANSITION
    relationship, with attributes `kind` (`NEXT` or the transition kind) and
    `months` (a NEXT edge carries its from-step's `min_months`). Should a
    transition duplicate a NEXT edge, the NEXT edge is kept and the
    transition's months are recorded as `transition_months`, so the cheaper
    of the two can still be taken.
    """

    def __init__(self, reference: ReferenceData) -> None:
        self.version: int = reference.version
        self.competences: Mapping[str, Competence] = _index(reference.competences)
        self.professions: Mapping[str, Profession] = _index(reference.professions)
        self.ladders: Mapping[str, Ladder] = _index(reference.ladders)
        self.steps: Mapping[str, Step] = _index(reference.steps)
        self.activities: Mapping[str, LearningActivity] = _index(reference.activities)
        self.transitions: tuple[Transition, ...] = tuple(
            sorted(reference.transitions, key=lambda t: (t.from_step_id, t.to_step_id))
        )

        by_ladder: dict[str, list[Step]] = {}
        for step in self.steps.values():
            by_ladder.setdefault(step.ladder_id, []).append(step)
        self._ladder_steps: Mapping[str, tuple[Step, ...]] = MappingProxyType(
            {lid: tuple(sorted(s, key=lambda x: (x.ordinal, x.id))) for lid, s in by_ladder.items()}
        )
        self._next: dict[str, Step] = {}
        for steps in self._ladder_steps.values():
            for here, there in zip(steps, steps[1:], strict=False):
                self._next[here.id] = there
        self._requirements: Mapping[str, Mapping[str, int]] = MappingProxyType(
            {
                s.id: MappingProxyType({r.competence_id: r.level for r in s.requires})
                for s in self.steps.values()
            }
        )
        self._profession_steps: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {
                pid: tuple(
                    s.id
                    for lad in sorted(self.ladders.values(), key=lambda x: x.id)
                    if lad.profession_id == pid
                    for s in self._ladder_steps.get(lad.id, ())
                )
                for pid in self.professions
            }
        )
        self.step_graph: nx.DiGraph = self._build_step_graph()
        self._effort = EffortTable(self.activities.values())

    @classmethod
    def build(cls, reference: ReferenceData) -> Catalog:
        return cls(reference)

    def _build_step_graph(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(sorted(self.steps))
        for here_id, there in sorted(self._next.items()):
            graph.add_edge(here_id, there.id, kind=NEXT, months=self.steps[here_id].min_months)
        for t in self.transitions:
            # A transition naming an unknown step cannot be walked; the dataset
            # validator reports it, the catalog just leaves it out.
            if t.from_step_id not in self.steps or t.to_step_id not in self.steps:
                continue
            if graph.has_edge(t.from_step_id, t.to_step_id):
                graph.edges[t.from_step_id, t.to_step_id]["transition_months"] = t.months
                continue
            graph.add_edge(t.from_step_id, t.to_step_id, kind=t.kind.value, months=t.months)
        return nx.freeze(graph)

    def ladder_steps(self, ladder_id: str) -> tuple[Step, ...]:
        """The ladder's steps by ordinal; () for an unknown ladder."""
        return self._ladder_steps.get(ladder_id, ())

    def next_step(self, step_id: str) -> Step | None:
        """The step with the next ordinal on the same ladder, if any."""
        return self._next.get(step_id)

    def requirement_levels(self, step_id: str) -> Mapping[str, int]:
        """Competence id -> required level of the step; empty when unknown."""
        return self._requirements.get(step_id, MappingProxyType({}))

    def profession_step_ids(self, profession_id: str) -> tuple[str, ...]:
        """Every step of every ladder of the profession (ladders by id, steps by ordinal)."""
        return self._profession_steps.get(profession_id, ())

    def effort(
        self, competence_id: str, from_level: int, to_level: int, *, unmet_hours: float
    ) -> Effort:
        """The cheapest activity chain raising the competence from `from_level`
        to at least `to_level` (DESIGN §4 "Effort"); memoised."""
        return self._effort.effort(competence_id, from_level, to_level, unmet_hours=unmet_hours)


_T = TypeVar("_T", Competence, Profession, Ladder, Step, LearningActivity)


def _index(items: tuple[_T, ...]) -> Mapping[str, _T]:
    return MappingProxyType({item.id: item for item in sorted(items, key=lambda i: i.id)})


class CatalogCache:
    """One per process: hands out the catalog of the store's current version."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._lock = asyncio.Lock()

    async def get(self, store: Store) -> Catalog:
        version = await store.reference_version()
        current = self._catalog
        if current is not None and current.version == version:
            return current
        async with self._lock:
            # Another task may have refreshed it while this one waited.
            current = self._catalog
            if current is not None and current.version == version:
                return current
            reference = await store.reference_data()
            current = Catalog.build(reference)
            self._catalog = current
            return current

    def clear(self) -> None:
        """Forget the cached catalog (the next `get` reads the store again)."""
        self._catalog = None
