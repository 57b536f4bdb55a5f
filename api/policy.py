"""Who sees what and who may do what (DESIGN §5): every rule in this one module.

Resolvers ask a per-request `Policy` before they read or write; they never
decide rights themselves. The rules:

- admin: everything; alone may change the roster, read the audit log, export
  or erase a person's data (GDPR).
- an employee: everything about themselves; other people only as mentor
  candidates, their own mentors and adepts (`Access.BASIC`: name, unit,
  profession, age band).
- a manager (MANAGES, from the graph, not the token): everything about the
  people working in the subtrees they manage, and those units' aggregates.
- a planner: aggregates of every unit, with small cells suppressed, no person.
- the organisation tree and reference data (competencies, ladders, ...): anyone
  signed in; they say nothing about a person.

Outside these rights the answer is FORBIDDEN whether or not the id exists;
NOT_FOUND only where the caller could have seen the thing (no existence
oracle). Reads of another person's data are recorded for the audit log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from api.auth import Caller
from api.loaders import Loaders
from ladders import models as m
from ladders.errors import ConflictError, ForbiddenError, NotFoundError, StegeError, ValidationError
from ladders.holding import age
from ladders.mentor_pool import blocks_start

SMALL_CELL = range(1, 5)
"""Age-derived counts in this range are suppressed for planners (1-4 people)."""
AGE_BANDS = ((65, "65+"), (60, "60-64"), (55, "55-59"))


class Access(IntEnum):
    """How much of a person the caller may see."""

    NONE = 0
    BASIC = 1
    """Name, unit, profession, age band: a mentor candidate, one's mentor or adept."""
    FULL = 2


class View(IntEnum):
    """How a unit's aggregates are shown."""

    SUPPRESSED = 1
    """Small age-derived cells hidden (planners)."""
    FULL = 2


@dataclass(frozen=True)
class Figures:
    """A supply row or risk row as the caller may see it."""

    retiring: int | None = None
    projected: int | None = None
    shortfall: int | None = None
    holders: int | None = None
    senior_holders: int | None = None
    senior_share: float | None = None
    suppressed: bool = False


def age_band(employee: m.Employee, as_of: date) -> str:
    years = age(employee, as_of)
    return next((band for floor, band in AGE_BANDS if years >= floor), "<55")


def supply_figures(view: View, *, retiring: int, projected: int, shortfall: int) -> Figures:
    """A supply row's age-derived figures as the caller may see them."""
    if view is View.SUPPRESSED and retiring in SMALL_CELL:
        return Figures(suppressed=True)
    return Figures(retiring=retiring, projected=projected, shortfall=shortfall)


def risk_figures(view: View, *, holders: int, senior_holders: int, senior_share: float) -> Figures:
    """A risk row's age-derived figures as the caller may see them.

    `holders` goes with them: a row is listed only when the senior share
    reaches `Rules.senior_share`, so a listed row's holders bound its senior
    holders (1 holder: exactly 1 senior), and moving `asOf` year by year
    would then date that one person's 60th birthday."""
    if view is View.SUPPRESSED and senior_holders in SMALL_CELL:
        return Figures(suppressed=True)
    return Figures(holders=holders, senior_holders=senior_holders, senior_share=senior_share)


def forbidden() -> ForbiddenError:
    return ForbiddenError("not allowed: outside your rights, or it does not exist")


@dataclass
class AuditEntry:
    whom: str
    fields: set[str] = field(default_factory=set)


