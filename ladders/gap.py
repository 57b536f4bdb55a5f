"""Gap: what an employee lacks for a target step (DESIGN §4 "Gap")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.errors import NotFoundError, ValidationError
from ladders.holding import add_months, held_level, is_expired
from ladders.models import Employee, Holding, Step
from ladders.ports import Store
from ladders.rules import Rules


class GapItem(BaseModel):
    """One `REQUIRES` of the target step, measured against the employee."""

    model_config = ConfigDict(frozen=True)

    competence_id: str
    required_level: int
    held_level: int
    missing: int
    mandatory: bool
    expired: bool
    """A holding existed but has expired (so `held_level` is 0)."""
    hours: float
    activity_known: bool


class GapReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    employee_id: str
    target_step_id: str
    ready: bool
    readiness: float
    items: tuple[GapItem, ...]
    total_hours: float


def months_elapsed(since: date | None, as_of: date) -> int:
    """Whole months from `since` to `as_of` (0 when unknown or in the future).

    A month is whole once its same-numbered day is reached, with the short
    months clamped as in `add_months` (31 Jan -> 28 Feb counts as one month).
    """
    if since is None or as_of <= since:
        return 0
    months = (as_of.year - since.year) * 12 + as_of.month - since.month
    if add_months(since, months) > as_of:
        months -= 1
    return max(0, months)


def compute_gap(
    *,
    employee: Employee,
    holdings: Sequence[Holding],
    target: Step | None = None,
    catalog: Catalog,
    rules: Rules,
    as_of: date,
) -> GapReport:
    """The gap of `employee` (with these holdings) to `target`; pure.

    Without a target, the next step of the employee's ladder
    (`ValidationError` when there is none, as in `resolve_target`).
    """
    if target is None:
        target = resolve_target(catalog, employee, None)
    held_by_competence = {h.competence_id: h for h in holdings if h.employee_id == employee.id}
    items: list[GapItem] = []
    for req in sorted(target.requires, key=lambda r: r.competence_id):
        competence = catalog.competences.get(req.competence_id)
        holding = held_by_competence.get(req.competence_id)
        held = held_level(holding, competence, as_of)
        effort = catalog.effort(
            req.competence_id, held, req.level, unmet_hours=rules.unmet_effort_hours
        )
        items.append(
            GapItem(
                competence_id=req.competence_id,
                required_level=req.level,
                held_level=held,
                missing=max(0, req.level - held),
                mandatory=req.mandatory,
                expired=holding is not None and is_expired(holding, competence, as_of),
                hours=effort.hours,
                activity_known=effort.known,
            )
        )
    met = sum(1 for item in items if item.missing == 0)
    mandatory_met = all(item.missing == 0 for item in items if item.mandatory)
    return GapReport(
        employee_id=employee.id,
        target_step_id=target.id,
        ready=mandatory_met and _time_rule_holds(employee, target, catalog, as_of),
        readiness=met / len(items) if items else 1.0,
        items=tuple(items),
        total_hours=sum(item.hours for item in items),
    )


def _time_rule_holds(employee: Employee, target: Step, catalog: Catalog, as_of: date) -> bool:
    """Months at the current step >= its `min_months`, when `target` is its next step.

    An unknown `step_since` counts as no time served, so a step with a
    minimum is not yet done.
    """
    if employee.step_id is None:
        return True
    following = catalog.next_step(employee.step_id)
    if following is None or following.id != target.id:
        return True
    current = catalog.steps[employee.step_id]
    return months_elapsed(employee.step_since, as_of) >= current.min_months


async def load_employee(store: Store, employee_id: str) -> Employee:
    """The employee, or `NotFoundError`."""
    (employee,) = await store.get_employees([employee_id])
    if employee is None:
        raise NotFoundError("employee", employee_id)
    return employee


def resolve_target(catalog: Catalog, employee: Employee, target_step_id: str | None) -> Step:
    """The given step, or else the next step of the employee's ladder.

    Raises `NotFoundError` for an unknown step and `ValidationError` when no
    target is given and the employee has no step or is at the top.
    """
    if target_step_id is not None:
        step = catalog.steps.get(target_step_id)
        if step is None:
            raise NotFoundError("step", target_step_id)
        return step
    if employee.step_id is None:
        raise ValidationError(
            f"employee {employee.id!r} has no current step; give a target step",
            field="targetStepId",
        )
    following = catalog.next_step(employee.step_id)
    if following is None:
        raise ValidationError(
            f"step {employee.step_id!r} has no next step; give a target step",
            field="targetStepId",
        )
    return following


async def gap_report(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee_id: str,
    target_step_id: str | None = None,
    as_of: date,
) -> GapReport:
    """The gap of the employee to the target step (default: their next step)."""
    return await gap_of(
        store=store,
        catalog=catalog,
        rules=rules,
        employee=await load_employee(store, employee_id),
        target_step_id=target_step_id,
        as_of=as_of,
    )


async def gap_of(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee: Employee,
    target_step_id: str | None = None,
    as_of: date,
) -> GapReport:
    """`gap_report` for an employee already read (the API has them from its
    access check: one store round trip fewer)."""
    target = resolve_target(catalog, employee, target_step_id)
    holdings = await store.holdings_of([employee.id])
    return compute_gap(
        employee=employee,
        holdings=holdings,
        target=target,
        catalog=catalog,
        rules=rules,
        as_of=as_of,
    )
