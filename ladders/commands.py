"""Write use cases: what users do day to day (DESIGN §6 "Mutations").

Each command checks every domain rule before it writes, then writes with ONE
store call (one transaction), so a command that fails changes nothing. Rule
breaks raise `NotFoundError`, `ValidationError(field=...)` (field names in
snake_case, the API renders them) or `ConflictError`. Who may run a command is
not decided here: that is the API's policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ladders.catalog import Catalog
from ladders.errors import ConflictError, NotFoundError, ValidationError
from ladders.holding import age, held_level
from ladders.mentors import capacity_of, check_mentorship
from ladders.models import (
    Conversation,
    ConversationKind,
    Dataset,
    Employee,
    Holding,
    HoldingSource,
    Horizon,
    Mentorship,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    UnitNeed,
    parse_plan_activity_id,
)
from ladders.ports import Store
from ladders.rules import Rules
from ladders.suggestions import Suggestion, next_steps

_OPEN_ITEM = (PlanActivityStatus.PLANNED, PlanActivityStatus.ONGOING)


@dataclass(frozen=True)
class NewPlanItem:
    """An item to put in a plan: raise `competence_id` to `target_level`."""

    competence_id: str
    target_level: int
    activity_id: str | None = None
    due_on: date | None = None


def plan_items_from(suggestions: Sequence[Suggestion]) -> list[NewPlanItem]:
    """Plan items for development suggestions, in their order: one per
    activity (to the level it takes the employee), and one without an activity
    for a competence that only a mentor addresses."""
    items: list[NewPlanItem] = []
    with_activity = {s.competence_id for s in suggestions if s.activity_id is not None}
    for s in suggestions:
        if s.activity_id is None and s.competence_id in with_activity:
            continue  # the activities already cover it; the mentor helps along the way
        items.append(
            NewPlanItem(
                competence_id=s.competence_id, target_level=s.to_level, activity_id=s.activity_id
            )
        )
    return items


# --- lookups that raise -------------------------------------------------------


async def _employee(store: Store, employee_id: str) -> Employee:
    (employee,) = await store.get_employees([employee_id])
    if employee is None:
        raise NotFoundError("employee", employee_id)
    return employee


async def _plan(store: Store, plan_id: str) -> Plan:
    (plan,) = await store.get_plans([plan_id])
    if plan is None:
        raise NotFoundError("plan", plan_id)
    return plan


async def _plan_item(store: Store, plan_activity_id: str) -> tuple[Plan, PlanActivity]:
    try:
        plan_id, seq = parse_plan_activity_id(plan_activity_id)
    except ValueError:
        raise NotFoundError("plan activity", plan_activity_id) from None
    plan = await _plan(store, plan_id)
    for item in await store.plan_activities([plan_id]):
        if item.seq == seq:
            return plan, item
    raise NotFoundError("plan activity", plan_activity_id)


def _competence(catalog: Catalog, competence_id: str) -> None:
    if competence_id not in catalog.competences:
        raise NotFoundError("competence", competence_id)


def _level(level: int, field: str) -> None:
    if not 1 <= level <= 5:
        raise ValidationError("a level is 1-5 (Benner)", field=field, value=level)


def _open_plan(plan: Plan) -> None:
    if plan.status is PlanStatus.CLOSED:
        raise ConflictError(f"plan {plan.id!r} is closed")


def _check_item(catalog: Catalog, item: NewPlanItem, prefix: str = "") -> None:
    _competence(catalog, item.competence_id)
    _level(item.target_level, f"{prefix}target_level")
    if item.activity_id is None:
        return
    activity = catalog.activities.get(item.activity_id)
    if activity is None:
        raise NotFoundError("learning activity", item.activity_id)
    if all(d.competence_id != item.competence_id for d in activity.develops):
        raise ValidationError(
            f"activity {activity.id!r} does not develop {item.competence_id!r}",
            field=f"{prefix}activity_id",
            value=item.activity_id,
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
    _level(level, "level")
    if source is HoldingSource.ACTIVITY:
        # An `activity` holding comes only from completing a plan item.
        raise ValidationError("source 'activity' is set by completing a plan item", field="source")
    if expires_on is not None and expires_on < assessed_on:
        raise ValidationError("expires before it was assessed", field="expires_on")
    _competence(catalog, competence_id)
    await _employee(store, employee_id)
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


# --- plans --------------------------------------------------------------------


async def create_plan(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee_id: str,
    period_start: date,
    period_end: date,
    created_on: date,
    status: PlanStatus = PlanStatus.ACTIVE,
    target_step_id: str | None = None,
    items: Sequence[NewPlanItem] = (),
    plan_id: str | None = None,
    from_next_steps: int = 0,
) -> tuple[Plan, list[PlanActivity]]:
    """Create a plan with its first items, in one transaction.

    With `from_next_steps` > 0, the first that many development suggestions
    for the gap to the target step (default: the next step) are added after
    `items` (`plan_items_from`).
    """
    if period_end < period_start:
        raise ValidationError("the period ends before it starts", field="period_end")
    if status is PlanStatus.CLOSED:
        raise ValidationError("a new plan cannot be closed", field="status")
    if target_step_id is not None and target_step_id not in catalog.steps:
        raise NotFoundError("step", target_step_id)
    for index, item in enumerate(items):
        _check_item(catalog, item, prefix=f"items.{index}.")
    await _employee(store, employee_id)
    if from_next_steps:
        suggested = await next_steps(
            store=store,
            catalog=catalog,
            rules=rules,
            employee_id=employee_id,
            target_step_id=target_step_id,
            limit=from_next_steps,
            as_of=created_on,
        )
        items = [*items, *plan_items_from(suggested)]
    if plan_id is None:
        plan_id = f"plan-{uuid.uuid4().hex[:12]}"
    elif (await store.get_plans([plan_id]))[0] is not None:
        raise ConflictError(f"plan {plan_id!r} already exists")
    plan = Plan(
        id=plan_id,
        employee_id=employee_id,
        period_start=period_start,
        period_end=period_end,
        status=status,
        created_on=created_on,
        target_step_id=target_step_id,
    )
    activities = [
        PlanActivity(
            plan_id=plan_id,
            seq=seq,
            competence_id=item.competence_id,
            target_level=item.target_level,
            activity_id=item.activity_id,
            due_on=item.due_on,
        )
        for seq, item in enumerate(items, start=1)
    ]
    # One dataset write is one transaction: the plan and its items or nothing.
    await store.import_dataset(Dataset(plans=(plan,), plan_activities=tuple(activities)))
    return plan, activities


async def add_plan_activity(
    *, store: Store, catalog: Catalog, plan_id: str, item: NewPlanItem
) -> PlanActivity:
    _check_item(catalog, item)
    plan = await _plan(store, plan_id)
    _open_plan(plan)
    return await store.add_plan_activity(
        PlanActivity(
            plan_id=plan_id,
            seq=1,  # the store assigns the next free seq
            competence_id=item.competence_id,
            target_level=item.target_level,
            activity_id=item.activity_id,
            due_on=item.due_on,
        )
    )


async def complete_plan_activity(
    *, store: Store, catalog: Catalog, plan_activity_id: str, completed_on: date
) -> tuple[PlanActivity, Holding]:
    """Mark an item done and record what it gave: a holding at its target level
    with source `activity`, unless a higher level is already held (kept as is)."""
    plan, item = await _plan_item(store, plan_activity_id)
    _open_plan(plan)
    if item.status not in _OPEN_ITEM:
        raise ConflictError(f"plan activity {plan_activity_id!r} is {item.status.value}")
    competence = catalog.competences.get(item.competence_id)
    current = next(
        (
            h
            for h in await store.holdings_of([plan.employee_id])
            if h.competence_id == item.competence_id
        ),
        None,
    )
    done = item.model_copy(update={"status": PlanActivityStatus.DONE, "completed_on": completed_on})
    if current is not None and held_level(current, competence, completed_on) > item.target_level:
        await store.update_plan_activity(done)
        return done, current
    # Equal level too: completing it again renews a holding that expires.
    holding = Holding(
        employee_id=plan.employee_id,
        competence_id=item.competence_id,
        level=item.target_level,
        assessed_on=completed_on,
        source=HoldingSource.ACTIVITY,
    )
    await store.update_plan_activity(done, holding=holding)
    return done, holding


async def cancel_plan_activity(*, store: Store, plan_activity_id: str) -> PlanActivity:
    plan, item = await _plan_item(store, plan_activity_id)
    _open_plan(plan)
    if item.status not in _OPEN_ITEM:
        raise ConflictError(f"plan activity {plan_activity_id!r} is {item.status.value}")
    cancelled = item.model_copy(update={"status": PlanActivityStatus.CANCELLED})
    await store.update_plan_activity(cancelled)
    return cancelled


async def follow_up_plan(
    *, store: Store, plan_id: str, followed_up_on: date, status: PlanStatus | None = None
) -> Plan:
    """Record a follow-up (at the performance or salary talk), optionally
    moving the plan on: draft -> active -> closed, never back."""
    plan = await _plan(store, plan_id)
    _open_plan(plan)
    if plan.created_on is not None and followed_up_on < plan.created_on:
        raise ValidationError("a follow-up before the plan was created", field="followed_up_on")
    order = [PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.CLOSED]
    new_status = plan.status if status is None else status
    if order.index(new_status) < order.index(plan.status):
        raise ValidationError(
            f"a plan cannot go back from {plan.status.value} to {new_status.value}",
            field="status",
        )
    updated = plan.model_copy(update={"last_followup_on": followed_up_on, "status": new_status})
    await store.upsert_plan(updated)
    return updated


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
    (`mentors.check_mentorship`: a focus, held at >= max(target, 4)) are
    reported on `focus`.
    """
    for index, competence_id in enumerate(focus):
        if competence_id not in catalog.competences:
            raise ValidationError(
                f"unknown competence {competence_id!r}", field=f"focus.{index}", value=competence_id
            )
    if mentor_id == adept_id:
        raise ValidationError("a mentor cannot mentor themselves", field="adept_id")
    mentor = await _employee(store, mentor_id)
    await _employee(store, adept_id)
    links = await store.mentorships_of([mentor_id], role="mentor")
    if any(
        m.adept_id == adept_id and (m.ended_on is None or m.ended_on > started_on) for m in links
    ) or any(m.adept_id == adept_id and m.started_on == started_on for m in links):
        raise ConflictError(f"{mentor_id!r} already mentors {adept_id!r}")
    if age(mentor, started_on) < rules.mentor_min_age:
        raise ValidationError(
            f"a mentor must be at least {rules.mentor_min_age} years old",
            field="mentor_id",
            value=mentor_id,
        )
    active = sum(1 for m in links if m.active_on(started_on))
    capacity = capacity_of(mentor, rules)
    if active >= capacity:
        raise ConflictError(
            f"{mentor_id!r} already has {active} active adepts (capacity {capacity})"
        )
    problems = await check_mentorship(
        store=store,
        catalog=catalog,
        rules=rules,
        mentor_id=mentor_id,
        adept_id=adept_id,
        focus=focus,
        as_of=started_on,
    )
    if problems:
        raise ValidationError("; ".join(problems), field="focus")
    mentorship = Mentorship(
        mentor_id=mentor_id, adept_id=adept_id, started_on=started_on, focus=tuple(focus)
    )
    await store.upsert_mentorship(mentorship)
    return mentorship


