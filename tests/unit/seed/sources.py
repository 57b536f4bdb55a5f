"""Chunk sources for the generator-process tests: imported by the child, so
they live in a module of their own, without pytest."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from itertools import islice
from typing import Any

from ladders.models import Dataset
from seed.synthetic import synthetic_chunks


class GeneratorBroke(ValueError):
    pass


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.lock = threading.Lock()


def breaking(*, after: int, **kwargs: Any) -> Iterator[Dataset]:
    yield from islice(synthetic_chunks(**kwargs), after)
    raise GeneratorBroke(f"broke after {after} chunks")


def raising_unpicklable(**kwargs: Any) -> Iterator[Dataset]:
    yield from islice(synthetic_chunks(**kwargs), 1)
    raise Unpicklable()


def dying(**kwargs: Any) -> Iterator[Dataset]:
    yield from islice(synthetic_chunks(**kwargs), 1)
    os._exit(3)  # no exception, no message: as if killed
