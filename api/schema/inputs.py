"""Mutation inputs, payloads and result unions (the resolvers are in
`api.schema.mutations`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.extensions import FieldExtension

from api.schema.enums import ConversationKind, HoldingSource, Horizon, PlanStatus
from api.schema.errors import Conflict, Forbidden, InputError, NotFound
from api.schema.org import Unit, UnitNeed
from api.schema.people import Conversation, Employee, HeldCompetence, Mentorship, ReadOfRecord
from api.schema.plans import Plan, PlanActivity
from ladders import commands, plan_commands


def opt_id(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


# --- inputs -------------------------------------------------------------------


@strawberry.input
class AssessCompetenceInput:
    employee_id: strawberry.ID = strawberry.field(description="The person assessed.")
    competence_id: strawberry.ID = strawberry.field(description="The competence assessed.")
    level: int = strawberry.field(
        description="The level held, 1-5 (Benner); replaces their holding of the competence."
    )
    assessed_on: date | None = strawberry.field(default=None, description="Default: today.")
    expires_on: date | None = strawberry.field(
        default=None,
        description="When it stops counting (not before assessedOn). Default: assessedOn + "
        "the competence's validMonths, or never.",
    )
    source: HoldingSource | None = strawberry.field(
        default=None,
        description="SELF when the person assesses themselves (the only source they may "
        "give); a manager or admin gives MANAGER (the default) or CERTIFICATE. ACTIVITY "
        "comes only from completePlanActivity.",
    )


@strawberry.input
class PlanItemInput:
    competence_id: strawberry.ID = strawberry.field(description="The competence to develop.")
    target_level: int = strawberry.field(
        description="The level (1-5) to reach; completing the item records a holding at it "
        "(unless a higher one is held)."
    )
    activity_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A learning activity that develops the competence; none for an item "
        "without one (such as a mentorship).",
    )
    due_on: date | None = strawberry.field(
        default=None,
        description="When it should be done. Without it, competenceSupply counts it as due "
        "by the plan's periodEnd.",
    )

    def to_domain(self) -> plan_commands.NewPlanItem:
        return plan_commands.NewPlanItem(
            competence_id=str(self.competence_id),
            target_level=self.target_level,
            activity_id=opt_id(self.activity_id),
            due_on=self.due_on,
        )


@strawberry.input
class CreatePlanInput:
    employee_id: strawberry.ID = strawberry.field(description="Whose plan it is.")
    period_start: date = strawberry.field(description="The first day of the plan's period.")
    period_end: date = strawberry.field(
        description="The last day of the plan's period (not before periodStart)."
    )
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: generated. An id already taken is a Conflict."
    )
    created_on: date | None = strawberry.field(
        default=None, description="Default: today; fromNextSteps answers as of this day."
    )
    target_step_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The step the plan works towards; fromNextSteps closes the gap to it "
        "(default: the employee's next step).",
    )
    status: PlanStatus = strawberry.field(
        default=PlanStatus.ACTIVE, description="DRAFT or ACTIVE; a new plan cannot be CLOSED."
    )
    items: list[PlanItemInput] = strawberry.field(
        default_factory=list, description="The plan's items, numbered from 1 in this order."
    )
    from_next_steps: int = strawberry.field(
        default=0,
        description="Also add, after items, items for the first N (0-20) suggestions of "
        "nextSteps for the target step: one per activity, to its toLevel, and one without an "
        "activity for a competence only a mentor suggestion addresses. As in nextSteps, with a "
        "createdOn outside this year there are no mentor suggestions (except for admins).",
    )


@strawberry.input
class AddPlanActivityInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan; not a closed one.")
    item: PlanItemInput = strawberry.field(description="The item, numbered after the plan's last.")


@strawberry.input
class CompletePlanActivityInput:
    id: strawberry.ID = strawberry.field(
        description="The plan item, `planId#n`: planned or ongoing, in a plan not closed."
    )
    completed_on: date | None = strawberry.field(
        default=None,
        description="Default: today. Not before the plan was created (its createdOn).",
    )


@strawberry.input
class CancelPlanActivityInput:
    id: strawberry.ID = strawberry.field(
        description="The plan item, `planId#n`: planned or ongoing, in a plan not closed."
    )


@strawberry.input
class FollowUpPlanInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan; not a closed one.")
    followed_up_on: date | None = strawberry.field(
        default=None, description="Default: today. Not before the plan was created."
    )
    status: PlanStatus | None = strawberry.field(
        default=None,
        description="Move the plan on (DRAFT -> ACTIVE -> CLOSED, never back). Default: unchanged.",
    )


@strawberry.input
class StartMentorshipInput:
    mentor_id: strawberry.ID = strawberry.field(
        description="The mentor: aged >= 55 on startedOn, fewer active adepts than their "
        "capacity, not already mentoring the adept. Without rights over the mentor (as "
        "admin, the mentor or their manager), an unknown id and every refusal about the "
        "mentor (age, load, the focus they hold) are one ValidationError on mentorId."
    )
    adept_id: strawberry.ID = strawberry.field(description="The adept; not the mentor.")
    focus: list[strawberry.ID] = strawberry.field(
        description="The competencies mentored, at least one; the mentor must hold each at "
        ">= max(target, 4), the target as in mentorCandidates' competenceIds."
    )
    started_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class EndMentorshipInput:
    mentor_id: strawberry.ID = strawberry.field(description="The mentor of the mentorship.")
    adept_id: strawberry.ID = strawberry.field(description="The adept of the mentorship.")
    ended_on: date | None = strawberry.field(
        default=None,
        description="Default: today. The mentorship active (or started) on it ends; not "
        "before it started.",
    )


@strawberry.input
class RecordConversationInput:
    employee_id: strawberry.ID = strawberry.field(description="The person the talk was with.")
    kind: ConversationKind = strawberry.field(description="Which of the yearly talks.")
    held_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class SetUnitNeedInput:
    unit_id: strawberry.ID = strawberry.field(
        description="The unit whose subtree should supply the people."
    )
    competence_id: strawberry.ID = strawberry.field(description="The competence needed.")
    level: int = strawberry.field(description="The least level that counts, 1-5.")
    count: int = strawberry.field(
        description="How many people, >= 0; replaces the count of this unit, competence, "
        "level and horizon (0 is kept as a need of 0)."
    )
    horizon: Horizon = strawberry.field(
        default=Horizon.NOW,
        description="The horizon it is declared for: competenceSupply at a horizon uses, per "
        "competence and level, the need with the largest horizon up to it.",
    )


@strawberry.input(
    description="Omitted fields keep their value; a new employee needs name and birthYear."
)
class UpsertEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The employee; an unknown id creates them.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Needed for a new employee; cannot be cleared."
    )
    birth_year: int | None = strawberry.field(
        default=strawberry.UNSET, description="Stored to tell age bands; never returned."
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The unit they work in; null: none."
    )
    profession_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Their profession; null: none."
    )
    step_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Their current ladder step, on a ladder of their profession; null: none.",
    )
    step_since: date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Since when they are at the step (time at it counts towards its "
        "minMonths; unknown counts as none). Give it with a new stepId: a new step "
        "without it leaves it unknown, and clearing the step clears it.",
    )
    employed_since: date | None = strawberry.field(
        default=strawberry.UNSET, description="Since when they are employed."
    )
    manages: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Every unit they manage (replaces the list; null or []: none).",
    )
    mentor_capacity: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="How many adepts they may mentor at once, >= 0; null: the default "
        "(setting, 2).",
    )
    adept: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Designated for mentorship (mentorProposals pairs them); null: false.",
    )

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

# A payload's record of someone else's (a manager's write about their
# employee) is a read of their data like any other: audited.
RECORD: list[FieldExtension] = [ReadOfRecord()]


@strawberry.type(description="assessCompetence's answer.")
class AssessCompetencePayload:
    employee: Employee = strawberry.field(description="The person assessed.")
    holding: HeldCompetence = strawberry.field(
        extensions=RECORD, description="The holding as recorded, judged today."
    )


@strawberry.type(description="createPlan's and followUpPlan's answer.")
class PlanPayload:
    plan: Plan = strawberry.field(extensions=RECORD, description="The plan as stored now.")


@strawberry.type(description="addPlanActivity's and cancelPlanActivity's answer.")
class PlanActivityPayload:
    plan_activity: PlanActivity = strawberry.field(
        extensions=RECORD, description="The item as stored now."
    )


@strawberry.type(description="completePlanActivity's answer.")
class CompletePlanActivityPayload:
    plan_activity: PlanActivity = strawberry.field(
        extensions=RECORD, description="The item, now DONE."
    )
    holding: HeldCompetence = strawberry.field(
        extensions=RECORD,
        description="What the employee now holds of its competence, judged on completedOn: "
        "the new holding (source ACTIVITY), or the higher one they already held.",
    )


@strawberry.type(description="startMentorship's and endMentorship's answer.")
class MentorshipPayload:
    mentorship: Mentorship = strawberry.field(
        extensions=RECORD,
        description="The mentorship as stored now; its active is judged on startedOn, or "
        "on endedOn when ended.",
    )


@strawberry.type(description="recordConversation's answer.")
class ConversationPayload:
    employee: Employee = strawberry.field(description="The person the talk was with.")
    conversation: Conversation = strawberry.field(
        extensions=RECORD, description="The talk as recorded."
    )


@strawberry.type(description="setUnitNeed's answer.")
class UnitNeedPayload:
    unit: Unit = strawberry.field(description="The unit the need is declared on.")
    need: UnitNeed = strawberry.field(description="The need as stored now.")


@strawberry.type(description="upsertEmployee's answer.")
class EmployeePayload:
    employee: Employee = strawberry.field(description="The employee as stored now.")


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
