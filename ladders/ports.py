"""The store port: what the domain and the API need from a store.

Two adapters implement it (graph/embedded: SQLite, graph/neo4j: Neo4j) and
one contract suite (tests/contract) holds them to identical answers.

Conventions every implementation keeps:
- Batch reads take many ids and never fail on unknown ones: `get_*` return a
  list aligned with the ids (None where unknown), the others return what exists.
- Every list comes back in a fixed order (given per method), so both stores
  answer identically.
- Every write runs in one transaction: it is wholly applied or not at all.
  A write naming an unknown id raises `IntegrityError` and changes nothing.
- Writes to reference data (competencies, professions, ladders, steps,
  transitions, activities) bump `reference_version()`.
- Driver errors are translated at the boundary: `StoreUnavailableError` when the
  store cannot be reached, `IntegrityError` for broken keys or references.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ladders.models import (
    Conversation,
    ConversationKind,
    Dataset,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    ReferenceData,
    Unit,
    UnitNeed,
)

T = TypeVar("T")

ProgressFn = Callable[[int], None]
"""Called with the number of records just written, so a caller can show progress."""
WrittenFn = Callable[[Dataset], None]
"""Told each `bulk_load` chunk once it is committed."""

MentorRole = Literal["mentor", "adept", "any"]

Chunks = AsyncIterable[Dataset] | Iterable[Dataset]
"""A stream of partial datasets for `Store.bulk_load`."""

AUDIT_PAGE = 1_000
"""The most audit records one `Store.audit_log` call returns."""


@dataclass(frozen=True)
class Was(Generic[T]):
    """The stored record a command read (None: there was none), for a write
    to compare-and-set against: the store reads it again in the write's own
    transaction and, if it differs, writes nothing and raises
    `ConflictError` (a command must not overwrite what it never saw)."""

    value: T | None


@dataclass(frozen=True)
class ItemExpected:
    """What a command read before it changes a plan item, for
    `Store.update_plan_activity` to check again in its own transaction."""

    statuses: Collection[PlanActivityStatus]
    """The item's status is one of these, and its plan is not closed: else
    `ConflictError("plan activity 'p#n' is <status>")` or `("plan 'p' is
    closed")`."""
    holding: Was[Holding] | None = None
    """The plan's person's holding of the item's competence as the command
    read it. A completion decides from it whether to record its level, so
    an assessment written since (a higher level, say) makes the write a
    `ConflictError`."""

    @staticmethod
    def holding_changed(employee_id: str, competence_id: str) -> str:
        """The conflict's message when the holding is not the one read."""
        return changed(f"{employee_id}'s holding of {competence_id!r}")


def changed(what: str) -> str:
    """A compare-and-set conflict's message, the same from every store."""
    return f"{what} changed since it was read; try again"


def plan_exists(plan_id: str) -> str:
    """`Store.create_plan`'s conflict message, the same from every store (and
    the one `plan_commands.create_plan` gives when it reads the id taken)."""
    return f"plan {plan_id!r} already exists"


