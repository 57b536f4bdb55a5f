"""Write queries: idempotent `UNWIND $rows` upserts (MERGE on the key, SET the
properties), so a retried transaction function or a second import leaves the
graph as the first one did. Rows come from graph.neo4j.mapping.

These queries MATCH the nodes they link to; the caller has already checked
that every referenced id exists (writes.Writer.require), so a MATCH never
silently drops a row. The two ends of a link are matched in two MATCH
clauses: one clause with both patterns plans the same, but the server sends
a "cartesian product" notification for it that the driver logs on every
import.
"""

from __future__ import annotations

from typing import Final

# Unknown ids of every label a write can reference, in one round trip: one
# list parameter per label (empty when not needed), one column per label.
MISSING: Final = """
RETURN
  [id IN $Competence WHERE NOT EXISTS { MATCH (:Competence {id: id}) }] AS Competence,
  [id IN $Profession WHERE NOT EXISTS { MATCH (:Profession {id: id}) }] AS Profession,
  [id IN $Ladder WHERE NOT EXISTS { MATCH (:Ladder {id: id}) }] AS Ladder,
  [id IN $Step WHERE NOT EXISTS { MATCH (:Step {id: id}) }] AS Step,
  [id IN $LearningActivity WHERE NOT EXISTS { MATCH (:LearningActivity {id: id}) }]
    AS LearningActivity,
  [id IN $Unit WHERE NOT EXISTS { MATCH (:Unit {id: id}) }] AS Unit,
  [id IN $Employee WHERE NOT EXISTS { MATCH (:Employee {id: id}) }] AS Employee,
  [id IN $Plan WHERE NOT EXISTS { MATCH (:Plan {id: id}) }] AS Plan,
  [id IN $PlanActivity WHERE NOT EXISTS { MATCH (:PlanActivity {id: id}) }] AS PlanActivity
"""
# Before `MISSING`, the write's lock on each person and plan it links to
# (setting a property takes the node's write lock until the transaction
# ends): an erasure (`personal.ERASE_EMPLOYEE`) takes the same locks before it
# gathers what to delete, so of the two, one waits for the other's commit.
# The write then finds the person gone (IntegrityError), or the erasure finds
# what the write linked: without the lock, a talk, plan or plan item written
# while an erasure of its person ran outlived the person, on no one.
LOCK_OWNERS: Final = """
CALL () {
  UNWIND $Employee AS id
  MATCH (e:Employee {id: id})
  SET e.owner_lock = true REMOVE e.owner_lock
}
CALL () {
  UNWIND $Plan AS id
  MATCH (p:Plan {id: id})
  SET p.owner_lock = true REMOVE p.owner_lock
}
"""
OWNER_LABELS: Final = ("Employee", "Plan")
REFERENCED_LABELS: Final = (
    "Competence",
    "Profession",
    "Ladder",
    "Step",
    "LearningActivity",
    "Unit",
    "Employee",
    "Plan",
    "PlanActivity",
)

BUMP_REFERENCE_VERSION: Final = (
    "MERGE (m:Meta {id: 'reference'}) SET m.version = coalesce(m.version, 0) + 1"
)
# A new value whenever units change (`AggregateReads.units_token`), kept on
# the one Meta node.
NEW_UNITS_TOKEN: Final = "MERGE (m:Meta {id: 'reference'}) SET m.units_token = randomUUID()"

# --- reference data ---------------------------------------------------------

COMPETENCES: Final = "UNWIND $rows AS r MERGE (n:Competence {id: r.id}) SET n = r"
PROFESSIONS: Final = "UNWIND $rows AS r MERGE (n:Profession {id: r.id}) SET n = r"

LADDERS: Final = """
UNWIND $rows AS r
MATCH (p:Profession {id: r.profession_id})
MERGE (l:Ladder {id: r.id})
SET l = r.props
MERGE (p)-[:HAS_LADDER]->(l)
WITH l, p
CALL (l, p) { MATCH (l)<-[old:HAS_LADDER]-(o:Profession) WHERE o <> p DELETE old }
"""

