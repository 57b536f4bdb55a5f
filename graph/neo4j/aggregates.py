"""`AggregateReads` of the Neo4j store: counting in Cypher (issue 3, point 7).

Each async function is a read transaction function (idempotent) answering
exactly what the domain's reference function would (`ladders.supply.supply_counts`
as `supply_from` of `held_rows` and `developing_rows`,
`ladders.risk.transfer_counts`, `ladders.coverage.coverage_counts`): the
contract suite compares them. Counting starts from the units asked about
(their employees, then those people's holdings and plan items), or, when they
are most of the region, from an index of what is counted, hash-joined on
their employees; only the counts travel back.

Expiry: a holding counts when its `expires_on` is on or after `$as_of`, or it
has none and was assessed on or after its competence's bound from
`graph.validity` (passed as `$bounds`, competence id -> date). Cypher's
`date + duration({months: n})` clamps month ends as `ladders.holding` does,
but the bound keeps the rule in one place for both stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph.validity import earliest_valid_assessment
from ladders.models import ConversationKind, PlanActivityStatus, PlanStatus
from ladders.ports import CoverageCount, SupplyCount, TransferCount
from ladders.supply import Wants


def valid_from(bound: str) -> str:
    """Whether holding `h` counts; `bound`: the expression of its
    competence's earliest assessment day that still counts (null: none)."""
    return (
        "(CASE WHEN h.expires_on IS NOT NULL THEN h.expires_on >= $as_of"
        f" WHEN h.assessed_on IS NULL OR {bound} IS NULL THEN true"
        f" ELSE h.assessed_on >= {bound} END)"
    )


def valid(competence_id: str) -> str:
    """Whether holding `h` counts; `competence_id`: the expression naming its
    competence's id (a variable projected once is cheaper than `c.id`)."""
    return valid_from(f"$bounds[{competence_id}]")


VALID: Final = valid("c.id")

# The competencies a question asks about: their element ids (a holding's
# competence is told apart by the element id of its node, which the
# relationship has at hand, rather than by reading its `id`) and validities.
_ASKED: Final = (
    "MATCH (c:Competence) WHERE c.id IN $competences"
    " RETURN collect([c.id, elementId(c), c.valid_months]) AS rows"
)
_VALIDITIES: Final = (
    "MATCH (c:Competence) WHERE c.valid_months IS NOT NULL"
    " RETURN collect([c.id, elementId(c), c.valid_months]) AS rows"
)


