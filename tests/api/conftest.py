"""API tests: the real app over HTTP (httpx against the ASGI app), on each store.

`api` is a client for the app over the tiny region (tests/builders.py) in a
fresh store of each kind; `gql(...)` posts one operation as a given caller
(dev auth: the `X-Stege-User` / `X-Stege-Roles` headers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from graph.embedded import EmbeddedStore
from ladders.ports import Store
from tests.builders import tiny_region

STORES = [
    pytest.param("embedded", id="embedded"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


def dev_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"auth_mode": "dev", "introspection": True, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def open_test_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if kind == "embedded":
        return await EmbeddedStore.open(tmp_path / "stege.db")
    from neo4j import AsyncGraphDatabase

    from graph.neo4j import Neo4jStore

    uri: str = request.getfixturevalue("neo4j_uri")
    auth: tuple[str, str] | None = request.getfixturevalue("neo4j_auth")
    database: str = request.getfixturevalue("neo4j_database")
    async with AsyncGraphDatabase.driver(uri, auth=auth) as driver:
        await driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    store: Store = await Neo4jStore.open(uri=uri, auth=auth, database=database)
    await store.init_schema()
    return store


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """The tiny region in a fresh store of each kind."""
    opened = await open_test_store(request.param, request, tmp_path)
    try:
        await opened.import_dataset(tiny_region())
        yield opened
    finally:
        await opened.close()


@dataclass
class Api:
    client: httpx.AsyncClient
    app: FastAPI
    store: Store

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = "e05",
        roles: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if user is not None:
            sent["X-Stege-User"] = user
        if roles is not None:
            sent["X-Stege-Roles"] = roles
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = "e05",
        roles: str | None = None,
    ) -> dict[str, Any]:
        """The JSON body of a 200 answer."""
        response = await self.post(query, variables, user=user, roles=roles)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def serving(store: Store, settings: Settings | None = None) -> AsyncIterator[Api]:
    """The app over `store` with its lifespan running, and a client for it."""
    app = create_app(settings or dev_settings(), store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://stege.test") as client:
            yield Api(client=client, app=app, store=store)


@pytest.fixture
async def api(store: Store) -> AsyncIterator[Api]:
    async with serving(store) as running:
        yield running


def data(body: dict[str, Any]) -> dict[str, Any]:
    """The data of an answer that must have no errors."""
    assert not body.get("errors"), body.get("errors")
    result: dict[str, Any] = body["data"]
    return result


def error_codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
