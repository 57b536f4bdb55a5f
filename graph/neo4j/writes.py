"""Transaction functions for every write.

They run inside `session.execute_write`, which may call them again after a
transient failure, so each one is idempotent: MERGE on keys, SET properties,
and no state outside the transaction (a `Writer` lives for one attempt).
Referenced ids are checked inside the same transaction before anything is
linked; an unknown one raises `IntegrityError`, which rolls the whole
transaction back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import (
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Final, TypeVar

from neo4j import AsyncManagedTransaction

from graph import owned
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
    to_model,
    transition_row,
    unit_row,
)
from graph.neo4j.params import quiet
from ladders.errors import ConflictError, IntegrityError
from ladders.mentor_pool import at_capacity, busiest_day
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
    PlanStatus,
    Profession,
    Step,
    Transition,
    Unit,
    UnitNeed,
)
from ladders.ports import ItemExpected, ProgressFn, Was, changed, plan_exists

BATCH: Final = 5_000
"""Rows per UNWIND: large enough to amortise round trips, small enough for the heap."""

T = TypeVar("T")
Refs = Mapping[str, Iterable[str | None]]


def _ignore(_: int) -> None:
    pass


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def run(tx: AsyncManagedTransaction, query: str, **params: Any) -> None:
    result = await tx.run(query, quiet(params))
    await result.consume()


class Writer:
    """One attempt of one write transaction.

    Remembers the ids it has written, by label: those exist for the rest of
    the transaction, so a whole-dataset import checks only the references
    that point outside the dataset (usually none, so no query at all).
    """

    def __init__(self, tx: AsyncManagedTransaction, progress: ProgressFn | None = None) -> None:
        self.tx = tx
        self._progress = progress or _ignore
        self._written: defaultdict[str, set[str]] = defaultdict(set)

    async def run(self, query: str, **params: Any) -> None:
        await run(self.tx, query, **params)

    async def require(self, what: str, refs: Refs) -> None:
        """Raise IntegrityError when a referenced id names no node of its label.

        The persons and plans referenced are locked first (`W.LOCK_OWNERS`),
        so none is erased between this check and the write that links to it."""
        wanted = {
            label: sorted({i for i in ids if i is not None} - self._written[label])
            for label, ids in refs.items()
        }
        owners = {label: wanted.get(label, []) for label in W.OWNER_LABELS}
        for start in range(0, max(len(ids) for ids in owners.values()), BATCH):
            batch = {label: ids[start : start + BATCH] for label, ids in owners.items()}
            await self.run(W.LOCK_OWNERS, **batch)
        rounds = max((len(ids) for ids in wanted.values()), default=0)
        for start in range(0, rounds, BATCH):
            params = {
                label: wanted.get(label, [])[start : start + BATCH] for label in W.REFERENCED_LABELS
            }
            result = await self.tx.run(W.MISSING, quiet(params))
            record = await result.single(strict=True)
            for label in W.REFERENCED_LABELS:
                missing = [str(i) for i in record[label]]
                if missing:
                    shown = ", ".join(missing[:20])
                    raise IntegrityError(f"{what} names unknown {label} ids: {shown}")

    async def any_changed(self, query: str, rows: Sequence[Row]) -> bool:
        """Whether `query` (UNWIND `$rows` ... RETURN ... AS changed) says
        true for any batch of `rows`."""
        for chunk in chunks(rows):
            result = await self.tx.run(query, quiet({"rows": list(chunk)}))
            record = await result.single(strict=True)
            if record["changed"]:
                return True
        return False

    def report(self, n: int) -> None:
        """Tell the caller `n` more records were sent."""
        self._progress(n)

    def mark_written(self, label: str, ids: Iterable[str]) -> None:
        """Remember ids written by a query of the caller's own (bulk CREATEs)."""
        self._written[label].update(ids)

    async def write(
        self, query: str, rows: Sequence[Row], *, label: str | None = None, count: bool = True
    ) -> None:
        """UNWIND `rows` in batches; `label`: remember their ids as written."""
        for chunk in chunks(rows):
            await self.run(query, rows=list(chunk))
            if count:
                self._progress(len(chunk))
        if label is not None:
            self._written[label].update(str(r["id"]) for r in rows)


