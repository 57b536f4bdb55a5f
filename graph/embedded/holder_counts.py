"""`AggregateReads.holder_count` and `developing_count` of the embedded
store: how many people of some units hold one competence at a level on a day,
and how many more are in development towards it (nextSteps' unit needs).

One range of `holding_by_unit` (migration 5: each holding carries its
holder's unit) per unit, no table row read. For one competence the expiry
rule (`aggregates.valid`) needs no per-row lookup of the competence's
validity: its earliest valid assessment day is a parameter (at 55k, counting
a region-wide need's 42,000 holders took 150 ms from the holders and their
employees with the per-row lookup, 12 ms like this).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import apsw

from graph.embedded.aggregates import valid
from graph.embedded.rows import one
from graph.validity import earliest_valid_assessment
from ladders.models import PlanActivityStatus, PlanStatus

_COUNT = f"""SELECT COUNT(*) FROM holding h
WHERE h.unit_id IN (SELECT value FROM json_each(:units))
  AND h.competence_id = :competence AND h.level >= :level AND {valid(":earliest")}"""


# From the competence's open items (`plan_activity_by_competence`), few
# beside a unit's holders: each one's plan, person and unit, and then whether
# the person already holds the level (a probe of the holding's key). The
# unary `+` keeps the unit test off `employee_by_unit`: with it, SQLite probed
# (unit, id) for every unit asked about per item (at 55k, a region-wide need
# of 3,059 open items: 1.9 s); without, the person is found by id and the
# unit looked up in the list's ephemeral index.
_DEVELOPING = f"""SELECT COUNT(DISTINCT p.employee_id) FROM plan_activity x
JOIN plan p ON p.id = x.plan_id
JOIN employee e ON e.id = p.employee_id
WHERE x.competence_id = :competence AND x.status IN (:planned, :ongoing)
  AND x.target_level >= :level AND p.status != :closed
  AND COALESCE(x.due_on, p.period_end) <= :due_by
  AND +e.unit_id IN (SELECT value FROM json_each(:units))
  AND NOT EXISTS (
    SELECT 1 FROM holding h
    WHERE h.employee_id = e.id AND h.competence_id = :competence AND h.level >= :level
      AND {valid(":earliest")}
  )"""


def _earliest(conn: apsw.Connection, competence_id: str, as_of: date) -> str | None:
    """The competence's earliest valid assessment day on `as_of` (None: no validity)."""
    found = conn.execute(
        "SELECT valid_months FROM competence WHERE id = ?", (competence_id,)
    ).fetchone()
    months = found[0] if found is not None else None
    return earliest_valid_assessment(as_of, months).isoformat() if months else None


def holder_count(
    conn: apsw.Connection, competence_id: str, level: int, unit_ids: Sequence[str], as_of: date
) -> int:
    if not unit_ids:
        return 0
    (count,) = one(
        conn.execute(
            _COUNT,
            {
                "competence": competence_id,
                "level": level,
                "units": json.dumps(list(unit_ids)),
                "as_of": as_of.isoformat(),
                "earliest": _earliest(conn, competence_id, as_of),
            },
        )
    )
    return int(count)


def developing_count(
    conn: apsw.Connection,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
    due_by: date,
) -> int:
    if not unit_ids:
        return 0
    (count,) = one(
        conn.execute(
            _DEVELOPING,
            {
                "competence": competence_id,
                "level": level,
                "units": json.dumps(list(unit_ids)),
                "as_of": as_of.isoformat(),
                "due_by": due_by.isoformat(),
                "earliest": _earliest(conn, competence_id, as_of),
                "planned": PlanActivityStatus.PLANNED.value,
                "ongoing": PlanActivityStatus.ONGOING.value,
                "closed": PlanStatus.CLOSED.value,
            },
        )
    )
    return int(count)
