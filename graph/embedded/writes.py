"""The writes of the embedded store, as plain functions of the writer connection.

Each runs inside the one transaction `connection.Database.write` opened, so
a failure anywhere (a broken key now, a broken reference at COMMIT) leaves
nothing behind. Upserts are `INSERT ... ON CONFLICT DO UPDATE`, never
`INSERT OR REPLACE`, which would delete the row and cascade to its children.
Nested collections (requirements, developments, managed units, mentorship
focus) belong to their owner: writing the owner replaces them. An import
also removes what an owner in the dataset no longer lists (`prune_owned`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import apsw

from graph import owned
from graph.embedded import reads, rows
from ladders.errors import ConflictError, IntegrityError
from ladders.mentor_pool import at_capacity, busiest_day
from ladders.models import (
    Conversation,
    Dataset,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
    PlanStatus,
    UnitNeed,
)
from ladders.ports import ItemExpected, Was, changed, plan_exists

T = TypeVar("T")
Report = Callable[[int], None]

BATCH = 5_000
"""Records per executemany call, and so per progress report."""

REFERENCE_TABLES = (
    "ladder",
    "step",
    "step_requirement",
    "transition",
    "activity_development",
)
PEOPLE_TABLES = (
    "unit",
    "unit_need",
    "employee",
    "employee_manages",
    "holding",
    "mentorship",
    "mentorship_focus",
    "plan",
    "plan_activity",
    "conversation",
)
ALL_TABLES = REFERENCE_TABLES + PEOPLE_TABLES
"""The tables that hold foreign keys, for reporting broken references."""


def _upsert(table: str, columns: str, key: str, *, only_changed: bool = False) -> str:
    """`only_changed`: leave a row that already holds these values untouched,
    so that its UPDATE triggers do not fire."""
    names = [c.strip() for c in columns.split(",")]
    keys = {k.strip() for k in key.split(",")}
    values = [c for c in names if c not in keys]
    updates = ", ".join(f"{c} = excluded.{c}" for c in values)
    if updates and only_changed:
        old = ", ".join(f"{table}.{c}" for c in values)
        new = ", ".join(f"excluded.{c}" for c in values)
        updates += f" WHERE ({old}) IS NOT ({new})"
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({key}) {action}"


UPSERT_COMPETENCE = _upsert("competence", rows.COMPETENCE_COLUMNS, "id")
UPSERT_PROFESSION = _upsert("profession", rows.PROFESSION_COLUMNS, "id")
UPSERT_LADDER = _upsert("ladder", rows.LADDER_COLUMNS, "id")
UPSERT_STEP = _upsert("step", rows.STEP_COLUMNS, "id")
UPSERT_TRANSITION = _upsert("transition", rows.TRANSITION_COLUMNS, "from_step_id, to_step_id")
UPSERT_ACTIVITY = _upsert("activity", rows.ACTIVITY_COLUMNS, "id")
# A unit's triggers renew `units_token` (schema migration 4), which every
# process's unit tree cache watches: importing the same units again must not.
UPSERT_UNIT = _upsert("unit", rows.UNIT_COLUMNS, "id", only_changed=True)
UPSERT_NEED = _upsert("unit_need", rows.NEED_COLUMNS, "unit_id, competence_id, level, horizon")
UPSERT_EMPLOYEE = _upsert("employee", rows.EMPLOYEE_COLUMNS, "id")
# The holder's unit and birth year go along (schema migration 5), read in the
# same statement. Scalar subqueries in VALUES, not INSERT ... SELECT with a
# join: that form runs a one-row subquery per holding and took twice the CPU
# of this one in a bulk import, much of it in the kernel.
UPSERT_HOLDING = f"""INSERT INTO holding ({rows.HOLDING_COLUMNS}, unit_id, birth_year)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT unit_id FROM employee WHERE id = ?1),
  (SELECT birth_year FROM employee WHERE id = ?1))
