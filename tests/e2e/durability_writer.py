"""The writer process of test_durability: writes to an embedded store until it
is killed, printing `ACK <kind> <key>` after each write the store acknowledged.

    python -m tests.e2e.durability_writer DB START

Two kinds of write, alternating: a conversation (one row), and an audit
batch of `BATCH` records sharing one request id (one transaction: after a
crash it must be all there or not at all).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from graph.embedded import EmbeddedStore
from ladders.models import Conversation, ConversationKind
from ladders.ports import AuditRecord

BATCH = 50
EMPLOYEE = "e03"


def conversation(n: int) -> Conversation:
    return Conversation(
        employee_id=EMPLOYEE,
        kind=ConversationKind.MEDARBETARSAMTAL,
        held_on=date(1900, 1, 1) + timedelta(days=n),
    )


def audit_batch(n: int) -> list[AuditRecord]:
    at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=n)
    return [
        AuditRecord(at=at, who="e05", whom=f"w{i}", fields=("name",), request_id=f"r{n}")
        for i in range(BATCH)
    ]


async def main(path: Path, start: int) -> None:
    store = await EmbeddedStore.open(path)
    n = start
    while True:
        await store.add_conversation(conversation(n))
        print(f"ACK conversation {n}", flush=True)
        await store.record_audit(audit_batch(n))
        print(f"ACK audit {n}", flush=True)
        n += 1


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