# Both from the units' employees (a subtree's people, by the WORKS_IN
# index), not from the competencies' holders region-wide: their cost
# follows the subtree, not the region.
#
# The slotted runtime spends far more per row on expressions than on
# expanding relationships (measured on a 5,000-person subtree: expanding its
# ~164k holdings ~30 ms of server CPU; filtering them with `c IN cs`, a list
# scan per row, ~160 ms more; `$map[c.id]` written inside a WHERE is slower
# still). So each competence's id is projected once, its map entries are
# looked up by that variable, and the filters that drop most rows come
# first: not a competence asked about, then below its least level asked
# about, then expired.
#
# Unlike the embedded store, no copy of the holder's unit on HOLDS: a
# relationship index on such copies, seeked per (unit, competence asked
# about) (~13k seeks for 281 units and 46 competencies), measured no faster
# than this expansion at 10k and 55k people.
#
# SUPPLY_HELD: valid holdings of a competence the holder's unit is asked
# about, at or above its least level asked about there, counted per (unit,
# competence, level, retiring) before spreading them over the levels asked
# about. A person holds a competence at most once. Most of a subtree's
# holdings are of competencies not asked about (~3 in 4 at 55k), so they are
# told apart by the element id of the competence node, which the
# relationship has at hand, not by its `id` property, a read per holding
# (`$least_in` and `$competence_of` are keyed by element id, from
# `asked_competences` in the same transaction): the query for a 5,000-person
# subtree went from ~140 to ~100 ms. Asked per unit
# (`ports.AggregateReads.supply_counts`), a holding passes only where its
# unit wants it: 2,577 -> 424 rows and ~40 -> ~25 ms for half of that
# subtree. Each distinct set of pairs is sent once (`ladders.supply.Wants`:
# `$set_of` a unit's index into `$least_in` and `$levels_in`), looked up once
# per person.
SUPPLY_HELD: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee) WHERE u.id IN $unit_ids"
    " WITH u.id AS unit_id, e, $set_of[u.id] AS wants,"
    "  ($born_by IS NOT NULL AND e.birth_year <= $born_by) AS retires"
    " WITH unit_id, e, wants, $least_in[wants] AS least_of, retires"
    " MATCH (e)-[h:HOLDS]->(c)"
    " WITH unit_id, wants, retires, h, elementId(c) AS node, least_of"
    " WITH unit_id, wants, retires, h, node, least_of[node] AS least WHERE least IS NOT NULL"
    " WITH unit_id, wants, retires, $competence_of[node] AS cid, h.level AS held, h, least"
    " WHERE held >= least AND " + valid("cid") + ""
    " WITH unit_id, wants, cid, held, retires, count(*) AS n"
    " UNWIND $levels_in[wants][cid] AS level"
    " WITH unit_id, cid, level, sum(CASE WHEN held >= level THEN n ELSE 0 END) AS now,"
    "  sum(CASE WHEN held >= level AND retires THEN n ELSE 0 END) AS retiring"
    " WHERE now > 0"
    " RETURN collect([unit_id, cid, level, now, retiring]) AS rows"
)
# SUPPLY_DEVELOPING: per (person, competence) with a counting plan item, the
# highest target; in development at a level the target reaches and the held
# level (0 when expired or none) does not; only where the person's unit
# is asked about the competence. The WITH after the people keeps
# the planner from starting at the open items of the whole region (whose
# people it then checks one by one for their unit).
SUPPLY_DEVELOPING: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee) WHERE u.id IN $unit_ids"
    " WITH u.id AS unit_id, e"
    " MATCH (e)-[:HAS_PLAN]->(p:Plan)-[:INCLUDES]->(x:PlanActivity)"
    " WHERE x.competence IN $competences AND x.status IN $developing"
    "  AND p.status <> $closed AND coalesce(x.due_on, p.period_end) <= $due_by"
    " WITH unit_id, e, x.competence AS cid, max(x.target_level) AS target"
    " WITH unit_id, e, cid, target, $levels_in[$set_of[unit_id]][cid] AS levels"
    " WHERE levels IS NOT NULL"
    " OPTIONAL MATCH (e)-[h:HOLDS]->(c:Competence {id: cid})"
    " WITH unit_id, cid, target, levels,"
    "  CASE WHEN h IS NOT NULL AND " + valid("cid") + " THEN h.level ELSE 0 END AS held"
    " UNWIND levels AS level"
    " WITH unit_id, cid, level WHERE held < level AND target >= level"
    " WITH unit_id, cid, level, count(*) AS developing"
    " RETURN collect([unit_id, cid, level, developing]) AS rows"
)

# Holders per competence: from the units' employees for a part of the
# region; for most of it, from the HOLDS level index (the holdings at the
# level asked about are a quarter of all) joined to the units' employees.
# Holdings are counted per competence node and their validity bound looked
# up by its element id (`$bounds_at`), so no holding reads its competence's
# `id`: that is read once per competence, at the end.
_VALID_AT: Final = valid_from("$bounds_at[elementId(c)]")
_TRANSFER_HOLDERS: Final = (
    " WITH c, count(*) AS holders,"
    "  sum(CASE WHEN e.birth_year <= $born_by THEN 1 ELSE 0 END) AS seniors"
    " RETURN collect([c.id, holders, seniors]) AS rows"
)
TRANSFER_HOLDERS_IN_UNITS: Final = (
    "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee) WHERE u.id IN $unit_ids"
    " MATCH (e)-[h:HOLDS]->(c)"
    " WHERE h.level >= $min_level AND " + _VALID_AT + _TRANSFER_HOLDERS
)
TRANSFER_HOLDERS_BY_LEVEL: Final = (
    "MATCH (e:Employee)-[h:HOLDS]->(c:Competence)"
    " WHERE h.level >= $min_level AND " + _VALID_AT + ""
    " MATCH (e)-[:WORKS_IN]->(u:Unit) WHERE u.id IN $unit_ids" + _TRANSFER_HOLDERS
)
# Mentorships active on $as_of (a few thousand region-wide, by the
# started_on index), per competence of their focus that their mentor holds
# as counted above: the other end than each holder's mentorships.
TRANSFER_ACTIVE: Final = (
    "MATCH (e:Employee)-[m:MENTORS]->(:Employee)"
    " WHERE m.started_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)"
    " MATCH (e)-[:WORKS_IN]->(u:Unit) WHERE u.id IN $unit_ids"
    " UNWIND m.focus AS cid"
    " WITH DISTINCT e, m, cid"
    " MATCH (e)-[h:HOLDS]->(c:Competence {id: cid})"
    " WHERE h.level >= $min_level AND " + VALID + ""
    " WITH cid, count(*) AS active"
    " RETURN collect([cid, active]) AS rows"
)
UNIT_COUNT: Final = "MATCH (u:Unit) RETURN count(u) AS n"

