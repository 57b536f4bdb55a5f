"""Test data builders shared by every test suite.

`tiny_region()` is a small, consistent region (a `ladders.models.Dataset`)
meant to be read like a fixture file. Everything is relative to `AS_OF`
(2025-03-01), the "today" of the tests: pass it as `asOf` so answers do not
depend on the calendar.

The organisation (4 levels; employees in brackets):

    reg  Region Exempel                                    region
    ├── adm-vard  Hälso- och sjukvårdsförvaltningen        administration
    │   └── omr-akut  Område akutsjukvård                  area            [e06]
    │       ├── enh-akut  Akutmottagningen                 unit  [e01 e03 e05]
    │       └── enh-iva   Intensivvårdsavdelningen         unit  [e02 e04]
    └── adm-psyk  Psykiatriförvaltningen                   administration
        └── omr-psyk  Område psykiatri                     area            [e10]
            └── enh-psyk  Psykiatrisk öppenvård            unit  [e07 e08 e09]

Ladders: `ssk-stege` (nurse, ssk-1..ssk-4) and `usk-stege` (assistant nurse,
usk-1..usk-3); transitions usk-2 -> ssk-1 and usk-3 -> ssk-1 (education).
Competencies: evb, pcv, team (core), hlr (mandatory, valid 12 months),
handl (supervision), bem (interaction), leg-ssk (formal).

People worth knowing (ages at AS_OF):
- e01 Anna, 63, ssk-4, expert holder, mentors e03 (active since 2024-09-01).
- e02 Bertil, 57, ssk-3: hlr assessed 2023-05-10 without expires_on, so it
  has EXPIRED by valid_months; handl has EXPIRED by expires_on (2024-12-31).
  Mentored e04 from 2024-01-01 until AS_OF (ended_on == AS_OF: not active).
- e03 Cecilia, ssk-1, adept; e04 David, ssk-2, adept; e08 Hassan, usk-1, adept.
- e05 Eva manages enh-akut; e06 Fredrik manages omr-akut and enh-iva;
  e10 Johan (no profession, step or dates) manages omr-psyk and enh-psyk.
- e07 Greta, 66, usk-3: mentored e08 2023 (ended), again from AS_OF (active:
  the start day counts).
- e09 Ida: only an outdated plan (2023) and one old talk.
Plans cover every plan status and plan-activity status; conversations cover
all three kinds.

The collections are deliberately NOT in store order (requirements, manages
and employees are shuffled a little) so that tests prove the stores sort;
compare store output with `canonical(dataset)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from ladders.models import (
    ActivityKind,
    Competence,
    CompetenceCategory,
    Conversation,
    ConversationKind,
    Dataset,
    Development,
    Employee,
    Holding,
    HoldingSource,
    Horizon,
    Ladder,
    LearningActivity,
    Mentorship,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    Profession,
    Requirement,
    Step,
    Transition,
    TransitionKind,
    Unit,
    UnitKind,
    UnitNeed,
)

AS_OF = date(2025, 3, 1)
"""The "today" of the tiny region."""

# Ids used by tests often enough to deserve a name.
REGION = "reg"
ADM_VARD = "adm-vard"
ADM_PSYK = "adm-psyk"
OMR_AKUT = "omr-akut"
OMR_PSYK = "omr-psyk"
ENH_AKUT = "enh-akut"
ENH_IVA = "enh-iva"
ENH_PSYK = "enh-psyk"

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
D = date.fromisoformat


# --- reference data ---------------------------------------------------------


def _competences() -> tuple[Competence, ...]:
    c = CompetenceCategory
    return (
        Competence(id="evb", name="Evidensbaserad vård", name_en="Evidence-based care",
                   category=c.CORE, esco_uri="http://data.europa.eu/esco/skill/evb-example"),
        Competence(id="pcv", name="Personcentrerad vård", name_en="Person-centred care",
                   category=c.CORE),
        Competence(id="team", name="Samverkan i team", name_en="Teamwork", category=c.CORE),
        Competence(id="hlr", name="Hjärt-lungräddning", name_en="CPR", category=c.MANDATORY,
                   valid_months=12, description="Renewed every year"),
        Competence(id="handl", name="Handledning", name_en="Supervision",
                   category=c.SUPERVISION),
        Competence(id="bem", name="Bemötande", name_en="Patient interaction",
                   category=c.INTERACTION),
        Competence(id="leg-ssk", name="Legitimation sjuksköterska",
                   name_en="Registered nurse licence", category=c.FORMAL),
    )  # fmt: skip


def _professions() -> tuple[Profession, ...]:
    return (
        Profession(id="ssk", name="Sjuksköterska", ssyk="2221", licensed=True),
        Profession(id="usk", name="Undersköterska", ssyk="5321"),
    )


def _ladders() -> tuple[Ladder, ...]:
    return (
        Ladder(id="ssk-stege", name="Kompetensstege sjuksköterska", profession_id="ssk"),
        Ladder(id="usk-stege", name="Kompetensstege undersköterska", profession_id="usk"),
    )


def _req(competence_id: str, level: int, mandatory: bool = True) -> Requirement:
    return Requirement(competence_id=competence_id, level=level, mandatory=mandatory)


def _steps() -> tuple[Step, ...]:
    ssk, usk = "ssk-stege", "usk-stege"
    return (
        Step(id="ssk-1", ladder_id=ssk, name="Sjuksköterska 1", ordinal=1, min_months=12,
             description="Nyutexaminerad",
             requires=(_req("leg-ssk", 1), _req("evb", 1), _req("pcv", 1), _req("hlr", 2))),
        Step(id="ssk-2", ladder_id=ssk, name="Sjuksköterska 2", ordinal=2, min_months=24,
             requires=(_req("leg-ssk", 1), _req("evb", 2), _req("pcv", 2), _req("hlr", 2),
                       _req("team", 2), _req("bem", 2, mandatory=False))),
        Step(id="ssk-3", ladder_id=ssk, name="Sjuksköterska 3", ordinal=3, min_months=36,
             requires=(_req("leg-ssk", 1), _req("evb", 3), _req("pcv", 3), _req("hlr", 3),
                       _req("team", 3), _req("handl", 2))),
        Step(id="ssk-4", ladder_id=ssk, name="Sjuksköterska 4", ordinal=4,
             description="Expert, handleder andra",
             requires=(_req("leg-ssk", 1), _req("evb", 4), _req("pcv", 4), _req("hlr", 3),
                       _req("team", 4), _req("handl", 3, mandatory=False))),
        Step(id="usk-1", ladder_id=usk, name="Undersköterska 1", ordinal=1, min_months=12,
             requires=(_req("pcv", 1), _req("hlr", 2), _req("bem", 1))),
        Step(id="usk-2", ladder_id=usk, name="Undersköterska 2", ordinal=2, min_months=24,
             requires=(_req("pcv", 2), _req("hlr", 2), _req("bem", 2),
                       _req("team", 1, mandatory=False))),
        Step(id="usk-3", ladder_id=usk, name="Undersköterska 3", ordinal=3,
             requires=(_req("pcv", 3), _req("hlr", 3), _req("bem", 3), _req("team", 2))),
    )  # fmt: skip


def _transitions() -> tuple[Transition, ...]:
    education = TransitionKind.EDUCATION
    return (
        Transition(from_step_id="usk-3", to_step_id="ssk-1", kind=education, months=36,
                   note="Sjuksköterskeprogrammet 180 hp"),
        Transition(from_step_id="usk-2", to_step_id="ssk-1", kind=education, months=42),
    )  # fmt: skip


def _dev(competence_id: str, from_level: int, to_level: int) -> Development:
    return Development(competence_id=competence_id, from_level=from_level, to_level=to_level)


def _activities() -> tuple[LearningActivity, ...]:
    k = ActivityKind
    return (
        LearningActivity(id="kurs-evb", name="Kurs i evidensbaserad vård", kind=k.COURSE,
                         hours=40, cost_sek=4500, provider="Regionens utbildningscentrum",
                         develops=(_dev("evb", 0, 2),)),
        LearningActivity(id="sem-evb", name="Journal club", kind=k.SEMINAR, hours=8,
                         develops=(_dev("evb", 2, 3),)),
        LearningActivity(id="hlr-e", name="HLR-utbildning", kind=k.E_LEARNING, hours=3,
                         cost_sek=0, develops=(_dev("hlr", 0, 3),)),
        LearningActivity(id="handl-utb", name="Handledarutbildning", kind=k.COURSE, hours=60,
                         cost_sek=12000, provider="Högskolan",
                         develops=(_dev("team", 1, 2), _dev("handl", 0, 3))),
        LearningActivity(id="pcv-kurs", name="Personcentrerad vård i praktiken", kind=k.COURSE,
                         hours=24.5, develops=(_dev("pcv", 1, 3), _dev("bem", 1, 2))),
        LearningActivity(id="ausk-iva", name="Auskultation IVA", kind=k.AUSKULTATION, hours=16,
                         develops=(_dev("team", 2, 3),)),
    )  # fmt: skip


# --- the organisation -------------------------------------------------------


def _units() -> tuple[Unit, ...]:
    k = UnitKind
    # Children before parents on purpose: a store must accept any order.
    return (
        Unit(id=ENH_AKUT, name="Akutmottagningen", kind=k.UNIT, parent_id=OMR_AKUT),
        Unit(id=ENH_IVA, name="Intensivvårdsavdelningen", kind=k.UNIT, parent_id=OMR_AKUT),
        Unit(id=OMR_AKUT, name="Område akutsjukvård", kind=k.AREA, parent_id=ADM_VARD),
        Unit(id=ADM_VARD, name="Hälso- och sjukvårdsförvaltningen", kind=k.ADMINISTRATION,
             parent_id=REGION),
        Unit(id=REGION, name="Region Exempel", kind=k.REGION),
        Unit(id=ADM_PSYK, name="Psykiatriförvaltningen", kind=k.ADMINISTRATION,
             parent_id=REGION),
        Unit(id=OMR_PSYK, name="Område psykiatri", kind=k.AREA, parent_id=ADM_PSYK),
        Unit(id=ENH_PSYK, name="Psykiatrisk öppenvård", kind=k.UNIT, parent_id=OMR_PSYK),
    )  # fmt: skip


def _needs() -> tuple[UnitNeed, ...]:
    h = Horizon
    return (
        UnitNeed(unit_id=ENH_AKUT, competence_id="evb", level=3, count=3),
        UnitNeed(unit_id=ENH_AKUT, competence_id="hlr", level=3, count=5),
        UnitNeed(unit_id=ENH_AKUT, competence_id="handl", level=3, count=1, horizon=h.SHORT),
        UnitNeed(unit_id=ENH_AKUT, competence_id="handl", level=3, count=2, horizon=h.LONG),
        UnitNeed(unit_id=ENH_IVA, competence_id="team", level=3, count=2),
        UnitNeed(unit_id=ENH_IVA, competence_id="evb", level=4, count=1, horizon=h.LONG),
        UnitNeed(unit_id=OMR_AKUT, competence_id="handl", level=4, count=1),
        UnitNeed(unit_id=ENH_PSYK, competence_id="pcv", level=3, count=2),
    )


# --- people -----------------------------------------------------------------


def _employees() -> tuple[Employee, ...]:
    return (
        Employee(id="e01", name="Anna Lind", birth_year=1962, unit_id=ENH_AKUT,
                 profession_id="ssk", step_id="ssk-4", step_since=D("2015-01-01"),
                 employed_since=D("1990-08-15"), mentor_capacity=2),
        Employee(id="e02", name="Bertil Ek", birth_year=1968, unit_id=ENH_IVA,
                 profession_id="ssk", step_id="ssk-3", step_since=D("2018-06-01"),
                 employed_since=D("1995-01-10"), mentor_capacity=1),
        Employee(id="e03", name="Cecilia Berg", birth_year=1995, unit_id=ENH_AKUT,
                 profession_id="ssk", step_id="ssk-1", step_since=D("2022-09-01"),
                 employed_since=D("2022-09-01"), adept=True),
        Employee(id="e04", name="David Nilsson", birth_year=1990, unit_id=ENH_IVA,
                 profession_id="ssk", step_id="ssk-2", step_since=D("2021-03-01"),
                 employed_since=D("2019-02-01"), adept=True),
        Employee(id="e05", name="Eva Holm", birth_year=1975, unit_id=ENH_AKUT,
                 profession_id="ssk", step_id="ssk-3", step_since=D("2016-04-01"),
                 employed_since=D("2001-09-01"), manages=(ENH_AKUT,)),
        Employee(id="e06", name="Fredrik Sund", birth_year=1970, unit_id=OMR_AKUT,
                 profession_id="ssk", employed_since=D("1998-03-01"),
                 manages=(OMR_AKUT, ENH_IVA)),
        Employee(id="e07", name="Greta Ström", birth_year=1959, unit_id=ENH_PSYK,
                 profession_id="usk", step_id="usk-3", step_since=D("2010-01-01"),
                 employed_since=D("1982-06-01"), mentor_capacity=3),
        Employee(id="e09", name="Ida Ek", birth_year=1985, unit_id=ENH_PSYK,
                 profession_id="ssk", step_id="ssk-2", step_since=D("2020-01-01"),
                 employed_since=D("2012-08-20")),
        Employee(id="e08", name="Hassan Ali", birth_year=1998, unit_id=ENH_PSYK,
                 profession_id="usk", step_id="usk-1", step_since=D("2023-01-15"),
                 employed_since=D("2023-01-15"), adept=True),
        Employee(id="e10", name="Johan Falk", birth_year=1965, unit_id=OMR_PSYK,
                 manages=(OMR_PSYK, ENH_PSYK)),
    )  # fmt: skip


def _holdings() -> tuple[Holding, ...]:
    s = HoldingSource

    def h(
        employee: str,
        competence: str,
        level: int,
        assessed: str | None = "2024-05-01",
        expires: str | None = None,
        source: HoldingSource = s.MANAGER,
    ) -> Holding:
        return Holding(
            employee_id=employee,
            competence_id=competence,
            level=level,
            assessed_on=D(assessed) if assessed else None,
            expires_on=D(expires) if expires else None,
            source=source,
        )

    return (
        h("e01", "evb", 5), h("e01", "pcv", 4), h("e01", "team", 4),
        h("e01", "hlr", 3, "2024-10-01", source=s.CERTIFICATE),
        h("e01", "handl", 4, "2019-03-01", source=s.CERTIFICATE),
        h("e01", "leg-ssk", 1, "1990-06-01", source=s.CERTIFICATE),
        h("e02", "evb", 4), h("e02", "pcv", 3), h("e02", "team", 4),
        # Expired by valid_months (12): assessed 2023-05-10, no expires_on.
        h("e02", "hlr", 3, "2023-05-10", source=s.CERTIFICATE),
        # Expired by expires_on, before AS_OF.
        h("e02", "handl", 3, "2022-12-01", expires="2024-12-31", source=s.CERTIFICATE),
        h("e02", "leg-ssk", 1, "1994-06-01", source=s.CERTIFICATE),
        h("e03", "evb", 1, source=s.SELF), h("e03", "pcv", 2),
        h("e03", "hlr", 2, "2024-11-01", source=s.ACTIVITY),
        h("e03", "leg-ssk", 1, "2022-06-15", source=s.CERTIFICATE),
        h("e04", "evb", 2), h("e04", "pcv", 2), h("e04", "team", 2), h("e04", "bem", 2),
        h("e04", "hlr", 2, "2024-09-01", source=s.CERTIFICATE),
        h("e04", "leg-ssk", 1, "2018-12-01", source=s.CERTIFICATE),
        h("e05", "evb", 3), h("e05", "pcv", 3), h("e05", "team", 3), h("e05", "handl", 2),
        h("e05", "hlr", 3, "2025-01-15", source=s.CERTIFICATE),
        h("e05", "leg-ssk", 1, "2001-06-01", source=s.CERTIFICATE),
        h("e06", "evb", 3), h("e06", "team", 4), h("e06", "handl", 4),
        h("e06", "leg-ssk", 1, None, source=s.CERTIFICATE),
        h("e07", "pcv", 4), h("e07", "bem", 5), h("e07", "team", 4),
        h("e07", "hlr", 3, "2024-06-01", source=s.CERTIFICATE),
        h("e08", "pcv", 1, source=s.SELF), h("e08", "bem", 1, source=s.SELF),
        h("e08", "hlr", 2, "2024-08-20", expires="2025-08-20", source=s.ACTIVITY),
        h("e09", "evb", 2), h("e09", "pcv", 3), h("e09", "team", 2), h("e09", "bem", 3),
        h("e09", "leg-ssk", 1, "2012-06-01", source=s.CERTIFICATE),
    )  # fmt: skip


def _mentorships() -> tuple[Mentorship, ...]:
    return (
        Mentorship(mentor_id="e01", adept_id="e03", focus=("evb", "hlr"),
                   started_on=D("2024-09-01")),
        Mentorship(mentor_id="e07", adept_id="e08", focus=("bem", "pcv"),
                   started_on=D("2023-01-01"), ended_on=D("2024-01-01")),
        # Starts on AS_OF: active on AS_OF (start day inclusive).
        Mentorship(mentor_id="e07", adept_id="e08", focus=("pcv",), started_on=AS_OF),
        # Ends on AS_OF: not active on AS_OF (end day exclusive), active the day before.
        Mentorship(mentor_id="e02", adept_id="e04", focus=("team",),
                   started_on=D("2024-01-01"), ended_on=AS_OF),
    )  # fmt: skip


def _plans() -> tuple[Plan, ...]:
    st = PlanStatus
    return (
        Plan(id="p-e03-2025", employee_id="e03", period_start=D("2025-01-01"),
             period_end=D("2025-12-31"), status=st.ACTIVE, created_on=D("2025-01-20"),
             target_step_id="ssk-2"),
        Plan(id="p-e03-2024", employee_id="e03", period_start=D("2024-01-01"),
             period_end=D("2024-12-31"), status=st.CLOSED, created_on=D("2024-01-15"),
             last_followup_on=D("2024-06-10"), target_step_id="ssk-2"),
        Plan(id="p-e04-2025", employee_id="e04", period_start=D("2025-01-01"),
             period_end=D("2025-12-31"), status=st.DRAFT, created_on=D("2025-02-15"),
             target_step_id="ssk-3"),
        Plan(id="p-e08-2025", employee_id="e08", period_start=D("2024-07-01"),
             period_end=D("2025-06-30"), status=st.ACTIVE, created_on=D("2024-06-20"),
             last_followup_on=D("2024-12-01"), target_step_id="usk-2"),
        Plan(id="p-e09-2023", employee_id="e09", period_start=D("2023-01-01"),
             period_end=D("2023-12-31"), status=st.ACTIVE, created_on=D("2023-01-10")),
    )  # fmt: skip


def _plan_activities() -> tuple[PlanActivity, ...]:
    st = PlanActivityStatus
    return (
        PlanActivity(plan_id="p-e03-2025", seq=1, activity_id="kurs-evb", competence_id="evb",
                     target_level=2, due_on=D("2025-06-30"), status=st.ONGOING),
        PlanActivity(plan_id="p-e03-2025", seq=2, activity_id="hlr-e", competence_id="hlr",
                     target_level=3, due_on=D("2025-04-30")),
        # No activity: to be met through the mentorship with e01.
        PlanActivity(plan_id="p-e03-2025", seq=3, competence_id="pcv", target_level=3,
                     due_on=D("2025-12-31")),
        PlanActivity(plan_id="p-e03-2024", seq=1, activity_id="hlr-e", competence_id="hlr",
                     target_level=2, due_on=D("2024-11-30"), status=st.DONE,
                     completed_on=D("2024-11-01")),
        PlanActivity(plan_id="p-e03-2024", seq=2, activity_id="sem-evb", competence_id="evb",
                     target_level=3, status=st.CANCELLED),
        PlanActivity(plan_id="p-e04-2025", seq=1, activity_id="handl-utb",
                     competence_id="handl", target_level=2, due_on=D("2026-06-30")),
        PlanActivity(plan_id="p-e08-2025", seq=1, activity_id="pcv-kurs", competence_id="pcv",
                     target_level=2, due_on=D("2025-05-31"), status=st.ONGOING),
        PlanActivity(plan_id="p-e08-2025", seq=2, activity_id="hlr-e", competence_id="hlr",
                     target_level=2, due_on=D("2024-09-30"), status=st.DONE,
                     completed_on=D("2024-08-20")),
    )  # fmt: skip


def _conversations() -> tuple[Conversation, ...]:
    k = ConversationKind

    def c(employee: str, kind: ConversationKind, held: str) -> Conversation:
        return Conversation(employee_id=employee, kind=kind, held_on=D(held))

    return (
        c("e03", k.MEDARBETARSAMTAL, "2025-01-20"),
        c("e03", k.PRESTATIONSSAMTAL, "2024-09-15"),
        c("e03", k.LONESAMTAL, "2024-10-05"),
        c("e03", k.MEDARBETARSAMTAL, "2024-01-15"),
        c("e04", k.MEDARBETARSAMTAL, "2025-02-15"),
        c("e08", k.MEDARBETARSAMTAL, "2024-06-20"),
        c("e08", k.LONESAMTAL, "2024-10-01"),
        c("e08", k.PRESTATIONSSAMTAL, AS_OF.isoformat()),
        # Two talks on one day: ordered by kind after the day.
        c("e01", k.PRESTATIONSSAMTAL, "2024-10-05"),
        c("e01", k.LONESAMTAL, "2024-10-05"),
        c("e09", k.MEDARBETARSAMTAL, "2023-01-10"),
    )


def tiny_region() -> Dataset:
    """The whole tiny region described in the module docstring (a fresh copy)."""
    return Dataset(
        competences=_competences(),
        professions=_professions(),
        ladders=_ladders(),
        steps=_steps(),
        transitions=_transitions(),
        activities=_activities(),
        units=_units(),
        needs=_needs(),
        employees=_employees(),
        holdings=_holdings(),
        mentorships=_mentorships(),
        plans=_plans(),
        plan_activities=_plan_activities(),
        conversations=_conversations(),
    )


# --- looking things up ------------------------------------------------------


def by_id(items: Iterable[T], id: str) -> T:
    """The item of `items` whose `id` is `id`; KeyError when there is none."""
    for item in items:
        if getattr(item, "id", None) == id:
            return item
    raise KeyError(id)


def employee_of(data: Dataset, id: str) -> Employee:
    return by_id(data.employees, id)


def holdings_of(data: Dataset, employee_id: str) -> list[Holding]:
    return [h for h in data.holdings if h.employee_id == employee_id]


# --- tweaking a dataset -----------------------------------------------------

REFERENCE_FIELDS = ("competences", "professions", "ladders", "steps", "transitions", "activities")
PEOPLE_FIELDS = (
    "units",
    "needs",
    "employees",
    "holdings",
    "mentorships",
    "plans",
    "plan_activities",
    "conversations",
)


def replace(data: Dataset, **fields: Iterable[Any]) -> Dataset:
    """`data` with whole collections replaced: `replace(d, holdings=[...])`."""
    return data.model_copy(update={name: tuple(items) for name, items in fields.items()})


def with_added(data: Dataset, **fields: Iterable[Any]) -> Dataset:
    """`data` with items appended to collections: `with_added(d, employees=[e])`."""
    return replace(data, **{name: (*getattr(data, name), *items) for name, items in fields.items()})


def without(data: Dataset, field: str, drop: Callable[[Any], bool]) -> Dataset:
    """`data` without the items of one collection for which `drop(item)` is true."""
    return replace(data, **{field: [x for x in getattr(data, field) if not drop(x)]})


def changed(item: M, **changes: Any) -> M:
    """A copy of a (frozen) model with some fields changed, validated again."""
    return type(item).model_validate({**item.model_dump(), **changes})


def reference_part(data: Dataset) -> Dataset:
    """Only the reference data (competencies ... activities) of `data`."""
    return Dataset(**{name: getattr(data, name) for name in REFERENCE_FIELDS})


def people_part(data: Dataset) -> Dataset:
    """Only the organisation and people data of `data`."""
    return Dataset(**{name: getattr(data, name) for name in PEOPLE_FIELDS})


def record_count(data: Dataset) -> int:
    """The number of top-level records (what `import_dataset` reports progress in)."""
    return sum(len(getattr(data, name)) for name in (*REFERENCE_FIELDS, *PEOPLE_FIELDS))


def canonical(data: Dataset) -> Dataset:
    """`data` in store order: what `export_dataset` must return after importing it."""
    return Dataset(
        competences=tuple(sorted(data.competences, key=lambda c: c.id)),
        professions=tuple(sorted(data.professions, key=lambda p: p.id)),
        ladders=tuple(sorted(data.ladders, key=lambda lad: lad.id)),
        steps=tuple(
            s.model_copy(
                update={"requires": tuple(sorted(s.requires, key=lambda q: q.competence_id))}
            )
            for s in sorted(data.steps, key=lambda s: (s.ladder_id, s.ordinal, s.id))
        ),
        transitions=tuple(sorted(data.transitions, key=lambda t: (t.from_step_id, t.to_step_id))),
        activities=tuple(
            a.model_copy(
                update={"develops": tuple(sorted(a.develops, key=lambda d: d.competence_id))}
            )
            for a in sorted(data.activities, key=lambda a: a.id)
        ),
        units=tuple(sorted(data.units, key=lambda u: u.id)),
        needs=tuple(
            sorted(data.needs, key=lambda n: (n.unit_id, n.competence_id, n.level, n.horizon))
        ),
        employees=tuple(
            e.model_copy(update={"manages": tuple(sorted(e.manages))})
            for e in sorted(data.employees, key=lambda e: e.id)
        ),
        holdings=tuple(sorted(data.holdings, key=lambda h: (h.employee_id, h.competence_id))),
        mentorships=tuple(
            sorted(data.mentorships, key=lambda m: (m.mentor_id, m.adept_id, m.started_on))
        ),
        plans=tuple(sorted(data.plans, key=lambda p: (p.employee_id, p.id))),
        plan_activities=tuple(sorted(data.plan_activities, key=lambda a: (a.plan_id, a.seq))),
        conversations=tuple(
            sorted(data.conversations, key=lambda c: (c.employee_id, c.held_on, c.kind))
        ),
    )


# --- making single records --------------------------------------------------


def make_employee(id: str, **fields: Any) -> Employee:
    """An employee with harmless defaults (a nurse at ssk-1 in enh-akut, born 1990)."""
    defaults: dict[str, Any] = {
        "name": f"Person {id}",
        "birth_year": 1990,
        "unit_id": ENH_AKUT,
        "profession_id": "ssk",
        "step_id": "ssk-1",
        "step_since": D("2024-01-01"),
        "employed_since": D("2024-01-01"),
    }
    return Employee(id=id, **{**defaults, **fields})


def make_holding(employee_id: str, competence_id: str, level: int, **fields: Any) -> Holding:
    """A holding assessed by a manager on AS_OF unless told otherwise."""
    defaults: dict[str, Any] = {"assessed_on": AS_OF, "source": HoldingSource.MANAGER}
    return Holding(
        employee_id=employee_id,
        competence_id=competence_id,
        level=level,
        **{**defaults, **fields},
    )
