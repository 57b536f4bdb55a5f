"""Constraints and indexes, created idempotently by `stege db init`.

Every node label with an `id` gets a uniqueness constraint (which is also the
index every `{id: $id}` lookup seeks on); the extra indexes serve the
property filters the port's reads use.
"""

from __future__ import annotations

from typing import Final

CONSTRAINTS: Final = (
    "CREATE CONSTRAINT competence_id IF NOT EXISTS FOR (n:Competence) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT profession_id IF NOT EXISTS FOR (n:Profession) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ladder_id IF NOT EXISTS FOR (n:Ladder) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT step_id IF NOT EXISTS FOR (n:Step) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT learning_activity_id IF NOT EXISTS"
    " FOR (n:LearningActivity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT employee_id IF NOT EXISTS FOR (n:Employee) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT plan_id IF NOT EXISTS FOR (n:Plan) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT plan_activity_id IF NOT EXISTS FOR (n:PlanActivity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT conversation_id IF NOT EXISTS FOR (n:Conversation) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE",
)

INDEXES: Final = (
    # holders(competence, min_level): level filter on the relationship.
    "CREATE INDEX holds_level IF NOT EXISTS FOR ()-[r:HOLDS]-() ON (r.level)",
    # conversations_of(since, until) and the yearly-talk counts.
    "CREATE INDEX conversation_held_on IF NOT EXISTS FOR (n:Conversation) ON (n.held_on)",
    # mentorships active on a day.
    "CREATE INDEX mentors_started_on IF NOT EXISTS FOR ()-[r:MENTORS]-() ON (r.started_on)",
    # plan coverage and supply "in development" filter on these.
    "CREATE INDEX plan_status IF NOT EXISTS FOR (n:Plan) ON (n.status)",
    "CREATE INDEX plan_activity_competence IF NOT EXISTS"
    " FOR (n:PlanActivity) ON (n.competence, n.status)",
    "CREATE INDEX step_ordinal IF NOT EXISTS FOR (n:Step) ON (n.ordinal)",
    "CREATE INDEX employee_birth_year IF NOT EXISTS FOR (n:Employee) ON (n.birth_year)",
)

AWAIT_INDEXES: Final = "CALL db.awaitIndexes(300)"
