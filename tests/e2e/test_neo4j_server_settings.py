"""tools/neo4j-server's settings reach Neo4j: the page cache (the bench sizes
it for a 55,000-person store; the tests keep the 64 MiB default) and the
least time between replans (the suite's server keeps its plans for an hour)."""

from __future__ import annotations

import os

import pytest
from neo4j import GraphDatabase

from tests.e2e.test_neo4j_outage import _require_java as require_java
from tests.neo4j_server import Neo4jServer, Neo4jServerError

pytestmark = pytest.mark.neo4j

SETTINGS = (
    "SHOW SETTINGS YIELD name, value"
    " WHERE name IN ['server.memory.pagecache.size', 'dbms.cypher.min_replan_interval']"
    " RETURN name, value"
)


def _settings(uri: str) -> dict[str, str]:
    with GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(SETTINGS, database_="system")
    return {r["name"]: r["value"] for r in records}


def test_the_settings_are_the_ones_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    require_java()  # the same rule as the outage test: never skipped in CI
    monkeypatch.setenv("NEO4J_SERVER_PAGECACHE", "96m")
    with Neo4jServer(min_replan="90m") as server:
        assert server.uri is not None
        assert _settings(server.uri) == {
            "server.memory.pagecache.size": "96.00MiB",
            "dbms.cypher.min_replan_interval": "1h30m",
        }


def test_the_suites_server_keeps_its_plans(neo4j_uri: str) -> None:
    if os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI names a server the suite did not start")
    assert _settings(neo4j_uri)["dbms.cypher.min_replan_interval"] == "1h"


def test_a_bad_replan_interval_is_named() -> None:
    require_java()
    with pytest.raises(Neo4jServerError, match="NEO4J_SERVER_MIN_REPLAN must be a duration"):
        Neo4jServer(min_replan="soon").start()