_IN_UNITS: Final = "MATCH (u:Unit)<-[:WORKS_IN]-(e:Employee) WHERE u.id IN $unit_ids"
COVERAGE_EMPLOYEES: Final = _IN_UNITS + " RETURN count(DISTINCT e) AS n"
COVERAGE_PLANS: Final = (
    _IN_UNITS + " AND EXISTS { MATCH (e)-[:HAS_PLAN]->(p:Plan)"
    " WHERE p.status = $active AND p.period_start <= $as_of AND p.period_end >= $as_of"
    " AND ((p.created_on >= $since AND p.created_on <= $as_of)"
    "  OR (p.last_followup_on >= $since AND p.last_followup_on <= $as_of)) }"
    " RETURN count(DISTINCT e) AS n"
)
COVERAGE_TALKS: Final = (
    _IN_UNITS + " MATCH (e)-[:HAD_CONVERSATION]->(t:Conversation)"
    " WHERE t.held_on >= $since AND t.held_on <= $as_of"
    " WITH t.kind AS kind, count(DISTINCT e) AS n RETURN collect([kind, n]) AS rows"
)

# For most of the region: the current plans (by the status index) and the
# window's talks (by the held_on index) hash-joined on the units' employees;
# expanding each of tens of thousands of people's relationships instead
# reads millions of records.
_JOIN_WITH_UNITS: Final = " USING JOIN ON e"
COVERAGE_PLANS_MOST: Final = (
    _IN_UNITS + " MATCH (e)-[:HAS_PLAN]->(p:Plan)" + _JOIN_WITH_UNITS + ""
    " WHERE p.status = $active AND p.period_start <= $as_of AND p.period_end >= $as_of"
    " AND ((p.created_on >= $since AND p.created_on <= $as_of)"
    "  OR (p.last_followup_on >= $since AND p.last_followup_on <= $as_of))"
    " RETURN count(DISTINCT e) AS n"
)
COVERAGE_TALKS_MOST: Final = (
    _IN_UNITS + " MATCH (e)-[:HAD_CONVERSATION]->(t:Conversation)" + _JOIN_WITH_UNITS + ""
    " WHERE t.held_on >= $since AND t.held_on <= $as_of"
    " WITH t.kind AS kind, count(DISTINCT e) AS n RETURN collect([kind, n]) AS rows"
)


async def _rows(tx: AsyncManagedTransaction, query: str, **params: Any) -> list[Any]:
    result = await tx.run(query, params)
    record = await result.single(strict=True)
    found: list[Any] = record["rows"]
    return found


async def count(tx: AsyncManagedTransaction, query: str, **params: Any) -> int:
    result = await tx.run(query, params)
    record = await result.single(strict=True)
    return int(record["n"])


async def most_of_region(tx: AsyncManagedTransaction, unit_ids: Sequence[str]) -> bool:
    """Whether these are more than half of all units: then reading from the
    indexes region-wide beats walking from each unit's people."""
    return 2 * len(unit_ids) > await count(tx, UNIT_COUNT)


@dataclass(frozen=True)
class Asked:
    """What `asked_competences` read. Element ids hold only within the
    transaction that read them: use them in that one."""

    nodes: dict[str, str]
    """Competence id -> element id of its node (unknown ids are left out)."""
    bounds: dict[str, date]
    """Competence id -> earliest assessment day that counts on the day asked
    (only those with a validity), as `$bounds` of `valid`."""

    @property
    def competence_of(self) -> dict[str, str]:
        """Element id -> competence id."""
        return {node: c for c, node in self.nodes.items()}


async def asked_competences(
    tx: AsyncManagedTransaction, competence_ids: Sequence[str], as_of: date
) -> Asked:
    rows = await _rows(tx, _ASKED, competences=sorted(set(competence_ids)))
    return Asked(
        nodes={str(c): str(node) for c, node, _ in rows},
        bounds={
            str(c): earliest_valid_assessment(as_of, int(months))
            for c, _, months in rows
            if months is not None
        },
    )


async def validity_bounds(
    tx: AsyncManagedTransaction, as_of: date
) -> tuple[dict[str, date], dict[str, date]]:
    """Every competence with a validity: (by id, by element id of its node)
    -> the earliest assessment day that counts on `as_of`."""
    by_id: dict[str, date] = {}
    by_node: dict[str, date] = {}
    for cid, node, months in await _rows(tx, _VALIDITIES):
        by_id[str(cid)] = by_node[str(node)] = earliest_valid_assessment(as_of, int(months))
    return by_id, by_node


def _supply_params(asked: Asked, wants: Wants, as_of: date) -> dict[str, Any]:
    return {
        "set_of": wants.set_of,
        "levels_in": list(wants.levels),
        "as_of": as_of,
        "bounds": asked.bounds,
    }


