"""The audit log and erasure (issue 5) on the embedded store: plain functions
of a connection, run by `connection.Database` in one transaction or snapshot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import apsw

from graph.embedded.rows import every
from ladders.ports import AUDIT_PAGE, AuditRecord


def audit_time(at: datetime) -> str:
    """UTC, always with microseconds: the text order is the time order."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def record_audit(conn: apsw.Connection, records: Sequence[AuditRecord]) -> None:
    conn.executemany(
        "INSERT INTO audit (at, who, whom, fields, request_id, operation)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                audit_time(r.at),
                r.who,
                r.whom,
                json.dumps(list(r.fields)),
                r.request_id,
                r.operation,
            )
            for r in records
        ],
    )


def audit_log(
    conn: apsw.Connection,
    who: str | None,
    whom: str | None,
    since: datetime | None,
    limit: int,
) -> list[AuditRecord]:
    rows = every(
        conn.execute(
            """SELECT at, who, whom, fields, request_id, operation FROM audit
           WHERE (:who IS NULL OR who = :who)
             AND (:whom IS NULL OR whom = :whom)
             AND (:since IS NULL OR at >= :since)
           ORDER BY at DESC, who, whom, coalesce(request_id, ''), coalesce(operation, ''), id
           LIMIT :limit""",
            {
                "who": who,
                "whom": whom,
                "since": None if since is None else audit_time(since),
                "limit": max(0, min(limit, AUDIT_PAGE)),
            },
        )
    )
    return [
        AuditRecord(
            at=datetime.fromisoformat(at),
            who=who_,
            whom=whom_,
            fields=tuple(json.loads(fields)),
            request_id=request_id,
            operation=operation,
        )
        for at, who_, whom_, fields, request_id, operation in rows
    ]


def erase_employee(conn: apsw.Connection, employee_id: str) -> bool:
    """Children first, so no deferred foreign key is left pointing at the person."""
    if conn.execute("SELECT 1 FROM employee WHERE id = ?", (employee_id,)).fetchone() is None:
        return False
    key = (employee_id,)
    conn.execute(
        "DELETE FROM plan_activity WHERE plan_id IN (SELECT id FROM plan WHERE employee_id = ?)",
        key,
    )
    conn.execute("DELETE FROM plan WHERE employee_id = ?", key)
    conn.execute("DELETE FROM holding WHERE employee_id = ?", key)
    conn.execute("DELETE FROM conversation WHERE employee_id = ?", key)
    # Focus rows go with their mentorship (ON DELETE CASCADE).
    conn.execute("DELETE FROM mentorship WHERE mentor_id = ? OR adept_id = ?", key * 2)
    conn.execute("DELETE FROM employee_manages WHERE employee_id = ?", key)
    conn.execute("DELETE FROM employee WHERE id = ?", key)
    return True
