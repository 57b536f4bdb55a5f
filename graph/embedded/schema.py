"""The SQLite schema of the embedded store, as an ordered list of migrations.

Each migration is a tuple of statements applied in one transaction together
with its row in `schema_migrations`; `apply_migrations` applies the ones a file
has not seen yet, so it is idempotent and safe to run at every open.

Every foreign key is `DEFERRABLE INITIALLY DEFERRED`: a bulk import may write
rows in any order (a unit before its parent), and a broken reference is still
caught at COMMIT, which then fails and leaves the transaction to roll back.
Dates are ISO 8601 text, so comparing them as text compares them as dates.
"""

from __future__ import annotations

import apsw

from graph.embedded.rows import one

_FK = "DEFERRABLE INITIALLY DEFERRED"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the whole graph of DESIGN §3.
    (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )""",
        "INSERT INTO meta (key, value) VALUES ('reference_version', 0)",
        # --- reference data ---
        """CREATE TABLE competence (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            category TEXT NOT NULL,
            name_en TEXT,
            valid_months INTEGER CHECK (valid_months IS NULL OR valid_months >= 1),
            esco_uri TEXT,
            description TEXT
        )""",
        """CREATE TABLE profession (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            ssyk TEXT,
            licensed INTEGER NOT NULL DEFAULT 0
        )""",
        f"""CREATE TABLE ladder (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            profession_id TEXT NOT NULL REFERENCES profession (id) {_FK}
        )""",
        f"""CREATE TABLE step (
            id TEXT PRIMARY KEY,
            ladder_id TEXT NOT NULL REFERENCES ladder (id) {_FK},
            name TEXT NOT NULL,
            ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
            min_months INTEGER NOT NULL DEFAULT 0 CHECK (min_months >= 0),
            description TEXT
        )""",
        "CREATE INDEX step_by_ladder ON step (ladder_id, ordinal)",
        f"""CREATE TABLE step_requirement (
            step_id TEXT NOT NULL REFERENCES step (id) ON DELETE CASCADE {_FK},
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            mandatory INTEGER NOT NULL,
            PRIMARY KEY (step_id, competence_id)
        )""",
        "CREATE INDEX step_requirement_by_competence ON step_requirement (competence_id)",
        f"""CREATE TABLE transition (
            from_step_id TEXT NOT NULL REFERENCES step (id) {_FK},
            to_step_id TEXT NOT NULL REFERENCES step (id) {_FK},
            kind TEXT NOT NULL,
            months INTEGER NOT NULL CHECK (months >= 0),
            note TEXT,
            PRIMARY KEY (from_step_id, to_step_id)
        )""",
        "CREATE INDEX transition_by_to ON transition (to_step_id)",
        """CREATE TABLE activity (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            hours REAL NOT NULL CHECK (hours >= 0),
            cost_sek REAL,
            provider TEXT
        )""",
        f"""CREATE TABLE activity_development (
            activity_id TEXT NOT NULL REFERENCES activity (id) ON DELETE CASCADE {_FK},
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            from_level INTEGER NOT NULL CHECK (from_level BETWEEN 0 AND 5),
            to_level INTEGER NOT NULL CHECK (to_level BETWEEN 1 AND 5),
            PRIMARY KEY (activity_id, competence_id)
        )""",
        "CREATE INDEX activity_development_by_competence ON activity_development (competence_id)",
        # --- the organisation ---
        f"""CREATE TABLE unit (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            parent_id TEXT REFERENCES unit (id) {_FK}
        )""",
        "CREATE INDEX unit_by_parent ON unit (parent_id)",
        f"""CREATE TABLE unit_need (
            unit_id TEXT NOT NULL REFERENCES unit (id) {_FK},
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            horizon TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (unit_id, competence_id, level, horizon)
        )""",
        "CREATE INDEX unit_need_by_competence ON unit_need (competence_id)",
        # --- people ---
        f"""CREATE TABLE employee (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            birth_year INTEGER NOT NULL,
            unit_id TEXT REFERENCES unit (id) {_FK},
            profession_id TEXT REFERENCES profession (id) {_FK},
            step_id TEXT REFERENCES step (id) {_FK},
            step_since TEXT,
            employed_since TEXT,
            mentor_capacity INTEGER CHECK (mentor_capacity IS NULL OR mentor_capacity >= 0),
            adept INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX employee_by_unit ON employee (unit_id, id)",
        "CREATE INDEX employee_by_profession ON employee (profession_id)",
        "CREATE INDEX employee_by_step ON employee (step_id)",
        f"""CREATE TABLE employee_manages (
            employee_id TEXT NOT NULL REFERENCES employee (id) ON DELETE CASCADE {_FK},
            unit_id TEXT NOT NULL REFERENCES unit (id) {_FK},
            PRIMARY KEY (employee_id, unit_id)
        )""",
        "CREATE INDEX employee_manages_by_unit ON employee_manages (unit_id)",
        f"""CREATE TABLE holding (
            employee_id TEXT NOT NULL REFERENCES employee (id) {_FK},
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            assessed_on TEXT,
            expires_on TEXT,
            source TEXT NOT NULL,
            PRIMARY KEY (employee_id, competence_id)
        )""",
        # `holders`: by competence and level, then employee for the order.
        "CREATE INDEX holding_by_competence ON holding (competence_id, level, employee_id)",
        # A surrogate rowid keys the focus rows; (mentor, adept, started_on) is the real key.
        f"""CREATE TABLE mentorship (
            id INTEGER PRIMARY KEY,
            mentor_id TEXT NOT NULL REFERENCES employee (id) {_FK},
            adept_id TEXT NOT NULL REFERENCES employee (id) {_FK},
            started_on TEXT NOT NULL,
            ended_on TEXT,
            UNIQUE (mentor_id, adept_id, started_on)
        )""",
        "CREATE INDEX mentorship_by_adept ON mentorship (adept_id, mentor_id, started_on)",
        f"""CREATE TABLE mentorship_focus (
            mentorship_id INTEGER NOT NULL REFERENCES mentorship (id) ON DELETE CASCADE {_FK},
            pos INTEGER NOT NULL,
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            PRIMARY KEY (mentorship_id, pos),
            UNIQUE (mentorship_id, competence_id)
        )""",
        "CREATE INDEX mentorship_focus_by_competence ON mentorship_focus (competence_id)",
        f"""CREATE TABLE plan (
            id TEXT PRIMARY KEY,
            employee_id TEXT NOT NULL REFERENCES employee (id) {_FK},
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            status TEXT NOT NULL,
            created_on TEXT,
            last_followup_on TEXT,
            target_step_id TEXT REFERENCES step (id) {_FK}
        )""",
        "CREATE INDEX plan_by_employee ON plan (employee_id, id)",
        f"""CREATE TABLE plan_activity (
            plan_id TEXT NOT NULL REFERENCES plan (id) {_FK},
            seq INTEGER NOT NULL CHECK (seq >= 1),
            competence_id TEXT NOT NULL REFERENCES competence (id) {_FK},
            target_level INTEGER NOT NULL CHECK (target_level BETWEEN 1 AND 5),
            activity_id TEXT REFERENCES activity (id) {_FK},
            due_on TEXT,
            status TEXT NOT NULL,
            completed_on TEXT,
            PRIMARY KEY (plan_id, seq)
        )""",
        "CREATE INDEX plan_activity_by_competence ON plan_activity (competence_id, status)",
        f"""CREATE TABLE conversation (
            employee_id TEXT NOT NULL REFERENCES employee (id) {_FK},
            kind TEXT NOT NULL,
            held_on TEXT NOT NULL,
            PRIMARY KEY (employee_id, held_on, kind)
        )""",
    ),
    # 2: the audit log of reads of other people's data (issue 5). No foreign
    # keys: a record outlives an erased person. `at` is UTC ISO 8601 text with
    # microseconds, so text order is time order; `fields` a JSON array.
    (
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            whom TEXT NOT NULL,
            fields TEXT NOT NULL,
            request_id TEXT,
            operation TEXT
        )""",
        "CREATE INDEX audit_by_at ON audit (at)",
        "CREATE INDEX audit_by_who ON audit (who, at)",
        "CREATE INDEX audit_by_whom ON audit (whom, at)",
    ),
    # 3: the mentor pool and retirement counts look for the seniors (55+,
    # 60+) among holders, in a unit subtree or the region (issue 3, point 7).
    ("CREATE INDEX employee_by_birth_year ON employee (birth_year, unit_id, id)",),
    # 4: mentor candidates look for the seniors of a few units near the adept
    # first (`mentor_reads`, ring by ring); and the unit tree they walk is
    # cached while `units_token` (changed by every write to a unit) stays.
    (
        "CREATE INDEX employee_by_unit_birth_year ON employee (unit_id, birth_year)",
        "INSERT INTO meta (key, value) VALUES ('units_token', abs(random()))",
        *(
            f"""CREATE TRIGGER unit_{event.lower()}_token AFTER {event} ON unit BEGIN
                UPDATE meta SET value = abs(random()) WHERE key = 'units_token';
            END"""
            for event in ("INSERT", "UPDATE", "DELETE")
        ),
    ),
    # 5: supply counts a subtree's holdings of a few competencies by unit
    # (issue 6). Each holding carries its holder's unit and birth year, so
    # that count is one covering-index range per (unit, competence) instead
    # of every holding of every person in the subtree. The holding upserts
    # fill them (`writes.UPSERT_HOLDING`, `UPSERT_HOLDING_OF`; every write
    # puts people before their holdings), the trigger keeps them when a
    # person moves or has their birth year corrected.
    (
        "ALTER TABLE holding ADD COLUMN unit_id TEXT",
        "ALTER TABLE holding ADD COLUMN birth_year INTEGER",
        """UPDATE holding SET (unit_id, birth_year) =
            (SELECT unit_id, birth_year FROM employee e WHERE e.id = holding.employee_id)""",
        """CREATE INDEX holding_by_unit ON holding
            (unit_id, competence_id, level, birth_year, expires_on, assessed_on)""",
        """CREATE TRIGGER employee_update_holdings AFTER UPDATE OF unit_id, birth_year ON employee
        WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.birth_year IS NOT NEW.birth_year BEGIN
            UPDATE holding SET unit_id = NEW.unit_id, birth_year = NEW.birth_year
            WHERE employee_id = NEW.id;
        END""",
    ),
    # 6: the least-weight mentor reads look for the seniors holding a rare
    # competence at a level, and their unit (`mentor_reads._HEAVY_SENIORS`):
    # a range of this index, no table row. Only the levels a mentor needs at
    # the least (`mentor_reads.SENIOR_LEVEL`, the rules' default floor): a
    # quarter of the holdings, and questions about any level, which cannot
    # use it, keep `holding_by_competence` (narrower, faster for them).
    (
        """CREATE INDEX holding_by_senior ON holding
            (competence_id, level, birth_year, unit_id, employee_id) WHERE level >= 4""",
    ),
    # 7: the least-weight mentor reads weigh each senior the pivots list
    # (their must competencies, then their weight over every competence
    # asked) by key: from this index alone, where the primary key would need
    # its index and then the table row for the level. Only the levels a
    # mentor needs at the least, as in 6.
    (
        """CREATE INDEX holding_high_by_employee ON holding
            (employee_id, competence_id, level) WHERE level >= 4""",
    ),
    # 8: 6's index with the birth year before the level: a read asks for
    # the seniors (a range of birth years) at the floor level or above, and
    # with the level first SQLite could seek only the level range and test
    # every holder's age in it; the seniors are about a third of them.
    (
        "DROP INDEX holding_by_senior",
        """CREATE INDEX holding_by_senior ON holding
            (competence_id, birth_year, level, unit_id, employee_id) WHERE level >= 4""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(conn: apsw.Connection) -> int:
    """Apply the migrations this file lacks, in one write transaction; return the version.

    `conn` must be in autocommit mode (isolation_level=None): the transaction
    is ours. BEGIN IMMEDIATE takes the write lock before reading the version,
    so two processes opening one new file do not both migrate it.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            )"""
        )
        row = one(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        current = int(row[0])
        if current > SCHEMA_VERSION:
            raise apsw.Error(
                f"database schema version {current} is newer than this program's ({SCHEMA_VERSION})"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (version) VALUES (?)", (version,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
