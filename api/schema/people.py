"""People: employees, what they hold, their mentorships and talks, and pages of them.

An `Employee` object carries the caller's `Access` to that person, decided by
the policy when the object is made. Each field declares the access it needs
(`Guard`); a field beyond it answers FORBIDDEN with null, and every field read
about another person is noted for the audit log.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import strawberry
from strawberry.extensions import FieldExtension

from api.context import Info
from api.policy import Access, age_band, forbidden
from api.schema.enums import ConversationKind, HoldingSource, from_domain
from api.schema.org import NULL_DEFAULT, PAGE_SIZE, Unit
from api.schema.reference import Competence, Profession, Step, competence, competences
from ladders import models as m
from ladders.errors import ValidationError
from ladders.holding import expiry, held_level, is_expired

if TYPE_CHECKING:
    from api.schema.plans import Plan

MAX_PAGE = 200


class Guard(FieldExtension):
    """Lets the field resolve only when the caller's access to the person suffices."""

    def __init__(self, need: Access) -> None:
        self.need = need

    def _check(self, source: Employee, info: Info) -> None:
        if source.access < self.need:
            raise forbidden()
        info.context.policy.audit(source.domain.id, info.field_name)

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(source, info)
        return await next_(source, info, **kwargs)


class Record(Protocol):
    def read_of(self) -> Iterable[tuple[str, str]]:
        """(whom, field) per person the record is data of, the field named as
        the Employee field that shows the same record (`plans`...)."""
        ...


class ReadOfRecord(FieldExtension):
    """On a field that hands out a record of someone's (a plan, a holding, a
    mentorship) other than through their `Employee`, whose guarded field
    notes the read: a mutation's payload. Notes it for the audit log."""

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        result: Record = next_(source, info, **kwargs)
        for whom, field_name in result.read_of():
            info.context.policy.audit(whom, field_name)
        return result

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        result: Record = await next_(source, info, **kwargs)
        for whom, field_name in result.read_of():
            info.context.policy.audit(whom, field_name)
        return result


