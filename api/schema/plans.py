"""Individual development plans and their items.

A plan is only reachable through a person the caller may see in full (or a
mutation the policy allowed), so its fields need no guard of their own.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.schema.enums import PlanActivityStatus, PlanStatus, from_domain
from api.schema.people import Employee, person_by_id
from api.schema.reference import (
    Competence,
    LearningActivity,
    Step,
    activity_or_none,
    competence,
    step_or_none,
)
from ladders import models as m
from ladders.coverage import is_current


@strawberry.type
class Plan:
    id: strawberry.ID
    period_start: date
    period_end: date
    status: PlanStatus
    created_on: date | None
    last_followup_on: date | None = strawberry.field(
        description="The last follow-up (at the performance or salary talk)."
    )
    domain: strawberry.Private[m.Plan]

    @classmethod
    def from_domain(cls, p: m.Plan) -> Plan:
        return cls(
            id=strawberry.ID(p.id),
            period_start=p.period_start,
            period_end=p.period_end,
            status=from_domain(p.status, PlanStatus),
            created_on=p.created_on,
            last_followup_on=p.last_followup_on,
            domain=p,
        )

    @strawberry.field
    async def employee(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.employee_id)

    @strawberry.field
    def target_step(self, info: Info) -> Step | None:
        return step_or_none(info, self.domain.target_step_id)

    @strawberry.field(
        description="Counts as a current plan on asOf: active, its period contains asOf, "
        "created or followed up in the 12 months before."
    )
    def current(self, info: Info, as_of: date | None = None) -> bool:
        return is_current(self.domain, info.context.as_of(as_of))

    @strawberry.field(description="The plan's items, in order.")
    async def activities(self, info: Info) -> list[PlanActivity]:
        items = await info.context.loaders.plan_items.load(self.domain.id)
        return [PlanActivity.from_domain(a) for a in items]


@strawberry.type
class PlanActivity:
    id: strawberry.ID = strawberry.field(description="`planId#seq`.")
    seq: int
    target_level: int
    due_on: date | None
    status: PlanActivityStatus
    completed_on: date | None
    domain: strawberry.Private[m.PlanActivity]

    @classmethod
    def from_domain(cls, a: m.PlanActivity) -> PlanActivity:
        return cls(
            id=strawberry.ID(a.id),
            seq=a.seq,
            target_level=a.target_level,
            due_on=a.due_on,
            status=from_domain(a.status, PlanActivityStatus),
            completed_on=a.completed_on,
            domain=a,
        )

    @strawberry.field
    async def plan(self, info: Info) -> Plan:
        plan = await info.context.loaders.plan.load(self.domain.plan_id)
        if plan is None:
            raise LookupError(f"plan {self.domain.plan_id!r} vanished")
        return Plan.from_domain(plan)

    @strawberry.field
    def competence(self, info: Info) -> Competence:
        return competence(info, self.domain.competence_id)

    @strawberry.field
    def activity(self, info: Info) -> LearningActivity | None:
        return activity_or_none(info, self.domain.activity_id)
