"""Writing a dataset folder in the format it is read in (DESIGN §7).

The output is canonical: collections in key order, YAML keys in documented
order with unset optional keys (and keys at their default) left out, CSV
with every column and empty cells for unset values, `true`/`false`, ISO
dates, whole numbers without `.0`, UTF-8 and `\\n` line endings. So a folder
written here and read back is written again byte for byte.

The files are written into a hidden staging folder first and moved into
place only when all of them are written, so a failed export leaves the
folder as it was rather than half old and half new.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from ladders.models import (
    Competence,
    Dataset,
    Horizon,
    Ladder,
    LearningActivity,
    Profession,
    Step,
    Transition,
    Unit,
    UnitNeed,
)
from seed import layout
from seed.canonical import canonical

Doc = dict[str, Any]


def write_dataset(dataset: Dataset, path: str | Path) -> None:
    """Write `dataset` into folder `path` (created when missing).

    The dataset's files are replaced; ladder files in `ladders/` that are not
    part of this dataset are removed, since they would be read back with it.
    Other files in the folder are left alone. Nothing in the folder changes
    unless every file could be written.
    """
    root = Path(path)
    data = canonical(dataset)
    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    # Staged inside the folder itself: the same file system (os.replace is a
    # rename) and the same permissions as the files it replaces, where a
    # sibling would need the parent writable and fail on a mount point.
    staging = Path(tempfile.mkdtemp(prefix=".stege-export-", dir=root))
    try:
        ladders = _stage(data, staging)
        _check_replaceable(root, ladders)
        _move_into_place(staging, root, ladders)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                root.rmdir()  # only when empty again: nothing of ours is left behind
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _stage(data: Dataset, folder: Path) -> list[str]:
    """Write every file of `data` into the empty `folder`; the ladder file names."""
    _write(folder / layout.COMPETENCES, _yaml([_competence(c) for c in data.competences]))
    _write(folder / layout.PROFESSIONS, _yaml([_profession(p) for p in data.professions]))
    ladders = _write_ladders(folder / layout.LADDERS_DIR, data)
    _write(folder / layout.ACTIVITIES, _yaml([_activity(a) for a in data.activities]))
    needs: dict[str, list[UnitNeed]] = {}
    for need in data.needs:
        needs.setdefault(need.unit_id, []).append(need)
    _write(folder / layout.UNITS, _yaml([_unit(u, needs.get(u.id, [])) for u in data.units]))
    for name, rows in _csv_rows(data).items():
        _write(folder / name, _csv(layout.CSV_COLUMNS[name], rows))
    return ladders


def _stale_ladders(folder: Path, written: Iterable[str]) -> list[Path]:
    keep = set(written)
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.suffix in layout.YAML_SUFFIXES and p.name not in keep]


def _check_replaceable(root: Path, ladders: Sequence[str]) -> None:
    """Fail before anything moves where a move or removal would fail midway:
    a directory where a file goes (or a file where `ladders/` goes)."""
    folder = root / layout.LADDERS_DIR
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    targets = [root / name for name in layout.TOP_LEVEL_FILES]
    targets += [folder / name for name in ladders]
    targets += _stale_ladders(folder, ladders)
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))


def _move_into_place(staging: Path, root: Path, ladders: Sequence[str]) -> None:
    folder = root / layout.LADDERS_DIR
    folder.mkdir(exist_ok=True)
    for name in ladders:
        os.replace(staging / layout.LADDERS_DIR / name, folder / name)
    for name in layout.TOP_LEVEL_FILES:
        os.replace(staging / name, root / name)
    # Last: a ladder file left from an earlier dataset would be read back with this one.
    for stale in _stale_ladders(folder, ladders):
        stale.unlink()


# --- YAML -------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, which is how people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (descriptions) reads best as a literal block; the emitter
    # falls back to a quoted style by itself where a block cannot hold the text.
    style = "|" if "\n" in value else None
    if "\x85" in value:
        # NEL is a line break to YAML 1.1, yet the emitter writes it raw in a
        # block or single quotes, where it is read back as a space: only the
        # double-quoted style escapes it (as \N).
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def _yaml(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _doc(*pairs: tuple[str, object]) -> Doc:
    """A mapping of the pairs that are set, in the given order."""
    return {key: value for key, value in pairs if value is not None}


def _competence(c: Competence) -> Doc:
    return _doc(
        ("id", c.id),
        ("name", c.name),
        ("name_en", c.name_en),
        ("category", c.category.value),
        ("valid_months", c.valid_months),
        ("esco_uri", c.esco_uri),
        ("description", c.description),
    )


def _profession(p: Profession) -> Doc:
    return _doc(("id", p.id), ("name", p.name), ("ssyk", p.ssyk), ("licensed", p.licensed or None))


def _step(s: Step) -> Doc:
    requires = [
        _doc(
            ("competence", r.competence_id),
            ("level", r.level),
            ("mandatory", None if r.mandatory else False),
        )
        for r in s.requires
    ]
    return _doc(
        ("id", s.id),
        ("name", s.name),
        ("min_months", s.min_months or None),
        ("description", s.description),
        ("requires", requires or None),
    )


def _transition(t: Transition) -> Doc:
    return _doc(
        ("from", t.from_step_id),
        ("to", t.to_step_id),
        ("kind", t.kind.value),
        ("months", t.months),
        ("note", t.note),
    )


def _ladder(ladder: Ladder, steps: Sequence[Step], transitions: Sequence[Transition]) -> Doc:
    return _doc(
        ("id", ladder.id),
        ("profession", ladder.profession_id),
        ("name", ladder.name),
        ("steps", [_step(s) for s in steps]),
        ("transitions", [_transition(t) for t in transitions] or None),
    )


def _activity(a: LearningActivity) -> Doc:
    develops = [
        _doc(
            ("competence", d.competence_id),
            ("from_level", d.from_level or None),
            ("to_level", d.to_level),
        )
        for d in a.develops
    ]
    return _doc(
        ("id", a.id),
        ("name", a.name),
        ("kind", a.kind.value),
        ("hours", _number(a.hours)),
        ("cost_sek", None if a.cost_sek is None else _number(a.cost_sek)),
        ("provider", a.provider),
        ("develops", develops),
    )


def _unit(u: Unit, needs: Sequence[UnitNeed]) -> Doc:
    need_docs = [
        _doc(
            ("competence", n.competence_id),
            ("level", n.level),
            ("count", n.count),
            ("horizon", None if n.horizon is Horizon.NOW else n.horizon.value),
        )
        for n in needs
    ]
    return _doc(
        ("id", u.id),
        ("name", u.name),
        ("kind", u.kind.value),
        ("parent", u.parent_id),
        ("needs", need_docs or None),
    )


def _write_ladders(folder: Path, data: Dataset) -> list[str]:
    steps: dict[str, list[Step]] = {ladder.id: [] for ladder in data.ladders}
    ladder_of: dict[str, str] = {}
    for step in data.steps:
        if step.ladder_id not in steps:
            raise ValueError(f"step {step.id!r} is on unknown ladder {step.ladder_id!r}")
        steps[step.ladder_id].append(step)
        ladder_of[step.id] = step.ladder_id
    transitions: dict[str, list[Transition]] = {ladder.id: [] for ladder in data.ladders}
    for transition in data.transitions:
        if transition.from_step_id not in ladder_of:
            raise ValueError(f"transition from unknown step {transition.from_step_id!r}")
        transitions[ladder_of[transition.from_step_id]].append(transition)

    folder.mkdir(exist_ok=True)
    names = _file_names([ladder.id for ladder in data.ladders])
    for ladder in data.ladders:
        doc = _ladder(ladder, steps[ladder.id], transitions[ladder.id])
        _write(folder / names[ladder.id], _yaml(doc))
    return list(names.values())


def _file_names(ladder_ids: Iterable[str]) -> dict[str, str]:
    """A file name per ladder, its id where that is a safe name; unique even
    on file systems that ignore case."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for ladder_id in ladder_ids:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", ladder_id).lstrip(".") or "ladder"
        name, n = f"{stem}.yaml", 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}.yaml"
        taken.add(name.lower())
        names[ladder_id] = name
    return names


