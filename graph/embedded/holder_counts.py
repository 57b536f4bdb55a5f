"""`AggregateReads.holder_count` of the embedded store: how many people of
some units hold one competence at a level on a day (nextSteps' unit needs).

A few units: from their people (employee_by_unit), each one's holding by key.
Many (up to the whole region): from the competence's holders
(holding_by_competence), each one's unit checked against the list: fewer rows
than every holding of the units' people. Expiry as in `aggregates`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date

from graph.embedded.aggregates import VALID, bounds_json

FEW_UNITS = 64

_BOUNDS = """bounds AS MATERIALIZED (
    SELECT key AS competence_id, value AS earliest FROM json_each(:bounds)
  )"""
_FROM_PEOPLE = f"""WITH {_BOUNDS}
SELECT COUNT(*) FROM employee e CROSS JOIN holding h
  ON h.employee_id = e.id AND h.competence_id = :competence
WHERE e.unit_id IN (SELECT value FROM json_each(:units)) AND h.level >= :level AND {VALID}"""
_FROM_HOLDERS = f"""WITH {_BOUNDS},
  units AS MATERIALIZED (SELECT value AS id FROM json_each(:units))
SELECT COUNT(*) FROM holding h CROSS JOIN employee e ON e.id = h.employee_id
WHERE h.competence_id = :competence AND h.level >= :level
  AND e.unit_id IN (SELECT id FROM units) AND {VALID}"""


def holder_count(
    conn: sqlite3.Connection, competence_id: str, level: int, unit_ids: Sequence[str], as_of: date
) -> int:
    if not unit_ids:
        return 0
    query = _FROM_PEOPLE if len(unit_ids) <= FEW_UNITS else _FROM_HOLDERS
    (count,) = conn.execute(
        query,
        {
            "competence": competence_id,
            "level": level,
            "units": json.dumps(list(unit_ids)),
            "as_of": as_of.isoformat(),
            "bounds": bounds_json(conn, as_of),
        },
    ).fetchone()
    return int(count)
