"""Read transaction functions that span several queries: the reference data
and the whole-store export, each read in one transaction so that it is one
consistent snapshot.
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction, AsyncSession

from graph.neo4j import cypher as Q
from graph.neo4j.mapping import to_activity, to_model, to_step
from graph.neo4j.writes import chunks
from ladders.models import (
    Competence,
    Conversation,
    Dataset,
    Employee,
    Holding,
    Ladder,
    Mentorship,
    Plan,
    PlanActivity,
    Profession,
    ReferenceData,
    Transition,
    Unit,
    UnitNeed,
)

Runner = AsyncManagedTransaction | AsyncSession
"""What runs a query: a transaction, or a session for one auto-commit query."""


async def fetch(tx: Runner, query: str, **params: Any) -> list[Any]:
    """The `rows` list of a list query's one record."""
    result = await tx.run(query, params)
    record = await result.single(strict=True)
    rows: list[Any] = record["rows"]
    return rows


async def reference_version(tx: Runner) -> int:
    result = await tx.run(Q.REFERENCE_VERSION)
    record = await result.single(strict=True)
    return int(record["version"] or 0)


async def reference_data(tx: AsyncManagedTransaction) -> ReferenceData:
    return ReferenceData(
        version=await reference_version(tx),
        competences=tuple(to_model(Competence, r) for r in await fetch(tx, Q.COMPETENCES)),
        professions=tuple(to_model(Profession, r) for r in await fetch(tx, Q.PROFESSIONS)),
        ladders=tuple(to_model(Ladder, r) for r in await fetch(tx, Q.LADDERS)),
        steps=tuple(to_step(r) for r in await fetch(tx, Q.STEPS)),
        transitions=tuple(to_model(Transition, r) for r in await fetch(tx, Q.TRANSITIONS)),
        activities=tuple(to_activity(r) for r in await fetch(tx, Q.ACTIVITIES)),
    )


async def export(tx: AsyncManagedTransaction) -> Dataset:
    """Everything, read in one transaction; people data in chunks of ids
    (each chunk's query keeps the port's order, and the chunks are in id order)."""
    ref = await reference_data(tx)
    units = [to_model(Unit, r) for r in await fetch(tx, Q.UNITS)]

    async def by_chunks(query: str, ids: list[str], **params: Any) -> list[Any]:
        rows: list[Any] = []
        for chunk in chunks(ids):
            rows.extend(await fetch(tx, query, ids=list(chunk), **params))
        return rows

    employee_ids: list[str] = await fetch(tx, Q.ALL_EMPLOYEE_IDS)
    plan_ids: list[str] = await fetch(tx, Q.ALL_PLAN_IDS)
    employees = {
        e.id: e
        for e in (to_model(Employee, r) for r in await by_chunks(Q.GET_EMPLOYEES, employee_ids))
    }
    mentorships = await by_chunks(Q.MENTORSHIPS_AS_MENTOR, employee_ids, day=None)
    conversations = await by_chunks(Q.CONVERSATIONS_OF, employee_ids, since=None, until=None)
    return Dataset(
        competences=ref.competences,
        professions=ref.professions,
        ladders=ref.ladders,
        steps=ref.steps,
        transitions=ref.transitions,
        activities=ref.activities,
        units=tuple(units),
        needs=tuple(
            to_model(UnitNeed, r) for r in await by_chunks(Q.UNIT_NEEDS, [u.id for u in units])
        ),
        employees=tuple(employees[i] for i in employee_ids),
        holdings=tuple(to_model(Holding, r) for r in await by_chunks(Q.HOLDINGS_OF, employee_ids)),
        mentorships=tuple(to_model(Mentorship, r) for r in mentorships),
        plans=tuple(to_model(Plan, r) for r in await by_chunks(Q.PLANS_OF, employee_ids)),
        plan_activities=tuple(
            to_model(PlanActivity, r) for r in await by_chunks(Q.PLAN_ACTIVITIES, plan_ids)
        ),
        conversations=tuple(to_model(Conversation, r) for r in conversations),
    )
