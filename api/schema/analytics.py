"""The answers of DESIGN §4 as GraphQL types, built from the domain's results."""

from __future__ import annotations

import strawberry
from strawberry.extensions import FieldExtension

from api.context import Info
from api.policy import Figures, View, risk_figures, supply_figures
from api.schema.enums import ConversationKind, from_domain
from api.schema.org import Unit, unit_of
from api.schema.people import Employee, ReadOf, person_by_id
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
    required_level: int = strawberry.field(description="The level (1-5) the step requires.")
    held_level: int = strawberry.field(
        description="The level the employee holds on asOf: 0 when they hold none or it has expired."
    )
    missing: int = strawberry.field(
        description="Levels lacking: max(0, requiredLevel - heldLevel)."
    )
    mandatory: bool = strawberry.field(
        description="Required without exception: `ready` needs every mandatory item met. "
        "Optional items count only in `readiness`."
    )
    expired: bool = strawberry.field(
        description="A holding exists but expired before asOf (its expiresOn, else "
        "assessed + the competence's validMonths), so heldLevel is 0."
    )
    hours: float = strawberry.field(
        description="The fewest total hours of learning activities (chained) that raise "
        "heldLevel to at least requiredLevel; 0 when nothing is missing, the unmet-effort "
        "default (setting, 200) when activityKnown is false."
    )
    activity_known: bool = strawberry.field(
        description="False when no chain of learning activities reaches requiredLevel "
        "(hours is then the unmet-effort default)."
    )
    competence: Competence = strawberry.field(description="The competence the step requires.")

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
    ready: bool = strawberry.field(
        description="No mandatory item is missing and, when targetStep is the employee's "
        "next step, their whole months at the current step on asOf reach its minMonths "
        "(an unknown stepSince counts as none)."
    )
    readiness: float = strawberry.field(
        description="Items met (missing 0) / all items, 0-1; 1 when the step requires nothing."
    )
    items: list[GapItem] = strawberry.field(
        description="One per competence the target step requires, by competence id."
    )
    total_hours: float = strawberry.field(description="The sum of the items' hours.")
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

    @strawberry.field(description="The employee measured.")
    async def employee(self, info: Info) -> Employee:
        return await person_by_id(info, self.report.employee_id)

    @strawberry.field(
        description="The step measured against: the one asked for, else the next step of "
        "the employee's ladder."
    )
    def target_step(self, info: Info) -> Step:
        catalog = info.context.reference
        return Step.from_domain(catalog.steps[self.report.target_step_id])


