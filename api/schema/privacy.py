"""Personal-data rights and the audit trail (issue 5), all for admins:
`auditLog`, `exportPersonalData` (GDPR art. 15) and `eraseEmployee` (art. 17).
The rights are decided by `api.policy`; this module only shapes the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.context import Info
from api.schema.errors import Conflict, Forbidden, InputError, NotFound
from api.schema.people import Conversation, Employee, HeldCompetence, Mentorship
from api.schema.plans import Plan
from ladders import models as m
from ladders.errors import NotFoundError, check_between
from ladders.ports import AUDIT_PAGE, AuditRecord

WITHHELD = ("birthYear",)
"""Held but never returned by the API (DESIGN §3): the export says so instead."""


@strawberry.type(description="One caller's read of another person's data in one request.")
class AuditEntry:
    at: datetime = strawberry.field(
        description="When it was recorded: as the request's answer was made (UTC)."
    )
    who: strawberry.ID = strawberry.field(description="The employee id of the reader.")
    whom: strawberry.ID = strawberry.field(description="The employee id read about.")
    fields: list[str] = strawberry.field(
        description="What was read about them, sorted: Employee fields (`name`, `competences`"
        "...; also for such records in a mutation's payload: `plans`, `mentors`...), root "
        "fields (`gap`, `nextSteps`, `exportPersonalData`...) and the fields of answers "
        "about them as `Type.field` (`MentorCandidate.score`, `MentorProposal.adept`...)."
    )
    request_id: str | None = strawberry.field(
        description="The request's id, as its X-Request-Id header and errors gave it; null "
        "when none was recorded."
    )
    operation: str | None = strawberry.field(
        description="The GraphQL operation's name; null for an unnamed one."
    )

    @classmethod
    def from_domain(cls, r: AuditRecord) -> AuditEntry:
        return cls(
            at=r.at,
            who=strawberry.ID(r.who),
            whom=strawberry.ID(r.whom),
            fields=list(r.fields),
            request_id=r.request_id,
            operation=r.operation,
        )


@strawberry.type(description="Everything Stege holds about a person (GDPR art. 15).")
class PersonalData:
    employee: Employee = strawberry.field(description="The person, every field visible.")
    competences: list[HeldCompetence] = strawberry.field(description="Every assessment held.")
    mentorships: list[Mentorship] = strawberry.field(
        description="As mentor or adept, ended ones included."
    )
    plans: list[Plan] = strawberry.field(description="Every plan, with its items.")
    conversations: list[Conversation] = strawberry.field(
        description="Every yearly talk recorded, by day."
    )
    reads: list[AuditEntry] = strawberry.field(
        description=f"Who read their data (newest first, at most {AUDIT_PAGE})."
    )
    withheld_fields: list[str] = strawberry.field(
        description="Held but never returned by the API: `birthYear` (only the age band is "
        "shown). Give it to the person from the HR system of record."
    )


async def personal_data(info: Info, employee_id: str) -> PersonalData:
    ctx = info.context
    employee = await ctx.policy.personal_data(employee_id, reading="exportPersonalData")
    store = ctx.store
    catalog = await ctx.catalog()
    holdings = await store.holdings_of([employee.id])
    links = await store.mentorships_of([employee.id])
    plans = await store.plans_of([employee.id])
    talks = await store.conversations_of([employee.id])
    reads = await store.audit_log(whom=employee.id, limit=AUDIT_PAGE)
    return PersonalData(
        employee=Employee.from_domain(employee, await ctx.policy.access(employee)),
        competences=[
            HeldCompetence.from_domain(h, catalog.competences.get(h.competence_id), ctx.today)
            for h in holdings
        ],
        mentorships=[Mentorship.from_domain(x, ctx.today) for x in links],
        plans=[Plan.from_domain(p) for p in plans],
        conversations=[Conversation.from_domain(c) for c in talks],
        reads=[AuditEntry.from_domain(r) for r in reads],
        withheld_fields=list(WITHHELD),
    )


async def audit_entries(
    info: Info, *, who: str | None, whom: str | None, since: datetime | None, first: int
) -> list[AuditEntry]:
    info.context.policy.may_read_audit_log(whom)
    # Refused, not clamped, as `employees` does: -1 answered an empty list.
    check_between(first, field="first", least=0, most=AUDIT_PAGE)
    found = await info.context.store.audit_log(who=who, whom=whom, since=since, limit=first)
    return [AuditEntry.from_domain(r) for r in found]


@strawberry.input
class EraseEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The person to erase.")


@strawberry.type(description="The person and every link to them are gone.")
class EraseEmployeePayload:
    erased_id: strawberry.ID = strawberry.field(description="The id of the person erased.")


EraseEmployeeResult = Annotated[
    EraseEmployeePayload | NotFound | Forbidden | InputError | Conflict,
    strawberry.union("EraseEmployeeResult"),
]


async def erase(info: Info, employee_id: str) -> EraseEmployeePayload:
    """Raises FORBIDDEN (not an admin) or NOT_FOUND (unknown id) for `attempt`."""
    ctx = info.context
    employee: m.Employee = await ctx.policy.personal_data(employee_id, reading="eraseEmployee")
    if not await ctx.store.erase_employee(employee.id):
        raise NotFoundError("employee", employee.id)  # erased meanwhile
    ctx.loaders.employee.prime(employee.id, None, force=True)
    return EraseEmployeePayload(erased_id=strawberry.ID(employee.id))