def _asked_ids(wants: Wants) -> list[str]:
    return sorted({c for levels in wants.levels for c in levels})


async def held_rows(
    tx: AsyncManagedTransaction,
    wants: Wants,
    unit_ids: Sequence[str],
    as_of: date,
    retiring_born_by: int | None,
) -> list[Any]:
    """SUPPLY_HELD's [unit, competence, level, now, retiring] rows for
    `unit_ids` (of `wants`)."""
    asked = await asked_competences(tx, _asked_ids(wants), as_of)
    return await _rows(
        tx,
        SUPPLY_HELD,
        **_supply_params(asked, wants, as_of),
        unit_ids=list(unit_ids),
        least_in=[
            {asked.nodes[c]: min(lv) for c, lv in levels.items() if c in asked.nodes}
            for levels in wants.levels
        ],
        competence_of=asked.competence_of,
        born_by=retiring_born_by,
    )


async def developing_rows(
    tx: AsyncManagedTransaction, wants: Wants, as_of: date, due_by: date
) -> list[Any]:
    """SUPPLY_DEVELOPING's [unit, competence, level, developing] rows."""
    asked = await asked_competences(tx, _asked_ids(wants), as_of)
    return await _rows(
        tx,
        SUPPLY_DEVELOPING,
        **_supply_params(asked, wants, as_of),
        unit_ids=list(wants.set_of),
        competences=_asked_ids(wants),
        due_by=due_by,
        developing=[PlanActivityStatus.PLANNED.value, PlanActivityStatus.ONGOING.value],
        closed=PlanStatus.CLOSED.value,
    )


def supply_from(held: Sequence[Any], developing: Sequence[Any]) -> list[SupplyCount]:
    """The counts of `held_rows` and `developing_rows` together."""
    counts: dict[tuple[str, str, int], list[int]] = {}
    for unit_id, competence_id, level, now, retiring in held:
        counts[unit_id, competence_id, level] = [now, retiring, 0]
    for unit_id, competence_id, level, count_ in developing:
        counts.setdefault((unit_id, competence_id, level), [0, 0, 0])[2] = count_
    return [
        SupplyCount(
            unit_id=unit_id,
            competence_id=competence_id,
            level=level,
            supply_now=now,
            retiring=retiring,
            in_development=in_development,
        )
        for (unit_id, competence_id, level), (now, retiring, in_development) in sorted(
            counts.items()
        )
    ]


async def transfer_counts(
    tx: AsyncManagedTransaction,
    unit_ids: Sequence[str],
    min_level: int,
    senior_born_by: int,
    as_of: date,
) -> list[TransferCount]:
    if not unit_ids:
        return []
    bounds, bounds_at = await validity_bounds(tx, as_of)
    params: dict[str, Any] = {
        "unit_ids": list(unit_ids),
        "min_level": min_level,
        "born_by": senior_born_by,
        "as_of": as_of,
        "bounds": bounds,
        "bounds_at": bounds_at,
    }
    most = await most_of_region(tx, unit_ids)
    holders = TRANSFER_HOLDERS_BY_LEVEL if most else TRANSFER_HOLDERS_IN_UNITS
    active = {str(cid): int(n) for cid, n in await _rows(tx, TRANSFER_ACTIVE, **params)}
    return sorted(
        (
            TransferCount(
                competence_id=competence_id,
                holders=count,
                senior_holders=seniors,
                mentorships_active=active.get(competence_id, 0),
            )
            for competence_id, count, seniors in await _rows(tx, holders, **params)
        ),
        key=lambda c: c.competence_id,
    )


async def coverage_counts(
    tx: AsyncManagedTransaction, unit_ids: Sequence[str], as_of: date, since: date
) -> CoverageCount:
    units = list(unit_ids)
    if not units:
        return CoverageCount(
            employees=0,
            with_current_plan=0,
            conversations=tuple((kind, 0) for kind in ConversationKind),
        )
    window = {"unit_ids": units, "as_of": as_of, "since": since}
    most = await most_of_region(tx, units)
    talks = COVERAGE_TALKS_MOST if most else COVERAGE_TALKS
    plans = COVERAGE_PLANS_MOST if most else COVERAGE_PLANS
    had = {str(kind): int(n) for kind, n in await _rows(tx, talks, **window)}
    return CoverageCount(
        employees=await count(tx, COVERAGE_EMPLOYEES, unit_ids=units),
        with_current_plan=await count(tx, plans, active=PlanStatus.ACTIVE.value, **window),
        conversations=tuple((kind, had.get(kind.value, 0)) for kind in ConversationKind),
    )
