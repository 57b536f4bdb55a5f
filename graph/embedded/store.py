"""`EmbeddedStore`: the `ladders.ports.Store` over one SQLite file.

The default store (DESIGN §8): no server, one host. This class only routes
each port method to a read (reader pool, one snapshot) or a write (the one
writer thread, one transaction); the SQL lives in `reads` and `writes`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Literal

from graph.chunks import each_chunk
from graph.embedded import aggregates, holder_counts, mentor_reads, personal, reads, writes
from graph.embedded.connection import BUSY_TIMEOUT_SECONDS, Database
from graph.embedded.group_commit import GroupCommit
from ladders.errors import ValidationError
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


class EmbeddedStore:
    """The store over one SQLite file; make one with `await EmbeddedStore.open(path)`."""

    # One transaction per 10,000 people: a commit (one fsync) per chunk, and
    # 500 per chunk measured 10 % slower at 55k (bench/RESULTS.md).
    bulk_batch_size = 10_000

    def __init__(self, db: Database) -> None:
        self._db = db
        self._audit = GroupCommit(db, personal.record_audit)
        self._rarity: mentor_reads.Rarity = {}

    @classmethod
    async def open(
        cls,
        path: str | PathLike[str],
        *,
        readers: int = 4,
        create: bool = True,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> EmbeddedStore:
        """Open the file at `path` and bring its schema up to date.

        The file is created if need be, unless `create` is false: then a
        missing file is `StoreUnavailableError` ("no database at PATH").
        `busy_timeout`: the longest a request waits for a lock another
        process holds (seconds), then `StoreUnavailableError`."""
        db = Database(Path(path), readers=readers, create=create, busy_timeout=busy_timeout)
        store = cls(db)
        try:
            await db.start()
            await store.init_schema()
        except BaseException:
            await db.close()
            raise
        return store

    @property
    def path(self) -> Path:
        return self._db.path

    # --- lifecycle ----------------------------------------------------------

    async def init_schema(self, *, indexes: bool = True) -> None:
        # The migrations bring the schema whole: a 55k seed loads in ~30 s with it.
        await self._db.migrate()

    async def ping(self) -> None:
        await self._db.ping()

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> EmbeddedStore:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    # --- reference data -----------------------------------------------------

    async def reference_version(self) -> int:
        return await self._db.read(reads.reference_version)

    async def reference_data(self) -> ReferenceData:
        return await self._db.read(reads.reference_data)

    # --- organisation -------------------------------------------------------

    async def units(self) -> list[Unit]:
        return await self._db.read(reads.units)

    async def get_units(self, ids: Sequence[str]) -> list[Unit | None]:
        return await self._db.read(lambda conn: reads.get_units(conn, ids))

    async def subtree_unit_ids(self, unit_id: str) -> list[str]:
        return await self._db.read(lambda conn: reads.subtree_unit_ids(conn, unit_id))

    async def unit_needs(self, unit_ids: Sequence[str]) -> list[UnitNeed]:
        return await self._db.read(lambda conn: reads.unit_needs(conn, unit_ids))

    # --- people -------------------------------------------------------------

    async def get_employees(self, ids: Sequence[str]) -> list[Employee | None]:
        return await self._db.read(lambda conn: reads.get_employees(conn, ids))

    async def employees_in_units(
        self,
        unit_ids: Sequence[str] | None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> list[Employee]:
        if first is not None and first < 0:
            raise ValidationError("first must not be negative", field="first", value=first)
        return await self._db.read(
            lambda conn: reads.employees_in_units(conn, unit_ids, first, after)
        )

    async def count_employees_in_units(self, unit_ids: Sequence[str] | None) -> int:
        return await self._db.read(lambda conn: reads.count_employees_in_units(conn, unit_ids))

    async def holdings_of(self, employee_ids: Sequence[str]) -> list[Holding]:
        return await self._db.read(lambda conn: reads.holdings_of(conn, employee_ids))

    async def holders(
        self,
        competence_id: str,
        min_level: int,
        *,
        unit_ids: Sequence[str] | None = None,
    ) -> list[Holding]:
        return await self._db.read(
            lambda conn: reads.holders(conn, competence_id, min_level, unit_ids)
        )

    async def mentorships_of(
        self,
        employee_ids: Sequence[str],
        *,
        role: MentorRole = "any",
        active_on: date | None = None,
    ) -> list[Mentorship]:
        if role not in ("mentor", "adept", "any"):
            raise ValidationError(f"unknown mentorship role {role!r}", field="role", value=role)
        return await self._db.read(
            lambda conn: reads.mentorships(conn, employee_ids, role, active_on)
        )

    async def get_plans(self, ids: Sequence[str]) -> list[Plan | None]:
        return await self._db.read(lambda conn: reads.get_plans(conn, ids))

    async def plans_of(self, employee_ids: Sequence[str]) -> list[Plan]:
        return await self._db.read(lambda conn: reads.plans_of(conn, employee_ids))

    async def plan_activities(self, plan_ids: Sequence[str]) -> list[PlanActivity]:
        return await self._db.read(lambda conn: reads.plan_activities(conn, plan_ids))

    async def conversations_of(
        self,
        employee_ids: Sequence[str],
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Conversation]:
        return await self._db.read(
            lambda conn: reads.conversations_of(conn, employee_ids, since, until)
        )

    # --- aggregates (ladders.ports.AggregateReads), counted in SQL -----------

    async def supply_counts(
        self,
        wanted: Mapping[str, Sequence[tuple[str, int]]],
        *,
        as_of: date,
        retiring_born_by: int | None,
        due_by: date,
    ) -> list[SupplyCount]:
        return await self._db.read(
            lambda conn: aggregates.supply_counts(conn, wanted, as_of, retiring_born_by, due_by)
        )

    async def holder_count(
        self, competence_id: str, level: int, *, unit_ids: Sequence[str], as_of: date
    ) -> int:
        return await self._db.read(
            lambda conn: holder_counts.holder_count(conn, competence_id, level, unit_ids, as_of)
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
        return await self._db.read(
            lambda conn: holder_counts.developing_count(
                conn, competence_id, level, unit_ids, as_of, due_by
            )
        )

    async def transfer_counts(
        self, unit_ids: Sequence[str], *, min_level: int, senior_born_by: int, as_of: date
    ) -> list[TransferCount]:
        return await self._db.read(
            lambda conn: aggregates.transfer_counts(
                conn, unit_ids, min_level, senior_born_by, as_of
            )
        )

    async def coverage_counts(
        self, unit_ids: Sequence[str], *, as_of: date, since: date
    ) -> CoverageCount:
        return await self._db.read(
            lambda conn: aggregates.coverage_counts(conn, unit_ids, as_of, since)
        )

    async def units_token(self) -> str | None:
        row = await self._db.read(
            lambda conn: conn.execute("SELECT value FROM meta WHERE key = 'units_token'").fetchone()
        )
        return None if row is None else str(row[0])

    def weighs_in_units(self) -> Literal[True]:
        """`WeighsInUnits`: least-weight reads start from the rarest competencies."""
        return True

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
        return await self._db.read(
            lambda conn: mentor_reads.mentor_rows(
                conn,
                min_levels,
                born_by,
                as_of,
                unit_ids,
                without_unit,
                weights or {},
                min_weight,
                self._rarity,
            )
        )

    # --- writes -------------------------------------------------------------

    async def import_dataset(self, dataset: Dataset, *, progress: ProgressFn | None = None) -> None:
        loop = asyncio.get_running_loop()

        def report(n: int) -> None:
            # Called on the writer thread: hand the callback to the event loop,
            # where the caller's code expects to run.
            if progress is not None:
                loop.call_soon_threadsafe(progress, n)

        await self._db.write(
            lambda conn: writes.import_dataset(conn, dataset, report), tables=writes.ALL_TABLES
        )

    async def bulk_load(
        self,
        chunks: Chunks,
        *,
        progress: ProgressFn | None = None,
        written: WrittenFn | None = None,
    ) -> None:
        # One transaction per chunk; the import already writes with executemany
        # per batch, and upserts cost little more than inserts in SQLite.
        async for chunk in each_chunk(chunks):
            await self.import_dataset(chunk, progress=progress)
            if written is not None:
                written(chunk)

    async def export_dataset(self) -> Dataset:
        return await self._db.read(reads.export_dataset)

    async def upsert_employee(
        self, employee: Employee, *, expected: Was[Employee] | None = None
    ) -> None:
        await self._db.write(
            lambda conn: writes.upsert_employee(conn, employee, expected),
            tables=("employee", "employee_manages"),
        )

    async def upsert_holding(self, holding: Holding) -> None:
        await self._db.write(lambda conn: writes.upsert_holding(conn, holding), tables=("holding",))

    async def upsert_unit_need(self, need: UnitNeed) -> None:
        await self._db.write(
            lambda conn: writes.upsert_unit_need(conn, need), tables=("unit_need",)
        )

    async def upsert_mentorship(
        self, mentorship: Mentorship, *, expected: Was[Mentorship] | None = None
    ) -> None:
        await self._db.write(
            lambda conn: writes.upsert_mentorship(conn, mentorship, expected),
            tables=("mentorship", "mentorship_focus"),
        )

    async def start_mentorship(
        self, mentorship: Mentorship, *, capacity: int, mentor: Was[Employee] | None = None
    ) -> None:
        await self._db.write(
            lambda conn: writes.start_mentorship(conn, mentorship, capacity, mentor),
            tables=("mentorship", "mentorship_focus"),
        )

    async def upsert_plan(self, plan: Plan, *, expected: PlanStatus | None = None) -> None:
        await self._db.write(
            lambda conn: writes.upsert_plan(conn, plan, expected), tables=("plan",)
        )

    async def create_plan(self, plan: Plan, activities: Sequence[PlanActivity]) -> None:
        await self._db.write(
            lambda conn: writes.create_plan(conn, plan, activities),
            tables=("plan", "plan_activity"),
        )

    async def add_plan_activity(self, activity: PlanActivity) -> PlanActivity:
        return await self._db.write(
            lambda conn: writes.add_plan_activity(conn, activity), tables=("plan_activity",)
        )

    async def update_plan_activity(
        self,
        activity: PlanActivity,
        *,
        holding: Holding | None = None,
        expected: ItemExpected | None = None,
    ) -> None:
        await self._db.write(
            lambda conn: writes.update_plan_activity(conn, activity, holding, expected),
            tables=("plan_activity", "holding"),
        )

    async def add_conversation(self, conversation: Conversation) -> None:
        await self._db.write(
            lambda conn: writes.add_conversation(conn, conversation), tables=("conversation",)
        )

    # --- security: the audit log and personal-data rights ----------------------

    async def record_audit(self, records: Sequence[AuditRecord]) -> None:
        if records:
            await self._audit.append(records)

    async def audit_log(
        self,
        *,
        who: str | None = None,
        whom: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        return await self._db.read(lambda conn: personal.audit_log(conn, who, whom, since, limit))

    async def erase_employee(self, employee_id: str) -> bool:
        return await self._db.write(
            lambda conn: personal.erase_employee(conn, employee_id),
            tables=("plan_activity", "plan", "mentorship", "employee_manages"),
        )
