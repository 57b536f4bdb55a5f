"""Reference data types: competencies, professions, ladders, steps, activities.

Built from domain models with `from_domain`; relations are read from the
request's catalog (in process), so they cost no store call.
"""

from __future__ import annotations

import strawberry

from api.context import Info
from api.schema.enums import (
    ActivityKind,
    CompetenceCategory,
    TransitionKind,
    from_domain,
)
from ladders import models as m


@strawberry.type
class Competence:
    id: strawberry.ID
    name: str
    name_en: str | None
    category: CompetenceCategory
    valid_months: int | None = strawberry.field(
        description="Holdings expire this many months after assessment."
    )
    esco_uri: str | None
    description: str | None

    @classmethod
    def from_domain(cls, c: m.Competence) -> Competence:
        return cls(
            id=strawberry.ID(c.id),
            name=c.name,
            name_en=c.name_en,
            category=from_domain(c.category, CompetenceCategory),
            valid_months=c.valid_months,
            esco_uri=c.esco_uri,
            description=c.description,
        )


def competence(info: Info, competence_id: str) -> Competence:
    """A competence the domain named; the catalog always has it."""
    return Competence.from_domain(info.context.reference.competences[competence_id])


def competences(info: Info, ids: tuple[str, ...] | list[str]) -> list[Competence]:
    catalog = info.context.reference
    return [Competence.from_domain(catalog.competences[c]) for c in ids if c in catalog.competences]


@strawberry.type
class Profession:
    id: strawberry.ID
    name: str
    ssyk: str | None = strawberry.field(description="SSYK 2012 occupation code.")
    licensed: bool

    @classmethod
    def from_domain(cls, p: m.Profession) -> Profession:
        return cls(id=strawberry.ID(p.id), name=p.name, ssyk=p.ssyk, licensed=p.licensed)

    @strawberry.field
    def ladders(self, info: Info) -> list[Ladder]:
        catalog = info.context.reference
        return [
            Ladder.from_domain(lad)
            for lad in catalog.ladders.values()
            if lad.profession_id == self.id
        ]


@strawberry.type
class Ladder:
    id: strawberry.ID
    name: str
    profession_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, lad: m.Ladder) -> Ladder:
        return cls(id=strawberry.ID(lad.id), name=lad.name, profession_id=lad.profession_id)

    @strawberry.field
    def profession(self, info: Info) -> Profession:
        catalog = info.context.reference
        return Profession.from_domain(catalog.professions[self.profession_id])

    @strawberry.field(description="The steps, by ordinal.")
    def steps(self, info: Info) -> list[Step]:
        catalog = info.context.reference
        return [Step.from_domain(s) for s in catalog.ladder_steps(self.id)]


@strawberry.type
class Requirement:
    level: int
    mandatory: bool
    competence: Competence


@strawberry.type
class Step:
    id: strawberry.ID
    name: str
    ordinal: int
    min_months: int = strawberry.field(description="Least time at this step before moving on.")
    description: str | None
    domain: strawberry.Private[m.Step]

    @classmethod
    def from_domain(cls, s: m.Step) -> Step:
        return cls(
            id=strawberry.ID(s.id),
            name=s.name,
            ordinal=s.ordinal,
            min_months=s.min_months,
            description=s.description,
            domain=s,
        )

    # Built when asked for: a path or a gap names many steps, most often by id alone.
    @strawberry.field
    def requires(self, info: Info) -> list[Requirement]:
        known = info.context.reference.competences
        return [
            Requirement(
                level=r.level,
                mandatory=r.mandatory,
                competence=Competence.from_domain(known[r.competence_id]),
            )
            for r in self.domain.requires
        ]

    @strawberry.field
    def ladder(self, info: Info) -> Ladder:
        catalog = info.context.reference
        return Ladder.from_domain(catalog.ladders[self.domain.ladder_id])

    @strawberry.field(description="The next step of the same ladder (a NEXT edge).")
    def next(self, info: Info) -> Step | None:
        following = info.context.reference.next_step(self.id)
        return Step.from_domain(following) if following else None

    @strawberry.field(description="Moves from this step to another ladder.")
    def transitions(self, info: Info) -> list[Transition]:
        catalog = info.context.reference
        return [Transition.from_domain(t) for t in catalog.transitions if t.from_step_id == self.id]


@strawberry.type
class Transition:
    kind: TransitionKind
    months: int
    note: str | None
    from_step_id: strawberry.Private[str]
    to_step_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, t: m.Transition) -> Transition:
        return cls(
            kind=from_domain(t.kind, TransitionKind),
            months=t.months,
            note=t.note,
            from_step_id=t.from_step_id,
            to_step_id=t.to_step_id,
        )

    @strawberry.field(name="from")
    def from_step(self, info: Info) -> Step | None:
        step = info.context.reference.steps.get(self.from_step_id)
        return Step.from_domain(step) if step else None

    @strawberry.field(name="to")
    def to_step(self, info: Info) -> Step | None:
        step = info.context.reference.steps.get(self.to_step_id)
        return Step.from_domain(step) if step else None


@strawberry.type
class Development:
    competence_id: strawberry.Private[str]
    from_level: int
    to_level: int

    @strawberry.field
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


@strawberry.type
class LearningActivity:
    id: strawberry.ID
    name: str
    kind: ActivityKind
    hours: float
    cost_sek: float | None
    provider: str | None
    develops: list[Development]

    @classmethod
    def from_domain(cls, a: m.LearningActivity) -> LearningActivity:
        return cls(
            id=strawberry.ID(a.id),
            name=a.name,
            kind=from_domain(a.kind, ActivityKind),
            hours=a.hours,
            cost_sek=a.cost_sek,
            provider=a.provider,
            develops=[
                Development(
                    competence_id=d.competence_id, from_level=d.from_level, to_level=d.to_level
                )
                for d in a.develops
            ],
        )


def step_or_none(info: Info, step_id: str | None) -> Step | None:
    if step_id is None:
        return None
    step = info.context.reference.steps.get(step_id)
    return Step.from_domain(step) if step else None


def activity_or_none(info: Info, activity_id: str | None) -> LearningActivity | None:
    if activity_id is None:
        return None
    activity = info.context.reference.activities.get(activity_id)
    return LearningActivity.from_domain(activity) if activity else None