class Policy:
    """The rules applied to one request's caller."""

    def __init__(self, *, caller: Caller, loaders: Loaders, today: date) -> None:
        self.caller = caller
        self.today = today
        self._loaders = loaders
        self._managed: frozenset[str] | None = None
        self._lock = asyncio.Lock()
        self.audit_log: dict[str, AuditEntry] = {}

    def forget(self) -> None:
        """Forget what was read of the caller (their managed units) after a
        write, which may have changed it (upsertEmployee's `manages`)."""
        self._managed = None

    # --- the caller ---------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return self.caller.is_admin

    async def me(self) -> m.Employee | None:
        return await self._loaders.employee.load(self.caller.employee_id)

    async def managed_unit_ids(self) -> frozenset[str]:
        """Every unit in the subtrees the caller manages (read once per request)."""
        async with self._lock:
            if self._managed is None:
                me = await self.me()
                roots = list(me.manages) if me is not None else []
                subtrees = await self._loaders.subtree.load_many(roots)
                self._managed = frozenset(u for tree in subtrees for u in tree)
            return self._managed

    async def manages(self, employee: m.Employee) -> bool:
        return employee.unit_id is not None and employee.unit_id in await self.managed_unit_ids()

    async def manages_from_above(self, employee: m.Employee) -> bool:
        """Whether the caller manages the person's unit through a unit other
        than it (above it, or beside: a manager's manager). About oneself,
        managing one's own unit is not enough: a manager's own talks,
        follow-ups and certified levels are their own manager's to record."""
        me = await self.me()
        unit = employee.unit_id
        if me is None or unit is None:
            return False
        roots = [r for r in me.manages if r != unit]
        return any(unit in tree for tree in await self._loaders.subtree.load_many(roots))

    # --- people -------------------------------------------------------------

    async def access(self, employee: m.Employee) -> Access:
        """The caller's own rights over a person (not counting relations)."""
        if self.is_admin or employee.id == self.caller.employee_id:
            return Access.FULL
        if await self.manages(employee):
            return Access.FULL
        return Access.NONE

    async def related_access(self, employee: m.Employee) -> Access:
        """Rights over a person reached as a mentor, adept or mentor candidate
        of someone the caller may see: at least BASIC."""
        return max(await self.access(employee), Access.BASIC)

    async def person(
        self, employee_id: str, *, need: Access = Access.FULL, reading: str | None = None
    ) -> m.Employee:
        """The employee, if the caller may see them at `need`; FORBIDDEN otherwise,
        also for an unknown id unless the caller could see any id (admin).
        `reading` names what is read about them, for the audit log."""
        employee = await self._loaders.employee.load(employee_id)
        if employee is None:
            if self.is_admin:
                raise NotFoundError("employee", employee_id)
            raise forbidden()
        if await self.access(employee) < need:
            raise forbidden()
        if reading is not None:
            self.audit(employee.id, reading)
        return employee

    async def viewable(self, employee_id: str) -> tuple[m.Employee, Access]:
        """A person asked for by id: in full where the caller has rights, else
        BASIC when they are the caller's own mentor or adept, else FORBIDDEN."""
        employee = await self._loaders.employee.load(employee_id)
        if employee is None:
            if self.is_admin:
                raise NotFoundError("employee", employee_id)
            raise forbidden()
        access = await self.access(employee)
        if access is Access.NONE:
            links = await self._loaders.mentorships.load(self.caller.employee_id)
            if any(employee_id in (x.mentor_id, x.adept_id) for x in links):
                access = Access.BASIC
        if access is Access.NONE:
            raise forbidden()
        return employee, access

    # --- ages judged on a day -------------------------------------------------

    def judges_ages_on(self, as_of: date | None) -> bool:
        """Whether an answer that judges other people's ages (the 55+ mentor
        rule, the urgency at 62) may be given on `as_of`: admins any day,
        others this year only. Ages are whole years (DESIGN §4), so the same
        question asked of a few years would date a mentor's birth year, which
        DESIGN §3 never returns (the precedent: `Employee.ageBand`)."""
        return self.is_admin or as_of is None or as_of.year == self.today.year

    def check_ages_judged_on(self, as_of: date | None, *, what: str) -> None:
        """BAD_USER_INPUT on `asOf` unless `judges_ages_on(as_of)`."""
        if as_of is not None and not self.judges_ages_on(as_of):
            raise ValidationError(
                f"{what} is answered for {self.today.year} only",
                field="as_of",
                value=as_of.isoformat(),
            )

    # --- mentorships --------------------------------------------------------

    async def mentor_refusal(
        self, error: StegeError, *, mentor_id: str, adept_id: str, started_on: date
    ) -> StegeError:
        """The refusal of a mentorship start to show the caller.

        Only someone with full rights over the mentor (admin, the mentor, a
        manager of the mentor) learns which of the mentor's own rules failed:
        to anyone else an unknown id, an age, a load or a holding would each
        say something about a person they may not see (an existence oracle,
        DESIGN §5; stepping the day a year at a time, the birth year, §3).
        So all of those are one answer. The conflict with a link the adept
        already has stays: the adept's mentorships are the caller's to see."""
        mentor = await self._loaders.employee.load(mentor_id)
        if self.is_admin or (mentor is not None and await self.access(mentor) is Access.FULL):
            return error
        about_mentor = (
            (
                isinstance(error, NotFoundError)
                and error.kind == "employee"
                and error.id == mentor_id
            )
            or (isinstance(error, ValidationError) and error.field in ("mentor_id", "focus"))
            or isinstance(error, ConflictError)
        )
        if not about_mentor:
            return error
        if isinstance(error, ConflictError) and await self._adept_has_link(
            mentor_id, adept_id, started_on
        ):
            # Said again in our own words: the error may be the write's
            # capacity conflict, where the two also had a link by then.
            return ConflictError(f"{mentor_id!r} already mentors {adept_id!r}")
        return ValidationError(
            f"{mentor_id!r} cannot mentor this adept on {started_on.isoformat()}",
            field="mentor_id",
            value=mentor_id,
        )

    async def _adept_has_link(self, mentor_id: str, adept_id: str, day: date) -> bool:
        """The adept has a link with the mentor that a start on `day` clashes
        with (`commands.start_mentorship`'s rule), judged on the adept's own
        mentorships."""
        links = await self._loaders.mentorships.load(adept_id)
        return any(blocks_start(x, mentor_id=mentor_id, adept_id=adept_id, day=day) for x in links)

    def audit(self, employee_id: str, field_name: str) -> None:
        """Note that the caller read a field of another person (flushed per request)."""
        if employee_id == self.caller.employee_id:
            return
        self.audit_log.setdefault(employee_id, AuditEntry(employee_id)).fields.add(field_name)

    # --- units --------------------------------------------------------------

    async def unit(self, unit_id: str) -> m.Unit:
        """A unit's place in the tree: anyone signed in may see it."""
        unit = await self._loaders.unit.load(unit_id)
        if unit is None:
            raise NotFoundError("unit", unit_id)
        return unit

    async def may_list_people(self, unit_id: str) -> bool:
        return self.is_admin or unit_id in await self.managed_unit_ids()

    async def people_units(self, unit_id: str | None) -> list[str] | None:
        """The units whose people the caller may list: one unit's subtree, or
        with no unit every unit the caller may see people in; None: everyone,
        in a unit or not (an admin with no unit)."""
        if unit_id is None:
            if self.is_admin:
                # Everyone, not every unit's people: some work in none.
                return None
            managed = await self.managed_unit_ids()
            if not managed:
                raise forbidden()
            return sorted(managed)
        if not await self.may_list_people(unit_id):
            raise forbidden()
        subtree = await self._loaders.subtree.load(unit_id)
        if not subtree:  # only an admin gets here with an unknown id
            raise NotFoundError("unit", unit_id)
        return subtree

    async def aggregate_view(self, unit_id: str) -> View:
        """How the caller may see the unit's aggregates."""
        if self.is_admin or unit_id in await self.managed_unit_ids():
            view = View.FULL
        elif self.caller.is_planner:
            view = View.SUPPRESSED
        else:
            raise forbidden()
        await self.unit(unit_id)
        return view

    async def people_aggregates(self, unit_id: str) -> None:
        """Aggregates that name people (mentor proposals): managers and admins."""
        if not await self.may_list_people(unit_id):
            raise forbidden()
        await self.unit(unit_id)

    # --- writes -------------------------------------------------------------

    async def may_change_person(self, employee_id: str, *, self_allowed: bool = True) -> m.Employee:
        """Writes about a person: admins, their managers and (`self_allowed`)
        the person themselves."""
        employee = await self.person(employee_id)
        if employee.id == self.caller.employee_id and not self_allowed:
            if not (self.is_admin or await self.manages_from_above(employee)):
                raise forbidden()
        return employee

    async def assessment_source(
        self, employee: m.Employee, requested: m.HoldingSource | None
    ) -> m.HoldingSource:
        """A self-assessment is `self`; managers and admins assess as `manager`
        unless they record a `certificate`. A manager assessing themselves is
        a self-assessment too, unless they manage their unit from above."""
        if employee.id == self.caller.employee_id and not self.is_admin:
            manager = await self.manages_from_above(employee)
        else:
            manager = self.is_admin or await self.manages(employee)
        if manager:
            return requested or m.HoldingSource.MANAGER
        if requested not in (None, m.HoldingSource.SELF):
            raise ForbiddenError("only a manager can record a manager or certificate assessment")
        return m.HoldingSource.SELF

    async def may_change_plan(self, plan_id: str, *, self_allowed: bool = True) -> m.Plan:
        plan = await self._loaders.plan.load(plan_id)
        if plan is None:
            if self.is_admin:
                raise NotFoundError("plan", plan_id)
            raise forbidden()
        await self.may_change_person(plan.employee_id, self_allowed=self_allowed)
        return plan

    async def may_change_unit(self, unit_id: str) -> None:
        """Unit data (needs): admins and the unit's managers."""
        if not (self.is_admin or unit_id in await self.managed_unit_ids()):
            raise forbidden()

    def may_administer(self) -> None:
        """Changing the roster or reference data: admins only."""
        if not self.is_admin:
            raise forbidden()

    # --- personal-data rights (GDPR) ------------------------------------------

    async def personal_data(self, employee_id: str, *, reading: str) -> m.Employee:
        """Everything held about a person (export, erasure): admins only.
        FORBIDDEN for anyone else before the id is even looked up."""
        self.may_administer()
        return await self.person(employee_id, reading=reading)

    def may_read_audit_log(self, whom: str | None) -> None:
        """The audit log: admins only; a look at one person's trail is itself
        a read about them."""
        self.may_administer()
        if whom is not None:
            self.audit(whom, "auditLog")
