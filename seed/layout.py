"""The dataset folder layout (DESIGN §7): file names, YAML keys and CSV columns.

Reader and writer share these, so the key and column order written is the
order documented, and a key the reader accepts is one the writer may write.
"""

from __future__ import annotations

from pathlib import Path

COMPETENCES = "competences.yaml"
PROFESSIONS = "professions.yaml"
LADDERS_DIR = "ladders"
ACTIVITIES = "activities.yaml"
UNITS = "units.yaml"
EMPLOYEES = "employees.csv"
HOLDINGS = "holdings.csv"
MENTORSHIPS = "mentorships.csv"
PLANS = "plans.csv"
PLAN_ACTIVITIES = "plan_activities.csv"
CONVERSATIONS = "conversations.csv"

YAML_SUFFIXES = (".yaml", ".yml")

# YAML keys, in the order they are written.
COMPETENCE_KEYS = ("id", "name", "name_en", "category", "valid_months", "esco_uri", "description")
PROFESSION_KEYS = ("id", "name", "ssyk", "licensed")
LADDER_KEYS = ("id", "profession", "name", "steps", "transitions")
STEP_KEYS = ("id", "name", "min_months", "description", "requires")
REQUIREMENT_KEYS = ("competence", "level", "mandatory")
TRANSITION_KEYS = ("from", "to", "kind", "months", "note")
ACTIVITY_KEYS = ("id", "name", "kind", "hours", "cost_sek", "provider", "develops")
DEVELOPMENT_KEYS = ("competence", "from_level", "to_level")
UNIT_KEYS = ("id", "name", "kind", "parent", "needs")
NEED_KEYS = ("competence", "level", "count", "horizon")

# CSV columns, in the order they are written, and those a file must have.
EMPLOYEE_COLUMNS = (
    "id",
    "name",
    "birth_year",
    "unit",
    "profession",
    "step",
    "step_since",
    "employed_since",
    "manages",
    "mentor_capacity",
    "adept",
)
HOLDING_COLUMNS = ("employee", "competence", "level", "assessed_on", "expires_on", "source")
MENTORSHIP_COLUMNS = ("mentor", "adept", "focus", "started_on", "ended_on")
PLAN_COLUMNS = (
    "id",
    "employee",
    "period_start",
    "period_end",
    "status",
    "created_on",
    "last_followup_on",
    "target_step",
)
PLAN_ACTIVITY_COLUMNS = (
    "plan",
    "activity",
    "competence",
    "target_level",
    "due_on",
    "status",
    "completed_on",
)
CONVERSATION_COLUMNS = ("employee", "kind", "held_on")

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    EMPLOYEES: EMPLOYEE_COLUMNS,
    HOLDINGS: HOLDING_COLUMNS,
    MENTORSHIPS: MENTORSHIP_COLUMNS,
    PLANS: PLAN_COLUMNS,
    PLAN_ACTIVITIES: PLAN_ACTIVITY_COLUMNS,
    CONVERSATIONS: CONVERSATION_COLUMNS,
}

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    EMPLOYEES: ("id", "name", "birth_year"),
    HOLDINGS: ("employee", "competence", "level"),
    MENTORSHIPS: ("mentor", "adept", "started_on"),
    PLANS: ("id", "employee", "period_start", "period_end"),
    PLAN_ACTIVITIES: ("plan", "competence", "target_level"),
    CONVERSATIONS: ("employee", "kind", "held_on"),
}

LIST_SEPARATOR = ";"
"""Separates the items of a list inside one CSV cell (`manages`, `focus`)."""

TOP_LEVEL_FILES = (COMPETENCES, PROFESSIONS, ACTIVITIES, UNITS, *CSV_COLUMNS)


def demo_dir() -> Path:
    """The demo region bundled with the package (seed/demo/)."""
    return Path(__file__).resolve().parent / "demo"
