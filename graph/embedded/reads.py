"""The read queries of the embedded store, as plain functions of a connection.

They run on a reader thread inside one snapshot (see `connection.Database`).
Id lists travel as ONE JSON parameter unpacked by `json_each`, so a list of
any length is one query with one bound value (SQLite limits bound variables),
and no SQL is ever built from values. Every ORDER BY is the port's order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import apsw

from graph.embedded import rows
from ladders.models import (
    Conversation,
    Dataset,
    Development,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
    ReferenceData,
    Requirement,
    Unit,
    UnitNeed,
)
from ladders.ports import MentorRole

IDS = "(SELECT value FROM json_each(?))"
NAMED_IDS = "(SELECT value FROM json_each(:ids))"


def as_json(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def _aligned(ids: Sequence[str], found: dict[str, Any]) -> list[Any]:
    return [found.get(i) for i in ids]


# --- reference data ---------------------------------------------------------


def reference_version(conn: apsw.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'reference_version'").fetchone()
    return int(row[0]) if row else 0


def reference_data(conn: apsw.Connection) -> ReferenceData:
    requires: dict[str, list[Requirement]] = defaultdict(list)
    for r in conn.execute(
        f"SELECT {rows.REQUIREMENT_COLUMNS} FROM step_requirement ORDER BY step_id, competence_id"
    ):
        requires[r[0]].append(rows.requirement_from(r))
    develops: dict[str, list[Development]] = defaultdict(list)
    for r in conn.execute(
        f"SELECT {rows.DEVELOPMENT_COLUMNS} FROM activity_development "
        "ORDER BY activity_id, competence_id"
    ):
        develops[r[0]].append(rows.development_from(r))
    return ReferenceData(
        version=reference_version(conn),
        competences=tuple(
            rows.competence_from(r)
            for r in conn.execute(f"SELECT {rows.COMPETENCE_COLUMNS} FROM competence ORDER BY id")
        ),
        professions=tuple(
            rows.profession_from(r)
            for r in conn.execute(f"SELECT {rows.PROFESSION_COLUMNS} FROM profession ORDER BY id")
        ),
        ladders=tuple(
            rows.ladder_from(r)
            for r in conn.execute(f"SELECT {rows.LADDER_COLUMNS} FROM ladder ORDER BY id")
        ),
        steps=tuple(
            rows.step_from(r, requires.get(r[0], ()))
            for r in conn.execute(
                f"SELECT {rows.STEP_COLUMNS} FROM step ORDER BY ladder_id, ordinal, id"
            )
        ),
        transitions=tuple(
            rows.transition_from(r)
            for r in conn.execute(
                f"SELECT {rows.TRANSITION_COLUMNS} FROM transition "
                "ORDER BY from_step_id, to_step_id"
            )
        ),
        activities=tuple(
            rows.activity_from(r, develops.get(r[0], ()))
            for r in conn.execute(f"SELECT {rows.ACTIVITY_COLUMNS} FROM activity ORDER BY id")
        ),
    )


# --- organisation -----------------------------------------------------------


def units(conn: apsw.Connection) -> list[Unit]:
    return [
        rows.unit_from(r) for r in conn.execute(f"SELECT {rows.UNIT_COLUMNS} FROM unit ORDER BY id")
    ]


def get_units(conn: apsw.Connection, ids: Sequence[str]) -> list[Unit | None]:
    found = {
        r[0]: rows.unit_from(r)
        for r in conn.execute(
            f"SELECT {rows.UNIT_COLUMNS} FROM unit WHERE id IN {IDS}", (as_json(ids),)
        )
    }
    return _aligned(ids, found)


def subtree_unit_ids(conn: apsw.Connection, unit_id: str) -> list[str]:
    # UNION (not UNION ALL) drops rows already seen, so even a cyclic tree ends.
    cursor = conn.execute(
        """WITH RECURSIVE sub (id) AS (
            SELECT id FROM unit WHERE id = ?
            UNION
            SELECT u.id FROM unit u JOIN sub ON u.parent_id = sub.id
        )
        SELECT id FROM sub ORDER BY id""",
        (unit_id,),
    )
    return [r[0] for r in cursor]


def unit_needs(conn: apsw.Connection, unit_ids: Sequence[str] | None) -> list[UnitNeed]:
    where, params = (
        ("", ()) if unit_ids is None else (f"WHERE unit_id IN {IDS}", (as_json(unit_ids),))
    )
    return [
        rows.need_from(r)
        for r in conn.execute(
            f"SELECT {rows.NEED_COLUMNS} FROM unit_need {where} "
            "ORDER BY unit_id, competence_id, level, horizon",
            params,
        )
    ]


# --- people -----------------------------------------------------------------


def _employees(conn: apsw.Connection, found: Sequence[Sequence[Any]]) -> list[Employee]:
    """Attach the managed units to employee rows, keeping their order."""
    manages: dict[str, list[str]] = defaultdict(list)
    if found:
        for employee_id, unit_id in conn.execute(
            f"SELECT employee_id, unit_id FROM employee_manages WHERE employee_id IN {IDS} "
            "ORDER BY employee_id, unit_id",
            (as_json(r[0] for r in found),),
        ):
            manages[employee_id].append(unit_id)
    return [rows.employee_from(r, manages.get(r[0], ())) for r in found]


def get_employees(conn: apsw.Connection, ids: Sequence[str]) -> list[Employee | None]:
    found = conn.execute(
        f"SELECT {rows.EMPLOYEE_COLUMNS} FROM employee WHERE id IN {IDS}", (as_json(ids),)
    ).fetchall()
    return _aligned(ids, {e.id: e for e in _employees(conn, found)})


def all_employees(conn: apsw.Connection) -> list[Employee]:
    manages: dict[str, list[str]] = defaultdict(list)
    for employee_id, unit_id in conn.execute(
        "SELECT employee_id, unit_id FROM employee_manages ORDER BY employee_id, unit_id"
    ):
        manages[employee_id].append(unit_id)
    return [
        rows.employee_from(r, manages.get(r[0], ()))
        for r in conn.execute(f"SELECT {rows.EMPLOYEE_COLUMNS} FROM employee ORDER BY id")
    ]


def employees_in_units(
    conn: apsw.Connection, unit_ids: Sequence[str] | None, first: int | None, after: str | None
) -> list[Employee]:
    where, params = _in_units(unit_ids)
    if after is not None:
        where += " AND id > ?"
        params += (after,)
    # LIMIT -1 is SQLite's "no limit".
    params += (-1 if first is None else first,)
    found = conn.execute(
        f"SELECT {rows.EMPLOYEE_COLUMNS} FROM employee WHERE {where} ORDER BY id LIMIT ?", params
    ).fetchall()
    return _employees(conn, found)


def count_employees_in_units(conn: apsw.Connection, unit_ids: Sequence[str] | None) -> int:
    where, params = _in_units(unit_ids)
    row = rows.one(conn.execute(f"SELECT COUNT(*) FROM employee WHERE {where}", params))
    return int(row[0])


def _in_units(unit_ids: Sequence[str] | None) -> tuple[str, tuple[Any, ...]]:
    """The employee rows of these units; None: every row, in a unit or not."""
    if unit_ids is None:
        return "1", ()
    return f"unit_id IN {IDS}", (as_json(unit_ids),)


def holdings_of(conn: apsw.Connection, employee_ids: Sequence[str] | None) -> list[Holding]:
    where, params = (
        ("", ())
        if employee_ids is None
        else (f"WHERE employee_id IN {IDS}", (as_json(employee_ids),))
    )
    return [
        rows.holding_from(r)
        for r in conn.execute(
            f"SELECT {rows.HOLDING_COLUMNS} FROM holding {where} "
            "ORDER BY employee_id, competence_id",
            params,
        )
    ]


def holders(
    conn: apsw.Connection, competence_id: str, min_level: int, unit_ids: Sequence[str] | None
) -> list[Holding]:
    columns = ", ".join(f"h.{c.strip()}" for c in rows.HOLDING_COLUMNS.split(","))
    if unit_ids is None:
        sql = (
            f"SELECT {columns} FROM holding h WHERE h.competence_id = ? AND h.level >= ? "
            "ORDER BY h.employee_id"
        )
        params: tuple[Any, ...] = (competence_id, min_level)
    else:
        # Units -> their employees -> each one's holding (CROSS JOIN fixes that
        # order): otherwise SQLite walks every holder of the competence and probes
        # the unit list for each, seconds for a long list at region scale.
        sql = (
            f"SELECT {columns} FROM (SELECT DISTINCT value AS unit_id FROM json_each(?)) u "
            "CROSS JOIN employee e ON e.unit_id = u.unit_id "
            "CROSS JOIN holding h ON h.employee_id = e.id "
            "WHERE h.competence_id = ? AND h.level >= ? "
            "ORDER BY h.employee_id"
        )
        params = (as_json(unit_ids), competence_id, min_level)
    return [rows.holding_from(r) for r in conn.execute(sql, params)]


_ROLE_FILTER: dict[str, str] = {
    "mentor": f"mentor_id IN {NAMED_IDS}",
    "adept": f"adept_id IN {NAMED_IDS}",
    "any": f"(mentor_id IN {NAMED_IDS} OR adept_id IN {NAMED_IDS})",
}


def mentorships(
    conn: apsw.Connection,
    employee_ids: Sequence[str] | None,
    role: MentorRole = "any",
    active_on: date | None = None,
) -> list[Mentorship]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if employee_ids is not None:
        if role not in _ROLE_FILTER:
            raise ValueError(f"unknown mentorship role {role!r}")
        clauses.append(_ROLE_FILTER[role])
        params["ids"] = as_json(employee_ids)
    if active_on is not None:
        clauses.append("started_on <= :day AND (ended_on IS NULL OR ended_on > :day)")
        params["day"] = active_on.isoformat()
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    found = rows.every(
        conn.execute(
            f"SELECT {rows.MENTORSHIP_COLUMNS} FROM mentorship {where} "
            "ORDER BY mentor_id, adept_id, started_on",
            params,
        )
    )
    focus: dict[int, list[str]] = defaultdict(list)
    if found:
        for mentorship_id, competence_id in conn.execute(
            "SELECT mentorship_id, competence_id FROM mentorship_focus "
            f"WHERE mentorship_id IN {IDS} ORDER BY mentorship_id, pos",
            (json.dumps([r[0] for r in found]),),
        ):
            focus[mentorship_id].append(competence_id)
    return [rows.mentorship_from(r, focus.get(r[0], ())) for r in found]


def get_plans(conn: apsw.Connection, ids: Sequence[str]) -> list[Plan | None]:
    found = {
        r[0]: rows.plan_from(r)
        for r in conn.execute(
            f"SELECT {rows.PLAN_COLUMNS} FROM plan WHERE id IN {IDS}", (as_json(ids),)
        )
    }
    return _aligned(ids, found)


def plans_of(conn: apsw.Connection, employee_ids: Sequence[str] | None) -> list[Plan]:
    where, params = (
        ("", ())
        if employee_ids is None
        else (f"WHERE employee_id IN {IDS}", (as_json(employee_ids),))
    )
    return [
        rows.plan_from(r)
        for r in conn.execute(
            f"SELECT {rows.PLAN_COLUMNS} FROM plan {where} ORDER BY employee_id, id", params
        )
    ]


def plan_activities(conn: apsw.Connection, plan_ids: Sequence[str] | None) -> list[PlanActivity]:
    where, params = (
        ("", ()) if plan_ids is None else (f"WHERE plan_id IN {IDS}", (as_json(plan_ids),))
    )
    return [
        rows.plan_activity_from(r)
        for r in conn.execute(
            f"SELECT {rows.PLAN_ACTIVITY_COLUMNS} FROM plan_activity {where} ORDER BY plan_id, seq",
            params,
        )
    ]


def conversations_of(
    conn: apsw.Connection,
    employee_ids: Sequence[str] | None,
    since: date | None = None,
    until: date | None = None,
) -> list[Conversation]:
    clauses: list[str] = []
    params: list[Any] = []
    if employee_ids is not None:
        clauses.append(f"employee_id IN {IDS}")
        params.append(as_json(employee_ids))
    if since is not None:
        clauses.append("held_on >= ?")
        params.append(since.isoformat())
    if until is not None:
        clauses.append("held_on <= ?")
        params.append(until.isoformat())
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return [
        rows.conversation_from(r)
        for r in conn.execute(
            f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversation {where} "
            "ORDER BY employee_id, held_on, kind",
            params,
        )
    ]


def export_dataset(conn: apsw.Connection) -> Dataset:
    reference = reference_data(conn)
    return Dataset(
        competences=reference.competences,
        professions=reference.professions,
        ladders=reference.ladders,
        steps=reference.steps,
        transitions=reference.transitions,
        activities=reference.activities,
        units=tuple(units(conn)),
        needs=tuple(unit_needs(conn, None)),
        employees=tuple(all_employees(conn)),
        holdings=tuple(holdings_of(conn, None)),
        mentorships=tuple(mentorships(conn, None)),
        plans=tuple(plans_of(conn, None)),
        plan_activities=tuple(plan_activities(conn, None)),
        conversations=tuple(conversations_of(conn, None)),
    )