ON CONFLICT (employee_id, competence_id) DO UPDATE SET level = excluded.level,
  assessed_on = excluded.assessed_on, expires_on = excluded.expires_on,
  source = excluded.source, unit_id = excluded.unit_id, birth_year = excluded.birth_year"""
# The same when the holder is in the dataset being imported (all of them in
# a bulk load): the copies come with the row, saving two lookups per holding.
UPSERT_HOLDING_OF = _upsert(
    "holding", f"{rows.HOLDING_COLUMNS}, unit_id, birth_year", "employee_id, competence_id"
)
UPSERT_MENTORSHIP = _upsert(
    "mentorship", "mentor_id, adept_id, started_on, ended_on", "mentor_id, adept_id, started_on"
)
OPEN_LINK = """SELECT 1 FROM mentorship WHERE mentor_id = ? AND adept_id = ?
  AND (started_on = ? OR ended_on IS NULL OR ended_on > ?) LIMIT 1"""
UPSERT_PLAN = _upsert("plan", rows.PLAN_COLUMNS, "id")
UPSERT_PLAN_ACTIVITY = _upsert("plan_activity", rows.PLAN_ACTIVITY_COLUMNS, "plan_id, seq")
UPSERT_CONVERSATION = _upsert(
    "conversation", rows.CONVERSATION_COLUMNS, "employee_id, kind, held_on"
)

INSERT_REQUIREMENT = (
    f"INSERT INTO step_requirement ({rows.REQUIREMENT_COLUMNS}) VALUES (?, ?, ?, ?)"
)
INSERT_DEVELOPMENT = (
    f"INSERT INTO activity_development ({rows.DEVELOPMENT_COLUMNS}) VALUES (?, ?, ?, ?)"
)
INSERT_MANAGES = "INSERT INTO employee_manages (employee_id, unit_id) VALUES (?, ?)"
_MENTORSHIP_KEY = "mentor_id = ? AND adept_id = ? AND started_on = ?"
DELETE_FOCUS = (
    "DELETE FROM mentorship_focus WHERE mentorship_id = "
    f"(SELECT id FROM mentorship WHERE {_MENTORSHIP_KEY})"
)
INSERT_FOCUS = (
    "INSERT INTO mentorship_focus (mentorship_id, pos, competence_id) "
    f"SELECT id, ?, ? FROM mentorship WHERE {_MENTORSHIP_KEY}"
)
BUMP_REFERENCE_VERSION = "UPDATE meta SET value = value + 1 WHERE key = 'reference_version'"


def _batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _mentorship_key(m: Mentorship) -> tuple[str, str, str]:
    return (m.mentor_id, m.adept_id, m.started_on.isoformat())


def import_dataset(conn: apsw.Connection, data: Dataset, report: Report) -> None:
    """Upsert every record of `data`; `report(n)` after each batch of n records."""

    def plain(sql: str, items: Sequence[T], params: Callable[[T], rows.Params]) -> None:
        for batch in _batches(items):
            conn.executemany(sql, [params(x) for x in batch])
            report(len(batch))

    def owners(
        upsert: tuple[str, Callable[[T], rows.Params]],
        items: Sequence[T],
        delete: tuple[str, Callable[[T], rows.Params]],
        insert: tuple[str, Callable[[T], list[rows.Params]]],
    ) -> None:
        """Upsert owners and replace the nested collection of each."""
        for batch in _batches(items):
            conn.executemany(upsert[0], [upsert[1](x) for x in batch])
            conn.executemany(delete[0], [delete[1](x) for x in batch])
            conn.executemany(insert[0], [p for x in batch for p in insert[1](x)])
            report(len(batch))

    # Every process reloads its reference cache when the version moves: move
    # it only when this import changes some reference data.
    bump = has_reference_data(data) and not reads.reference_data(conn).holds(data)
    plain(UPSERT_COMPETENCE, data.competences, rows.competence_params)
    plain(UPSERT_PROFESSION, data.professions, rows.profession_params)
    plain(UPSERT_LADDER, data.ladders, rows.ladder_params)
    owners(
        (UPSERT_STEP, rows.step_params),
        data.steps,
        ("DELETE FROM step_requirement WHERE step_id = ?", lambda s: (s.id,)),
        (INSERT_REQUIREMENT, lambda s: [rows.requirement_params(s.id, q) for q in s.requires]),
    )
    plain(UPSERT_TRANSITION, data.transitions, rows.transition_params)
    owners(
        (UPSERT_ACTIVITY, rows.activity_params),
        data.activities,
        ("DELETE FROM activity_development WHERE activity_id = ?", lambda a: (a.id,)),
        (INSERT_DEVELOPMENT, lambda a: [rows.development_params(a.id, d) for d in a.develops]),
    )
    plain(UPSERT_UNIT, data.units, rows.unit_params)
    plain(UPSERT_NEED, data.needs, rows.need_params)
    owners(
        (UPSERT_EMPLOYEE, rows.employee_params),
        data.employees,
        ("DELETE FROM employee_manages WHERE employee_id = ?", lambda e: (e.id,)),
        (INSERT_MANAGES, lambda e: [(e.id, u) for u in e.manages]),
    )
    # The dataset's people were written just above: their rows hold exactly
    # the unit and birth year of the dataset's records.
    holders = {e.id: (e.unit_id, e.birth_year) for e in data.employees}
    plain(
        UPSERT_HOLDING_OF,
        [h for h in data.holdings if h.employee_id in holders],
        lambda h: (*rows.holding_params(h), *holders[h.employee_id]),
    )
    plain(
        UPSERT_HOLDING,
        [h for h in data.holdings if h.employee_id not in holders],
        rows.holding_params,
    )
    owners(
        (UPSERT_MENTORSHIP, rows.mentorship_params),
        data.mentorships,
        (DELETE_FOCUS, _mentorship_key),
        (INSERT_FOCUS, _focus_params),
    )
    plain(UPSERT_PLAN, data.plans, rows.plan_params)
    plain(UPSERT_PLAN_ACTIVITY, data.plan_activities, rows.plan_activity_params)
    plain(UPSERT_CONVERSATION, data.conversations, rows.conversation_params)
    # Last: whether a removed step is still someone's is known only once the
    # dataset's own people and plans are written.
    if prune_owned(conn, data) or bump:
        conn.execute(BUMP_REFERENCE_VERSION)


def prune_owned(conn: apsw.Connection, data: Dataset) -> bool:
    """Remove what an owner in `data` no longer lists (DESIGN §7, a folder is
    one dataset): a ladder's steps and the transitions between ladders of
    `data`; the needs of a unit and the items of a plan that `data` lists
    some of (listing none may mean "not in this file", so those are kept).
    Without it a revised ladder kept its dropped step beside the one that
    took its place (two steps at one ordinal), and a shorter plan kept its
    old last items. Raises `IntegrityError` when a dropped step is still
    someone's step or a plan's target. Returns whether reference data was
    removed."""
    removed = _prune_ladders(conn, data)
    kept_needs = {(n.unit_id, n.competence_id, n.level, n.horizon.value) for n in data.needs}
    stale_needs = [
        key
        for n in reads.unit_needs(conn, sorted({n.unit_id for n in data.needs}))
        if (key := (n.unit_id, n.competence_id, n.level, n.horizon.value)) not in kept_needs
    ]
    conn.executemany(
        "DELETE FROM unit_need WHERE unit_id = ? AND competence_id = ? AND level = ?"
        " AND horizon = ?",
        stale_needs,
    )
    conn.executemany(
        "DELETE FROM plan_activity WHERE plan_id = ? AND seq > ?",
        list(owned.last_items(data).items()),
    )
    return removed


def _prune_ladders(conn: apsw.Connection, data: Dataset) -> bool:
    ladder_ids = reads.as_json(sorted({ladder.id for ladder in data.ladders}))
    stored = dict(
        conn.execute(
            f"SELECT id, ladder_id FROM step WHERE ladder_id IN {reads.IDS}", (ladder_ids,)
        )
    )
    found = conn.execute(
        f"SELECT from_step_id, to_step_id FROM transition WHERE from_step_id IN {reads.IDS}"
        f" OR to_step_id IN {reads.IDS}",
        (reads.as_json(stored), reads.as_json(stored)),
    )
    transitions = owned.stale_transitions(data, found, stored=stored)
    conn.executemany(
        "DELETE FROM transition WHERE from_step_id = ? AND to_step_id = ?", transitions
    )
    stale = sorted(owned.stale_steps(data, stored))
    if not stale:
        return bool(transitions)
    users = rows.every(
        conn.execute(
            f"SELECT 'employee', id, step_id FROM employee WHERE step_id IN {reads.IDS}"
            " UNION ALL SELECT 'plan', id, target_step_id FROM plan"
            f" WHERE target_step_id IN {reads.IDS}"
            " ORDER BY 3, 1, 2 LIMIT 5",
            (reads.as_json(stale), reads.as_json(stale)),
        )
    )
    if users:
        raise IntegrityError(
            "; ".join(owned.in_use(kind, who, step, stored[step]) for kind, who, step in users)
        )
    conn.executemany("DELETE FROM step WHERE id = ?", [(step,) for step in stale])
    return True


def has_reference_data(data: Dataset) -> bool:
    return bool(
        data.competences
        or data.professions
        or data.ladders
        or data.steps
        or data.transitions
        or data.activities
    )


def _focus_params(m: Mentorship) -> list[rows.Params]:
    key = _mentorship_key(m)
    return [(pos, competence_id, *key) for pos, competence_id in enumerate(m.focus, start=1)]


# --- single writes ----------------------------------------------------------


def upsert_employee(
    conn: apsw.Connection, employee: Employee, expected: Was[Employee] | None = None
) -> None:
    # Safe without a race: every write runs in BEGIN IMMEDIATE, which holds the
    # file's write lock (in any process), so what is read here is what is
    # replaced.
    if expected is not None:
        [stored] = reads.get_employees(conn, [employee.id])
        if stored != expected.value:
            raise ConflictError(changed(f"employee {employee.id!r}"))
    conn.execute(UPSERT_EMPLOYEE, rows.employee_params(employee))
    conn.execute("DELETE FROM employee_manages WHERE employee_id = ?", (employee.id,))
    conn.executemany(INSERT_MANAGES, [(employee.id, u) for u in employee.manages])


def upsert_holding(conn: apsw.Connection, holding: Holding) -> None:
    conn.execute(UPSERT_HOLDING, rows.holding_params(holding))


def upsert_unit_need(conn: apsw.Connection, need: UnitNeed) -> None:
    conn.execute(UPSERT_NEED, rows.need_params(need))


def upsert_mentorship(
    conn: apsw.Connection, mentorship: Mentorship, expected: Was[Mentorship] | None = None
) -> None:
    if expected is not None:
        stored = _stored_mentorship(conn, mentorship)
        if stored != expected.value:
            link = f"{mentorship.mentor_id}->{mentorship.adept_id}"
            raise ConflictError(changed(f"the mentorship {link}"))
    conn.execute(UPSERT_MENTORSHIP, rows.mentorship_params(mentorship))
    conn.execute(DELETE_FOCUS, _mentorship_key(mentorship))
    conn.executemany(INSERT_FOCUS, _focus_params(mentorship))


def _stored_mentorship(conn: apsw.Connection, key: Mentorship) -> Mentorship | None:
    """The stored mentorship with `key`'s mentor, adept and start day."""
    found = reads.mentorships(conn, [key.mentor_id], "mentor", None)
    return next(
        (m for m in found if (m.adept_id, m.started_on) == (key.adept_id, key.started_on)), None
    )


