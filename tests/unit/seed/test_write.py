"""Writing a dataset in the format it is read in, canonically (DESIGN §7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ladders.models import Dataset
from seed import canonical, load_dataset, write_dataset
from tests.builders import changed, tiny_region


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_load_write_load_gives_an_equal_dataset(sample: Path, tmp_path: Path) -> None:
    first, _ = load_dataset(sample)

    write_dataset(first, tmp_path / "out")
    second, warnings = load_dataset(tmp_path / "out")

    assert second == first
    assert warnings == []


def test_rewriting_a_written_folder_is_byte_identical(sample: Path, tmp_path: Path) -> None:
    write_dataset(load_dataset(sample)[0], tmp_path / "a")

    write_dataset(load_dataset(tmp_path / "a")[0], tmp_path / "b")

    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")


def test_written_files_are_canonical_text(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_dataset(load_dataset(sample)[0], out)
    files = files_of(out)

    assert sorted(files) == [
        "activities.yaml",
        "competences.yaml",
        "conversations.csv",
        "employees.csv",
        "holdings.csv",
        "ladders/ssk.yaml",
        "ladders/usk.yaml",
        "mentorships.csv",
        "plan_activities.csv",
        "plans.csv",
        "professions.yaml",
        "units.yaml",
    ]
    assert not any(b"\r" in content for content in files.values())
    text = {name: content.decode("utf-8") for name, content in files.items()}
    # Whole numbers without ".0", others as written.
    assert "  hours: 40\n" in text["activities.yaml"]
    assert "  hours: 12.5\n" in text["activities.yaml"]
    assert "  cost_sek: 1500\n" in text["activities.yaml"]
    # Swedish letters stay readable; a code that looks like a number stays text.
    assert "  name: Sjuksköterska\n  ssyk: '2221'\n  licensed: true\n" in text["professions.yaml"]
    # Keys at their defaults are left out: mandatory only where false,
    # licensed only where true, from_level only where above 0.
    assert text["ladders/ssk.yaml"].count("mandatory") == 1
    assert "mandatory: false" in text["ladders/ssk.yaml"]
    assert "from_level" not in text["activities.yaml"].split("id: handledarutbildning")[1]
    assert (
        "description: |\n    Vård som utgår från patientens berättelse.\n"
        in text["competences.yaml"]
    )
    assert text["employees.csv"].splitlines() == [
        "id,name,birth_year,unit,profession,step,step_since,employed_since,manages,"
        "mentor_capacity,adept",
        "e1,Åsa Öberg,1962,avd-5,ssk,ssk-3,2015-03-01,1990-08-15,,3,false",
        'e2,"Ärlig, Erik",1995,avd-5,ssk,ssk-1,2022-06-01,2022-06-01,,,true',
        "e3,Maria Lind,1980,med,usk,usk-2,2012-01-01,2005-01-01,avd-5;med,,false",
    ]
    assert text["mentorships.csv"].splitlines()[1] == "e1,e2,handledning;evidens,2024-01-01,"
    assert text["plan_activities.csv"].splitlines()[1:] == [
        "p1,ebm-seminarium,evidens,3,2024-06-30,done,2024-06-20",
        "p1,hlr-kurs,hlr,3,2024-09-30,planned,",
        "p2,,personcentrerad,3,2023-10-01,cancelled,",
    ]


def test_the_builders_region_survives_a_round_trip(tmp_path: Path) -> None:
    region = tiny_region()

    write_dataset(region, tmp_path)
    loaded, _ = load_dataset(tmp_path)

    assert loaded == canonical(region)


def test_an_empty_dataset_writes_empty_files_that_load(tmp_path: Path) -> None:
    write_dataset(Dataset(), tmp_path)

    assert (tmp_path / "competences.yaml").read_text(encoding="utf-8") == "[]\n"
    assert (tmp_path / "conversations.csv").read_text(encoding="utf-8") == (
        "employee,kind,held_on\n"
    )
    assert load_dataset(tmp_path)[0] == Dataset()


def test_stale_ladder_files_are_removed(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data, _ = load_dataset(sample)
    write_dataset(data, out)
    without_usk = data.model_copy(
        update={
            "ladders": tuple(lad for lad in data.ladders if lad.id != "usk"),
            "steps": tuple(s for s in data.steps if s.ladder_id != "usk"),
            "transitions": (),
            "employees": tuple(e for e in data.employees if e.id != "e3"),
            "plans": tuple(p for p in data.plans if p.employee_id != "e3"),
            "plan_activities": tuple(a for a in data.plan_activities if a.plan_id != "p2"),
            "conversations": tuple(c for c in data.conversations if c.employee_id != "e3"),
            "holdings": tuple(h for h in data.holdings if h.employee_id != "e3"),
        }
    )

    write_dataset(without_usk, out)

    assert sorted(p.name for p in (out / "ladders").iterdir()) == ["ssk.yaml"]
    assert load_dataset(out)[0] == without_usk


def test_ladder_ids_that_are_not_file_names_still_round_trip(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data, _ = load_dataset(sample)
    renamed = data.model_copy(
        update={
            "ladders": tuple(
                changed(lad, id="Usk/Äldre") if lad.id == "usk" else lad for lad in data.ladders
            ),
            "steps": tuple(
                changed(s, ladder_id="Usk/Äldre") if s.ladder_id == "usk" else s for s in data.steps
            ),
        }
    )

    write_dataset(renamed, out)

    assert sorted(p.name for p in (out / "ladders").iterdir()) == [
        "Usk__ldre.yaml",
        "ssk.yaml",
    ]
    assert load_dataset(out)[0] == canonical(renamed)


def test_a_write_that_fails_midway_leaves_the_folder_as_it_was(
    sample: Path, tmp_path: Path
) -> None:
    # A directory named holdings.csv failed the export after the files before
    # it were replaced: the folder then mixed new files with old ones.
    out = tmp_path / "out"
    write_dataset(load_dataset(sample)[0], out)
    (out / "holdings.csv").unlink()
    (out / "holdings.csv").mkdir()
    (out / "notes.txt").write_text("kvar\n", encoding="utf-8")
    before = files_of(out)
    entries = sorted(path.name for path in out.iterdir())

    with pytest.raises(IsADirectoryError, match="holdings.csv"):
        write_dataset(tiny_region(), out)

    assert files_of(out) == before
    assert sorted(path.name for path in out.iterdir()) == entries  # no staging folder left


def test_a_dataset_that_cannot_be_written_changes_nothing(sample: Path, tmp_path: Path) -> None:
    # The ladders are written third: competences and professions were
    # replaced before a step on an unknown ladder stopped the write.
    out = tmp_path / "out"
    data, _ = load_dataset(sample)
    write_dataset(data, out)
    before = files_of(out)
    orphan = changed(data.steps[0], id="orphan", ladder_id="nowhere")
    # One competence fewer, so that a competences.yaml replaced would show.
    broken = data.model_copy(
        update={"steps": (*data.steps, orphan), "competences": data.competences[1:]}
    )

    with pytest.raises(ValueError, match="unknown ladder 'nowhere'"):
        write_dataset(broken, out)
    with pytest.raises(ValueError, match="unknown ladder 'nowhere'"):
        write_dataset(broken, tmp_path / "new")

    assert files_of(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "sample"]


def test_a_carriage_return_in_a_csv_cell_is_quoted_and_read_back(tmp_path: Path) -> None:
    # The csv module quotes only the characters of its line terminator: a
    # lone \r went out bare and the row was split in two when read back.
    region = tiny_region()
    employee = changed(region.employees[0], name="Carriage\rReturn")
    data = region.model_copy(update={"employees": (employee, *region.employees[1:])})

    write_dataset(data, tmp_path)

    text = (tmp_path / "employees.csv").read_bytes().decode("utf-8")
    assert f'\n{employee.id},"Carriage\rReturn",' in text
    assert load_dataset(tmp_path)[0] == canonical(data)


def test_a_next_line_character_in_yaml_text_is_escaped_and_read_back(tmp_path: Path) -> None:
    # U+0085 (NEL) is a line break to YAML: written raw, it came back a space.
    region = tiny_region()
    competence = changed(region.competences[0], name="Next\x85Line", description="a\n\x85b")
    data = region.model_copy(update={"competences": (competence, *region.competences[1:])})

    write_dataset(data, tmp_path)

    text = (tmp_path / "competences.yaml").read_text(encoding="utf-8")
    assert 'name: "Next\\NLine"' in text
    assert load_dataset(tmp_path)[0] == canonical(data)