# A written step loses its NEXT edges; LINK_NEXT re-derives them per ladder.
STEPS: Final = """
UNWIND $rows AS r
MATCH (l:Ladder {id: r.ladder_id})
MERGE (s:Step {id: r.id})
SET s = r.props
MERGE (l)-[:HAS_STEP]->(s)
WITH s, l, r
CALL (s, l) { MATCH (s)<-[old:HAS_STEP]-(o:Ladder) WHERE o <> l DELETE old }
CALL (s) { MATCH (s)-[n:NEXT]-(:Step) DELETE n }
CALL (s, r) {
  MATCH (s)-[old:REQUIRES]->(c:Competence)
  WHERE NOT c.id IN [q IN r.requires | q.competence_id]
  DELETE old
}
CALL (s, r) {
  UNWIND r.requires AS q
  MATCH (c:Competence {id: q.competence_id})
  MERGE (s)-[x:REQUIRES]->(c)
  SET x.level = q.level, x.mandatory = q.mandatory
}
"""

# NEXT joins consecutive ordinals of a ladder; months = the from-step's min_months.
LINK_NEXT: Final = """
UNWIND $ladder_ids AS lid
MATCH (l:Ladder {id: lid})-[:HAS_STEP]->(a:Step)
MATCH (l)-[:HAS_STEP]->(b:Step)
WHERE b.ordinal = a.ordinal + 1
MERGE (a)-[n:NEXT]->(b)
SET n.months = a.min_months
"""

TRANSITIONS: Final = """
UNWIND $rows AS r
MATCH (a:Step {id: r.from_id})
MATCH (b:Step {id: r.to_id})
MERGE (a)-[t:TRANSITION]->(b)
SET t = r.props
"""

ACTIVITIES: Final = """
UNWIND $rows AS r
MERGE (a:LearningActivity {id: r.id})
SET a = r.props
WITH a, r
CALL (a, r) {
  MATCH (a)-[old:DEVELOPS]->(c:Competence)
  WHERE NOT c.id IN [d IN r.develops | d.competence_id]
  DELETE old
}
CALL (a, r) {
  UNWIND r.develops AS d
  MATCH (c:Competence {id: d.competence_id})
  MERGE (a)-[x:DEVELOPS]->(c)
  SET x.from_level = d.from_level, x.to_level = d.to_level
}
"""

# --- organisation -----------------------------------------------------------

UNITS: Final = "UNWIND $rows AS r MERGE (u:Unit {id: r.id}) SET u = r.props"

# Whether writing these rows (UNITS, UNIT_PARENTS) would change any unit:
# only then is there a new units token (a re-import keeps every cache).
UNITS_CHANGED: Final = """
UNWIND $rows AS r
OPTIONAL MATCH (u:Unit {id: r.id})
WITH r, u
WHERE u IS NULL OR properties(u) <> r.props
  OR [(u)-[:PART_OF]->(p:Unit) | p.id]
     <> CASE WHEN r.parent_id IS NULL THEN [] ELSE [r.parent_id] END
RETURN count(r) > 0 AS changed
"""

# Separate from UNITS: a parent may be a unit of the same batch.
UNIT_PARENTS: Final = """
UNWIND $rows AS r
MATCH (u:Unit {id: r.id})
CALL (u, r) {
  MATCH (u)-[old:PART_OF]->(p:Unit)
  WHERE r.parent_id IS NULL OR p.id <> r.parent_id
  DELETE old
}
CALL (u, r) { MATCH (p:Unit {id: r.parent_id}) MERGE (u)-[:PART_OF]->(p) }
"""

NEEDS: Final = """
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit_id})
MATCH (c:Competence {id: r.competence_id})
MERGE (u)-[n:NEEDS {level: r.level, horizon: r.horizon}]->(c)
SET n.count = r.count
"""

# --- what an owner in a dataset no longer lists (`writes.prune_owned`) --------

LADDER_STEPS: Final = """
UNWIND $ladder_ids AS lid
MATCH (:Ladder {id: lid})-[:HAS_STEP]->(s:Step)
RETURN s.id AS step, lid AS ladder
"""

TRANSITIONS_OF: Final = """
UNWIND $step_ids AS sid
MATCH (s:Step {id: sid})
CALL (s) {
  MATCH (s)-[:TRANSITION]->(b:Step) RETURN s.id AS from_id, b.id AS to_id
  UNION
  MATCH (a:Step)-[:TRANSITION]->(s) RETURN a.id AS from_id, s.id AS to_id
}
RETURN DISTINCT from_id, to_id
"""

DELETE_TRANSITIONS: Final = """
UNWIND $rows AS r
MATCH (:Step {id: r.from_id})-[t:TRANSITION]->(:Step {id: r.to_id})
DELETE t
"""

