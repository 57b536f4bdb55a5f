"""`stege validate` reports a date outside 1900-01-01..2200-12-31 (the range
of every stored date, `ladders.models.DAY_RANGE`) at its file, line and column,
and a count of months over 1200 at its file and line. (The loader and `stege
import` see the same broken datasets through tests/unit/seed/cases.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.unit.seed.sample import edit

runner = CliRunner()


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "message"),
    [
        (
            "holdings.csv",
            "e2,hlr,2,2024-01-15",
            "e2,hlr,2,9999-12-31",
            "assessed_on",
            "assessed_on 9999-12-31 is not a date from 1900-01-01 to 2200-12-31",
        ),
        (
            "conversations.csv",
            "e2,lonesamtal,2024-04-10",
            "e2,lonesamtal,1899-12-31",
            "held_on",
            "held_on 1899-12-31 is not a date from 1900-01-01 to 2200-12-31",
        ),
        (
            "competences.yaml",
            "valid_months: 12",
            "valid_months: 120000",
            None,
            "valid_months 120000 is outside 1-1200",
        ),
    ],
)
def test_validate_names_the_out_of_range_value_where_it_is(
    sample: Path, file: str, old: str, new: str, where: str | None, message: str
) -> None:
    line = edit(sample, file, old, new)

    result = runner.invoke(app, ["validate", str(sample)])

    assert result.exit_code == 1, result.output
    place = f"{file}:{line}" + (f":{where}" if where else "")
    assert f"{place}: {message}" in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.output


def test_the_ends_of_the_range_are_valid(sample: Path) -> None:
    edit(sample, "holdings.csv", "e2,hlr,2,2024-01-15", "e2,hlr,2,2200-12-31")
    edit(sample, "employees.csv", "2012-01-01,2005-01-01", "2012-01-01,1900-01-01")
    edit(sample, "competences.yaml", "valid_months: 12", "valid_months: 1200")

    result = runner.invoke(app, ["validate", str(sample)])

    assert result.exit_code == 0, result.output
