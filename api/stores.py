"""Opening the configured store (DESIGN §8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.settings import Settings
from ladders.ports import Store


async def open_store(settings: Settings, *, create: bool = True, serving: bool = False) -> Store:
    """Open the store `settings.store` names; the caller closes it.

    `create=False` is for commands that only read: the embedded store's file
    must exist then (a Neo4j database is never created by the store).
    `serving`: for the API, whose Neo4j queries are bounded in time (the
    CLI's long loads are not)."""
    # Imported here so that a process using one store never loads the other's
    # driver (the embedded store needs no neo4j, and the reverse).
    if settings.store == "neo4j":
        from graph.neo4j import Neo4jStore

        return await Neo4jStore.open(
            uri=settings.neo4j_uri,
            auth=settings.neo4j_auth(),
            database=settings.neo4j_database,
            max_transaction_retry_time=settings.neo4j_max_retry_seconds,
            query_timeout=settings.neo4j_query_timeout_seconds if serving else None,
        )
    from graph.embedded import EmbeddedStore

    return await EmbeddedStore.open(settings.db_path, create=create)


@asynccontextmanager
async def opened_store(settings: Settings, *, create: bool = True) -> AsyncIterator[Store]:
    """`open_store` as a context manager that closes the store on the way out."""
    store = await open_store(settings, create=create)
    try:
        yield store
    finally:
        await store.close()


def describe_store(settings: Settings) -> str:
    """Where the data lives, in words for logs and CLI output (no secrets)."""
    if settings.store == "neo4j":
        return f"neo4j {settings.neo4j_uri} (database {settings.neo4j_database})"
    return f"embedded {settings.db_path}"
