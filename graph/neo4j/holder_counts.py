"""`AggregateReads.holder_count` on Neo4j: how many people of some units hold
one competence at a level on a day (nextSteps' unit needs).

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

from neo4j import AsyncManagedTransaction

from graph.neo4j.aggregates import asked_competences, count, valid_from

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
        bound=(await asked_competences(tx, [competence_id], as_of)).bounds.get(competence_id),
    )
