"""`import_dir` and `export_dir` against the real embedded store (one SQLite file)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from seed import DatasetError, export_dir, import_dir, load_dataset, record_counts, write_dataset
from tests.builders import tiny_region
from tests.unit.seed.sample import edit
from tests.unit.seed.test_write import files_of


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    opened = await EmbeddedStore.open(tmp_path / "stege.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_export_after_import_gives_identical_files(
    store: EmbeddedStore, sample: Path, tmp_path: Path
) -> None:
    written = tmp_path / "written"
    write_dataset(load_dataset(sample)[0], written)
    reported: list[int] = []

    result = await import_dir(store=store, path=written, progress=reported.append)
    await export_dir(store=store, path=tmp_path / "exported")

    assert files_of(tmp_path / "exported") == files_of(written)
    assert sum(reported) == sum(record_counts(result.dataset).values()) == 40
    assert result.warnings == []


async def test_importing_hand_written_files_exports_them_canonically(
    store: EmbeddedStore, sample: Path, tmp_path: Path
) -> None:
    await import_dir(store=store, path=sample)
    exported = await export_dir(store=store, path=tmp_path / "exported")

    assert exported == load_dataset(sample)[0]
    write_dataset(load_dataset(sample)[0], tmp_path / "expected")
    assert files_of(tmp_path / "exported") == files_of(tmp_path / "expected")


async def test_the_builders_region_round_trips_through_the_store(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    write_dataset(tiny_region(), tmp_path / "region")

    await import_dir(store=store, path=tmp_path / "region")
    await export_dir(store=store, path=tmp_path / "exported")

    assert files_of(tmp_path / "exported") == files_of(tmp_path / "region")


async def test_a_second_import_changes_nothing(
    store: EmbeddedStore, sample: Path, tmp_path: Path
) -> None:
    await import_dir(store=store, path=sample)
    first = await store.export_dataset()
    await export_dir(store=store, path=tmp_path / "first")

    await import_dir(store=store, path=sample)

    assert await store.export_dataset() == first
    await export_dir(store=store, path=tmp_path / "second")
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


async def test_a_rejected_import_writes_nothing(
    store: EmbeddedStore, sample: Path, tmp_path: Path
) -> None:
    await import_dir(store=store, path=sample)
    before = await store.export_dataset()
    broken = tmp_path / "broken"
    shutil.copytree(sample, broken)
    # Valid changes that would show if anything were written...
    edit(broken, "employees.csv", "Maria Lind", "Maria Lindqvist")
    edit(broken, "competences.yaml", "name: Hjärt-lungräddning", "name: HLR")
    # ...and one error at the very end of the dataset.
    edit(broken, "conversations.csv", "2023-09-05", "2023-09-31")
    seen: list[object] = []

    with pytest.raises(DatasetError) as caught:
        await import_dir(store=store, path=broken, on_validated=lambda *args: seen.append(args))

    assert [str(e) for e in caught.value.errors] == [
        "conversations.csv:4:held_on: held_on '2023-09-31' is not a date (YYYY-MM-DD)"
    ]
    assert seen == []
    assert await store.export_dataset() == before
