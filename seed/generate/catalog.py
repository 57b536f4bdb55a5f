"""Lookups over reference data that the people generator needs, built once per run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ladders.models import (
    Competence,
    CompetenceCategory,
    ReferenceData,
    Step,
    Transition,
    Unit,
    UnitNeed,
)


@dataclass(frozen=True)
class Route:
    """One way to develop a competence: an activity from `from_level` to `to_level`."""

    activity_id: str
    from_level: int
    to_level: int
    hours: float


class Catalog:
    """Steps, ladders, transitions and activities indexed for generation.

    Every list here is in a fixed order (the order of the reference data), so a
    seeded run draws the same choices whatever Python's hash seed is.
    """

    def __init__(self, reference: ReferenceData, units: Sequence[Unit], needs: Sequence[UnitNeed]):
        self.competences: dict[str, Competence] = {c.id: c for c in reference.competences}
        self.steps: dict[str, Step] = {s.id: s for s in reference.steps}
        self.ladder_profession = {ladder.id: ladder.profession_id for ladder in reference.ladders}
        self.ladder_steps: dict[str, list[Step]] = {ladder.id: [] for ladder in reference.ladders}
        for step in sorted(reference.steps, key=lambda s: (s.ladder_id, s.ordinal)):
            self.ladder_steps.setdefault(step.ladder_id, []).append(step)
        self.profession_ladders: dict[str, list[str]] = {p.id: [] for p in reference.professions}
        for ladder in reference.ladders:
            if self.ladder_steps.get(ladder.id):
                self.profession_ladders.setdefault(ladder.profession_id, []).append(ladder.id)
        # Transitions into a ladder from another one: the routes by which people arrive.
        self.entries: dict[str, list[Transition]] = {}
        self.exits: dict[str, list[Transition]] = {}
        for t in reference.transitions:
            source, target = self.steps.get(t.from_step_id), self.steps.get(t.to_step_id)
            if source is None or target is None or source.ladder_id == target.ladder_id:
                continue
            self.entries.setdefault(target.ladder_id, []).append(t)
            self.exits.setdefault(source.id, []).append(t)
        self.requires: dict[str, dict[str, tuple[int, bool]]] = {
            s.id: {r.competence_id: (r.level, r.mandatory) for r in s.requires}
            for s in reference.steps
        }
        # Which competencies each profession's ladders ask for, and all that any ladder does.
        self.profession_competences: dict[str, frozenset[str]] = {}
        for profession_id, ladder_ids in self.profession_ladders.items():
            self.profession_competences[profession_id] = frozenset(
                c for lid in ladder_ids for s in self.ladder_steps[lid] for c in self.requires[s.id]
            )
        self.required_anywhere = frozenset(c for reqs in self.requires.values() for c in reqs)
        self.routes: dict[str, list[Route]] = {}
        for activity in reference.activities:
            for d in activity.develops:
                route = Route(activity.id, d.from_level, d.to_level, activity.hours)
                self.routes.setdefault(d.competence_id, []).append(route)
        self.expiring = [c for c in reference.competences if c.valid_months]
        self.valid_months: dict[str, int | None] = {
            c.id: c.valid_months for c in reference.competences
        }
        self.formal = frozenset(
            c.id for c in reference.competences if c.category is CompetenceCategory.FORMAL
        )
        self.soft = [
            c.id
            for c in reference.competences
            if c.category
            in (
                CompetenceCategory.INTERACTION,
                CompetenceCategory.ETHICS,
                CompetenceCategory.COMMUNICATION,
                CompetenceCategory.DIGITAL,
                CompetenceCategory.QUALITY,
            )
        ]
        self.units = list(units)
        self.unit_by_id = {u.id: u for u in units}
        parents = {u.parent_id for u in units if u.parent_id is not None}
        self.leaves = [u for u in units if u.id not in parents]
        self.needs_by_unit: dict[str, list[UnitNeed]] = {}
        for need in needs:
            self.needs_by_unit.setdefault(need.unit_id, []).append(need)

    def next_step(self, step_id: str) -> Step | None:
        step = self.steps[step_id]
        ladder = self.ladder_steps[step.ladder_id]
        return ladder[step.ordinal] if step.ordinal < len(ladder) else None

    def months_to(self, step: Step) -> int:
        """Least months from the first step of its ladder to reaching `step`."""
        ladder = self.ladder_steps[step.ladder_id]
        return sum(s.min_months for s in ladder[: step.ordinal - 1])

    def unit_needs(self, unit_id: str | None) -> list[UnitNeed]:
        """Needs of the unit and every unit above it, nearest first."""
        found: list[UnitNeed] = []
        seen: list[str] = []
        while unit_id is not None and unit_id not in seen:
            seen.append(unit_id)
            found.extend(self.needs_by_unit.get(unit_id, ()))
            unit = self.unit_by_id.get(unit_id)
            unit_id = unit.parent_id if unit is not None else None
        return found

    def fits(self, profession_id: str | None, competence_id: str) -> bool:
        """Whether staff of this profession would hold it: their ladders ask for it,
        or no ladder does (a unit's own speciality, like triage)."""
        if competence_id not in self.required_anywhere:
            return True
        return competence_id in self.profession_competences.get(profession_id or "", frozenset())

    def is_formal(self, competence_id: str) -> bool:
        return competence_id in self.formal

    def best_route(self, competence_id: str, held: int) -> Route | None:
        """The activity that takes `held` highest (then the shortest one), if any."""
        best: Route | None = None
        for route in self.routes.get(competence_id, ()):
            if route.from_level > held or route.to_level <= held:
                continue
            if best is None or (route.to_level, -route.hours) > (best.to_level, -best.hours):
                best = route
        return best
