"""The worked example behind the catalog, effort, gap, path and next-step tests.

A nurse ladder ssk-1 -> ssk-2 -> ssk-3 and a specialist ladder spec-1 -> spec-2,
with education transitions ssk-1 -> spec-1 (30 months) and ssk-2 -> spec-1
(18 months). Every expected number in the tests is derived from this table.

Activities (competence: from -> to, hours):
    a-sv1   sv 0->2  10      a-hlr   hlr 0->3  4
    a-sv2   sv 2->3   8      a-ebv0  ebv 0->1  5
    a-sv3   sv 3->4  30      a-ebv1  ebv 1->3  6
    a-svx   sv 0->4  50      a-ebv4  ebv 3->4 40
    (nothing develops led)
Cheapest chains, used throughout:
    sv  1->3: a-sv1 (1->2, it applies from 0) + a-sv2 (2->3) = 18
    sv  0->4: a-sv1 + a-sv2 + a-sv3 = 48, cheaper than a-svx (50)
    sv  3->4: a-sv3 = 30            hlr 0->2, 0->3, 2->3: a-hlr = 4
    ebv 0->2 and 0->3: a-ebv0 + a-ebv1 = 11
    ebv 2->3: a-ebv1 (from 1 <= 2) = 6    ebv 3->4: a-ebv4 = 40
    led: no chain, so rules.unmet_effort_hours (200), activity_known False
"""

from __future__ import annotations

from datetime import date

from ladders.models import (
    ActivityKind,
    Competence,
    CompetenceCategory,
    Dataset,
    Development,
    Employee,
    Holding,
    Horizon,
    Ladder,
    LearningActivity,
    Profession,
    ReferenceData,
    Requirement,
    Step,
    Transition,
    TransitionKind,
    Unit,
    UnitKind,
    UnitNeed,
)

AS_OF = date(2025, 3, 1)


def _req(competence: str, level: int, *, mandatory: bool = True) -> Requirement:
    return Requirement(competence_id=competence, level=level, mandatory=mandatory)


def _act(
    id: str, kind: ActivityKind, hours: float, competence: str, from_level: int, to_level: int
) -> LearningActivity:
    return LearningActivity(
        id=id,
        name=f"Aktivitet {id}",
        kind=kind,
        hours=hours,
        develops=(Development(competence_id=competence, from_level=from_level, to_level=to_level),),
    )


COMPETENCES = (
    Competence(id="ebv", name="Evidensbaserad vård", category=CompetenceCategory.CORE),
    Competence(id="hlr", name="HLR", category=CompetenceCategory.MANDATORY, valid_months=12),
    Competence(id="led", name="Ledarskap", category=CompetenceCategory.LEADERSHIP),
    Competence(id="sv", name="Säker vård", category=CompetenceCategory.CORE),
)
PROFESSIONS = (
    Profession(id="spec", name="Specialistsjuksköterska", licensed=True),
    Profession(id="ssk", name="Sjuksköterska", licensed=True),
)
LADDERS = (
    Ladder(id="l-spec", name="Specialiststege", profession_id="spec"),
    Ladder(id="l-ssk", name="Sjuksköterskestege", profession_id="ssk"),
)
STEPS = (
    Step(
        id="spec-1",
        ladder_id="l-spec",
        name="Spec 1",
        ordinal=1,
        min_months=12,
        requires=(_req("ebv", 3), _req("sv", 3)),
    ),
    Step(
        id="spec-2",
        ladder_id="l-spec",
        name="Spec 2",
        ordinal=2,
        requires=(_req("ebv", 4), _req("sv", 4)),
    ),
    Step(
        id="ssk-1",
        ladder_id="l-ssk",
        name="SSK 1",
        ordinal=1,
        min_months=12,
        requires=(_req("hlr", 2), _req("sv", 2)),
    ),
    Step(
        id="ssk-2",
        ladder_id="l-ssk",
        name="SSK 2",
        ordinal=2,
        min_months=24,
        requires=(_req("ebv", 2, mandatory=False), _req("hlr", 2), _req("sv", 3)),
    ),
    Step(
        id="ssk-3",
        ladder_id="l-ssk",
        name="SSK 3",
        ordinal=3,
        requires=(_req("ebv", 3), _req("hlr", 3), _req("led", 2), _req("sv", 4)),
    ),
)
TRANSITIONS = (
    Transition(from_step_id="ssk-1", to_step_id="spec-1", kind=TransitionKind.EDUCATION, months=30),
    Transition(from_step_id="ssk-2", to_step_id="spec-1", kind=TransitionKind.EDUCATION, months=18),
)
ACTIVITIES = (
    _act("a-ebv0", ActivityKind.SELF_STUDY, 5, "ebv", 0, 1),
    _act("a-ebv1", ActivityKind.SEMINAR, 6, "ebv", 1, 3),
    _act("a-ebv4", ActivityKind.COURSE, 40, "ebv", 3, 4),
    _act("a-hlr", ActivityKind.E_LEARNING, 4, "hlr", 0, 3),
    _act("a-sv1", ActivityKind.COURSE, 10, "sv", 0, 2),
    _act("a-sv2", ActivityKind.COURSE, 8, "sv", 2, 3),
    _act("a-sv3", ActivityKind.HANDLEDNING, 30, "sv", 3, 4),
    _act("a-svx", ActivityKind.SPECIALIST_EDUCATION, 50, "sv", 0, 4),
)


