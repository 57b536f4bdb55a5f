"""Next steps: activities and mentors that close a gap (DESIGN §4 "Next steps")."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.errors import check_between
from ladders.gap import GapItem, GapReport, compute_gap, load_employee, resolve_target
from ladders.holding import held_level
from ladders.mentors import best_mentor_per_competence
from ladders.models import Employee, Holding, Horizon, Unit
from ladders.orgtree import load_tree
from ladders.ports import AggregateReads, Store
from ladders.rules import Rules
from ladders.supply import supply_counts

MAX_LIMIT = 50


class Suggestion(BaseModel):
    """One development step: an activity of a cheapest chain, or a mentor."""

    model_config = ConfigDict(frozen=True)

    competence_id: str
    activity_id: str | None
    mentor_id: str | None
    from_level: int
    to_level: int
    hours: float
    unit_need: bool
    reason: str


@dataclass(frozen=True)
class UnitShortfall:
    """A NOW need of a unit on the employee's path to the root that is not met."""

    unit: Unit
    level: int
    needed: int
    has: int
    developing: int = 0
    """People of the unit's subtree in development towards the level, due by now."""

    def describe(self) -> str:
        text = (
            f"Your {self.unit.kind.value} {self.unit.name} needs {self.needed} "
            f"at level {self.level} and has {self.has}"
        )
        if self.developing:
            text += f", with {self.developing} more in development"
        return text


def build_suggestions(
    *,
    gap: GapReport,
    catalog: Catalog,
    rules: Rules,
    mentors: Mapping[str, str],
    shortfalls: Mapping[str, UnitShortfall],
    limit: int | None = None,
) -> list[Suggestion]:
    """The suggestions for a gap; pure.

    `mentors` maps a competence id to its best mentor candidate's id,
    `shortfalls` a competence id to the nearest unit need it would help meet.
    """
    missing = [item for item in gap.items if item.missing > 0]
    missing.sort(
        key=lambda i: (i.competence_id not in shortfalls, not i.mandatory, i.hours, i.competence_id)
    )
    target = catalog.steps.get(gap.target_step_id)
    target_name = target.name if target is not None else gap.target_step_id
    result: list[Suggestion] = []
    for item in missing:
        shortfall = shortfalls.get(item.competence_id)
        closes = _closes(item, catalog, target_name)
        tail = f". {shortfall.describe()}." if shortfall is not None else "."
        chain = catalog.effort(
            item.competence_id,
            item.held_level,
            item.required_level,
            unmet_hours=rules.unmet_effort_hours,
        ).chain
        for n, link in enumerate(chain, start=1):
            lead = "Closes" if n == len(chain) else f"Step {n} of {len(chain)} towards"
            result.append(
                Suggestion(
                    competence_id=item.competence_id,
                    activity_id=link.activity.id,
                    mentor_id=None,
                    from_level=link.from_level,
                    to_level=link.to_level,
                    hours=link.activity.hours,
                    unit_need=shortfall is not None,
                    reason=f"{lead} {closes}: {link.activity.name} takes you from level "
                    f"{link.from_level} to {link.to_level}{tail}",
                )
            )
        mentor_id = mentors.get(item.competence_id)
        if mentor_id is not None:
            result.append(
                Suggestion(
                    competence_id=item.competence_id,
                    activity_id=None,
                    mentor_id=mentor_id,
                    from_level=item.held_level,
                    to_level=item.required_level,
                    hours=0.0,
                    unit_need=shortfall is not None,
                    reason=f"Closes {closes}: a mentor who holds it at a high level can guide "
                    f"you there{tail}",
                )
            )
    return result if limit is None else result[:limit]


def _closes(item: GapItem, catalog: Catalog, target_name: str) -> str:
    competence = catalog.competences.get(item.competence_id)
    name = competence.name if competence is not None else item.competence_id
    kind = "the mandatory requirement" if item.mandatory else "the optional requirement"
    if item.expired:
        held = "your holding has expired"
    elif item.held_level == 0:
        held = "you do not hold it"
    else:
        held = f"you hold {item.held_level}"
    return f"{kind} {name} level {item.required_level} of {target_name} ({held})"


async def unit_shortfalls(
    *,
    store: Store,
    catalog: Catalog,
    unit_id: str | None,
    competence_ids: Sequence[str],
    as_of: date,
) -> dict[str, UnitShortfall]:
    """Per competence, the nearest unit on the path from `unit_id` to the root
    with a NOW need that has a shortfall (DESIGN §4 "Competence supply" at
    horizon now: fewer holders in its subtree at the need's level on `as_of`,
    plus those in development towards it due by `as_of`, than the need's
    count), so that nextSteps and competenceSupply agree."""
    if unit_id is None or not competence_ids:
        return {}
    tree = await load_tree(store)
    path = tree.ancestors(unit_id)
    wanted = set(competence_ids)
    needs = [
        n
        for n in await store.unit_needs(path)
        if n.horizon == Horizon.NOW and n.competence_id in wanted and n.count > 0
    ]
    distance = {uid: i for i, uid in enumerate(path)}
    needs.sort(key=lambda n: (distance[n.unit_id], n.competence_id, n.level))
    counts = store if isinstance(store, AggregateReads) else _ReferenceCounts(store, catalog)
    found: dict[str, UnitShortfall] = {}
    for need in needs:
        if need.competence_id in found:
            continue
        units = tree.subtree(need.unit_id)
        has = await counts.holder_count(need.competence_id, need.level, unit_ids=units, as_of=as_of)
        if has >= need.count:
            continue
        # Only now, when the holders fall short: most needs are met by them,
        # and those in development are counted from the open plan items. At
        # horizon now they are due by asOf (`supply.horizon_bounds`).
        developing = await counts.developing_count(
            need.competence_id, need.level, unit_ids=units, as_of=as_of, due_by=as_of
        )
        if has + developing < need.count:
            found[need.competence_id] = UnitShortfall(
                unit=tree.units[need.unit_id],
                level=need.level,
                needed=need.count,
                has=has,
                developing=developing,
            )
    return found


