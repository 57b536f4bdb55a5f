"""Reading a valid dataset folder into the domain models (DESIGN §7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ladders.models import (
    ConversationKind,
    HoldingSource,
    Horizon,
    PlanActivityStatus,
    PlanStatus,
    TransitionKind,
)
from seed import DatasetError, Severity, load_dataset, record_counts
from seed.loader import dataset_bytes
from tests.unit.seed.sample import edit


def test_sample_loads_into_models(sample: Path) -> None:
    data, warnings = load_dataset(sample)

    assert warnings == []
    assert record_counts(data) == {
        "competences": 4,
        "professions": 2,
        "ladders": 2,
        "steps": 5,
        "transitions": 1,
        "activities": 3,
        "units": 3,
        "needs": 2,
        "employees": 3,
        "holdings": 6,
        "mentorships": 1,
        "plans": 2,
        "plan_activities": 3,
        "conversations": 3,
    }
    competences = {c.id: c for c in data.competences}
    assert competences["hlr"].valid_months == 12
    assert competences["personcentrerad"].description == (
        "Vård som utgår från patientens berättelse.\nTvå rader.\n"
    )
    # An unquoted SSYK code stays the text it was written as.
    assert [(p.id, p.ssyk, p.licensed) for p in data.professions] == [
        ("ssk", "2221", True),
        ("usk", "5321", False),
    ]


def test_steps_take_their_ordinal_from_ladder_order(sample: Path) -> None:
    data, _ = load_dataset(sample)

    assert [(s.id, s.ladder_id, s.ordinal, s.min_months) for s in data.steps] == [
        ("ssk-1", "ssk", 1, 12),
        ("ssk-2", "ssk", 2, 24),
        ("ssk-3", "ssk", 3, 0),
        ("usk-1", "usk", 1, 6),
        ("usk-2", "usk", 2, 0),
    ]
    ssk2 = data.steps[1]
    assert [(r.competence_id, r.level, r.mandatory) for r in ssk2.requires] == [
        ("evidens", 3, True),
        ("hlr", 3, True),
        ("personcentrerad", 3, False),
    ]
    [transition] = data.transitions
    assert (transition.from_step_id, transition.to_step_id, transition.kind, transition.months) == (
        "usk-2",
        "ssk-1",
        TransitionKind.EDUCATION,
        36,
    )


def test_activities_units_and_needs(sample: Path) -> None:
    data, _ = load_dataset(sample)

    activities = {a.id: a for a in data.activities}
    assert activities["ebm-seminarium"].hours == 12.5
    assert activities["hlr-kurs"].cost_sek == 1500
    [development] = activities["hlr-kurs"].develops
    assert (development.competence_id, development.from_level, development.to_level) == (
        "hlr",
        0,
        3,
    )
    assert {u.id: u.parent_id for u in data.units} == {
        "avd-5": "med",
        "med": "region",
        "region": None,
    }
    assert [(n.unit_id, n.competence_id, n.level, n.count, n.horizon) for n in data.needs] == [
        ("med", "evidens", 3, 2, Horizon.NOW),
        ("med", "hlr", 3, 3, Horizon.SHORT),
    ]


def test_people_rows(sample: Path) -> None:
    data, _ = load_dataset(sample)

    employees = {e.id: e for e in data.employees}
    assert employees["e1"].name == "Åsa Öberg"
    assert employees["e1"].mentor_capacity == 3
    assert employees["e2"].name == "Ärlig, Erik"
    assert employees["e2"].mentor_capacity is None
    assert employees["e2"].adept is True
    assert employees["e3"].adept is False  # an empty cell is the default
    assert employees["e3"].manages == ("avd-5", "med")
    assert employees["e1"].step_since == date(2015, 3, 1)
    holdings = {(h.employee_id, h.competence_id): h for h in data.holdings}
    assert holdings["e1", "hlr"].expires_on == date(2025, 2, 1)
    assert holdings["e3", "hlr"].source is HoldingSource.SELF
    [mentorship] = data.mentorships
    assert mentorship.focus == ("handledning", "evidens")  # in the order given
    assert mentorship.ended_on is None
    assert [(p.id, p.status, p.target_step_id) for p in data.plans] == [
        ("p1", PlanStatus.ACTIVE, "ssk-2"),
        ("p2", PlanStatus.CLOSED, None),
    ]
    assert {(c.employee_id, c.kind) for c in data.conversations} == {
        ("e2", ConversationKind.MEDARBETARSAMTAL),
        ("e2", ConversationKind.LONESAMTAL),
        ("e3", ConversationKind.PRESTATIONSSAMTAL),
    }


def test_plan_item_seq_is_its_row_order_within_its_plan(sample: Path) -> None:
    # In the file, p1's items are rows 1 and 3, with p2's item between them.
    data, _ = load_dataset(sample)

    assert [(a.plan_id, a.seq, a.competence_id, a.status) for a in data.plan_activities] == [
        ("p1", 1, "evidens", PlanActivityStatus.DONE),
        ("p1", 2, "hlr", PlanActivityStatus.PLANNED),
        ("p2", 1, "personcentrerad", PlanActivityStatus.CANCELLED),
    ]


def test_decreasing_requirement_is_a_warning(sample: Path) -> None:
    # ssk-2 requires evidens at 3; ssk-3 now asks for less.
    line = edit(sample, "ladders/ssk.yaml", "level: 4", "level: 2")

    data, warnings = load_dataset(sample)

    assert [(w.file, w.line, w.severity) for w in warnings] == [
        ("ladders/ssk.yaml", line, Severity.WARNING)
    ]
    assert warnings[0].message == (
        "step 'ssk-3' requires 'evidens' at level 2, less than level 3 at earlier step 'ssk-2'"
    )
    assert str(warnings[0]).startswith(f"ladders/ssk.yaml:{line}: warning: ")
    assert len(data.steps) == 5  # the dataset is still accepted


def test_step_of_another_profession_is_a_warning(sample: Path) -> None:
    line = edit(
        sample,
        "employees.csv",
        "e3,Maria Lind,1980,med,usk,usk-2",
        "e3,Maria Lind,1980,med,usk,ssk-1",
    )

    _, warnings = load_dataset(sample)

    assert [(w.file, w.line, w.column) for w in warnings] == [("employees.csv", line, "step")]
    assert "profession 'ssk', not of 'usk'" in warnings[0].message


def test_unknown_files_are_warned_about_and_ignored(sample: Path) -> None:
    (sample / "employee.csv").write_text("id\n", encoding="utf-8")
    (sample / "ladders" / "README.md").write_text("# stegar\n", encoding="utf-8")

    data, warnings = load_dataset(sample)

    assert [(w.file, w.line) for w in warnings] == [("employee.csv", 0), ("ladders/README.md", 0)]
    assert str(warnings[0]) == "employee.csv: warning: not a dataset file; ignored"
    assert len(data.employees) == 3


def test_transition_may_be_listed_with_the_ladder_it_leads_to(sample: Path) -> None:
    # Move usk-2 -> ssk-1 from the usk file into the ssk file.
    usk = sample / "ladders" / "usk.yaml"
    text = usk.read_text(encoding="utf-8")
    head, _, moved = text.partition("transitions:\n")
    usk.write_text(head, encoding="utf-8")
    with (sample / "ladders" / "ssk.yaml").open("a", encoding="utf-8") as ssk:
        ssk.write("transitions:\n" + moved)

    data, warnings = load_dataset(sample)

    assert warnings == []
    assert [(t.from_step_id, t.to_step_id) for t in data.transitions] == [("usk-2", "ssk-1")]


def test_numbers_in_the_forms_the_writer_and_people_write_are_read(sample: Path) -> None:
    # ASCII decimal only, but with the exponent PyYAML writes small and large
    # floats in, and a YAML number quoted as text.
    edit(sample, "activities.yaml", "hours: 12.5", "hours: 1.25e+1")
    edit(sample, "activities.yaml", "hours: 40.0", "hours: .5")
    edit(sample, "activities.yaml", "cost_sek: 1500", 'cost_sek: "1500."')
    edit(sample, "units.yaml", "count: 2", 'count: "02"')

    data, _ = load_dataset(sample)

    activities = {a.id: a for a in data.activities}
    assert activities["ebm-seminarium"].hours == 12.5
    assert activities["handledarutbildning"].hours == 0.5
    assert activities["hlr-kurs"].cost_sek == 1500
    assert data.needs[0].count == 2


def test_booleans_are_true_or_false_in_any_case(sample: Path) -> None:
    edit(sample, "employees.csv", "2022-06-01,,,true", "2022-06-01,,,TRUE")
    edit(sample, "professions.yaml", "licensed: true", "licensed: True")

    data, _ = load_dataset(sample)

    assert {e.id: e.adept for e in data.employees}["e2"] is True
    assert {p.id: p.licensed for p in data.professions}["ssk"] is True


def test_people_files_are_optional(sample: Path) -> None:
    for name in ("employees.csv", "holdings.csv", "mentorships.csv", "plans.csv",
                 "plan_activities.csv", "conversations.csv"):  # fmt: skip
        (sample / name).unlink()

    data, _ = load_dataset(sample)

    assert data.employees == ()
    assert data.plans == ()
    assert len(data.steps) == 5


def test_csv_with_byte_order_mark_and_crlf_is_read(sample: Path) -> None:
    path = sample / "conversations.csv"
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    data, _ = load_dataset(sample)

    assert len(data.conversations) == 3


def test_progress_is_told_every_byte_of_the_files_read(sample: Path) -> None:
    # Validating a 30,000-person dataset took half a minute behind a spinner.
    told: list[int] = []

    load_dataset(sample, progress=told.append)

    assert sum(told) == dataset_bytes(sample)
    files = [p for p in sample.rglob("*") if p.is_file()]
    assert len(told) >= len(files)  # each file told at least once
    assert all(n > 0 for n in told)


def test_a_big_csv_is_told_while_it_is_read(sample: Path) -> None:
    row = "e1,evidens,3,2024-01-10,,manager\n"
    holdings = sample / "holdings.csv"
    header = holdings.read_text(encoding="utf-8").split("\n", 1)[0]
    # One person holding one competence many times would be rejected; the
    # rows only need reading, so the errors are expected.
    holdings.write_text(header + "\n" + row * 70_000, encoding="utf-8")
    told: list[int] = []

    with pytest.raises(DatasetError):
        load_dataset(sample, progress=told.append)

    assert sum(told) == dataset_bytes(sample)
    assert sum(1 for n in told if n >= 1 << 20) >= 2  # told in steps, not once at the end
