"""Reading the CSV files: employees, holdings, mentorships, plans, plan items, conversations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ladders.models import (
    MAX_MENTOR_CAPACITY,
    Conversation,
    ConversationKind,
    Employee,
    Holding,
    HoldingSource,
    Mentorship,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
)
from seed import layout
from seed.issues import Issues, Loc
from seed.records import CsvRecord, build, read_csv
from seed.registry import Registry


@dataclass
class PeopleParts:
    employees: list[Employee] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    plan_activities: list[PlanActivity] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    employee_locs: dict[str, Loc] = field(default_factory=dict)


def read_people(root: Path, reg: Registry, issues: Issues) -> PeopleParts:
    parts = PeopleParts()
    _employees(root, reg, issues, parts)
    reg.close("employee", whole=not issues.gave_up_on(layout.EMPLOYEES))
    _holdings(root, reg, issues, parts)
    _mentorships(root, reg, issues, parts)
    _plans(root, reg, issues, parts)
    reg.close("plan", whole=not issues.gave_up_on(layout.PLANS))
    _plan_activities(root, reg, issues, parts)
    _conversations(root, reg, issues, parts)
    return parts


def _rows(root: Path, rel: str, issues: Issues) -> Iterator[CsvRecord]:
    path = root / rel
    if not path.is_file():
        return iter(())
    columns = layout.CSV_COLUMNS[rel]
    required = layout.REQUIRED_COLUMNS[rel]
    return read_csv(path, rel, issues, columns=columns, required=required)


def _employees(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    for r in _rows(root, layout.EMPLOYEES, issues):
        id = r.text("id", required=True)
        reg.define("employee", id, r.loc_of("id"))
        unit_id = r.text("unit")
        reg.ref("unit", unit_id, r, "unit")
        profession_id = r.text("profession")
        reg.ref("profession", profession_id, r, "profession")
        step_id = r.text("step")
        reg.ref("step", step_id, r, "step")
        manages = r.id_list("manages")
        for managed in manages:
            reg.ref("unit", managed, r, "manages")
        step_since = r.day("step_since")
        if step_since is not None and step_id is None:
            r.fail("step_since", "step_since needs a step (it is the day the step began)")
        employee = build(
            r,
            Employee,
            id=id,
            name=r.text("name", required=True, verbatim=True),
            birth_year=r.integer("birth_year", required=True, minimum=1900, maximum=2100),
            unit_id=unit_id,
            profession_id=profession_id,
            step_id=step_id,
            step_since=step_since,
            employed_since=r.day("employed_since"),
            manages=manages,
            mentor_capacity=r.integer("mentor_capacity", minimum=0, maximum=MAX_MENTOR_CAPACITY),
            adept=r.boolean("adept", default=False),
        )
        if employee is not None:
            parts.employees.append(employee)
            parts.employee_locs.setdefault(employee.id, r.loc)


def _holdings(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    for r in _rows(root, layout.HOLDINGS, issues):
        employee_id = r.text("employee", required=True)
        reg.ref("employee", employee_id, r, "employee")
        competence_id = r.text("competence", required=True)
        reg.ref("competence", competence_id, r, "competence")
        if employee_id is not None and competence_id is not None:
            described = f"employee {employee_id!r} and competence {competence_id!r}"
            if not reg.unique("holding", (employee_id, competence_id), r.loc, described):
                r.failed = True
        assessed_on = r.day("assessed_on")
        expires_on = r.day("expires_on")
        # The rule assessCompetence enforces (ladders.commands.assess_competence).
        if assessed_on is not None and expires_on is not None and expires_on < assessed_on:
            r.fail("expires_on", f"expires_on {expires_on} is before assessed_on {assessed_on}")
        holding = build(
            r,
            Holding,
            employee_id=employee_id,
            competence_id=competence_id,
            level=r.level("level"),
            assessed_on=assessed_on,
            expires_on=expires_on,
            source=r.choice("source", HoldingSource),
        )
        if holding is not None:
            parts.holdings.append(holding)


def _mentorships(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    for r in _rows(root, layout.MENTORSHIPS, issues):
        mentor_id = r.text("mentor", required=True)
        reg.ref("employee", mentor_id, r, "mentor")
        adept_id = r.text("adept", required=True)
        reg.ref("employee", adept_id, r, "adept")
        if mentor_id is not None and mentor_id == adept_id:
            r.fail("adept", f"employee {adept_id!r} cannot mentor themselves")
        focus = r.id_list("focus")
        for competence_id in focus:
            reg.ref("competence", competence_id, r, "focus")
        started_on = r.day("started_on", required=True)
        ended_on = r.day("ended_on")
        if started_on is not None and ended_on is not None and ended_on < started_on:
            r.fail("ended_on", f"ended_on {ended_on} is before started_on {started_on}")
        if mentor_id is not None and adept_id is not None and started_on is not None:
            described = f"mentor {mentor_id!r}, adept {adept_id!r}, started_on {started_on}"
            if not reg.unique("mentorship", (mentor_id, adept_id, started_on), r.loc, described):
                r.failed = True
        mentorship = build(
            r,
            Mentorship,
            mentor_id=mentor_id,
            adept_id=adept_id,
            focus=focus,
            started_on=started_on,
            ended_on=ended_on,
        )
        if mentorship is not None:
            parts.mentorships.append(mentorship)


def _plans(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    for r in _rows(root, layout.PLANS, issues):
        id = r.text("id", required=True)
        reg.define("plan", id, r.loc_of("id"))
        employee_id = r.text("employee", required=True)
        reg.ref("employee", employee_id, r, "employee")
        target_step_id = r.text("target_step")
        reg.ref("step", target_step_id, r, "target_step")
        period_start = r.day("period_start", required=True)
        period_end = r.day("period_end", required=True)
        if period_start is not None and period_end is not None and period_end < period_start:
            r.fail("period_end", f"period_end {period_end} is before period_start {period_start}")
        plan = build(
            r,
            Plan,
            id=id,
            employee_id=employee_id,
            period_start=period_start,
            period_end=period_end,
            status=r.choice("status", PlanStatus),
            created_on=r.day("created_on"),
            last_followup_on=r.day("last_followup_on"),
            target_step_id=target_step_id,
        )
        if plan is not None:
            parts.plans.append(plan)


def _plan_activities(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    seqs: dict[str, int] = {}
    for r in _rows(root, layout.PLAN_ACTIVITIES, issues):
        plan_id = r.text("plan", required=True)
        reg.ref("plan", plan_id, r, "plan")
        # An item's key is its place among the rows of its plan.
        seq = None
        if plan_id is not None:
            seq = seqs[plan_id] = seqs.get(plan_id, 0) + 1
        activity_id = r.text("activity")
        reg.ref("activity", activity_id, r, "activity")
        competence_id = r.text("competence", required=True)
        reg.ref("competence", competence_id, r, "competence")
        item = build(
            r,
            PlanActivity,
            plan_id=plan_id,
            seq=seq,
            activity_id=activity_id,
            competence_id=competence_id,
            target_level=r.level("target_level"),
            due_on=r.day("due_on"),
            status=r.choice("status", PlanActivityStatus),
            completed_on=r.day("completed_on"),
        )
        if item is not None:
            parts.plan_activities.append(item)


def _conversations(root: Path, reg: Registry, issues: Issues, parts: PeopleParts) -> None:
    for r in _rows(root, layout.CONVERSATIONS, issues):
        employee_id = r.text("employee", required=True)
        reg.ref("employee", employee_id, r, "employee")
        kind = r.choice("kind", ConversationKind, required=True)
        held_on = r.day("held_on", required=True)
        if employee_id is not None and kind is not None and held_on is not None:
            described = f"employee {employee_id!r}, kind {kind.value!r}, held_on {held_on}"
            if not reg.unique("conversation", (employee_id, kind, held_on), r.loc, described):
                r.failed = True
        conversation = build(r, Conversation, employee_id=employee_id, kind=kind, held_on=held_on)
        if conversation is not None:
            parts.conversations.append(conversation)
