"""Individual development plans and their items.

A plan is only reachable through a person the caller may see in full (or a
mutation the policy allowed), so its fields need no guard of their own. Its
read is audited where it is handed out: `Employee.plans`, or a mutation's
payload (`read_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

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


@strawberry.type(
    description="An individual competence development plan; seen only with rights over its person."
)
class Plan:
    id: strawberry.ID = strawberry.field(description="The plan's id.")
    period_start: date = strawberry.field(description="The first day of the plan's period.")
    period_end: date = strawberry.field(
        description="The last day of the plan's period (inclusive)."
    )
    status: PlanStatus = strawberry.field(
        description="DRAFT, ACTIVE or CLOSED (moves only forward); only an ACTIVE plan "
        "counts as current, and a CLOSED one takes no changes."
    )
    created_on: date | None = strawberry.field(
        description="The day it was created; null when unknown (imported without one)."
    )
    last_followup_on: date | None = strawberry.field(
        description="The last follow-up (at the performance or salary talk); null when none."
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

    def read_of(self) -> Iterable[tuple[str, str]]:
        return [(self.domain.employee_id, "plans")]

    @strawberry.field(description="Whose plan it is.")
    async def employee(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.employee_id)

    @strawberry.field(description="The step the plan works towards; null when none was given.")
    def target_step(self, info: Info) -> Step | None:
        return step_or_none(info, self.domain.target_step_id)

    @strawberry.field(
        description="Counts as a current plan on asOf: active, its period contains asOf, "
        "created or followed up in the 12 months before."
    )
    def current(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day to judge on. Default: today."),
        ] = None,
    ) -> bool:
        return is_current(self.domain, info.context.as_of(as_of))

    @strawberry.field(description="The plan's items, every status, by seq.")
    async def activities(self, info: Info) -> list[PlanActivity]:
        items = await info.context.loaders.plan_items.load(self.domain.id)
        return [PlanActivity.from_domain(a, self.domain.employee_id) for a in items]


@strawberry.type(description="One item of a plan: raise a competence to a level.")
class PlanActivity:
    id: strawberry.ID = strawberry.field(description="`planId#seq`.")
    seq: int = strawberry.field(description="Its place in the plan, from 1.")
    target_level: int = strawberry.field(
        description="The level (1-5) to reach; completing the item records a holding at it "
        "unless a higher level is held."
    )
    due_on: date | None = strawberry.field(
        description="When it should be done; null: competenceSupply counts it as due by the "
        "plan's periodEnd."
    )
    status: PlanActivityStatus = strawberry.field(
        description="PLANNED or ONGOING (open; counted as in development), DONE or CANCELLED."
    )
    completed_on: date | None = strawberry.field(
        description="The day it was completed (completePlanActivity sets it); null when not "
        "done or not recorded."
    )
    domain: strawberry.Private[m.PlanActivity]
    employee_id: strawberry.Private[str]
    """Whose plan it is in."""

    @classmethod
    def from_domain(cls, a: m.PlanActivity, employee_id: str) -> PlanActivity:
        return cls(
            id=strawberry.ID(a.id),
            seq=a.seq,
            target_level=a.target_level,
            due_on=a.due_on,
            status=from_domain(a.status, PlanActivityStatus),
            completed_on=a.completed_on,
            domain=a,
            employee_id=employee_id,
        )

    def read_of(self) -> Iterable[tuple[str, str]]:
        return [(self.employee_id, "plans")]

    @strawberry.field(description="The plan it belongs to.")
    async def plan(self, info: Info) -> Plan:
        plan = await info.context.loaders.plan.load(self.domain.plan_id)
        if plan is None:
            raise LookupError(f"plan {self.domain.plan_id!r} vanished")
        return Plan.from_domain(plan)

    @strawberry.field(description="The competence to develop.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.domain.competence_id)

    @strawberry.field(
        description="The learning activity that develops it; null for an item without one "
        "(such as a mentorship)."
    )
    def activity(self, info: Info) -> LearningActivity | None:
        return activity_or_none(info, self.domain.activity_id)
