"""Reading the YAML files: competencies, professions, ladders, activities, units."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ladders.models import (
    MAX_COST_SEK,
    MAX_COUNT,
    MAX_HOURS,
    MAX_MONTHS,
    ActivityKind,
    Competence,
    CompetenceCategory,
    Development,
    Horizon,
    Ladder,
    LearningActivity,
    Profession,
    Requirement,
    Step,
    Transition,
    TransitionKind,
    Unit,
    UnitKind,
    UnitNeed,
)
from seed import layout
from seed.issues import Issues, Loc
from seed.records import YamlRecord, build, compose_yaml, yaml_items
from seed.registry import Registry


@dataclass
class ReferenceParts:
    competences: list[Competence] = field(default_factory=list)
    professions: list[Profession] = field(default_factory=list)
    ladders: list[Ladder] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    activities: list[LearningActivity] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    needs: list[UnitNeed] = field(default_factory=list)


def read_reference(root: Path, reg: Registry, issues: Issues) -> ReferenceParts:
    parts = ReferenceParts()
    _competences(root, reg, issues, parts)
    reg.close("competence", whole=not issues.gave_up_on(layout.COMPETENCES))
    _professions(root, reg, issues, parts)
    reg.close("profession", whole=not issues.gave_up_on(layout.PROFESSIONS))
    ladders = [f"{layout.LADDERS_DIR}/{path.name}" for path in ladder_files(root)]
    for path, rel in zip(ladder_files(root), ladders, strict=True):
        _ladder(path, rel, reg, issues, parts)
    reg.close("ladder", "step", whole=not issues.gave_up_on(*ladders))
    _activities(root, reg, issues, parts)
    reg.close("activity", whole=not issues.gave_up_on(layout.ACTIVITIES))
    _units(root, reg, issues, parts)
    reg.close("unit", whole=not issues.gave_up_on(layout.UNITS))
    return parts


def ladder_files(root: Path) -> list[Path]:
    folder = root / layout.LADDERS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix in layout.YAML_SUFFIXES and not path.name.startswith(".")
    )


def _records(
    root: Path, rel: str, issues: Issues, keys: tuple[str, ...], what: str, plural: str
) -> list[YamlRecord]:
    path = root / rel
    if not path.is_file():
        return []
    items = yaml_items(compose_yaml(path, rel, issues), rel, issues, plural, defines=True)
    records = [YamlRecord(item, rel, issues, keys, what) for item in items]
    if not all(record.is_mapping for record in records):
        # An item that is not a mapping defines an id no one can tell.
        issues.stopped(rel)
    return [record for record in records if record.is_mapping]


def _competences(root: Path, reg: Registry, issues: Issues, parts: ReferenceParts) -> None:
    keys = layout.COMPETENCE_KEYS
    for r in _records(root, layout.COMPETENCES, issues, keys, "competence", "competences"):
        id = r.text("id", required=True)
        reg.define("competence", id, r.loc_of("id"))
        competence = build(
            r,
            Competence,
            id=id,
            name=r.text("name", required=True),
            name_en=r.text("name_en"),
            category=r.choice("category", CompetenceCategory, required=True),
            valid_months=r.integer("valid_months", minimum=1, maximum=MAX_MONTHS),
            esco_uri=r.text("esco_uri"),
            description=r.text("description"),
        )
        if competence is not None:
            parts.competences.append(competence)


def _professions(root: Path, reg: Registry, issues: Issues, parts: ReferenceParts) -> None:
    keys = layout.PROFESSION_KEYS
    for r in _records(root, layout.PROFESSIONS, issues, keys, "profession", "professions"):
        id = r.text("id", required=True)
        reg.define("profession", id, r.loc_of("id"))
        profession = build(
            r,
            Profession,
            id=id,
            name=r.text("name", required=True),
            ssyk=r.text("ssyk"),
            licensed=r.boolean("licensed", default=False),
        )
        if profession is not None:
            parts.professions.append(profession)


def _ladder(path: Path, rel: str, reg: Registry, issues: Issues, parts: ReferenceParts) -> None:
    node = compose_yaml(path, rel, issues)
    if node is None:
        return
    r = YamlRecord(node, rel, issues, layout.LADDER_KEYS, "ladder")
    if not r.is_mapping:
        # Its steps are not known, as if it did not parse (reported).
        issues.stopped(rel)
        return
    ladder_id = r.text("id", required=True)
    reg.define("ladder", ladder_id, r.loc_of("id"))
    profession_id = r.text("profession", required=True)
    reg.ref("profession", profession_id, r, "profession")
    name = r.text("name", required=True)
    ladder = build(r, Ladder, id=ladder_id, name=name, profession_id=profession_id)
    if ladder is not None:
        parts.ladders.append(ladder)

    own_steps: set[str] = set()
    # The highest level each competence was required at by an earlier step.
    earlier: dict[str, tuple[int, str]] = {}
    steps = r.items("steps", "steps", required=True, defines=True)
    for ordinal, item in enumerate(steps, start=1):
        s = YamlRecord(item, rel, issues, layout.STEP_KEYS, "step")
        if not s.is_mapping:
            issues.stopped(rel)  # a step whose id no one can tell
            continue
        step_id = s.text("id", required=True)
        if reg.define("step", step_id, s.loc_of("id")) and step_id is not None:
            own_steps.add(step_id)
        requires = _requirements(s, step_id, rel, reg, issues, earlier)
        step = build(
            s,
            Step,
            id=step_id,
            ladder_id=ladder_id,
            name=s.text("name", required=True),
            ordinal=ordinal,
            min_months=s.integer("min_months", minimum=0, maximum=MAX_MONTHS),
            description=s.text("description"),
            requires=tuple(requires),
        )
        if step is not None:
            parts.steps.append(step)
        for requirement in requires:
            best = earlier.get(requirement.competence_id)
            if best is None or requirement.level > best[0]:
                earlier[requirement.competence_id] = (requirement.level, step_id or "?")

    for item in r.items("transitions", "transitions"):
        t = YamlRecord(item, rel, issues, layout.TRANSITION_KEYS, "transition")
        if not t.is_mapping:
            continue
        from_id = t.text("from", required=True)
        to_id = t.text("to", required=True)
        reg.ref("step", from_id, t, "from")
        reg.ref("step", to_id, t, "to")
        # A transition is listed with the ladder it leaves or the one it leads
        # to (the writer puts it with the one it leaves), never with a third.
        if from_id is not None and to_id is not None and not {from_id, to_id} & own_steps:
            t.fail(
                "from",
                f"transition {from_id!r} -> {to_id!r}: neither end is a step of ladder "
                f"{ladder_id!r}",
            )
        if from_id is not None and to_id is not None:
            reg.unique("transition", (from_id, to_id), t.loc, f"{from_id!r} -> {to_id!r}")
        transition = build(
            t,
            Transition,
            from_step_id=from_id,
            to_step_id=to_id,
            kind=t.choice("kind", TransitionKind, required=True),
            months=t.integer("months", required=True, minimum=0, maximum=MAX_MONTHS),
            note=t.text("note"),
        )
        if transition is not None:
            parts.transitions.append(transition)


def _requirements(
    s: YamlRecord,
    step_id: str | None,
    rel: str,
    reg: Registry,
    issues: Issues,
    earlier: dict[str, tuple[int, str]],
) -> list[Requirement]:
    requires: list[Requirement] = []
    seen: set[str] = set()
    for item in s.items("requires", "requirements"):
        q = YamlRecord(item, rel, issues, layout.REQUIREMENT_KEYS, "requirement")
        if not q.is_mapping:
            s.failed = True
            continue
        competence_id = q.text("competence", required=True)
        reg.ref("competence", competence_id, q, "competence")
        if competence_id in seen:
            q.fail("competence", f"step {step_id!r} requires {competence_id!r} more than once")
        seen.add(competence_id or "")
        level = q.level("level")
        requirement = build(
            q,
            Requirement,
            competence_id=competence_id,
            level=level,
            mandatory=q.boolean("mandatory", default=True),
        )
        if requirement is None:
            s.failed = True
            continue
        requires.append(requirement)
        before = earlier.get(requirement.competence_id)
        if before is not None and before[0] > requirement.level:
            issues.warning(
                q.loc_of("level"),
                f"step {step_id!r} requires {competence_id!r} at level {requirement.level}, "
                f"less than level {before[0]} at earlier step {before[1]!r}",
            )
    return requires


def _activities(root: Path, reg: Registry, issues: Issues, parts: ReferenceParts) -> None:
    keys = layout.ACTIVITY_KEYS
    for r in _records(root, layout.ACTIVITIES, issues, keys, "activity", "activities"):
        id = r.text("id", required=True)
        reg.define("activity", id, r.loc_of("id"))
        develops: list[Development] = []
        seen: set[str] = set()
        for item in r.items("develops", "developments", required=True):
            d = YamlRecord(item, r.rel, issues, layout.DEVELOPMENT_KEYS, "development")
            if not d.is_mapping:
                r.failed = True
                continue
            competence_id = d.text("competence", required=True)
            reg.ref("competence", competence_id, d, "competence")
            if competence_id in seen:
                d.fail("competence", f"activity {id!r} develops {competence_id!r} more than once")
            seen.add(competence_id or "")
            from_level = d.level("from_level", required=False, minimum=0)
            to_level = d.level("to_level")
            if from_level is not None and to_level is not None and from_level >= to_level:
                d.fail("to_level", f"to_level {to_level} is not above from_level {from_level}")
            development = build(
                d,
                Development,
                competence_id=competence_id,
                from_level=from_level,
                to_level=to_level,
            )
            if development is None:
                r.failed = True
            else:
                develops.append(development)
        activity = build(
            r,
            LearningActivity,
            id=id,
            name=r.text("name", required=True),
            kind=r.choice("kind", ActivityKind, required=True),
            hours=r.number("hours", required=True, maximum=MAX_HOURS),
            cost_sek=r.number("cost_sek", maximum=MAX_COST_SEK),
            provider=r.text("provider"),
            develops=tuple(develops),
        )
        if activity is not None:
            parts.activities.append(activity)


def _units(root: Path, reg: Registry, issues: Issues, parts: ReferenceParts) -> None:
    parents: dict[str, tuple[str | None, Loc]] = {}
    for r in _records(root, layout.UNITS, issues, layout.UNIT_KEYS, "unit", "units"):
        id = r.text("id", required=True)
        parent_id = r.text("parent")
        reg.ref("unit", parent_id, r, "parent")
        if reg.define("unit", id, r.loc_of("id")) and id is not None:
            parents[id] = (parent_id, r.loc_of("parent"))
        unit = build(
            r,
            Unit,
            id=id,
            name=r.text("name", required=True),
            kind=r.choice("kind", UnitKind, required=True),
            parent_id=parent_id,
        )
        if unit is not None:
            parts.units.append(unit)
        for item in r.items("needs", "needs"):
            q = YamlRecord(item, r.rel, issues, layout.NEED_KEYS, "need")
            if not q.is_mapping:
                continue
            competence_id = q.text("competence", required=True)
            reg.ref("competence", competence_id, q, "competence")
            level = q.level("level")
            horizon = q.choice("horizon", Horizon) or Horizon.NOW
            if id is not None and competence_id is not None and level is not None:
                reg.unique(
                    "need",
                    (id, competence_id, level, horizon),
                    q.loc,
                    f"unit {id!r}, competence {competence_id!r}, level {level}, "
                    f"horizon {horizon.value!r}",
                )
            need = build(
                q,
                UnitNeed,
                unit_id=id,
                competence_id=competence_id,
                level=level,
                count=q.integer("count", required=True, minimum=0, maximum=MAX_COUNT),
                horizon=horizon,
            )
            if need is not None:
                parts.needs.append(need)
    _check_cycles(parents, issues)


def _check_cycles(parents: dict[str, tuple[str | None, Loc]], issues: Issues) -> None:
    """Report each cycle of PART_OF links once, at the first unit of it in the file."""
    done: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node in parents and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents[node][0]
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            first = min(cycle, key=lambda unit: parents[unit][1].line)
            turn = cycle.index(first)
            ordered = cycle[turn:] + cycle[:turn] + [first]
            issues.error(
                parents[first][1], f"unit tree has a cycle: {' -> '.join(map(repr, ordered))}"
            )
        done.update(path)
