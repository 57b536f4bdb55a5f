"""Every rule of DESIGN §7 rejects the dataset, naming file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed import DatasetError, ValidationIssue, layout, load_dataset
from tests.unit.seed.cases import CASE_PARAMS, Case
from tests.unit.seed.sample import edit


def rejected(root: Path) -> list[ValidationIssue]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(root)
    return caught.value.errors


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_each_broken_rule_is_reported_at_its_file_line_and_column(sample: Path, case: Case) -> None:
    line = edit(sample, case.file, case.old, case.new)

    errors = rejected(sample)

    matching = [e for e in errors if case.message in e.message]
    assert matching, f"no error with {case.message!r} in {[str(e) for e in errors]}"
    issue = matching[0]
    assert (issue.file, issue.line, issue.column) == (case.file, line, case.column)
    where = f"{case.file}:{line}" + (f":{case.column}" if case.column else "")
    assert str(issue).startswith(f"{where}: ")


def test_all_errors_are_collected_in_one_pass(sample: Path) -> None:
    competence_line = edit(sample, "competences.yaml", "category: mandatory", "category: kärna")
    holding_line = edit(sample, "holdings.csv", "e2,hlr,2,", "e2,hlr,9,")
    plan_line = edit(sample, "plans.csv", "p2,e3", "p2,e99")

    errors = rejected(sample)

    assert [(e.file, e.line, e.column) for e in errors] == [
        ("competences.yaml", competence_line, None),
        ("holdings.csv", holding_line, "level"),
        ("plans.csv", plan_line, "employee"),
    ]


def test_missing_required_field_is_reported_at_its_record(sample: Path) -> None:
    # The record starts at "- id: hlr"; its name is gone.
    record_line = edit(sample, "competences.yaml", "- id: hlr", "- id: hlr")
    edit(sample, "competences.yaml", "  name: Hjärt-lungräddning", "  name_en: CPR")

    errors = rejected(sample)

    assert [(e.file, e.line, e.message) for e in errors] == [
        ("competences.yaml", record_line, "missing required name")
    ]


def test_empty_required_cell_is_reported_at_its_column(sample: Path) -> None:
    line = edit(sample, "plans.csv", "2023-01-01,2023-12-31,closed", ",2023-12-31,closed")

    errors = rejected(sample)

    assert [str(e) for e in errors] == [
        f"plans.csv:{line}:period_start: missing required period_start"
    ]


@pytest.mark.parametrize("name", list(layout.CSV_COLUMNS))
def test_a_row_shorter_than_the_header_is_rejected_in_every_csv(sample: Path, name: str) -> None:
    path = sample / name
    lines = path.read_text(encoding="utf-8").split("\n")
    # The first row loses its last cell (no row of the sample quotes a comma).
    lines[1] = lines[1].rpartition(",")[0]
    path.write_text("\n".join(lines), encoding="utf-8")
    columns = len(layout.CSV_COLUMNS[name])

    errors = rejected(sample)

    # (Rows naming the dropped one may fail too: only its own error matters.)
    assert f"{name}:2: row has {columns - 1} cells but the header has {columns}" in [
        str(e) for e in errors
    ]


def test_transition_must_touch_its_ladder(sample: Path) -> None:
    # ssk-2 -> ssk-3 is a real pair of steps, but neither is on the usk ladder.
    edit(sample, "ladders/usk.yaml", "from: usk-2", "from: ssk-2")
    line = edit(sample, "ladders/usk.yaml", "to: ssk-1", "to: ssk-3") - 1

    errors = rejected(sample)

    assert [(e.file, e.line) for e in errors] == [("ladders/usk.yaml", line)]
    assert "neither end is a step of ladder 'usk'" in errors[0].message


def test_a_folder_without_dataset_files_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hej", encoding="utf-8")

    with pytest.raises(DatasetError) as caught:
        load_dataset(tmp_path)

    assert "no dataset files found" in str(caught.value)


def test_a_missing_folder_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a folder"):
        load_dataset(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("competences.yaml", "- id: evidens", "- id: [evidens", "YAML syntax error"),
        ("units.yaml", "- id: region", "- id: region\n\tkind: region", "YAML syntax error"),
        ("ladders/ssk.yaml", "id: ssk-1", "id: 'ssk-1", "YAML syntax error"),
        ("employees.csv", "id,name,birth_year", "ident,name,birth_year", "unknown column"),
    ],
)
def test_a_file_read_only_in_part_buries_nothing_under_unknown_references(
    sample: Path, name: str, old: str, new: str, message: str
) -> None:
    # A syntax error in competences.yaml was reported with 25,000 "unknown
    # competence" errors after it (one per holding and requirement of the
    # demo): the ids the file defines after the error are not known, so
    # references to them are not judged until the file reads.
    edit(sample, name, old, new)

    errors = rejected(sample)

    assert errors, errors
    assert all(e.file == name for e in errors), [str(e) for e in errors]
    assert any(message in e.message for e in errors), [str(e) for e in errors]
    assert not any(e.message.startswith("unknown ") and "column" not in e.message
                   for e in errors), [str(e) for e in errors]  # fmt: skip
