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
from ladders.holding import add_months, held_level
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
from ladders.orgtree import UnitTree, load_tree
from ladders.ports import AggregateReads, Store, SupplyCount
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


def levels_by_competence(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(competence, level) pairs as competence -> its levels, ascending."""
    levels: dict[str, list[int]] = {}
    for competence_id, level in sorted(set(pairs)):
        levels.setdefault(competence_id, []).append(level)
    return levels


@dataclass(frozen=True, slots=True)
class Wants:
    """`AggregateReads.supply_counts`' question with each distinct set of
    pairs once: without its subtree's rows, every unit of a region is asked
    the same ones, and with them, the units under one row mostly are."""

    levels: tuple[dict[str, list[int]], ...]
    """Each distinct set, as `levels_by_competence` gives it."""
    set_of: dict[str, int]
    """Unit -> the index of its set in `levels` (units asked nothing left out)."""


def distinct_wants(wanted: Mapping[str, Iterable[tuple[str, int]]]) -> Wants:
    """`wanted` (unit -> (competence, level) pairs) as `Wants`."""
    index: dict[tuple[tuple[str, int], ...], int] = {}
    levels: list[dict[str, list[int]]] = []
    set_of: dict[str, int] = {}
    for unit_id, pairs in wanted.items():
        key = tuple(sorted(set(pairs)))
        if not key:
            continue
        if key not in index:
            index[key] = len(levels)
            levels.append(levels_by_competence(key))
        set_of[unit_id] = index[key]
    return Wants(levels=tuple(levels), set_of=set_of)


def wanted_by_unit(
    *,
    needs: Iterable[UnitNeed],
    row_unit_ids: Sequence[str],
    unit_ids: Iterable[str],
    tree: UnitTree,
    horizon: Horizon,
) -> dict[str, list[tuple[str, int]]]:
    """Per unit of `unit_ids`, the (competence, level) of the needs in effect
    on it or on a unit above it (in `tree`) among `row_unit_ids`, sorted: the
    counts `fold_supply` adds to some row. Units wanting none are left out."""
    rows_for = set(row_unit_ids)
    own: dict[str, set[tuple[str, int]]] = {}
    for n in needs_in_effect(needs, horizon):
        if n.unit_id in rows_for:
            own.setdefault(n.unit_id, set()).add((n.competence_id, n.level))
    wanted: dict[str, list[tuple[str, int]]] = {}
    for unit_id in unit_ids:
        pairs = set().union(*(own.get(u, ()) for u in tree.ancestors(unit_id)))
        if pairs:
            wanted[unit_id] = sorted(pairs)
    return wanted


def supply_counts(
    *,
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    plans: Iterable[Plan],
    plan_activities: Iterable[PlanActivity],
    wanted: Mapping[str, Iterable[tuple[str, int]]],
    catalog: Catalog,
    retiring_born_by: int | None,
    due_by: date,
    as_of: date,
) -> list[SupplyCount]:
    """Per employee's own unit and (competence, level) that unit has in
    `wanted`: supplyNow, retiring (born in or before `retiring_born_by`, 0
    when None) and inDevelopment (a counting item due by `due_by`); rows with
    a count > 0, by (unit, competence, level). The reference for
    `AggregateReads.supply_counts`; counts add up over units, so a subtree's
    are the sum of its units'."""
    levels_in = {unit_id: levels_by_competence(pairs) for unit_id, pairs in wanted.items()}
    asked = {c for levels in levels_in.values() for c in levels}
    people = {e.id: e for e in employees}
    levels: dict[tuple[str, str], int] = {}
    for h in holdings:
        if h.employee_id in people and h.competence_id in asked:
            held = held_level(h, catalog.competences.get(h.competence_id), as_of)
            levels[h.employee_id, h.competence_id] = held
    plan_by_id = {p.id: p for p in plans if p.employee_id in people}
    developing: dict[tuple[str, str], int] = {}
    for item in plan_activities:
        plan = plan_by_id.get(item.plan_id)
        if (
            plan is None
            or plan.status is PlanStatus.CLOSED
            or item.status not in _DEVELOPING
            or item.competence_id not in asked
        ):
            continue
        due = item.due_on if item.due_on is not None else plan.period_end
        if due <= due_by:
            key = (plan.employee_id, item.competence_id)
            developing[key] = max(item.target_level, developing.get(key, 0))
    counts: dict[tuple[str, str, int], list[int]] = {}
    for e in employees:
        unit = e.unit_id
        if unit is None or not (wanted_levels := levels_in.get(unit)):
            continue
        retires = retiring_born_by is not None and e.birth_year <= retiring_born_by
        for competence_id, want in wanted_levels.items():
            held = levels.get((e.id, competence_id), 0)
            planned = developing.get((e.id, competence_id), 0)
            for level in want:
                if held >= level:
                    row = counts.setdefault((unit, competence_id, level), [0, 0, 0])
                    row[0] += 1
                    row[1] += retires
                elif planned >= level:
                    counts.setdefault((unit, competence_id, level), [0, 0, 0])[2] += 1
    return [
        SupplyCount(
            unit_id=unit_id,
            competence_id=competence_id,
            level=level,
            supply_now=now,
            retiring=retiring,
            in_development=developing_count,
        )
        for (unit_id, competence_id, level), (now, retiring, developing_count) in sorted(
            counts.items()
        )
    ]


def horizon_bounds(*, rules: Rules, horizon: Horizon, as_of: date) -> tuple[int | None, date]:
    """(retiring_born_by, due_by) for a horizon of H years: age(e) + H >=
    retirement_age is birth_year <= as_of.year + H - retirement_age, and no
    one retires within a zero-year horizon ("0 for now")."""
    years = rules.horizon_years(horizon)
    born_by = as_of.year + years - rules.retirement_age if years > 0 else None
    return born_by, add_months(as_of, 12 * years)


def fold_supply(
    *,
    row_unit_ids: Sequence[str],
    tree: UnitTree,
    needs: Iterable[UnitNeed],
    counts: Iterable[SupplyCount],
    horizon: Horizon,
) -> list[SupplyRow]:
    """One row per need in effect on each unit of `row_unit_ids`, its counts
    summed over the unit's subtree (in `tree`); by unit, competence, level."""
    rows_for = set(row_unit_ids)
    in_effect = [n for n in needs_in_effect(needs, horizon) if n.unit_id in rows_for]
    # Each unit's own counts are added to every row unit above it (itself
    # included) that needs them: a walk up a short chain per count, where
    # summing each need's whole subtree read every unit many times over. A
    # chain holds only the totals of the row units with a need (not the units
    # above the subtree, nor those without needs), keyed by (competence, level).
    totals: dict[str, dict[tuple[str, int], list[int]]] = {}
    for n in in_effect:
        totals.setdefault(n.unit_id, {})[n.competence_id, n.level] = [0, 0, 0]
    chains: dict[str, tuple[dict[tuple[str, int], list[int]], ...]] = {}
    for c in counts:
        chain = chains.get(c.unit_id)
        if chain is None:
            chain = chains[c.unit_id] = tuple(
                totals[u] for u in tree.ancestors(c.unit_id) if u in totals
            )
        key = (c.competence_id, c.level)
        for wanted in chain:
            total = wanted.get(key)
            if total is not None:
                total[0] += c.supply_now
                total[1] += c.retiring
                total[2] += c.in_development
    rows = []
    for need in in_effect:
        supply_now, retiring, in_development = totals[need.unit_id][need.competence_id, need.level]
        projected = supply_now - retiring + in_development
        rows.append(
            SupplyRow(
                unit_id=need.unit_id,
                competence_id=need.competence_id,
                level=need.level,
                required=need.count,
                supply_now=supply_now,
                retiring=retiring,
                in_development=in_development,
                projected=projected,
                shortfall=max(0, need.count - projected),
            )
        )
    return rows


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
    needs = list(needs)
    born_by, due_by = horizon_bounds(rules=rules, horizon=horizon, as_of=as_of)
    counts = supply_counts(
        employees=employees,
        holdings=holdings,
        plans=plans,
        plan_activities=plan_activities,
        wanted=wanted_by_unit(
            needs=needs,
            row_unit_ids=row_unit_ids,
            unit_ids={e.unit_id for e in employees if e.unit_id is not None},
            tree=tree,
            horizon=horizon,
        ),
        catalog=catalog,
        retiring_born_by=born_by,
        due_by=due_by,
        as_of=as_of,
    )
    return fold_supply(
        row_unit_ids=row_unit_ids, tree=tree, needs=needs, counts=counts, horizon=horizon
    )


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
    `NotFoundError` for an unknown unit. Counted by the store when it offers
    `AggregateReads`, else from batch reads."""
    # The whole tree (read again only after a unit write, `load_tree`): the
    # subtree, and which needs each unit's counts go to, before counting.
    tree = await load_tree(store)
    unit_ids = tree.subtree(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    row_unit_ids = list(unit_ids) if include_descendants else [unit_id]
    needs = await store.unit_needs(row_unit_ids)
    # Each unit is asked only for what a row above it needs (a 5,000-person
    # subtree's units want ~4 (competence, level) each of the 54 its needs
    # name): counting the rest was most of the work, and thrown away.
    wanted = wanted_by_unit(
        needs=needs, row_unit_ids=row_unit_ids, unit_ids=unit_ids, tree=tree, horizon=horizon
    )
    if not wanted:
        return []
    if isinstance(store, AggregateReads):
        born_by, due_by = horizon_bounds(rules=rules, horizon=horizon, as_of=as_of)
        counts = await store.supply_counts(
            wanted, as_of=as_of, retiring_born_by=born_by, due_by=due_by
        )
    else:
        counts = await supply_counts_from_reads(
            store=store, catalog=catalog, rules=rules, wanted=wanted, horizon=horizon, as_of=as_of
        )
    return fold_supply(
        row_unit_ids=row_unit_ids, tree=tree, needs=needs, counts=counts, horizon=horizon
    )


async def supply_counts_from_reads(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    wanted: Mapping[str, Sequence[tuple[str, int]]],
    horizon: Horizon,
    as_of: date,
) -> list[SupplyCount]:
    """`supply_counts` over the employees of the units of `wanted`, from
    batch reads (what `AggregateReads.supply_counts` must answer too)."""
    employees = await store.employees_in_units(list(wanted))
    ids = [e.id for e in employees]
    needed = {c for pairs in wanted.values() for c, _ in pairs}
    holdings = [h for h in await store.holdings_of(ids) if h.competence_id in needed]
    plans = [p for p in await store.plans_of(ids) if p.status is not PlanStatus.CLOSED]
    activities = (
        [a for a in await store.plan_activities([p.id for p in plans]) if a.competence_id in needed]
        if plans
        else []
    )
    born_by, due_by = horizon_bounds(rules=rules, horizon=horizon, as_of=as_of)
    return await asyncio.to_thread(
        supply_counts,
        employees=employees,
        holdings=holdings,
        plans=plans,
        plan_activities=activities,
        wanted=wanted,
        catalog=catalog,
        retiring_born_by=born_by,
        due_by=due_by,
        as_of=as_of,
    )
