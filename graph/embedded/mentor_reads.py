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
# Region-wide with a least weight: a first pass over the holders of the asked
# competencies by `holding_by_competence` alone (no table row: expiry left
# out, so the weight is an upper bound) keeps the seniors who might reach it;
# only those are read in full, and the true weight is checked in Python.
_HEAVY_SENIORS = """
    SELECT e.id, e.unit_id, e.birth_year, e.mentor_capacity
    FROM (
        SELECT h.employee_id AS id
        FROM weighed a CROSS JOIN holding h
          ON h.competence_id = a.competence_id AND h.level >= a.least
        WHERE h.employee_id IN (SELECT id FROM employee WHERE birth_year <= :born_by)
        GROUP BY h.employee_id HAVING sum(a.weight) >= :min_weight
    ) heavy CROSS JOIN employee e ON e.id = heavy.id"""
_ROWS = """WITH
    e AS MATERIALIZED ({seniors}),
    asked AS MATERIALIZED (SELECT key AS competence_id, value AS least FROM json_each(:asked)),
    bounds AS MATERIALIZED (SELECT key AS competence_id, value AS earliest FROM json_each(:bounds)),
    weighed AS MATERIALIZED (
        SELECT a.key AS competence_id, a.value AS least, w.value AS weight
        FROM json_each(:asked) a JOIN json_each(:weights) w ON w.key = a.key
        WHERE w.value > 0
    )
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
    weights: Mapping[str, int],
    min_weight: int,
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
        "weights": json.dumps({c: weights.get(c, 0) for c in min_levels}),
        "min_weight": min_weight,
    }
    if unit_ids is not None:
        seniors = _SENIORS_IN_UNITS
    else:
        seniors = _HEAVY_SENIORS if min_weight > 0 else _SENIORS
    people: dict[str, tuple[str | None, int, int | None]] = {}
    levels: dict[str, dict[str, int]] = {}
    for eid, unit_id, born, capacity, competence_id, level in conn.execute(
        _ROWS.format(seniors=seniors, valid=_VALID), params
    ):
        people[eid] = (unit_id, born, capacity)
        levels.setdefault(eid, {})[competence_id] = level
    if min_weight > 0:
        people = {
            eid: person
            for eid, person in people.items()
            if sum(weights.get(c, 0) for c in levels[eid]) >= min_weight
        }
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
