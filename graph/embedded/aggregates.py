"""`AggregateReads` of the embedded store: counting in SQL (issue 3, point 7).

Each function runs on a reader thread in one snapshot and answers exactly what
the domain's reference function would (`ladders.supply.supply_counts`,
`ladders.risk.transfer_counts`, `ladders.coverage.coverage_counts`): the
contract suite compares them. Counting starts from the units' people and reads
each one's holdings and plan items by key, never every employee crossed with
every competence; only non-zero rows exist, as the port wants.

Expiry: a holding counts when its `expires_on` is on or after `as_of`, or it
has none and it was assessed on or after its competence's bound from
`graph.validity` (month ends clamped like `ladders.holding.add_months`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import apsw

from graph.embedded.reads import IDS
from graph.embedded.rows import every, one
from graph.validity import validity_bounds
from ladders.models import ConversationKind, PlanStatus
from ladders.ports import CoverageCount, SupplyCount, TransferCount
from ladders.supply import distinct_wants


def valid(earliest: str) -> str:
    """Whether holding `h` has not expired on :as_of, given `earliest`, an
    expression for its competence's earliest valid assessment day (NULL:
    the competence has no validity)."""
    return (
        "(CASE WHEN h.expires_on IS NOT NULL THEN h.expires_on >= :as_of"
        f" WHEN h.assessed_on IS NULL OR {earliest} IS NULL THEN 1"
        f" ELSE h.assessed_on >= {earliest} END)"
    )


# `valid` with the day looked up in the :bounds table, written out: few
# competencies have a validity, and the IN test (an index probe) spares the
# others a scan of `bounds`, which for a region's holdings was most of the time.
VALID = (
    "(CASE WHEN h.expires_on IS NOT NULL THEN h.expires_on >= :as_of"
    " WHEN h.assessed_on IS NULL OR h.competence_id NOT IN (SELECT competence_id FROM bounds)"
    " THEN 1"
    " ELSE h.assessed_on >= (SELECT earliest FROM bounds WHERE competence_id = h.competence_id)"
    " END)"
)
# Common table expressions: the employees of :units, and the JSON object
# :bounds (competence id -> earliest valid assessment day) as a small table.
_PEOPLE = """e AS MATERIALIZED (
        SELECT id, unit_id, birth_year FROM employee
        WHERE unit_id IN (SELECT value FROM json_each(:units))
    )"""
BOUNDS = """bounds AS MATERIALIZED (
        SELECT key AS competence_id, value AS earliest FROM json_each(:bounds)
    )"""
_WITH = f"""WITH
    {_PEOPLE},
    {BOUNDS}"""


def bounds(conn: apsw.Connection, as_of: date) -> dict[str, str]:
    """Competence id -> its earliest valid assessment day on `as_of`, for
    the competencies with a validity."""
    found = conn.execute("SELECT id, valid_months FROM competence WHERE valid_months IS NOT NULL")
    return validity_bounds(((r[0], r[1]) for r in found), as_of)


def bounds_json(conn: apsw.Connection, as_of: date) -> str:
    return json.dumps(bounds(conn, as_of))


def supply_counts(
    conn: apsw.Connection,
    wanted: Mapping[str, Sequence[tuple[str, int]]],
    as_of: date,
    retiring_born_by: int | None,
    due_by: date,
) -> list[SupplyCount]:
    wants = distinct_wants(wanted)
    if not wants.set_of:
        return []
    earliest = bounds(conn, as_of)
    params: dict[str, Any] = {
        "units": json.dumps(list(wants.set_of)),
        "unit_sets": json.dumps(list(wants.set_of.items())),
        # Per distinct set of pairs asked (`ladders.supply.Wants`) and
        # competence in it: its least level asked about and its earliest
        # valid assessment day (None: no validity), so that each holding is
        # checked against its own row, not by subqueries.
        "asked": json.dumps(
            [
                [i, c, levels[0], earliest.get(c)]
                for i, by_competence in enumerate(wants.levels)
                for c, levels in by_competence.items()
            ]
        ),
        "as_of": as_of.isoformat(),
        "born_by": retiring_born_by,
        "due_by": due_by.isoformat(),
        "closed": PlanStatus.CLOSED.value,
    }
    # Valid holdings that can count (a competence their unit is asked about,
    # at or above its least level asked about there) are counted per (unit,
    # competence, level), with how many of them retire, from the holdings'
    # own unit and birth year (migration 5): one range of the covering index
    # `holding_by_unit` per (unit, competence, level >= least), only for what
    # that unit is asked about (in a 5,000-person subtree, ~4 of the 54 pairs
    # asked of any of its 281 units), then spread over the levels asked
    # about. Each unit's pairs come from its set (`unit_set` joined to
    # `asked_set` by an automatic index), not from rows of JSON per unit:
    # without its subtree's rows, each of a region's 3,022 units is asked
    # the same pairs. The items
    # are read from the people (CROSS JOIN keeps that order), not from every
    # open item of those competencies region-wide, and kept where their
    # person's unit is asked about them (a row-value IN, probed by index).
    # Only the few (person, competence) with a counting plan item are looked
    # at one by one: their held level (0 when expired; a person holds a
    # competence at most once) decides whether they are in development.
    found = conn.execute(
        f"""WITH
        {_PEOPLE},
        unit_set (unit_id, set_id) AS MATERIALIZED (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')
            FROM json_each(:unit_sets)
        ),
        asked_set (set_id, competence_id, least, earliest) AS MATERIALIZED (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                   json_extract(value, '$[2]'), json_extract(value, '$[3]')
            FROM json_each(:asked)
        ),
        asked (unit_id, competence_id, least, earliest) AS MATERIALIZED (
            SELECT us.unit_id, a.competence_id, a.least, a.earliest
            FROM unit_set us CROSS JOIN asked_set a ON a.set_id = us.set_id
        ),
        validity (competence_id, earliest) AS MATERIALIZED (
            SELECT DISTINCT competence_id, earliest FROM asked_set
        ),
        held AS MATERIALIZED (
            SELECT h.unit_id, h.competence_id, h.level AS held, COUNT(*) AS n,
                   SUM(:born_by IS NOT NULL AND h.birth_year <= :born_by) AS retiring
            FROM asked CROSS JOIN holding h
              ON h.unit_id = asked.unit_id AND h.competence_id = asked.competence_id
              AND h.level >= asked.least
            WHERE {valid("asked.earliest")}
            GROUP BY 1, 2, 3
        ),
        target AS MATERIALIZED (
            SELECT e.unit_id, p.employee_id, a.competence_id, MAX(a.target_level) AS target
            FROM e CROSS JOIN plan p ON p.employee_id = e.id
            CROSS JOIN plan_activity a ON a.plan_id = p.id
            WHERE p.status <> :closed AND +a.status IN ('planned', 'ongoing')
              AND (e.unit_id, a.competence_id) IN (SELECT unit_id, competence_id FROM asked)
              AND COALESCE(a.due_on, p.period_end) <= :due_by
            GROUP BY p.employee_id, a.competence_id
        ),
        developing AS MATERIALIZED (
            SELECT t.unit_id, t.competence_id, t.target,
                   CASE WHEN h.level IS NOT NULL AND {valid("v.earliest")}
                        THEN h.level ELSE 0 END AS held
            FROM target t
            CROSS JOIN validity v ON v.competence_id = t.competence_id
            LEFT JOIN holding h
              ON h.employee_id = t.employee_id AND h.competence_id = t.competence_id
        )
        SELECT 0, unit_id, competence_id, held, n, retiring FROM held
        UNION ALL
        SELECT 1, unit_id, competence_id, held, target, 0 FROM developing""",
        params,
    )
    # Spread over the levels asked about in Python: a dict per row beat
    # SQLite joining every group to the levels and sorting the lot again.
    totals: dict[tuple[str, str, int], list[int]] = {}
    for developing, unit_id, competence_id, held, n_or_target, retiring in found:
        for level in wants.levels[wants.set_of[unit_id]][competence_id]:  # ascending
            if developing:
                # One person: held below the level, planned up to it.
                if level <= held:
                    continue
                if level > n_or_target:
                    break
            elif level > held:
                break
            total = totals.get((unit_id, competence_id, level))
            if total is None:
                total = totals[unit_id, competence_id, level] = [0, 0, 0]
            if developing:
                total[2] += 1
            else:
                total[0] += n_or_target
                total[1] += retiring
    return [
        SupplyCount(
            unit_id=unit_id,
            competence_id=competence_id,
            level=level,
            supply_now=now,
            retiring=retiring,
            in_development=developing,
        )
        for (unit_id, competence_id, level), (now, retiring, developing) in sorted(totals.items())
    ]


def transfer_counts(
    conn: apsw.Connection,
    unit_ids: Sequence[str],
    min_level: int,
    senior_born_by: int,
    as_of: date,
) -> list[TransferCount]:
    if not unit_ids:
        return []
    params: dict[str, Any] = {
        "units": json.dumps(list(unit_ids)),
        "min_level": min_level,
        "born_by": senior_born_by,
        "as_of": as_of.isoformat(),
        "bounds": bounds_json(conn, as_of),
    }
    # Holders per competence in one pass over the units' people's holdings;
    # the active mentorships (a few thousand region-wide) from the other end
    # (CROSS JOIN keeps that order): each focus competence of one, when its
    # mentor is such a holder.
    found = conn.execute(
        _WITH
        + f""",
        holders AS MATERIALIZED (
            SELECT h.competence_id, COUNT(*) AS holders,
                   SUM(e.birth_year <= :born_by) AS seniors
            FROM e JOIN holding h ON h.employee_id = e.id
            WHERE h.level >= :min_level AND {VALID}
            GROUP BY h.competence_id
        ),
        active AS MATERIALIZED (
            SELECT f.competence_id, COUNT(*) AS n
            FROM mentorship m CROSS JOIN mentorship_focus f ON f.mentorship_id = m.id
            CROSS JOIN holding h
              ON h.employee_id = m.mentor_id AND h.competence_id = f.competence_id
            CROSS JOIN employee mentor ON mentor.id = m.mentor_id
            WHERE m.started_on <= :as_of AND (m.ended_on IS NULL OR m.ended_on > :as_of)
              AND mentor.unit_id IN (SELECT value FROM json_each(:units))
              AND h.level >= :min_level AND {VALID}
            GROUP BY f.competence_id
        )
        SELECT holders.competence_id, holders, seniors, COALESCE(active.n, 0)
        FROM holders LEFT JOIN active ON active.competence_id = holders.competence_id
        ORDER BY holders.competence_id""",
        params,
    )
    return [
        TransferCount(
            competence_id=competence_id,
            holders=holders,
            senior_holders=seniors,
            mentorships_active=active,
        )
        for competence_id, holders, seniors, active in found
    ]


def coverage_counts(
    conn: apsw.Connection, unit_ids: Sequence[str], as_of: date, since: date
) -> CoverageCount:
    params: dict[str, Any] = {
        "units": json.dumps(list(unit_ids)),
        "as_of": as_of.isoformat(),
        "since": since.isoformat(),
        "bounds": "{}",
        "active": PlanStatus.ACTIVE.value,
    }
    (employees,) = one(
        conn.execute(f"SELECT COUNT(*) FROM employee WHERE unit_id IN {IDS}", (params["units"],))
    )
    (with_plan,) = one(
        conn.execute(
            _WITH
            + """
        SELECT COUNT(DISTINCT p.employee_id) FROM plan p JOIN e ON e.id = p.employee_id
        WHERE p.status = :active AND p.period_start <= :as_of AND p.period_end >= :as_of
          AND ((p.created_on BETWEEN :since AND :as_of)
               OR (p.last_followup_on BETWEEN :since AND :as_of))""",
            params,
        )
    )
    had: dict[str, int] = dict(
        every(
            conn.execute(
                _WITH
                + """
            SELECT c.kind, COUNT(DISTINCT c.employee_id)
            FROM conversation c JOIN e ON e.id = c.employee_id
            WHERE c.held_on BETWEEN :since AND :as_of GROUP BY c.kind""",
                params,
            )
        )
    )
    return CoverageCount(
        employees=employees,
        with_current_plan=with_plan,
        conversations=tuple((kind, int(had.get(kind.value, 0))) for kind in ConversationKind),
    )
