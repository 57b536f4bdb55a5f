"""Mentor matching while people are generated: seniors (55+) mentor adepts.

Seniors join a pool as their unit is generated; adepts are matched with one
from their own unit or, failing that, from a random sample of the pool (the
pool can hold thousands). Active mentorships respect each mentor's capacity;
some adepts are left without one, so that mentor proposals have work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ladders.models import Mentorship
from seed.generate.catalog import Catalog
from seed.generate.holdings import Held
from seed.generate.profile import GeneratorProfile


@dataclass
class _Mentor:
    id: str
    unit_id: str | None
    birth_year: int
    capacity: int
    active: int
    strong: dict[str, int]
    """Competencies held at level 4 or 5 (not degrees or expiring certificates)."""


@dataclass(frozen=True)
class Seeker:
    id: str
    unit_id: str | None
    age: int
    adept: bool
    gap: dict[str, int]
    """The competencies the seeker lacks for their next step."""


class MentorPool:
    def __init__(
        self, rng: random.Random, catalog: Catalog, profile: GeneratorProfile, as_of: date
    ):
        self.rng = rng
        self.catalog = catalog
        self.profile = profile
        self.as_of = as_of
        self.mentors: list[_Mentor] = []
        self.by_unit: dict[str | None, list[_Mentor]] = {}

    def offer(
        self,
        employee_id: str,
        unit_id: str | None,
        age: int,
        capacity: int | None,
        held: dict[str, Held],
    ) -> None:
        if age < self.profile.mentor_min_age:
            return
        strong = {
            c: h.level
            for c, h in sorted(held.items())
            if h.level >= 4 and not self.catalog.is_formal(c) and not self.catalog.valid_months[c]
        }
        if not strong:
            return
        mentor = _Mentor(
            id=employee_id,
            unit_id=unit_id,
            birth_year=self.as_of.year - age,
            capacity=self.profile.default_mentor_capacity if capacity is None else capacity,
            active=0,
            strong=strong,
        )
        self.mentors.append(mentor)
        self.by_unit.setdefault(unit_id, []).append(mentor)

    def match(self, seeker: Seeker, held: dict[str, Held]) -> list[Mentorship]:
        """The seeker's mentorships as adept: an ended one and/or an active one."""
        rng, as_of = self.rng, self.as_of
        found: list[Mentorship] = []
        past = 0.25 if seeker.adept else 0.06 if seeker.age < 40 else 0.0
        if rng.random() < past:
            started = as_of - timedelta(days=rng.randint(480, 1400))
            finished = started + timedelta(days=rng.randint(150, 400))
            found.extend(
                self._mentorship(seeker, held, started, min(finished, as_of - timedelta(days=1)))
            )
        if seeker.adept and rng.random() < 0.75:
            started = as_of - timedelta(days=rng.randint(20, 500))
            planned_end = started + timedelta(days=365)
            ended = planned_end if planned_end > as_of and rng.random() < 0.3 else None
            found.extend(self._mentorship(seeker, held, started, ended))
        return found

    def _mentorship(
        self, seeker: Seeker, held: dict[str, Held], started: date, ended: date | None
    ) -> list[Mentorship]:
        rng = self.rng
        active = ended is None or ended > self.as_of
        local = self.by_unit.get(seeker.unit_id, [])
        sample = rng.sample(self.mentors, min(30, len(self.mentors)))
        candidates = local + [m for m in sample if m.unit_id != seeker.unit_id]
        best: tuple[tuple[bool, int, float], _Mentor, list[str], list[str]] | None = None
        for mentor in candidates:
            if mentor.id == seeker.id:
                continue
            if started.year - mentor.birth_year < self.profile.mentor_min_age:
                continue
            if active and mentor.active >= mentor.capacity:
                continue
            options = [
                c
                for c, level in mentor.strong.items()
                if level > (held[c].level if c in held else 0)
            ]
            if not options:
                continue
            covered = [c for c in options if c in seeker.gap]
            key = (mentor.unit_id == seeker.unit_id, len(covered), rng.random())
            if best is None or key > best[0]:
                best = (key, mentor, covered, options)
        if best is None:
            return []
        _, mentor, covered, options = best
        others = [c for c in options if c not in covered]
        rng.shuffle(others)
        focus = tuple(sorted((covered + others)[: rng.randint(1, 3)]))
        if active:
            mentor.active += 1
        return [
            Mentorship(
                mentor_id=mentor.id,
                adept_id=seeker.id,
                started_on=started,
                focus=focus,
                ended_on=ended,
            )
        ]