class AuditRecord(BaseModel):
    """One caller's read of another person's data in one request (DESIGN §5):
    who, whom, which fields, when. Ids only: no values that were read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: AwareDatetime
    who: str
    whom: str
    fields: tuple[str, ...] = Field(min_length=1)
    """The fields read, sorted."""
    request_id: str | None = None
    operation: str | None = None


@runtime_checkable
class Store(Protocol):
    # --- lifecycle ----------------------------------------------------------

    async def init_schema(self, *, indexes: bool = True) -> None:
        """Create tables/constraints/indexes; idempotent (`stege db init`).

        `indexes=False`: only what writes need, for a bulk load into an empty
        store, whose other indexes cost less built once after it than kept
        up to date by each of its transactions; call again without it after
        the load. A store may create everything either way."""
        ...

    async def ping(self) -> None:
        """Raise `StoreUnavailableError` unless the store answers a trivial query."""
        ...

    async def close(self) -> None: ...

    # --- reference data -----------------------------------------------------

    async def reference_version(self) -> int:
        """A counter bumped by every write to reference data."""
        ...

    async def reference_data(self) -> ReferenceData:
        """All reference data, each tuple sorted by id (steps by ladder id, then
        ordinal; transitions by from, to; requirements and developments by
        competence id), with the current version."""
        ...

    # --- organisation -------------------------------------------------------

    async def units(self) -> list[Unit]:
        """Every unit, by id (the tree is small: thousands at most)."""
        ...

    async def get_units(self, ids: Sequence[str]) -> list[Unit | None]: ...

    async def subtree_unit_ids(self, unit_id: str) -> list[str]:
        """The unit and every unit below it, sorted by id; [] when unknown."""
        ...

    async def unit_needs(self, unit_ids: Sequence[str]) -> list[UnitNeed]:
        """Needs declared on these units, by (unit, competence, level, horizon)."""
        ...

    # --- people -------------------------------------------------------------

    async def get_employees(self, ids: Sequence[str]) -> list[Employee | None]: ...

    async def employees_in_units(
        self,
        unit_ids: Sequence[str] | None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> list[Employee]:
        """Employees working in any of these units (None: every employee, in
        a unit or not), by id; `after` is an exclusive employee-id cursor,
        `first` a limit."""
        ...

    async def count_employees_in_units(self, unit_ids: Sequence[str] | None) -> int:
        """How many `employees_in_units` lists (None: every employee)."""
        ...

    async def holdings_of(self, employee_ids: Sequence[str]) -> list[Holding]:
        """Holdings of these employees, by (employee, competence)."""
        ...

    async def holders(
        self,
        competence_id: str,
        min_level: int,
        *,
        unit_ids: Sequence[str] | None = None,
    ) -> list[Holding]:
        """Holdings of the competence at `level >= min_level` (expired ones
        included: expiry is the domain's rule), optionally only of employees
        working in `unit_ids`; by employee id. Indexed, never a scan of all
        employees."""
        ...

    async def mentorships_of(
        self,
        employee_ids: Sequence[str],
        *,
        role: MentorRole = "any",
        active_on: date | None = None,
    ) -> list[Mentorship]:
        """Mentorships where these employees are mentor, adept or either;
        with `active_on`, only those active that day (`Mentorship.active_on`).
        By (mentor, adept, started_on)."""
        ...

    async def get_plans(self, ids: Sequence[str]) -> list[Plan | None]: ...

    async def plans_of(self, employee_ids: Sequence[str]) -> list[Plan]:
        """Plans of these employees, by (employee, id)."""
        ...

    async def plan_activities(self, plan_ids: Sequence[str]) -> list[PlanActivity]:
        """Items of these plans, by (plan, seq)."""
        ...

    async def conversations_of(
        self,
        employee_ids: Sequence[str],
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Conversation]:
        """Conversations of these employees held in [since, until] (bounds
        inclusive, each optional), by (employee, held_on, kind)."""
        ...

    # --- writes -------------------------------------------------------------

    async def import_dataset(self, dataset: Dataset, *, progress: ProgressFn | None = None) -> None:
        """Upsert a whole dataset in one transaction (all or nothing).

        Upsert keys: ids for nodes; (step, competence) for requirements;
        (from, to) for transitions; (activity, competence) for developments;
        (unit, competence, level, horizon) for needs; (employee, competence)
        for holdings; (mentor, adept, started_on) for mentorships; (plan, seq)
        for plan activities; (employee, kind, held_on) for conversations.
        Importing the same dataset twice leaves the store as after the first.
        """
        ...

    @property
    def bulk_batch_size(self) -> int:
        """Employees per `bulk_load` chunk that this store loads fastest: what
        `stege seed synthetic` sends when not told (bench/RESULTS.md, seeding)."""
        ...

    async def bulk_load(
        self,
        chunks: Chunks,
        *,
        progress: ProgressFn | None = None,
        written: WrittenFn | None = None,
    ) -> None:
        """Stream many partial datasets in, one transaction per chunk.

        For data too big for one transaction (`stege seed synthetic`): each
        chunk is upserted with `import_dataset`'s keys and meaning, and is
        wholly applied or not at all; chunks are applied in order, so one may
        reference records of an earlier chunk, and a failure leaves the chunks
        before it written. Stores write records that do not exist yet the fast
        way (CREATE on Neo4j), existing ones as upserts.

        `written(chunk)` is called as each chunk is committed, in order. A
        store may take the next chunk from `chunks` before that (to prepare
        it while the server commits), so the pace of the stream is no sign
        of what is written.
        """
        ...

    async def export_dataset(self) -> Dataset:
        """Everything stored, each collection in the order of its read method."""
        ...

    async def upsert_employee(
        self, employee: Employee, *, expected: Was[Employee] | None = None
    ) -> None:
        """Create or replace an employee with their unit, profession, step and
        managed units (the previous links are replaced). With `expected`, only
        if the stored employee is still that one (`Was`): else
        `ConflictError("employee 'e' changed since it was read; ...")`."""
        ...

    async def upsert_holding(self, holding: Holding) -> None: ...

    async def upsert_unit_need(self, need: UnitNeed) -> None: ...

    async def upsert_mentorship(
        self, mentorship: Mentorship, *, expected: Was[Mentorship] | None = None
    ) -> None:
        """Create, or update focus/ended_on of, the mentorship with this key.
        With `expected`, only if the stored one of that key is still that one
        (`Was`): else `ConflictError("the mentorship m->a changed since it
        was read; ...")`."""
        ...

    async def start_mentorship(
        self, mentorship: Mentorship, *, capacity: int, mentor: Was[Employee] | None = None
    ) -> None:
        """Create `mentorship` unless, on its `started_on`, the two already have
        an open mentorship (or one started that day) or the mentor already has
        `capacity` active ones: `ConflictError` then. Checked and written in
        one transaction, so concurrent starts cannot exceed a capacity. With
        `mentor`, the mentor's stored record must still be the one read (its
        capacity, age and unit judged the start): else `ConflictError(changed
        ("employee 'id'"))`, so a capacity lowered meanwhile is not exceeded."""
        ...

    async def upsert_plan(self, plan: Plan, *, expected: PlanStatus | None = None) -> None:
        """Create or replace `plan`. With `expected`, a compare-and-set: the
        stored plan's status, read in the write's own transaction, must be
        this, or nothing is written and `ConflictError("plan 'p' is
        <status>")` says what it is now (a follow-up that read an active
        plan cannot reopen one another follow-up closed meanwhile)."""
        ...

    async def create_plan(self, plan: Plan, activities: Sequence[PlanActivity]) -> None:
        """Create `plan` with its items (their seqs as given) in one
        transaction, unless a plan with its id exists: then nothing is written
        and `ConflictError(plan_exists(id))`. Checked in the write's own
        transaction, so of two creating one id, one fails: `import_dataset`
        upserts, and gave the second the first's plan, its items beyond the
        second's own included, both answered as created."""
        ...

    async def add_plan_activity(self, activity: PlanActivity) -> PlanActivity:
        """Append an item to its plan; the given `seq` is ignored and the next
        free one (max + 1) is assigned and returned. A closed plan takes no
        more items: `ConflictError("plan 'p' is closed")`, checked in the
        write's own transaction."""
        ...

    async def update_plan_activity(
        self,
        activity: PlanActivity,
        *,
        holding: Holding | None = None,
        expected: ItemExpected | None = None,
    ) -> None:
        """Replace an existing item (by plan and seq), and upsert `holding` in
        the same transaction (completing an item records what it gave).

        With `expected`, a compare-and-set of what the command read (see
        `ItemExpected`), checked in the write's own transaction: if the
        store holds something else now, nothing is written (not the holding
        either) and `ConflictError` says what changed; so of concurrent
        commands, each either sees the other's write or fails."""
        ...

    async def add_conversation(self, conversation: Conversation) -> None: ...

    # --- security: the audit log and personal-data rights (issue 5) ----------

    async def record_audit(self, records: Sequence[AuditRecord]) -> None:
        """Append these audit records in one transaction (the API writes one
        batch per request). Records name ids that need not exist (an erased
        person's reads stay on record); nothing here is ever updated."""
        ...

    async def audit_log(
        self,
        *,
        who: str | None = None,
        whom: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Audit records, optionally only those by `who`, about `whom`, at or
        after `since`; newest first, then by (who, whom); at most
        `min(limit, AUDIT_PAGE)`. Indexed by who, whom and time."""
        ...

    async def erase_employee(self, employee_id: str) -> bool:
        """Delete the person and everything held about them (GDPR art. 17):
        their holdings, mentorships in either role (with focus), plans and
        plan items, conversations and managed-unit links, in one transaction.
        Units, needs and reference data stay; so do audit records (ids only,
        kept as the record of who read what). False when the id is unknown."""
        ...


# --- optional store-side aggregates (issue 3, point 7) -------------------------
#
# Supply, transfer risk and plan coverage of a big subtree (a region of 55,000,
# an administration of 5,000) read every employee's holdings and plans through
# the batch reads above, which costs seconds. A store that can count in the
# database implements `AggregateReads` too; the domain uses it when
# `isinstance(store, AggregateReads)` and falls back to the batch reads
# otherwise. Each method's answer must equal the domain's reference function
# named in its docstring (the contract suite compares them), so the meaning
# stays in one place: the rules of DESIGN §4, in ladders/.


@dataclass(frozen=True, slots=True)
class SupplyCount:
    """Counts for one (unit, competence, level), over the unit's OWN employees.

    A plain dataclass, not a model: a 5,000-person subtree has thousands, and
    validating each cost more than counting it (bench/RESULTS.md)."""

    unit_id: str
    competence_id: str
    level: int
    supply_now: int
    retiring: int
    in_development: int


class TransferCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    competence_id: str
    holders: int
    senior_holders: int
    mentorships_active: int


class CoverageCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    employees: int
    with_current_plan: int
    conversations: tuple[tuple[ConversationKind, int], ...]
    """(kind, employees who had one) for every kind, in `ConversationKind` order."""


@dataclass(frozen=True, slots=True)
class MentorRow:
    """A possible mentor, with just what ranking needs (`AggregateReads.mentor_rows`).

    A plain dataclass rather than a model: a region-wide pool has thousands."""

    id: str
    unit_id: str | None
    birth_year: int
    mentor_capacity: int | None
    """None: the rules' default capacity."""
    levels: Mapping[str, int]
    """Held level (expiry applied) per asked competence held at >= its least level."""
    active_adept_ids: frozenset[str]


@runtime_checkable
class AggregateReads(Protocol):
    async def supply_counts(
        self,
        wanted: Mapping[str, Sequence[tuple[str, int]]],
        *,
        as_of: date,
        retiring_born_by: int | None,
        due_by: date,
    ) -> list[SupplyCount]:
        """For each unit of `wanted` and each (competence, level) it maps to,
        over the employees working in that unit itself (not its subtree):
        `supply_now` = held level (expiry applied, `ladders.holding.held_level`)
        >= level on `as_of`; `retiring` = of those, born in or before
        `retiring_born_by` (0 when None); `in_development` = not in supply_now,
        with an item for the competence in a plan that is not closed, status
        planned or ongoing, target_level >= level, due (`due_on`, else the
        plan's `period_end`) on or before `due_by`. Only rows with a count > 0,
        by (unit, competence, level). Reference: `ladders.supply.supply_counts`."""
        ...

    async def holder_count(
        self, competence_id: str, level: int, *, unit_ids: Sequence[str], as_of: date
    ) -> int:
        """How many employees working in `unit_ids` hold `competence_id` at a
        held level (expiry applied, `ladders.holding.held_level`) >= `level`
        on `as_of`. Reference: `ladders.suggestions.holder_count`."""
        ...

    async def developing_count(
        self,
        competence_id: str,
        level: int,
        *,
        unit_ids: Sequence[str],
        as_of: date,
        due_by: date,
    ) -> int:
        """How many employees working in `unit_ids` are in development towards
        `competence_id` at `level`, as `supply_counts` counts `in_development`:
        not holding it at >= `level` on `as_of` (expiry applied), with an item
        for it in a plan that is not closed, status planned or ongoing,
        target_level >= `level`, due (`due_on`, else the plan's `period_end`)
        on or before `due_by`. Reference: `ladders.suggestions.developing_count`."""
        ...

    async def transfer_counts(
        self,
        unit_ids: Sequence[str],
        *,
        min_level: int,
        senior_born_by: int,
        as_of: date,
    ) -> list[TransferCount]:
        """Per competence held at >= `min_level` (expiry applied) by someone
        working in `unit_ids`: `holders`, `senior_holders` (born in or before
        `senior_born_by`), `mentorships_active` (mentorships active on `as_of`
        whose mentor is one of those holders and whose focus has the
        competence). By competence id. Reference: `ladders.risk.transfer_counts`."""
        ...

    async def coverage_counts(
        self, unit_ids: Sequence[str], *, as_of: date, since: date
    ) -> CoverageCount:
        """Over the employees working in `unit_ids`: how many; how many have
        an active plan whose period contains `as_of`, created or followed up
        in [since, as_of]; per conversation kind, how many had one held in
        [since, as_of]. Reference: `ladders.coverage.coverage_counts`."""
        ...

    async def units_token(self) -> str | None:
        """A value that changes with every write to a unit (so a unit tree read
        while it stays the same is still current); None when the store cannot
        tell, and the units must be read."""
        ...

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
        """The employees born in or before `born_by` who hold some competence
        of `min_levels` at >= its level on `as_of` (expiry applied,
        `ladders.holding.held_level`), with those levels and the adepts of
        their mentorships active on `as_of`; by id. Only those working in
        `unit_ids` (and, with `without_unit`, those in no unit) when given;
        only those whose `weights` (0 when absent) of the competencies in
        their levels add up to >= `min_weight`.
        Reference: `ladders.mentor_pool.load_mentor_pool` without this read."""
        ...


@runtime_checkable
class WeighsInUnits(Protocol):
    """Optional, with `AggregateReads`: a store whose `mentor_rows` in some
    units with a least weight costs little more than the few who reach it
    (the embedded store: it starts from the rarest competencies). The mentor
    search then reads past its rings band by band, the farther the heavier;
    from any other store it reads the rest in one region-wide read, which
    costs such a store less than a band's units."""

    def weighs_in_units(self) -> Literal[True]: ...
