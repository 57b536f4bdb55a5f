"""The domain model's rules for ids, names, dates and counts of months are the dataset
format's (DESIGN §7); dates and counts are bounded so no date arithmetic overflows,
and every number a record holds so that the stores' 64-bit integers hold it."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pytest
from annotated_types import Le
from pydantic import BaseModel, ValidationError

from api.settings import Settings
from graph.validity import earliest_valid_assessment
from ladders.coverage import year_window
from ladders.gap import months_elapsed
from ladders.holding import add_months, age, expiry, held_level
from ladders.models import (
    DAY_RANGE,
    LIST_SEPARATOR,
    MAX_COST_SEK,
    MAX_COUNT,
    MAX_HOURS,
    MAX_ID_CHARS,
    MAX_MENTOR_CAPACITY,
    MAX_MONTHS,
    MAX_NAME_CHARS,
    MAX_YEARS,
    Competence,
    Conversation,
    Dataset,
    Employee,
    Holding,
    Horizon,
    LearningActivity,
    Mentorship,
    Plan,
    PlanActivity,
    ReferenceData,
    Step,
    Transition,
    Unit,
    UnitNeed,
    parse_plan_activity_id,
)
from ladders.rules import Rules
from ladders.supply import horizon_bounds
from seed import layout

# Every character str.strip() removes: what the dataset reader strips from an id.
WHITESPACE = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]


@pytest.mark.parametrize("space", WHITESPACE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_id_with_whitespace_around_it_is_rejected(space: str) -> None:
    for bad in (f"{space}e1", f"e1{space}", space):
        with pytest.raises(ValidationError, match="whitespace|empty") as caught:
            Employee(id=bad, name="A", birth_year=1990)
        assert [e["loc"] for e in caught.value.errors()] == [("id",)]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Employee(id="", name="A", birth_year=1990), "id"),
        (lambda: Employee(id="e1", name="", birth_year=1990), "name"),
        (lambda: Employee(id="e1", name=" \t", birth_year=1990), "name"),
        (lambda: Employee(id="e1", name="A", birth_year=1990, unit_id=""), "unit_id"),
        (lambda: Employee(id="e1", name="A", birth_year=1990, manages=("u", " v")), "manages"),
        (lambda: Unit(id="u", name="", kind="unit"), "name"),
        (lambda: PlanActivity(plan_id="", seq=1, competence_id="c", target_level=2), "plan_id"),
    ],
)
def test_empty_ids_and_blank_names_are_rejected(make: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.errors()[0]["loc"][0] == field


def test_ids_may_hold_inner_spaces_and_names_outer_ones() -> None:
    # The reader strips ids but keeps names verbatim; inside an id is kept too.
    employee = Employee(id="e 1", name=" Anna ", birth_year=1990)
    assert (employee.id, employee.name) == ("e 1", " Anna ")
    assert (
        Plan(id="p#1", employee_id="e 1", period_start="2025-01-01", period_end="2025-12-31").id
        == "p#1"
    )


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Employee(id="e;1", name="A", birth_year=1990), "id"),
        (lambda: Employee(id="e1", name="A", birth_year=1990, manages=("u", "v;w")), "manages"),
        (lambda: Unit(id="u;1", name="U", kind="unit"), "id"),
        (
            lambda: Mentorship(
                mentor_id="e1", adept_id="e2", started_on=date(2024, 1, 1), focus=("a;b",)
            ),
            "focus",
        ),
    ],
)
def test_an_id_with_the_list_separator_is_rejected(make: object, field: str) -> None:
    # Written into a `manages` or `focus` cell, "v;w" reads back as two ids.
    assert LIST_SEPARATOR == layout.LIST_SEPARATOR == ";"
    with pytest.raises(ValidationError, match="must not contain ';'") as caught:
        make()  # type: ignore[operator]
    assert caught.value.errors()[0]["loc"][0] == field


def test_ids_and_names_have_a_length_limit() -> None:
    # Neo4j refused to index a 9,000-character id (an internal error over the
    # API, a traceback on import) where SQLite took 200,000 characters.
    Employee(id="e" * MAX_ID_CHARS, name="n" * MAX_NAME_CHARS, birth_year=1980)
    with pytest.raises(ValidationError, match=f"at most {MAX_ID_CHARS} characters") as long_id:
        Employee(id="e" * (MAX_ID_CHARS + 1), name="N", birth_year=1980)
    assert long_id.value.errors()[0]["loc"] == ("id",)
    with pytest.raises(ValidationError, match=f"at most {MAX_NAME_CHARS} characters") as long:
        Employee(id="e1", name="n" * (MAX_NAME_CHARS + 1), birth_year=1980)
    assert long.value.errors()[0]["loc"] == ("name",)


def test_an_id_holds_no_character_beyond_u_ffff() -> None:
    # Neo4j paged such ids apart from how it ordered them (`after` skipped them).
    with pytest.raises(ValidationError, match="beyond U\\+FFFF"):
        Employee(id="x\U0001f600", name="E", birth_year=1980)
    assert Employee(id="x\uff21 å", name="Emoji \U0001f600 in a name", birth_year=1980)


def test_an_id_list_names_each_id_once() -> None:
    # The stores keep managed units and a focus as sets: SQLite refused a
    # repeat (its key), Neo4j kept it (focus) or dropped it (manages).
    with pytest.raises(ValidationError, match="lists 'u1' more than once"):
        Employee(id="e1", name="E", birth_year=1980, manages=("u1", "u2", "u1"))
    with pytest.raises(ValidationError, match="lists 'c' more than once"):
        Mentorship(mentor_id="e1", adept_id="e2", started_on=date(2024, 1, 1), focus=("c", "c"))


def test_a_step_since_needs_a_step() -> None:
    # `since` is a property of AT_STEP: without a step there is no time at one.
    with pytest.raises(ValidationError, match="step_since needs a step"):
        Employee(id="e1", name="E", birth_year=1980, step_since=date(2020, 1, 1))
    assert Employee(id="e1", name="E", birth_year=1980, step_id="s", step_since=date(2020, 1, 1))


@pytest.mark.parametrize("seq", ["١", "²", "1a", "", "-1"])
def test_a_plan_activity_id_has_ascii_digits_after_its_hash(seq: str) -> None:
    assert parse_plan_activity_id("p#7") == ("p", 7)
    with pytest.raises(ValueError, match="not a plan activity id"):
        parse_plan_activity_id(f"p#{seq}")


# --- counts and amounts: bounded, so the stores' 64-bit integers hold them ---

BOUNDED: list[tuple[type[BaseModel], dict[str, object], str, int]] = [
    (
        UnitNeed,
        {"unit_id": "u", "competence_id": "c", "level": 2, "count": 0},
        "count",
        MAX_COUNT,
    ),
    (
        Employee,
        {"id": "e1", "name": "A", "birth_year": 1990},
        "mentor_capacity",
        MAX_MENTOR_CAPACITY,
    ),
    (LearningActivity, {"id": "a", "name": "A", "kind": "course", "hours": 1}, "hours", MAX_HOURS),
    (
        LearningActivity,
        {"id": "a", "name": "A", "kind": "course", "hours": 1},
        "cost_sek",
        MAX_COST_SEK,
    ),
]


@pytest.mark.parametrize(
    ("model", "values", "field", "most"), BOUNDED, ids=lambda x: x if isinstance(x, str) else ""
)
def test_counts_and_amounts_are_bounded(
    model: type[BaseModel], values: dict[str, object], field: str, most: int
) -> None:
    # 10**20 passed and the import then crashed: SQLite keeps 64-bit integers.
    assert most < 2**53  # a float holds it exactly, and a 64-bit integer
    assert getattr(model.model_validate({**values, field: most}), field) == most
    too_much: list[object] = [most + 1, 10**20, 2**63]
    if model is LearningActivity:
        too_much += [most + 0.5, float("inf")]
    for value in too_much:
        with pytest.raises(ValidationError) as caught:
            model.model_validate({**values, field: value})
        assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_every_number_a_record_holds_has_an_upper_bound() -> None:
    # The places the code numbers itself from 1 (a step in its ladder, an
    # item in its plan) and the store's version counter need none.
    unbounded = {
        (model, name)
        for model in _models()
        for name, info in model.model_fields.items()
        if info.annotation in (int, float, int | None, float | None)
        and not any(isinstance(m, Le) for m in info.metadata)
    }
    assert unbounded == {(Step, "ordinal"), (PlanActivity, "seq"), (ReferenceData, "version")}


# --- dates and counts of months: the range no date arithmetic can overflow ---

FIRST, LAST = DAY_RANGE
BEFORE, AFTER = FIRST - timedelta(days=1), LAST + timedelta(days=1)

# Every stored date of every model, with the least else valid record around it.
DATE_FIELDS: list[tuple[type[BaseModel], dict[str, object], str]] = [
    (Employee, {"id": "e1", "name": "A", "birth_year": 1990, "step_id": "s"}, "step_since"),
    (Employee, {"id": "e1", "name": "A", "birth_year": 1990}, "employed_since"),
    (Holding, {"employee_id": "e1", "competence_id": "c", "level": 2}, "assessed_on"),
    (Holding, {"employee_id": "e1", "competence_id": "c", "level": 2}, "expires_on"),
    (Mentorship, {"mentor_id": "e1", "adept_id": "e2", "started_on": FIRST}, "started_on"),
    (Mentorship, {"mentor_id": "e1", "adept_id": "e2", "started_on": FIRST}, "ended_on"),
    (
        Plan,
        {"id": "p", "employee_id": "e1", "period_start": FIRST, "period_end": LAST},
        "period_start",
    ),
    (
        Plan,
        {"id": "p", "employee_id": "e1", "period_start": FIRST, "period_end": LAST},
        "period_end",
    ),
    (
        Plan,
        {"id": "p", "employee_id": "e1", "period_start": FIRST, "period_end": LAST},
        "created_on",
    ),
    (
        Plan,
        {"id": "p", "employee_id": "e1", "period_start": FIRST, "period_end": LAST},
        "last_followup_on",
    ),
    (PlanActivity, {"plan_id": "p", "seq": 1, "competence_id": "c", "target_level": 2}, "due_on"),
    (
        PlanActivity,
        {"plan_id": "p", "seq": 1, "competence_id": "c", "target_level": 2},
        "completed_on",
    ),
    (Conversation, {"employee_id": "e1", "kind": "lonesamtal", "held_on": FIRST}, "held_on"),
]


def test_every_date_field_of_every_model_is_listed() -> None:
    listed = {(model, field) for model, _, field in DATE_FIELDS}
    every = {
        (model, name)
        for model in (*_models(), Dataset)
        for name, info in model.model_fields.items()
        if "date" in str(info.annotation)
    }
    assert every == listed


def _models() -> list[type[BaseModel]]:
    from ladders import models

    return [
        v
        for v in vars(models).values()
        if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == models.__name__
    ]


@pytest.mark.parametrize(
    ("model", "values", "field"), DATE_FIELDS, ids=lambda x: x if isinstance(x, str) else ""
)
def test_a_stored_date_is_inside_the_range_ends_included(
    model: type[BaseModel], values: dict[str, object], field: str
) -> None:
    for inside in (FIRST, LAST):
        assert getattr(model.model_validate({**values, field: inside}), field) == inside
    for outside in (date.min, BEFORE, AFTER, date.max):
        with pytest.raises(ValidationError) as caught:
            model.model_validate({**values, field: outside})
        [error] = caught.value.errors()
        assert error["loc"] == (field,)
        assert str(FIRST if outside < FIRST else LAST) in error["msg"]


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [f for f in DATE_FIELDS if f[2] in {"ended_on", "last_followup_on", "completed_on"}],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_a_copy_cannot_set_a_date_outside_the_range(
    model: type[BaseModel], values: dict[str, object], field: str
) -> None:
    # The commands end a mentorship, follow up a plan and complete an item by a copy.
    record = model.model_validate(values)
    assert getattr(record.model_copy(update={field: LAST}), field) == LAST
    with pytest.raises(ValidationError) as caught:
        record.model_copy(update={field: AFTER})
    assert caught.value.errors()[0]["loc"] == (field,)
    assert getattr(record, field) is None


def test_a_copy_validates_only_when_it_changes_something() -> None:
    plan = Plan(id="p", employee_id="e1", period_start=FIRST, period_end=LAST)
    followed = plan.model_copy(update={"last_followup_on": "2025-03-01"})
    assert followed.last_followup_on == date(2025, 3, 1)
    assert followed.model_fields_set == plan.model_fields_set | {"last_followup_on"}
    assert plan.model_copy() == plan
    with pytest.raises(ValidationError):
        plan.model_copy(update={"last_followup_on": AFTER})


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (
            lambda months: Competence(id="c", name="C", category="core", valid_months=months),
            "valid_months",
        ),
        (
            lambda months: Step(id="s", ladder_id="l", name="S", ordinal=1, min_months=months),
            "min_months",
        ),
        (
            lambda months: Transition(
                from_step_id="a", to_step_id="b", kind="vertical", months=months
            ),
            "months",
        ),
    ],
)
def test_counts_of_months_are_at_most_1200(make: object, field: str) -> None:
    assert MAX_MONTHS == 1200
    assert getattr(make(MAX_MONTHS), field) == MAX_MONTHS  # type: ignore[operator]
    for too_many in (MAX_MONTHS + 1, 10**9):
        with pytest.raises(ValidationError) as caught:
            make(too_many)  # type: ignore[operator]
        assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize("name", ["short_years", "long_years"])
def test_the_horizons_are_at_most_100_years(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert getattr(Rules(**{name: MAX_YEARS}), name) == MAX_YEARS == 100
    with pytest.raises(ValidationError):
        Rules(**{name: MAX_YEARS + 1})
    monkeypatch.setenv(f"STEGE_{name.upper()}", str(MAX_YEARS + 1))
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("as_of", [FIRST, LAST])
@pytest.mark.parametrize("assessed_on", [FIRST, LAST])
def test_no_date_arithmetic_overflows_at_the_ends_of_the_range(
    as_of: date, assessed_on: date
) -> None:
    """Every date inside the range and every count at its largest: the
    arithmetic of ladders/ (and the store's validity window) stays a date."""
    competence = Competence(id="c", name="C", category="core", valid_months=MAX_MONTHS)
    holding = Holding(employee_id="e1", competence_id="c", level=3, assessed_on=assessed_on)
    assert expiry(holding, competence) == add_months(assessed_on, MAX_MONTHS)
    assert held_level(holding, competence, as_of) in (0, 3)
    rules = Rules(short_years=MAX_YEARS, long_years=MAX_YEARS)
    for horizon in Horizon:
        born_by, due_by = horizon_bounds(rules=rules, horizon=horizon, as_of=as_of)
        assert due_by >= as_of
    assert year_window(as_of)[0] < as_of
    assert 0 <= months_elapsed(assessed_on, as_of) <= (LAST.year - FIRST.year + 1) * 12
    assert earliest_valid_assessment(as_of, MAX_MONTHS) <= as_of
    assert age(Employee(id="e1", name="A", birth_year=1900), as_of) >= 0
