"""`AggregateReads.holder_count` on Neo4j: how many people of some units hold
one competence at a level on a day (nextSteps' unit needs).

A few units: from their people (WORKS_IN). Most of the region: from the
competence's holders (HOLDS, by its level index), each one's unit checked;
every unit of the region (a need of the region itself): only that they have
one, a degree check instead of reading each holder's unit (at 55k, a
region-wide need with 42,000 holders: 250 -> 170 ms). Expiry as in
`aggregates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from neo4j import AsyncManagedTransaction

from graph.neo4j.aggregates import VALID, count, validity_bounds

_UNITS: Final = (
    "MATCH (u:Unit) RETURN count(u) AS n, count(CASE WHEN u.id IN $unit_ids THEN 1 END) AS listed"
)
FROM_PEOPLE: Final = (
    "MATCH (c:Competence {id: $competence})"
    " MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee)-[h:HOLDS]->(c)"
    " WHERE u.id IN $unit_ids AND h.level >= $level AND " + VALID + " RETURN count(*) AS n"
)
FROM_HOLDERS: Final = (
    "MATCH (c:Competence {id: $competence})<-[h:HOLDS]-(e:Employee)"
    " WHERE h.level >= $level AND " + VALID + ""
    " MATCH (e)-[:WORKS_IN]->(u:Unit) WHERE u.id IN $unit_ids RETURN count(*) AS n"
)
IN_ANY_UNIT: Final = (
    "MATCH (c:Competence {id: $competence})<-[h:HOLDS]-(e:Employee)"
    " WHERE h.level >= $level AND " + VALID + " AND (e)-[:WORKS_IN]->()"
    " RETURN count(*) AS n"
)


async def holder_count(
    tx: AsyncManagedTransaction,
    competence_id: str,
    level: int,
    unit_ids: Sequence[str],
    as_of: date,
) -> int:
    if not unit_ids:
        return 0
    result = await tx.run(_UNITS, unit_ids=list(unit_ids))
    units = await result.single(strict=True)
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
        bounds=await validity_bounds(tx, as_of),
    )
