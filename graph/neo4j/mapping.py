"""Domain models <-> Cypher parameter rows and result rows.

Writes send one plain dict per record (`props` holds the node or relationship
properties, with None values left out so that absent means "not set"); bulk
loads send the most numerous records as lists of values in the order of their
`*_PROPS` names, dates as ISO text (`cypher_map` names them in the query and
reads the dates back with `date()`); reads
return map projections whose keys are the model's field names, so a row only
needs its `neo4j.time.Date` values turned back into `datetime.date`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Final, TypeVar

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


def _named(names: Sequence[str], values: Sequence[Any]) -> Row:
    """`_props` of values given in the order of `names`."""
    return {key: value for key, value in zip(names, values, strict=True) if value is not None}


Day = Callable[[date | None], Any]
"""How a record's date travels: as itself (`same_day`), or as its ISO text
(`iso_day`), which the query reads back with `date()`."""


def same_day(day: date | None) -> date | None:
    return day


def iso_day(day: date | None) -> str | None:
    """A date as ISO text. The driver packs a `date` through a Python hook
    that builds a `neo4j.time.Date` for the epoch each time (~4 us a date,
    ~8 s of a 55k load); text packs in ~0.1 us and the server parses it in
    less than a microsecond."""
    return None if day is None else day.isoformat()


DATE_PROPS: Final = frozenset(
    {
        "assessed_on",
        "expires_on",
        "period_start",
        "period_end",
        "created_on",
        "last_followup_on",
        "due_on",
        "completed_on",
        "held_on",
    }
)
"""The properties of the `*_PROPS` records that hold dates."""


def cypher_map(names: Sequence[str], row: str, start: int = 0) -> str:
    """A Cypher map literal naming the values of a list row in `names` order,
    from position `start` on: `{level: h[1], assessed_on: date(h[2]), ...}`
    for `cypher_map(HOLDING_PROPS, "h", 1)`, for values made with `iso_day`
    (`date(null)` is null). A null value leaves its property unset, as
    `_props` does."""
    return (
        "{"
        + ", ".join(
            f"{name}: date({row}[{start + i}])"
            if name in DATE_PROPS
            else f"{name}: {row}[{start + i}]"
            for i, name in enumerate(names)
        )
        + "}"
    )


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


HOLDING_PROPS: Final = ("level", "assessed_on", "expires_on", "source")


def holding_values(h: Holding, day: Day = same_day) -> list[Any]:
    """The HOLDS properties' values in `HOLDING_PROPS` order, None when unset."""
    return [h.level, day(h.assessed_on), day(h.expires_on), h.source.value]


def holding_row(h: Holding) -> Row:
    return {
        "employee_id": h.employee_id,
        "competence_id": h.competence_id,
        "props": _named(HOLDING_PROPS, holding_values(h)),
    }


def mentorship_row(m: Mentorship) -> Row:
    return {
        "mentor_id": m.mentor_id,
        "adept_id": m.adept_id,
        "started_on": m.started_on,
        "props": _props(started_on=m.started_on, focus=list(m.focus), ended_on=m.ended_on),
    }


PLAN_PROPS: Final = (
    "id",
    "period_start",
    "period_end",
    "status",
    "created_on",
    "last_followup_on",
    "target_step",
)


def plan_values(p: Plan, day: Day = same_day) -> list[Any]:
    """The Plan node's properties in `PLAN_PROPS` order, None when unset."""
    return [
        p.id,
        day(p.period_start),
        day(p.period_end),
        p.status.value,
        day(p.created_on),
        day(p.last_followup_on),
        p.target_step_id,
    ]


def plan_row(p: Plan) -> Row:
    return {"id": p.id, "employee_id": p.employee_id, "props": _named(PLAN_PROPS, plan_values(p))}


PLAN_ACTIVITY_PROPS: Final = (
    "id",
    "plan_id",
    "seq",
    "competence",
    "activity",
    "target_level",
    "due_on",
    "status",
    "completed_on",
)


def plan_activity_values(a: PlanActivity, day: Day = same_day) -> list[Any]:
    """The PlanActivity node's properties in `PLAN_ACTIVITY_PROPS` order."""
    return [
        a.id,
        a.plan_id,
        a.seq,
        a.competence_id,
        a.activity_id,
        a.target_level,
        day(a.due_on),
        a.status.value,
        day(a.completed_on),
    ]


def plan_activity_row(a: PlanActivity) -> Row:
    return {
        "id": a.id,
        "plan_id": a.plan_id,
        "props": _named(PLAN_ACTIVITY_PROPS, plan_activity_values(a)),
    }


CONVERSATION_PROPS: Final = ("id", "kind", "held_on")


def conversation_values(c: Conversation, day: Day = same_day) -> list[Any]:
    """The Conversation node's properties in `CONVERSATION_PROPS` order."""
    return [conversation_id(c), c.kind.value, day(c.held_on)]


def conversation_row(c: Conversation) -> Row:
    values = conversation_values(c)
    return {
        "id": values[0],
        "employee_id": c.employee_id,
        "props": _named(CONVERSATION_PROPS, values),
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
