"""GraphQL enums: their own classes mirroring the domain's (values are the
domain values, names the GraphQL names), so the schema never wraps a domain
class. `to_domain`/`from_domain` convert by value."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from ladders import models as m

_D = TypeVar("_D", bound=Enum)
_G = TypeVar("_G", bound=Enum)


@strawberry.enum(description="Planning horizon: now, 1-3 years (short), 4-10 years (long).")
class Horizon(Enum):
    NOW = "now"
    SHORT = "short"
    LONG = "long"


@strawberry.enum
class ConversationKind(Enum):
    MEDARBETARSAMTAL = "medarbetarsamtal"
    PRESTATIONSSAMTAL = "prestationssamtal"
    LONESAMTAL = "lonesamtal"


@strawberry.enum
class CompetenceCategory(Enum):
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


@strawberry.enum
class UnitKind(Enum):
    REGION = "region"
    ADMINISTRATION = "administration"
    AREA = "area"
    DEPARTMENT = "department"
    UNIT = "unit"


@strawberry.enum
class ActivityKind(Enum):
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


@strawberry.enum
class TransitionKind(Enum):
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    EDUCATION = "education"


@strawberry.enum
class HoldingSource(Enum):
    SELF = "self"
    MANAGER = "manager"
    CERTIFICATE = "certificate"
    ACTIVITY = "activity"


@strawberry.enum
class PlanStatus(Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


@strawberry.enum
class PlanActivityStatus(Enum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


MIRRORS: dict[type[Enum], type[Enum]] = {
    m.Horizon: Horizon,
    m.ConversationKind: ConversationKind,
    m.CompetenceCategory: CompetenceCategory,
    m.UnitKind: UnitKind,
    m.ActivityKind: ActivityKind,
    m.TransitionKind: TransitionKind,
    m.HoldingSource: HoldingSource,
    m.PlanStatus: PlanStatus,
    m.PlanActivityStatus: PlanActivityStatus,
}


def from_domain(value: Enum, api_enum: type[_G]) -> _G:
    return api_enum(value.value)


def to_domain(value: Enum, domain_enum: type[_D]) -> _D:
    return domain_enum(value.value)
