"""The audit log and erasure (issue 5) on Neo4j: Cypher and transaction functions.

Audit records are `(:AuditRecord)` nodes with no relationships (a record
outlives an erased person); `at` is UTC ISO 8601 text with microseconds, as
in the embedded store, so both order and filter it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from neo4j import AsyncManagedTransaction

from ladders.ports import AUDIT_PAGE, AuditRecord

RECORD_AUDIT: Final = """
UNWIND $rows AS r
CREATE (:AuditRecord {at: r.at, who: r.who, whom: r.whom, fields: r.fields,
                      request_id: r.request_id, operation: r.operation})
"""

AUDIT_LOG: Final = """
MATCH (a:AuditRecord)
WHERE ($who IS NULL OR a.who = $who)
  AND ($whom IS NULL OR a.whom = $whom)
  AND ($since IS NULL OR a.at >= $since)
RETURN a.at AS at, a.who AS who, a.whom AS whom, a.fields AS fields,
       a.request_id AS request_id, a.operation AS operation
ORDER BY at DESC, who, whom, coalesce(request_id, ''), coalesce(operation, '')
LIMIT $limit
"""

# First the person's lock, then their plans' locks, the ones every write
# linking to them takes (`cypher_write.LOCK_OWNERS`, `LOCK_PLAN`): a write
# that holds one has committed before ERASE_EMPLOYEE gathers what to delete,
# so a talk, plan or item it added is gathered too (gathered before that
# commit, it outlived the person, on no one); a write that comes after
# waits, then finds the person gone.
LOCK_PERSON: Final = "MATCH (e:Employee {id: $id}) SET e.erase_lock = true REMOVE e.erase_lock"
LOCK_PLANS_OF: Final = (
    "MATCH (:Employee {id: $id})-[:HAS_PLAN]->(p:Plan) SET p.erase_lock = true REMOVE p.erase_lock"
)

# Plans, their items and the person's conversations are theirs alone: deleted
# with them. DETACH DELETE removes every relationship (HOLDS, MENTORS either
# way, MANAGES, WORKS_IN, ...), so no link to the person is left.
ERASE_EMPLOYEE: Final = """
MATCH (e:Employee {id: $id})
OPTIONAL MATCH (e)-[:HAS_PLAN]->(p:Plan)
OPTIONAL MATCH (p)-[:INCLUDES]->(x:PlanActivity)
OPTIONAL MATCH (e)-[:HAD_CONVERSATION]->(c:Conversation)
WITH e, collect(DISTINCT p) + collect(DISTINCT x) + collect(DISTINCT c) AS owned
FOREACH (n IN owned | DETACH DELETE n)
DETACH DELETE e
RETURN count(*) AS erased
"""

INDEXES: Final = (
    ("audit_at", "CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditRecord) ON (n.at)"),
    ("audit_who", "CREATE INDEX audit_who IF NOT EXISTS FOR (n:AuditRecord) ON (n.who, n.at)"),
    (
        "audit_whom",
        "CREATE INDEX audit_whom IF NOT EXISTS FOR (n:AuditRecord) ON (n.whom, n.at)",
    ),
)


def audit_time(at: datetime) -> str:
    """UTC, always with microseconds (as the embedded store writes it)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


async def record_audit(tx: AsyncManagedTransaction, records: Sequence[AuditRecord]) -> None:
    rows = [
        {
            "at": audit_time(r.at),
            "who": r.who,
            "whom": r.whom,
            "fields": list(r.fields),
            "request_id": r.request_id,
            "operation": r.operation,
        }
        for r in records
    ]
    result = await tx.run(RECORD_AUDIT, {"rows": rows})
    await result.consume()


async def audit_log(
    tx: AsyncManagedTransaction,
    who: str | None,
    whom: str | None,
    since: datetime | None,
    limit: int,
) -> list[AuditRecord]:
    result = await tx.run(
        AUDIT_LOG,
        {
            "who": who,
            "whom": whom,
            "since": None if since is None else audit_time(since),
            "limit": max(0, min(limit, AUDIT_PAGE)),
        },
    )
    return [
        AuditRecord(
            at=datetime.fromisoformat(str(r["at"])),
            who=str(r["who"]),
            whom=str(r["whom"]),
            fields=tuple(str(f) for f in r["fields"]),
            request_id=r["request_id"],
            operation=r["operation"],
        )
        async for r in result
    ]


async def erase_employee(tx: AsyncManagedTransaction, employee_id: str) -> bool:
    for lock in (LOCK_PERSON, LOCK_PLANS_OF):
        await (await tx.run(lock, {"id": employee_id})).consume()
    result = await tx.run(ERASE_EMPLOYEE, {"id": employee_id})
    record = await result.single()
    return record is not None and int(record["erased"]) > 0
