"""`AggregateReads.mentor_rows` of the embedded store: possible mentors, compact.

Two statements in one snapshot: the seniors (born by `born_by`) of the units
asked about (by `employee_by_unit_birth_year`, migration 4) or of the region
(by `employee_by_birth_year`), each joined to their holdings of the asked
competencies by primary key; then the active mentorships of those found.
Only ids, levels and numbers travel back: no model per holding.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date

from graph.validity import validity_bounds
from ladders.ports import MentorRow

# A holding `h` (LEFT JOINed to `bounds b` on its competence) that has not
# expired on :as_of (as in `aggregates`).
_VALID = (
    "(CASE WHEN h.expires_on IS NOT NULL THEN h.expires_on >= :as_of"
    " WHEN h.assessed_on IS NULL OR b.earliest IS NULL THEN 1"
    " ELSE h.assessed_on >= b.earliest END)"
)
_SENIORS_IN_UNITS = """
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee
    WHERE unit_id IN (SELECT value FROM json_each(:units)) AND birth_year <= :born_by
    UNION ALL
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee
    WHERE :without_unit AND unit_id IS NULL AND birth_year <= :born_by"""
_SENIORS = """
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee WHERE birth_year <= :born_by"""
_ROWS = """WITH
    e AS MATERIALIZED ({seniors}),
    asked AS MATERIALIZED (SELECT key AS competence_id, value AS least FROM json_each(:asked)),
    bounds AS MATERIALIZED (SELECT key AS competence_id, value AS earliest FROM json_each(:bounds))
SELECT e.id, e.unit_id, e.birth_year, e.mentor_capacity, h.competence_id, h.level
FROM e CROSS JOIN asked a
CROSS JOIN holding h ON h.employee_id = e.id AND h.competence_id = a.competence_id
LEFT JOIN bounds b ON b.competence_id = h.competence_id
WHERE h.level >= a.least AND {valid}
ORDER BY e.id"""
_ACTIVE = """SELECT mentor_id, adept_id FROM mentorship
WHERE mentor_id IN (SELECT value FROM json_each(:ids))
  AND started_on <= :as_of AND (ended_on IS NULL OR ended_on > :as_of)"""


def mentor_rows(
    conn: sqlite3.Connection,
    min_levels: Mapping[str, int],
    born_by: int,
    as_of: date,
    unit_ids: Sequence[str] | None,
    without_unit: bool,
) -> list[MentorRow]:
    if not min_levels or (unit_ids is not None and not unit_ids and not without_unit):
        return []
    day = as_of.isoformat()
    found = conn.execute(
        "SELECT id, valid_months FROM competence WHERE valid_months IS NOT NULL"
        " AND id IN (SELECT key FROM json_each(?))",
        (json.dumps(dict(min_levels)),),
    )
    params = {
        "asked": json.dumps(dict(min_levels)),
        "bounds": json.dumps(validity_bounds(((r[0], r[1]) for r in found), as_of)),
        "born_by": born_by,
        "as_of": day,
        "units": json.dumps(list(unit_ids or ())),
        "without_unit": int(without_unit),
    }
    seniors = _SENIORS if unit_ids is None else _SENIORS_IN_UNITS
    people: dict[str, tuple[str | None, int, int | None]] = {}
    levels: dict[str, dict[str, int]] = {}
    for eid, unit_id, born, capacity, competence_id, level in conn.execute(
        _ROWS.format(seniors=seniors, valid=_VALID), params
    ):
        people[eid] = (unit_id, born, capacity)
        levels.setdefault(eid, {})[competence_id] = level
    active: dict[str, set[str]] = {}
    if people:
        for mentor_id, adept_id in conn.execute(
            _ACTIVE, {"ids": json.dumps(list(people)), "as_of": day}
        ):
            active.setdefault(mentor_id, set()).add(adept_id)
    return [
        MentorRow(
            id=eid,
            unit_id=unit_id,
            birth_year=born,
            mentor_capacity=capacity,
            levels=levels[eid],
            active_adept_ids=frozenset(active.get(eid, ())),
        )
        for eid, (unit_id, born, capacity) in people.items()
    ]
