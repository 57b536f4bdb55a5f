"""The people generator: employees with their holdings, mentorships, plans and talks.

`generate_people` is a deterministic function of reference data, a unit tree,
a head count and a seed. It yields one `PersonRecords` at a time and keeps
only what mentor matching needs (a small record per senior), so it scales to
tens of thousands of employees (`stege seed synthetic`). People are made a
unit (or a slice of a big one) at a time: managers first, then each leaf
unit's staff, so a unit's seniors can mentor its adepts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from ladders.models import (
    Conversation,
    Dataset,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
    ReferenceData,
    Unit,
    UnitNeed,
)
from seed.generate.careers import Career, sample_career
from seed.generate.catalog import Catalog
from seed.generate.holdings import Held, HoldingMaker
from seed.generate.mentors import MentorPool, Seeker
from seed.generate.names import person_name
from seed.generate.plans import Planner, PlanSubject, conversations
from seed.generate.profile import DEMO_AS_OF, DEMO_PROFILE, GeneratorProfile
from seed.generate.trusted import trusted

_BATCH = 200
"""People made before any is yielded: a big unit's staff comes in slices of this many."""


@dataclass(frozen=True)
class PersonRecords:
    """One employee and everything that belongs to them (mentorships as adept)."""

    employee: Employee
    holdings: tuple[Holding, ...]
    mentorships: tuple[Mentorship, ...]
    plans: tuple[Plan, ...]
    plan_activities: tuple[PlanActivity, ...]
    conversations: tuple[Conversation, ...]


@dataclass
class _Draft:
    id: str
    name: str
    unit_id: str | None
    career: Career
    manages: tuple[str, ...]
    adept: bool
    mentor_capacity: int | None
    held: dict[str, Held]


def generate_people(
    *,
    reference: ReferenceData,
    units: Sequence[Unit],
    needs: Sequence[UnitNeed] = (),
    n: int,
    seed: int,
    as_of: date = DEMO_AS_OF,
    profile: GeneratorProfile = DEMO_PROFILE,
) -> Iterator[PersonRecords]:
    """`n` employees (one manager per unit, the rest spread over the leaf units)."""
    rng = random.Random(seed)
    catalog = Catalog(reference, units, needs)
    maker = _Maker(rng, catalog, profile, as_of)
    managed = list(units)[: max(0, n)]
    for start in range(0, len(managed), _BATCH):
        yield from maker.batch([maker.manager(unit) for unit in managed[start : start + _BATCH]])
    staff = max(0, n - len(managed))
    leaves: list[Unit | None] = list(catalog.leaves) or [None]
    weights = [profile.unit_size.get(u.id, 1.0) if u else 1.0 for u in leaves]
    for leaf, count in zip(leaves, _allocate(staff, weights), strict=True):
        for start in range(0, count, _BATCH):
            size = min(_BATCH, count - start)
            yield from maker.batch([maker.staff(leaf) for _ in range(size)])


