"""Mutation inputs, payloads and result unions (the resolvers are in
`api.schema.mutations`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from api.schema.enums import ConversationKind, HoldingSource, Horizon, PlanStatus
from api.schema.errors import Conflict, Forbidden, InputError, NotFound
from api.schema.org import Unit, UnitNeed
from api.schema.people import Conversation, Employee, HeldCompetence, Mentorship
from api.schema.plans import Plan, PlanActivity
from ladders import commands, plan_commands


def opt_id(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


# --- inputs -------------------------------------------------------------------


@strawberry.input
class AssessCompetenceInput:
    employee_id: strawberry.ID
    competence_id: strawberry.ID
    level: int
    assessed_on: date | None = strawberry.field(default=None, description="Default: today.")
    expires_on: date | None = None
    source: HoldingSource | None = strawberry.field(
        default=None, description="Default: SELF for oneself, MANAGER for a manager."
    )


@strawberry.input
class PlanItemInput:
    competence_id: strawberry.ID
    target_level: int
    activity_id: strawberry.ID | None = None
    due_on: date | None = None

    def to_domain(self) -> plan_commands.NewPlanItem:
        return plan_commands.NewPlanItem(
            competence_id=str(self.competence_id),
            target_level=self.target_level,
            activity_id=opt_id(self.activity_id),
            due_on=self.due_on,
        )


@strawberry.input
class CreatePlanInput:
    employee_id: strawberry.ID
    period_start: date
    period_end: date
    id: strawberry.ID | None = strawberry.field(default=None, description="Default: generated.")
    created_on: date | None = strawberry.field(
        default=None, description="Default: today; fromNextSteps answers as of this day."
    )
    target_step_id: strawberry.ID | None = None
    status: PlanStatus = PlanStatus.ACTIVE
    items: list[PlanItemInput] = strawberry.field(default_factory=list)
    from_next_steps: int = strawberry.field(
        default=0,
        description="Also add the first N suggestions of nextSteps for the target step.",
    )


@strawberry.input
class AddPlanActivityInput:
    plan_id: strawberry.ID
    item: PlanItemInput


@strawberry.input
class CompletePlanActivityInput:
    id: strawberry.ID
    completed_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class CancelPlanActivityInput:
    id: strawberry.ID


@strawberry.input
class FollowUpPlanInput:
    plan_id: strawberry.ID
    followed_up_on: date | None = strawberry.field(default=None, description="Default: today.")
    status: PlanStatus | None = None


@strawberry.input
class StartMentorshipInput:
    mentor_id: strawberry.ID
    adept_id: strawberry.ID
    focus: list[strawberry.ID]
    started_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class EndMentorshipInput:
    mentor_id: strawberry.ID
    adept_id: strawberry.ID
    ended_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class RecordConversationInput:
    employee_id: strawberry.ID
    kind: ConversationKind
    held_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class SetUnitNeedInput:
    unit_id: strawberry.ID
    competence_id: strawberry.ID
    level: int
    count: int
    horizon: Horizon = Horizon.NOW


@strawberry.input(
    description="Omitted fields keep their value; a new employee needs name and birthYear."
)
class UpsertEmployeeInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    birth_year: int | None = strawberry.field(
        default=strawberry.UNSET, description="Stored to tell age bands; never returned."
    )
    unit_id: strawberry.ID | None = strawberry.UNSET
    profession_id: strawberry.ID | None = strawberry.UNSET
    step_id: strawberry.ID | None = strawberry.UNSET
    step_since: date | None = strawberry.UNSET
    employed_since: date | None = strawberry.UNSET
    manages: list[strawberry.ID] | None = strawberry.UNSET
    mentor_capacity: int | None = strawberry.UNSET
    adept: bool | None = strawberry.UNSET

    def changes(self) -> dict[str, Any]:
        given = {
            name: getattr(self, name)
            for name in commands.EMPLOYEE_FIELDS
            if getattr(self, name, strawberry.UNSET) is not strawberry.UNSET
        }
        if "manages" in given:
            given["manages"] = tuple(str(u) for u in given["manages"] or ())
        if given.get("adept", False) is None:
            given["adept"] = False
        return given


# --- payloads -----------------------------------------------------------------


@strawberry.type
class AssessCompetencePayload:
    employee: Employee
    holding: HeldCompetence


@strawberry.type
class PlanPayload:
    plan: Plan


@strawberry.type
class PlanActivityPayload:
    plan_activity: PlanActivity


@strawberry.type
class CompletePlanActivityPayload:
    plan_activity: PlanActivity
    holding: HeldCompetence = strawberry.field(description="What the employee now holds.")


@strawberry.type
class MentorshipPayload:
    mentorship: Mentorship


@strawberry.type
class ConversationPayload:
    employee: Employee
    conversation: Conversation


@strawberry.type
class UnitNeedPayload:
    unit: Unit
    need: UnitNeed


@strawberry.type
class EmployeePayload:
    employee: Employee


AssessCompetenceResult = Annotated[
    AssessCompetencePayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("AssessCompetenceResult"),
]
CreatePlanResult = Annotated[
    PlanPayload | NotFound | Forbidden | InputError | Conflict, strawberry.union("CreatePlanResult")
]
AddPlanActivityResult = Annotated[
    PlanActivityPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("AddPlanActivityResult"),
]
CompletePlanActivityResult = Annotated[
    CompletePlanActivityPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("CompletePlanActivityResult"),
]
CancelPlanActivityResult = Annotated[
    PlanActivityPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("CancelPlanActivityResult"),
]
FollowUpPlanResult = Annotated[
    PlanPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("FollowUpPlanResult"),
]
StartMentorshipResult = Annotated[
    MentorshipPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("StartMentorshipResult"),
]
EndMentorshipResult = Annotated[
    MentorshipPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("EndMentorshipResult"),
]
RecordConversationResult = Annotated[
    ConversationPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("RecordConversationResult"),
]
SetUnitNeedResult = Annotated[
    UnitNeedPayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("SetUnitNeedResult"),
]
UpsertEmployeeResult = Annotated[
    EmployeePayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("UpsertEmployeeResult"),
]
