"""Domain models <-> Cypher parameter rows and result rows.

Writes send one plain dict per record (`props` holds the node or relationship
properties, with None values left out so that absent means "not set"); reads
return map projections whose keys are the model's field names, so a row only
needs its `neo4j.time.Date` values turned back into `datetime.date`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from neo4j.time import Date
from pydantic import BaseModel

from ladders.models import (
    Competence,
    Conversation,
    Employee,
    Holding,
    Ladder,
    LearningActivity,
    Mentorship,
    Plan,
    PlanActivity,
    Profession,
    Step,
    Transition,
    Unit,
    UnitNeed,
)

Row = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


def _props(**values: Any) -> Row:
    """Property map without the unset values (Neo4j stores no nulls)."""
    return {key: value for key, value in values.items() if value is not None}


def conversation_id(conversation: Conversation) -> str:
    """Conversations have no id of their own: key them by (employee, kind, held_on)."""
    return (
        f"{conversation.employee_id}#{conversation.kind.value}#{conversation.held_on.isoformat()}"
    )


# --- model -> parameter rows -----------------------------------------------


def competence_row(c: Competence) -> Row:
    return _props(
        id=c.id,
        name=c.name,
        category=c.category.value,
        name_en=c.name_en,
        valid_months=c.valid_months,
        esco_uri=c.esco_uri,
        description=c.description,
    )


def profession_row(p: Profession) -> Row:
    return _props(id=p.id, name=p.name, ssyk=p.ssyk, licensed=p.licensed)


def ladder_row(ladder: Ladder) -> Row:
    return {
        "id": ladder.id,
        "profession_id": ladder.profession_id,
        "props": _props(id=ladder.id, name=ladder.name),
    }


def step_row(s: Step) -> Row:
    return {
        "id": s.id,
        "ladder_id": s.ladder_id,
        "props": _props(
            id=s.id,
            name=s.name,
            ordinal=s.ordinal,
            min_months=s.min_months,
            description=s.description,
        ),
        "requires": [
            {"competence_id": r.competence_id, "level": r.level, "mandatory": r.mandatory}
            for r in s.requires
        ],
    }


def transition_row(t: Transition) -> Row:
    return {
        "from_id": t.from_step_id,
        "to_id": t.to_step_id,
        "props": _props(kind=t.kind.value, months=t.months, note=t.note),
    }


def activity_row(a: LearningActivity) -> Row:
    return {
        "id": a.id,
        "props": _props(
            id=a.id,
            name=a.name,
            kind=a.kind.value,
            hours=a.hours,
            cost_sek=a.cost_sek,
            provider=a.provider,
        ),
        "develops": [
            {"competence_id": d.competence_id, "from_level": d.from_level, "to_level": d.to_level}
            for d in a.develops
        ],
    }


def unit_row(u: Unit) -> Row:
    return {
        "id": u.id,
        "parent_id": u.parent_id,
        "props": _props(id=u.id, name=u.name, kind=u.kind.value),
    }


def need_row(n: UnitNeed) -> Row:
    return {
        "unit_id": n.unit_id,
        "competence_id": n.competence_id,
        "level": n.level,
        "horizon": n.horizon.value,
        "count": n.count,
    }


def employee_row(e: Employee) -> Row:
    return {
        "id": e.id,
        "props": _props(
            id=e.id,
            name=e.name,
            birth_year=e.birth_year,
            employed_since=e.employed_since,
            mentor_capacity=e.mentor_capacity,
            adept=e.adept,
        ),
        "unit_id": e.unit_id,
        "profession_id": e.profession_id,
        "step_id": e.step_id,
        "step_since": e.step_since,
        "manages": sorted(set(e.manages)),
    }


def holding_row(h: Holding) -> Row:
    return {
        "employee_id": h.employee_id,
        "competence_id": h.competence_id,
        "props": _props(
            level=h.level,
            assessed_on=h.assessed_on,
            expires_on=h.expires_on,
            source=h.source.value,
        ),
    }


def mentorship_row(m: Mentorship) -> Row:
    return {
        "mentor_id": m.mentor_id,
        "adept_id": m.adept_id,
        "started_on": m.started_on,
        "props": _props(started_on=m.started_on, focus=list(m.focus), ended_on=m.ended_on),
    }


def plan_row(p: Plan) -> Row:
    return {
        "id": p.id,
        "employee_id": p.employee_id,
        "props": _props(
            id=p.id,
            period_start=p.period_start,
            period_end=p.period_end,
            status=p.status.value,
            created_on=p.created_on,
            last_followup_on=p.last_followup_on,
            target_step=p.target_step_id,
        ),
    }


def plan_activity_row(a: PlanActivity) -> Row:
    return {
        "id": a.id,
        "plan_id": a.plan_id,
        "props": _props(
            id=a.id,
            plan_id=a.plan_id,
            seq=a.seq,
            competence=a.competence_id,
            activity=a.activity_id,
            target_level=a.target_level,
            due_on=a.due_on,
            status=a.status.value,
            completed_on=a.completed_on,
        ),
    }


def conversation_row(c: Conversation) -> Row:
    key = conversation_id(c)
    return {
        "id": key,
        "employee_id": c.employee_id,
        "props": _props(id=key, kind=c.kind.value, held_on=c.held_on),
    }


# --- result rows -> models -------------------------------------------------


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, Date) else value


def to_model(model: type[M], row: Mapping[str, Any]) -> M:
    """Build `model` from a projection row whose keys are its field names."""
    return model.model_validate({key: _native(value) for key, value in row.items()})


def to_step(row: Mapping[str, Any]) -> Step:
    requires = sorted(row["requires"], key=lambda r: str(r["competence_id"]))
    return to_model(Step, {**row, "requires": requires})


def to_activity(row: Mapping[str, Any]) -> LearningActivity:
    develops = sorted(row["develops"], key=lambda d: str(d["competence_id"]))
    return to_model(LearningActivity, {**row, "develops": develops})


def aligned(ids: Sequence[str], found: list[M], key: str = "id") -> list[M | None]:
    """`found` re-ordered to match `ids`, None where an id is unknown."""
    by_id = {getattr(item, key): item for item in found}
    return [by_id.get(i) for i in ids]
