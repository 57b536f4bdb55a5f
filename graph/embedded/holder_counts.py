"""`AggregateReads.holder_count` of the embedded store: how many people of
some units hold one competence at a level on a day (nextSteps' unit needs).

Up to half the region's units: from their people (employee_by_unit), each
one's holding by key. More: from the competence's holders
(holding_by_competence), each one's employee by key and their unit looked up
in the list (`+e.unit_id`: probing employee_by_unit once per listed unit and
holder took a minute at 55k): fewer rows than every holding of the units'
people. Expiry as in `aggregates`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date

from graph.embedded.aggregates import BOUNDS, VALID, bounds_json

MOST_OF_REGION = 0.5
"""The share of all units above which counting starts from the holders."""

_FROM_PEOPLE = f"""WITH {BOUNDS}
SELECT COUNT(*) FROM employee e CROSS JOIN holding h
  ON h.employee_id = e.id AND h.competence_id = :competence
WHERE e.unit_id IN (SELECT value FROM json_each(:units)) AND h.level >= :level AND {VALID}"""
_FROM_HOLDERS = f"""WITH {BOUNDS},
  units AS MATERIALIZED (SELECT value AS id FROM json_each(:units))
SELECT COUNT(*) FROM holding h CROSS JOIN employee e ON e.id = h.employee_id
WHERE h.competence_id = :competence AND h.level >= :level
  AND +e.unit_id IN (SELECT id FROM units) AND {VALID}"""


def holder_count(
    conn: sqlite3.Connection, competence_id: str, level: int, unit_ids: Sequence[str], as_of: date
) -> int:
    if not unit_ids:
        return 0
    (units,) = conn.execute("SELECT COUNT(*) FROM unit").fetchone()
    query = _FROM_HOLDERS if len(unit_ids) > MOST_OF_REGION * units else _FROM_PEOPLE
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
