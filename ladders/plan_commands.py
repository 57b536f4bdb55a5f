"""Plan commands: create a development plan, add, complete and cancel its
items, follow it up (DESIGN §6 "Mutations"); the same conventions as
`ladders.commands`: every rule checked first, then one write. Each write
checks again, in its own transaction, what the command decided from
(`expected`): the item still open and its plan not closed, the holding a
completion weighed unchanged, the plan's status a follow-up moved on from.
So of racing commands each either sees the other's write or fails with
`ConflictError`, and none undoes another.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ladders.catalog import Catalog
from ladders.commands import require_competence, require_day, require_employee, require_level
from ladders.errors import ConflictError, NotFoundError, ValidationError
from ladders.holding import expiry, held_level
from ladders.models import (
    Competence,
    Holding,
    HoldingSource,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    parse_plan_activity_id,
)
from ladders.ports import ItemExpected, Store, Was
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


def _open_plan(plan: Plan) -> None:
    if plan.status is PlanStatus.CLOSED:
        raise ConflictError(f"plan {plan.id!r} is closed")


def _open_item(item: PlanActivity) -> None:
    # The store says the same (`Store.update_plan_activity` with `expected`)
    # when a concurrent command changed the item after it was read here.
    if item.status not in _OPEN_ITEM:
        raise ConflictError(f"plan activity {item.id!r} is {item.status.value}")


def _check_item(catalog: Catalog, item: NewPlanItem, prefix: str = "") -> None:
    require_competence(catalog, item.competence_id)
    require_level(item.target_level, f"{prefix}target_level")
    require_day(item.due_on, f"{prefix}due_on")
    if item.activity_id is None:
        return
    activity = catalog.activities.get(item.activity_id)
    if activity is None:
        raise NotFoundError("learning activity", item.activity_id)
    reach = _reach(catalog, item.activity_id, item.competence_id)
    if reach is None:
        raise ValidationError(
            f"activity {activity.id!r} does not develop {item.competence_id!r}",
            field=f"{prefix}activity_id",
            value=item.activity_id,
        )
    if item.target_level > reach:
        # Completing it records the target level: a 0 -> 2 course would
        # certify level 5 (DESIGN §3: an activity raises a level to its to_level).
        raise ValidationError(
            f"activity {activity.id!r} develops {item.competence_id!r} to level {reach} at most",
            field=f"{prefix}target_level",
            value=item.target_level,
        )


def _reach(catalog: Catalog, activity_id: str | None, competence_id: str) -> int | None:
    """The highest level `activity_id` develops `competence_id` to (None: it
    does not develop it, or there is no such activity)."""
    activity = catalog.activities.get(activity_id) if activity_id is not None else None
    if activity is None:
        return None
    levels = [d.to_level for d in activity.develops if d.competence_id == competence_id]
    return max(levels, default=None)


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
    with_mentors: bool = True,
) -> tuple[Plan, list[PlanActivity]]:
    """Create a plan with its first items, in one transaction.

    With `from_next_steps` > 0, the first that many development suggestions
    for the gap to the target step (default: the next step) are added after
    `items` (`plan_items_from`); without `with_mentors`, activities only (as
    `suggestions.next_steps`).
    """
    if period_end < period_start:
        raise ValidationError("the period ends before it starts", field="period_end")
    if status is PlanStatus.CLOSED:
        raise ValidationError("a new plan cannot be closed", field="status")
    if target_step_id is not None and target_step_id not in catalog.steps:
        raise NotFoundError("step", target_step_id)
    for index, item in enumerate(items):
        _check_item(catalog, item, prefix=f"items.{index}.")
    await require_employee(store, employee_id)
    if from_next_steps:
        suggested = await next_steps(
            store=store,
            catalog=catalog,
            rules=rules,
            employee_id=employee_id,
            target_step_id=target_step_id,
            limit=from_next_steps,
            as_of=created_on,
            with_mentors=with_mentors,
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
    # One transaction: the plan and its items or nothing, and a Conflict if
    # another request took the id since it was checked free above.
    await store.create_plan(plan, activities)
    return plan, activities


async def add_plan_activity(
    *, store: Store, catalog: Catalog, plan_id: str, item: NewPlanItem
) -> PlanActivity:
    _check_item(catalog, item, prefix="item.")
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
    (no higher than its activity reaches) with source `activity`, unless the
    holding already held is worth as much: a higher level, or the same level
    counting as long or longer (a certificate valid for years is not cut
    short by a course that renews for one)."""
    require_day(completed_on, "completed_on")
    plan, item = await _plan_item(store, plan_activity_id)
    _open_plan(plan)
    _open_item(item)
    # As a follow-up: the holding it records would be assessed before the
    # plan that gave it existed.
    if plan.created_on is not None and completed_on < plan.created_on:
        raise ValidationError(
            f"completed on {completed_on.isoformat()}, before the plan was created "
            f"({plan.created_on.isoformat()})",
            field="completed_on",
            value=completed_on,
        )
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
    # What was decided from the holding holds only while it is the same.
    expected = ItemExpected(_OPEN_ITEM, holding=Was(current))
    reach = _reach(catalog, item.activity_id, item.competence_id)
    holding = Holding(
        employee_id=plan.employee_id,
        competence_id=item.competence_id,
        level=item.target_level if reach is None else min(item.target_level, reach),
        assessed_on=completed_on,
        source=HoldingSource.ACTIVITY,
    )
    if current is not None and not _betters(holding, current, competence, completed_on):
        await store.update_plan_activity(done, expected=expected)
        return done, current
    await store.update_plan_activity(done, holding=holding, expected=expected)
    return done, holding


def _betters(new: Holding, current: Holding, competence: Competence | None, day: date) -> bool:
    """Whether `new` is worth more than `current` on `day`: a higher held
    level, or the same level counting longer (which renews an expiring one)."""
    held = held_level(current, competence, day)
    if new.level != held:
        return new.level > held
    until, was_until = expiry(new, competence), expiry(current, competence)
    if was_until is None:
        return False
    return until is None or until > was_until


async def cancel_plan_activity(*, store: Store, plan_activity_id: str) -> PlanActivity:
    plan, item = await _plan_item(store, plan_activity_id)
    _open_plan(plan)
    _open_item(item)
    cancelled = item.model_copy(update={"status": PlanActivityStatus.CANCELLED})
    await store.update_plan_activity(cancelled, expected=ItemExpected(_OPEN_ITEM))
    return cancelled


async def follow_up_plan(
    *, store: Store, plan_id: str, followed_up_on: date, status: PlanStatus | None = None
) -> Plan:
    """Record a follow-up (at the performance or salary talk), optionally
    moving the plan on: draft -> active -> closed, never back."""
    require_day(followed_up_on, "followed_up_on")
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
    # A follow-up entered late, with an earlier day, is not the latest one:
    # moving it back would drop the plan from planCoverage's current plans.
    latest = max(filter(None, (plan.last_followup_on, followed_up_on)))
    updated = plan.model_copy(update={"last_followup_on": latest, "status": new_status})
    # Against a concurrent follow-up: no status goes back, a closed plan stays.
    await store.upsert_plan(updated, expected=plan.status)
    return updated
