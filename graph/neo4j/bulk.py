"""Streaming bulk loads (`Store.bulk_load`): one transaction per chunk.

People who do not exist yet are written with CREATE, together with what
belongs only to them (holdings, plans and their items, talks): no MERGE has
to look for a relationship first, which is what makes a region of tens of
thousands load in seconds. Everything else in a chunk (reference data,
units, needs, mentorships, existing people) goes through the ordinary
upserts of graph.neo4j.writes, so a chunk means exactly what
`import_dataset` of it would mean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Final

from neo4j import AsyncManagedTransaction

from graph.neo4j import cypher_write as W
from graph.neo4j import writes
from graph.neo4j.mapping import (
    Row,
    conversation_row,
    employee_row,
    holding_row,
    plan_activity_row,
    plan_row,
)
from graph.neo4j.writes import Writer
from ladders.models import Dataset, Employee
from ladders.ports import ProgressFn

EXISTING_EMPLOYEES: Final = """
UNWIND $ids AS id
MATCH (e:Employee {id: id})
RETURN collect(e.id) AS ids
"""

# One row per new employee, carrying their holdings, plans (with items) and
# talks: the employee node is at hand, so nothing is looked up by its id.
CREATE_PEOPLE: Final = """
UNWIND $rows AS r
CREATE (e:Employee)
SET e = r.props
WITH e, r
CALL (e, r) { MATCH (u:Unit {id: r.unit_id}) CREATE (e)-[:WORKS_IN]->(u) }
CALL (e, r) { MATCH (p:Profession {id: r.profession_id}) CREATE (e)-[:HAS_PROFESSION]->(p) }
CALL (e, r) {
  MATCH (s:Step {id: r.step_id})
  CREATE (e)-[a:AT_STEP]->(s)
  SET a.since = r.step_since
}
CALL (e, r) { UNWIND r.manages AS mid MATCH (u:Unit {id: mid}) CREATE (e)-[:MANAGES]->(u) }
CALL (e, r) {
  UNWIND r.holdings AS h
  MATCH (c:Competence {id: h.competence_id})
  CREATE (e)-[x:HOLDS]->(c)
  SET x = h.props
}
CALL (e, r) {
  UNWIND r.plans AS p
  CREATE (e)-[:HAS_PLAN]->(plan:Plan)
  SET plan = p.props
  WITH plan, p
  UNWIND p.items AS i
  CREATE (plan)-[:INCLUDES]->(item:PlanActivity)
  SET item = i.props
}
CALL (e, r) {
  UNWIND r.conversations AS c
  CREATE (e)-[:HAD_CONVERSATION]->(talk:Conversation)
  SET talk = c.props
}
"""

PEOPLE_PER_QUERY: Final = 1_000
"""New employees per UNWIND: with their records, some 40,000 rows of data."""


async def load_chunk(
    tx: AsyncManagedTransaction, chunk: Dataset, progress: ProgressFn | None
) -> None:
    """One chunk, in dependency order, as one transaction (idempotent: a retry
    finds nobody new and so upserts what the first attempt created)."""
    w = Writer(tx, progress)
    await writes.write_competences(w, chunk.competences)
    await writes.write_professions(w, chunk.professions)
    await writes.write_ladders(w, chunk.ladders)
    await writes.write_steps(w, chunk.steps)
    await writes.write_transitions(w, chunk.transitions)
    await writes.write_activities(w, chunk.activities)
    if writes.has_reference_data(chunk):
        await w.run(W.BUMP_REFERENCE_VERSION)
    await writes.write_units(w, chunk.units)
    await writes.write_needs(w, chunk.needs)

    existing = await _existing_employees(tx, [e.id for e in chunk.employees])
    old = [e for e in chunk.employees if e.id in existing]
    new = [e for e in chunk.employees if e.id not in existing]
    fresh = {e.id for e in new}
    await writes.write_employees(w, old)
    created_plans = {p.id for p in chunk.plans if p.employee_id in fresh}
    await _create_people(w, chunk, new, created_plans)
    await writes.write_holdings(w, [h for h in chunk.holdings if h.employee_id not in fresh])
    await writes.write_mentorships(w, chunk.mentorships)
    await writes.write_plans(w, [p for p in chunk.plans if p.id not in created_plans])
    await writes.write_plan_activities(
        w, [a for a in chunk.plan_activities if a.plan_id not in created_plans]
    )
    await writes.write_conversations(
        w, [c for c in chunk.conversations if c.employee_id not in fresh]
    )


def chunk_work(
    chunk: Dataset, progress: ProgressFn | None
) -> Callable[[AsyncManagedTransaction], Awaitable[None]]:
    """The transaction function that loads `chunk`."""
    return lambda tx: load_chunk(tx, chunk, progress)


async def _existing_employees(tx: AsyncManagedTransaction, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    result = await tx.run(EXISTING_EMPLOYEES, {"ids": ids})
    record = await result.single(strict=True)
    return {str(i) for i in record["ids"]}


async def _create_people(
    w: Writer, chunk: Dataset, new: list[Employee], created_plans: set[str]
) -> None:
    if not new:
        return
    fresh = {e.id for e in new}
    holdings = [h for h in chunk.holdings if h.employee_id in fresh]
    plans = [p for p in chunk.plans if p.id in created_plans]
    items = [a for a in chunk.plan_activities if a.plan_id in created_plans]
    talks = [c for c in chunk.conversations if c.employee_id in fresh]
    await w.require(
        "employee",
        {
            "Unit": (i for e in new for i in (e.unit_id, *e.manages)),
            "Profession": (e.profession_id for e in new),
            "Step": (
                *(e.step_id for e in new),
                *(p.target_step_id for p in plans),
            ),
            "Competence": (
                *(h.competence_id for h in holdings),
                *(a.competence_id for a in items),
            ),
            "LearningActivity": (a.activity_id for a in items),
        },
    )
    w.mark_written("Employee", fresh)
    by_employee: defaultdict[str, list[Row]] = defaultdict(list)
    for h in holdings:
        by_employee[h.employee_id].append(holding_row(h))
    items_of: defaultdict[str, list[Row]] = defaultdict(list)
    for a in items:
        items_of[a.plan_id].append(plan_activity_row(a))
    plans_of: defaultdict[str, list[Row]] = defaultdict(list)
    for p in plans:
        plans_of[p.employee_id].append({**plan_row(p), "items": items_of[p.id]})
    talks_of: defaultdict[str, list[Row]] = defaultdict(list)
    for c in talks:
        talks_of[c.employee_id].append(conversation_row(c))
    rows = [
        {
            **employee_row(e),
            "holdings": by_employee[e.id],
            "plans": plans_of[e.id],
            "conversations": talks_of[e.id],
        }
        for e in new
    ]
    for start in range(0, len(rows), PEOPLE_PER_QUERY):
        part = rows[start : start + PEOPLE_PER_QUERY]
        await w.run(CREATE_PEOPLE, rows=part)
        w.report(sum(_records(r) for r in part))


def _records(row: Row) -> int:
    """The employee and every record nested in their row."""
    plans = row["plans"]
    nested = len(row["holdings"]) + len(row["conversations"]) + len(plans)
    return 1 + nested + sum(len(p["items"]) for p in plans)