class ReadOf(FieldExtension):
    """On a field of an answer about other people that is not an `Employee`
    (a mentor candidate's load, a proposal's score): notes the read of the
    people `whom` names, as `Type.field`, for the audit log."""

    def __init__(self, whom: Callable[[Any], Iterable[str | None]]) -> None:
        self.whom = whom

    def _note(self, source: Any, info: Info) -> None:
        field_name = f"{info.path.typename}.{info.field_name}"
        for employee_id in self.whom(source):
            if employee_id is not None:
                info.context.policy.audit(employee_id, field_name)

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._note(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        self._note(source, info)
        return await next_(source, info, **kwargs)


BASIC: list[FieldExtension] = [Guard(Access.BASIC)]
FULL: list[FieldExtension] = [Guard(Access.FULL)]
# What the field descriptions say of the two guards.
SEEN_BY_RELATED = " Shown also for mentor candidates, mentors and adepts."
SEEN_WITH_RIGHTS = (
    " Only with rights over them (themselves, a manager of their unit or one above it, "
    "an admin); else null and FORBIDDEN."
)

LINKS_AS_OF = strawberry.argument(
    description="The day a mentorship is active on (started on or before it, not ended on "
    "or before it). Default: today."
)
INCLUDE_ENDED = strawberry.argument(
    description="Also those not active on asOf: ended, or starting later." + NULL_DEFAULT
)


@strawberry.type(
    description="A person. Others appear with name, unit, profession and age band only "
    "(as mentor candidates, mentors or adepts); the rest needs rights over them."
)
class Employee:
    id: strawberry.ID = strawberry.field(description="The employee id (HR employee number).")
    name: str = strawberry.field(extensions=BASIC, description="Their name." + SEEN_BY_RELATED)
    domain: strawberry.Private[m.Employee]
    access: strawberry.Private[Access]

    @classmethod
    def from_domain(cls, e: m.Employee, access: Access) -> Employee:
        return cls(id=strawberry.ID(e.id), name=e.name, domain=e, access=access)

    @strawberry.field(
        extensions=BASIC,
        description="`<55`, `55-59`, `60-64` or `65+` this year (this year - birth year). "
        "An `asOf` must be in this year: bands in other years would tell the birth year."
        + SEEN_BY_RELATED,
    )
    def age_band(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Accepted only in this year (else BAD_USER_INPUT); the band "
                "is this year's either way."
            ),
        ] = None,
    ) -> str:
        # Ages are whole years (DESIGN §4), so the band changes only where the
        # birth year says; asked for a few years, it would give that year away
        # (DESIGN §3: never returned), to anyone who may see a mentor candidate.
        today = info.context.today
        if as_of is not None and as_of.year != today.year:
            raise ValidationError(
                f"ageBand is shown for {today.year} only", field="as_of", value=as_of.isoformat()
            )
        return age_band(self.domain, today)

    @strawberry.field(
        extensions=BASIC,
        description="The unit they work in; null when none." + SEEN_BY_RELATED,
    )
    async def unit(self, info: Info) -> Unit | None:
        if self.domain.unit_id is None:
            return None
        unit = await info.context.loaders.unit.load(self.domain.unit_id)
        return Unit.from_domain(unit) if unit else None

    @strawberry.field(
        extensions=BASIC, description="Their profession; null when none." + SEEN_BY_RELATED
    )
    def profession(self, info: Info) -> Profession | None:
        if self.domain.profession_id is None:
            return None
        profession = info.context.reference.professions.get(self.domain.profession_id)
        return Profession.from_domain(profession) if profession else None

    @strawberry.field(
        extensions=FULL,
        description="Their current ladder step; null when none." + SEEN_WITH_RIGHTS,
    )
    def step(self, info: Info) -> Step | None:
        if self.domain.step_id is None:
            return None
        step = info.context.reference.steps.get(self.domain.step_id)
        return Step.from_domain(step) if step else None

    @strawberry.field(
        extensions=FULL,
        description="The day they reached the current step: whole months since then count "
        "towards its minMonths; null when unknown (counts as none)." + SEEN_WITH_RIGHTS,
    )
    def step_since(self) -> date | None:
        return self.domain.step_since

    @strawberry.field(
        extensions=FULL,
        description="The day they were employed; null when unknown. Shown only: no answer "
        "uses it." + SEEN_WITH_RIGHTS,
    )
    def employed_since(self) -> date | None:
        return self.domain.employed_since

    @strawberry.field(
        extensions=FULL,
        description="Designated for mentorship by the unit (mentorProposals pairs them)."
        + SEEN_WITH_RIGHTS,
    )
    def adept(self) -> bool | None:
        return self.domain.adept

    @strawberry.field(
        extensions=FULL,
        description="How many adepts they may mentor at once: their own, else the default "
        "(setting, 2)." + SEEN_WITH_RIGHTS,
    )
    def mentor_capacity(self, info: Info) -> int | None:
        capacity = self.domain.mentor_capacity
        return info.context.rules.default_mentor_capacity if capacity is None else capacity

    @strawberry.field(
        extensions=FULL,
        description="The units they manage (MANAGES), which makes them manager of every "
        "unit below these too; empty when none." + SEEN_WITH_RIGHTS,
    )
    async def managed_units(self, info: Info) -> list[Unit] | None:
        units = await info.context.loaders.unit.load_many(list(self.domain.manages))
        return [Unit.from_domain(u) for u in units if u is not None]

    @strawberry.field(
        extensions=FULL,
        description="Every competence assessed for them, expired ones included (heldLevel "
        "0), by competence id." + SEEN_WITH_RIGHTS,
    )
    async def competences(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day expiry is judged on. Default: today."),
        ] = None,
    ) -> list[HeldCompetence] | None:
        day = info.context.as_of(as_of)
        # The load first: every node's load joins one batch before anything awaits.
        holdings = await info.context.loaders.holdings.load(self.domain.id)
        catalog = await info.context.catalog()
        return [
            HeldCompetence.from_domain(h, catalog.competences.get(h.competence_id), day)
            for h in holdings
        ]

    @strawberry.field(
        extensions=FULL,
        description="Their development plans, every status, by id." + SEEN_WITH_RIGHTS,
    )
    async def plans(
        self, info: Info
    ) -> list[Annotated[Plan, strawberry.lazy("api.schema.plans")]] | None:
        from api.schema.plans import Plan

        return [
            Plan.from_domain(p) for p in await info.context.loaders.plans_of.load(self.domain.id)
        ]

    @strawberry.field(
        extensions=FULL,
        description="Mentorships where they are the adept: those active on asOf unless "
        "includeEnded; by mentor id, then startedOn." + SEEN_WITH_RIGHTS,
    )
    async def mentors(
        self,
        info: Info,
        as_of: Annotated[date | None, LINKS_AS_OF] = None,
        include_ended: Annotated[bool | None, INCLUDE_ENDED] = False,
    ) -> list[Mentorship] | None:
        return await self._links(info, as_of, include_ended is True, mentor=False)

    @strawberry.field(
        extensions=FULL,
        description="Mentorships where they are the mentor: those active on asOf unless "
        "includeEnded; by adept id, then startedOn." + SEEN_WITH_RIGHTS,
    )
    async def adepts(
        self,
        info: Info,
        as_of: Annotated[date | None, LINKS_AS_OF] = None,
        include_ended: Annotated[bool | None, INCLUDE_ENDED] = False,
    ) -> list[Mentorship] | None:
        return await self._links(info, as_of, include_ended is True, mentor=True)

    async def _links(
        self, info: Info, as_of: date | None, include_ended: bool, *, mentor: bool
    ) -> list[Mentorship]:
        day = info.context.as_of(as_of)
        links = await info.context.loaders.mentorships.load(self.domain.id)
        mine = [x for x in links if (x.mentor_id if mentor else x.adept_id) == self.domain.id]
        return [Mentorship.from_domain(x, day) for x in mine if include_ended or x.active_on(day)]

    @strawberry.field(
        extensions=FULL,
        description="The yearly talks they had, by day, then kind." + SEEN_WITH_RIGHTS,
    )
    async def conversations(
        self,
        info: Info,
        since: Annotated[
            date | None,
            strawberry.argument(description="Only those held on or after this day."),
        ] = None,
        until: Annotated[
            date | None,
            strawberry.argument(description="Only those held on or before this day."),
        ] = None,
    ) -> list[Conversation] | None:
        talks = await info.context.loaders.conversations.load(self.domain.id)
        return [
            Conversation.from_domain(c)
            for c in talks
            if (since is None or c.held_on >= since) and (until is None or c.held_on <= until)
        ]


