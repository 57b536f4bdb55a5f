"""Mutations: ask the policy, run the command (`ladders.commands`), translate.

Every mutation returns a union of its payload and the typed errors; a domain
error becomes its typed error and nothing was written (each command writes
once, in one transaction, after all its checks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import pydantic
import strawberry

from api.context import Info
from api.schema.enums import (
    ConversationKind,
    HoldingSource,
    Horizon,
    PlanStatus,
    to_domain,
)
from api.schema.errors import (
    Conflict,
    ErrorMember,
    Forbidden,
    InputError,
    NotFound,
    error_member,
)
from api.schema.org import Unit, UnitNeed, unit_of
from api.schema.people import Conversation, Employee, HeldCompetence, Mentorship, person
from api.schema.plans import Plan, PlanActivity
from ladders import commands
from ladders import models as m
from ladders.errors import StegeError, StoreUnavailableError, ValidationError

P = TypeVar("P")
MAX_SUGGESTED_ITEMS = 20


async def attempt(work: Callable[[], Awaitable[P]]) -> P | ErrorMember:
    """The payload, or the typed error for a domain or input error."""
    try:
        return await work()
    except StoreUnavailableError:
        raise  # not the caller's fault: a top-level UNAVAILABLE error
    except (StegeError, pydantic.ValidationError) as exc:
        member = error_member(exc)
        if member is None:
            raise
        return member


def _opt(value: strawberry.ID | None) -> str | None:
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

    def to_domain(self) -> commands.NewPlanItem:
        return commands.NewPlanItem(
            competence_id=str(self.competence_id),
            target_level=self.target_level,
            activity_id=_opt(self.activity_id),
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


async def _held(info: Info, holding: m.Holding, as_of: date) -> HeldCompetence:
    catalog = await info.context.catalog()
    return HeldCompetence.from_domain(
        holding, catalog.competences.get(holding.competence_id), as_of
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record the level an employee holds a competence at.")
    async def assess_competence(
        self, info: Info, input: AssessCompetenceInput
    ) -> AssessCompetenceResult:
        ctx = info.context

        async def work() -> AssessCompetencePayload:
            employee = await ctx.policy.person(str(input.employee_id))
            source = await ctx.policy.assessment_source(
                employee, None if input.source is None else to_domain(input.source, m.HoldingSource)
            )
            day = ctx.as_of(input.assessed_on)
            holding = await commands.assess_competence(
                store=ctx.store,
                catalog=await ctx.catalog(),
                employee_id=employee.id,
                competence_id=str(input.competence_id),
                level=input.level,
                assessed_on=day,
                expires_on=input.expires_on,
                source=source,
            )
            return AssessCompetencePayload(
                employee=await person(info, employee), holding=await _held(info, holding, ctx.today)
            )

        return await attempt(work)

    @strawberry.mutation(description="Create a development plan, optionally from nextSteps.")
    async def create_plan(self, info: Info, input: CreatePlanInput) -> CreatePlanResult:
        ctx = info.context

        async def work() -> PlanPayload:
            employee = await ctx.policy.may_change_person(str(input.employee_id))
            if not 0 <= input.from_next_steps <= MAX_SUGGESTED_ITEMS:
                raise ValidationError(
                    f"between 0 and {MAX_SUGGESTED_ITEMS}", field="from_next_steps"
                )
            plan, _ = await commands.create_plan(
                store=ctx.store,
                catalog=await ctx.catalog(),
                rules=ctx.rules,
                employee_id=employee.id,
                period_start=input.period_start,
                period_end=input.period_end,
                created_on=ctx.as_of(input.created_on),
                status=to_domain(input.status, m.PlanStatus),
                target_step_id=_opt(input.target_step_id),
                items=[i.to_domain() for i in input.items],
                plan_id=_opt(input.id),
                from_next_steps=input.from_next_steps,
            )
            return PlanPayload(plan=Plan.from_domain(plan))

        return await attempt(work)

    @strawberry.mutation
    async def add_plan_activity(
        self, info: Info, input: AddPlanActivityInput
    ) -> AddPlanActivityResult:
        ctx = info.context

        async def work() -> PlanActivityPayload:
            plan = await ctx.policy.may_change_plan(str(input.plan_id))
            added = await commands.add_plan_activity(
                store=ctx.store,
                catalog=await ctx.catalog(),
                plan_id=plan.id,
                item=input.item.to_domain(),
            )
            return PlanActivityPayload(plan_activity=PlanActivity.from_domain(added))

        return await attempt(work)

    @strawberry.mutation(description="Mark an item done; records the holding it gave.")
    async def complete_plan_activity(
        self, info: Info, input: CompletePlanActivityInput
    ) -> CompletePlanActivityResult:
        ctx = info.context

        async def work() -> CompletePlanActivityPayload:
            await ctx.policy.may_change_plan(_plan_of(str(input.id)))
            day = ctx.as_of(input.completed_on)
            done, holding = await commands.complete_plan_activity(
                store=ctx.store,
                catalog=await ctx.catalog(),
                plan_activity_id=str(input.id),
                completed_on=day,
            )
            return CompletePlanActivityPayload(
                plan_activity=PlanActivity.from_domain(done),
                holding=await _held(info, holding, day),
            )

        return await attempt(work)

    @strawberry.mutation
    async def cancel_plan_activity(
        self, info: Info, input: CancelPlanActivityInput
    ) -> CancelPlanActivityResult:
        ctx = info.context

        async def work() -> PlanActivityPayload:
            await ctx.policy.may_change_plan(_plan_of(str(input.id)))
            cancelled = await commands.cancel_plan_activity(
                store=ctx.store, plan_activity_id=str(input.id)
            )
            return PlanActivityPayload(plan_activity=PlanActivity.from_domain(cancelled))

        return await attempt(work)

    @strawberry.mutation(description="Record a follow-up of a plan (managers).")
    async def follow_up_plan(self, info: Info, input: FollowUpPlanInput) -> FollowUpPlanResult:
        ctx = info.context

        async def work() -> PlanPayload:
            plan = await ctx.policy.may_change_plan(str(input.plan_id), self_allowed=False)
            updated = await commands.follow_up_plan(
                store=ctx.store,
                plan_id=plan.id,
                followed_up_on=ctx.as_of(input.followed_up_on),
                status=None if input.status is None else to_domain(input.status, m.PlanStatus),
            )
            return PlanPayload(plan=Plan.from_domain(updated))

        return await attempt(work)

    @strawberry.mutation(description="Start a mentorship (managers of the adept).")
    async def start_mentorship(
        self, info: Info, input: StartMentorshipInput
    ) -> StartMentorshipResult:
        ctx = info.context

        async def work() -> MentorshipPayload:
            adept = await ctx.policy.may_change_person(str(input.adept_id), self_allowed=False)
            day = ctx.as_of(input.started_on)
            started = await commands.start_mentorship(
                store=ctx.store,
                catalog=await ctx.catalog(),
                rules=ctx.rules,
                mentor_id=str(input.mentor_id),
                adept_id=adept.id,
                started_on=day,
                focus=[str(c) for c in input.focus],
            )
            return MentorshipPayload(mentorship=Mentorship.from_domain(started, day))

        return await attempt(work)

    @strawberry.mutation(description="End a mentorship (managers of the adept).")
    async def end_mentorship(self, info: Info, input: EndMentorshipInput) -> EndMentorshipResult:
        ctx = info.context

        async def work() -> MentorshipPayload:
            adept = await ctx.policy.may_change_person(str(input.adept_id), self_allowed=False)
            day = ctx.as_of(input.ended_on)
            ended = await commands.end_mentorship(
                store=ctx.store, mentor_id=str(input.mentor_id), adept_id=adept.id, ended_on=day
            )
            return MentorshipPayload(mentorship=Mentorship.from_domain(ended, day))

        return await attempt(work)

    @strawberry.mutation(description="Record one of the yearly talks (managers).")
    async def record_conversation(
        self, info: Info, input: RecordConversationInput
    ) -> RecordConversationResult:
        ctx = info.context

        async def work() -> ConversationPayload:
            employee = await ctx.policy.may_change_person(
                str(input.employee_id), self_allowed=False
            )
            talk = await commands.record_conversation(
                store=ctx.store,
                employee_id=employee.id,
                kind=to_domain(input.kind, m.ConversationKind),
                held_on=ctx.as_of(input.held_on),
            )
            return ConversationPayload(
                employee=await person(info, employee), conversation=Conversation.from_domain(talk)
            )

        return await attempt(work)

    @strawberry.mutation(description="Declare how many people a unit needs at a level.")
    async def set_unit_need(self, info: Info, input: SetUnitNeedInput) -> SetUnitNeedResult:
        ctx = info.context

        async def work() -> UnitNeedPayload:
            await ctx.policy.may_change_unit(str(input.unit_id))
            need = await commands.set_unit_need(
                store=ctx.store,
                catalog=await ctx.catalog(),
                unit_id=str(input.unit_id),
                competence_id=str(input.competence_id),
                level=input.level,
                count=input.count,
                horizon=to_domain(input.horizon, m.Horizon),
            )
            return UnitNeedPayload(
                unit=await unit_of(info, need.unit_id), need=UnitNeed.from_domain(need)
            )

        return await attempt(work)

    @strawberry.mutation(description="Create or change an employee (admins).")
    async def upsert_employee(self, info: Info, input: UpsertEmployeeInput) -> UpsertEmployeeResult:
        ctx = info.context

        async def work() -> EmployeePayload:
            ctx.policy.may_administer()
            employee = await commands.upsert_employee(
                store=ctx.store,
                catalog=await ctx.catalog(),
                employee_id=str(input.id),
                changes=input.changes(),
            )
            ctx.loaders.employee.prime(employee.id, employee, force=True)
            return EmployeePayload(employee=await person(info, employee))

        return await attempt(work)


def _plan_of(plan_activity_id: str) -> str:
    """The plan part of `plan#seq` (an id of another shape names no plan)."""
    try:
        return m.parse_plan_activity_id(plan_activity_id)[0]
    except ValueError:
        return plan_activity_id
