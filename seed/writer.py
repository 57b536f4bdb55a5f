"""Writing a dataset folder in the format it is read in (DESIGN §7).

The output is canonical: collections in key order, YAML keys in documented
order with unset optional keys (and keys at their default) left out, CSV
with every column and empty cells for unset values, `true`/`false`, ISO
dates, whole numbers without `.0`, UTF-8 and `\\n` line endings. So a folder
written here and read back is written again byte for byte.
"""

from __future__ import annotations

import csv
import io
import re
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
    """
    root = Path(path)
    data = canonical(dataset)
    root.mkdir(parents=True, exist_ok=True)
    _write(root / layout.COMPETENCES, _yaml([_competence(c) for c in data.competences]))
    _write(root / layout.PROFESSIONS, _yaml([_profession(p) for p in data.professions]))
    _write_ladders(root / layout.LADDERS_DIR, data)
    _write(root / layout.ACTIVITIES, _yaml([_activity(a) for a in data.activities]))
    needs: dict[str, list[UnitNeed]] = {}
    for need in data.needs:
        needs.setdefault(need.unit_id, []).append(need)
    _write(root / layout.UNITS, _yaml([_unit(u, needs.get(u.id, [])) for u in data.units]))
    for name, rows in _csv_rows(data).items():
        _write(root / name, _csv(layout.CSV_COLUMNS[name], rows))


# --- YAML -------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, which is how people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (descriptions) reads best as a literal block; the emitter
    # falls back to a quoted style by itself where a block cannot hold the text.
    style = "|" if "\n" in value else None
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


def _write_ladders(folder: Path, data: Dataset) -> None:
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
    written = set(names.values())
    for stale in folder.iterdir():
        if stale.suffix in layout.YAML_SUFFIXES and stale.name not in written:
            stale.unlink()


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


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


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