async def person(info: Info, employee: m.Employee, *, related: bool = False) -> Employee:
    """An `Employee` with the caller's access; `related` for a mentor, adept or
    candidate reached through someone the caller may see (at least BASIC)."""
    policy = info.context.policy
    access = await (policy.related_access(employee) if related else policy.access(employee))
    return Employee.from_domain(employee, access)


async def person_by_id(info: Info, employee_id: str, *, related: bool = False) -> Employee:
    employee = await info.context.loaders.employee.load(employee_id)
    if employee is None:
        raise LookupError(f"employee {employee_id!r} vanished")
    return await person(info, employee, related=related)


@strawberry.type(
    description="A person's assessment of one competence, judged on a day: the asOf of "
    "Employee.competences; today in assessCompetence and exportPersonalData; completedOn "
    "in completePlanActivity."
)
class HeldCompetence:
    level: int = strawberry.field(description="The assessed level (1-5), expired or not.")
    held_level: int = strawberry.field(
        description="The level that counts on the day: level, or 0 when expired."
    )
    assessed_on: date | None = strawberry.field(
        description="The day it was assessed; null when unknown."
    )
    expires_on: date | None = strawberry.field(
        description="The last day it counts: the given date, else assessedOn + the "
        "competence's validMonths; null: never."
    )
    expired: bool = strawberry.field(description="expiresOn is before the day.")
    source: HoldingSource = strawberry.field(
        description="SELF (the person's own), MANAGER or CERTIFICATE (recorded by a manager "
        "or admin), ACTIVITY (a completed plan item)."
    )
    competence_id: strawberry.Private[str]
    employee_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, h: m.Holding, c: m.Competence | None, as_of: date) -> HeldCompetence:
        return cls(
            level=h.level,
            held_level=held_level(h, c, as_of),
            assessed_on=h.assessed_on,
            expires_on=expiry(h, c),
            expired=is_expired(h, c, as_of),
            source=from_domain(h.source, HoldingSource),
            competence_id=h.competence_id,
            employee_id=h.employee_id,
        )

    def read_of(self) -> Iterable[tuple[str, str]]:
        return [(self.employee_id, "competences")]

    @strawberry.field(description="The competence assessed.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


@strawberry.type(description="A mentor-adept link (MENTORS).")
class Mentorship:
    started_on: date = strawberry.field(description="The first day it is active.")
    ended_on: date | None = strawberry.field(
        description="The day it ends: no longer active on that day. Null while open-ended."
    )
    active: bool = strawberry.field(
        description="Active on the day asked for: asOf of Employee.mentors/adepts, today "
        "in exportPersonalData, startedOn or endedOn in the mutations' payloads."
    )
    domain: strawberry.Private[m.Mentorship]

    @classmethod
    def from_domain(cls, x: m.Mentorship, as_of: date) -> Mentorship:
        return cls(
            started_on=x.started_on, ended_on=x.ended_on, active=x.active_on(as_of), domain=x
        )

    def read_of(self) -> Iterable[tuple[str, str]]:
        return [(self.domain.adept_id, "mentors"), (self.domain.mentor_id, "adepts")]

    @strawberry.field(
        description="The mentor: name, unit, profession and ageBand; the rest only with "
        "rights over them."
    )
    async def mentor(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.mentor_id, related=True)

    @strawberry.field(
        description="The adept: name, unit, profession and ageBand; the rest only with "
        "rights over them."
    )
    async def adept(self, info: Info) -> Employee:
        return await person_by_id(info, self.domain.adept_id, related=True)

    @strawberry.field(description="The competencies the mentorship is about, as given.")
    def focus(self, info: Info) -> list[Competence]:
        return competences(info, self.domain.focus)


@strawberry.type(description="One of the yearly talks with a person.")
class Conversation:
    kind: ConversationKind = strawberry.field(description="Which of the yearly talks.")
    held_on: date = strawberry.field(description="The day it was held.")
    employee_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, c: m.Conversation) -> Conversation:
        return cls(
            kind=from_domain(c.kind, ConversationKind), held_on=c.held_on, employee_id=c.employee_id
        )

    def read_of(self) -> Iterable[tuple[str, str]]:
        return [(self.employee_id, "conversations")]


