"""A synthetic region of any size, streamed into a store (`stege seed synthetic`).

The demo's reference data (professions, ladders, activities) is used as it is.
Its organisation below the region is the template of a "site" (hospital,
primary care, psychiatry: some 640 staff); a region of `n` employees has as
many replicas of that site as it takes, grouped eight to an administration,
so that a unit of about 200 and a subtree of about 5,000 exist at any size
from 10,000 up. The people are made by the demo's own generator
(seed.generate), with the demo's staffing of each template unit carried over
to its replicas, and sent to the store in chunks of `batch_size` employees
(`Store.bulk_load`: one transaction per chunk). Same `n` and seed, same data.
`seed_synthetic` generates in a process of its own (seed.producer), so that
generating and writing take a core each.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ladders.models import Dataset, Mentorship, Unit, UnitKind, UnitNeed
from ladders.ports import Store
from seed import layout
from seed.generate import DEMO_AS_OF, DEMO_EMPLOYEES, DEMO_PROFILE, generate_people
from seed.generate.people import PersonRecords
from seed.generate.profile import GeneratorProfile
from seed.loader import load_dataset
from seed.producer import chunks_in_child

SITES_PER_ADMINISTRATION = 8
DEFAULT_BATCH = 10_000
ROOT_ID = "region"
_REFERENCE_FILES = (layout.COMPETENCES, layout.PROFESSIONS, layout.ACTIVITIES, layout.UNITS)


@dataclass(frozen=True)
class Region:
    """The organisation of a synthetic region and the profile to staff it."""

    units: tuple[Unit, ...]
    needs: tuple[UnitNeed, ...]
    profile: GeneratorProfile
    sites: int


@dataclass(frozen=True)
class SeedReport:
    employees: int
    records: int
    relationships: int
    seconds: float

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def relationships_per_second(self) -> float:
        return self.relationships / self.seconds if self.seconds else 0.0


ChunkDone = Callable[[int, int], None]
"""Called after each chunk is written, with its employees and records."""


def demo_template(folder: Path | None = None) -> Dataset:
    """The demo's reference data, units and needs (its YAML only, no people)."""
    source = folder or layout.demo_dir()
    with tempfile.TemporaryDirectory(prefix="stege-synthetic-") as tmp:
        root = Path(tmp)
        for name in _REFERENCE_FILES:
            shutil.copyfile(source / name, root / name)
        shutil.copytree(source / layout.LADDERS_DIR, root / layout.LADDERS_DIR)
        dataset, _ = load_dataset(root)
    return dataset