def start_mentorship(
    conn: apsw.Connection,
    mentorship: Mentorship,
    capacity: int,
    expected: Was[Employee] | None = None,
) -> None:
    # Safe without a race: every write runs in BEGIN IMMEDIATE, which holds the
    # file's write lock (in any process), so no other start can slip between count
    # and insert.
    mentor, adept, day = mentorship.mentor_id, mentorship.adept_id, rows.iso(mentorship.started_on)
    if expected is not None:
        [stored] = reads.get_employees(conn, [mentor])
        if stored != expected.value:
            raise ConflictError(changed(f"employee {mentor!r}"))
    if conn.execute(OPEN_LINK, (mentor, adept, day, day)).fetchone():
        raise ConflictError(f"{mentor!r} already mentors {adept!r}")
    links = reads.mentorships(conn, [mentor], "mentor", None)
    active, busiest = busiest_day(links, mentorship.started_on)
    if active >= capacity:
        raise ConflictError(at_capacity(mentor, active, capacity, busiest, mentorship.started_on))
    upsert_mentorship(conn, mentorship)


def upsert_plan(conn: apsw.Connection, plan: Plan, expected: PlanStatus | None = None) -> None:
    if expected is not None:
        # Safe without a race: every write runs in BEGIN IMMEDIATE, which holds
        # the file's write lock (in any process), so the status read here is the
        # one replaced.
        status = _plan_status(conn, plan.id)
        if status != expected.value:
            raise ConflictError(f"plan {plan.id!r} is {status}")
    conn.execute(UPSERT_PLAN, rows.plan_params(plan))


