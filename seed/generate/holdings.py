"""What a generated employee holds: their step's requirements, give or take.

Most hold what their step requires, seniors often more (so they can mentor);
a minority lack one item, some already hold part of the next step, and
expiring competencies (HLR, hygiene) were assessed at varied times, so that
some have expired on the day the data describes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ladders.models import HoldingSource
from seed.generate.careers import Career, add_months, random_day
from seed.generate.catalog import Catalog
from seed.generate.profile import GeneratorProfile


@dataclass
class Held:
    """A holding being built (mutable until the employee's records are final)."""

    level: int
    assessed_on: date
    expires_on: date | None
    source: HoldingSource

    def level_on(self, day: date, valid_months: int | None) -> int:
        """DESIGN §4 held level: 0 once expired."""
        expires = self.expires_on
        if expires is None and valid_months:
            expires = add_months(self.assessed_on, valid_months)
        return 0 if expires is not None and expires < day else self.level


def _assessor_source(roll: float) -> HoldingSource:
    """Who assessed a skill: the manager (45 %), the employee (35 %) or a course (20 %)."""
    if roll < 0.45:
        return HoldingSource.MANAGER
    return HoldingSource.SELF if roll < 0.8 else HoldingSource.ACTIVITY


class HoldingMaker:
    def __init__(
        self, rng: random.Random, catalog: Catalog, profile: GeneratorProfile, as_of: date
    ):
        self.rng = rng
        self.catalog = catalog
        self.profile = profile
        self.as_of = as_of
        self.recent = add_months(as_of, -60)

    def assess(self, competence_id: str, level: int, career: Career) -> Held:
        """A holding of `level` with a plausible date and source for its kind."""
        rng, as_of = self.rng, self.as_of
        valid_months = self.catalog.valid_months[competence_id]
        level = max(1, min(5, level))
        if valid_months:
            # Up to 30 % past the validity, so roughly one in four has expired.
            window = int(valid_months * 30.4 * 1.3)
            assessed = max(career.career_start, as_of - timedelta(days=int(rng.random() * window)))
            expires = add_months(assessed, valid_months) if rng.random() < 0.15 else None
            source = HoldingSource.CERTIFICATE if rng.random() < 0.5 else HoldingSource.ACTIVITY
            return Held(level, assessed, expires, source)
        if competence_id in self.catalog.formal:
            last = career.step_since or as_of
            return Held(
                level, random_day(rng, career.career_start, last), None, HoldingSource.CERTIFICATE
            )
        first = max(career.career_start, self.recent)
        return Held(level, random_day(rng, first, as_of), None, _assessor_source(rng.random()))

    def build(self, career: Career, unit_id: str | None) -> dict[str, Held]:
        rng, catalog = self.rng, self.catalog
        if career.step_id is None:
            return self._extras({}, career)
        required: dict[str, int] = {}
        for step_id in (*career.background, career.step_id):
            for competence_id, (level, _) in catalog.requires.get(step_id, {}).items():
                required[competence_id] = max(level, required.get(competence_id, 0))

        senior = career.age >= self.profile.mentor_min_age
        experienced = (self.as_of - career.career_start).days >= 3650
        plus_two, plus_one = (
            (0.18, 0.37) if senior else (0.06, 0.28) if experienced else (0.02, 0.15)
        )
        held: dict[str, Held] = {}
        for competence_id, level in required.items():
            valid_months = catalog.valid_months[competence_id]
            if not catalog.is_formal(competence_id) and not valid_months:
                roll = rng.random()
                level += 2 if roll < plus_two else 1 if roll < plus_two + plus_one else 0
            elif valid_months and rng.random() < 0.15:
                level += 1
            held[competence_id] = self.assess(competence_id, level, career)

        # A minority lack one item of their own step: the gaps worth looking at.
        if rng.random() < 0.22:
            own = [
                c
                for c in catalog.requires.get(career.step_id, {})
                if not catalog.is_formal(c) and not catalog.valid_months[c]
            ]
            if own:
                missing = rng.choice(own)
                lowered = required[missing] - 1
                if lowered <= 0:
                    del held[missing]
                else:
                    held[missing].level = min(held[missing].level, lowered)

        # Some are on their way to the next step already.
        following = catalog.next_step(career.step_id)
        if following is not None:
            for competence_id, (level, _) in catalog.requires[following.id].items():
                current = held[competence_id].level if competence_id in held else 0
                chance = 0.08 if catalog.is_formal(competence_id) else 0.3
                if current < level and rng.random() < chance:
                    held[competence_id] = self.assess(competence_id, level, career)

        # What the unit needs is partly there among its staff.
        if career.profession_id not in self.profile.need_holders_excluded:
            for need in catalog.unit_needs(unit_id):
                if not catalog.fits(career.profession_id, need.competence_id):
                    continue
                current = held[need.competence_id].level if need.competence_id in held else 0
                if current < need.level and rng.random() < 0.5:
                    level = need.level + rng.choice((-1, 0, 0, 1))
                    if level > current:
                        held[need.competence_id] = self.assess(need.competence_id, level, career)
        return self._extras(held, career)

    def _extras(self, held: dict[str, Held], career: Career) -> dict[str, Held]:
        """A few holdings beyond any requirement: soft skills, other mandatory courses."""
        rng, catalog = self.rng, self.catalog
        top = 4 if career.age >= self.profile.mentor_min_age else 3
        if catalog.soft:
            for competence_id in rng.sample(
                catalog.soft, min(len(catalog.soft), rng.randint(0, 3))
            ):
                if competence_id not in held:
                    held[competence_id] = self.assess(competence_id, rng.randint(1, top), career)
        for competence in catalog.expiring:
            if competence.id not in held and rng.random() < 0.12:
                held[competence.id] = self.assess(competence.id, rng.randint(2, 3), career)
        return held
