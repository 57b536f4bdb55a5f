"""Mutations: ask the policy, run the command (`ladders.commands`), translate.

Every mutation returns a union of its payload and the typed errors; a domain
error becomes its typed error and nothing was written (each command writes
once, in one transaction, after all its checks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, TypeVar

import pydantic
import strawberry

from api.context import Info
from api.schema.enums import to_domain
from api.schema.errors import ErrorMember, error_member
from api.schema.inputs import (
    AddPlanActivityInput,
    AddPlanActivityResult,
    AssessCompetenceInput,
    AssessCompetencePayload,
    AssessCompetenceResult,
    CancelPlanActivityInput,
    CancelPlanActivityResult,
    CompletePlanActivityInput,
    CompletePlanActivityPayload,
    CompletePlanActivityResult,
    ConversationPayload,
    CreatePlanInput,
    CreatePlanResult,
    EmployeePayload,
    EndMentorshipInput,
    EndMentorshipResult,
    FollowUpPlanInput,
    FollowUpPlanResult,
    MentorshipPayload,
    PlanActivityPayload,
    PlanPayload,
    RecordConversationInput,
    RecordConversationResult,
    SetUnitNeedInput,
    SetUnitNeedResult,
    StartMentorshipInput,
    StartMentorshipResult,
    UnitNeedPayload,
    UpsertEmployeeInput,
    UpsertEmployeeResult,
    opt_id,
)
from api.schema.org import UnitNeed, unit_of
from api.schema.people import Conversation, HeldCompetence, Mentorship, person
from api.schema.plans import Plan, PlanActivity
from api.schema.privacy import EraseEmployeeInput, EraseEmployeePayload, EraseEmployeeResult, erase
from ladders import commands, plan_commands
from ladders import models as m
from ladders.errors import (
    ConflictError,
    NotFoundError,
    StegeError,
    StoreUnavailableError,
    ValidationError,
)

P = TypeVar("P")
MAX_SUGGESTED_ITEMS = 20


async def attempt(info: Info, work: Callable[[], Awaitable[P]]) -> P | ErrorMember:
    """The payload, or the typed error for a domain or input error."""
    try:
        payload = await work()
    except StoreUnavailableError:
        raise  # not the caller's fault: a top-level UNAVAILABLE error
    except (StegeError, pydantic.ValidationError) as exc:
        member = error_member(exc)
        if member is None:
            raise
        return member
    # The request's caches were filled before this write (by its checks, or
    # by the mutations before it in the document): the payload's fields and
    # the next mutation read the store again.
    info.context.forget_reads()
    return payload


async def _held(info: Info, holding: m.Holding, as_of: date) -> HeldCompetence:
    catalog = await info.context.catalog()
    return HeldCompetence.from_domain(
        holding, catalog.competences.get(holding.competence_id), as_of
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record the level an employee holds a competence at (replaces their "
        "holding of it)."
    )
    async def assess_competence(
        self,
        info: Info,
        input: Annotated[AssessCompetenceInput, strawberry.argument(description="The assessment.")],
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

        return await attempt(info, work)

    @strawberry.mutation(description="Create a development plan, optionally from nextSteps.")
    async def create_plan(
        self,
        info: Info,
        input: Annotated[
            CreatePlanInput, strawberry.argument(description="The plan and its first items.")
        ],
    ) -> CreatePlanResult:
        ctx = info.context

        async def work() -> PlanPayload:
            employee = await ctx.policy.may_change_person(str(input.employee_id))
            if not 0 <= input.from_next_steps <= MAX_SUGGESTED_ITEMS:
                raise ValidationError(
                    f"between 0 and {MAX_SUGGESTED_ITEMS}", field="from_next_steps"
                )
            plan, _ = await plan_commands.create_plan(
                store=ctx.store,
                catalog=await ctx.catalog(),
                rules=ctx.rules,
                employee_id=employee.id,
                period_start=input.period_start,
                period_end=input.period_end,
                created_on=ctx.as_of(input.created_on),
                status=to_domain(input.status, m.PlanStatus),
                target_step_id=opt_id(input.target_step_id),
                items=[i.to_domain() for i in input.items],
                plan_id=opt_id(input.id),
                from_next_steps=input.from_next_steps,
                # As nextSteps: its mentor-only items would say on which
                # createdOn some mentor had turned 55.
                with_mentors=ctx.policy.judges_ages_on(input.created_on),
            )
            return PlanPayload(plan=Plan.from_domain(plan))

        return await attempt(info, work)

    @strawberry.mutation(description="Add an item to a plan that is not closed.")
    async def add_plan_activity(
        self,
        info: Info,
        input: Annotated[
            AddPlanActivityInput, strawberry.argument(description="The plan and the item to add.")
        ],
    ) -> AddPlanActivityResult:
        ctx = info.context

        async def work() -> PlanActivityPayload:
            plan = await ctx.policy.may_change_plan(str(input.plan_id))
            added = await plan_commands.add_plan_activity(
                store=ctx.store,
                catalog=await ctx.catalog(),
                plan_id=plan.id,
                item=input.item.to_domain(),
            )
            return PlanActivityPayload(
                plan_activity=PlanActivity.from_domain(added, plan.employee_id)
            )

        return await attempt(info, work)

    @strawberry.mutation(
        description="Mark an item done; records a holding at its target level (source "
        "ACTIVITY) unless a higher level is held on completedOn."
    )
    async def complete_plan_activity(
        self,
        info: Info,
        input: Annotated[
            CompletePlanActivityInput,
            strawberry.argument(description="The item and the day it was completed."),
        ],
    ) -> CompletePlanActivityResult:
        ctx = info.context

        async def work() -> CompletePlanActivityPayload:
            plan = await ctx.policy.may_change_plan(_plan_of(str(input.id)))
            day = ctx.as_of(input.completed_on)
            done, holding = await plan_commands.complete_plan_activity(
                store=ctx.store,
                catalog=await ctx.catalog(),
                plan_activity_id=str(input.id),
                completed_on=day,
            )
            return CompletePlanActivityPayload(
                plan_activity=PlanActivity.from_domain(done, plan.employee_id),
                holding=await _held(info, holding, day),
            )

        return await attempt(info, work)

    @strawberry.mutation(
        description="Cancel a planned or ongoing item of a plan that is not closed."
    )
    async def cancel_plan_activity(
        self,
        info: Info,
        input: Annotated[
            CancelPlanActivityInput, strawberry.argument(description="The item to cancel.")
        ],
    ) -> CancelPlanActivityResult:
        ctx = info.context

        async def work() -> PlanActivityPayload:
            plan = await ctx.policy.may_change_plan(_plan_of(str(input.id)))
            cancelled = await plan_commands.cancel_plan_activity(
                store=ctx.store, plan_activity_id=str(input.id)
            )
            return PlanActivityPayload(
                plan_activity=PlanActivity.from_domain(cancelled, plan.employee_id)
            )

        return await attempt(info, work)

    @strawberry.mutation(description="Record a follow-up of a plan (managers).")
    async def follow_up_plan(
        self,
        info: Info,
        input: Annotated[
            FollowUpPlanInput,
            strawberry.argument(description="The plan, the day and an optional new status."),
        ],
    ) -> FollowUpPlanResult:
        ctx = info.context

        async def work() -> PlanPayload:
            plan = await ctx.policy.may_change_plan(str(input.plan_id), self_allowed=False)
            updated = await plan_commands.follow_up_plan(
                store=ctx.store,
                plan_id=plan.id,
                followed_up_on=ctx.as_of(input.followed_up_on),
                status=None if input.status is None else to_domain(input.status, m.PlanStatus),
            )
            return PlanPayload(plan=Plan.from_domain(updated))

        return await attempt(info, work)

    @strawberry.mutation(description="Start a mentorship (managers of the adept).")
    async def start_mentorship(
        self,
        info: Info,
        input: Annotated[
            StartMentorshipInput,
            strawberry.argument(description="The mentor, the adept and the competencies in focus."),
        ],
    ) -> StartMentorshipResult:
        ctx = info.context

        async def work() -> MentorshipPayload:
            adept = await ctx.policy.may_change_person(str(input.adept_id), self_allowed=False)
            day = ctx.as_of(input.started_on)
            mentor_id = str(input.mentor_id)
            if not input.focus:
                # Said before anything about the mentor: the command finds it
                # after the mentor's own rules, where a caller without rights
                # over the mentor would get only the one refusal.
                raise ValidationError(
                    "a mentorship needs at least one focus competence", field="focus"
                )
            try:
                started = await commands.start_mentorship(
                    store=ctx.store,
                    catalog=await ctx.catalog(),
                    rules=ctx.rules,
                    mentor_id=mentor_id,
                    adept_id=adept.id,
                    started_on=day,
                    focus=[str(c) for c in input.focus],
                )
            except (NotFoundError, ValidationError, ConflictError) as exc:
                raise await ctx.policy.mentor_refusal(
                    exc, mentor_id=mentor_id, adept_id=adept.id, started_on=day
                ) from None
            return MentorshipPayload(mentorship=Mentorship.from_domain(started, day))

        return await attempt(info, work)

    @strawberry.mutation(description="End a mentorship (managers of the adept).")
    async def end_mentorship(
        self,
        info: Info,
        input: Annotated[
            EndMentorshipInput,
            strawberry.argument(description="The mentor, the adept and the day it ends."),
        ],
    ) -> EndMentorshipResult:
        ctx = info.context

        async def work() -> MentorshipPayload:
            adept = await ctx.policy.may_change_person(str(input.adept_id), self_allowed=False)
            day = ctx.as_of(input.ended_on)
            ended = await commands.end_mentorship(
                store=ctx.store, mentor_id=str(input.mentor_id), adept_id=adept.id, ended_on=day
            )
            return MentorshipPayload(mentorship=Mentorship.from_domain(ended, day))

        return await attempt(info, work)

    @strawberry.mutation(description="Record one of the yearly talks (managers).")
    async def record_conversation(
        self,
        info: Info,
        input: Annotated[
            RecordConversationInput, strawberry.argument(description="Who, which talk and when.")
        ],
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

        return await attempt(info, work)

    @strawberry.mutation(description="Declare how many people a unit needs at a level.")
    async def set_unit_need(
        self,
        info: Info,
        input: Annotated[
            SetUnitNeedInput,
            strawberry.argument(description="The unit, competence, level, horizon and count."),
        ],
    ) -> SetUnitNeedResult:
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

        return await attempt(info, work)

    @strawberry.mutation(description="Create or change an employee (admins).")
    async def upsert_employee(
        self,
        info: Info,
        input: Annotated[
            UpsertEmployeeInput,
            strawberry.argument(description="The employee's id and the fields to set."),
        ],
    ) -> UpsertEmployeeResult:
        ctx = info.context

        async def work() -> EmployeePayload:
            ctx.policy.may_administer()
            employee = await commands.upsert_employee(
                store=ctx.store,
                catalog=await ctx.catalog(),
                employee_id=str(input.id),
                changes=input.changes(),
            )
            return EmployeePayload(employee=await person(info, employee))

        return await attempt(info, work)

    @strawberry.mutation(
        description="Erase a person and every link to them, GDPR art. 17 (admins). "
        "Aggregates no longer count them; the audit trail of reads stays."
    )
    async def erase_employee(
        self,
        info: Info,
        input: Annotated[EraseEmployeeInput, strawberry.argument(description="Whom to erase.")],
    ) -> EraseEmployeeResult:
        async def work() -> EraseEmployeePayload:
            return await erase(info, str(input.id))

        return await attempt(info, work)


def _plan_of(plan_activity_id: str) -> str:
    """The plan part of `plan#seq` (an id of another shape names no plan)."""
    try:
        return m.parse_plan_activity_id(plan_activity_id)[0]
    except ValueError:
        return plan_activity_id
