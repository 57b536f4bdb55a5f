"""Group commit: appends from concurrent requests share one transaction.

Every audited request appends a few audit rows and must not answer before they
are durable (`synchronous=FULL`: one fsync per commit). Committed one request
at a time, concurrent requests queue behind each other's fsyncs. Here the
first append starts a flush; appends that arrive while it runs wait for the
next one, which commits all of them together. Each caller still returns only
once the transaction holding its rows has committed, so nothing is answered
before it is on disk; a lone request pays what it paid before. A batch waits
for the file's write lock only as long as its earliest caller has left of
the busy timeout: a caller that waited through a flush that timed out is not
made to wait the whole timeout again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import apsw

from graph.embedded.connection import Database

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(self, db: Database, write: Callable[[apsw.Connection, Sequence[T]], None]) -> None:
        self._db = db
        self._write = write
        # Each caller's items, its future, and when it asked (time.monotonic()).
        self._pending: list[tuple[Sequence[T], asyncio.Future[None], float]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def append(self, items: Sequence[T]) -> None:
        """Return once `items` are committed; raise what the commit raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((items, done, time.monotonic()))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                rows = [item for items, _, _ in batch for item in items]
                try:
                    await self._commit(rows, asked_at=min(at for _, _, at in batch))
                except asyncio.CancelledError:
                    for _, done, _ in [*batch, *self._pending]:
                        done.cancel()
                    self._pending = []
                    raise
                except Exception as exc:
                    # The whole batch failed together; every caller hears why.
                    for _, done, _ in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _, done, _ in batch:
                        if not done.done():  # a caller that gave up was cancelled
                            done.set_result(None)
        finally:
            self._flusher = None

    async def _commit(self, rows: Sequence[T], *, asked_at: float) -> None:
        await self._db.write(lambda conn: self._write(conn, rows), asked_at=asked_at)
