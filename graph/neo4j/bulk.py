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
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph.neo4j import cypher_write as W
from graph.neo4j import writes
from graph.neo4j.mapping import (
    CONVERSATION_PROPS,
    HOLDING_PROPS,
    PLAN_ACTIVITY_PROPS,
    PLAN_PROPS,
    Row,
    conversation_values,
    cypher_map,
    employee_row,
    holding_values,
    iso_day,
    plan_activity_values,
    plan_values,
)
from graph.neo4j.params import quiet
from graph.neo4j.writes import Writer
from ladders.models import Dataset, Employee, Holding
from ladders.ports import ProgressFn

EXISTING_EMPLOYEES: Final = """
UNWIND $ids AS id
MATCH (e:Employee {id: id})
RETURN collect(e.id) AS ids
"""

# One row per new employee, carrying their holdings, plans (with items) and
# talks: the employee node is at hand, so nothing is looked up by its id.
# The nodes they point to are looked up once per query, not once per row:
# rows name them by their position in $units, $professions, $steps and
# $competences (each of which `Writer.require` has checked exists).
# Holdings, plans, items and talks (all but ~2% of a load's records) travel
# as lists of values, not maps, and each is created with its properties
# (not `SET x = map`): with the ISO dates below, 55k into a fresh server
# went 82.5 -> 59-66 s, as the driver packs fewer objects and the server
# reads fewer (and, before `graph.neo4j.params`, the driver formatted fewer
# for its debug log).
# Holding: [competence position, *HOLDING_PROPS values]; plan: [items,
# *PLAN_PROPS values]; item and talk: their *_PROPS values. Their dates
# travel as ISO text (`mapping.iso_day`), read back with `date()`.
CREATE_PEOPLE: Final = f"""
WITH [id IN $units | COLLECT {{ MATCH (u:Unit {{id: id}}) RETURN u }}[0]] AS units,
     [id IN $professions
      | COLLECT {{ MATCH (p:Profession {{id: id}}) RETURN p }}[0]] AS professions,
     [id IN $steps | COLLECT {{ MATCH (s:Step {{id: id}}) RETURN s }}[0]] AS steps,
     [id IN $competences | COLLECT {{ MATCH (c:Competence {{id: id}}) RETURN c }}[0]] AS competences
UNWIND $rows AS r
CREATE (e:Employee)
SET e = r.props
WITH e, r, units, professions, steps, competences
FOREACH (u IN [i IN r.unit | units[i]] | CREATE (e)-[:WORKS_IN]->(u))
FOREACH (_ IN CASE WHEN r.unit = [] THEN [1] ELSE [] END | SET e:Unplaced)
FOREACH (p IN [i IN r.profession | professions[i]] | CREATE (e)-[:HAS_PROFESSION]->(p))
FOREACH (s IN [i IN r.step | steps[i]] | CREATE (e)-[:AT_STEP {{since: r.step_since}}]->(s))
FOREACH (u IN [i IN r.manages | units[i]] | CREATE (e)-[:MANAGES]->(u))
WITH e, r, competences
CALL (e, r, competences) {{
  UNWIND r.holdings AS h
  WITH e, h, competences[h[0]] AS c
  CREATE (e)-[:HOLDS {cypher_map(HOLDING_PROPS, "h", 1)}]->(c)
}}
CALL (e, r) {{
  UNWIND r.plans AS p
  CREATE (e)-[:HAS_PLAN]->(plan:Plan {cypher_map(PLAN_PROPS, "p", 1)})
  WITH plan, p
  UNWIND p[0] AS i
  CREATE (plan)-[:INCLUDES]->(:PlanActivity {cypher_map(PLAN_ACTIVITY_PROPS, "i")})
}}
CALL (e, r) {{
  UNWIND r.conversations AS c
  CREATE (e)-[:HAD_CONVERSATION]->(:Conversation {cypher_map(CONVERSATION_PROPS, "c")})
}}
"""

PEOPLE_PER_QUERY: Final = 1_000
"""New employees per UNWIND: with their records, some 40,000 rows of data."""


PeopleQueries = list[tuple[dict[str, Any], int]]
"""`CREATE_PEOPLE` parameters per query, with the records each one writes."""


async def load_chunk(
    tx: AsyncManagedTransaction,
    chunk: Dataset,
    progress: ProgressFn | None,
    prepared: PeopleQueries | None = None,
) -> None:
    """One chunk, in dependency order, as one transaction (idempotent: a retry
    finds nobody new and so upserts what the first attempt created).
    `prepared`: `prepare(chunk)`, used when all of its people are new."""
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
    if old or prepared is None:
        prepared = people_queries(chunk, new, created_plans)
    await _create_people(w, chunk, new, created_plans, prepared)
    await writes.write_holdings(w, [h for h in chunk.holdings if h.employee_id not in fresh])
    await writes.write_mentorships(w, chunk.mentorships)
    await writes.write_plans(w, [p for p in chunk.plans if p.id not in created_plans])
    await writes.write_plan_activities(
        w, [a for a in chunk.plan_activities if a.plan_id not in created_plans]
    )
    await writes.write_conversations(
        w, [c for c in chunk.conversations if c.employee_id not in fresh]
    )
    # Bumped above when the chunk has reference data, which is all it can remove.
    await writes.prune_owned(w, chunk, created_plans=created_plans)


