"""`AggregateReads.holder_count` and `developing_count` on Neo4j: how many
people of some units hold one competence at a level on a day, and how many
more are in development towards it (nextSteps' unit needs).

A few units: from their people (WORKS_IN). Most of the region: from the
competence's holders (HOLDS, by its level index), each one's unit checked;
every unit of the region (a need of the region itself): only that they are
not `:Unplaced` (the label of people in no unit, `cypher_write`), a label
check instead of reading each holder's unit or walking their relationships
for a WORKS_IN (at 55k, a region-wide need with 42,000 holders: 250 -> 170
ms with the walk, ~130 -> ~56 ms with the label and the one competence's
validity bound passed as `$bound` rather than looked up per holding).
Expiry as in `aggregates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from neo4j import AsyncManagedTransaction, Record

from graph.neo4j.aggregates import asked_competences, count, valid_from
from ladders.models import PlanActivityStatus, PlanStatus

# One competence: its validity bound is a parameter, not a lookup per holding.
_VALID: Final = valid_from("$bound")
_UNITS: Final = (
    "MATCH (u:Unit) RETURN count(u) AS n, count(CASE WHEN u.id IN $unit_ids THEN 1 END) AS listed"
)
FROM_PEOPLE: Final = (
    "MATCH (c:Competence {id: $competence})"
    " MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee)-[h:HOLDS]->(c)"
    " WHERE u.id IN $unit_ids AND h.level >= $level AND " + _VALID + " RETURN count(*) AS n"
)
FROM_HOLDERS: Final = (
    "MATCH (c:Competence {id: $competence})<-[h:HOLDS]-(e:Employee)"
    " WHERE h.level >= $level AND " + _VALID + ""
    " MATCH (e)-[:WORKS_IN]->(u:Unit) WHERE u.id IN $unit_ids RETURN count(*) AS n"
)
IN_ANY_UNIT: Final = (
    "MATCH (c:Competence {id: $competence})<-[h:HOLDS]-(e:Employee)"
    " WHERE h.level >= $level AND " + _VALID + " AND NOT e:Unplaced"
    " RETURN count(*) AS n"
)

# From the competence's open items (the `plan_activity_competence` index),
# few beside its holders: each one's plan and person, and then whether that
# person works in the units and does not hold the level yet (at 55k, a
# region-wide need with 3,059 open items, 1,744 people: ~27 ms, most of it
# expanding those people's holdings to the competence). In every unit of
# the region: only not `:Unplaced`, as for the holders (37 -> 27 ms there).
_DEVELOPING: Final = (
    "MATCH (c:Competence {id: $competence})"
    " MATCH (x:PlanActivity) WHERE x.competence = $competence AND x.status IN $developing"
    " AND x.target_level >= $level"
    " MATCH (e:Employee)-[:HAS_PLAN]->(p:Plan)-[:INCLUDES]->(x)"
    " WHERE p.status <> $closed AND coalesce(x.due_on, p.period_end) <= $due_by"
    " WITH DISTINCT c, e WHERE IN_UNITS"
    " AND NOT EXISTS { MATCH (e)-[h:HOLDS]->(c) WHERE h.level >= $level AND " + _VALID + " }"
    " RETURN count(e) AS n"
)
DEVELOPING_IN_UNITS: Final = _DEVELOPING.replace(
    "IN_UNITS", "EXISTS { MATCH (e)-[:WORKS_IN]->(u:Unit) WHERE u.id IN $unit_ids }"
)
DEVELOPING_IN_ANY_UNIT: Final = _DEVELOPING.replace("IN_UNITS", "NOT e:Unplaced")


async def holder_count(
    tx: AsyncManagedTransaction,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
) -> int:
    if not unit_ids:
        return 0
    units = await _listed(tx, unit_ids)
    if units["listed"] == units["n"]:
        query = IN_ANY_UNIT
    elif 2 * units["listed"] > units["n"]:
        query = FROM_HOLDERS
    else:
        query = FROM_PEOPLE
    return await count(
        tx,
        query,
        competence=competence_id,
        level=level,
        unit_ids=list(unit_ids),
        as_of=as_of,
        bound=(await asked_competences(tx, [competence_id], as_of)).bounds.get(competence_id),
    )


async def developing_count(
    tx: AsyncManagedTransaction,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
    due_by: date,
) -> int:
    if not unit_ids:
        return 0
    units = await _listed(tx, unit_ids)
    return await count(
        tx,
        DEVELOPING_IN_ANY_UNIT if units["listed"] == units["n"] else DEVELOPING_IN_UNITS,
        competence=competence_id,
        level=level,
        unit_ids=list(unit_ids),
        as_of=as_of,
        due_by=due_by,
        developing=[PlanActivityStatus.PLANNED.value, PlanActivityStatus.ONGOING.value],
        closed=PlanStatus.CLOSED.value,
        bound=(await asked_competences(tx, [competence_id], as_of)).bounds.get(competence_id),
    )


async def _listed(tx: AsyncManagedTransaction, unit_ids: Sequence[str]) -> Record:
    """How many units there are (`n`), and how many of them are `unit_ids` (`listed`)."""
    result = await tx.run(_UNITS, unit_ids=list(unit_ids))
    return await result.single(strict=True)
