"""Read queries. Every value is a parameter; labels and types are constants.

List queries return ONE record whose `rows` column is the collected list of
map projections keyed by the model's field names (see mapping.to_model), in
the order the port documents (ORDER BY before collect keeps it). One record
instead of one per row: streaming records costs the async driver far more per
row than decoding one list does.
"""

from __future__ import annotations

from typing import Final

# --- projections (concatenated into the queries below) ---------------------

_COMPETENCE: Final = "c {.*}"
_PROFESSION: Final = "p {.*}"
_LADDER: Final = "l {.*, profession_id: [(p:Profession)-[:HAS_LADDER]->(l) | p.id][0]}"
_STEP: Final = (
    "s {.*, ladder_id: l.id, requires: [(s)-[r:REQUIRES]->(c:Competence) |"
    " {competence_id: c.id, level: r.level, mandatory: r.mandatory}]}"
)
_TRANSITION: Final = "t {.*, from_step_id: a.id, to_step_id: b.id}"
_ACTIVITY: Final = (
    "a {.*, develops: [(a)-[d:DEVELOPS]->(c:Competence) |"
    " {competence_id: c.id, from_level: d.from_level, to_level: d.to_level}]}"
)
_UNIT: Final = "u {.*, parent_id: [(u)-[:PART_OF]->(p:Unit) | p.id][0]}"
_NEED: Final = (
    "{unit_id: u.id, competence_id: c.id, level: n.level, count: n.count, horizon: n.horizon}"
)
_EMPLOYEE: Final = (
    "e {.*,"
    " unit_id: [(e)-[:WORKS_IN]->(u:Unit) | u.id][0],"
    " profession_id: [(e)-[:HAS_PROFESSION]->(p:Profession) | p.id][0],"
    " step_id: [(e)-[:AT_STEP]->(s:Step) | s.id][0],"
    " step_since: [(e)-[r:AT_STEP]->(:Step) | r.since][0],"
    " manages: COLLECT { MATCH (e)-[:MANAGES]->(m:Unit) RETURN m.id ORDER BY m.id }}"
)
_HOLDING: Final = "h {.*, employee_id: e.id, competence_id: c.id}"
_MENTORSHIP: Final = "r {.*, mentor_id: m.id, adept_id: a.id}"
_PLAN: Final = (
    "{id: p.id, employee_id: e.id, period_start: p.period_start, period_end: p.period_end,"
    " status: p.status, created_on: p.created_on, last_followup_on: p.last_followup_on,"
    " target_step_id: p.target_step}"
)
_PLAN_ACTIVITY: Final = (
    "{plan_id: p.id, seq: x.seq, competence_id: x.competence, activity_id: x.activity,"
    " target_level: x.target_level, due_on: x.due_on, status: x.status,"
    " completed_on: x.completed_on}"
)
_CONVERSATION: Final = "{employee_id: e.id, kind: c.kind, held_on: c.held_on}"

# --- lifecycle --------------------------------------------------------------

PING: Final = "RETURN 1 AS ok"
REFERENCE_VERSION: Final = "OPTIONAL MATCH (m:Meta {id: 'reference'}) RETURN m.version AS version"

# --- reference data ---------------------------------------------------------

COMPETENCES: Final = (
    "MATCH (c:Competence) WITH c ORDER BY c.id RETURN collect(" + _COMPETENCE + ") AS rows"
)
PROFESSIONS: Final = (
    "MATCH (p:Profession) WITH p ORDER BY p.id RETURN collect(" + _PROFESSION + ") AS rows"
)
LADDERS: Final = "MATCH (l:Ladder) WITH l ORDER BY l.id RETURN collect(" + _LADDER + ") AS rows"
STEPS: Final = (
    "MATCH (l:Ladder)-[:HAS_STEP]->(s:Step) WITH l, s ORDER BY l.id, s.ordinal, s.id"
    " RETURN collect(" + _STEP + ") AS rows"
)
TRANSITIONS: Final = (
    "MATCH (a:Step)-[t:TRANSITION]->(b:Step) WITH a, t, b ORDER BY a.id, b.id"
    " RETURN collect(" + _TRANSITION + ") AS rows"
)
ACTIVITIES: Final = (
    "MATCH (a:LearningActivity) WITH a ORDER BY a.id RETURN collect(" + _ACTIVITY + ") AS rows"
)

# --- organisation -----------------------------------------------------------

UNITS: Final = "MATCH (u:Unit) WITH u ORDER BY u.id RETURN collect(" + _UNIT + ") AS rows"
GET_UNITS: Final = "MATCH (u:Unit) WHERE u.id IN $ids RETURN collect(" + _UNIT + ") AS rows"
SUBTREE_UNIT_IDS: Final = (
    "MATCH (:Unit {id: $id})<-[:PART_OF*0..]-(s:Unit)"
    " WITH DISTINCT s.id AS id ORDER BY id RETURN collect(id) AS rows"
)
UNIT_NEEDS: Final = (
    "MATCH (u:Unit)-[n:NEEDS]->(c:Competence) WHERE u.id IN $ids"
    " WITH u, n, c ORDER BY u.id, c.id, n.level, n.horizon"
    " RETURN collect(" + _NEED + ") AS rows"
)