def reference(version: int = 1) -> ReferenceData:
    return ReferenceData(
        version=version,
        competences=COMPETENCES,
        professions=PROFESSIONS,
        ladders=LADDERS,
        steps=STEPS,
        transitions=TRANSITIONS,
        activities=ACTIVITIES,
    )


# --- people ------------------------------------------------------------------
# anna: ssk-1 since 2023-03-15 (23 whole months on 2025-03-01); sv 1; hlr 2
#   assessed 2024-01-10, which expires 12 months later, on 2025-01-10: expired
#   on AS_OF, so she holds hlr 0; no ebv.
# bo: ssk-1 since 2024-09-01 (6 months on AS_OF); sv 3, ebv 2, hlr 2 assessed
#   2025-01-01 (valid until 2026-01-01).
# cara: like bo but ebv 3, so she meets spec-1 too.
# mentor: born 1965 (60 on AS_OF), holds sv 5, works in the area.

ANNA = Employee(
    id="anna",
    name="Anna",
    birth_year=1990,
    unit_id="avd12",
    profession_id="ssk",
    step_id="ssk-1",
    step_since=date(2023, 3, 15),
)
BO = Employee(
    id="bo",
    name="Bo",
    birth_year=1992,
    unit_id="avd12",
    profession_id="ssk",
    step_id="ssk-1",
    step_since=date(2024, 9, 1),
)
CARA = BO.model_copy(update={"id": "cara", "name": "Cara"})
MENTOR = Employee(
    id="mentor",
    name="Margit",
    birth_year=1965,
    unit_id="medicin",
    profession_id="ssk",
    step_id="ssk-3",
    step_since=date(2010, 1, 1),
)


def _hold(employee: str, competence: str, level: int, assessed: date) -> Holding:
    return Holding(
        employee_id=employee, competence_id=competence, level=level, assessed_on=assessed
    )


ANNA_HOLDINGS = (
    _hold("anna", "hlr", 2, date(2024, 1, 10)),
    _hold("anna", "sv", 1, date(2022, 1, 1)),
)
BO_HOLDINGS = (
    _hold("bo", "ebv", 2, date(2024, 6, 1)),
    _hold("bo", "hlr", 2, date(2025, 1, 1)),
    _hold("bo", "sv", 3, date(2024, 6, 1)),
)
CARA_HOLDINGS = (
    _hold("cara", "ebv", 3, date(2024, 6, 1)),
    _hold("cara", "hlr", 2, date(2025, 1, 1)),
    _hold("cara", "sv", 3, date(2024, 6, 1)),
)
MENTOR_HOLDINGS = (_hold("mentor", "sv", 5, date(2015, 1, 1)),)

# The organisation: region > medicin (area) > avd12 (unit).
UNITS = (
    Unit(id="avd12", name="Avd 12", kind=UnitKind.UNIT, parent_id="medicin"),
    Unit(id="medicin", name="Medicin", kind=UnitKind.AREA, parent_id="region"),
    Unit(id="region", name="Region Exempel", kind=UnitKind.REGION),
)
NEEDS = (
    # avd12 needs 2 at ebv >= 2 now; only bo has it: shortfall (has 1).
    UnitNeed(unit_id="avd12", competence_id="ebv", level=2, count=2),
    # A later need does not count for next steps.
    UnitNeed(unit_id="avd12", competence_id="hlr", level=2, count=5, horizon=Horizon.SHORT),
    # medicin needs 2 at hlr >= 2 now: anna's has expired, so only bo: has 1.
    UnitNeed(unit_id="medicin", competence_id="hlr", level=2, count=2),
    # The region needs 1 at sv >= 3: bo and the mentor have it: no shortfall.
    UnitNeed(unit_id="region", competence_id="sv", level=3, count=1),
)


def dataset() -> Dataset:
    ref = reference()
    return Dataset(
        competences=ref.competences,
        professions=ref.professions,
        ladders=ref.ladders,
        steps=ref.steps,
        transitions=ref.transitions,
        activities=ref.activities,
        units=UNITS,
        needs=NEEDS,
        employees=(ANNA, BO, MENTOR),
        holdings=ANNA_HOLDINGS + BO_HOLDINGS + MENTOR_HOLDINGS,
    )
