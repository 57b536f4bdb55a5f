"""`AggregateReads.mentor_rows` of the embedded store: possible mentors, compact.

Two statements in one snapshot: the seniors (born by `born_by`) of the units
asked about (by `employee_by_unit_birth_year`, migration 4) or of the region
(by `employee_by_birth_year`), or with a least weight the few who can reach
it (listed by `holding_by_senior`, migrations 6 and 8, and weighed by
`holding_high_by_employee`, migration 7), each joined to their holdings of
the asked competencies by primary key; then the active mentorships of those
found.
Only ids, levels and numbers travel back: no model per holding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping, Sequence
from datetime import date

import apsw

from graph.embedded.aggregates import valid
from graph.embedded.rows import one
from graph.pivots import choose_pivots
from graph.validity import validity_bounds
from ladders.ports import MentorRow

# A holding `h` (LEFT JOINed to `bounds b` on its competence) that counts.
_VALID = valid("b.earliest")
_SENIORS_IN_UNITS = """
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee
    WHERE unit_id IN (SELECT value FROM json_each(:units)) AND birth_year <= :born_by
    UNION ALL
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee
    WHERE :without_unit AND unit_id IS NULL AND birth_year <= :born_by"""
_SENIORS = """
    SELECT id, unit_id, birth_year, mentor_capacity FROM employee WHERE birth_year <= :born_by"""
# With a least weight: the holders of the pivots (`graph.pivots`: the rarest
# few asked competencies, by `_pivots`), which `holding_by_senior`
# (migrations 6 and 8: by competence, then the seniors' range of birth years)
# lists with no table row; those who hold every must and reach
# the pivots' least are weighed over every weighted competence asked, and
# those who reach the least weight read in full. Must and weight are looked
# up by key in `holding_high_by_employee` (migration 7), again with no table
# row. Expiry is left out until then (a bound); the true weight is checked in
# Python.
_HEAVY_CTES = """
    must AS MATERIALIZED (SELECT key AS competence_id, value AS least FROM json_each(:must)),
    weighed AS MATERIALIZED (
        SELECT key AS competence_id, value ->> 0 AS least, value ->> 1 AS weight
        FROM json_each(:weighed)),"""
_HEAVY_SENIORS = """
    SELECT e.id, e.unit_id, e.birth_year, e.mentor_capacity
    FROM (
        SELECT pivoted.id
        FROM (
            SELECT h.employee_id AS id
            FROM json_each(:pivots) p CROSS JOIN holding h INDEXED BY holding_by_senior
              ON h.competence_id = p.key AND h.level >= p.value ->> 0 AND h.level >= 4
              AND h.birth_year <= :born_by
            WHERE {in_units}
            GROUP BY h.employee_id HAVING sum(p.value ->> 1) >= :pivot_weight
        ) pivoted
        CROSS JOIN holding h INDEXED BY holding_high_by_employee
          ON h.employee_id = pivoted.id AND h.level >= 4
        CROSS JOIN weighed w ON w.competence_id = h.competence_id AND h.level >= w.least
        WHERE NOT EXISTS (
            SELECT 1 FROM must m WHERE NOT EXISTS (
                SELECT 1 FROM holding x INDEXED BY holding_high_by_employee
                WHERE x.employee_id = pivoted.id AND x.competence_id = m.competence_id
                  AND x.level >= m.least AND x.level >= 4))
        GROUP BY pivoted.id HAVING sum(w.weight) >= :min_weight
    ) heavy CROSS JOIN employee e ON e.id = heavy.id
    WHERE e.birth_year <= :born_by AND {e_in_units}"""
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
Rarity = MutableMapping[tuple[str, int, int], int]
"""(competence, level, born_by) -> senior holders, up to `_COUNT_CAP`."""
_COUNT = """SELECT count(*) FROM (
    SELECT 1 FROM holding INDEXED BY holding_by_senior
    WHERE competence_id = ? AND level >= ? AND level >= 4 AND birth_year <= ? LIMIT ?)"""
_ROWS = """WITH{ctes}
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
    conn: apsw.Connection,
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
        params["weighed"] = json.dumps({c: (min_levels[c], weights[c]) for c in weighed})
        ctes = _HEAVY_CTES
        everywhere = unit_ids is None
        seniors = _HEAVY_SENIORS.format(
            in_units="1" if everywhere else _IN_UNITS.format(t="h"),
            e_in_units="1" if everywhere else _IN_UNITS.format(t="e"),
        )
    elif unit_ids is not None:
        ctes, seniors = "", _SENIORS_IN_UNITS
    else:
        ctes, seniors = "", _SENIORS
    people: dict[str, tuple[str | None, int, int | None]] = {}
    levels: dict[str, dict[str, int]] = {}
    for eid, unit_id, born, capacity, competence_id, level in conn.execute(
        _ROWS.format(ctes=ctes, seniors=seniors, valid=_VALID), params
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
    conn: apsw.Connection,
    min_levels: Mapping[str, int],
    weights: Mapping[str, int],
    min_weight: int,
    born_by: int,
    rarity: Rarity | None,
) -> tuple[dict[str, tuple[int, int]], int, dict[str, int]] | None:
    """(pivots: competence -> (least level, weight), the least weight of them
    to hold, must: competence -> least level) of `_HEAVY_SENIORS`
    (`graph.pivots.choose_pivots` on the senior holders counted here); None
    when nobody can reach `min_weight`."""
    weighed = {c: w for c in min_levels if (w := weights.get(c, 0)) > 0}
    if sum(weighed.values()) < min_weight:
        return None
    known = {} if rarity is None else rarity
    if len(known) > RARITY_KEPT:
        known.clear()
    holders: dict[str, int] = {}
    for c in weighed:
        key = (c, min_levels[c], born_by)
        if key not in known:
            known[key] = one(conn.execute(_COUNT, (*key, _COUNT_CAP)))[0]
        holders[c] = known[key]
    # A competence counted as held by nobody still counts: the counts may be
    # out of date, the answer must not be.
    chosen = choose_pivots(weighed, min_weight, holders)
    if chosen is None:
        return None
    return (
        {c: (min_levels[c], weighed[c]) for c in chosen.competences},
        chosen.least,
        # Rarest first: the check stops at the first one a senior lacks.
        {c: min_levels[c] for c in sorted(chosen.must, key=lambda c: (holders[c], c))},
    )
