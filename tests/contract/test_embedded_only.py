"""What only the embedded store promises: the SQLite file, its schema, its threads.

The shared behaviour is in the other files of this folder, run against both
stores; these tests look at the file itself.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import apsw
import pytest

from graph.embedded import SQLITE_VERSION, EmbeddedStore, reads, several_writers_safe
from graph.embedded.schema import SCHEMA_VERSION
from ladders.errors import IntegrityError, StoreUnavailableError, ValidationError
from ladders.models import Dataset, Employee
from seed.synthetic import synthetic_chunks
from tests.builders import (
    ADM_VARD,
    AS_OF,
    ENH_IVA,
    ENH_PSYK,
    canonical,
    make_employee,
    make_holding,
    tiny_region,
    with_added,
)
from tests.contract.test_audit import rec
from tests.sqlite_plans import query_plans

# The deadlock guard of the concurrency test: generous, never a measurement.
_GUARD_SECONDS = 30


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "stege.db"


@pytest.fixture
async def embedded(db_path: Path) -> AsyncIterator[EmbeddedStore]:
    store = await EmbeddedStore.open(db_path)
    await store.import_dataset(tiny_region())
    try:
        yield store
    finally:
        await store.close()


def _query(path: Path, sql: str) -> list[Any]:
    conn = apsw.Connection(str(path))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_the_store_runs_a_sqlite_without_the_wal_reset_race(
    embedded: EmbeddedStore,
) -> None:
    # SQLite before 3.51.3 can corrupt a WAL file that several processes
    # write (DESIGN §8), as `stege serve --workers 2` does; the system's
    # (3.40 on Debian 12) has the race, the one apsw bundles does not.
    in_use = await embedded._db.read(  # noqa: SLF001 - the connection's own library
        lambda conn: conn.execute("SELECT sqlite_version()").fetchall()
    )
    assert in_use == [(".".join(map(str, SQLITE_VERSION)),)]
    assert SQLITE_VERSION >= (3, 51, 3)
    assert several_writers_safe()
    assert not several_writers_safe((3, 51, 2))
    assert several_writers_safe((3, 51, 3))


async def test_the_file_is_in_wal_mode_with_full_sync_and_foreign_keys(
    embedded: EmbeddedStore, db_path: Path
) -> None:
    assert _query(db_path, "PRAGMA journal_mode") == [("wal",)]
    # synchronous and foreign_keys are per connection: ask the writer itself.
    pragmas = await embedded._db.write(  # noqa: SLF001 - nothing public exposes them
        lambda conn: (
            conn.execute("PRAGMA synchronous").fetchone()[0],
            conn.execute("PRAGMA foreign_keys").fetchone()[0],
        )
    )
    assert pragmas == (2, 1)  # 2 = FULL


async def test_migrations_are_recorded_and_applied_once(db_path: Path) -> None:
    store = await EmbeddedStore.open(db_path)
    await store.init_schema()
    await store.close()
    first = _query(db_path, "SELECT version, applied_at FROM schema_migrations")

    reopened = await EmbeddedStore.open(db_path)
    await reopened.init_schema()
    await reopened.close()

    assert [v for v, _ in first] == list(range(1, SCHEMA_VERSION + 1))
    assert _query(db_path, "SELECT version, applied_at FROM schema_migrations") == first


_HOLDER_COPY_DRIFT = """SELECT h.employee_id, h.competence_id FROM holding h
    JOIN employee e ON e.id = h.employee_id
    WHERE h.unit_id IS NOT e.unit_id OR h.birth_year IS NOT e.birth_year"""


async def test_holdings_carry_their_holders_unit_and_year_after_a_bulk_load(
    db_path: Path,
) -> None:
    # Migration 5's copies, as seeding writes them: chunk by chunk, with
    # people whose holdings arrive in the same chunk as they do.
    store = await EmbeddedStore.open(db_path)
    try:
        await store.bulk_load(synthetic_chunks(employees=300, seed=4, batch_size=70))
    finally:
        await store.close()

    assert _query(db_path, "SELECT COUNT(*) FROM holding WHERE unit_id IS NOT NULL") != [(0,)]
    assert _query(db_path, _HOLDER_COPY_DRIFT) == []


async def test_holdings_carry_their_holders_copies_whether_or_not_the_holder_comes_along(
    embedded: EmbeddedStore, db_path: Path
) -> None:
    # An import writes the holdings of the people it brings with the copies
    # taken from its own records, and those of people already stored with
    # the stored ones: both must end up as the holder's row says.
    moved = make_employee("e02", unit_id=ENH_PSYK, birth_year=1969)
    newcomer = make_employee("e90", unit_id=ENH_IVA, birth_year=2001)
    await embedded.import_dataset(
        Dataset(
            employees=(moved, newcomer),
            holdings=(
                make_holding("e01", "bem", 2),  # e01 stays where it is, not in this import
                make_holding("e02", "evb", 3),  # e02 moves in this import
                make_holding("e90", "evb", 1),
            ),
        )
    )

    copies = _query(
        db_path,
        "SELECT employee_id, unit_id, birth_year FROM holding "
        "WHERE (employee_id, competence_id) IN "
        "(VALUES ('e01', 'bem'), ('e02', 'evb'), ('e90', 'evb')) "
        "ORDER BY employee_id",
    )
    assert copies == [("e01", "enh-akut", 1962), ("e02", ENH_PSYK, 1969), ("e90", ENH_IVA, 2001)]
    assert _query(db_path, _HOLDER_COPY_DRIFT) == []


async def test_migration_5_fills_the_copies_of_existing_holdings(db_path: Path) -> None:
    store = await EmbeddedStore.open(db_path)
    await store.import_dataset(tiny_region())
    await store.close()
    # Back to a version-4 file: holdings without the copies (nor migration
    # 6's index of them, nor 7's).
    conn = apsw.Connection(str(db_path))
    with conn:
        conn.execute("DROP INDEX holding_high_by_employee")
        conn.execute("DROP INDEX holding_by_senior")
        conn.execute("DROP TRIGGER employee_update_holdings")
        conn.execute("DROP INDEX holding_by_unit")
        conn.execute("ALTER TABLE holding DROP COLUMN unit_id")
        conn.execute("ALTER TABLE holding DROP COLUMN birth_year")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 5")
    conn.close()

    reopened = await EmbeddedStore.open(db_path)
    await reopened.close()

    assert _query(db_path, "SELECT COUNT(*) FROM holding WHERE unit_id IS NULL") == [(0,)]
    assert _query(db_path, _HOLDER_COPY_DRIFT) == []


async def test_a_newer_schema_is_refused(db_path: Path) -> None:
    store = await EmbeddedStore.open(db_path)
    await store.close()
    conn = apsw.Connection(str(db_path))
    with conn:
        conn.execute("INSERT INTO schema_migrations (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    conn.close()

    with pytest.raises(StoreUnavailableError, match="newer"):
        await EmbeddedStore.open(db_path)


async def test_data_survives_closing_and_reopening(embedded: EmbeddedStore, db_path: Path) -> None:
    version = await embedded.reference_version()
    await embedded.close()

    reopened = await EmbeddedStore.open(db_path)
    try:
        assert await reopened.export_dataset() == canonical(tiny_region())
        assert await reopened.reference_version() == version
    finally:
        await reopened.close()


async def test_a_closed_store_is_unavailable(embedded: EmbeddedStore) -> None:
    await embedded.close()
    await embedded.close()  # closing twice is harmless

    with pytest.raises(StoreUnavailableError):
        await embedded.ping()
    with pytest.raises(StoreUnavailableError):
        await embedded.upsert_employee(make_employee("e99"))


def _remove_database(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        (path.parent / name).unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["removed", "replaced"])
async def test_a_file_removed_or_replaced_while_open_takes_no_more_writes(
    tmp_path: Path, how: str
) -> None:
    # The connections kept the old file open: every write after it answered
    # success and was gone at the next start, /readyz still said ready, and a
    # reader opened afterwards made a new, empty file at the path.
    path = tmp_path / "stege.db"
    store = await EmbeddedStore.open(path)
    try:
        await store.import_dataset(tiny_region())
        _remove_database(path)
        if how == "replaced":
            other = await EmbeddedStore.open(path)
            await other.close()

        with pytest.raises(StoreUnavailableError, match="removed or replaced"):
            await store.upsert_employee(make_employee("e99"))
        with pytest.raises(StoreUnavailableError, match="removed or replaced"):
            await store.ping()
    finally:
        await store.close()
    assert path.exists() == (how == "replaced")  # nothing made a new file at the path


async def test_an_unopenable_file_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "a-directory.db").mkdir()

    with pytest.raises(StoreUnavailableError):
        await EmbeddedStore.open(tmp_path / "a-directory.db")


async def test_open_without_create_refuses_a_missing_file_and_creates_nothing(
    tmp_path: Path,
) -> None:
    # `stege export` with a mistyped STEGE_DB_PATH created the folders and an
    # empty database there, then exported it over the dataset folder.
    missing = tmp_path / "typo" / "stege.db"

    with pytest.raises(StoreUnavailableError) as refused:
        await EmbeddedStore.open(missing, create=False)

    assert str(refused.value) == f"no database at {missing}"
    assert not await asyncio.to_thread(missing.parent.exists)


async def test_open_without_create_reads_an_existing_file(
    embedded: EmbeddedStore, db_path: Path
) -> None:
    reopened = await EmbeddedStore.open(db_path, create=False)
    try:
        assert await reopened.export_dataset() == await embedded.export_dataset()
    finally:
        await reopened.close()


async def test_a_number_beyond_sqlite_s_integers_is_a_validation_error(
    embedded: EmbeddedStore,
) -> None:
    # apsw raises OverflowError binding it, which escaped as a traceback.
    # The models' bounds keep valid data far below; model_construct skips them.
    before = await embedded.export_dataset()
    region = tiny_region()
    need = region.needs[0]
    huge = type(need).model_construct(**{**need.__dict__, "count": 10**20})
    oversized = region.model_copy(update={"needs": (huge, *region.needs[1:])})

    with pytest.raises(ValidationError, match=r"^a number is too large to store \(at most 9"):
        await embedded.import_dataset(oversized)
    with pytest.raises(ValidationError, match="too large to store"):
        await embedded.employees_in_units([ENH_IVA], first=2**63)

    assert await embedded.export_dataset() == before


async def test_integrity_errors_name_the_unknown_id(embedded: EmbeddedStore) -> None:
    with pytest.raises(IntegrityError, match="no-such-unit"):
        await embedded.upsert_employee(make_employee("e99", unit_id="no-such-unit"))
    broken = with_added(tiny_region(), holdings=[make_holding("no-such-employee", "evb", 3)])
    with pytest.raises(IntegrityError, match="no-such-employee"):
        await embedded.import_dataset(broken)


async def test_sqlite_s_own_words_for_a_refused_write_stay_inside(
    embedded: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    # A key the store's schema refuses (the model refuses a repeated id
    # first; model_construct skips it, as a race or a new path might): SQLite's
    # message names tables and columns and went to API callers as a
    # Conflict's message.
    before = await embedded.export_dataset()
    valid = make_employee("e99", unit_id=ENH_IVA)
    repeated = Employee.model_construct(**{**dict(valid), "manages": (ENH_IVA, ENH_IVA)})

    with caplog.at_level("INFO", logger="stege.embedded"), pytest.raises(IntegrityError) as refused:
        await embedded.upsert_employee(repeated)

    assert str(refused.value) == IntegrityError.REFUSED
    assert "employee_manages" in caplog.text  # the detail is logged, for whoever runs it
    assert await embedded.export_dataset() == before


async def test_id_lists_beyond_the_sqlite_variable_limit(embedded: EmbeddedStore) -> None:
    # SQLite allows 32766 bound variables; the ids travel as one JSON value.
    ids = [f"x{n}" for n in range(40_000)] + ["e03"]

    employees = await embedded.get_employees(ids)
    holdings = await embedded.holdings_of(ids)

    assert len(employees) == len(ids)
    assert employees[:-1] == [None] * 40_000
    assert employees[-1] is not None
    assert employees[-1].id == "e03"
    assert {h.employee_id for h in holdings} == {"e03"}


async def test_progress_runs_on_the_event_loop_thread(db_path: Path) -> None:
    store = await EmbeddedStore.open(db_path)
    threads: set[int] = set()
    try:
        await store.import_dataset(
            tiny_region(), progress=lambda n: threads.add(threading.get_ident())
        )
    finally:
        await store.close()

    assert threads == {threading.get_ident()}


async def test_reads_do_not_wait_for_an_open_write(embedded: EmbeddedStore) -> None:
    inside = threading.Event()
    release = threading.Event()

    def slow_write(conn: apsw.Connection) -> None:
        conn.execute("UPDATE employee SET name = 'Ändrad' WHERE id = 'e03'")
        inside.set()
        release.wait(_GUARD_SECONDS)

    write = asyncio.ensure_future(embedded._db.write(slow_write))  # noqa: SLF001
    try:
        await asyncio.to_thread(inside.wait, _GUARD_SECONDS)
        assert inside.is_set()
        # The write holds its transaction open until `release`; a read that
        # waited for it would never return before the guard.
        [during] = await asyncio.wait_for(embedded.get_employees(["e03"]), _GUARD_SECONDS)
        assert not write.done()
    finally:
        release.set()
        await write
    [after] = await embedded.get_employees(["e03"])

    assert during is not None
    assert during.name == "Cecilia Berg"
    assert after is not None
    assert after.name == "Ändrad"


# --- every read of the port is indexed --------------------------------------

_BIG_TABLES = (
    "employee",
    "employee_manages",
    "holding",
    "mentorship",
    "mentorship_focus",
    "plan",
    "plan_activity",
    "conversation",
    "unit",
    "unit_need",
)

_READS: dict[str, Callable[[apsw.Connection], object]] = {
    "get_units": lambda c: reads.get_units(c, ["enh-iva"]),
    "subtree_unit_ids": lambda c: reads.subtree_unit_ids(c, ADM_VARD),
    "unit_needs": lambda c: reads.unit_needs(c, ["enh-iva"]),
    "get_employees": lambda c: reads.get_employees(c, ["e03", "e06"]),
    "employees_in_units": lambda c: reads.employees_in_units(c, ["enh-akut"], 2, "e01"),
    "count_employees_in_units": lambda c: reads.count_employees_in_units(c, ["enh-akut"]),
    "holdings_of": lambda c: reads.holdings_of(c, ["e03"]),
    "holders": lambda c: reads.holders(c, "evb", 3, None),
    "holders_in_units": lambda c: reads.holders(c, "evb", 3, ["enh-akut"]),
    "mentorships_of_any": lambda c: reads.mentorships(c, ["e07"], "any", AS_OF),
    "mentorships_of_mentor": lambda c: reads.mentorships(c, ["e07"], "mentor", None),
    "mentorships_of_adept": lambda c: reads.mentorships(c, ["e08"], "adept", None),
    "get_plans": lambda c: reads.get_plans(c, ["p-e03-2025"]),
    "plans_of": lambda c: reads.plans_of(c, ["e03"]),
    "plan_activities": lambda c: reads.plan_activities(c, ["p-e03-2025"]),
    "conversations_of": lambda c: reads.conversations_of(
        c, ["e03"], date(2024, 1, 1), date(2024, 12, 31)
    ),
}


@pytest.mark.parametrize("read", list(_READS), ids=list(_READS))
async def test_reads_use_indexes_not_table_scans(
    embedded: EmbeddedStore, db_path: Path, read: str
) -> None:
    conn = apsw.Connection(str(db_path))
    try:
        plans = query_plans(conn, _READS[read])
    finally:
        conn.close()

    scans = [p for p in plans if p.startswith("SCAN") and p.split()[1] in _BIG_TABLES]
    assert plans, "nothing was traced"
    assert scans == [], f"{read} scans a table: {plans}"


async def test_concurrent_batches_share_commits_on_the_embedded_store(tmp_path: Path) -> None:
    # Group commit: requests that arrive while a commit (and its fsync) runs
    # are committed together by the next one, not one transaction each.
    store = await EmbeddedStore.open(tmp_path / "audit.db")
    commits: list[str] = []
    try:
        writer = store._db._writer
        assert writer is not None
        writer.exec_trace = lambda _cursor, sql, _bindings: commits.append(sql) or True
        await asyncio.gather(
            *(store.record_audit([rec(i, "e05", f"p{i:02}", "gap")]) for i in range(40))
        )
        writer.exec_trace = None
        assert len(await store.audit_log(who="e05", limit=100)) == 40
        commits = [sql for sql in commits if sql == "COMMIT"]
        assert 1 <= len(commits) < 40, commits
    finally:
        await store.close()


async def test_writes_queued_behind_a_locked_file_wait_the_busy_timeout_once(
    db_path: Path,
) -> None:
    # Another process (`stege import`, another worker) holds the file's write
    # lock for longer than the busy timeout. The writes queued on this
    # process's one writer thread must not each wait the whole timeout in
    # turn (the fourth answered after four times it, and a request of a busy
    # worker after minutes): each gives up `busy_timeout` after it was asked.
    # So does a batch of audit records that queued behind a flush that gave up.
    timeout = 1.0
    store = await EmbeddedStore.open(db_path, busy_timeout=timeout)
    await store.import_dataset(tiny_region())
    holder = apsw.Connection(str(db_path))
    holder.execute("BEGIN IMMEDIATE")
    start = time.monotonic()

    async def gave_up_after(write: Awaitable[None], *, later: float = 0) -> float:
        await asyncio.sleep(later)
        with pytest.raises(StoreUnavailableError):
            await write
        return time.monotonic() - start

    try:
        waits = await asyncio.wait_for(
            asyncio.gather(
                *(
                    gave_up_after(store.upsert_holding(make_holding("e03", "evb", level)))
                    for level in (1, 2, 3)
                ),
                gave_up_after(store.record_audit([rec(0, "e05", "e03", "gap")])),
                # Appended while the first flush waits: the next flush takes it.
                gave_up_after(store.record_audit([rec(1, "e05", "e04", "gap")]), later=0.2),
            ),
            _GUARD_SECONDS,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    try:
        assert max(waits) < 1.6 * timeout, waits
        # Free again, the file takes writes at once.
        await store.upsert_holding(make_holding("e03", "evb", 4))
    finally:
        await store.close()
