"""The domain model's rules for ids and names are the dataset format's (DESIGN §7)."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from ladders.models import Employee, Plan, PlanActivity, Unit

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
