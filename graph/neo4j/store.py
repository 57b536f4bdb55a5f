"""`Neo4jStore`: the `ladders.ports.Store` port on Neo4j 5 (DESIGN §8).

One `AsyncDriver` per store, and the caller keeps one store per process.
Reads run in managed read transactions, writes in managed write transactions
(graph.neo4j.writes); both may be retried by the driver, so the functions
given to them are idempotent. Every session names its database.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    NotificationDisabledClassification,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DatabaseUnavailable,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.chunks import each_chunk
from graph.neo4j import aggregates, bulk, holder_counts, mentor_reads, personal, schema, writes
from graph.neo4j import cypher as Q
from graph.neo4j import cypher_write as W
from graph.neo4j.mapping import aligned, to_model
from graph.neo4j.reads import Runner, export, fetch, reference_data, reference_version
from ladders.errors import (
    IntegrityError,
    OutcomeUnknownError,
    StoreUnavailableError,
    ValidationError,
)
from ladders.models import (
    Conversation,
    Dataset,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
    PlanStatus,
    ReferenceData,
    Unit,
    UnitNeed,
)
from ladders.ports import (
    AuditRecord,
    Chunks,
    CoverageCount,
    ItemExpected,
    MentorRole,
    MentorRow,
    ProgressFn,
    SupplyCount,
    TransferCount,
    Was,
    WrittenFn,
)
from ladders.supply import distinct_wants

log = logging.getLogger("stege.neo4j")

T = TypeVar("T")
Work = Callable[[AsyncManagedTransaction], Awaitable[T]]
OneQuery = Callable[[Runner], Awaitable[T]]

_NO_LIMIT: Final = 2**62
_MENTORSHIPS_BY_ROLE: Final = {
    "mentor": Q.MENTORSHIPS_AS_MENTOR,
    "adept": Q.MENTORSHIPS_AS_ADEPT,
    "any": Q.MENTORSHIPS_ANY,
}


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Driver errors -> the domain's, at the boundary."""
    try:
        yield
    except IncompleteCommit as exc:
        # The commit went out and its answer was lost (a subclass of
        # ServiceUnavailable): "try again" made a retried write twice.
        raise OutcomeUnknownError(
            "Neo4j did not confirm the commit: the change may have been made; "
            "read it back before making it again"
        ) from exc
    except (
        ServiceUnavailable,
        SessionExpired,
        DatabaseUnavailable,
        ConnectionAcquisitionTimeoutError,
    ) as exc:
        raise StoreUnavailableError(f"Neo4j is unavailable: {exc}") from exc
    except ConstraintError as exc:
        log.info("Neo4j refused a write: %s", exc.message or exc)
        raise IntegrityError(IntegrityError.REFUSED) from exc
    except TransientError as exc:
        # Still failing after the driver's retries (deadlocks, memory limits).
        raise StoreUnavailableError(f"Neo4j transient failure: {exc.message or exc}") from exc
    except ClientError as exc:
        # A database that does not exist or credentials the server refuses are
        # the deployment's fault, not the request's: "unavailable" (503 and a
        # one-line message from the CLI), never a 500 or a driver traceback.
        code = exc.code or ""
        if code == _DATABASE_NOT_FOUND:
            raise StoreUnavailableError(
                f"Neo4j has no such database (STEGE_NEO4J_DATABASE): {exc.message or exc}"
            ) from exc
        if isinstance(exc, AuthError) or code.startswith(_SECURITY):
            raise StoreUnavailableError(
                f"Neo4j refused the credentials (STEGE_NEO4J_USER/PASSWORD): {exc.message or exc}"
            ) from exc
        raise


_DATABASE_NOT_FOUND: Final = "Neo.ClientError.Database.DatabaseNotFound"
_SECURITY: Final = "Neo.ClientError.Security."


@contextlib.contextmanager
def _bad_uri(uri: str) -> Iterator[None]:
    """The driver's refusal of a URI, as an error naming it (not a traceback)."""
    try:
        yield
    except (ConfigurationError, ValueError) as exc:
        raise ValidationError(f"bad Neo4j URI {uri!r}: {exc}", field="uri", value=uri) from exc


def _statement(query: str) -> Work[None]:
    return lambda tx: writes.run(tx, query)


HELD_PARTS: Final = 2
"""Held-supply queries per supply question, each over every HELD_PARTS-th
unit: Neo4j Community runs a query on one core, and the held count of a big
subtree is the long one (~100 ms for 5,000 people at 55k)."""


