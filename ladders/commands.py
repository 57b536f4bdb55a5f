"""Write use cases: what users do day to day (DESIGN §6 "Mutations").

Each command checks every domain rule before it writes, then writes with ONE
store call (one transaction), so a command that fails changes nothing. Rule
breaks raise `NotFoundError`, `ValidationError(field=...)` (field names in
snake_case, the API renders them) or `ConflictError`. Who may run a command is
not decided here: that is the API's policy. The plan commands are in
`ladders.plan_commands`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ladders.catalog import Catalog
from ladders.errors import ConflictError, NotFoundError, ValidationError, check_unique
from ladders.holding import age
from ladders.mentor_pool import at_capacity, blocks_start, busiest_day
from ladders.mentors import capacity_of, mentorship_problems
from ladders.models import (
    DAY_RANGE,
    Conversation,
    ConversationKind,
    Employee,
    Holding,
    HoldingSource,
    Horizon,
    Mentorship,
    UnitNeed,
)
from ladders.ports import Store, Was
from ladders.rules import Rules

# --- lookups that raise (shared with ladders.plan_commands) -------------------


async def require_employee(store: Store, employee_id: str) -> Employee:
    (employee,) = await store.get_employees([employee_id])
    if employee is None:
        raise NotFoundError("employee", employee_id)
    return employee


def require_competence(catalog: Catalog, competence_id: str) -> None:
    if competence_id not in catalog.competences:
        raise NotFoundError("competence", competence_id)


def require_level(level: int, field: str) -> None:
    if not 1 <= level <= 5:
        raise ValidationError("a level is 1-5 (Benner)", field=field, value=level)


def require_day(day: date | None, field: str) -> None:
    """A date to store is inside DAY_RANGE. The models check it too, but only
    a command knows the input's path (`items.1.due_on`, not `due_on`)."""
    first, last = DAY_RANGE
    if day is not None and not first <= day <= last:
        raise ValidationError(
            f"{day.isoformat()} is outside the dates Stege stores, {first} to {last}",
            field=field,
            value=day,
        )


# --- holdings -----------------------------------------------------------------


async def assess_competence(
    *,
    store: Store,
    catalog: Catalog,
    employee_id: str,
    competence_id: str,
    level: int,
    assessed_on: date,
    expires_on: date | None = None,
    source: HoldingSource = HoldingSource.MANAGER,
) -> Holding:
    """Record that an employee holds a competence at a level (replaces the holding)."""
    require_level(level, "level")
    if source is HoldingSource.ACTIVITY:
        # An `activity` holding comes only from completing a plan item.
        raise ValidationError("source 'activity' is set by completing a plan item", field="source")
    if expires_on is not None and expires_on < assessed_on:
        raise ValidationError("expires before it was assessed", field="expires_on")
    require_competence(catalog, competence_id)
    await require_employee(store, employee_id)
    holding = Holding(
        employee_id=employee_id,
        competence_id=competence_id,
        level=level,
        assessed_on=assessed_on,
        expires_on=expires_on,
        source=source,
    )
    await store.upsert_holding(holding)
    return holding


# --- mentorships --------------------------------------------------------------


async def start_mentorship(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    mentor_id: str,
    adept_id: str,
    started_on: date,
    focus: Sequence[str] = (),
) -> Mentorship:
    """Start a mentorship after checking every rule of DESIGN §4 on `started_on`.

    The person rules get their own field (not self, 55+) or a conflict (an
    open link between the two, a mentor at capacity); the competence rules
    (`mentors.mentorship_violations`: a focus, held at >= max(target, 4)) are
    reported on `focus`. The rules are all judged on one read of the mentor's
    links, and a start that commits after it is the write's conflict: a
    racing start never turns into a ValidationError on `focus`.
    """
    check_unique(focus, field="focus")
    for index, competence_id in enumerate(focus):
        if competence_id not in catalog.competences:
            raise ValidationError(
                f"unknown competence {competence_id!r}", field=f"focus.{index}", value=competence_id
            )
    if mentor_id == adept_id:
        raise ValidationError("a mentor cannot mentor themselves", field="adept_id")
    mentor = await require_employee(store, mentor_id)
    adept = await require_employee(store, adept_id)
    links = await store.mentorships_of([mentor_id], role="mentor")
    if any(blocks_start(m, mentor_id=mentor_id, adept_id=adept_id, day=started_on) for m in links):
        raise ConflictError(f"{mentor_id!r} already mentors {adept_id!r}")
    if age(mentor, started_on) < rules.mentor_min_age:
        raise ValidationError(
            f"a mentor must be at least {rules.mentor_min_age} years old",
            field="mentor_id",
            value=mentor_id,
        )
    capacity = capacity_of(mentor, rules)
    active, day = busiest_day(links, started_on)
    if active >= capacity:
        raise ConflictError(at_capacity(mentor_id, active, capacity, day, started_on))
    # The competence rules, judged on the links read above: the person rules
    # passed on them (`mentors.mentorship_problems`).
    problems = await mentorship_problems(
        store=store,
        catalog=catalog,
        rules=rules,
        mentor=mentor,
        adept=adept,
        mentor_mentorships=links,
        focus=focus,
        as_of=started_on,
    )
    if problems:
        raise ValidationError("; ".join(problems), field="focus")
    mentorship = Mentorship(
        mentor_id=mentor_id, adept_id=adept_id, started_on=started_on, focus=tuple(focus)
    )
    # The link and capacity rules again, in the write's own transaction: a
    # concurrent start for the same mentor may have committed since we read.
    await store.start_mentorship(mentorship, capacity=capacity, mentor=Was(mentor))
    return mentorship


