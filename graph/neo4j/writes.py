"""Transaction functions for every write.

They run inside `session.execute_write`, which may call them again after a
transient failure, so each one is idempotent: MERGE on keys, SET properties,
and no state outside the transaction. Referenced ids are checked inside the
same transaction before anything is linked; an unknown one raises
`IntegrityError`, which rolls the whole transaction back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, TypeVar

from neo4j import AsyncManagedTransaction

from graph.neo4j import cypher as Q
from graph.neo4j import cypher_write as W
from graph.neo4j.mapping import (
    Row,
    activity_row,
    competence_row,
    conversation_row,
    employee_row,
    holding_row,
    ladder_row,
    mentorship_row,
    need_row,
    plan_activity_row,
    plan_row,
    profession_row,
    step_row,
    transition_row,
    unit_row,
)
from ladders.errors import IntegrityError
from ladders.models import (
    Competence,
    Conversation,
    Dataset,
    Employee,
    Holding,
    Ladder,
    LearningActivity,
    Mentorship,
    Plan,
    PlanActivity,
    Profession,
    Step,
    Transition,
    Unit,
    UnitNeed,
)
from ladders.ports import ProgressFn

BATCH: Final = 5_000
"""Rows per UNWIND: large enough to amortise round trips, small enough for the heap."""

T = TypeVar("T")
Done = Callable[[int], None]


def _ignore(_: int) -> None:
    pass


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def run(tx: AsyncManagedTransaction, query: str, **params: Any) -> None:
    result = await tx.run(query, params)
    await result.consume()


async def require(
    tx: AsyncManagedTransaction, label: str, ids: Iterable[str | None], what: str
) -> None:
    """Raise IntegrityError when any of `ids` names no `label` node."""
    wanted = sorted({i for i in ids if i is not None})
    for chunk in chunks(wanted):
        result = await tx.run(W.MISSING[label], {"ids": list(chunk)})
        missing = [str(record["id"]) async for record in result]
        if missing:
            raise IntegrityError(f"unknown {what}: {', '.join(missing)}")


async def _write(
    tx: AsyncManagedTransaction, query: str, rows: Sequence[Row], done: Done = _ignore
) -> None:
    for chunk in chunks(rows):
        await run(tx, query, rows=list(chunk))
        done(len(chunk))


# --- reference data ---------------------------------------------------------


async def bump_reference_version(tx: AsyncManagedTransaction) -> None:
    await run(tx, W.BUMP_REFERENCE_VERSION)


async def write_competences(
    tx: AsyncManagedTransaction, items: Sequence[Competence], done: Done = _ignore
) -> None:
    await _write(tx, W.COMPETENCES, [competence_row(c) for c in items], done)


async def write_professions(
    tx: AsyncManagedTransaction, items: Sequence[Profession], done: Done = _ignore
) -> None:
    await _write(tx, W.PROFESSIONS, [profession_row(p) for p in items], done)


async def write_ladders(
    tx: AsyncManagedTransaction, items: Sequence[Ladder], done: Done = _ignore
) -> None:
    await require(tx, "Profession", (x.profession_id for x in items), "profession of ladder")
    await _write(tx, W.LADDERS, [ladder_row(x) for x in items], done)


async def write_steps(
    tx: AsyncManagedTransaction, items: Sequence[Step], done: Done = _ignore
) -> None:
    await require(tx, "Ladder", (s.ladder_id for s in items), "ladder of step")
    required = (r.competence_id for s in items for r in s.requires)
    await require(tx, "Competence", required, "competence required by step")
    await _write(tx, W.STEPS, [step_row(s) for s in items], done)
    ladder_ids = sorted({s.ladder_id for s in items})
    for chunk in chunks(ladder_ids):
        await run(tx, W.LINK_NEXT, ladder_ids=list(chunk))


async def write_transitions(
    tx: AsyncManagedTransaction, items: Sequence[Transition], done: Done = _ignore
) -> None:
    ends = [i for t in items for i in (t.from_step_id, t.to_step_id)]
    await require(tx, "Step", ends, "step of transition")
    await _write(tx, W.TRANSITIONS, [transition_row(t) for t in items], done)


async def write_activities(
    tx: AsyncManagedTransaction, items: Sequence[LearningActivity], done: Done = _ignore
) -> None:
    developed = (d.competence_id for a in items for d in a.develops)
    await require(tx, "Competence", developed, "competence developed by activity")
    await _write(tx, W.ACTIVITIES, [activity_row(a) for a in items], done)


# --- organisation -----------------------------------------------------------


async def write_units(
    tx: AsyncManagedTransaction, items: Sequence[Unit], done: Done = _ignore
) -> None:
    rows = [unit_row(u) for u in items]
    await _write(tx, W.UNITS, rows, done)
    await require(tx, "Unit", (u.parent_id for u in items), "parent unit")
    await _write(tx, W.UNIT_PARENTS, rows)


async def write_needs(
    tx: AsyncManagedTransaction, items: Sequence[UnitNeed], done: Done = _ignore
) -> None:
    await require(tx, "Unit", (n.unit_id for n in items), "unit of need")
    await require(tx, "Competence", (n.competence_id for n in items), "competence of need")
    await _write(tx, W.NEEDS, [need_row(n) for n in items], done)


# --- people -----------------------------------------------------------------


async def write_employees(
    tx: AsyncManagedTransaction, items: Sequence[Employee], done: Done = _ignore
) -> None:
    units = [i for e in items for i in (e.unit_id, *e.manages)]
    await require(tx, "Unit", units, "unit of employee")
    await require(tx, "Profession", (e.profession_id for e in items), "profession of employee")
    await require(tx, "Step", (e.step_id for e in items), "step of employee")
    rows = [employee_row(e) for e in items]
    await _write(tx, W.EMPLOYEES, rows, done)
    await _write(tx, W.EMPLOYEE_LINKS, rows)


async def write_holdings(
    tx: AsyncManagedTransaction, items: Sequence[Holding], done: Done = _ignore
) -> None:
    await require(tx, "Employee", (h.employee_id for h in items), "employee of holding")
    await require(tx, "Competence", (h.competence_id for h in items), "competence of holding")
    await _write(tx, W.HOLDINGS, [holding_row(h) for h in items], done)


async def write_mentorships(
    tx: AsyncManagedTransaction, items: Sequence[Mentorship], done: Done = _ignore
) -> None:
    people = [i for m in items for i in (m.mentor_id, m.adept_id)]
    await require(tx, "Employee", people, "employee of mentorship")
    focus = (c for m in items for c in m.focus)
    await require(tx, "Competence", focus, "competence in mentorship focus")
    await _write(tx, W.MENTORSHIPS, [mentorship_row(m) for m in items], done)


async def write_plans(
    tx: AsyncManagedTransaction, items: Sequence[Plan], done: Done = _ignore
) -> None:
    await require(tx, "Employee", (p.employee_id for p in items), "employee of plan")
    await require(tx, "Step", (p.target_step_id for p in items), "target step of plan")
    await _write(tx, W.PLANS, [plan_row(p) for p in items], done)


async def write_plan_activities(
    tx: AsyncManagedTransaction, items: Sequence[PlanActivity], done: Done = _ignore
) -> None:
    await require(tx, "Plan", (a.plan_id for a in items), "plan of plan activity")
    competences = (a.competence_id for a in items)
    await require(tx, "Competence", competences, "competence of plan activity")
    activities = (a.activity_id for a in items)
    await require(tx, "LearningActivity", activities, "learning activity of plan activity")
    await _write(tx, W.PLAN_ACTIVITIES, [plan_activity_row(a) for a in items], done)


async def write_conversations(
    tx: AsyncManagedTransaction, items: Sequence[Conversation], done: Done = _ignore
) -> None:
    await require(tx, "Employee", (c.employee_id for c in items), "employee of conversation")
    await _write(tx, W.CONVERSATIONS, [conversation_row(c) for c in items], done)


# --- whole units of work ----------------------------------------------------


async def import_dataset(
    tx: AsyncManagedTransaction, dataset: Dataset, progress: ProgressFn | None
) -> None:
    """Everything in one transaction, in dependency order."""
    done = progress or _ignore
    await write_competences(tx, dataset.competences, done)
    await write_professions(tx, dataset.professions, done)
    await write_ladders(tx, dataset.ladders, done)
    await write_steps(tx, dataset.steps, done)
    await write_transitions(tx, dataset.transitions, done)
    await write_activities(tx, dataset.activities, done)
    reference = dataset.reference()
    if any(
        (
            reference.competences,
            reference.professions,
            reference.ladders,
            reference.steps,
            reference.transitions,
            reference.activities,
        )
    ):
        await bump_reference_version(tx)
    await write_units(tx, dataset.units, done)
    await write_needs(tx, dataset.needs, done)
    await write_employees(tx, dataset.employees, done)
    await write_holdings(tx, dataset.holdings, done)
    await write_mentorships(tx, dataset.mentorships, done)
    await write_plans(tx, dataset.plans, done)
    await write_plan_activities(tx, dataset.plan_activities, done)
    await write_conversations(tx, dataset.conversations, done)


async def add_plan_activity(tx: AsyncManagedTransaction, item: PlanActivity) -> PlanActivity:
    await require(tx, "Plan", [item.plan_id], "plan of plan activity")
    await run(tx, W.LOCK_PLAN, plan_id=item.plan_id)
    result = await tx.run(Q.LAST_PLAN_SEQ, {"plan_id": item.plan_id})
    record = await result.single(strict=True)
    added = item.model_copy(update={"seq": int(record["seq"]) + 1})
    await write_plan_activities(tx, [added])
    return added


async def update_plan_activity(
    tx: AsyncManagedTransaction, item: PlanActivity, holding: Holding | None
) -> None:
    await require(tx, "PlanActivity", [item.id], "plan activity")
    await write_plan_activities(tx, [item])
    if holding is not None:
        await write_holdings(tx, [holding])