def create_plan(conn: apsw.Connection, plan: Plan, activities: Sequence[PlanActivity]) -> None:
    # Safe without a race: every write runs in BEGIN IMMEDIATE, which holds the
    # file's write lock (in any process), so no other plan of this id can be
    # written meanwhile.
    if conn.execute("SELECT 1 FROM plan WHERE id = ?", (plan.id,)).fetchone() is not None:
        raise ConflictError(plan_exists(plan.id))
    conn.execute(UPSERT_PLAN, rows.plan_params(plan))
    conn.executemany(UPSERT_PLAN_ACTIVITY, [rows.plan_activity_params(a) for a in activities])


def _plan_status(conn: apsw.Connection, plan_id: str) -> str:
    row = conn.execute("SELECT status FROM plan WHERE id = ?", (plan_id,)).fetchone()
    if row is None:
        raise IntegrityError(f"unknown plan {plan_id!r}")
    return str(row[0])


def add_plan_activity(conn: apsw.Connection, activity: PlanActivity) -> PlanActivity:
    if _plan_status(conn, activity.plan_id) == PlanStatus.CLOSED.value:
        raise ConflictError(f"plan {activity.plan_id!r} is closed")
    # Safe without a race: every write holds the file's write lock (BEGIN IMMEDIATE).
    (seq,) = rows.one(
        conn.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM plan_activity WHERE plan_id = ?",
            (activity.plan_id,),
        )
    )
    added = activity.model_copy(update={"seq": int(seq)})
    conn.execute(UPSERT_PLAN_ACTIVITY, rows.plan_activity_params(added))
    return added


