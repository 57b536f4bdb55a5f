"""`AggregateReads.mentor_rows` of the Neo4j store: possible mentors, compact.

In units: from the units (by id) to their employees, the seniors among them,
then each one's holdings of the asked competencies. Region-wide: from the
asked competencies to their senior holders (by the `holds_level` index).
One row per mentor with levels and active adepts; no model per holding.

Expiry as in `aggregates`: `$bounds` holds, per asked competence with a
validity, the earliest assessment day that still counts on `$as_of`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph.neo4j.aggregates import VALID, asked_competences, valid
from graph.pivots import choose_pivots
from ladders.ports import MentorRow

UNITS_TOKEN: Final = "OPTIONAL MATCH (m:Meta {id: 'reference'}) RETURN m.units_token AS token"
_ROW: Final = (
    " RETURN e.id AS id, [(e)-[:WORKS_IN]->(u:Unit) | u.id][0] AS unit_id,"
    " e.birth_year AS birth_year, e.mentor_capacity AS capacity, levels,"
    " [(e)-[r:MENTORS]->(a:Employee) WHERE r.started_on <= $as_of"
    "  AND (r.ended_on IS NULL OR r.ended_on > $as_of) | a.id] AS adepts"
    " ORDER BY id"
)
# A person's holdings of the asked competencies, told apart by the element
# id of the competence node (`aggregates.asked_competences`), not by its `id`
# property, a read per holding: most of a senior's ~40 holdings are of
# competencies not asked about.
_LEVELS: Final = (
    " CALL (e) {"
    "  MATCH (e)-[h:HOLDS]->(c) WITH h, elementId(c) AS node"
    "  WITH h, node, $asked_at[node] AS least WHERE h.level >= least"
    "  WITH h, $competence_of[node] AS cid WHERE " + valid("cid") + ""
    "  RETURN collect([cid, h.level]) AS levels"
    " }"
    " WITH e, levels WHERE size(levels) > 0"
)
# From the units: the age test is kept from the birth-year index (see
# `HEAVY`), else past ~50 units the planner starts from every senior and
# expands each one's unit (PROFILE, 55k, 222 units: 377k -> 8k db hits).
_IN_UNITS: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee)"
    " WHERE u.id IN $unit_ids AND e.birth_year - $born_by <= 0"
)
IN_UNITS: Final = _IN_UNITS + _LEVELS + _ROW
# The seniors in no unit too (a separate query: a `$without_unit AND ...`
# branch would still scan every senior when false), found by their label
# (`:Unplaced`, see `cypher_write`): testing every senior for a WORKS_IN link took
# ~26 ms at 55k (16,000 degree checks), and most adepts' rings reach them.
IN_UNITS_AND_NONE: Final = (
    "CALL () {"
    "  " + _IN_UNITS + " RETURN e"
    "  UNION"
    "  MATCH (e:Unplaced) WHERE e.birth_year <= $born_by"
    "  RETURN e"
    " }" + _LEVELS + _ROW
)
REGION: Final = (
    "MATCH (c:Competence)<-[h:HOLDS]-(e:Employee)"
    " WHERE c.id IN $competences AND h.level >= $asked[c.id] AND e.birth_year <= $born_by"
    " AND " + VALID + " WITH e, collect([c.id, h.level]) AS levels" + _ROW
)
# With a least weight: the holders of the pivots (`graph.pivots`: the
# rarest few asked competencies, by `_HOLDERS`, the degree each competence
# node keeps) whose weight in them reaches the pivots' least, then those who
# hold every must; only they are weighed in full and read (expiry left out
# until `_LEVELS`: a bound). At 55k, a region-wide read for an adept missing
# 11 competencies, all of which a mentor must cover, went from every senior
# holder of all 11 (650 ms) to those of the rarest one.
# The age test is written so that no index can serve it: given
# `e.birth_year <= $born_by` the planner starts from every senior (the
# birth-year index) and tries each asked competence on each one, ~6x the
# database hits of starting from the few asked competencies (PROFILE, 10k
# region: 1.22M -> 197k; a USING INDEX hint on the competence does not change
# the plan).
# A candidate is weighed over their ~40 holdings by a map lookup: with
# `c.id IN $weighted` the planner sought each weighted competence and probed
# it against the person (2.4M db hits for 5,000 candidates; 290 -> 245 ms).
_HOLDERS: Final = (
    "UNWIND $weighted AS id MATCH (c:Competence {id: id})"
    " RETURN id, COUNT { (c)<-[:HOLDS]-() } AS n"
)
HEAVY: Final = (
    "MATCH (c:Competence)<-[h:HOLDS]-(e:Employee)"
    " WHERE c.id IN $pivots AND h.level >= $asked[c.id] AND e.birth_year - $born_by <= 0"
    " WITH e, sum($weights[c.id]) AS held WHERE held >= $pivot_weight"
    " AND all(m IN $must WHERE EXISTS {"
    "  MATCH (e)-[x:HOLDS]->(mc:Competence {id: m}) WHERE x.level >= $asked[m] })"
    " CALL (e) {"
    "  MATCH (e)-[h:HOLDS]->(c) WITH h, elementId(c) AS node"
    "  WITH h, $weights_at[node] AS weight, $asked_at[node] AS least"
    "  WHERE weight > 0 AND h.level >= least RETURN sum(weight) AS bound"
    " }"
    " WITH e WHERE bound >= $min_weight" + _LEVELS + _ROW
)


async def units_token(tx: AsyncManagedTransaction) -> str | None:
    result = await tx.run(UNITS_TOKEN)
    record = await result.single(strict=True)
    token = record["token"]
    return None if token is None else str(token)


async def mentor_rows(
    tx: AsyncManagedTransaction,
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
    competences = sorted(min_levels)
    asked = await asked_competences(tx, competences, as_of)
    params: dict[str, Any] = {
        "competences": competences,
        "asked": dict(min_levels),
        "asked_at": {node: min_levels[c] for c, node in asked.nodes.items()},
        "competence_of": asked.competence_of,
        "bounds": asked.bounds,
        "born_by": born_by,
        "as_of": as_of,
        "weights": {c: weights.get(c, 0) for c in competences},
        "weights_at": {node: weights.get(c, 0) for c, node in asked.nodes.items()},
        "min_weight": min_weight,
    }
    if unit_ids is None and min_weight > 0:
        weighted = sorted(c for c in competences if weights.get(c, 0) > 0)
        holders = {r["id"]: r["n"] async for r in await tx.run(_HOLDERS, {"weighted": weighted})}
        chosen = choose_pivots({c: weights[c] for c in weighted}, min_weight, holders)
        if chosen is None:
            return []
        params["pivots"], params["pivot_weight"] = list(chosen.competences), chosen.least
        params["must"] = list(chosen.must)
        result = await tx.run(HEAVY, params)
    elif unit_ids is None:
        result = await tx.run(REGION, params)
    else:
        params["unit_ids"] = list(unit_ids)
        result = await tx.run(IN_UNITS_AND_NONE if without_unit else IN_UNITS, params)
    found = [
        MentorRow(
            id=r["id"],
            unit_id=r["unit_id"],
            birth_year=r["birth_year"],
            mentor_capacity=r["capacity"],
            levels={str(cid): int(level) for cid, level in r["levels"]},
            active_adept_ids=frozenset(r["adepts"]),
        )
        async for r in result
    ]
    # The true weight (expiry applied), for every query.
    return [r for r in found if sum(weights.get(c, 0) for c in r.levels) >= min_weight]
