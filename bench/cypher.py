"""Hand-written Cypher answering each benchmarked question, for the Neo4j baseline.

Each query is what a developer would write by hand against the graph of
DESIGN §3 to answer the same question in one round trip. Where Cypher alone
cannot give the whole answer, the query does the data part and the comment
says what is left out (effort hours are a shortest path over levels; mentor
proposals are an assignment problem): the baseline is then a lower bound.
Parameters: $id / $unit, $asOf (a date), $year (asOf's year), and per query
the few numbers listed in `params`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from ladders.coverage import year_window
from ladders.rules import Rules

# Held level of HOLDS `h` of competence `c` on $asOf (DESIGN §4): 0 once expired.
_HELD = """CASE
  WHEN h IS NULL THEN 0
  WHEN coalesce(h.expires_on, CASE WHEN c.valid_months IS NOT NULL
       THEN h.assessed_on + duration({months: c.valid_months}) END) < $asOf THEN 0
  ELSE h.level END"""

_ACTIVE = "x.started_on <= $asOf AND (x.ended_on IS NULL OR x.ended_on > $asOf)"

# Gap to the next step, without the effort hours.
GAP: Final = f"""
MATCH (e:Employee {{id: $id}})-[:AT_STEP]->(:Step)-[:NEXT]->(t:Step)-[r:REQUIRES]->(c:Competence)
OPTIONAL MATCH (e)-[h:HOLDS]->(c)
WITH t, c, r, {_HELD} AS held
RETURN t.id AS step, c.id AS competence, r.level AS required, held,
       CASE WHEN r.level > held THEN r.level - held ELSE 0 END AS missing,
       r.mandatory AS mandatory
ORDER BY competence
"""

# Missing items of the gap with the activities that raise each from the held level.
NEXT_STEPS: Final = f"""
MATCH (e:Employee {{id: $id}})-[:AT_STEP]->(:Step)-[:NEXT]->(t:Step)-[r:REQUIRES]->(c:Competence)
OPTIONAL MATCH (e)-[h:HOLDS]->(c)
WITH c, r, {_HELD} AS held
WHERE r.level > held
OPTIONAL MATCH (a:LearningActivity)-[d:DEVELOPS]->(c)
WHERE coalesce(d.from_level, 0) <= held AND d.to_level > held
WITH c, r, held, a, d ORDER BY a.hours
RETURN c.id AS competence, held, r.level AS required, r.mandatory AS mandatory,
       collect({{activity: a.id, to_level: d.to_level, hours: a.hours}})[..3] AS options
ORDER BY mandatory DESC, competence
"""

# The 3 cheapest paths (by missing levels, then months) of up to 4 moves to the
# next step; the weight is levels, not hours (no effort chains in Cypher).
CAREER_PATHS: Final = """
MATCH (e:Employee {id: $id})-[:AT_STEP]->(s:Step)-[:NEXT]->(t:Step)
MATCH p = (s)-[:NEXT|TRANSITION*1..4]->(t)
CALL (e, p) {
  UNWIND nodes(p)[1..] AS st
  MATCH (st)-[r:REQUIRES]->(c:Competence)
  OPTIONAL MATCH (e)-[h:HOLDS]->(c)
  WITH c, max(r.level) AS level, max(coalesce(h.level, 0)) AS held
  RETURN sum(CASE WHEN level > held THEN level - held ELSE 0 END) AS cost
}
RETURN [x IN nodes(p) | x.id] AS steps, cost,
       reduce(m = 0, rel IN relationships(p) | m + coalesce(rel.months, 0)) AS months
