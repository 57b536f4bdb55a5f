"""The synthetic region: sized to N, deterministic, valid, streamable."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.models import Dataset, UnitKind
from seed.loader import load_dataset
from seed.synthetic import (
    SITES_PER_ADMINISTRATION,
    demo_template,
    seed_synthetic,
    synthetic_chunks,
    synthetic_region,
)
from seed.writer import write_dataset


@pytest.fixture(scope="module")
def template() -> Dataset:
    return demo_template()


def _merged(chunks: list[Dataset]) -> Dataset:
    fields = Dataset.model_fields
    return Dataset(**{name: tuple(x for c in chunks for x in getattr(c, name)) for name in fields})


def test_the_tree_grows_with_n_in_sites_grouped_by_administration(template: Dataset) -> None:
    small = synthetic_region(template, employees=600)
    big = synthetic_region(template, employees=55_000)

    assert small.sites == 1
    assert big.sites == 86
    template_units = len(template.units) - 1
    assert len(big.units) == 1 + 11 + 86 * template_units
    kinds = Counter(u.kind for u in big.units)
    assert kinds[UnitKind.REGION] == 1
    assert (
        kinds[UnitKind.ADMINISTRATION]
        == 11 + 86 * Counter(u.kind for u in template.units)[UnitKind.ADMINISTRATION]
    )
    ids = {u.id for u in big.units}
    assert len(ids) == len(big.units)
    assert all(u.parent_id is None or u.parent_id in ids for u in big.units)
    root = next(u.id for u in template.units if u.parent_id is None)
    per_site = sum(1 for u in template.units if u.parent_id == root)
    in_first = sum(1 for u in big.units if u.parent_id == "forvaltning-01")
    assert in_first == SITES_PER_ADMINISTRATION * per_site
    # Each site's units keep the demo's staffing and needs.
    assert big.profile.unit_mix["iva-086"] == big.profile.unit_mix["iva"]
    assert sum(1 for n in big.needs if n.unit_id == "iva-042") == sum(
        1 for n in template.needs if n.unit_id == "iva"
    )


def test_the_same_seed_gives_the_same_region_and_another_seed_another(template: Dataset) -> None:
    first = list(synthetic_chunks(employees=250, seed=5, batch_size=100, template=template))
    again = list(synthetic_chunks(employees=250, seed=5, batch_size=100, template=template))
    other = list(synthetic_chunks(employees=250, seed=6, batch_size=100, template=template))

    assert first == again
    assert _merged(first).holdings != _merged(other).holdings


def test_chunks_hold_n_employees_and_mentorships_only_name_people_sent(
    template: Dataset,
) -> None:
    chunks = list(synthetic_chunks(employees=700, seed=2, batch_size=150, template=template))

    assert chunks[0].competences
    assert chunks[0].units
    assert not chunks[0].employees
    assert [len(c.employees) for c in chunks[1:]] == [150, 150, 150, 150, 100]
    sent: set[str] = set()
    for chunk in chunks:
        sent |= {e.id for e in chunk.employees}
        assert all({m.mentor_id, m.adept_id} <= sent for m in chunk.mentorships)
    region = _merged(chunks)
    assert len(region.employees) == 700
    assert region.mentorships
    assert region.plans
    assert region.conversations


def test_the_region_is_a_valid_dataset(template: Dataset, tmp_path: Path) -> None:
    region = _merged(list(synthetic_chunks(employees=400, seed=3, template=template)))
    write_dataset(region, tmp_path / "region")

    loaded, _ = load_dataset(tmp_path / "region")  # raises on any error

    assert len(loaded.employees) == 400
    assert len(loaded.holdings) == len(region.holdings)


async def test_seeding_streams_the_region_into_a_store(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "stege.db")
    seen: list[tuple[int, int]] = []
    try:
        report = await seed_synthetic(
            store, employees=300, seed=4, batch_size=120, on_chunk=lambda p, r: seen.append((p, r))
        )
        stored = await store.export_dataset()
    finally:
        await store.close()

    assert report.employees == 300 == len(stored.employees)
    assert report.records == sum(len(getattr(stored, f)) for f in Dataset.model_fields)
    assert report.relationships > report.records - len(stored.competences) - len(stored.plans)
    assert [p for p, _ in seen] == [0, 120, 120, 60]
    assert sum(r for _, r in seen) == report.records


async def test_seeding_sends_the_stores_own_batch_size_unless_told(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "stege.db")
    store.bulk_batch_size = 70  # this store only: 300 people in a few chunks
    seen: list[int] = []
    try:
        await seed_synthetic(store, employees=300, seed=4, on_chunk=lambda p, r: seen.append(p))
    finally:
        await store.close()

    assert seen == [0, 70, 70, 70, 70, 20]


async def test_seeding_pauses_the_cyclic_collector_and_turns_it_back_on(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "stege.db")
    during: list[bool] = []
    try:
        await seed_synthetic(
            store,
            employees=60,
            seed=4,
            batch_size=25,
            on_chunk=lambda p, r: during.append(gc.isenabled()),
        )
    finally:
        await store.close()

    assert during
    assert not any(during)
    assert gc.isenabled()


class _Recording:
    """A real embedded store that notes its schema calls and the chunks it
    writes, in order; its bulk load gives up after `fail_after` chunks."""

    def __init__(self, store: EmbeddedStore, *, fail_after: int | None = None) -> None:
        self.store = store
        self.fail_after = fail_after
        self.bulk_batch_size = store.bulk_batch_size
        self.calls: list[str] = []

    async def init_schema(self, *, indexes: bool = True) -> None:
        self.calls.append(f"schema(indexes={indexes})")
        await self.store.init_schema(indexes=indexes)

    async def bulk_load(
        self, chunks: AsyncIterator[Dataset], *, written: Callable[[Dataset], None]
    ) -> None:
        taken = 0
        async for chunk in chunks:
            await self.store.import_dataset(chunk)
            written(chunk)
            self.calls.append("chunk")
            taken += 1
            if taken == self.fail_after:
                raise RuntimeError("the disk is full")


async def test_the_indexes_a_store_can_defer_are_made_after_the_load(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "stege.db")
    recording = _Recording(store)
    try:
        await seed_synthetic(recording, employees=60, seed=4, batch_size=25)  # type: ignore[arg-type]
    finally:
        await store.close()

    chunks = ["chunk"] * 4  # reference data, then 25 + 25 + 10 people
    assert recording.calls == ["schema(indexes=False)", *chunks, "schema(indexes=True)"]


def _children() -> set[int]:
    tasks = Path("/proc/self/task")
    return {int(pid) for t in tasks.iterdir() for pid in (t / "children").read_text().split()}


async def test_a_failed_write_ends_the_generator_process_and_is_raised(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "stege.db")
    before = _children()
    try:
        failing = _Recording(store, fail_after=2)
        with pytest.raises(RuntimeError, match="the disk is full"):
            await seed_synthetic(
                failing,  # type: ignore[arg-type]
                employees=5_000,
                seed=4,
                batch_size=100,
            )
        stored = await store.export_dataset()
    finally:
        await store.close()

    assert len(stored.employees) == 100  # the reference chunk, then one of people
    assert _children() - before == set()  # the generator was ended, not left running
    # What was written is indexed all the same.
    assert failing.calls[-1] == "schema(indexes=True)"
