"""The yearly talks and the development plans drawn up and followed up at them.

Two years of talks up to `as_of`: medarbetarsamtal in spring (where the plan
is made), lönesamtal in spring and prestationssamtal in autumn (where it is
followed up). Most have a current plan; some plans went stale (never followed
up, or left active after their period), some are drafts, some people have none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ladders.models import (
    Conversation,
    ConversationKind,
    HoldingSource,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
)
from seed.generate.careers import add_months, random_day
from seed.generate.catalog import Catalog
from seed.generate.holdings import Held
from seed.generate.trusted import trusted

_MED = ConversationKind.MEDARBETARSAMTAL
_PREST = ConversationKind.PRESTATIONSSAMTAL
_LON = ConversationKind.LONESAMTAL

# (kind, first month-day, last month-day, chance last year, chance this year)
_TALKS = (
    (_MED, (2, 1), (5, 31), 0.86, 0.82),
    (_LON, (3, 1), (4, 30), 0.84, 0.78),
    (_PREST, (9, 1), (11, 20), 0.8, 0.62),
)

_STATUS_WEIGHTS: dict[str, tuple[tuple[PlanActivityStatus, ...], tuple[int, ...]]] = {
    "closed": ((PlanActivityStatus.DONE, PlanActivityStatus.CANCELLED), (65, 35)),
    "current": (
        (
            PlanActivityStatus.DONE,
            PlanActivityStatus.ONGOING,
            PlanActivityStatus.PLANNED,
            PlanActivityStatus.CANCELLED,
        ),
        (20, 35, 35, 10),
    ),
    "stale": (
        (PlanActivityStatus.DONE, PlanActivityStatus.ONGOING, PlanActivityStatus.PLANNED),
        (15, 35, 50),
    ),
    "draft": ((PlanActivityStatus.PLANNED,), (1,)),
}


@dataclass
class PlanSubject:
    """What the planner needs to know about one employee."""

    employee_id: str
    employed_since: date
    step_id: str | None
    target_step_id: str | None
    unit_id: str | None
    held: dict[str, Held]
    plans: list[Plan] = field(default_factory=list)
    items: list[PlanActivity] = field(default_factory=list)


def conversations(
    rng: random.Random, employee_id: str, employed_since: date, as_of: date
) -> list[Conversation]:
    if rng.random() < 0.08:
        return []  # no talks recorded at all
    talks: list[Conversation] = []
    for year, this_year in ((as_of.year - 1, False), (as_of.year, True)):
        for kind, (m1, d1), (m2, d2), last_chance, this_chance in _TALKS:
            if rng.random() >= (this_chance if this_year else last_chance):
                continue
            held_on = random_day(rng, date(year, m1, d1), date(year, m2, d2))
            if employed_since <= held_on <= as_of:
                talks.append(
                    trusted(Conversation, employee_id=employee_id, kind=kind, held_on=held_on)
                )
    return talks


class Planner:
    def __init__(self, rng: random.Random, catalog: Catalog, as_of: date):
        self.rng = rng
        self.catalog = catalog
        self.as_of = as_of

    def plan(self, subject: PlanSubject, talks: list[Conversation]) -> None:
        """Add the subject's plans and plan items; completed items raise holdings."""
        rng, as_of = self.rng, self.as_of
        last_year, this_year = as_of.year - 1, as_of.year
        med = {t.held_on.year: t.held_on for t in talks if t.kind is _MED}
        prest = {t.held_on.year: t.held_on for t in talks if t.kind is _PREST}
        roll = rng.random()
        if subject.employed_since > as_of - timedelta(days=180):
            if roll < 0.5:
                self._add(subject, "draft", random_day(rng, subject.employed_since, as_of), None)
        elif roll < 0.64 and this_year in med:
            if last_year in med:
                self._add(subject, "closed", med[last_year], prest.get(last_year))
            followup = prest.get(this_year)
            self._add(subject, "current", med[this_year], followup)
        elif roll < 0.7 and subject.employed_since < date(last_year, 8, 15):
            # Made in the autumn, never followed up: more than a year old by now.
            created = random_day(rng, date(last_year, 8, 15), date(last_year, 11, 15))
            self._add(subject, "stale", created, None, months=15)
        elif roll < 0.78 and last_year in med:
            # Left active after its period ended.
            self._add(subject, "stale", med[last_year], prest.get(last_year))
        elif roll < 0.88:
            if last_year in med:
                self._add(subject, "closed", med[last_year], prest.get(last_year))
            start = max(subject.employed_since, add_months(as_of, -2))
            self._add(subject, "draft", random_day(rng, start, as_of), None)
        elif roll < 0.94 and last_year in med:
            self._add(subject, "closed", med[last_year], prest.get(last_year))

    def _add(
        self,
        subject: PlanSubject,
        kind: str,
        created: date,
        followup: date | None,
        *,
        months: int = 12,
    ) -> None:
        rng = self.rng
        period_end = add_months(created, months) - timedelta(days=1)
        if followup is not None and not created < followup <= self.as_of:
            followup = None
        status = {
            "closed": PlanStatus.CLOSED,
            "draft": PlanStatus.DRAFT,
        }.get(kind, PlanStatus.ACTIVE)
        plan = Plan(
            id=f"{subject.employee_id}-plan-{len(subject.plans) + 1}",
            employee_id=subject.employee_id,
            period_start=created,
            period_end=period_end,
            status=status,
            created_on=created,
            last_followup_on=followup,
            target_step_id=subject.target_step_id,
        )
        subject.plans.append(plan)
        statuses, weights = _STATUS_WEIGHTS[kind]
        for seq, (competence_id, target) in enumerate(self._goals(subject), start=1):
            held = subject.held.get(competence_id)
            route = self.catalog.best_route(competence_id, self._level(subject, competence_id))
            due = random_day(rng, created + timedelta(days=30), period_end)
            item_status = rng.choices(statuses, weights=weights)[0]
            completed = None
            if item_status is PlanActivityStatus.DONE:
                completed = random_day(rng, created + timedelta(days=14), min(due, self.as_of))
                if completed > self.as_of:
                    item_status, completed = PlanActivityStatus.ONGOING, None
            subject.items.append(
                trusted(
                    PlanActivity,
                    plan_id=plan.id,
                    seq=seq,
                    competence_id=competence_id,
                    target_level=target,
                    activity_id=route.activity_id if route else None,
                    due_on=due,
                    status=item_status,
                    completed_on=completed,
                )
            )
            if completed is not None:
                level = max(target, held.level if held else 0)
                subject.held[competence_id] = Held(level, completed, None, HoldingSource.ACTIVITY)

    def _level(self, subject: PlanSubject, competence_id: str) -> int:
        """The held level on `as_of` (0 when not held or expired)."""
        held = subject.held.get(competence_id)
        valid = self.catalog.valid_months[competence_id]
        return held.level_on(self.as_of, valid) if held else 0

    def _goals(self, subject: PlanSubject) -> list[tuple[str, int]]:
        """One to three (competence, target level) pairs: the gap to the target step
        (mandatory items first), else what the unit needs, else a level up where a
        course or the like leads there."""
        rng, catalog = self.rng, self.catalog

        def level(competence_id: str) -> int:
            return self._level(subject, competence_id)

        gap: list[tuple[bool, str, int]] = []
        if subject.target_step_id is not None:
            for competence_id, (req, mandatory) in catalog.requires[subject.target_step_id].items():
                if level(competence_id) < req:
                    gap.append((not mandatory, competence_id, req))
        if not gap:
            # What the unit needs, where the employee has made a start.
            for need in catalog.unit_needs(subject.unit_id):
                if need.competence_id in subject.held and level(need.competence_id) < need.level:
                    gap.append((True, need.competence_id, need.level))
        if not gap and subject.step_id is not None:
            for competence_id in catalog.requires[subject.step_id]:
                current = level(competence_id)
                if current < 5 and catalog.best_route(competence_id, current) is not None:
                    gap.append((True, competence_id, current + 1))
        unique: dict[str, tuple[bool, str, int]] = {}
        for item in sorted(gap):
            unique.setdefault(item[1], item)
        choices = list(unique.values())[:6]
        picked = sorted(rng.sample(choices, min(len(choices), rng.randint(1, 3))))
        return [(competence_id, target) for _, competence_id, target in picked]