async def holder_count(
    *,
    store: Store,
    catalog: Catalog,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
) -> int:
    """How many people of `unit_ids` hold the competence at >= `level` on
    `as_of`, from the holders' rows (the reference of
    `AggregateReads.holder_count`, which counts in the store)."""
    competence = catalog.competences.get(competence_id)
    holders = await store.holders(competence_id, level, unit_ids=unit_ids)
    return sum(1 for h in holders if held_level(h, competence, as_of) >= level)


async def developing_count(
    *,
    store: Store,
    catalog: Catalog,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
    due_by: date,
) -> int:
    """How many people of `unit_ids` are in development towards the
    competence at `level` (`supply_counts`' `in_development`, summed over
    the units): the reference of `AggregateReads.developing_count`."""
    people = await store.employees_in_units(unit_ids)
    ids = [e.id for e in people]
    holdings, plans = await asyncio.gather(store.holdings_of(ids), store.plans_of(ids))
    counts = supply_counts(
        employees=people,
        holdings=holdings,
        plans=plans,
        plan_activities=await store.plan_activities([p.id for p in plans]),
        wanted={u: [(competence_id, level)] for u in unit_ids},
        catalog=catalog,
        retiring_born_by=None,
        due_by=due_by,
        as_of=as_of,
    )
    return sum(c.in_development for c in counts)


class _ReferenceCounts:
    """The two counts of a store without `AggregateReads`, by the references."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog

    async def holder_count(
        self, competence_id: str, level: int, *, unit_ids: Sequence[str], as_of: date
    ) -> int:
        return await holder_count(
            store=self._store,
            catalog=self._catalog,
            competence_id=competence_id,
            level=level,
            unit_ids=unit_ids,
            as_of=as_of,
        )

    async def developing_count(
        self, competence_id: str, level: int, *, unit_ids: Sequence[str], as_of: date, due_by: date
    ) -> int:
        return await developing_count(
            store=self._store,
            catalog=self._catalog,
            competence_id=competence_id,
            level=level,
            unit_ids=unit_ids,
            as_of=as_of,
            due_by=due_by,
        )


async def _no_mentors() -> dict[str, str]:
    return {}


async def best_mentors(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    adept: Employee,
    holdings: Sequence[Holding],
    gap: GapReport,
    as_of: date,
) -> dict[str, str]:
    """Per missing item of `gap`, the best-scoring mentor candidate who
    covers it at the item's required level (`holdings`: the adept's, already
    read)."""
    missing = [item.competence_id for item in gap.items if item.missing > 0]
    known = sorted({c for c in missing if c in catalog.competences})
    if not known:
        return {}
    best = await best_mentor_per_competence(
        store=store,
        catalog=catalog,
        rules=rules,
        adept=adept,
        holdings=holdings,
        competence_ids=known,
        gap=gap,
        as_of=as_of,
    )
    return {c: candidate.mentor_id for c, candidate in best.items()}


async def next_steps(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee_id: str,
    target_step_id: str | None = None,
    limit: int = 5,
    as_of: date,
    with_mentors: bool = True,
) -> list[Suggestion]:
    """The first `limit` development suggestions for the gap to the target
    step (default: the next step)."""
    check_between(limit, field="limit", most=MAX_LIMIT)
    return await next_steps_of(
        store=store,
        catalog=catalog,
        rules=rules,
        employee=await load_employee(store, employee_id),
        target_step_id=target_step_id,
        limit=limit,
        as_of=as_of,
        with_mentors=with_mentors,
    )


async def next_steps_of(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee: Employee,
    target_step_id: str | None = None,
    limit: int = 5,
    as_of: date,
    with_mentors: bool = True,
) -> list[Suggestion]:
    """`next_steps` for an employee already read (the API has them from its
    access check); their holdings are read once, for the gap and the mentors.
    Without `with_mentors`, activities only (no mentor is looked for)."""
    check_between(limit, field="limit", most=MAX_LIMIT)
    target = resolve_target(catalog, employee, target_step_id)
    holdings = await store.holdings_of([employee.id])
    gap = compute_gap(
        employee=employee,
        holdings=holdings,
        target=target,
        catalog=catalog,
        rules=rules,
        as_of=as_of,
    )
    missing = [item.competence_id for item in gap.items if item.missing > 0]
    if not missing:
        return []
    # The mentors and the unit needs do not depend on each other, and each
    # may take a region-wide read: side by side (55k, 30 people, alternating:
    # 90th percentile 190-203 -> 150-158 ms on Neo4j, 28-30 -> 22-23 ms
    # embedded; the median within noise).
    mentors, shortfalls = await asyncio.gather(
        best_mentors(
            store=store,
            catalog=catalog,
            rules=rules,
            adept=employee,
            holdings=holdings,
            gap=gap,
            as_of=as_of,
        )
        if with_mentors
        else _no_mentors(),
        unit_shortfalls(
            store=store,
            catalog=catalog,
            unit_id=employee.unit_id,
            competence_ids=missing,
            as_of=as_of,
        ),
    )
    return build_suggestions(
        gap=gap,
        catalog=catalog,
        rules=rules,
        mentors=mentors,
        shortfalls=shortfalls,
        limit=limit,
    )