ORDER BY cost, months, size(steps)
LIMIT 3
"""

# Candidates for the adept's gap: 55+, strong holders, free capacity, scored
# with proximity (PART_OF distance via the two ancestor chains) and urgency.
MENTOR_CANDIDATES: Final = f"""
MATCH (a:Employee {{id: $id}})-[:AT_STEP]->(:Step)-[:NEXT]->(:Step)-[r:REQUIRES]->(c:Competence)
OPTIONAL MATCH (a)-[h:HOLDS]->(c)
WITH a, c, r.level AS target, {_HELD} AS held
WHERE target > held
MATCH (a)-[:WORKS_IN]->(au:Unit)
MATCH ap = (au)-[:PART_OF*0..]->(top:Unit) WHERE NOT (top)-[:PART_OF]->()
WITH a, [x IN nodes(ap) | x.id] AS chain, c, target, held
MATCH (m:Employee)-[mh:HOLDS]->(c)
WHERE mh.level >= CASE WHEN target > $floor THEN target ELSE $floor END
  AND m.birth_year <= $year - $minAge AND m <> a
WITH a, chain, m, sum(target - held) AS covered, collect(c.id) AS competences
WHERE NOT EXISTS {{ MATCH (m)-[x:MENTORS]->(a) WHERE {_ACTIVE} }}
CALL (m) {{
  OPTIONAL MATCH (m)-[x:MENTORS]->(:Employee) WHERE {_ACTIVE}
  RETURN count(x) AS active
}}
WITH chain, m, covered, competences, active
WHERE active < coalesce(m.mentor_capacity, $capacity)
MATCH (m)-[:WORKS_IN]->(mu:Unit)
MATCH mp = (mu)-[:PART_OF*0..]->(top:Unit) WHERE NOT (top)-[:PART_OF]->()
WITH chain, m, covered, competences, active, [x IN nodes(mp) | x.id] AS mine
WITH m, covered, competences, active,
     [i IN range(0, size(mine) - 1) WHERE mine[i] IN chain
      | 2 * i + size(chain) - size(mine)][0] AS d
RETURN m.id AS mentor, competences, active,
       covered * (1.0 / (1 + d / 2.0))
         * CASE WHEN $year - m.birth_year >= $urgentAge THEN $urgency ELSE 1.0 END AS score
ORDER BY score DESC, mentor
LIMIT 10
"""

# The data of mentor proposals: unmatched designated adepts of the subtree and
# each one's candidate mentors with the levels they cover (no proximity, no
# capacity, no assignment: that is a min-cost flow, done in Python).
MENTOR_PROPOSALS: Final = f"""
MATCH (:Unit {{id: $unit}})<-[:PART_OF*0..]-(:Unit)<-[:WORKS_IN]-(a:Employee {{adept: true}})
WHERE NOT EXISTS {{ MATCH (:Employee)-[x:MENTORS]->(a) WHERE {_ACTIVE} }}
MATCH (a)-[:AT_STEP]->(:Step)-[:NEXT]->(:Step)-[r:REQUIRES]->(c:Competence)
OPTIONAL MATCH (a)-[h:HOLDS]->(c)
WITH a, c, r.level AS target, {_HELD} AS held
WHERE target > held
MATCH (m:Employee)-[mh:HOLDS]->(c)
WHERE mh.level >= CASE WHEN target > $floor THEN target ELSE $floor END
  AND m.birth_year <= $year - $minAge AND m <> a
RETURN a.id AS adept, m.id AS mentor, sum(target - held) AS covered
ORDER BY adept, covered DESC, mentor
"""

# Supply per (unit, competence, level) need in effect at the horizon, for every
# unit of the subtree, counted over each unit's own subtree.
COMPETENCE_SUPPLY: Final = f"""
MATCH (:Unit {{id: $unit}})<-[:PART_OF*0..]-(u:Unit)-[n:NEEDS]->(c:Competence)
WITH u, c, n, CASE n.horizon WHEN 'now' THEN 0 WHEN 'short' THEN 1 ELSE 2 END AS rank
WHERE rank <= $rank
WITH u, c, n ORDER BY rank DESC
WITH u, c, n.level AS level, collect(n)[0] AS need
CALL (u, c, level) {{
  MATCH (u)<-[:PART_OF*0..]-(:Unit)<-[:WORKS_IN]-(e:Employee)-[h:HOLDS]->(c)
  WITH e, {_HELD} AS held
  WHERE held >= level
  RETURN count(e) AS supply,
         sum(CASE WHEN e.birth_year <= $retiringBornBy THEN 1 ELSE 0 END) AS retiring
}}
CALL (u, c, level) {{
  MATCH (u)<-[:PART_OF*0..]-(:Unit)<-[:WORKS_IN]-(e:Employee)-[:HAS_PLAN]->(p:Plan)
        -[:INCLUDES]->(i:PlanActivity {{competence: c.id}})
  WHERE i.status IN ['planned', 'ongoing'] AND i.target_level >= level
    AND p.status <> 'closed' AND coalesce(i.due_on, p.period_end) <= $dueBy
    AND NOT EXISTS {{
      MATCH (e)-[h:HOLDS]->(c) WHERE {_HELD} >= level
    }}
  RETURN count(DISTINCT e) AS developing
}}
RETURN u.id AS unit, c.id AS competence, level, need.count AS required,
       supply, retiring, developing