def _settle(future: asyncio.Future[None]) -> None:
    """Resolve `future` (once: a retried transaction function calls again)."""
    if not future.done():
        future.set_result(None)


class Neo4jStore:
    """The Neo4j adapter. Build it with `await Neo4jStore.open(...)`."""

    # A commit's cost grows faster than its size (sorting its commands, the
    # counts and the transaction state on the heap): 55k people into a fresh
    # server took 122 s in transactions of 10,000, 98 s of 2,500, 92 s of
    # 1,000, 84 s of 500 and 86 s of 250 (bench/RESULTS.md). With the bulk
    # load's list rows, 250, 500 and 1,000 measured alike (63-64 s).
    bulk_batch_size = 500

    def __init__(
        self, driver: AsyncDriver, database: str, *, query_timeout: float | None = None
    ) -> None:
        self._driver = driver
        self._database = database
        self._query_timeout = query_timeout

    @classmethod
    async def open(
        cls,
        *,
        uri: str,
        auth: tuple[str, str] | None = None,
        database: str = "neo4j",
        max_transaction_retry_time: float = 30.0,
        connection_timeout: float = 5.0,
        connection_acquisition_timeout: float = 10.0,
        query_timeout: float | None = None,
    ) -> Neo4jStore:
        """Create the one driver of this store; it connects lazily (see `ping`).

        `max_transaction_retry_time` bounds how long a read or write keeps
        retrying while the server is unreachable or a cluster changes leader
        (the driver's default), before `StoreUnavailableError`.
        `connection_timeout` bounds opening one connection and
        `connection_acquisition_timeout` the wait for one (the driver's 30 s
        and 60 s held a request through a frozen server for minutes).
        `query_timeout` bounds each read or write, its retries included: a
        server that froze while answering (a hung JVM, a partition) held the
        request for good. None (the CLI's loads and imports): no bound.
        """
        with translate_errors(), _bad_uri(uri):
            driver = AsyncGraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=max_transaction_retry_time,
                connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_acquisition_timeout,
                # Unset properties are simply absent, so "property key does not
                # exist" (UNRECOGNIZED) is expected; other notifications stay on.
                notifications_disabled_classifications=[
                    NotificationDisabledClassification.UNRECOGNIZED
                ],
            )
        return cls(driver, database, query_timeout=query_timeout)

    # --- sessions -----------------------------------------------------------

    def _session(self, access_mode: str = WRITE_ACCESS) -> AsyncSession:
        # One bookmark manager for every session of this driver: on a cluster a
        # read follows the writes this process made before it (read your writes).
        # (execute_read/execute_write pick their own routing; the access mode
        # routes auto-commit queries.)
        return self._driver.session(
            database=self._database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
            default_access_mode=access_mode,
        )

    @contextlib.asynccontextmanager
    async def _deadline(self, *, writes: bool) -> AsyncIterator[None]:
        """Give up on a transaction that takes longer than `query_timeout`.
        Cancelled, the driver drops the connection rather than reuse it. A
        read given up changed nothing; a write may have been committed."""
        if self._query_timeout is None:
            yield
            return
        try:
            async with asyncio.timeout(self._query_timeout):
                yield
        except TimeoutError as exc:
            said = f"Neo4j did not answer within {self._query_timeout:g} s"
            if writes:
                raise OutcomeUnknownError(
                    f"{said}: the change may have been made; read it back before making it again"
                ) from exc
            raise StoreUnavailableError(said) from exc

    async def _read_one(self, work: OneQuery[T]) -> T:
        """A read of ONE query: first as an auto-commit query (one round trip;
        a managed transaction needs a second for its COMMIT), and only if that
        fails with an error worth retrying, again as a managed read with the
        driver's retries. A single read query has no effects, so running it
        twice is safe; several queries that must see one snapshot use `_read`."""
        async with self._deadline(writes=False):
            with translate_errors():
                try:
                    async with self._session(READ_ACCESS) as session:
                        return await work(session)
                except (Neo4jError, DriverError) as exc:
                    if not exc.is_retryable():
                        raise
            return await self._read(work)  # its own deadline is later than this one's

    async def _read(self, work: Work[T]) -> T:
        async with self._deadline(writes=False):
            with translate_errors():
                async with self._session() as session:
                    return await session.execute_read(work)

    async def _write(self, work: Work[T]) -> T:
        async with self._deadline(writes=True):
            with translate_errors():
                async with self._session() as session:
                    return await session.execute_write(work)

    async def _rows(self, query: str, **params: Any) -> list[Any]:
        return await self._read_one(lambda runner: fetch(runner, query, **params))

    # --- lifecycle ----------------------------------------------------------

    async def init_schema(self, *, indexes: bool = True) -> None:
        async def existing(tx: AsyncManagedTransaction) -> set[str]:
            names: set[str] = set()
            for query in schema.EXISTING:
                result = await tx.run(query)
                names.update([str(record["name"]) async for record in result])
            return names

        present = await self._read(existing)
        # The constraints are the lookups by id that every write makes; the
        # other indexes, kept up to date by each transaction of a fresh 55k
        # load, cost more than building them once after it (53-54 s + 4.3-4.5
        # s against 58-62 s; the holdings' level index is over 2.3 million).
        wanted = [*schema.CONSTRAINTS]
        if indexes:
            wanted += [*schema.INDEXES, *personal.INDEXES]
        missing = [(name, s) for name, s in wanted if name not in present]
        if missing:
            log.info("schema: creating %s", ", ".join(name for name, _ in missing))
            # Schema and data cannot share a transaction; one statement each.
            for _, statement in missing:
                await self._write(_statement(statement))
            await self._read(_statement(schema.AWAIT_INDEXES))
        # A database written before units had a token gets one (then kept).
        if await self.units_token() is None:
            await self._write(_statement(W.NEW_UNITS_TOKEN))
        # A database written before people in no unit had a label gets it (then kept).
        await self._write(_statement(W.LABEL_UNPLACED))

    async def ping(self) -> None:
        # An auto-commit query: no retries, so an unreachable server fails fast.
        with translate_errors():
            async with self._session() as session:
                result = await session.run(Q.PING)
                await result.consume()

    async def close(self) -> None:
        await self._driver.close()

    # --- reference data -----------------------------------------------------

    async def reference_version(self) -> int:
        return await self._read_one(reference_version)

    async def reference_data(self) -> ReferenceData:
        return await self._read(reference_data)

    # --- organisation -------------------------------------------------------

    async def units(self) -> list[Unit]:
        return [to_model(Unit, r) for r in await self._rows(Q.UNITS)]

    async def get_units(self, ids: Sequence[str]) -> list[Unit | None]:
        if not ids:
            return []
        found = [to_model(Unit, r) for r in await self._rows(Q.GET_UNITS, ids=list(ids))]
        return aligned(ids, found)

    async def subtree_unit_ids(self, unit_id: str) -> list[str]:
        return [str(i) for i in await self._rows(Q.SUBTREE_UNIT_IDS, id=unit_id)]

    async def unit_needs(self, unit_ids: Sequence[str]) -> list[UnitNeed]:
        if not unit_ids:
            return []
        rows = await self._rows(Q.UNIT_NEEDS, ids=list(unit_ids))
        return [to_model(UnitNeed, r) for r in rows]

    # --- people -------------------------------------------------------------

    async def get_employees(self, ids: Sequence[str]) -> list[Employee | None]:
        if not ids:
            return []
        rows = await self._rows(Q.GET_EMPLOYEES, ids=list(ids))
        return aligned(ids, [to_model(Employee, r) for r in rows])

    async def employees_in_units(
        self,
        unit_ids: Sequence[str] | None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> list[Employee]:
        if (unit_ids is not None and not unit_ids) or (first is not None and first <= 0):
            return []
        limit = _NO_LIMIT if first is None else first
        if unit_ids is None:
            rows = await self._rows(Q.ALL_EMPLOYEES, after=after, first=limit)
        else:
            rows = await self._rows(
                Q.EMPLOYEES_IN_UNITS, unit_ids=list(unit_ids), after=after, first=limit
            )
        return [to_model(Employee, r) for r in rows]

    async def count_employees_in_units(self, unit_ids: Sequence[str] | None) -> int:
        if unit_ids is not None and not unit_ids:
            return 0
        query, params = (
            (Q.COUNT_ALL_EMPLOYEES, {})
            if unit_ids is None
            else (Q.COUNT_EMPLOYEES_IN_UNITS, {"unit_ids": list(unit_ids)})
        )

        async def work(tx: AsyncManagedTransaction) -> int:
            result = await tx.run(query, params)
            record = await result.single(strict=True)
            return int(record["n"])

        return await self._read(work)

    async def holdings_of(self, employee_ids: Sequence[str]) -> list[Holding]:
        if not employee_ids:
            return []
        rows = await self._rows(Q.HOLDINGS_OF, ids=list(employee_ids))
        return [to_model(Holding, r) for r in rows]

    async def holders(
        self,
        competence_id: str,
        min_level: int,
        *,
        unit_ids: Sequence[str] | None = None,
    ) -> list[Holding]:
        if unit_ids is None:
            rows = await self._rows(Q.HOLDERS, competence_id=competence_id, min_level=min_level)
        elif not unit_ids:
            return []
        else:
            rows = await self._rows(
                Q.HOLDERS_IN_UNITS,
                competence_id=competence_id,
                min_level=min_level,
                unit_ids=list(unit_ids),
            )
        return [to_model(Holding, r) for r in rows]

    async def mentorships_of(
        self,
        employee_ids: Sequence[str],
        *,
        role: MentorRole = "any",
        active_on: date | None = None,
    ) -> list[Mentorship]:
        if not employee_ids:
            return []
        query = _MENTORSHIPS_BY_ROLE[role]
        rows = await self._rows(query, ids=list(employee_ids), day=active_on)
        return [to_model(Mentorship, r) for r in rows]

    async def get_plans(self, ids: Sequence[str]) -> list[Plan | None]:
        if not ids:
            return []
        rows = await self._rows(Q.GET_PLANS, ids=list(ids))
        return aligned(ids, [to_model(Plan, r) for r in rows])

    async def plans_of(self, employee_ids: Sequence[str]) -> list[Plan]:
        if not employee_ids:
            return []
        rows = await self._rows(Q.PLANS_OF, ids=list(employee_ids))
        return [to_model(Plan, r) for r in rows]

    async def plan_activities(self, plan_ids: Sequence[str]) -> list[PlanActivity]:
        if not plan_ids:
            return []
        rows = await self._rows(Q.PLAN_ACTIVITIES, ids=list(plan_ids))
        return [to_model(PlanActivity, r) for r in rows]

    async def conversations_of(
        self,
        employee_ids: Sequence[str],
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Conversation]:
        if not employee_ids:
            return []
        rows = await self._rows(
            Q.CONVERSATIONS_OF, ids=list(employee_ids), since=since, until=until
        )
        return [to_model(Conversation, r) for r in rows]

    # --- aggregates (ladders.ports.AggregateReads), counted in Cypher --------

    async def supply_counts(
        self,
        wanted: Mapping[str, Sequence[tuple[str, int]]],
        *,
        as_of: date,
        retiring_born_by: int | None,
        due_by: date,
    ) -> list[SupplyCount]:
        wants = distinct_wants(wanted)
        if not wants.set_of:
            return []
        # The held and the in-development counts do not depend on each other,
        # nor do the held counts of different units: sent at the same time, in
        # transactions of their own, the server walks them on all its cores
        # (Neo4j reads at read-committed, so one transaction would not give
        # them one snapshot either). Rows are per unit: the parts add up.
        unit_ids = list(wants.set_of)
        parts = [unit_ids[i::HELD_PARTS] for i in range(HELD_PARTS)]

        def held_in(part: Sequence[str]) -> Awaitable[list[Any]]:
            return self._read(
                lambda tx: aggregates.held_rows(tx, wants, part, as_of, retiring_born_by)
            )

        *held, developing = await asyncio.gather(
            *(held_in(part) for part in parts if part),
            self._read(lambda tx: aggregates.developing_rows(tx, wants, as_of, due_by)),
        )
        return aggregates.supply_from([row for rows in held for row in rows], developing)

    async def holder_count(
        self, competence_id: str, level: int, *, unit_ids: Sequence[str], as_of: date
    ) -> int:
        return await self._read(
            lambda tx: holder_counts.holder_count(tx, competence_id, level, unit_ids, as_of)
        )

    async def developing_count(
        self,
        competence_id: str,
        level: int,
        *,
        unit_ids: Sequence[str],
        as_of: date,
        due_by: date,
    ) -> int:
        return await self._read(
            lambda tx: holder_counts.developing_count(
                tx, competence_id, level, unit_ids, as_of, due_by
            )
        )

    async def transfer_counts(
        self, unit_ids: Sequence[str], *, min_level: int, senior_born_by: int, as_of: date
    ) -> list[TransferCount]:
        return await self._read(
            lambda tx: aggregates.transfer_counts(tx, unit_ids, min_level, senior_born_by, as_of)
        )

    async def coverage_counts(
        self, unit_ids: Sequence[str], *, as_of: date, since: date
    ) -> CoverageCount:
        return await self._read(lambda tx: aggregates.coverage_counts(tx, unit_ids, as_of, since))

    async def units_token(self) -> str | None:
        return await self._read(mentor_reads.units_token)

    async def mentor_rows(
        self,
        min_levels: Mapping[str, int],
        *,
        born_by: int,
        as_of: date,
        unit_ids: Sequence[str] | None = None,
        without_unit: bool = False,
        weights: Mapping[str, int] | None = None,
        min_weight: int = 0,
    ) -> list[MentorRow]:
        return await self._read(
            lambda tx: mentor_reads.mentor_rows(
                tx, min_levels, born_by, as_of, unit_ids, without_unit, weights or {}, min_weight
            )
        )

    # --- writes -------------------------------------------------------------

    async def import_dataset(self, dataset: Dataset, *, progress: ProgressFn | None = None) -> None:
        await self._write(lambda tx: writes.import_dataset(tx, dataset, progress))

    async def bulk_load(
        self,
        chunks: Chunks,
        *,
        progress: ProgressFn | None = None,
        written: WrittenFn | None = None,
    ) -> None:
        # While the server commits a chunk the client would idle (the commits
        # were 26 s of a 64 s fresh 55k load): it takes the next chunk and
        # builds its people's rows then (55k: 59.7-60.7 -> 57.7 s). Each
        # chunk is still committed before the next begins.
        source = aiter(each_chunk(chunks))
        chunk = await anext(source, None)
        prepared = None if chunk is None else bulk.prepare(chunk)
        while chunk is not None:
            committing = asyncio.get_running_loop().create_future()
            work = bulk.chunk_work(
                chunk, progress, prepared=prepared, done=functools.partial(_settle, committing)
            )
            write = asyncio.ensure_future(self._write(work))
            following, taken = None, False
            try:
                await asyncio.wait((write, committing), return_when=asyncio.FIRST_COMPLETED)
                if not write.done():  # its queries have run: the commit is under way
                    following, taken = await anext(source, None), True
                    prepared = None if following is None else bulk.prepare(following)
            except asyncio.CancelledError:
                write.cancel()
                raise
            finally:
                # The chunk in flight ends (and is told) even if the source failed.
                await write
                if written is not None:
                    written(chunk)
            if not taken:
                following, prepared = await anext(source, None), None
            chunk = following

    async def export_dataset(self) -> Dataset:
        return await self._read(export)

    async def upsert_employee(
        self, employee: Employee, *, expected: Was[Employee] | None = None
    ) -> None:
        await self._write(lambda tx: writes.upsert_employee(tx, employee, expected))

    async def upsert_holding(self, holding: Holding) -> None:
        await self._write(writes.single(writes.write_holdings, holding))

    async def upsert_unit_need(self, need: UnitNeed) -> None:
        await self._write(writes.single(writes.write_needs, need))

    async def upsert_mentorship(
        self, mentorship: Mentorship, *, expected: Was[Mentorship] | None = None
    ) -> None:
        await self._write(lambda tx: writes.upsert_mentorship(tx, mentorship, expected))

    async def start_mentorship(
        self, mentorship: Mentorship, *, capacity: int, mentor: Was[Employee] | None = None
    ) -> None:
        await self._write(lambda tx: writes.start_mentorship(tx, mentorship, capacity, mentor))

    async def upsert_plan(self, plan: Plan, *, expected: PlanStatus | None = None) -> None:
        await self._write(lambda tx: writes.upsert_plan(tx, plan, expected))

    async def create_plan(self, plan: Plan, activities: Sequence[PlanActivity]) -> None:
        await self._write(lambda tx: writes.create_plan(tx, plan, activities))

    async def add_plan_activity(self, activity: PlanActivity) -> PlanActivity:
        return await self._write(lambda tx: writes.add_plan_activity(tx, activity))

    async def update_plan_activity(
        self,
        activity: PlanActivity,
        *,
        holding: Holding | None = None,
        expected: ItemExpected | None = None,
    ) -> None:
        await self._write(lambda tx: writes.update_plan_activity(tx, activity, holding, expected))

    async def add_conversation(self, conversation: Conversation) -> None:
        await self._write(writes.single(writes.write_conversations, conversation))

    # --- security: the audit log and personal-data rights ----------------------

    async def record_audit(self, records: Sequence[AuditRecord]) -> None:
        if records:
            await self._write(lambda tx: personal.record_audit(tx, records))

    async def audit_log(
        self,
        *,
        who: str | None = None,
        whom: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        return await self._read(lambda tx: personal.audit_log(tx, who, whom, since, limit))

    async def erase_employee(self, employee_id: str) -> bool:
        return await self._write(lambda tx: personal.erase_employee(tx, employee_id))