# --- reference data ---------------------------------------------------------


async def write_competences(w: Writer, items: Sequence[Competence]) -> None:
    await w.write(W.COMPETENCES, [competence_row(c) for c in items], label="Competence")


async def write_professions(w: Writer, items: Sequence[Profession]) -> None:
    await w.write(W.PROFESSIONS, [profession_row(p) for p in items], label="Profession")


async def write_ladders(w: Writer, items: Sequence[Ladder]) -> None:
    await w.require("ladder", {"Profession": (x.profession_id for x in items)})
    await w.write(W.LADDERS, [ladder_row(x) for x in items], label="Ladder")


async def write_steps(w: Writer, items: Sequence[Step]) -> None:
    await w.require(
        "step",
        {
            "Ladder": (s.ladder_id for s in items),
            "Competence": (r.competence_id for s in items for r in s.requires),
        },
    )
    await w.write(W.STEPS, [step_row(s) for s in items], label="Step")
    ladder_ids = sorted({s.ladder_id for s in items})
    for chunk in chunks(ladder_ids):
        await w.run(W.LINK_NEXT, ladder_ids=list(chunk))


async def write_transitions(w: Writer, items: Sequence[Transition]) -> None:
    ends = (i for t in items for i in (t.from_step_id, t.to_step_id))
    await w.require("transition", {"Step": ends})
    await w.write(W.TRANSITIONS, [transition_row(t) for t in items])


async def write_activities(w: Writer, items: Sequence[LearningActivity]) -> None:
    developed = (d.competence_id for a in items for d in a.develops)
    await w.require("learning activity", {"Competence": developed})
    await w.write(W.ACTIVITIES, [activity_row(a) for a in items], label="LearningActivity")


# --- organisation -----------------------------------------------------------


async def write_units(w: Writer, items: Sequence[Unit]) -> None:
    rows = [unit_row(u) for u in items]
    # Asked before writing: a new token makes every process read the unit tree again.
    changed = await w.any_changed(W.UNITS_CHANGED, rows)
    await w.write(W.UNITS, rows, label="Unit")
    await w.require("unit", {"Unit": (u.parent_id for u in items)})
    await w.write(W.UNIT_PARENTS, rows, count=False)
    if changed:
        await w.run(W.NEW_UNITS_TOKEN)


async def write_needs(w: Writer, items: Sequence[UnitNeed]) -> None:
    await w.require(
        "unit need",
        {"Unit": (n.unit_id for n in items), "Competence": (n.competence_id for n in items)},
    )
    await w.write(W.NEEDS, [need_row(n) for n in items])


# --- people -----------------------------------------------------------------


async def write_employees(w: Writer, items: Sequence[Employee]) -> None:
    await w.require(
        "employee",
        {
            "Unit": (i for e in items for i in (e.unit_id, *e.manages)),
            "Profession": (e.profession_id for e in items),
            "Step": (e.step_id for e in items),
        },
    )
    rows = [employee_row(e) for e in items]
    await w.write(W.EMPLOYEES, rows, label="Employee")
    await w.write(W.EMPLOYEE_LINKS, rows, count=False)


async def write_holdings(w: Writer, items: Sequence[Holding]) -> None:
    await w.require(
        "holding",
        {
            "Employee": (h.employee_id for h in items),
            "Competence": (h.competence_id for h in items),
        },
    )
    await w.write(W.HOLDINGS, [holding_row(h) for h in items])


async def write_mentorships(w: Writer, items: Sequence[Mentorship]) -> None:
    await w.require(
        "mentorship",
        {
            "Employee": (i for m in items for i in (m.mentor_id, m.adept_id)),
            "Competence": (c for m in items for c in m.focus),
        },
    )
    await w.write(W.MENTORSHIPS, [mentorship_row(m) for m in items])