# Who still stands on, or aims at, a step about to go.
STEP_USERS: Final = """
UNWIND $step_ids AS sid
CALL (sid) {
  MATCH (e:Employee)-[:AT_STEP]->(:Step {id: sid}) RETURN 'employee' AS kind, e.id AS who
  UNION
  MATCH (p:Plan) WHERE p.target_step = sid RETURN 'plan' AS kind, p.id AS who
}
RETURN kind, who, sid AS step ORDER BY step, kind, who LIMIT 5
"""

DELETE_STEPS: Final = "UNWIND $step_ids AS sid MATCH (s:Step {id: sid}) DETACH DELETE s"

# rows: {unit_id, keep: [[competence id, level, horizon], ...]}
PRUNE_NEEDS: Final = """
UNWIND $rows AS r
MATCH (:Unit {id: r.unit_id})-[n:NEEDS]->(c:Competence)
WHERE NOT [c.id, n.level, n.horizon] IN r.keep
DELETE n
"""

# rows: {plan_id, last}: the plan's items after the last the dataset lists.
PRUNE_PLAN_ITEMS: Final = """
UNWIND $rows AS r
MATCH (:Plan {id: r.plan_id})-[:INCLUDES]->(x:PlanActivity)
WHERE x.seq > r.last
DETACH DELETE x
"""

# --- people -----------------------------------------------------------------

# `:Unplaced` labels the people in no unit, kept by every write of an employee's
# links (here and `bulk.CREATE_PEOPLE`): the mentor reads look for the
# seniors among them by it (`mentor_reads.IN_UNITS_AND_NONE`), a few nodes
# where testing every senior for a WORKS_IN link read 16,000 at 55k.
# Databases written before it are labelled once by `init_schema` (after it
# made sure of the Meta node: labelled, it matches nothing and writes nothing).
LABEL_UNPLACED: Final = (
    "MATCH (m:Meta {id: 'reference'}) WHERE m.unplaced_labelled IS NULL"
    " CALL (m) { MATCH (e:Employee) WHERE NOT (e)-[:WORKS_IN]->() SET e:Unplaced }"
    " SET m.unplaced_labelled = true"
)

EMPLOYEES: Final = "UNWIND $rows AS r MERGE (e:Employee {id: r.id}) SET e = r.props"

# The one-to-one links and MANAGES are replaced by what the row gives.
EMPLOYEE_LINKS: Final = """
UNWIND $rows AS r
MATCH (e:Employee {id: r.id})
CALL (e, r) {
  MATCH (e)-[old:WORKS_IN]->(u:Unit)
  WHERE r.unit_id IS NULL OR u.id <> r.unit_id
  DELETE old
}
CALL (e, r) { MATCH (u:Unit {id: r.unit_id}) MERGE (e)-[:WORKS_IN]->(u) }
CALL (e, r) {
  MATCH (e)-[old:HAS_PROFESSION]->(p:Profession)
  WHERE r.profession_id IS NULL OR p.id <> r.profession_id
  DELETE old
}
CALL (e, r) { MATCH (p:Profession {id: r.profession_id}) MERGE (e)-[:HAS_PROFESSION]->(p) }
CALL (e, r) {
  MATCH (e)-[old:AT_STEP]->(s:Step)
  WHERE r.step_id IS NULL OR s.id <> r.step_id
  DELETE old
}
CALL (e, r) {
  MATCH (s:Step {id: r.step_id})
  MERGE (e)-[a:AT_STEP]->(s)
  SET a.since = r.step_since
}
CALL (e, r) {
  MATCH (e)-[old:MANAGES]->(u:Unit)
  WHERE NOT u.id IN r.manages
  DELETE old
}
CALL (e, r) {
  UNWIND r.manages AS mid
  MATCH (u:Unit {id: mid})
  MERGE (e)-[:MANAGES]->(u)
}
WITH e, EXISTS { (e)-[:WORKS_IN]->() } AS placed
FOREACH (_ IN CASE WHEN placed THEN [1] ELSE [] END | REMOVE e:Unplaced)
FOREACH (_ IN CASE WHEN placed THEN [] ELSE [1] END | SET e:Unplaced)
"""

HOLDINGS: Final = """
UNWIND $rows AS r
MATCH (e:Employee {id: r.employee_id})
MATCH (c:Competence {id: r.competence_id})
MERGE (e)-[h:HOLDS]->(c)
SET h = r.props
"""

MENTORSHIPS: Final = """
UNWIND $rows AS r
MATCH (m:Employee {id: r.mentor_id})
MATCH (a:Employee {id: r.adept_id})
MERGE (m)-[x:MENTORS {started_on: r.started_on}]->(a)
SET x = r.props
"""

