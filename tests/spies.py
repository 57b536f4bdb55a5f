"""Spies for tests that check that reads are sent together, not one by one, and
a wrapper that makes a race's interleaving happen every time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class InFlight:
    """How many calls are awaited at once now, and the most seen."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    @contextmanager
    def one(self) -> Iterator[None]:
        """Counts one call for as long as the block runs."""
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            yield
        finally:
            self.now -= 1

    def around(self, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`call`, counted while it is awaited."""

        async def counted(*args: Any, **kwargs: Any) -> Any:
            with self.one():
                return await call(*args, **kwargs)

        return counted

    def watch(self, monkeypatch: pytest.MonkeyPatch, owner: object, *names: str) -> None:
        """Counts the calls of `owner`'s `names` (methods or module functions)."""
        for name in names:
            monkeypatch.setattr(owner, name, self.around(getattr(owner, name)))


class Meanwhile:
    """A real store, where `then()` runs once just after the first call of its
    read `after` (a concurrent write landing between a command's read and its
    write): the interleaving a racing test hopes to hit, every time."""

    def __init__(self, inner: Any, after: str, then: Callable[[], Awaitable[object]]) -> None:
        self._inner = inner
        self._after = after
        self._then: Callable[[], Awaitable[object]] | None = then

    def __getattr__(self, name: str) -> object:
        read = getattr(self._inner, name)
        if name != self._after:
            return read

        async def read_then(*args: object, **kwargs: object) -> object:
            got = await read(*args, **kwargs)
            then, self._then = self._then, None
            if then is not None:
                await then()
            return got

        return read_then