async def end_mentorship(
    *, store: Store, mentor_id: str, adept_id: str, ended_on: date
) -> Mentorship:
    """End the open mentorship between the two (started on or before
    `ended_on`). Ending it again on the day it ended answers that mentorship
    (a retry); on another day it is a conflict: moving the end would rewrite
    the time it was active (knowledgeTransferRisks, capacity)."""
    links = [
        m for m in await store.mentorships_of([mentor_id], role="mentor") if m.adept_id == adept_id
    ]
    open_links = [m for m in links if m.ended_on is None]
    active = [m for m in open_links if m.started_on <= ended_on]
    if open_links and not active:
        raise ValidationError(
            f"the mentorship started on {open_links[-1].started_on.isoformat()},"
            f" after {ended_on.isoformat()}",
            field="ended_on",
            value=ended_on.isoformat(),
        )
    if not active:
        ended = [m for m in links if m.ended_on is not None and m.started_on <= ended_on]
        if any(m.ended_on == ended_on for m in ended):
            return next(m for m in ended if m.ended_on == ended_on)
        covering = [m for m in ended if m.active_on(ended_on)]
        if covering:
            raise ConflictError(
                f"the mentorship {mentor_id}->{adept_id} already ended on {covering[-1].ended_on}"
            )
        raise NotFoundError("active mentorship", f"{mentor_id}->{adept_id}")
    closing = active[-1].model_copy(update={"ended_on": ended_on})
    # Against a concurrent end: the second would move the first's end day.
    await store.upsert_mentorship(closing, expected=Was(active[-1]))
    return closing


# --- conversations, needs, employees -----------------------------------------------


async def record_conversation(
    *, store: Store, employee_id: str, kind: ConversationKind, held_on: date
) -> Conversation:
    """Record one of the three yearly talks (recording it twice changes nothing)."""
    await require_employee(store, employee_id)
    conversation = Conversation(employee_id=employee_id, kind=kind, held_on=held_on)
    await store.add_conversation(conversation)
    return conversation


async def set_unit_need(
    *,
    store: Store,
    catalog: Catalog,
    unit_id: str,
    competence_id: str,
    level: int,
    count: int,
    horizon: Horizon = Horizon.NOW,
) -> UnitNeed:
    """Declare how many people a unit needs at >= level by a horizon. It
    replaces the unit's need of that competence, level and horizon; a count of
    0 says none are needed then (it stays in effect, over a shorter horizon's
    need, and competenceSupply shows it with `required` 0)."""
    require_level(level, "level")
    if count < 0:
        raise ValidationError("a count cannot be negative", field="count", value=count)
    require_competence(catalog, competence_id)
    (unit,) = await store.get_units([unit_id])
    if unit is None:
        raise NotFoundError("unit", unit_id)
    need = UnitNeed(
        unit_id=unit_id, competence_id=competence_id, level=level, count=count, horizon=horizon
    )
    await store.upsert_unit_need(need)
    return need


EMPLOYEE_FIELDS = frozenset(Employee.model_fields) - {"id"}


async def upsert_employee(
    *, store: Store, catalog: Catalog, employee_id: str, changes: Mapping[str, Any]
) -> Employee:
    """Create an employee, or change the given fields of an existing one (the
    others are kept, but a new step without its day leaves the day unknown,
    and clearing the step clears it), after checking every reference. A new
    employee needs at least `name` and `birth_year`."""
    unknown = set(changes) - EMPLOYEE_FIELDS
    if unknown:
        raise ValidationError(f"unknown fields: {sorted(unknown)}", field=min(unknown))
    (existing,) = await store.get_employees([employee_id])
    if existing is None:
        for required in ("name", "birth_year"):
            if changes.get(required) is None:
                raise ValidationError(f"a new employee needs {required}", field=required)
        base: dict[str, Any] = {"id": employee_id}
    else:
        base = existing.model_dump()
    for required in ("name", "birth_year"):
        if required in changes and changes[required] is None:
            raise ValidationError(f"{required} cannot be cleared", field=required)
    if changes.get("manages"):
        check_unique(changes["manages"], field="manages")
    merged = {**base, **changes}
    if (
        existing is not None
        and merged.get("step_id") != existing.step_id
        and "step_since" not in changes
    ):
        # A new step began on a day of its own: the old step's day would count
        # its months as served at the new one (DESIGN §4's time rule). Unknown
        # until given.
        merged["step_since"] = None
    if merged.get("step_id") is None and merged.get("step_since") is not None:
        # Clearing the step clears the day it began; a day with no step is a mistake.
        if changes.get("step_since") is not None:
            raise ValidationError("step_since needs a step", field="step_since")
        merged["step_since"] = None
    employee = Employee.model_validate(merged)
    if employee.profession_id is not None and employee.profession_id not in catalog.professions:
        raise NotFoundError("profession", employee.profession_id)
    if employee.step_id is not None:
        step = catalog.steps.get(employee.step_id)
        if step is None:
            raise NotFoundError("step", employee.step_id)
        ladder = catalog.ladders.get(step.ladder_id)
        if (
            employee.profession_id is not None
            and ladder is not None
            and ladder.profession_id != employee.profession_id
        ):
            raise ValidationError(
                f"step {step.id!r} is on a ladder of another profession", field="step_id"
            )
    unit_ids = [u for u in (employee.unit_id, *employee.manages) if u is not None]
    found = await store.get_units(unit_ids)
    for unit_id, unit in zip(unit_ids, found, strict=True):
        if unit is None:
            raise NotFoundError("unit", unit_id)
    # Against a concurrent change: the fields kept from `existing` would
    # otherwise undo what another command wrote since (a lost update).
    await store.upsert_employee(employee, expected=Was(existing))
    return employee
