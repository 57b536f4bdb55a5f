"""Session-wide fixtures: the Neo4j server every Neo4j-backed test shares,
and the release of each test's app.

When `NEO4J_URI` is set, that server is used (on one worker only: the tests
wipe it). Otherwise tools/neo4j-server is built and started once per session,
so once per pytest-xdist worker, on a free loopback port. Only outside CI
and without Java may the Neo4j tests be skipped, and then loudly.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator

import pytest

from tests.neo4j_server import Neo4jServer, java_available

# Process-wide caches of the libraries that keep what an app was built from:
# FastAPI's (bounded at 4,096 endpoints each) classify the endpoints, and
# strawberry's validation cache is keyed by schema. A service builds one app;
# the suite builds one per test (~1,000), and kept, they made every later
# test's full collection (the app's start-up runs one) walk them all: app
# start-up went from 0.18 to 0.77 s over 300 tests. Forgotten after each test,
# it stays at ~0.13 s. Looked up by name: if a release renames one, only
# the suite's speed suffers.
_LIBRARY_CACHES = (
    ("fastapi.dependencies.models", "_is_gen_callable_cached"),
    ("fastapi.dependencies.models", "_is_async_gen_callable_cached"),
    ("fastapi.dependencies.models", "_is_coroutine_callable_cached"),
    ("strawberry.extensions.validation_cache", "_get_validate_cache"),
)

_SKIP_REASON = (
    "NEO4J TESTS SKIPPED: neither NEO4J_URI nor Java/Maven is available, "
    "so the Neo4j half of the contract suite did not run"
)


AUTO_WORKERS = 2
"""Workers for `-n auto`: a Neo4j server each (~1 GB with its Python worker)."""

_SHARED_SERVER = (
    "NEO4J_URI names one server, and every Neo4j test wipes it: workers running "
    "side by side would wipe each other's data. Run on one worker (-n 0), or unset "
    "NEO4J_URI so that each worker starts its own server."
)


@pytest.fixture(autouse=True)
def _forget_finished_apps() -> Iterator[None]:
    yield
    for module_name, name in _LIBRARY_CACHES:
        cached = getattr(sys.modules.get(module_name), name, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


def _workers() -> int:
    """How many pytest-xdist workers run the suite (1 without xdist)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (tools/test): two workers, each with its own Neo4j server,
    keep the CI machine's two cores busy (alone, the suite waits on Neo4j and
    on fsync: 12:13 -> 5:07). 0 (one process) when NEO4J_URI names the
    server, as every test wipes it; PYTEST_XDIST_AUTO_NUM_WORKERS, when set,
    is left to pytest-xdist (None)."""
    if os.environ.get("NEO4J_URI"):
        return 0
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return AUTO_WORKERS


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        if _workers() > 1:
            pytest.fail(_SHARED_SERVER, pytrace=False)
        yield uri
        return
    if not java_available():
        if _in_ci():
            pytest.fail("CI must run the Neo4j tests, but Java/Maven is not available")
        print(f"\n\n{'!' * 78}\n{_SKIP_REASON}\n{'!' * 78}\n", file=sys.stderr)
        warnings.warn(_SKIP_REASON, stacklevel=1)
        pytest.skip(_SKIP_REASON)
    # Each test wipes the data and loads its own, and Neo4j replans a query
    # whenever its statistics have swung and 10 s have passed: most of the
    # server's time went to planning (the contract suite's Neo4j half took
    # 360 s, 127 s with plans kept). No test measures speed, and a plan made
    # on other data gives the same answers.
    with Neo4jServer(min_replan="1h") as server:
        yield server.uri


@pytest.fixture(scope="session")
def neo4j_auth() -> tuple[str, str] | None:
    user = os.environ.get("NEO4J_USER")
    password = os.environ.get("NEO4J_PASSWORD")
    return (user, password) if user and password else None


@pytest.fixture(scope="session")
def neo4j_database() -> str:
    return os.environ.get("NEO4J_DATABASE", "neo4j")
