"""Competence supply against need (DESIGN §4 "Competence supply").

`compute_supply` is pure; `competence_supply` reads the subtree's people, their
holdings and plans in batch reads and calls it off the event loop.

Two readings the design leaves open:
- A plan activity without `due_on` is due by its plan's `period_end`: the plan
  is what dates it, so it counts within a horizon when the plan ends by then.
- Activities of closed plans do not count as development: a closed plan is
  no longer being worked on, whatever its leftover items say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.holding import add_months, age, held_level
from ladders.models import (
    Employee,
    Holding,
    Horizon,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    UnitNeed,
)
from ladders.orgtree import UnitTree
from ladders.ports import Store
from ladders.rules import Rules

HORIZON_ORDER: Mapping[Horizon, int] = {Horizon.NOW: 0, Horizon.SHORT: 1, Horizon.LONG: 2}
_DEVELOPING = frozenset({PlanActivityStatus.PLANNED, PlanActivityStatus.ONGOING})


class SupplyRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    unit_id: str
    competence_id: str
    level: int
    required: int
    supply_now: int
    retiring: int
    in_development: int
    projected: int
    shortfall: int


def needs_in_effect(needs: Iterable[UnitNeed], horizon: Horizon) -> list[UnitNeed]:
    """Per (unit, competence, level), the need declared with the largest
    horizon <= `horizon` (horizons ordered now < short < long); by that key."""
    limit = HORIZON_ORDER[horizon]
    best: dict[tuple[str, str, int], UnitNeed] = {}
    for need in needs:
        rank = HORIZON_ORDER[need.horizon]
        if rank > limit:
            continue
        key = (need.unit_id, need.competence_id, need.level)
        kept = best.get(key)
        if kept is None or HORIZON_ORDER[kept.horizon] < rank:
            best[key] = need
    return [best[k] for k in sorted(best)]


@dataclass(frozen=True)
class _Person:
    unit_id: str | None
    retiring: bool
    levels: Mapping[str, int]
    """Held level per needed competence (0 when not held or expired)."""
    developing: Mapping[str, int]
    """Highest target level of a counting plan activity per competence."""


def _people(
    *,
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    plans: Iterable[Plan],
    plan_activities: Iterable[PlanActivity],
    competence_ids: frozenset[str],
    catalog: Catalog,
    rules: Rules,
    years: int,
    as_of: date,
) -> list[_Person]:
    until = add_months(as_of, 12 * years)
    levels: dict[str, dict[str, int]] = {e.id: {} for e in employees}
    for h in holdings:
        if h.employee_id in levels and h.competence_id in competence_ids:
            held = held_level(h, catalog.competences.get(h.competence_id), as_of)
            levels[h.employee_id][h.competence_id] = held
    plan_by_id = {p.id: p for p in plans if p.employee_id in levels}
    developing: dict[str, dict[str, int]] = {e.id: {} for e in employees}
    for item in plan_activities:
        plan = plan_by_id.get(item.plan_id)
        if (
            plan is None
            or plan.status is PlanStatus.CLOSED
            or item.status not in _DEVELOPING
            or item.competence_id not in competence_ids
        ):
            continue
        due = item.due_on if item.due_on is not None else plan.period_end
        if due > until:
            continue
        mine = developing[plan.employee_id]
        mine[item.competence_id] = max(item.target_level, mine.get(item.competence_id, 0))
    return [
        _Person(
            unit_id=e.unit_id,
            # "0 for now": nobody retires within a zero-year horizon.
            retiring=years > 0 and age(e, as_of) + years >= rules.retirement_age,
            levels=levels[e.id],
            developing=developing[e.id],
        )
        for e in employees
    ]


def compute_supply(
    *,
    row_unit_ids: Sequence[str],
    tree: UnitTree,
    needs: Iterable[UnitNeed],
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    plans: Iterable[Plan],
    plan_activities: Iterable[PlanActivity],
    catalog: Catalog,
    rules: Rules,
    horizon: Horizon,
    as_of: date,
) -> list[SupplyRow]:
    """One row per need in effect on each unit of `row_unit_ids`, with supply
    counted over that unit's subtree (in `tree`) among `employees`; by unit
    id, competence id, level."""
    rows_for = set(row_unit_ids)
    effective = [n for n in needs_in_effect(needs, horizon) if n.unit_id in rows_for]
    years = rules.horizon_years(horizon)
    people = _people(
        employees=employees,
        holdings=holdings,
        plans=plans,
        plan_activities=plan_activities,
        competence_ids=frozenset(n.competence_id for n in effective),
        catalog=catalog,
        rules=rules,
        years=years,
        as_of=as_of,
    )
    by_unit: dict[str | None, list[_Person]] = {}
    for person in people:
        by_unit.setdefault(person.unit_id, []).append(person)
    members: dict[str, list[_Person]] = {}
    rows = []
    for need in effective:
        if need.unit_id not in members:
            members[need.unit_id] = [
                p for uid in tree.subtree(need.unit_id) for p in by_unit.get(uid, ())
            ]
        c, level = need.competence_id, need.level
        supply_now = retiring = in_development = 0
        for p in members[need.unit_id]:
            if p.levels.get(c, 0) >= level:
                supply_now += 1
                retiring += p.retiring
            elif p.developing.get(c, 0) >= level:
                in_development += 1
        projected = supply_now - retiring + in_development
        rows.append(
            SupplyRow(
                unit_id=need.unit_id,
                competence_id=c,
                level=level,
                required=need.count,
                supply_now=supply_now,
                retiring=retiring,
                in_development=in_development,
                projected=projected,
                shortfall=max(0, need.count - projected),
            )
        )
    return rows


async def competence_supply(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    unit_id: str,
    horizon: Horizon = Horizon.NOW,
    include_descendants: bool = False,
    as_of: date,
) -> list[SupplyRow]:
    """Supply against the needs in effect on the unit (with
    `include_descendants`, on every unit of its subtree) at `horizon`;
    `NotFoundError` for an unknown unit."""
    unit_ids = await store.subtree_unit_ids(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    row_unit_ids = unit_ids if include_descendants else [unit_id]
    needs = await store.unit_needs(row_unit_ids)
    if not needs:
        return []
    tree = UnitTree(u for u in await store.get_units(unit_ids) if u is not None)
    employees = await store.employees_in_units(unit_ids)
    ids = [e.id for e in employees]
    needed = {n.competence_id for n in needs}
    holdings = [h for h in await store.holdings_of(ids) if h.competence_id in needed]
    plans = [p for p in await store.plans_of(ids) if p.status is not PlanStatus.CLOSED]
    activities = (
        [a for a in await store.plan_activities([p.id for p in plans]) if a.competence_id in needed]
        if plans
        else []
    )
    return await asyncio.to_thread(
        compute_supply,
        row_unit_ids=row_unit_ids,
        tree=tree,
        needs=needs,
        employees=employees,
        holdings=holdings,
        plans=plans,
        plan_activities=activities,
        catalog=catalog,
        rules=rules,
        horizon=horizon,
        as_of=as_of,
    )
