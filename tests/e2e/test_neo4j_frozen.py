"""A frozen Neo4j (SIGSTOP: a hung server or a network partition), on a
server of this test's own: it accepts nothing and answers nothing, so only
our own timeouts end a wait. /readyz must say 503 within seconds, and a new
store must give up opening a connection within its connection timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import UTC, datetime

import pytest

from graph.neo4j import Neo4jStore
from ladders.errors import OutcomeUnknownError, StoreUnavailableError
from ladders.ports import AuditRecord
from tests.e2e.test_neo4j_outage import _client, _load, _me, _require_java, _unavailable
from tests.neo4j_server import Neo4jServer

pytestmark = pytest.mark.neo4j

AUDIT = AuditRecord(at=datetime(2025, 3, 1, tzinfo=UTC), who="e05", whom="e03", fields=("name",))


async def test_readyz_and_new_connections_give_up_on_a_frozen_neo4j() -> None:
    _require_java()
    server = Neo4jServer().start()
    frozen = False
    try:
        assert server.uri is not None
        assert server.pid is not None
        await _load(server.uri)
        async with _client(server.uri, 2, query_timeout=2) as client:
            assert (await _me(client)).status_code == 200  # a pooled connection
            assert (await client.get("/readyz")).status_code == 200

            os.kill(server.pid, signal.SIGSTOP)
            frozen = True
            # A question on the pooled connection: sent, never answered. It
            # waited for good; it is given up after the query timeout (2 s).
            began = time.monotonic()
            asked = await asyncio.wait_for(_me(client), 60)
            took = time.monotonic() - began
            _unavailable(asked)
            assert took < 10, f"a question took {took:.1f} s on a frozen server"

            began = time.monotonic()
            ready = await client.get("/readyz")
            took = time.monotonic() - began
            assert ready.status_code == 503
            assert took < 6, f"/readyz took {took:.1f} s on a frozen server"
            assert (await client.get("/healthz")).status_code == 200

        # A write given up may have been committed: OUTCOME_UNKNOWN, not "try again".
        writer = await Neo4jStore.open(uri=server.uri, query_timeout=1)
        try:
            os.kill(server.pid, signal.SIGCONT)
            await writer.ping()  # a pooled connection, then frozen again
            os.kill(server.pid, signal.SIGSTOP)
            began = time.monotonic()
            with pytest.raises(OutcomeUnknownError, match="may have been made"):
                await asyncio.wait_for(writer.record_audit([AUDIT]), 60)
            took = time.monotonic() - began
            assert took < 8, f"a write took {took:.1f} s on a frozen server"
        finally:
            await writer.close()

        # A store opened while the server is frozen: TCP connects (the kernel
        # accepts), the Bolt handshake never completes.
        store = await Neo4jStore.open(uri=server.uri, max_transaction_retry_time=0)
        try:
            began = time.monotonic()
            with pytest.raises(StoreUnavailableError):
                await store.ping()
            took = time.monotonic() - began
            assert took < 12, f"opening a connection took {took:.1f} s on a frozen server"
        finally:
            await store.close()
    finally:
        if frozen:
            os.kill(server.pid, signal.SIGCONT)  # type: ignore[arg-type]
        server.stop()
