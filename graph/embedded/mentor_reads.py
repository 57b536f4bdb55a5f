"""`AggregateReads.mentor_rows` of the embedded store: possible mentors, compact.

Two statements in one snapshot: the seniors (born by `born_by`) of the units
asked about (by `employee_by_unit_birth_year`, migration 4) or of the region
(by `employee_by_birth_year`), or with a least weight the few who can reach
it (by `holding_by_senior`, migration 6), each joined to their holdings of
the asked competencies by primary key; then the active mentorships of those
found.
Only ids, levels and numbers travel back: no model per holding.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, MutableMapping, Sequence
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
# With a least weight W out of `most` (the asked weights' sum): whoever
# reaches W lacks weight <= most - W, so of any set P of asked competencies
# holds weight >= weight(P) - (most - W). P: the rarest few (`_pivots`), whose
# holders `holding_by_senior` (migration 6) lists with no table row, summed
# per senior; a competence weighing more than most - W on its own must be
# held (`must`, checked by key). Only those left are read in full. Expiry
# is left out until then (a bound); the true weight is checked in Python.
_HEAVY_SENIORS = """
    SELECT e.id, e.unit_id, e.birth_year, e.mentor_capacity
    FROM (
        SELECT h.employee_id AS id
        FROM json_each(:pivots) p CROSS JOIN holding h INDEXED BY holding_by_senior
          ON h.competence_id = p.key AND h.level >= p.value ->> 0 AND h.level >= 4
          AND h.birth_year <= :born_by
        WHERE {in_units}
        GROUP BY h.employee_id HAVING sum(p.value ->> 1) >= :pivot_weight
    ) heavy CROSS JOIN employee e ON e.id = heavy.id
    WHERE e.birth_year <= :born_by AND {e_in_units} AND NOT EXISTS (
        SELECT 1 FROM json_each(:must) m WHERE NOT EXISTS (
            SELECT 1 FROM holding x
            WHERE x.employee_id = e.id AND x.competence_id = m.key AND x.level >= m.value))"""
_IN_UNITS = (
    "({t}.unit_id IN (SELECT value FROM json_each(:units))"
    " OR (:without_unit AND {t}.unit_id IS NULL))"
)
# How many seniors hold a competence at a level, counted up to a cap: enough
# to tell the rare from the common. Only an estimate of cost is needed (any
# pivots are right), so a store keeps the counts (`Rarity`) across writes.
_COUNT_CAP = 5000
SENIOR_LEVEL = 4
"""The least level `holding_by_senior` lists (its literal `level >= 4`, which
the queries repeat so that SQLite may use it); least-weight reads asking for
less (a mentor level floor set below 4) read every senior instead."""
RARITY_KEPT = 10_000
PIVOT_BUDGET = 2.0
"""More pivots list more holders but leave fewer seniors to read by key;
past the fewest pivots that do, list up to this many times their holders
(measured at 55,000 people: 1 to 4 about even, 8 and more slower)."""
Rarity = MutableMapping[tuple[str, int, int], int]
"""(competence, level, born_by) -> senior holders, up to `_COUNT_CAP`."""
_COUNT = """SELECT count(*) FROM (
    SELECT 1 FROM holding INDEXED BY holding_by_senior
    WHERE competence_id = ? AND level >= ? AND level >= 4 AND birth_year <= ? LIMIT ?)"""
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
    weights: Mapping[str, int],
    min_weight: int,
    rarity: Rarity | None = None,
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
        "min_weight": min_weight,
    }
    weighed = [c for c in min_levels if weights.get(c, 0) > 0]
    if min_weight > 0 and all(min_levels[c] >= SENIOR_LEVEL for c in weighed):
        heavy = _pivots(conn, min_levels, weights, min_weight, born_by, rarity)
        if heavy is None:
            return []
        pivots, params["pivot_weight"], must = heavy
        params["pivots"], params["must"] = json.dumps(pivots), json.dumps(must)
        everywhere = unit_ids is None
        seniors = _HEAVY_SENIORS.format(
            in_units="1" if everywhere else _IN_UNITS.format(t="h"),
            e_in_units="1" if everywhere else _IN_UNITS.format(t="e"),
        )
    elif unit_ids is not None:
        seniors = _SENIORS_IN_UNITS
    else:
        seniors = _SENIORS
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


def _pivots(
    conn: sqlite3.Connection,
    min_levels: Mapping[str, int],
    weights: Mapping[str, int],
    min_weight: int,
    born_by: int,
    rarity: Rarity | None,
) -> tuple[dict[str, tuple[int, int]], int, dict[str, int]] | None:
    """(pivots: competence -> (least level, weight), the least weight of them
    to hold, must: competence -> least level) of `_HEAVY_SENIORS`; None when
    nobody can reach `min_weight`.

    Pivots: the rarest asked competencies (fewest senior holders per unit of
    weight), enough of them to weigh more than the weight one may lack, and
    then more while the holders they list stay within `PIVOT_BUDGET` times
    those of the fewest that do."""
    weighed = {c: w for c in min_levels if (w := weights.get(c, 0)) > 0}
    spare = sum(weighed.values()) - min_weight  # the weight one may lack
    if spare < 0:
        return None
    known = {} if rarity is None else rarity
    if len(known) > RARITY_KEPT:
        known.clear()
    holders: dict[str, int] = {}
    for c in weighed:
        key = (c, min_levels[c], born_by)
        if key not in known:
            known[key] = conn.execute(_COUNT, (*key, _COUNT_CAP)).fetchone()[0]
        holders[c] = known[key]
    # A competence counted as held by nobody still counts: the counts may be
    # out of date, the answer must not be.
    pivots: dict[str, tuple[int, int]] = {}
    weight = listed = 0
    budget = None  # holders to list: set by the fewest pivots that do
    for c in sorted(weighed, key=lambda c: (holders[c] / weighed[c], c)):
        if budget is None and weight > spare:
            budget = PIVOT_BUDGET * listed
        if budget is not None and listed + holders[c] > budget:
            break
        pivots[c] = (min_levels[c], weighed[c])
        weight += weighed[c]
        listed += holders[c]
    must = {c: min_levels[c] for c, w in weighed.items() if w > spare and c not in pivots}
    return pivots, weight - spare, must
