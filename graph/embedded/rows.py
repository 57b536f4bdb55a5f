"""Mapping between domain models and SQLite rows.

For each table: the column list (`*_COLUMNS`, used both by SELECT and
INSERT), a function from a model to a parameter tuple in that order, and one
from a row tuple back to a model. Nested collections (requirements,
developments, managed units, mentorship focus) are read separately and passed
in, so the readers can fetch them in one query per collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import apsw

from ladders.models import (
    Competence,
    Conversation,
    Development,
    Employee,
    Holding,
    Ladder,
    LearningActivity,
    Mentorship,
    Plan,
    PlanActivity,
    Profession,
    Requirement,
    Step,
    Transition,
    Unit,
    UnitNeed,
)

Row = Sequence[Any]
Params = tuple[Any, ...]


def one(cursor: apsw.Cursor) -> tuple[Any, ...]:
    """The row of a query that always gives one (COUNT, MAX, a PRAGMA)."""
    row = cursor.fetchone()
    if row is None:
        raise apsw.Error("a query that gives one row gave none")
    return cast(tuple[Any, ...], row)


def every(cursor: apsw.Cursor) -> list[tuple[Any, ...]]:
    """All rows, typed as the mapping functions take them (apsw types each
    value as a union of SQLite's storage classes)."""
    return cast(list[tuple[Any, ...]], cursor.fetchall())


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _day(text: str) -> date:
    return date.fromisoformat(text)


# --- reference data ---------------------------------------------------------

COMPETENCE_COLUMNS = "id, name, category, name_en, valid_months, esco_uri, description"


def competence_params(c: Competence) -> Params:
    return (c.id, c.name, c.category.value, c.name_en, c.valid_months, c.esco_uri, c.description)


def competence_from(r: Row) -> Competence:
    return Competence(
        id=r[0],
        name=r[1],
        category=r[2],
        name_en=r[3],
        valid_months=r[4],
        esco_uri=r[5],
        description=r[6],
    )


PROFESSION_COLUMNS = "id, name, ssyk, licensed"


def profession_params(p: Profession) -> Params:
    return (p.id, p.name, p.ssyk, int(p.licensed))


def profession_from(r: Row) -> Profession:
    return Profession(id=r[0], name=r[1], ssyk=r[2], licensed=bool(r[3]))


LADDER_COLUMNS = "id, name, profession_id"


def ladder_params(ladder: Ladder) -> Params:
    return (ladder.id, ladder.name, ladder.profession_id)


def ladder_from(r: Row) -> Ladder:
    return Ladder(id=r[0], name=r[1], profession_id=r[2])


STEP_COLUMNS = "id, ladder_id, name, ordinal, min_months, description"


def step_params(s: Step) -> Params:
    return (s.id, s.ladder_id, s.name, s.ordinal, s.min_months, s.description)


def step_from(r: Row, requires: Sequence[Requirement]) -> Step:
    return Step(
        id=r[0],
        ladder_id=r[1],
        name=r[2],
        ordinal=r[3],
        min_months=r[4],
        description=r[5],
        requires=tuple(requires),
    )


REQUIREMENT_COLUMNS = "step_id, competence_id, level, mandatory"


def requirement_params(step_id: str, q: Requirement) -> Params:
    return (step_id, q.competence_id, q.level, int(q.mandatory))


def requirement_from(r: Row) -> Requirement:
    """`r` is a REQUIREMENT_COLUMNS row: the step id is r[0]."""
    return Requirement(competence_id=r[1], level=r[2], mandatory=bool(r[3]))


TRANSITION_COLUMNS = "from_step_id, to_step_id, kind, months, note"


def transition_params(t: Transition) -> Params:
    return (t.from_step_id, t.to_step_id, t.kind.value, t.months, t.note)


def transition_from(r: Row) -> Transition:
    return Transition(from_step_id=r[0], to_step_id=r[1], kind=r[2], months=r[3], note=r[4])


ACTIVITY_COLUMNS = "id, name, kind, hours, cost_sek, provider"


def activity_params(a: LearningActivity) -> Params:
    return (a.id, a.name, a.kind.value, a.hours, a.cost_sek, a.provider)


def activity_from(r: Row, develops: Sequence[Development]) -> LearningActivity:
    return LearningActivity(
        id=r[0],
        name=r[1],
        kind=r[2],
        hours=r[3],
        cost_sek=r[4],
        provider=r[5],
        develops=tuple(develops),
    )


DEVELOPMENT_COLUMNS = "activity_id, competence_id, from_level, to_level"


def development_params(activity_id: str, d: Development) -> Params:
    return (activity_id, d.competence_id, d.from_level, d.to_level)


def development_from(r: Row) -> Development:
    """`r` is a DEVELOPMENT_COLUMNS row: the activity id is r[0]."""
    return Development(competence_id=r[1], from_level=r[2], to_level=r[3])


# --- the organisation -------------------------------------------------------

UNIT_COLUMNS = "id, name, kind, parent_id"


def unit_params(u: Unit) -> Params:
    return (u.id, u.name, u.kind.value, u.parent_id)


def unit_from(r: Row) -> Unit:
    return Unit(id=r[0], name=r[1], kind=r[2], parent_id=r[3])


NEED_COLUMNS = "unit_id, competence_id, level, horizon, count"


def need_params(n: UnitNeed) -> Params:
    return (n.unit_id, n.competence_id, n.level, n.horizon.value, n.count)


def need_from(r: Row) -> UnitNeed:
    return UnitNeed(unit_id=r[0], competence_id=r[1], level=r[2], horizon=r[3], count=r[4])


# --- people -----------------------------------------------------------------

EMPLOYEE_COLUMNS = (
    "id, name, birth_year, unit_id, profession_id, step_id, step_since, employed_since, "
    "mentor_capacity, adept"
)


def employee_params(e: Employee) -> Params:
    return (
        e.id,
        e.name,
        e.birth_year,
        e.unit_id,
        e.profession_id,
        e.step_id,
        iso(e.step_since),
        iso(e.employed_since),
        e.mentor_capacity,
        int(e.adept),
    )


def employee_from(r: Row, manages: Sequence[str]) -> Employee:
    return Employee(
        id=r[0],
        name=r[1],
        birth_year=r[2],
        unit_id=r[3],
        profession_id=r[4],
        step_id=r[5],
        step_since=day(r[6]) if r[5] is not None else None,  # a stale day of a cleared step
        employed_since=day(r[7]),
        mentor_capacity=r[8],
        adept=bool(r[9]),
        manages=tuple(manages),
    )


HOLDING_COLUMNS = "employee_id, competence_id, level, assessed_on, expires_on, source"


def holding_params(h: Holding) -> Params:
    return (
        h.employee_id,
        h.competence_id,
        h.level,
        iso(h.assessed_on),
        iso(h.expires_on),
        h.source.value,
    )


def holding_from(r: Row) -> Holding:
    return Holding(
        employee_id=r[0],
        competence_id=r[1],
        level=r[2],
        assessed_on=day(r[3]),
        expires_on=day(r[4]),
        source=r[5],
    )


# The surrogate `id` comes first so readers can attach the focus rows.
MENTORSHIP_COLUMNS = "id, mentor_id, adept_id, started_on, ended_on"


def mentorship_params(m: Mentorship) -> Params:
    """Parameters for the INSERT, without the surrogate id."""
    return (m.mentor_id, m.adept_id, iso(m.started_on), iso(m.ended_on))


def mentorship_from(r: Row, focus: Sequence[str]) -> Mentorship:
    return Mentorship(
        mentor_id=r[1],
        adept_id=r[2],
        started_on=_day(r[3]),
        ended_on=day(r[4]),
        focus=tuple(focus),
    )


PLAN_COLUMNS = (
    "id, employee_id, period_start, period_end, status, created_on, last_followup_on, "
    "target_step_id"
)


def plan_params(p: Plan) -> Params:
    return (
        p.id,
        p.employee_id,
        iso(p.period_start),
        iso(p.period_end),
        p.status.value,
        iso(p.created_on),
        iso(p.last_followup_on),
        p.target_step_id,
    )


def plan_from(r: Row) -> Plan:
    return Plan(
        id=r[0],
        employee_id=r[1],
        period_start=_day(r[2]),
        period_end=_day(r[3]),
        status=r[4],
        created_on=day(r[5]),
        last_followup_on=day(r[6]),
        target_step_id=r[7],
    )


PLAN_ACTIVITY_COLUMNS = (
    "plan_id, seq, competence_id, target_level, activity_id, due_on, status, completed_on"
)


def plan_activity_params(a: PlanActivity) -> Params:
    return (
        a.plan_id,
        a.seq,
        a.competence_id,
        a.target_level,
        a.activity_id,
        iso(a.due_on),
        a.status.value,
        iso(a.completed_on),
    )


def plan_activity_from(r: Row) -> PlanActivity:
    return PlanActivity(
        plan_id=r[0],
        seq=r[1],
        competence_id=r[2],
        target_level=r[3],
        activity_id=r[4],
        due_on=day(r[5]),
        status=r[6],
        completed_on=day(r[7]),
    )


CONVERSATION_COLUMNS = "employee_id, kind, held_on"


def conversation_params(c: Conversation) -> Params:
    return (c.employee_id, c.kind.value, iso(c.held_on))


def conversation_from(r: Row) -> Conversation:
    return Conversation(employee_id=r[0], kind=r[1], held_on=_day(r[2]))
