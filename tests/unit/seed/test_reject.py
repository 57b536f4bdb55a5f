"""Every rule of DESIGN §7 rejects the dataset, naming file, line and column."""

from __future__ import annotations

from collections.abc import Callable
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


def _replace(*pairs: tuple[str, str]) -> Callable[[str], str]:
    def reshape(text: str) -> str:
        for old, new in pairs:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        return text

    return reshape


def _as_list(text: str) -> str:
    """The file's mapping as the one item of a list."""
    return "- " + "\n  ".join(text.rstrip("\n").split("\n")) + "\n"


@pytest.mark.parametrize(
    ("name", "reshape", "message"),
    [
        # The list under a key: a mapping of one key. It gave 25,251 errors.
        (
            "competences.yaml",
            _replace(("# Kompetenser\n", "competences:\n")),
            "competences.yaml:1: expected a list of competences",
        ),
        # A record that is not a mapping: which id it defines no one can tell.
        (
            "competences.yaml",
            _replace(
                (
                    "- id: hlr\n  name: Hjärt-lungräddning\n  category: mandatory\n"
                    "  valid_months: 12\n",
                    "- hlr\n",
                )
            ),
            "competences.yaml:12: expected a competence (a mapping of",
        ),
        # A ladder file that is a list (of one ladder).
        ("ladders/ssk.yaml", _as_list, "ladders/ssk.yaml:1: expected a ladder (a mapping of"),
        # Steps keyed by id, not listed.
        (
            "ladders/ssk.yaml",
            _replace(*((f"  - id: ssk-{n}\n", f"  ssk-{n}:\n") for n in (1, 2, 3))),
            "ladders/ssk.yaml:5: expected a list of steps",
        ),
        # A step that is not a mapping.
        (
            "ladders/ssk.yaml",
            _replace(
                ("  - id: ssk-3\n    name: Specialist\n", "  - ssk-3\n  - name: Specialist\n")
            ),
            "ladders/ssk.yaml:24: expected a step (a mapping of",
        ),
    ],
)
def test_a_file_of_the_wrong_shape_buries_nothing_under_unknown_references(
    sample: Path, name: str, reshape: Callable[[str], str], message: str
) -> None:
    # What such a file defines is not known, as when it does not parse:
    # references to it are not judged (the steps of ssk are named by people,
    # plans and a transition of usk; hlr by ladders, activities and people).
    path = sample / name
    path.write_text(reshape(path.read_text(encoding="utf-8")), encoding="utf-8")

    errors = rejected(sample)

    assert any(str(e).startswith(message) for e in errors), [str(e) for e in errors]
    assert all(e.file == name for e in errors), [str(e) for e in errors]


def _windows_1252(root: Path, name: str, old: str) -> int:
    """`old`, on its one line of `name`, written in Windows-1252 (not UTF-8,
    as an older HR export might be); returns that line."""
    path = root / name
    lines = path.read_bytes().split(b"\n")
    hits = [i for i, line in enumerate(lines) if old.encode("utf-8") in line]
    assert len(hits) == 1, f"{old!r} is on lines {[i + 1 for i in hits]} of {name}"
    lines[hits[0]] = lines[hits[0]].replace(old.encode("utf-8"), old.encode("cp1252"))
    path.write_bytes(b"\n".join(lines))
    return hits[0] + 1


@pytest.mark.parametrize(
    ("name", "old", "reason"),
    [
        # YAML was reported at line 1, wherever the byte was.
        ("units.yaml", "Avdelning 5 – kardiologi", "invalid start byte"),
        ("competences.yaml", "Hjärt-lungräddning", "invalid continuation byte"),
        # In a CSV's first buffer: line 1, and "missing header line" after it.
        ("employees.csv", "Ärlig, Erik", "invalid continuation byte"),
    ],
)
def test_bytes_that_are_not_utf8_are_reported_once_at_their_line(
    sample: Path, name: str, old: str, reason: str
) -> None:
    line = _windows_1252(sample, name, old)
    assert line > 1

    errors = rejected(sample)

    assert [str(e) for e in errors] == [f"{name}:{line}: not UTF-8 text ({reason})"]


def test_bytes_that_are_not_utf8_past_the_first_buffer_of_a_csv_are_reported_at_their_line(
    sample: Path,
) -> None:
    # The text is decoded a buffer ahead of the rows: the error was reported
    # at the first row of the buffer that held the byte.
    path = sample / "conversations.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    rows = [f"e2,medarbetarsamtal,{2000 + n // 365}-01-{1 + n % 28:02d}" for n in range(3000)]
    rows = list(dict.fromkeys(rows))  # the key (employee, kind, day) is unique
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    line = len(rows) - 5
    edit(sample, "conversations.csv", rows[line - 2], rows[line - 2].replace("e2", "e2 Ärlig"))
    line = _windows_1252(sample, "conversations.csv", "e2 Ärlig")

    errors = rejected(sample)

    assert [str(e) for e in errors] == [
        f"conversations.csv:{line}: not UTF-8 text (invalid continuation byte)"
    ]
