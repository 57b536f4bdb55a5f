"""Plan coverage (DESIGN §4 "Plan coverage"): how many of a unit subtree's
employees have a current development plan and have had the three yearly talks.

"The 12 months before asOf" is the window (asOf - 12 months, asOf]: from the
day after the same date a year earlier, through asOf itself. So a talk held
on 2025-03-15 counts on 2026-03-14 and no longer on 2026-03-15, and each
yearly talk counts for exactly one year.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from ladders.errors import NotFoundError
from ladders.holding import add_months
from ladders.models import Conversation, ConversationKind, Employee, Plan, PlanStatus
from ladders.ports import AggregateReads, CoverageCount, Store


class ConversationCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ConversationKind
    count: int


class PlanCoverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    unit_id: str
    employees: int
    with_current_plan: int
    share: float
    conversations: tuple[ConversationCount, ...]
    """One per kind, in `ConversationKind` order."""


def year_window(as_of: date) -> tuple[date, date]:
    """The first and last day (both inclusive) of the 12 months before `as_of`."""
    return add_months(as_of, -12) + timedelta(days=1), as_of


def is_current(plan: Plan, as_of: date) -> bool:
    """Active, its period contains `as_of`, and created or followed up within
    the 12 months before `as_of`."""
    first, last = year_window(as_of)
    touched = (plan.created_on, plan.last_followup_on)
    return (
        plan.status is PlanStatus.ACTIVE
        and plan.period_start <= as_of <= plan.period_end
        and any(d is not None and first <= d <= last for d in touched)
    )


def coverage_counts(
    *,
    employees: Sequence[Employee],
    plans: Iterable[Plan],
    conversations: Iterable[Conversation],
    as_of: date,
) -> CoverageCount:
    """How many `employees`, how many with a current plan (`is_current`), and
    per conversation kind how many had one in the 12 months before `as_of`.
    The reference for `AggregateReads.coverage_counts`."""
    ids = {e.id for e in employees}
    with_plan = {p.employee_id for p in plans if p.employee_id in ids and is_current(p, as_of)}
    first, last = year_window(as_of)
    had: dict[ConversationKind, set[str]] = {kind: set() for kind in ConversationKind}
    for c in conversations:
        if c.employee_id in ids and first <= c.held_on <= last:
            had[c.kind].add(c.employee_id)
    return CoverageCount(
        employees=len(ids),
        with_current_plan=len(with_plan),
        conversations=tuple((kind, len(had[kind])) for kind in ConversationKind),
    )


def coverage_from_counts(unit_id: str, counts: CoverageCount) -> PlanCoverage:
    had = dict(counts.conversations)
    return PlanCoverage(
        unit_id=unit_id,
        employees=counts.employees,
        with_current_plan=counts.with_current_plan,
        share=counts.with_current_plan / counts.employees if counts.employees else 0.0,
        conversations=tuple(
            ConversationCount(kind=kind, count=had.get(kind, 0)) for kind in ConversationKind
        ),
    )


async def plan_coverage(*, store: Store, unit_id: str, as_of: date) -> PlanCoverage:
    """The plan coverage of the unit subtree; `NotFoundError` for an unknown
    unit. Counted by the store when it offers `AggregateReads`."""
    unit_ids = await store.subtree_unit_ids(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    first, last = year_window(as_of)
    if isinstance(store, AggregateReads):
        counts = await store.coverage_counts(unit_ids, as_of=as_of, since=first)
        return coverage_from_counts(unit_id, counts)
    employees = await store.employees_in_units(unit_ids)
    ids = [e.id for e in employees]
    plans = await store.plans_of(ids) if ids else []
    conversations = await store.conversations_of(ids, since=first, until=last) if ids else []
    counts = await asyncio.to_thread(
        coverage_counts,
        employees=employees,
        plans=plans,
        conversations=conversations,
        as_of=as_of,
    )
    return coverage_from_counts(unit_id, counts)
