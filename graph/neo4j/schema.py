"""Constraints and indexes, created idempotently by `stege db init`.

Every node label with an `id` gets a uniqueness constraint (which is also the
index every `{id: $id}` lookup seeks on); the extra indexes serve the
property filters the port's reads and the domain's questions use.

Each entry is (name, statement): `init_schema` runs only the statements whose
name does not exist yet, so a repeated `stege db init` costs one read.
"""

from __future__ import annotations

from typing import Final

# Labels are constants of the model, never input: building these statements
# from them is not building Cypher from values.
_LABELS_WITH_ID: Final = (
    ("competence_id", "Competence"),
    ("profession_id", "Profession"),
    ("ladder_id", "Ladder"),
    ("step_id", "Step"),
    ("learning_activity_id", "LearningActivity"),
    ("unit_id", "Unit"),
    ("employee_id", "Employee"),
    ("plan_id", "Plan"),
    ("plan_activity_id", "PlanActivity"),
    ("conversation_id", "Conversation"),
    ("meta_id", "Meta"),
)

CONSTRAINTS: Final = tuple(
    (name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
    for name, label in _LABELS_WITH_ID
)

INDEXES: Final = (
    # holders(competence, min_level): the level filter on the relationship.
    ("holds_level", "CREATE INDEX holds_level IF NOT EXISTS FOR ()-[r:HOLDS]-() ON (r.level)"),
    # conversations_of(since, until) and the yearly-talk counts.
    (
        "conversation_held_on",
        "CREATE INDEX conversation_held_on IF NOT EXISTS FOR (n:Conversation) ON (n.held_on)",
    ),
    # Mentorships active on a day.
    (
        "mentors_started_on",
        "CREATE INDEX mentors_started_on IF NOT EXISTS FOR ()-[r:MENTORS]-() ON (r.started_on)",
    ),
    # Plan coverage (active plans) and supply in development (open items per competence).
    ("plan_status", "CREATE INDEX plan_status IF NOT EXISTS FOR (n:Plan) ON (n.status)"),
    (
        "plan_activity_competence",
        "CREATE INDEX plan_activity_competence IF NOT EXISTS"
        " FOR (n:PlanActivity) ON (n.competence, n.status)",
    ),
    # Seniors (55+, 60+) for mentor candidates and retirement exposure.
    (
        "employee_birth_year",
        "CREATE INDEX employee_birth_year IF NOT EXISTS FOR (n:Employee) ON (n.birth_year)",
    ),
)

# SHOW commands do not combine with UNION: one each.
EXISTING: Final = ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name")
AWAIT_INDEXES: Final = "CALL db.awaitIndexes(300)"
