"""The `store` fixture: every contract test runs once per store.

`[embedded]` gets a fresh SQLite file in tmp_path; `[neo4j]` gets the shared
test server (tests/conftest.py), wiped before the test. The Neo4j fixtures
are only requested for the neo4j param, so `-k embedded` needs no Java.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.models import Dataset
from ladders.ports import Store
from tests.builders import tiny_region

STORES = [
    pytest.param("embedded", id="embedded"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


async def _neo4j_store(request: pytest.FixtureRequest) -> Store:
    from neo4j import AsyncGraphDatabase

    from graph.neo4j import Neo4jStore

    uri: str = request.getfixturevalue("neo4j_uri")
    auth: tuple[str, str] | None = request.getfixturevalue("neo4j_auth")
    database: str = request.getfixturevalue("neo4j_database")
    # Wipe with the driver itself, not through the store under test.
    async with AsyncGraphDatabase.driver(uri, auth=auth) as driver:
        await driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    store: Store = await Neo4jStore.open(uri=uri, auth=auth, database=database)
    await store.init_schema()
    return store


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """An empty store of each kind."""
    if request.param == "embedded":
        opened: Store = await EmbeddedStore.open(tmp_path / "stege.db")
    else:
        opened = await _neo4j_store(request)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def region() -> Dataset:
    """The tiny region of tests/builders.py."""
    return tiny_region()


@pytest.fixture
async def loaded(store: Store, region: Dataset) -> Store:
    """The store with the tiny region imported."""
    await store.import_dataset(region)
    return store
