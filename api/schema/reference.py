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


@strawberry.type(description="Knowledge and skills applied to a task, held at levels 1-5.")
class Competence:
    id: strawberry.ID = strawberry.field(
        description="The competence id, e.g. `evidensbaserad-vard`."
    )
    name: str = strawberry.field(description="The name; nameEn holds an English one.")
    name_en: str | None = strawberry.field(description="The English name; null when not given.")
    category: CompetenceCategory = strawberry.field(
        description="The kind of competence (core, clinical, formal...)."
    )
    valid_months: int | None = strawberry.field(
        description="Holdings without their own expiry date expire this many months after "
        "assessment; null: they do not expire."
    )
    esco_uri: str | None = strawberry.field(
        description="The matching ESCO concept's URI; null when not given."
    )
    description: str | None = strawberry.field(description="What it covers; null when not given.")

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


@strawberry.type(description="An occupation, with its career ladders.")
class Profession:
    id: strawberry.ID = strawberry.field(description="The profession id.")
    name: str = strawberry.field(description="The name.")
    ssyk: str | None = strawberry.field(
        description="SSYK 2012 occupation code; null when not given."
    )
    licensed: bool = strawberry.field(
        description="Practising it needs a licence (legitimation); false when not given."
    )

    @classmethod
    def from_domain(cls, p: m.Profession) -> Profession:
        return cls(id=strawberry.ID(p.id), name=p.name, ssyk=p.ssyk, licensed=p.licensed)

    @strawberry.field(description="Its career ladders, by id.")
    def ladders(self, info: Info) -> list[Ladder]:
        catalog = info.context.reference
        return [
            Ladder.from_domain(lad)
            for lad in catalog.ladders.values()
            if lad.profession_id == self.id
        ]


@strawberry.type(description="A competence ladder (kompetensstege) of one profession.")
class Ladder:
    id: strawberry.ID = strawberry.field(description="The ladder id.")
    name: str = strawberry.field(description="The name.")
    profession_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, lad: m.Ladder) -> Ladder:
        return cls(id=strawberry.ID(lad.id), name=lad.name, profession_id=lad.profession_id)

    @strawberry.field(description="The profession the ladder belongs to.")
    def profession(self, info: Info) -> Profession:
        catalog = info.context.reference
        return Profession.from_domain(catalog.professions[self.profession_id])

    @strawberry.field(description="The steps, by ordinal.")
    def steps(self, info: Info) -> list[Step]:
        catalog = info.context.reference
        return [Step.from_domain(s) for s in catalog.ladder_steps(self.id)]


@strawberry.type(description="What a step demands of one competence (REQUIRES).")
class Requirement:
    level: int = strawberry.field(description="The least level (1-5) required.")
    mandatory: bool = strawberry.field(
        description="Required without exception: a gap is not ready while it is missing. "
        "An optional one counts only in readiness."
    )
    competence: Competence = strawberry.field(description="The competence required.")


@strawberry.type(description="A step of a ladder.")
class Step:
    id: strawberry.ID = strawberry.field(description="The step id, e.g. `ssk-3`.")
    name: str = strawberry.field(description="The name.")
    ordinal: int = strawberry.field(description="Its place in the ladder, from 1.")
    min_months: int = strawberry.field(
        description="Least time at this step, in whole months, before moving on to the next "
        "step (0: none)."
    )
    description: str | None = strawberry.field(
        description="What the step means; null when not given."
    )
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
    @strawberry.field(description="What the step demands, by competence id.")
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

    @strawberry.field(description="The ladder the step is on.")
    def ladder(self, info: Info) -> Ladder:
        catalog = info.context.reference
        return Ladder.from_domain(catalog.ladders[self.domain.ladder_id])

    @strawberry.field(
        description="The next step of the same ladder (a NEXT edge); null on the last step."
    )
    def next(self, info: Info) -> Step | None:
        following = info.context.reference.next_step(self.id)
        return Step.from_domain(following) if following else None

    @strawberry.field(
        description="Its TRANSITION edges (moves other than to the next step, most often to "
        "another ladder), by target step id."
    )
    def transitions(self, info: Info) -> list[Transition]:
        catalog = info.context.reference
        return [Transition.from_domain(t) for t in catalog.transitions if t.from_step_id == self.id]


@strawberry.type(description="A move between steps other than NEXT (TRANSITION).")
class Transition:
    kind: TransitionKind = strawberry.field(
        description="HORIZONTAL (to another profession or specialisation), VERTICAL or "
        "EDUCATION: a label; careerPaths weighs every kind alike."
    )
    months: int = strawberry.field(
        description="How many months the move takes; careerPaths counts them in full."
    )
    note: str | None = strawberry.field(description="A remark in plain words; null when none.")
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

    @strawberry.field(name="from", description="The step it leaves.")
    def from_step(self, info: Info) -> Step | None:
        step = info.context.reference.steps.get(self.from_step_id)
        return Step.from_domain(step) if step else None

    @strawberry.field(name="to", description="The step it leads to.")
    def to_step(self, info: Info) -> Step | None:
        step = info.context.reference.steps.get(self.to_step_id)
        return Step.from_domain(step) if step else None


@strawberry.type(
    description="What an activity does for one competence (DEVELOPS): a level of at least "
    "fromLevel becomes at least toLevel."
)
class Development:
    competence_id: strawberry.Private[str]
    from_level: int = strawberry.field(
        description="The least level (0-5) it starts from; 0: from not held."
    )
    to_level: int = strawberry.field(
        description="The level (1-5) it raises the competence to (a higher one is kept)."
    )

    @strawberry.field(description="The competence developed.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


@strawberry.type(description="A course, handledning, auskultation... that raises competencies.")
class LearningActivity:
    id: strawberry.ID = strawberry.field(description="The activity id.")
    name: str = strawberry.field(description="The name.")
    kind: ActivityKind = strawberry.field(description="The kind of learning.")
    hours: float = strawberry.field(
        description="The hours it takes: what gap, careerPaths and nextSteps add up."
    )
    cost_sek: float | None = strawberry.field(
        description="What it costs, in Swedish kronor; null when not given."
    )
    provider: str | None = strawberry.field(description="Who gives it; null when not given.")
    develops: list[Development] = strawberry.field(
        description="The competencies it raises, and from and to which levels, by competence id."
    )

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