# --- people -----------------------------------------------------------------

ALL_EMPLOYEE_IDS: Final = (
    "MATCH (e:Employee) WITH e.id AS id ORDER BY id RETURN collect(id) AS rows"
)
GET_EMPLOYEES: Final = (
    "MATCH (e:Employee) WHERE e.id IN $ids RETURN collect(" + _EMPLOYEE + ") AS rows"
)
EMPLOYEES_IN_UNITS: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee)"
    " WHERE u.id IN $unit_ids AND ($after IS NULL OR e.id > $after)"
    " WITH DISTINCT e ORDER BY e.id LIMIT $first"
    " RETURN collect(" + _EMPLOYEE + ") AS rows"
)
COUNT_EMPLOYEES_IN_UNITS: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee) WHERE u.id IN $unit_ids RETURN count(DISTINCT e) AS n"
)
# Every employee, in a unit or not.
ALL_EMPLOYEES: Final = (
    "MATCH (e:Employee) WHERE $after IS NULL OR e.id > $after"
    " WITH e ORDER BY e.id LIMIT $first"
    " RETURN collect(" + _EMPLOYEE + ") AS rows"
)
COUNT_ALL_EMPLOYEES: Final = "MATCH (e:Employee) RETURN count(e) AS n"

HOLDINGS_OF: Final = (
    "MATCH (e:Employee)-[h:HOLDS]->(c:Competence) WHERE e.id IN $ids"
    " WITH e, h, c ORDER BY e.id, c.id RETURN collect(" + _HOLDING + ") AS rows"
)
# Start from the competence: its holders, never every employee.
HOLDERS: Final = (
    "MATCH (c:Competence {id: $competence_id})<-[h:HOLDS]-(e:Employee)"
    " WHERE h.level >= $min_level"
    " WITH e, h, c ORDER BY e.id RETURN collect(" + _HOLDING + ") AS rows"
)
HOLDERS_IN_UNITS: Final = (
    "MATCH (c:Competence {id: $competence_id})<-[h:HOLDS]-(e:Employee)-[:WORKS_IN]->(u:Unit)"
    " WHERE h.level >= $min_level AND u.id IN $unit_ids"
    " WITH e, h, c ORDER BY e.id RETURN collect(" + _HOLDING + ") AS rows"
)

_ACTIVE: Final = (
    " AND ($day IS NULL OR (r.started_on <= $day AND (r.ended_on IS NULL OR r.ended_on > $day)))"
)
_MENTORSHIP_ROWS: Final = (
    " WITH m, r, a ORDER BY m.id, a.id, r.started_on RETURN collect(" + _MENTORSHIP + ") AS rows"
)
MENTORSHIPS_AS_MENTOR: Final = (
    "MATCH (m:Employee)-[r:MENTORS]->(a:Employee) WHERE m.id IN $ids" + _ACTIVE + _MENTORSHIP_ROWS
)
MENTORSHIPS_AS_ADEPT: Final = (
    "MATCH (m:Employee)-[r:MENTORS]->(a:Employee) WHERE a.id IN $ids" + _ACTIVE + _MENTORSHIP_ROWS
)
# Two index seeks joined, rather than one OR that defeats the index.
MENTORSHIPS_ANY: Final = (
    "CALL () {"
    " MATCH (m:Employee)-[r:MENTORS]->(a:Employee) WHERE m.id IN $ids RETURN m, r, a"
    " UNION"
    " MATCH (m:Employee)-[r:MENTORS]->(a:Employee) WHERE a.id IN $ids RETURN m, r, a"
    " } WITH m, r, a WHERE true" + _ACTIVE + _MENTORSHIP_ROWS
)

GET_PLANS: Final = (
    "MATCH (e:Employee)-[:HAS_PLAN]->(p:Plan) WHERE p.id IN $ids"
    " RETURN collect(" + _PLAN + ") AS rows"
)
PLANS_OF: Final = (
    "MATCH (e:Employee)-[:HAS_PLAN]->(p:Plan) WHERE e.id IN $ids"
    " WITH e, p ORDER BY e.id, p.id RETURN collect(" + _PLAN + ") AS rows"
)
ALL_PLAN_IDS: Final = "MATCH (p:Plan) WITH p.id AS id ORDER BY id RETURN collect(id) AS rows"
PLAN_ACTIVITIES: Final = (
    "MATCH (p:Plan)-[:INCLUDES]->(x:PlanActivity) WHERE p.id IN $ids"
    " WITH p, x ORDER BY p.id, x.seq RETURN collect(" + _PLAN_ACTIVITY + ") AS rows"
)
LAST_PLAN_SEQ: Final = (
    "MATCH (p:Plan {id: $plan_id})-[:INCLUDES]->(x:PlanActivity)"
    " RETURN coalesce(max(x.seq), 0) AS seq"
)

CONVERSATIONS_OF: Final = (
    "MATCH (e:Employee)-[:HAD_CONVERSATION]->(c:Conversation) WHERE e.id IN $ids"
    " AND ($since IS NULL OR c.held_on >= $since) AND ($until IS NULL OR c.held_on <= $until)"
    " WITH e, c ORDER BY e.id, c.held_on, c.kind RETURN collect(" + _CONVERSATION + ") AS rows"
)