async def end_mentorship(
    *, store: Store, mentor_id: str, adept_id: str, ended_on: date
) -> Mentorship:
    """End the mentorship between the two that is active on `ended_on`."""
    active = [
        m
        for m in await store.mentorships_of([mentor_id], role="mentor", active_on=ended_on)
        if m.adept_id == adept_id
    ]
    if not active:
        # Starting and ending the same day: active_on(day) is false, but it is still open.
        active = [
            m
            for m in await store.mentorships_of([mentor_id], role="mentor")
            if m.adept_id == adept_id and m.ended_on is None and m.started_on <= ended_on
        ]
    if not active:
        raise NotFoundError("active mentorship", f"{mentor_id}->{adept_id}")
    ended = active[-1].model_copy(update={"ended_on": ended_on})
    await store.upsert_mentorship(ended)
    return ended


# --- conversations, needs, employees -----------------------------------------------


async def record_conversation(
    *, store: Store, employee_id: str, kind: ConversationKind, held_on: date
) -> Conversation:
    """Record one of the three yearly talks (recording it twice changes nothing)."""
    await _employee(store, employee_id)
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
    """Declare how many people a unit needs at >= level (count 0 clears the need)."""
    _level(level, "level")
    if count < 0:
        raise ValidationError("a count cannot be negative", field="count", value=count)
    _competence(catalog, competence_id)
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
    others are kept), after checking every reference. A new employee needs at
    least `name` and `birth_year`."""
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
    employee = Employee.model_validate({**base, **changes})
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
    await store.upsert_employee(employee)
    return employee