async def write_plans(w: Writer, items: Sequence[Plan]) -> None:
    await w.require(
        "plan",
        {
            "Employee": (p.employee_id for p in items),
            "Step": (p.target_step_id for p in items),
        },
    )
    await w.write(W.PLANS, [plan_row(p) for p in items], label="Plan")


async def write_plan_activities(w: Writer, items: Sequence[PlanActivity]) -> None:
    await w.require(
        "plan activity",
        {
            "Plan": (a.plan_id for a in items),
            "Competence": (a.competence_id for a in items),
            "LearningActivity": (a.activity_id for a in items),
        },
    )
    await w.write(W.PLAN_ACTIVITIES, [plan_activity_row(a) for a in items], label="PlanActivity")


async def write_conversations(w: Writer, items: Sequence[Conversation]) -> None:
    await w.require("conversation", {"Employee": (c.employee_id for c in items)})
    await w.write(W.CONVERSATIONS, [conversation_row(c) for c in items])


# --- whole units of work ----------------------------------------------------


async def import_dataset(
    tx: AsyncManagedTransaction, dataset: Dataset, progress: ProgressFn | None
) -> None:
    """Everything in one transaction (all or nothing), in dependency order.

    `progress` hears each batch as it is sent; should the driver retry the
    transaction, the count starts over with the new attempt.
    """
    # graph.neo4j.reads imports this module.
    from graph.neo4j.reads import reference_data

    w = Writer(tx, progress)
    # Every process reloads its reference cache when the version moves: move
    # it only when this import changes some reference data.
    bump = has_reference_data(dataset) and not (await reference_data(tx)).holds(dataset)
    await write_competences(w, dataset.competences)
    await write_professions(w, dataset.professions)
    await write_ladders(w, dataset.ladders)
    await write_steps(w, dataset.steps)
    await write_transitions(w, dataset.transitions)
    await write_activities(w, dataset.activities)
    await write_units(w, dataset.units)
    await write_needs(w, dataset.needs)
    await write_employees(w, dataset.employees)
    await write_holdings(w, dataset.holdings)
    await write_mentorships(w, dataset.mentorships)
    await write_plans(w, dataset.plans)
    await write_plan_activities(w, dataset.plan_activities)
    await write_conversations(w, dataset.conversations)
    # Last: whether a removed step is still someone's is known only once the
    # dataset's own people and plans are written.
    if await prune_owned(w, dataset) or bump:
        await w.run(W.BUMP_REFERENCE_VERSION)


async def prune_owned(w: Writer, dataset: Dataset, *, created_plans: Collection[str] = ()) -> bool:
    """Remove what an owner in `dataset` no longer lists: a ladder's steps
    and the transitions between ladders of `dataset`, the needs of a unit and
    the items of a plan that it lists some of (as
    `graph.embedded.writes.prune_owned`, which says why). `created_plans`
    were created by this transaction: nothing of theirs to remove. Raises
    `IntegrityError` when a dropped step is still someone's step or a plan's
    target. Returns whether reference data was removed."""
    removed = await _prune_ladders(w, dataset)
    keep: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for n in dataset.needs:
        keep[n.unit_id].append([n.competence_id, n.level, n.horizon.value])
    rows = [{"unit_id": unit, "keep": kept} for unit, kept in keep.items()]
    await w.write(W.PRUNE_NEEDS, rows, count=False)
    items = [
        {"plan_id": plan, "last": seq}
        for plan, seq in owned.last_items(dataset).items()
        if plan not in created_plans
    ]
    await w.write(W.PRUNE_PLAN_ITEMS, items, count=False)
    return removed