PLANS: Final = """
UNWIND $rows AS r
MATCH (e:Employee {id: r.employee_id})
MERGE (p:Plan {id: r.id})
SET p = r.props
MERGE (e)-[:HAS_PLAN]->(p)
WITH p, e
CALL (p, e) { MATCH (p)<-[old:HAS_PLAN]-(o:Employee) WHERE o <> e DELETE old }
"""

# The id is `plan#seq`, so an item never moves to another plan.
PLAN_ACTIVITIES: Final = """
UNWIND $rows AS r
MATCH (p:Plan {id: r.plan_id})
MERGE (x:PlanActivity {id: r.id})
SET x = r.props
MERGE (p)-[:INCLUDES]->(x)
"""

# Serialises the commands on one plan and its items (complete, cancel here;
# an append or a follow-up takes the same lock through `Writer.require`):
# setting a property takes the node's write lock until the transaction
# ends, and what a command checks is read after it, so a concurrent
# command's write has committed by then and is seen (max(seq) + 1 stays
# free, an item is changed once, a closed plan stays closed).
LOCK_PLAN: Final = "MATCH (p:Plan {id: $plan_id}) SET p.seq_lock = true REMOVE p.seq_lock"

# A compare-and-set of a person (`writes.upsert_employee` with `expected`):
# takes the person's write lock, creating the node if there is none yet
# (MERGE under the id's uniqueness constraint: of two creating it, one waits
# for the other and then finds it), and says whether it was created here.
LOCK_EMPLOYEE: Final = (
    "MERGE (e:Employee {id: $id}) ON CREATE SET e.created_lock = true"
    " SET e.employee_lock = true REMOVE e.employee_lock"
    " WITH e, e.created_lock IS NOT NULL AS created REMOVE e.created_lock"
    " RETURN created"
)

# A plan's creation (`writes.create_plan`): MERGE under the id's uniqueness
# constraint, so of two creating one id, one waits for the other's commit
# and then finds the plan; says whether it was created here.
NEW_PLAN: Final = (
    "MERGE (p:Plan {id: $id}) ON CREATE SET p.created_lock = true"
    " WITH p, p.created_lock IS NOT NULL AS created REMOVE p.created_lock"
    " RETURN created"
)

PLAN_STATUS: Final = "MATCH (p:Plan {id: $plan_id}) RETURN p.status AS status"

# An item's status, its plan's, and the plan's person's holding of the
# item's competence (null when none), as `ItemExpected` checks them.
PLAN_ITEM_STATE: Final = (
    "MATCH (e:Employee)-[:HAS_PLAN]->(p:Plan {id: $plan_id})-[:INCLUDES]->"
    "(x:PlanActivity {id: $id})"
    " OPTIONAL MATCH (e)-[h:HOLDS]->(c:Competence {id: x.competence})"
    " RETURN x.status AS status, p.status AS plan_status, e.id AS employee_id,"
    " x.competence AS competence_id,"
    " CASE WHEN h IS NULL THEN null ELSE h {.*, employee_id: e.id, competence_id: c.id} END"
    " AS holding"
)

# The mentor's node lock, for a compare-and-set of one of their mentorships
# (`writes.upsert_mentorship` with `expected`): the link is read after it.
# (A start takes the same lock through `Writer.require`.)
LOCK_MENTOR: Final = (
    "MATCH (m:Employee {id: $mentor_id}) SET m.mentor_lock = true REMOVE m.mentor_lock"
)

MENTOR_LINKS: Final = """
MATCH (m:Employee {id: $mentor_id})
OPTIONAL MATCH (m)-[x:MENTORS]->(:Employee {id: $adept_id})
WHERE x.started_on = $day OR x.ended_on IS NULL OR x.ended_on > $day
WITH m, count(x) AS open
OPTIONAL MATCH (m)-[y:MENTORS]->(a:Employee)
WHERE y.ended_on IS NULL OR y.ended_on > $day
RETURN open, collect(CASE WHEN y IS NOT NULL THEN {
  mentor_id: m.id, adept_id: a.id, started_on: y.started_on, ended_on: y.ended_on
} END) AS links
"""

CONVERSATIONS: Final = """
UNWIND $rows AS r
MATCH (e:Employee {id: r.employee_id})
MERGE (c:Conversation {id: r.id})
SET c = r.props
MERGE (e)-[:HAD_CONVERSATION]->(c)
"""