def synthetic_region(template: Dataset, *, employees: int) -> Region:
    """The unit tree for `employees` people: replicas of the template's sites."""
    roots = [u for u in template.units if u.parent_id is None]
    if len(roots) != 1:
        raise ValueError("the template's unit tree must have exactly one root")
    root = roots[0]
    sites = max(1, math.ceil(employees / DEMO_EMPLOYEES))
    administrations = math.ceil(sites / SITES_PER_ADMINISTRATION)
    units = [Unit(id=ROOT_ID, name="Region Syntetisk", kind=UnitKind.REGION)]
    units += [
        Unit(
            id=_admin_id(a),
            name=f"Förvaltning {a}",
            kind=UnitKind.ADMINISTRATION,
            parent_id=ROOT_ID,
        )
        for a in range(1, administrations + 1)
    ]
    needs = [
        need.model_copy(update={"unit_id": ROOT_ID, "count": need.count * sites})
        for need in template.needs
        if need.unit_id == root.id
    ]
    mix, size = dict(DEMO_PROFILE.unit_mix), dict(DEMO_PROFILE.unit_size)
    below = [u for u in template.units if u.id != root.id]
    for site in range(1, sites + 1):
        admin = _admin_id((site - 1) // SITES_PER_ADMINISTRATION + 1)
        for unit in below:
            uid = _site_id(unit.id, site)
            parent = admin if unit.parent_id == root.id else _site_id(str(unit.parent_id), site)
            units.append(
                unit.model_copy(
                    update={"id": uid, "name": f"{unit.name} {site}", "parent_id": parent}
                )
            )
            if unit.id in DEMO_PROFILE.unit_mix:
                mix[uid] = DEMO_PROFILE.unit_mix[unit.id]
            if unit.id in DEMO_PROFILE.unit_size:
                size[uid] = DEMO_PROFILE.unit_size[unit.id]
        needs += [
            need.model_copy(update={"unit_id": _site_id(need.unit_id, site)})
            for need in template.needs
            if need.unit_id != root.id
        ]
    profile = replace(DEMO_PROFILE, unit_mix=mix, unit_size=size)
    return Region(units=tuple(units), needs=tuple(needs), profile=profile, sites=sites)


def _admin_id(n: int) -> str:
    return f"forvaltning-{n:02d}"


def _site_id(unit_id: str, site: int) -> str:
    return f"{unit_id}-{site:03d}"


def synthetic_chunks(
    *,
    employees: int,
    seed: int,
    batch_size: int = DEFAULT_BATCH,
    as_of: date = DEMO_AS_OF,
    template: Dataset | None = None,
) -> Iterator[Dataset]:
    """The region as chunks: reference data and the tree, then `batch_size`
    employees at a time with everything that is theirs. A mentorship travels
    in the first chunk where both its people have been sent."""
    base = template or demo_template()
    region = synthetic_region(base, employees=employees)
    reference = base.reference()
    yield base.model_copy(update={"units": region.units, "needs": region.needs})
    people = generate_people(
        reference=reference,
        units=region.units,
        needs=region.needs,
        n=employees,
        seed=seed,
        as_of=as_of,
        profile=region.profile,
    )
    sent: set[str] = set()
    waiting: list[Mentorship] = []
    batch: list[PersonRecords] = []
    for person in people:
        batch.append(person)
        if len(batch) >= batch_size:
            yield _chunk(batch, sent, waiting)
            batch = []
    if batch or waiting:
        yield _chunk(batch, sent, waiting)
    if waiting:  # a mentor who was never generated: a generator bug, not data
        raise ValueError(f"{len(waiting)} mentorships name people who were not generated")


def _chunk(batch: list[PersonRecords], sent: set[str], waiting: list[Mentorship]) -> Dataset:
    sent.update(p.employee.id for p in batch)
    pending = [*waiting, *(m for p in batch for m in p.mentorships)]
    ready = [m for m in pending if m.mentor_id in sent and m.adept_id in sent]
    waiting[:] = [m for m in pending if not (m.mentor_id in sent and m.adept_id in sent)]
    return Dataset(
        employees=tuple(p.employee for p in batch),
        holdings=tuple(h for p in batch for h in p.holdings),
        mentorships=tuple(ready),
        plans=tuple(x for p in batch for x in p.plans),
        plan_activities=tuple(a for p in batch for a in p.plan_activities),
        conversations=tuple(c for p in batch for c in p.conversations),
    )


def record_total(chunk: Dataset) -> int:
    return sum(len(getattr(chunk, name)) for name in Dataset.model_fields)


def relationship_total(chunk: Dataset) -> int:
    """The relationships a chunk makes in the graph (DESIGN §3)."""
    return (
        sum(len(s.requires) for s in chunk.steps)
        + len(chunk.ladders)  # HAS_LADDER
        + len(chunk.steps)  # HAS_STEP (NEXT edges left out)
        + len(chunk.transitions)
        + sum(len(a.develops) for a in chunk.activities)
        + sum(1 for u in chunk.units if u.parent_id)
        + len(chunk.needs)
        + sum(
            (e.unit_id is not None)
            + (e.profession_id is not None)
            + (e.step_id is not None)
            + len(e.manages)
            for e in chunk.employees
        )
        + len(chunk.holdings)
        + len(chunk.mentorships)
        + len(chunk.plans)
        + len(chunk.plan_activities)
        + len(chunk.conversations)
    )


async def prefetched(chunks: Iterator[Dataset], *, ahead: int = 1) -> AsyncIterator[Dataset]:
    """`chunks` taken on a thread of their own, up to `ahead` in advance, so
    the next chunk is received and rebuilt while the store writes this one
    (the generator process is making the one after). One ahead keeps a chunk
    less alive: some 400 MB at 10,000 employees."""
    box: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def handed(item: tuple[str, object]) -> bool:
        """`item` put in the box, unless the consumer has left (False)."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not handed(("chunk", chunk)):
                    return
            handed(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            handed(("error", exc))

    worker = threading.Thread(target=produce, name="stege-synthetic", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = await asyncio.to_thread(box.get)
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(item, BaseException)
                raise item
            assert isinstance(item, Dataset)
            yield item
    finally:
        stop.set()
        # Wake a reader still waiting should we leave early (full: nobody waits).
        with contextlib.suppress(queue.Full):
            box.put_nowait(("end", None))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk load. A chunk is
    hundreds of thousands of acyclic records that live until it is written,
    so the automatic collections walk them again and again: some 40 % of the
    generator's time. Reference counting still frees every chunk (a load
    makes no cycles: a collection after each chunk found none), and one
    collection at the end, over what is left, is cheap."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


async def seed_synthetic(
    store: Store,
    *,
    employees: int,
    seed: int,
    batch_size: int | None = None,
    as_of: date = DEMO_AS_OF,
    on_chunk: ChunkDone | None = None,
) -> SeedReport:
    """Generate the region and load it into `store`, `batch_size` employees
    per transaction (by default the store's `bulk_batch_size`). The schema is
    made first, except the indexes a store can build after the load
    (`Store.init_schema`), which are made then, even when the load fails."""
    if employees < 1:
        raise ValueError("employees must be at least 1")
    if batch_size is None:
        batch_size = store.bulk_batch_size
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    totals = {"employees": 0, "records": 0, "relationships": 0}
    started = time.perf_counter()

    def written(chunk: Dataset) -> None:
        people, records = len(chunk.employees), record_total(chunk)
        totals["employees"] += people
        totals["records"] += records
        totals["relationships"] += relationship_total(chunk)
        if on_chunk is not None:
            on_chunk(people, records)

    with (
        chunks_in_child(
            source=synthetic_chunks,
            employees=employees,
            seed=seed,
            batch_size=batch_size,
            as_of=as_of,
        ) as source,
        collector_paused(),
    ):
        # The child starts generating while the schema is made: what the
        # writes need now, the other indexes once the region is in.
        await store.init_schema(indexes=False)
        try:
            # The next chunk is received and rebuilt on a thread while the
            # store writes this one; the child is generating the one after.
            await store.bulk_load(prefetched(source), written=written)
        finally:
            # After a failed load too: what it wrote stays, and is read with them.
            await store.init_schema()
    return SeedReport(
        employees=totals["employees"],
        records=totals["records"],
        relationships=totals["relationships"],
        seconds=time.perf_counter() - started,
    )
