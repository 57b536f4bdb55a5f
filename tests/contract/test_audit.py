"""The audit log: append a request's records in one batch, read them back
filtered by who, whom and time, newest first."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import apsw

from graph.embedded import EmbeddedStore
from graph.embedded.schema import MIGRATIONS
from ladders.ports import AUDIT_PAGE, AuditRecord, Store

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def rec(minutes: int, who: str, whom: str, *fields: str, **extra: str) -> AuditRecord:
    return AuditRecord(
        at=T0 + timedelta(minutes=minutes), who=who, whom=whom, fields=fields, **extra
    )


async def test_records_come_back_newest_first(store: Store) -> None:
    first = [
        rec(0, "e05", "e03", "competences", "name", request_id="r1", operation="Q"),
        rec(0, "e05", "e01", "name", request_id="r1", operation="Q"),
    ]
    second = [rec(5, "e06", "e04", "gap", request_id="r2")]
    await store.record_audit(first)
    await store.record_audit(second)
    await store.record_audit([])  # nothing read about others: nothing written

    assert await store.audit_log() == [second[0], first[1], first[0]]


async def test_records_of_one_instant_come_in_one_order_on_every_store(store: Store) -> None:
    # Two requests reading the same person in the same microsecond: without
    # a tie-breaker SQLite gave them in insertion order and Neo4j in its own.
    later = rec(0, "e05", "e03", "plans", request_id="r2", operation="Q")
    earlier = rec(0, "e05", "e03", "name", request_id="r1", operation="Q")
    await store.record_audit([later])
    await store.record_audit([earlier])

    assert await store.audit_log() == [earlier, later]
    assert await store.audit_log(limit=1) == [earlier]


async def test_filters_by_who_whom_and_since(store: Store) -> None:
    records = [
        rec(0, "e05", "e03", "name"),
        rec(1, "e06", "e03", "plans"),
        rec(2, "e05", "e01", "name"),
        rec(3, "e05", "e03", "gap"),
    ]
    await store.record_audit(records)

    assert await store.audit_log(whom="e03") == [records[3], records[1], records[0]]
    assert await store.audit_log(who="e05") == [records[3], records[2], records[0]]
    assert await store.audit_log(who="e05", whom="e03") == [records[3], records[0]]
    assert await store.audit_log(since=T0 + timedelta(minutes=2)) == [records[3], records[2]]
    assert await store.audit_log(limit=1) == [records[3]]
    assert await store.audit_log(who="nobody") == []


async def test_times_keep_their_instant_in_any_zone(store: Store) -> None:
    """A time given in another zone is the same instant, ordered as such."""
    cet = timezone(timedelta(hours=1))
    late = AuditRecord(
        at=T0.astimezone(cet) + timedelta(seconds=1), who="a", whom="b", fields=("x",)
    )
    early = AuditRecord(at=T0, who="a", whom="c", fields=("x",))
    await store.record_audit([late, early])

    got = await store.audit_log()
    assert [r.whom for r in got] == ["b", "c"]
    assert got[0].at == late.at  # equal instants, whatever the zone


async def test_the_page_is_bounded(store: Store) -> None:
    await store.record_audit([rec(i % 7, "e05", f"x{i}", "name") for i in range(AUDIT_PAGE + 5)])
    assert len(await store.audit_log(limit=AUDIT_PAGE * 10)) == AUDIT_PAGE


async def test_a_file_of_schema_1_gets_the_audit_table(tmp_path: Path) -> None:
    """Migration 2 upgrades a file written before the audit log existed."""
    path = tmp_path / "old.db"
    with closing(apsw.Connection(str(path))) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)"
        )
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations (version) VALUES (1)")

    store = await EmbeddedStore.open(path)
    try:
        await store.record_audit([rec(0, "e05", "e03", "name")])
        assert [r.whom for r in await store.audit_log()] == ["e03"]
    finally:
        await store.close()


async def test_concurrent_batches_are_each_recorded_once_when_their_call_returns(
    store: Store,
) -> None:
    import asyncio

    async def one(i: int) -> None:
        batch = [rec(i, "e05", f"p{i:02}", "gap", request_id=f"r{i}")]
        await store.record_audit(batch)
        # Committed when the call returns: a later read sees it.
        assert batch[0] in await store.audit_log(whom=f"p{i:02}")

    await asyncio.gather(*(one(i) for i in range(40)))
    logged = await store.audit_log(who="e05")
    assert sorted(r.request_id or "" for r in logged) == sorted(f"r{i}" for i in range(40))
