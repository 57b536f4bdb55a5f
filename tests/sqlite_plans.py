"""The query plans SQLite chose for what a piece of code ran (embedded tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import apsw


def query_plans(conn: apsw.Connection, run: Callable[[apsw.Connection], object]) -> list[str]:
    """Every `EXPLAIN QUERY PLAN` line of the statements `run` executes on `conn`,
    each planned with the values it was bound to."""
    traced: list[tuple[str, Any]] = []

    def trace(_cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        traced.append((sql, bindings))
        return True

    conn.exec_trace = trace
    try:
        run(conn)
    finally:
        conn.exec_trace = None
    return [
        str(detail)
        for sql, bindings in traced
        for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}", bindings)
    ]