def chunk_work(
    chunk: Dataset,
    progress: ProgressFn | None,
    *,
    prepared: PeopleQueries | None = None,
    done: Callable[[], None] | None = None,
) -> Callable[[AsyncManagedTransaction], Awaitable[None]]:
    """The transaction function that loads `chunk`; `done()` when its last
    query has run (what is left is the commit)."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await load_chunk(tx, chunk, progress, prepared)
        if done is not None:
            done()

    return work


def prepare(chunk: Dataset) -> PeopleQueries:
    """The queries that create all of `chunk`'s people, should none exist yet:
    pure, so it can be built before the transaction (`Neo4jStore.bulk_load`)."""
    employees = {e.id for e in chunk.employees}
    return people_queries(
        chunk, chunk.employees, {p.id for p in chunk.plans if p.employee_id in employees}
    )


async def _existing_employees(tx: AsyncManagedTransaction, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    result = await tx.run(EXISTING_EMPLOYEES, quiet({"ids": ids}))
    record = await result.single(strict=True)
    return {str(i) for i in record["ids"]}


async def _create_people(
    w: Writer,
    chunk: Dataset,
    new: Sequence[Employee],
    created_plans: set[str],
    queries: PeopleQueries,
) -> None:
    if not new:
        return
    fresh = {e.id for e in new}
    plans = [p for p in chunk.plans if p.id in created_plans]
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
                *(h.competence_id for h in chunk.holdings if h.employee_id in fresh),
                *(a.competence_id for a in chunk.plan_activities if a.plan_id in created_plans),
            ),
            "LearningActivity": (
                a.activity_id for a in chunk.plan_activities if a.plan_id in created_plans
            ),
        },
    )
    w.mark_written("Employee", fresh)
    for params, records in queries:
        await w.run(CREATE_PEOPLE, **params)
        w.report(records)


def people_queries(
    chunk: Dataset, new: Sequence[Employee], created_plans: set[str]
) -> PeopleQueries:
    """`CREATE_PEOPLE` for the `new` employees of `chunk`, with their holdings,
    talks and the plans in `created_plans` (with their items)."""
    fresh = {e.id for e in new}
    holdings_of: defaultdict[str, list[Holding]] = defaultdict(list)
    for h in chunk.holdings:
        if h.employee_id in fresh:
            holdings_of[h.employee_id].append(h)
    items_of: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for a in chunk.plan_activities:
        if a.plan_id in created_plans:
            items_of[a.plan_id].append(plan_activity_values(a, iso_day))
    plans_of: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for p in chunk.plans:
        if p.id in created_plans:
            plans_of[p.employee_id].append([items_of[p.id], *plan_values(p, iso_day)])
    talks_of: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for c in chunk.conversations:
        if c.employee_id in fresh:
            talks_of[c.employee_id].append(conversation_values(c, iso_day))
    queries: PeopleQueries = []
    for start in range(0, len(new), PEOPLE_PER_QUERY):
        refs = _Positions()
        rows = [
            _person_row(e, refs, holdings_of[e.id], plans_of[e.id], talks_of[e.id])
            for e in new[start : start + PEOPLE_PER_QUERY]
        ]
        params = {
            "rows": rows,
            "units": list(refs.units),
            "professions": list(refs.professions),
            "steps": list(refs.steps),
            "competences": list(refs.competences),
        }
        queries.append((params, sum(_records(r) for r in rows)))
    return queries


class _Positions:
    """Each referenced id once, in first-seen order: rows name it by position."""

    def __init__(self) -> None:
        self.units: dict[str, int] = {}
        self.professions: dict[str, int] = {}
        self.steps: dict[str, int] = {}
        self.competences: dict[str, int] = {}


def _position(ids: dict[str, int], key: str) -> int:
    return ids.setdefault(key, len(ids))


def _optional(ids: dict[str, int], key: str | None) -> list[int]:
    """[position] of an optional reference; [] when it is unset (no link)."""
    return [] if key is None else [_position(ids, key)]


def _person_row(
    e: Employee,
    refs: _Positions,
    holdings: list[Holding],
    plans: list[list[Any]],
    talks: list[list[Any]],
) -> Row:
    row = employee_row(e)
    return {
        "props": row["props"],
        "unit": _optional(refs.units, e.unit_id),
        "profession": _optional(refs.professions, e.profession_id),
        "step": _optional(refs.steps, e.step_id),
        "step_since": row["step_since"],
        "manages": [_position(refs.units, u) for u in row["manages"]],
        "holdings": [
            [_position(refs.competences, h.competence_id), *holding_values(h, iso_day)]
            for h in holdings
        ],
        "plans": plans,
        "conversations": talks,
    }


def _records(row: Row) -> int:
    """The employee and every record nested in their row."""
    plans = row["plans"]
    nested = len(row["holdings"]) + len(row["conversations"]) + len(plans)
    return 1 + nested + sum(len(p[0]) for p in plans)