async def _prune_ladders(w: Writer, dataset: Dataset) -> bool:
    if not dataset.ladders:
        return False
    result = await w.tx.run(W.LADDER_STEPS, ladder_ids=sorted({x.id for x in dataset.ladders}))
    stored = {str(r["step"]): str(r["ladder"]) async for r in result}
    result = await w.tx.run(W.TRANSITIONS_OF, step_ids=sorted(stored))
    found = [(str(r["from_id"]), str(r["to_id"])) async for r in result]
    transitions = owned.stale_transitions(dataset, found, stored=stored)
    rows = [{"from_id": a, "to_id": b} for a, b in transitions]
    await w.write(W.DELETE_TRANSITIONS, rows, count=False)
    stale = sorted(owned.stale_steps(dataset, stored))
    if not stale:
        return bool(transitions)
    result = await w.tx.run(W.STEP_USERS, step_ids=stale)
    users = [(str(r["kind"]), str(r["who"]), str(r["step"])) async for r in result]
    if users:
        raise IntegrityError(
            "; ".join(owned.in_use(kind, who, step, stored[step]) for kind, who, step in users)
        )
    await w.run(W.DELETE_STEPS, step_ids=stale)
    return True


def has_reference_data(dataset: Dataset) -> bool:
    return bool(
        dataset.competences
        or dataset.professions
        or dataset.ladders
        or dataset.steps
        or dataset.transitions
        or dataset.activities
    )


async def create_plan(
    tx: AsyncManagedTransaction, plan: Plan, activities: Sequence[PlanActivity]
) -> None:
    result = await tx.run(W.NEW_PLAN, {"id": plan.id})
    if not (await result.single(strict=True))["created"]:
        raise ConflictError(plan_exists(plan.id))
    w = Writer(tx)
    await write_plans(w, [plan])
    await write_plan_activities(w, activities)


async def add_plan_activity(tx: AsyncManagedTransaction, item: PlanActivity) -> PlanActivity:
    w = Writer(tx)
    # `require` has taken the plan's lock (LOCK_OWNERS): what is read below
    # is what a concurrent command on the plan committed.
    await w.require("plan activity", {"Plan": [item.plan_id]})
    if await _plan_status(tx, item.plan_id) == PlanStatus.CLOSED.value:
        raise ConflictError(f"plan {item.plan_id!r} is closed")
    result = await tx.run(Q.LAST_PLAN_SEQ, {"plan_id": item.plan_id})
    record = await result.single(strict=True)
    added = item.model_copy(update={"seq": int(record["seq"]) + 1})
    await write_plan_activities(w, [added])
    return added


async def start_mentorship(
    tx: AsyncManagedTransaction,
    item: Mentorship,
    capacity: int,
    expected: Was[Employee] | None = None,
) -> None:
    w = Writer(tx)
    # `require` has taken the mentor's lock (LOCK_OWNERS), which serialises
    # concurrent starts for one mentor: each counts after the last committed.
    await w.require("mentorship", {"Employee": [item.mentor_id, item.adept_id]})
    if expected is not None and await _stored_employee(tx, item.mentor_id) != expected.value:
        raise ConflictError(changed(f"employee {item.mentor_id!r}"))
    result = await tx.run(
        W.MENTOR_LINKS,
        {"mentor_id": item.mentor_id, "adept_id": item.adept_id, "day": item.started_on},
    )
    record = await result.single(strict=True)
    if record["open"]:
        raise ConflictError(f"{item.mentor_id!r} already mentors {item.adept_id!r}")
    # Every link not ended by the start: the new one must fit on each later day too.
    links = [to_model(Mentorship, link) for link in record["links"]]
    active, day = busiest_day(links, item.started_on)
    if active >= capacity:
        raise ConflictError(at_capacity(item.mentor_id, active, capacity, day, item.started_on))
    await write_mentorships(w, [item])