def update_plan_activity(
    conn: apsw.Connection,
    activity: PlanActivity,
    holding: Holding | None,
    expected: ItemExpected | None = None,
) -> None:
    if expected is not None:
        # Safe without a race: every write runs in BEGIN IMMEDIATE, which holds
        # the file's write lock (in any process), so what is read here is what is
        # replaced.
        _check_expected(conn, activity, expected)
    params: rows.Params = rows.plan_activity_params(activity)
    conn.execute(
        "UPDATE plan_activity SET competence_id = ?, target_level = ?, activity_id = ?, "
        "due_on = ?, status = ?, completed_on = ? WHERE plan_id = ? AND seq = ?",
        (*params[2:], *params[:2]),
    )
    if conn.changes() == 0:
        raise IntegrityError(f"unknown plan activity {activity.id!r}")
    if holding is not None:
        upsert_holding(conn, holding)


def _check_expected(conn: apsw.Connection, activity: PlanActivity, expected: ItemExpected) -> None:
    row = conn.execute(
        "SELECT x.status, p.status, p.employee_id, x.competence_id FROM plan_activity x"
        " JOIN plan p ON p.id = x.plan_id WHERE x.plan_id = ? AND x.seq = ?",
        (activity.plan_id, activity.seq),
    ).fetchone()
    if row is None:
        raise IntegrityError(f"unknown plan activity {activity.id!r}")
    status, plan_status, employee_id, competence_id = row
    if status not in {s.value for s in expected.statuses}:
        raise ConflictError(f"plan activity {activity.id!r} is {status}")
    if plan_status == PlanStatus.CLOSED.value:
        raise ConflictError(f"plan {activity.plan_id!r} is closed")
    if expected.holding is not None:
        found = conn.execute(
            f"SELECT {rows.HOLDING_COLUMNS} FROM holding"
            " WHERE employee_id = ? AND competence_id = ?",
            (employee_id, competence_id),
        ).fetchone()
        held = None if found is None else rows.holding_from(found)
        if held != expected.holding.value:
            raise ConflictError(ItemExpected.holding_changed(employee_id, competence_id))


def add_conversation(conn: apsw.Connection, conversation: Conversation) -> None:
    conn.execute(UPSERT_CONVERSATION, rows.conversation_params(conversation))
