"""tools/neo4j-server's page cache setting reaches Neo4j (the bench sizes it
for a 55,000-person store; the tests keep the 64 MiB default)."""

from __future__ import annotations

import pytest
from neo4j import GraphDatabase

from tests.e2e.test_neo4j_outage import _require_java as require_java
from tests.neo4j_server import Neo4jServer

pytestmark = pytest.mark.neo4j

SETTING = "SHOW SETTINGS YIELD name, value WHERE name = 'server.memory.pagecache.size' RETURN value"


def test_the_page_cache_size_is_the_one_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    require_java()  # the same rule as the outage test: never skipped in CI
    monkeypatch.setenv("NEO4J_SERVER_PAGECACHE", "96m")
    with Neo4jServer() as server, GraphDatabase.driver(server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query(SETTING, database_="system")
    assert [r["value"] for r in records] == ["96.00MiB"]
