"""Iterating the chunks of `Store.bulk_load`, whether they come sync or async."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from ladders.models import Dataset
from ladders.ports import Chunks


async def each_chunk(chunks: Chunks) -> AsyncIterator[Dataset]:
    """The chunks one by one; an async source is awaited, a plain one iterated."""
    if isinstance(chunks, AsyncIterable):
        async for chunk in chunks:
            yield chunk
    else:
        for chunk in chunks:
            yield chunk