def generate_dataset(
    base: Dataset,
    *,
    n: int,
    seed: int,
    as_of: date = DEMO_AS_OF,
    profile: GeneratorProfile = DEMO_PROFILE,
) -> Dataset:
    """`base` (its reference data, units and needs) with generated people."""
    people = list(
        generate_people(
            reference=base.reference(),
            units=base.units,
            needs=base.needs,
            n=n,
            seed=seed,
            as_of=as_of,
            profile=profile,
        )
    )
    return base.model_copy(
        update={
            "employees": tuple(p.employee for p in people),
            "holdings": tuple(h for p in people for h in p.holdings),
            "mentorships": tuple(m for p in people for m in p.mentorships),
            "plans": tuple(plan for p in people for plan in p.plans),
            "plan_activities": tuple(a for p in people for a in p.plan_activities),
            "conversations": tuple(c for p in people for c in p.conversations),
        }
    )


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders; ties by position)."""
    whole = sum(weights) or 1.0
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Maker:
    def __init__(
        self, rng: random.Random, catalog: Catalog, profile: GeneratorProfile, as_of: date
    ):
        self.rng = rng
        self.catalog = catalog
        self.profile = profile
        self.as_of = as_of
        self.holdings = HoldingMaker(rng, catalog, profile, as_of)
        self.planner = Planner(rng, catalog, as_of)
        self.pool = MentorPool(rng, catalog, profile, as_of)
        self.count = 0

    def _next_id(self) -> str:
        self.count += 1
        return f"E{10000 + self.count}"

    def manager(self, unit: Unit) -> _Draft:
        step_id = self.profile.manager_step.get(unit.kind.value)
        if step_id not in self.catalog.steps:
            draft = self.staff(unit)
            draft.manages, draft.adept, draft.mentor_capacity = (unit.id,), False, None
            return draft
        career = sample_career(self.rng, self.catalog, self.profile, self.as_of, step_id=step_id)
        return self._draft(unit.id, career, manages=(unit.id,), adept=False)

    def staff(self, unit: Unit | None) -> _Draft:
        profession_id = self._profession(unit)
        career = sample_career(
            self.rng, self.catalog, self.profile, self.as_of, profession_id=profession_id
        )
        adept = self.rng.random() < next(
            (share for limit, share in self.profile.adept_share if career.age < limit), 0.0
        )
        return self._draft(unit.id if unit else None, career, manages=(), adept=adept)

    def _draft(
        self, unit_id: str | None, career: Career, *, manages: tuple[str, ...], adept: bool
    ) -> _Draft:
        capacity = None
        if career.age >= self.profile.mentor_min_age and not manages:
            roll = self.rng.random()
            capacity = 1 if roll < 0.1 else 3 if roll < 0.18 else None
        return _Draft(
            id=self._next_id(),
            name=person_name(self.rng),
            unit_id=unit_id,
            career=career,
            manages=manages,
            adept=adept,
            mentor_capacity=capacity,
            held=self.holdings.build(career, unit_id),
        )

    def _profession(self, unit: Unit | None) -> str | None:
        mix = self.profile.default_mix
        if unit is not None:
            mix = self.profile.unit_mix.get(unit.id, mix)
        known = self.catalog.profession_ladders
        options = [(p, w) for p, w in mix.items() if w > 0 and known.get(p)]
        if not options:
            options = [(p, 1.0) for p, ladders in known.items() if ladders]
        if not options:
            return None
        return self.rng.choices([p for p, _ in options], weights=[w for _, w in options])[0]

    def batch(self, drafts: list[_Draft]) -> Iterator[PersonRecords]:
        """Finish one unit's people: mentors first join the pool, then adepts are matched."""
        for draft in drafts:
            self.pool.offer(
                draft.id, draft.unit_id, draft.career.age, draft.mentor_capacity, draft.held
            )
        mentorships: dict[str, list[Mentorship]] = {}
        for draft in drafts:
            seeker = Seeker(
                draft.id, draft.unit_id, draft.career.age, draft.adept, self._gap(draft)
            )
            mentorships[draft.id] = self.pool.match(seeker, draft.held)
        for draft in drafts:
            yield self._records(draft, mentorships[draft.id])

    def _gap(self, draft: _Draft) -> dict[str, int]:
        """Competencies of the next step the employee lacks, with the level required."""
        following = self.catalog.next_step(draft.career.step_id) if draft.career.step_id else None
        if following is None:
            return {}
        gap = {}
        for competence_id, (level, _) in self.catalog.requires[following.id].items():
            held = draft.held.get(competence_id)
            if (held.level if held else 0) < level:
                gap[competence_id] = level
        return gap

    def _target(self, step_id: str | None) -> str | None:
        """A plan's goal: the next step, or at the top of a ladder a move to another."""
        if step_id is None:
            return None
        following = self.catalog.next_step(step_id)
        if following is not None:
            return following.id
        exits = self.catalog.exits.get(step_id)
        return self.rng.choice(exits).to_step_id if exits else None

    def _records(self, draft: _Draft, mentorships: list[Mentorship]) -> PersonRecords:
        career = draft.career
        talks = conversations(self.rng, draft.id, career.employed_since, self.as_of)
        subject = PlanSubject(
            employee_id=draft.id,
            employed_since=career.employed_since,
            step_id=career.step_id,
            target_step_id=self._target(career.step_id),
            unit_id=draft.unit_id,
            held=draft.held,
        )
        self.planner.plan(subject, talks)
        employee = Employee(
            id=draft.id,
            name=draft.name,
            birth_year=self.as_of.year - career.age,
            unit_id=draft.unit_id,
            profession_id=career.profession_id,
            step_id=career.step_id,
            step_since=career.step_since,
            employed_since=career.employed_since,
            manages=draft.manages,
            mentor_capacity=draft.mentor_capacity,
            adept=draft.adept,
        )
        holdings = tuple(
            trusted(
                Holding,
                employee_id=draft.id,
                competence_id=competence_id,
                level=held.level,
                assessed_on=min(held.assessed_on, self.as_of),
                expires_on=held.expires_on,
                source=held.source,
            )
            for competence_id, held in sorted(subject.held.items())
        )
        return PersonRecords(
            employee=employee,
            holdings=holdings,
            mentorships=tuple(mentorships),
            plans=tuple(subject.plans),
            plan_activities=tuple(subject.items),
            conversations=tuple(sorted(talks, key=lambda t: (t.held_on, t.kind.value))),
        )