async def update_plan_activity(
    tx: AsyncManagedTransaction,
    item: PlanActivity,
    holding: Holding | None,
    expected: ItemExpected | None = None,
) -> None:
    w = Writer(tx)
    # Locked before the item is looked for: an erasure of the plan's person
    # holding the lock has deleted the item by the time it is checked.
    await w.run(W.LOCK_PLAN, plan_id=item.plan_id)
    await w.require("plan activity update", {"PlanActivity": [item.id]})
    if expected is not None:
        await _check_expected(tx, item, expected)
    await write_plan_activities(w, [item])
    if holding is not None:
        await write_holdings(w, [holding])


async def upsert_employee(
    tx: AsyncManagedTransaction, employee: Employee, expected: Was[Employee] | None
) -> None:
    w = Writer(tx)
    if expected is not None:
        result = await tx.run(W.LOCK_EMPLOYEE, {"id": employee.id})
        record = await result.single(strict=True)
        stored = None if record["created"] else await _stored_employee(tx, employee.id)
        if stored != expected.value:
            raise ConflictError(changed(f"employee {employee.id!r}"))
    await write_employees(w, [employee])


async def _stored_employee(tx: AsyncManagedTransaction, employee_id: str) -> Employee | None:
    result = await tx.run(Q.GET_EMPLOYEES, {"ids": [employee_id]})
    record = await result.single(strict=True)
    return next((to_model(Employee, r) for r in record["rows"]), None)


async def upsert_mentorship(
    tx: AsyncManagedTransaction, mentorship: Mentorship, expected: Was[Mentorship] | None
) -> None:
    w = Writer(tx)
    if expected is not None:
        await w.run(W.LOCK_MENTOR, mentor_id=mentorship.mentor_id)
        result = await tx.run(Q.MENTORSHIPS_AS_MENTOR, {"ids": [mentorship.mentor_id], "day": None})
        record = await result.single(strict=True)
        key = (mentorship.adept_id, mentorship.started_on)
        found = (to_model(Mentorship, r) for r in record["rows"])
        stored = next((m for m in found if (m.adept_id, m.started_on) == key), None)
        if stored != expected.value:
            link = f"{mentorship.mentor_id}->{mentorship.adept_id}"
            raise ConflictError(changed(f"the mentorship {link}"))
    await write_mentorships(w, [mentorship])


async def upsert_plan(tx: AsyncManagedTransaction, plan: Plan, expected: PlanStatus | None) -> None:
    w = Writer(tx)
    if expected is not None:
        await w.require("plan update", {"Plan": [plan.id]})  # and its lock
        status = await _plan_status(tx, plan.id)
        if status != expected.value:
            raise ConflictError(f"plan {plan.id!r} is {status}")
    await write_plans(w, [plan])


async def _plan_status(tx: AsyncManagedTransaction, plan_id: str) -> str:
    result = await tx.run(W.PLAN_STATUS, {"plan_id": plan_id})
    record = await result.single(strict=True)
    return str(record["status"])


async def _check_expected(
    tx: AsyncManagedTransaction, item: PlanActivity, expected: ItemExpected
) -> None:
    """Under the plan's lock: what the command read is still so."""
    result = await tx.run(W.PLAN_ITEM_STATE, {"plan_id": item.plan_id, "id": item.id})
    record = await result.single(strict=True)
    if record["status"] not in {s.value for s in expected.statuses}:
        raise ConflictError(f"plan activity {item.id!r} is {record['status']}")
    if record["plan_status"] == PlanStatus.CLOSED.value:
        raise ConflictError(f"plan {item.plan_id!r} is closed")
    if expected.holding is not None:
        found = record["holding"]
        held = None if found is None else to_model(Holding, found)
        if held != expected.holding.value:
            employee_id, competence_id = record["employee_id"], record["competence_id"]
            raise ConflictError(ItemExpected.holding_changed(employee_id, competence_id))


def single(
    write: Callable[[Writer, Sequence[T]], Awaitable[None]], item: T
) -> Callable[[AsyncManagedTransaction], Awaitable[None]]:
    """A transaction function writing one record with `write`."""
    return lambda tx: write(Writer(tx), [item])
