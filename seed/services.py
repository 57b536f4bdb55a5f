"""Import and export of a dataset folder against a store (`stege import`/`export`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ladders.models import Dataset
from ladders.ports import ProgressFn, Store
from seed.canonical import record_counts
from seed.issues import ValidationIssue
from seed.loader import load_dataset
from seed.writer import write_dataset

ValidatedFn = Callable[[Dataset, Sequence[ValidationIssue]], None]
"""Called once the dataset is valid, before anything is written."""


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    warnings: list[ValidationIssue]

    @property
    def counts(self) -> dict[str, int]:
        return record_counts(self.dataset)


async def import_dir(
    *,
    store: Store,
    path: str | Path,
    progress: ProgressFn | None = None,
    on_validated: ValidatedFn | None = None,
) -> ImportResult:
    """Validate the folder, then upsert it into the store in one transaction.

    Raises `DatasetError` (nothing written) when the folder has errors.
    """
    # Reading and checking files is blocking work: keep it off the event loop.
    dataset, warnings = await asyncio.to_thread(load_dataset, path)
    if on_validated is not None:
        on_validated(dataset, warnings)
    await store.import_dataset(dataset, progress=progress)
    return ImportResult(dataset, warnings)


async def export_dir(*, store: Store, path: str | Path) -> Dataset:
    """Write everything in the store into the folder; returns what was written."""
    dataset = await store.export_dataset()
    await asyncio.to_thread(write_dataset, dataset, path)
    return dataset