@strawberry.type
class CareerPath:
    total_hours: float = strawberry.field(
        description="Learning hours along the path: the sum over its edges u -> v of the "
        "hours to meet v's requirements from the levels held on asOf (past the first edge, "
        "from at least u's required levels). A one-edge path costs the gap's totalHours."
    )
    total_months: int = strawberry.field(
        description="The sum of the edges' months: a NEXT edge counts its from-step's "
        "minMonths (from the current step, only those not yet served there on asOf), a "
        "TRANSITION its own months (the fewer, where both link the same two steps)."
    )
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
    from_level: int = strawberry.field(
        description="The level before it: where the activity chain stands when this "
        "activity starts; for a mentor, the held level."
    )
    to_level: int = strawberry.field(
        description="The level after it: the level the activity raises it to; for a mentor, "
        "the required level."
    )
    hours: float = strawberry.field(description="The activity's hours; 0 for a mentor.")
    unit_need: bool = strawberry.field(
        description="A unit from the employee's own up to the root has a NOW need for this "
        "competence with a shortfall, as competenceSupply counts it at horizon NOW: fewer "
        "people of its subtree hold the level on asOf, or are in development towards it due "
        "by asOf, than it asks for."
    )
    reason: str = strawberry.field(
        description="Why, in plain (English) words: the requirement it closes and, with "
        "unitNeed, the unit's need."
    )
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

    @strawberry.field(description="The competence of the missing gap item it works on.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.domain.competence_id)

    @strawberry.field(
        description="A learning activity of the item's cheapest chain; null for a mentor."
    )
    def activity(self, info: Info) -> LearningActivity | None:
        return activity_or_none(info, self.domain.activity_id)

    @strawberry.field(
        extensions=[ReadOf(lambda s: [s.domain.mentor_id])],
        description="The best mentor candidate for the competence (as mentorCandidates "
        "ranks them); null for an activity.",
    )
    async def mentor(self, info: Info) -> Employee | None:
        if self.domain.mentor_id is None:
            return None
        return await person_by_id(info, self.domain.mentor_id, related=True)


# What a mentor candidate or proposal says of the mentor (and the adept) is
# theirs: audited as `MentorCandidate.score`..., like their Employee fields.
OF_MENTOR: list[FieldExtension] = [ReadOf(lambda c: [c.domain.mentor_id])]
OF_ADEPT: list[FieldExtension] = [ReadOf(lambda p: [p.domain.adept_id])]
OF_PAIR: list[FieldExtension] = [ReadOf(lambda p: [p.domain.mentor_id, p.domain.adept_id])]


@strawberry.type
class MentorCandidate:
    score: float = strawberry.field(
        extensions=OF_MENTOR,
        description="(Σ over the covered competencies of the levels the adept lacks up to "
        "the target) × proximity × urgency: proximity = 1 / (1 + d/2), d the PART_OF edges "
        "between the two units; urgency = 1.25 when the mentor is aged >= retirement age - 3 "
        "(62 by default) on asOf, else 1.",
    )
    active_adepts: int = strawberry.field(
        extensions=OF_MENTOR,
        description="The mentor's mentorships active on asOf (always below capacity here).",
    )
    capacity: int = strawberry.field(
        extensions=OF_MENTOR,
        description="How many adepts the mentor may have at once: their mentorCapacity, "
        "else the default (setting, 2).",
    )
    domain: strawberry.Private[mentors.MentorCandidate]

    @classmethod
    def from_domain(cls, c: mentors.MentorCandidate) -> MentorCandidate:
        return cls(score=c.score, active_adepts=c.active_adepts, capacity=c.capacity, domain=c)

    @strawberry.field(
        extensions=OF_MENTOR,
        description="The candidate: name, unit, profession and ageBand, the rest only "
        "with rights over them.",
    )
    async def mentor(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.mentor_id, related=True)

    @strawberry.field(
        extensions=OF_MENTOR,
        description="The competencies in question the mentor holds at >= max(target, 4) "
        "on asOf, by id.",
    )
    def competences(self, info: Info) -> list[Competence]:
        return competences(info, self.domain.competence_ids)


@strawberry.type
class MentorProposal:
    score: float = strawberry.field(
        extensions=OF_PAIR,
        description="The mentor's candidate score for the adept (as in mentorCandidates, "
        "for the adept's gap to their next step); always above 0.",
    )
    domain: strawberry.Private[proposals.MentorProposal]

    @classmethod
    def from_domain(cls, p: proposals.MentorProposal) -> MentorProposal:
        return cls(score=p.score, domain=p)

    @strawberry.field(
        extensions=OF_MENTOR, description="The proposed mentor, from anywhere in the region."
    )
    async def mentor(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.mentor_id, related=True)

    @strawberry.field(
        extensions=OF_ADEPT,
        description="A designated adept of the unit's subtree with no mentorship active on asOf.",
    )
    async def adept(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.adept_id, related=True)

    @strawberry.field(
        extensions=OF_PAIR,
        description="The adept's missing competencies (gap to the next step) the mentor "
        "holds at >= max(required level, 4), by id.",
    )
    def competences(self, info: Info) -> list[Competence]:
        return competences(info, self.domain.competence_ids)


@strawberry.type(
    description="Supply against need. For planners, a retiring count of 1-4 is hidden "
    "with what it would reveal (projected, shortfall): null, suppressed true."
)
class SupplyRow:
    level: int = strawberry.field(description="The least level (1-5) that counts.")
    required: int = strawberry.field(
        description="How many people the need in effect asks for: of the unit's needs for "
        "this competence and level, the one with the largest horizon up to the one asked."
    )
    supply_now: int = strawberry.field(
        description="People in the unit's subtree who hold the competence at >= level on "
        "asOf (expiry applied)."
    )
    retiring: int | None = strawberry.field(
        description="Of supplyNow, those whose age (asOf's year - birth year) plus the "
        "horizon's years reaches the retirement age (setting, 65); 0 for NOW. Null when "
        "suppressed."
    )
    in_development: int = strawberry.field(
        description="People in the subtree not in supplyNow with a planned or ongoing item "
        "at targetLevel >= level in a plan that is not closed, due (its dueOn, else the "
        "plan's periodEnd) by asOf plus the horizon's years."
    )
    projected: int | None = strawberry.field(
        description="supplyNow - retiring + inDevelopment. Null when suppressed."
    )
    shortfall: int | None = strawberry.field(
        description="max(0, required - projected). Null when suppressed."
    )
    suppressed: bool = strawberry.field(
        description="True when the caller sees the unit as a planner (not as its manager or "
        "an admin) and retiring is 1-4: retiring, projected and shortfall are then null."
    )
    unit: Unit = strawberry.field(
        description="The unit the need is declared on; the counts are over its subtree."
    )
    competence: Competence = strawberry.field(description="The competence needed.")

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
    holders: int | None = strawberry.field(
        description="People in the unit's subtree who hold the competence at >= 4 (the "
        "mentor level floor, setting) on asOf. Null when suppressed."
    )
    senior_holders: int | None = strawberry.field(
        description="Of holders, those aged >= 60 (setting; asOf's year - birth year). "
        "Null when suppressed."
    )
    senior_share: float | None = strawberry.field(
        description="seniorHolders / holders, 0-1; a row is listed from 0.5 (setting). "
        "Null when suppressed."
    )
    mentorships_active: int = strawberry.field(
        description="Mentorships active on asOf whose focus includes the competence and "
        "whose mentor is one of the holders."
    )
    suppressed: bool = strawberry.field(
        description="True when the caller sees the unit as a planner (not as its manager or "
        "an admin) and seniorHolders is 1-4: holders, seniorHolders and seniorShare are "
        "then null."
    )
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

    @strawberry.field(description="The competence at risk.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


@strawberry.type
class ConversationCount:
    kind: ConversationKind = strawberry.field(description="Which of the yearly talks.")
    count: int = strawberry.field(
        description="The unit subtree's employees who had at least one talk of this kind in "
        "the 12 months before asOf."
    )


@strawberry.type
class PlanCoverage:
    employees: int = strawberry.field(description="People working in a unit of the subtree.")
    with_current_plan: int = strawberry.field(
        description="Of them, those with an ACTIVE plan whose period contains asOf and that "
        "was created or followed up in the 12 months before asOf (after the same day a "
        "year earlier, through asOf)."
    )
    share: float = strawberry.field(
        description="withCurrentPlan / employees, 0-1; 0 when there are no employees."
    )
    conversations: list[ConversationCount] = strawberry.field(
        description="One per kind of talk: how many had it in the 12 months before asOf."
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

    @strawberry.field(description="The unit asked about; the counts are over its subtree.")
    async def unit(self, info: Info) -> Unit:
        return await unit_of(info, self.unit_id)