# --- Relay-style pages of people ---------------------------------------------------


@strawberry.type(description="Where a page stands in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More people follow this page.")
    has_previous_page: bool = strawberry.field(
        description="True when the page was asked for with `after` (not whether anyone "
        "comes before it)."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the next page; null on "
        "an empty page."
    )


@strawberry.type(description="One person of a page.")
class EmployeeEdge:
    cursor: str = strawberry.field(
        description="Opaque; as `after`, the next page starts after this person."
    )
    node: Employee = strawberry.field(
        description="The person, seen in full (a list holds only people the caller has "
        "rights over)."
    )


@strawberry.type(description="A page of people, by id (Relay-style).")
class EmployeeConnection:
    edges: list[EmployeeEdge] = strawberry.field(
        description="The people of this page, by id: at most `first`."
    )
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    unit_ids: strawberry.Private[list[str] | None]

    @strawberry.field(description="How many people the whole list has.")
    async def total_count(self, info: Info) -> int:
        return await info.context.store.count_employees_in_units(self.unit_ids)


def encode_cursor(employee_id: str) -> str:
    return base64.urlsafe_b64encode(f"e:{employee_id}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raw = ""
    if not raw.startswith("e:"):
        raise ValidationError("not a cursor of this list", field="after", value=cursor)
    return raw[2:]


async def employee_page(
    info: Info, *, unit_ids: list[str] | None, first: int | None, after: str | None
) -> EmployeeConnection:
    """One page of the people working in `unit_ids` (None: everyone), by id
    (the caller's rights over those units are checked by the caller of this
    function); `first` null: the default page size."""
    first = PAGE_SIZE if first is None else first
    if not 0 <= first <= MAX_PAGE:
        raise ValidationError(f"first must be between 0 and {MAX_PAGE}", field="first", value=first)
    after_id = decode_cursor(after) if after is not None else None
    rows = await info.context.store.employees_in_units(unit_ids, first=first + 1, after=after_id)
    page = rows[:first]
    loader = info.context.loaders.employee
    edges = []
    for employee in page:
        loader.prime(employee.id, employee)
        edges.append(
            EmployeeEdge(cursor=encode_cursor(employee.id), node=await person(info, employee))
        )
    return EmployeeConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        unit_ids=unit_ids,
    )