ORDER BY unit, competence, level
"""

# Competencies held at >= 4 in the subtree with a senior share >= 0.5.
TRANSFER_RISKS: Final = f"""
MATCH (:Unit {{id: $unit}})<-[:PART_OF*0..]-(:Unit)<-[:WORKS_IN]-(e:Employee)
      -[h:HOLDS]->(c:Competence)
WHERE h.level >= 4
WITH e, c, {_HELD} AS held
WHERE held >= 4
WITH c, collect(e) AS holders,
     sum(CASE WHEN e.birth_year <= $seniorBornBy THEN 1 ELSE 0 END) AS seniors
WITH c, holders, seniors, toFloat(seniors) / size(holders) AS share
WHERE share >= $seniorShare
CALL (c, holders) {{
  UNWIND holders AS m
  MATCH (m)-[x:MENTORS]->(:Employee)
  WHERE {_ACTIVE} AND c.id IN x.focus
  RETURN count(x) AS covering
}}
RETURN c.id AS competence, size(holders) AS holders, seniors, share, covering
ORDER BY share DESC, covering, competence
"""

# Employees of the subtree, those with a current plan, and per talk kind.
PLAN_COVERAGE: Final = """
MATCH (:Unit {id: $unit})<-[:PART_OF*0..]-(:Unit)<-[:WORKS_IN]-(e:Employee)
CALL (e) {
  OPTIONAL MATCH (e)-[:HAS_PLAN]->(p:Plan {status: 'active'})
  WHERE p.period_start <= $asOf AND p.period_end >= $asOf
    AND ((p.created_on >= $since AND p.created_on <= $asOf)
      OR (p.last_followup_on >= $since AND p.last_followup_on <= $asOf))
  RETURN count(p) > 0 AS current
}
CALL (e) {
  OPTIONAL MATCH (e)-[:HAD_CONVERSATION]->(t:Conversation)
  WHERE t.held_on >= $since AND t.held_on <= $asOf
  RETURN collect(DISTINCT t.kind) AS kinds
}
RETURN count(e) AS employees,
       sum(CASE WHEN current THEN 1 ELSE 0 END) AS withCurrentPlan,
       sum(CASE WHEN 'medarbetarsamtal' IN kinds THEN 1 ELSE 0 END) AS medarbetarsamtal,
       sum(CASE WHEN 'prestationssamtal' IN kinds THEN 1 ELSE 0 END) AS prestationssamtal,
       sum(CASE WHEN 'lonesamtal' IN kinds THEN 1 ELSE 0 END) AS lonesamtal
"""


def params(rules: Rules, as_of: date, years: int) -> dict[str, Any]:
    """The numbers every query may use (unused ones are ignored by Neo4j)."""
    since, _ = year_window(as_of)
    return {
        "asOf": as_of,
        "year": as_of.year,
        "since": since,
        "floor": rules.mentor_level_floor,
        "minAge": rules.mentor_min_age,
        "capacity": rules.default_mentor_capacity,
        "urgentAge": rules.retirement_age - 3,
        "urgency": rules.urgency_factor,
        "rank": 2,
        "retiringBornBy": as_of.year + years - rules.retirement_age,
        "dueBy": date(as_of.year + years, as_of.month, min(as_of.day, 28)),
        "seniorBornBy": as_of.year - rules.senior_age,
        "seniorShare": rules.senior_share,
    }
