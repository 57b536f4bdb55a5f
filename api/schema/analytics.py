"""The answers of DESIGN §4 as GraphQL types, built from the domain's results."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.policy import Figures, View, risk_figures, supply_figures
from api.schema.enums import ConversationKind, from_domain
from api.schema.org import Unit, unit_of
from api.schema.people import Employee, person_by_id
from api.schema.reference import (
    Competence,
    LearningActivity,
    Step,
    activity_or_none,
    competence,
    competences,
)
from ladders import coverage, gap, mentors, paths, proposals, risk, suggestions, supply
from ladders.catalog import Catalog


@strawberry.type
class GapItem:
    required_level: int
    held_level: int
    missing: int
    mandatory: bool
    expired: bool = strawberry.field(description="A holding existed but has expired.")
    hours: float = strawberry.field(description="Least learning hours to close the item.")
    activity_known: bool = strawberry.field(
        description="False when no activity chain reaches the level (hours is then a default)."
    )
    competence: Competence

    @classmethod
    def from_domain(cls, i: gap.GapItem, catalog: Catalog) -> GapItem:
        return cls(
            competence=Competence.from_domain(catalog.competences[i.competence_id]),
            required_level=i.required_level,
            held_level=i.held_level,
            missing=i.missing,
            mandatory=i.mandatory,
            expired=i.expired,
            hours=i.hours,
            activity_known=i.activity_known,
        )


@strawberry.type
class GapReport:
    ready: bool
    readiness: float = strawberry.field(description="Met items / all items.")
    items: list[GapItem]
    total_hours: float
    report: strawberry.Private[gap.GapReport]

    @classmethod
    def from_domain(cls, r: gap.GapReport, catalog: Catalog) -> GapReport:
        return cls(
            ready=r.ready,
            readiness=r.readiness,
            items=[GapItem.from_domain(i, catalog) for i in r.items],
            total_hours=r.total_hours,
            report=r,
        )

    @strawberry.field
    async def employee(self, info: Info) -> Employee:
        return await person_by_id(info, self.report.employee_id)

    @strawberry.field
    def target_step(self, info: Info) -> Step:
        catalog = info.context.reference
        return Step.from_domain(catalog.steps[self.report.target_step_id])


@strawberry.type
class CareerPath:
    total_hours: float
    total_months: int
    step_ids: strawberry.Private[tuple[str, ...]]

    @classmethod
    def from_domain(cls, p: paths.CareerPath) -> CareerPath:
        return cls(total_hours=p.total_hours, total_months=p.total_months, step_ids=p.step_ids)

    @strawberry.field(description="From the current step to the target, both included.")
    def steps(self, info: Info) -> list[Step]:
        catalog = info.context.reference
        return [Step.from_domain(catalog.steps[s]) for s in self.step_ids]


@strawberry.type
class DevelopmentSuggestion:
    from_level: int
    to_level: int
    hours: float
    unit_need: bool = strawberry.field(description="A unit above the employee lacks it now.")
    reason: str
    domain: strawberry.Private[suggestions.Suggestion]

    @classmethod
    def from_domain(cls, s: suggestions.Suggestion) -> DevelopmentSuggestion:
        return cls(
            from_level=s.from_level,
            to_level=s.to_level,
            hours=s.hours,
            unit_need=s.unit_need,
            reason=s.reason,
            domain=s,
        )

    @strawberry.field
    def competence(self, info: Info) -> Competence:
        return competence(info, self.domain.competence_id)

    @strawberry.field
    def activity(self, info: Info) -> LearningActivity | None:
        return activity_or_none(info, self.domain.activity_id)

    @strawberry.field
    async def mentor(self, info: Info) -> Employee | None:
        if self.domain.mentor_id is None:
            return None
        return await person_by_id(info, self.domain.mentor_id, related=True)


@strawberry.type
class MentorCandidate:
    score: float
    active_adepts: int
    capacity: int
    domain: strawberry.Private[mentors.MentorCandidate]

    @classmethod
    def from_domain(cls, c: mentors.MentorCandidate) -> MentorCandidate:
        return cls(score=c.score, active_adepts=c.active_adepts, capacity=c.capacity, domain=c)

    @strawberry.field
    async def mentor(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.mentor_id, related=True)

    @strawberry.field(description="The competencies in question this mentor covers.")
    def competences(self, info: Info) -> list[Competence]:
        return competences(info, self.domain.competence_ids)


@strawberry.type
class MentorProposal:
    score: float
    domain: strawberry.Private[proposals.MentorProposal]

    @classmethod
    def from_domain(cls, p: proposals.MentorProposal) -> MentorProposal:
        return cls(score=p.score, domain=p)

    @strawberry.field
    async def mentor(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.mentor_id, related=True)

    @strawberry.field
    async def adept(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.adept_id, related=True)

    @strawberry.field
    def competences(self, info: Info) -> list[Competence]:
        return competences(info, self.domain.competence_ids)


@strawberry.type(
    description="Supply against need. For planners, a retiring count of 1-4 is hidden "
    "with what it would reveal (projected, shortfall): null, suppressed true."
)
class SupplyRow:
    level: int
    required: int
    supply_now: int
    retiring: int | None
    in_development: int
    projected: int | None
    shortfall: int | None
    suppressed: bool
    unit: Unit
    competence: Competence

    @classmethod
    def from_domain(
        cls, r: supply.SupplyRow, view: View, *, unit: Unit, catalog: Catalog
    ) -> SupplyRow:
        shown: Figures = supply_figures(
            view, retiring=r.retiring, projected=r.projected, shortfall=r.shortfall
        )
        return cls(
            unit=unit,
            competence=Competence.from_domain(catalog.competences[r.competence_id]),
            level=r.level,
            required=r.required,
            supply_now=r.supply_now,
            retiring=shown.retiring,
            in_development=r.in_development,
            projected=shown.projected,
            shortfall=shown.shortfall,
            suppressed=shown.suppressed,
        )


@strawberry.type(
    description="A competence whose expert holders are mostly seniors. For planners, a "
    "seniorHolders count of 1-4 is hidden with what it would reveal (holders, seniorShare): "
    "null, suppressed true."
)
class TransferRisk:
    holders: int | None
    senior_holders: int | None
    senior_share: float | None
    mentorships_active: int
    suppressed: bool
    competence_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, r: risk.TransferRisk, view: View) -> TransferRisk:
        shown = risk_figures(
            view, holders=r.holders, senior_holders=r.senior_holders, senior_share=r.senior_share
        )
        return cls(
            holders=shown.holders,
            senior_holders=shown.senior_holders,
            senior_share=shown.senior_share,
            mentorships_active=r.mentorships_active,
            suppressed=shown.suppressed,
            competence_id=r.competence_id,
        )

    @strawberry.field
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


@strawberry.type
class ConversationCount:
    kind: ConversationKind
    count: int


@strawberry.type
class PlanCoverage:
    employees: int
    with_current_plan: int
    share: float
    conversations: list[ConversationCount] = strawberry.field(
        description="How many had each talk in the 12 months before asOf."
    )
    unit_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, c: coverage.PlanCoverage) -> PlanCoverage:
        return cls(
            employees=c.employees,
            with_current_plan=c.with_current_plan,
            share=c.share,
            conversations=[
                ConversationCount(kind=from_domain(x.kind, ConversationKind), count=x.count)
                for x in c.conversations
            ],
            unit_id=c.unit_id,
        )

    @strawberry.field
    async def unit(self, info: Info) -> Unit:
        return await unit_of(info, self.unit_id)
