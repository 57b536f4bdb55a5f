"""`AggregateReads.holder_count` of the embedded store: how many people of
some units hold one competence at a level on a day (nextSteps' unit needs).

One range of `holding_by_unit` (migration 5: each holding carries its
holder's unit) per unit, no table row read. For one competence the expiry
rule (`aggregates.valid`) needs no per-row lookup of the competence's
validity: its earliest valid assessment day is a parameter (at 55k, counting
a region-wide need's 42,000 holders took 150 ms from the holders and their
employees with the per-row lookup, 12 ms like this).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date

from graph.embedded.aggregates import valid
from graph.validity import earliest_valid_assessment

_COUNT = f"""SELECT COUNT(*) FROM holding h
WHERE h.unit_id IN (SELECT value FROM json_each(:units))
  AND h.competence_id = :competence AND h.level >= :level AND {valid(":earliest")}"""


def holder_count(
    conn: sqlite3.Connection, competence_id: str, level: int, unit_ids: Sequence[str], as_of: date
) -> int:
    if not unit_ids:
        return 0
    found = conn.execute(
        "SELECT valid_months FROM competence WHERE id = ?", (competence_id,)
    ).fetchone()
    months = found[0] if found is not None else None
    (count,) = conn.execute(
        _COUNT,
        {
            "competence": competence_id,
            "level": level,
            "units": json.dumps(list(unit_ids)),
            "as_of": as_of.isoformat(),
            "earliest": earliest_valid_assessment(as_of, months).isoformat() if months else None,
        },
    ).fetchone()
    return int(count)
