"""The domain model: every node and relationship of the graph (DESIGN §3).

Models are immutable pydantic models. Relationships that belong to one node
(a step's requirements, an activity's developments) are nested in it; the rest
(holdings, mentorships, needs, ...) are models of their own that name both
ends by id. Identifiers are stable strings; levels are Benner levels 1-5.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Final, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Level = Annotated[int, Field(ge=1, le=5)]
"""A Benner level: 1 novis, 2 avancerad nybörjare, 3 kompetent, 4 skicklig, 5 expert."""

HeldLevel = Annotated[int, Field(ge=0, le=5)]
"""A level that may be 0, meaning "not held"."""


LIST_SEPARATOR: Final = ";"
"""What separates the ids of a list in one CSV cell (`manages`, `focus`;
seed.layout.LIST_SEPARATOR is this one)."""


MAX_ID_CHARS: Final = 200
"""The longest id: HR numbers and slugs are far shorter, and Neo4j refuses to
index a value past ~8 kB (it answered a 9,000-character id with an internal
error where SQLite took it)."""

MAX_NAME_CHARS: Final = 500
"""The longest name (of a person, unit, step...): a name, not a document."""


def _check_id(value: str) -> str:
    # The dataset format reads ids stripped, an empty cell as "not set" and
    # `;` in a list cell as the end of an id: an id it could not read back
    # would break export -> import.
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_ID_CHARS:
        raise ValueError(f"must be at most {MAX_ID_CHARS} characters long")
    if value != value.strip():
        raise ValueError("must not start or end with whitespace")
    if LIST_SEPARATOR in value:
        raise ValueError(f"must not contain {LIST_SEPARATOR!r} (it separates the ids of a list)")
    if any(ord(ch) > 0xFFFF for ch in value):
        # Neo4j 5 compares a stored string with a parameter by UTF-16 units
        # but orders by code points, so paging by id (`after`) skipped ids
        # holding such characters (an emoji, say) on one store only.
        raise ValueError("must not contain characters beyond U+FFFF (such as emoji)")
    return value


def _check_name(value: str) -> str:
    # Names are kept verbatim, but a blank one reads back as "not set".
    if not value.strip():
        raise ValueError("must not be blank")
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"must be at most {MAX_NAME_CHARS} characters long")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
"""An identifier (also a reference to one): non-empty, no whitespace around it,
no `;`, as the dataset format reads it (DESIGN §7), no character beyond
U+FFFF, at most `MAX_ID_CHARS` long."""

Name = Annotated[str, AfterValidator(_check_name)]
"""A required name: not blank (spaces around it are kept), at most
`MAX_NAME_CHARS` long."""


def _check_unique(ids: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(map(repr, repeated))} more than once")
    return ids


IdSet = Annotated[tuple[Id, ...], AfterValidator(_check_unique)]
"""A list of ids each named once (managed units, a mentorship's focus): the
stores keep it as a set, and SQLite refused a repeat where Neo4j kept it."""

DAY_RANGE: Final[tuple[date, date]] = (date(1900, 1, 1), date(2200, 12, 31))
"""The dates a stored date may name, and an `asOf` argument too (docs/api.md).
Far enough out for any real record or question, and far enough inside
0001-9999 that no date arithmetic can overflow: the largest offset of a model
or of the rules is MAX_MONTHS, and 1900 - 100 years to 2200 + 100 years is
well inside what `datetime.date` holds (tests/unit/ladders/test_models.py)."""

MAX_MONTHS: Final = 1200
"""The most months a count of months may hold (a competence's validity, a
step's least time, a transition): 100 years, generous for any of them."""

MAX_YEARS: Final = MAX_MONTHS // 12
"""The most years an offset of the rules may hold (the horizons)."""

# Every count and amount a record holds is bounded, not only for sense: the
# stores keep integers in 64 bits (SQLite raised OverflowError past them at
# import), and a bound of the model holds for the dataset, the API and the
# commands alike.

MAX_COUNT: Final = 1_000_000
"""The most people a unit's need may count: more than any region employs
(the largest synthetic region, 500,000 people, needs some 440,000 of one
competence at its root)."""

MAX_MENTOR_CAPACITY: Final = 100
"""The most adepts one mentor may be given at once."""

MAX_HOURS: Final = 100_000
"""The most hours a learning activity may take: some 50 years of full-time
work, far above the longest specialist education."""

MAX_COST_SEK: Final = 1_000_000_000
"""The most a learning activity may cost, in SEK."""

Day = Annotated[date, Field(ge=DAY_RANGE[0], le=DAY_RANGE[1])]
"""A stored date: from DAY_RANGE[0] to DAY_RANGE[1]."""

Months = Annotated[int, Field(ge=0, le=MAX_MONTHS)]
"""A count of months, 0 to MAX_MONTHS."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """As pydantic's, but changed values are validated as the constructor
        validates them (pydantic's copy sets them as given): a copy is no way
        round a model's rules, e.g. an `ended_on` outside DAY_RANGE. Nested
        models that are already instances are taken as they are."""
        if update:
            checked = self.model_validate({**self.__dict__, **update}).__dict__
            update = {name: checked[name] for name in update}
        return super().model_copy(update=update, deep=deep)


class CompetenceCategory(StrEnum):
    CORE = "core"
    CLINICAL = "clinical"
    MANDATORY = "mandatory"
    INTERACTION = "interaction"
    ETHICS = "ethics"
    ORGANISATION = "organisation"
    QUALITY = "quality"
    COMMUNICATION = "communication"
    DIGITAL = "digital"
    LEADERSHIP = "leadership"
    SUPERVISION = "supervision"
    RESEARCH = "research"
    FORMAL = "formal"


class UnitKind(StrEnum):
    REGION = "region"
    ADMINISTRATION = "administration"
    AREA = "area"
    DEPARTMENT = "department"
    UNIT = "unit"


class ActivityKind(StrEnum):
    COURSE = "course"
    E_LEARNING = "e-learning"
    HANDLEDNING = "handledning"
    AUSKULTATION = "auskultation"
    MENTORSHIP = "mentorship"
    SEMINAR = "seminar"
    NETWORK = "network"
    STUDY_VISIT = "study-visit"
    SELF_STUDY = "self-study"
    SPECIALIST_EDUCATION = "specialist-education"
    ON_THE_JOB = "on-the-job"


class TransitionKind(StrEnum):
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    EDUCATION = "education"


class Horizon(StrEnum):
    NOW = "now"
    SHORT = "short"
    LONG = "long"


class HoldingSource(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    CERTIFICATE = "certificate"
    ACTIVITY = "activity"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class PlanActivityStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


class ConversationKind(StrEnum):
    MEDARBETARSAMTAL = "medarbetarsamtal"
    PRESTATIONSSAMTAL = "prestationssamtal"
    LONESAMTAL = "lonesamtal"


# --- reference data: competencies, professions, ladders, activities ---------


class Competence(_Model):
    id: Id
    name: Name
    category: CompetenceCategory
    name_en: str | None = None
    valid_months: int | None = Field(default=None, ge=1, le=MAX_MONTHS)
    esco_uri: str | None = None
    description: str | None = None


class Profession(_Model):
    id: Id
    name: Name
    ssyk: str | None = None
    licensed: bool = False


class Requirement(_Model):
    """`(Step)-[:REQUIRES {level, mandatory}]->(Competence)`."""

    competence_id: Id
    level: Level
    mandatory: bool = True


class Step(_Model):
    """A step of a ladder; `ordinal` is its 1-based place in the ladder."""

    id: Id
    ladder_id: Id
    name: Name
    ordinal: int = Field(ge=1)
    min_months: Months = 0
    description: str | None = None
    requires: tuple[Requirement, ...] = ()


class Ladder(_Model):
    """`(Profession)-[:HAS_LADDER]->(Ladder)`; its steps are `Step`s with its id."""

    id: Id
    name: Name
    profession_id: Id


class Transition(_Model):
    """`(Step)-[:TRANSITION]->(Step)`: a move to another ladder."""

    from_step_id: Id
    to_step_id: Id
    kind: TransitionKind
    months: Months
    note: str | None = None


class Development(_Model):
    """`(LearningActivity)-[:DEVELOPS {from_level, to_level}]->(Competence)`."""

    competence_id: Id
    to_level: Level
    from_level: int = Field(default=0, ge=0, le=5)


class LearningActivity(_Model):
    id: Id
    name: Name
    kind: ActivityKind
    hours: float = Field(ge=0, le=MAX_HOURS)
    cost_sek: float | None = Field(default=None, ge=0, le=MAX_COST_SEK)
    provider: str | None = None
    develops: tuple[Development, ...] = ()


class ReferenceData(_Model):
    """The small, slowly changing part of the graph, cached in process.

    `version` is the store's reference-data version: every write to any of
    these bumps it, so a process can tell when its cache is stale.
    """

    version: int = 0
    competences: tuple[Competence, ...] = ()
    professions: tuple[Profession, ...] = ()
    ladders: tuple[Ladder, ...] = ()
    steps: tuple[Step, ...] = ()
    transitions: tuple[Transition, ...] = ()
    activities: tuple[LearningActivity, ...] = ()

    def holds(self, data: Dataset) -> bool:
        """Whether every reference record of `data` is here as it is there, so
        that writing them changes nothing (imports upsert, never delete) and
        the version can stay. Nested lists are compared in any order: the
        stores give them sorted, a dataset need not be."""
        return (
            _all_held(self.competences, data.competences, lambda c: c.id)
            and _all_held(self.professions, data.professions, lambda p: p.id)
            and _all_held(self.ladders, data.ladders, lambda ladder: ladder.id)
            and _all_held(map(_sorted_requires, self.steps), map(_sorted_requires, data.steps))
            and _all_held(
                self.transitions, data.transitions, lambda t: (t.from_step_id, t.to_step_id)
            )
            and _all_held(
                map(_sorted_develops, self.activities), map(_sorted_develops, data.activities)
            )
        )


_Keyed = TypeVar("_Keyed", bound=BaseModel)


def _all_held(
    stored: Iterable[_Keyed],
    given: Iterable[_Keyed],
    key: Callable[[_Keyed], Hashable] = operator.attrgetter("id"),
) -> bool:
    known = {key(x): x for x in stored}
    return all(known.get(key(x)) == x for x in given)


def _sorted_requires(step: Step) -> Step:
    requires = tuple(sorted(step.requires, key=lambda r: r.competence_id))
    return step if requires == step.requires else step.model_copy(update={"requires": requires})


def _sorted_develops(activity: LearningActivity) -> LearningActivity:
    develops = tuple(sorted(activity.develops, key=lambda d: d.competence_id))
    if develops == activity.develops:
        return activity
    return activity.model_copy(update={"develops": develops})


# --- the organisation -------------------------------------------------------


class Unit(_Model):
    id: Id
    name: Name
    kind: UnitKind
    parent_id: Id | None = None


class UnitNeed(_Model):
    """`(Unit)-[:NEEDS {level, count, horizon}]->(Competence)`.

    Keyed by (unit, competence, level, horizon): setting it again replaces the count.
    """

    unit_id: Id
    competence_id: Id
    level: Level
    count: int = Field(ge=0, le=MAX_COUNT)
    horizon: Horizon = Horizon.NOW


# --- people -----------------------------------------------------------------


class Employee(_Model):
    """An employee with the relationships that are one-to-one for them.

    `mentor_capacity` None means the configured default. `birth_year` is
    stored, never returned by the API (only an age band is).
    """

    id: Id
    name: Name
    birth_year: int = Field(ge=1900, le=2100)
    unit_id: Id | None = None
    profession_id: Id | None = None
    step_id: Id | None = None
    step_since: Day | None = None
    employed_since: Day | None = None
    manages: IdSet = ()
    mentor_capacity: int | None = Field(default=None, ge=0, le=MAX_MENTOR_CAPACITY)
    adept: bool = False

    @model_validator(mode="after")
    def _since_needs_a_step(self) -> Employee:
        # `since` is a property of AT_STEP (DESIGN §3): with no step there is
        # no time at one. Neo4j had nowhere to keep it, SQLite kept it, and a
        # step set later without a day took the stale one.
        if self.step_since is not None and self.step_id is None:
            raise ValueError("step_since needs a step")
        return self


class Holding(_Model):
    """`(Employee)-[:HOLDS {level, assessed_on, expires_on, source}]->(Competence)`."""

    employee_id: Id
    competence_id: Id
    level: Level
    assessed_on: Day | None = None
    expires_on: Day | None = None
    source: HoldingSource = HoldingSource.SELF


class Mentorship(_Model):
    """`(Employee)-[:MENTORS {focus, started_on, ended_on}]->(Employee)`.

    Keyed by (mentor, adept, started_on).
    """

    mentor_id: Id
    adept_id: Id
    started_on: Day
    focus: IdSet = ()
    ended_on: Day | None = None

    def active_on(self, day: date) -> bool:
        """Active when started on or before `day` and not ended on or before it."""
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)


class Plan(_Model):
    """An individual competence development plan."""

    id: Id
    employee_id: Id
    period_start: Day
    period_end: Day
    status: PlanStatus = PlanStatus.DRAFT
    created_on: Day | None = None
    last_followup_on: Day | None = None
    target_step_id: Id | None = None


class PlanActivity(_Model):
    """One item of a plan; `seq` is its 1-based place in the plan (its key with the plan)."""

    plan_id: Id
    seq: int = Field(ge=1)
    competence_id: Id
    target_level: Level
    activity_id: Id | None = None
    due_on: Day | None = None
    status: PlanActivityStatus = PlanActivityStatus.PLANNED
    completed_on: Day | None = None

    @property
    def id(self) -> str:
        return plan_activity_id(self.plan_id, self.seq)


def plan_activity_id(plan_id: str, seq: int) -> str:
    return f"{plan_id}#{seq}"


def parse_plan_activity_id(value: str) -> tuple[str, int]:
    """Split `plan#seq`; raises ValueError when it is not of that shape."""
    plan_id, sep, seq = value.rpartition("#")
    # ASCII digits only: str.isdigit() also takes other scripts' digits
    # ("p#١" named item 1) and "²", which int() refuses.
    if not sep or not plan_id or not (seq.isascii() and seq.isdigit()):
        raise ValueError(f"not a plan activity id: {value!r}")
    return plan_id, int(seq)


class Conversation(_Model):
    """One of the three yearly talks; keyed by (employee, kind, held_on)."""

    employee_id: Id
    kind: ConversationKind
    held_on: Day


class Dataset(_Model):
    """A whole dataset (DESIGN §7), in the order it is written."""

    competences: tuple[Competence, ...] = ()
    professions: tuple[Profession, ...] = ()
    ladders: tuple[Ladder, ...] = ()
    steps: tuple[Step, ...] = ()
    transitions: tuple[Transition, ...] = ()
    activities: tuple[LearningActivity, ...] = ()
    units: tuple[Unit, ...] = ()
    needs: tuple[UnitNeed, ...] = ()
    employees: tuple[Employee, ...] = ()
    holdings: tuple[Holding, ...] = ()
    mentorships: tuple[Mentorship, ...] = ()
    plans: tuple[Plan, ...] = ()
    plan_activities: tuple[PlanActivity, ...] = ()
    conversations: tuple[Conversation, ...] = ()

    def reference(self) -> ReferenceData:
        return ReferenceData(
            competences=self.competences,
            professions=self.professions,
            ladders=self.ladders,
            steps=self.steps,
            transitions=self.transitions,
            activities=self.activities,
        )