# --- CSV --------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(_number(value))
    if isinstance(value, tuple):
        return layout.LIST_SEPARATOR.join(value)
    return str(value)


_QUOTED = re.compile(r'[",\n\r]')
"""What a CSV cell is quoted for. The csv module quotes only the characters
of its line terminator (`\\n` here): a lone `\\r` went out bare and split
the row when read back."""


def _csv_line(cells: Iterable[str]) -> str:
    return (
        ",".join(
            '"' + cell.replace('"', '""') + '"' if _QUOTED.search(cell) else cell for cell in cells
        )
        + "\n"
    )


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = [_csv_line(columns)]
    lines.extend(_csv_line(_cell(value) for value in row) for row in rows)
    return "".join(lines)


def _csv_rows(data: Dataset) -> dict[str, list[tuple[object, ...]]]:
    return {
        layout.EMPLOYEES: [
            (e.id, e.name, e.birth_year, e.unit_id, e.profession_id, e.step_id, e.step_since,
             e.employed_since, e.manages, e.mentor_capacity, e.adept)
            for e in data.employees
        ],
        layout.HOLDINGS: [
            (h.employee_id, h.competence_id, h.level, h.assessed_on, h.expires_on, h.source)
            for h in data.holdings
        ],
        layout.MENTORSHIPS: [
            (m.mentor_id, m.adept_id, m.focus, m.started_on, m.ended_on)
            for m in data.mentorships
        ],
        layout.PLANS: [
            (p.id, p.employee_id, p.period_start, p.period_end, p.status, p.created_on,
             p.last_followup_on, p.target_step_id)
            for p in data.plans
        ],
        layout.PLAN_ACTIVITIES: [
            (a.plan_id, a.activity_id, a.competence_id, a.target_level, a.due_on, a.status,
             a.completed_on)
            for a in data.plan_activities
        ],
        layout.CONVERSATIONS: [(c.employee_id, c.kind, c.held_on) for c in data.conversations],
    }  # fmt: skip


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
