"""Loading and validating a dataset folder (DESIGN §7).

Every file is read and every rule checked before anything is returned, so a
rejected dataset reports all its errors at once and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from ladders.models import Dataset
from seed import layout
from seed.canonical import canonical
from seed.issues import DatasetError, Issues, Loc, ValidationIssue
from seed.people import PeopleParts, read_people
from seed.records import ReadFn, reading
from seed.reference import ReferenceParts, ladder_files, read_reference
from seed.registry import Registry


def load_dataset(
    path: str | Path, *, progress: ReadFn | None = None
) -> tuple[Dataset, list[ValidationIssue]]:
    """The dataset in folder `path` (in canonical order) and its warnings.

    Raises `DatasetError` with every issue found when there is any error.
    `progress` is told the bytes read as the files are read, up to
    `dataset_bytes(path)` in all.
    """
    with reading(progress):
        return _load(Path(path))


def dataset_bytes(path: str | Path) -> int:
    """The size of the dataset files in folder `path` (those `load_dataset` reads)."""
    root = Path(path)
    files = [root / name for name in layout.TOP_LEVEL_FILES]
    files += ladder_files(root)
    return sum(f.stat().st_size for f in files if f.is_file())


def _load(root: Path) -> tuple[Dataset, list[ValidationIssue]]:
    issues = Issues()
    if not root.is_dir():
        issues.error(Loc(str(root), 0), "not a folder")
        raise DatasetError(issues.sorted())
    _check_files(root, issues)
    reg = Registry(issues)
    reference = read_reference(root, reg, issues)
    people = read_people(root, reg, issues)
    reg.check_refs()
    _check_employee_steps(reference, people, issues)
    if issues.has_errors:
        raise DatasetError(issues.sorted())
    dataset = Dataset(
        competences=tuple(reference.competences),
        professions=tuple(reference.professions),
        ladders=tuple(reference.ladders),
        steps=tuple(reference.steps),
        transitions=tuple(reference.transitions),
        activities=tuple(reference.activities),
        units=tuple(reference.units),
        needs=tuple(reference.needs),
        employees=tuple(people.employees),
        holdings=tuple(people.holdings),
        mentorships=tuple(people.mentorships),
        plans=tuple(people.plans),
        plan_activities=tuple(people.plan_activities),
        conversations=tuple(people.conversations),
    )
    return canonical(dataset), issues.sorted()


def _check_files(root: Path, issues: Issues) -> None:
    """Warn about files that are not part of the format (a misspelt name would
    otherwise be ignored silently); fail when none of the format's files is there."""
    known = set(layout.TOP_LEVEL_FILES) | {layout.LADDERS_DIR}
    found = False
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name in known:
            found = True
        else:
            issues.warning(Loc(entry.name, 0), "not a dataset file; ignored")
    ladders = root / layout.LADDERS_DIR
    if ladders.is_dir():
        for entry in sorted(ladders.iterdir()):
            if entry.name.startswith("."):
                continue
            if not (entry.is_file() and entry.suffix in layout.YAML_SUFFIXES):
                rel = f"{layout.LADDERS_DIR}/{entry.name}"
                issues.warning(Loc(rel, 0), "not a ladder file (*.yaml); ignored")
    if not found:
        expected = ", ".join(layout.TOP_LEVEL_FILES)
        issues.error(Loc(str(root), 0), f"no dataset files found (expected {expected}, ladders/)")


def _check_employee_steps(reference: ReferenceParts, people: PeopleParts, issues: Issues) -> None:
    """Warn when an employee's step belongs to another profession's ladder."""
    ladder_of = {step.id: step.ladder_id for step in reference.steps}
    profession_of = {ladder.id: ladder.profession_id for ladder in reference.ladders}
    for employee in people.employees:
        if employee.step_id is None or employee.profession_id is None:
            continue
        ladder_id = ladder_of.get(employee.step_id)
        ladder_profession = profession_of.get(ladder_id) if ladder_id is not None else None
        if ladder_profession is not None and ladder_profession != employee.profession_id:
            loc = people.employee_locs[employee.id].at("step")
            issues.warning(
                loc,
                f"step {employee.step_id!r} is on a ladder of profession "
                f"{ladder_profession!r}, not of {employee.profession_id!r}",
            )
