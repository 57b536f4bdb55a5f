"""Connections to the SQLite file: one writer thread, a small pool of readers.

Every call to SQLite blocks, so none runs on the event loop. Writes go to a
single-thread executor that owns the one writer connection: they are
serialised without a lock and each runs in its own `BEGIN IMMEDIATE`
transaction. Reads run on a few reader threads, each with its own connection
and, in WAL mode, its own snapshot, so they never wait for a writer.

A write waits for the file's write lock (held by another process: another
`stege serve` worker, a `stege import`) at most the busy timeout, counted
from when it was asked for, not from when the writer thread got to it: the
writes queued behind one that waited would otherwise each wait the whole
timeout again in turn, the k-th answering only after k times it.

SQLite comes from apsw, which bundles a current SQLite (the system's may be
older): SQLite before 3.51.3 has a WAL-reset race between writers in several
processes (DESIGN §8), and `stege serve --workers N` runs N writing processes
on one file. `SQLITE_VERSION` is the library in use; `several_writers_safe`
says whether it has the fix.

Driver errors are translated here, at the boundary: broken keys and
references become `IntegrityError` (naming the unknown id when it can), a
number beyond SQLite's 64-bit integers `ValidationError`, everything else
from SQLite `StoreUnavailableError`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import apsw

from graph.embedded.rows import one
from graph.embedded.schema import apply_migrations
from ladders.errors import IntegrityError, StoreUnavailableError, ValidationError

log = logging.getLogger("stege.embedded")

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 10.0
"""The longest a read or write waits for a lock another connection holds."""
_WRITER_CACHE_KIB = 64 * 1024
_WAL_LIMIT_BYTES = 64 * 1024 * 1024


_SQLITE_MAX_INTEGER = 2**63 - 1

SQLITE_VERSION: tuple[int, ...] = tuple(int(part) for part in apsw.sqlite_lib_version().split("."))
# The first SQLite without the WAL-reset race between writing processes.
_WAL_RESET_FIXED = (3, 51, 3)


def several_writers_safe(version: tuple[int, ...] = SQLITE_VERSION) -> bool:
    """Whether several processes may write one file with this SQLite."""
    return version >= _WAL_RESET_FIXED


def _identity(path: Path) -> tuple[int, int]:
    """The file `path` names now (device, inode)."""
    st = path.stat()
    return st.st_dev, st.st_ino


def _connect(
    path: Path, *, writer: bool, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_SECONDS
) -> apsw.Connection:
    # apsw never begins a transaction of its own, so the transactions are
    # exactly the BEGIN/COMMIT this module issues. Without SQLITE_OPEN_CREATE
    # SQLite itself refuses to create the file, so no check-then-open race
    # can leave an empty database behind.
    flags = apsw.SQLITE_OPEN_READWRITE | (apsw.SQLITE_OPEN_CREATE if create else 0)
    conn = apsw.Connection(str(path), flags=flags)
    conn.set_busy_timeout(_milliseconds(busy_timeout))
    conn.execute("PRAGMA foreign_keys = ON")
    if writer:
        mode = one(conn.execute("PRAGMA journal_mode = WAL"))[0]
        if str(mode).lower() != "wal":
            conn.close()
            raise apsw.Error(f"cannot switch {path} to WAL (got {mode})")
        # FULL: a commit survives power loss, not only a crash of the process.
        conn.execute("PRAGMA synchronous = FULL")
        # A bigger page cache speeds up index maintenance in bulk imports; the
        # size limit truncates the WAL after a checkpoint that followed one.
        conn.execute(f"PRAGMA cache_size = {-_WRITER_CACHE_KIB}")
        conn.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT_BYTES}")
    else:
        conn.execute("PRAGMA query_only = ON")
    return conn


def _milliseconds(seconds: float) -> int:
    return max(0, int(seconds * 1000))


class Database:
    """The SQLite file with its writer and reader connections."""

    def __init__(
        self,
        path: Path,
        *,
        readers: int = 4,
        create: bool = True,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = path
        self._create = create
        self.busy_timeout = busy_timeout
        self._writer_pool = ThreadPoolExecutor(1, thread_name_prefix="stege-sqlite-writer")
        self._reader_pool = ThreadPoolExecutor(readers, thread_name_prefix="stege-sqlite-reader")
        self._writer: apsw.Connection | None = None
        self._file: tuple[int, int] | None = None
        self._local = threading.local()
        self._readers: list[apsw.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    # --- lifecycle ----------------------------------------------------------

    async def start(self) -> None:
        await self._in(self._writer_pool, self._open_writer)

    def _open_writer(self) -> None:
        if not self._create:
            # A command that only reads (`stege export`) must not turn a
            # mistyped path into a new, empty database (and its folders).
            if not self.path.exists():
                raise StoreUnavailableError(f"no database at {self.path}")
            self._writer = _connect(
                self.path, writer=True, create=False, busy_timeout=self.busy_timeout
            )
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = _connect(self.path, writer=True, busy_timeout=self.busy_timeout)
        self._file = _identity(self.path)

    def _check_file(self) -> None:
        """Fail unless the path still names the file opened. Deleted or
        replaced under a running server, the connections kept writing to the
        old file: every write after it answered success and was gone at the
        next start (and a reader opened then made a new, empty file)."""
        try:
            same = _identity(self.path) == self._file
        except OSError:
            same = False
        if not same:
            raise StoreUnavailableError(
                f"SQLite store {self.path}: the database file was removed or replaced "
                "while open; restart to open it again"
            )

    async def migrate(self) -> int:
        return await self._in(self._writer_pool, lambda: apply_migrations(self._writer_conn()))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._close_all)

    def _close_all(self) -> None:
        # The pools finish what they were given before their connections close.
        self._writer_pool.shutdown(wait=True)
        self._reader_pool.shutdown(wait=True)
        if self._writer is not None:
            self._writer.close()
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    # --- running work -------------------------------------------------------

    async def write(
        self,
        work: Callable[[apsw.Connection], T],
        *,
        tables: Iterable[str] = (),
        asked_at: float | None = None,
    ) -> T:
        """Run `work` in one write transaction on the writer thread.

        `tables` names the tables `work` writes, so that a broken reference
        found at COMMIT can be reported by its row without scanning the file.
        The wait for the write lock ends `busy_timeout` after `asked_at`
        (`time.monotonic()`; default: now), however long the write queued
        behind others of this process; one whose time is up still takes a
        free lock.
        """
        checked = tuple(tables)
        deadline = (time.monotonic() if asked_at is None else asked_at) + self.busy_timeout

        def checked_work() -> T:
            self._check_file()  # a stat, on the writer thread: ~µs
            return self._transact(work, checked, deadline)

        return await self._in(self._writer_pool, checked_work)

    async def read(self, work: Callable[[apsw.Connection], T]) -> T:
        """Run `work` on a reader connection, in one snapshot of the file."""
        return await self._in(self._reader_pool, lambda: self._snapshot(work))

    async def ping(self) -> None:
        """Fails unless the file answers a read: the schema and one row of a
        real table (`meta`, one page). `SELECT 1` reads nothing of the file,
        so it passed while a broken or emptied file failed every request."""
        self._check_file()
        await self.read(_read_meta)

    async def _in(self, pool: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        if self._closed:
            raise StoreUnavailableError("the embedded store is closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, work)
        except apsw.ConstraintError as exc:
            log.info("SQLite refused a write: %s", exc)
            raise IntegrityError(IntegrityError.REFUSED) from exc
        except OverflowError as exc:
            # apsw raises it while binding an int beyond 64 bits; the
            # models' bounds keep valid data below that, this keeps anything
            # else from escaping as a traceback. A write is rolled back first.
            log.info("SQLite refused a value: %s", exc)
            raise ValidationError(
                f"a number is too large to store (at most {_SQLITE_MAX_INTEGER})"
            ) from exc
        except (apsw.Error, OSError) as exc:
            raise StoreUnavailableError(f"SQLite store {self.path}: {exc}") from exc
        except RuntimeError as exc:  # the pool was shut down under us
            if self._closed:
                raise StoreUnavailableError("the embedded store is closed") from exc
            raise

    def _writer_conn(self) -> apsw.Connection:
        if self._writer is None:
            raise apsw.Error("the writer connection is not open")
        return self._writer

    def _transact(
        self, work: Callable[[apsw.Connection], T], tables: tuple[str, ...], deadline: float
    ) -> T:
        conn = self._writer_conn()
        conn.set_busy_timeout(_milliseconds(deadline - time.monotonic()))
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.set_busy_timeout(_milliseconds(self.busy_timeout))
        try:
            result = work(conn)
            try:
                conn.execute("COMMIT")
            except apsw.ConstraintError as exc:
                # Deferred foreign keys fail here; the transaction is still
                # open, so the offending rows can be named before rolling back.
                problems = broken_references(conn, tables)
                if problems:
                    raise IntegrityError("; ".join(problems)) from exc
                raise
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    def _snapshot(self, work: Callable[[apsw.Connection], T]) -> T:
        conn = self._reader_conn()
        conn.execute("BEGIN")
        try:
            return work(conn)
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def _reader_conn(self) -> apsw.Connection:
        conn: apsw.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Never create: the writer made the file at open, and a reader
            # opened after it was removed must not make a new, empty one.
            conn = _connect(self.path, writer=False, create=False, busy_timeout=self.busy_timeout)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn


def _read_meta(conn: apsw.Connection) -> None:
    conn.execute("SELECT value FROM meta WHERE key = 'reference_version'").fetchone()


def broken_references(conn: apsw.Connection, tables: Iterable[str], limit: int = 5) -> list[str]:
    """Describe up to `limit` rows of `tables` whose foreign keys point nowhere."""
    problems: list[str] = []
    for table in tables:
        # Table names come from our own code, never from input.
        columns: dict[int, list[str]] = {}
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            columns.setdefault(fk[0], []).append(fk[3])
        for _, rowid, parent, fkid in conn.execute(f"PRAGMA foreign_key_check({table})"):
            names = columns.get(fkid, [])
            if rowid is None or not names:
                problems.append(f"{table}: unknown {parent}")
            else:
                select = ", ".join(names)
                values = one(
                    conn.execute(f"SELECT {select} FROM {table} WHERE rowid = ?", (rowid,))
                )
                shown = ", ".join(repr(v) for v in values)
                problems.append(f"{table}.{select} = {shown}: unknown {parent}")
            if len(problems) >= limit:
                return problems
    return problems
