"""Benchmark every workload on both stores at region scale (one command).

    .venv/bin/python bench/run.py                       # N = 10,000 and 55,000, both stores
    .venv/bin/python bench/run.py --employees 10000 --stores embedded

For each N and store, on the same synthetic region (`stege seed synthetic`,
same N, same seed): seeding time, rate and peak RSS; per workload the p50/p95
of the GraphQL request over HTTP (uvicorn, one worker), of the bare use-case
call and, on Neo4j, of a hand-written Cypher query (bench/cypher.py), with
their ratios; throughput at concurrency 8 against 2 uvicorn workers; the
servers' RSS. Results go to bench/results/<N>.json (one file per N, written
after each store, so a partial run keeps what it measured); bench/report.py
turns them into the tables of bench/RESULTS.md. Timings are figures, not
tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import contention, cypher  # noqa: E402
from bench.clients import LeanClient, PooledClient, Poster  # noqa: E402
from bench.measure import Budget, ratio, throughput, timed  # noqa: E402
from bench.processes import ApiServer, Neo4jServer, rss_mib, seed, store_env  # noqa: E402
from bench.subjects import Subjects, pick_subjects  # noqa: E402
from bench.workloads import WORKLOADS, Workload, cypher_params  # noqa: E402
from graph.embedded import SQLITE_VERSION  # noqa: E402
from ladders.catalog import CatalogCache  # noqa: E402
from ladders.ports import Store  # noqa: E402
from ladders.rules import Rules  # noqa: E402
from seed.generate import DEMO_AS_OF  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"
THROUGHPUT_WORKLOADS = ("gap", "mentorCandidates")


@dataclass(frozen=True)
class Options:
    employees: tuple[int, ...]
    stores: tuple[str, ...]
    seed: int
    batch_size: int | None
    budget: Budget
    throughput_seconds: float
    concurrency: int
    out: Path
    neo4j_uri: str | None
    workloads: tuple[str, ...] | None
    settle_seconds: float = 0.0


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip() for line in cpu.splitlines() if "model name" in line
        )
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gib"] = round(int(mem) / 1024 / 1024, 1)
        info["load_average_at_start"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        info["java"] = (java.stderr or java.stdout).splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        info["java"] = None
    info["sqlite"] = ".".join(map(str, SQLITE_VERSION))
    return info


async def _open(store: str, db_path: Path | None, uri: str | None) -> Store:
    if store == "embedded":
        from graph.embedded import EmbeddedStore

        assert db_path is not None
        return await EmbeddedStore.open(db_path)
    from graph.neo4j import Neo4jStore

    assert uri is not None
    return await Neo4jStore.open(uri=uri, auth=None)


async def _wipe_neo4j(uri: str) -> None:
    from neo4j import AsyncGraphDatabase

    async with AsyncGraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        result = await session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        )
        await result.consume()


def _graphql(client: Poster, workload: Workload, as_of: date, admin: str) -> Any:
    async def call(subject: str) -> object:
        # Asked by an admin (every read of another person is audited, one
        # fsync'd write per request), or by the person themself (not audited).
        headers = (
            {"X-Stege-User": subject}
            if workload.caller == "self"
            else {"X-Stege-User": admin, "X-Stege-Roles": "admin"}
        )
        variables = {"id": subject, "asOf": str(as_of)}
        return await client.post({"query": workload.query, "variables": variables}, headers)

    return call


def _quiet_heap() -> None:
    """Freeze what this process holds (stores, subjects, earlier answers) out
    of the cyclic collector before a figure is timed: else a collection
    walking it lands in some timed call. The bench process grows with N, and
    such pauses made the HTTP floor itself grow with N (1.8 ms at 10,000,
    3.0 ms at 55,000 in run 5; ~1.0 ms at both with this and `LeanClient`)."""
    gc.unfreeze()  # what the last figure froze may be collected now
    gc.collect()
    gc.freeze()


async def _measure_workloads(
    store: Store,
    kind: str,
    env: dict[str, str],
    uri: str | None,
    subjects: Subjects,
    options: Options,
    rules: Rules,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    as_of = DEMO_AS_OF
    results: dict[str, Any] = {}
    cache = CatalogCache()
    driver = None
    if kind == "neo4j" and uri is not None:
        from neo4j import AsyncGraphDatabase

        driver = AsyncGraphDatabase.driver(uri, auth=None)
    base = cypher.params(rules, as_of, rules.long_years)
    server = ApiServer(env, workers=1).start()
    pooled = PooledClient(server.url)
    client = LeanClient(server.url)
    try:
        settled = await _settle(pooled, store, cache, rules, subjects, options)
        await pooled.close()
        _quiet_heap()
        floor = await timed(_floor(client, subjects), ["-"], options.budget)
        for workload in _selected(options):
            subject_ids = subjects.of(workload.subject)
            entry: dict[str, Any] = {"subjects": len(subject_ids)}
            print(f"  {kind} {workload.name}", flush=True)
            _quiet_heap()
            entry["http"] = await timed(
                _graphql(client, workload, as_of, subjects.admin), subject_ids, options.budget
            )

            async def bare(subject: str, w: Workload = workload) -> object:
                return await w.bare(store, cache, rules, subject, as_of)

            _quiet_heap()
            entry["bare"] = await timed(bare, subject_ids, options.budget)
            if driver is not None:

                async def raw(subject: str, w: Workload = workload) -> object:
                    records, _, _ = await driver.execute_query(
                        w.cypher, cypher_params(w, subject, base), database_="neo4j"
                    )
                    return records

                _quiet_heap()
                entry["cypher"] = await timed(raw, subject_ids, options.budget)
                entry["cypher_note"] = workload.cypher_note
            entry["ratios"] = _ratios(entry)
            results[workload.name] = entry
        memory = server.memory()
    finally:
        gc.unfreeze()
        client.close()
        await pooled.close()
        server.stop()
        if driver is not None:
            await driver.close()
    floor["settled_before"] = settled
    return results, memory, floor


async def _settle(
    client: Poster,
    store: Store,
    cache: CatalogCache,
    rules: Rules,
    subjects: Subjects,
    options: Options,
) -> dict[str, Any]:
    """Ask the single-person questions, over HTTP and bare, for
    `settle_seconds` before anything is timed: a store just bulk-loaded is
    still busy (Neo4j: its JIT compiler and background work; gap's bare call
    went from 22 to 11 ms p50 over the first two minutes after a 10k seed),
    and the figures are meant for a server in its steady state."""
    calls = 0
    deadline = time.perf_counter() + options.settle_seconds
    for workload, subject in settling_calls([w for w in WORKLOADS if w.single_person], subjects):
        if time.perf_counter() >= deadline:
            break
        await _graphql(client, workload, DEMO_AS_OF, subjects.admin)(subject)
        await workload.bare(store, cache, rules, subject, DEMO_AS_OF)
        calls += 1
    return {"seconds": options.settle_seconds, "calls": calls}


def settling_calls(
    workloads: Sequence[Workload], subjects: Subjects
) -> Iterator[tuple[Workload, str]]:
    """Round after round, each workload asked of its next subject, so that
    every subject of each comes up. Neo4j plans a query again for each new
    size bucket of its list and string parameters (0, 1, 10, 100, ...; the
    mentor reads have several), ~100-300 ms the first time. A subject
    settled over HTTP and bare alike is not planned during the HTTP figure
    and then cached for the bare one that follows it (10k, runs 21-24:
    mentorCandidates' HTTP p95 274-303 ms against a bare p95 of 64-68 ms; a
    fresh API process on a warm Neo4j had no such calls). Before, the
    subject was picked by the count of calls across the workloads, so each
    of five workloads met only 6 of its 30 subjects."""
    for round_ in itertools.count():
        for workload in workloads:
            chosen = subjects.of(workload.subject)
            yield workload, chosen[round_ % len(chosen)]


def _floor(client: Poster, subjects: Subjects) -> Any:
    """The least any GraphQL request costs through this server and client
    (`{ __typename }`: no resolver, no store), to read the HTTP/bare ratios
    of millisecond questions against."""

    async def call(_: str) -> object:
        headers = {"X-Stege-User": subjects.admin, "X-Stege-Roles": "admin"}
        return await client.post({"query": "{ __typename }"}, headers)

    return call


def _ratios(entry: dict[str, Any]) -> dict[str, float | None]:
    out = {
        "http/bare p50": ratio(entry.get("http"), entry.get("bare")),
        "http/bare p95": ratio(entry.get("http"), entry.get("bare"), "p95_ms"),
    }
    if "cypher" in entry:
        out["bare/cypher p50"] = ratio(entry.get("bare"), entry.get("cypher"))
        out["http/cypher p50"] = ratio(entry.get("http"), entry.get("cypher"))
    return out


def _selected(options: Options) -> list[Workload]:
    return [w for w in WORKLOADS if options.workloads is None or w.name in options.workloads]


async def _throughput(
    env: dict[str, str], subjects: Subjects, options: Options
) -> tuple[dict[str, Any], dict[str, Any]]:
    results: dict[str, Any] = {}
    server = ApiServer(env, workers=2).start()
    client = PooledClient(server.url, limit=options.concurrency)
    try:
        for workload in _selected(options):
            if workload.name not in THROUGHPUT_WORKLOADS:
                continue
            print(f"  throughput {workload.name}", flush=True)
            call = _graphql(client, workload, DEMO_AS_OF, subjects.admin)
            await timed(call, subjects.of(workload.subject), Budget(3, 0, 0, 0))  # warm up
            results[workload.name] = await throughput(
                call,
                subjects.of(workload.subject),
                concurrency=options.concurrency,
                seconds=options.throughput_seconds,
            )
        memory = server.memory()
    finally:
        await client.close()
        server.stop()
    return results, memory


def bench_store(kind: str, n: int, options: Options) -> dict[str, Any]:
    """Seed a fresh store of `kind` with N employees and measure everything."""
    tmp = Path(tempfile.mkdtemp(prefix="stege-bench-"))
    try:
        return asyncio.run(_bench_store(kind, n, options, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _bench_store(kind: str, n: int, options: Options, tmp: Path) -> dict[str, Any]:
    run: dict[str, Any] = {"store": kind, "employees": n, "seed": options.seed}
    started = contention.read()
    neo4j: Neo4jServer | None = None
    db_path = tmp / "stege.db" if kind == "embedded" else None
    uri = None
    try:
        if kind == "neo4j":
            if options.neo4j_uri:
                uri = options.neo4j_uri
                await _wipe_neo4j(uri)
            else:
                neo4j = Neo4jServer().start()
                uri = neo4j.uri
        env = store_env(kind, db_path=db_path, neo4j_uri=uri)
        print(f"{kind} N={n}: seeding", flush=True)
        run["seeding"] = seed(env, employees=n, seed=options.seed, batch_size=options.batch_size)
        print(f"  {run['seeding']['output']}", flush=True)
        if neo4j is not None and neo4j.pid is not None:
            run["neo4j_server_memory_after_seeding"] = rss_mib(neo4j.pid)
        if db_path is not None:
            run["db_file_mib"] = round(db_path.stat().st_size / 2**20, 1)
        rules = Rules()
        store = await _open(kind, db_path, uri)
        try:
            subjects = await pick_subjects(store, rules=rules, as_of=DEMO_AS_OF, seed=options.seed)
            run["subjects"] = asdict(subjects)
            (
                run["workloads"],
                run["api_server_memory"],
                run["http_floor"],
            ) = await _measure_workloads(store, kind, env, uri, subjects, options, rules)
        finally:
            await store.close()
        if options.throughput_seconds > 0:
            run["throughput"], run["api_server_memory_2_workers"] = await _throughput(
                env, subjects, options
            )
        if neo4j is not None and neo4j.pid is not None:
            run["neo4j_server_memory_at_end"] = rss_mib(neo4j.pid)
        run["contention"] = contention.between(started, contention.read())
    finally:
        if neo4j is not None:
            neo4j.stop()
    return run


def run_all(options: Options) -> dict[int, dict[str, Any]]:
    options.out.mkdir(parents=True, exist_ok=True)
    everything: dict[int, dict[str, Any]] = {}
    for n in options.employees:
        result: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": machine(),
            "employees": n,
            "budget": asdict(options.budget),
            "runs": [],
        }
        for kind in options.stores:
            started = time.perf_counter()
            try:
                run = bench_store(kind, n, options)
            except Exception as exc:  # keep what the other store measured
                run = {"store": kind, "employees": n, "failed": f"{type(exc).__name__}: {exc}"}
                print(f"{kind} N={n} FAILED: {exc}", file=sys.stderr, flush=True)
            run["bench_seconds"] = round(time.perf_counter() - started, 1)
            result["runs"].append(run)
            (options.out / f"{n}.json").write_text(json.dumps(result, indent=2, default=str))
        everything[n] = result
    return everything


MAX_EMPLOYEES = 500_000
"""`stege seed synthetic`'s largest region."""


def _number(
    kind: type[int] | type[float], low: float, high: float | None = None
) -> Callable[[str], float]:
    """An argparse type: a number out of range is a usage error, not a run
    that fails after its start (and leaves a failed <N>.json behind)."""

    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
            raise argparse.ArgumentTypeError(f"{text} is out of range ({bounds})")
        return value

    return convert


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--employees",
        type=_number(int, 1, MAX_EMPLOYEES),
        nargs="+",
        default=[10_000, 55_000],
        help="Region sizes to run (default: 10000 55000).",
    )
    parser.add_argument(
        "--stores",
        nargs="+",
        choices=["embedded", "neo4j"],
        default=["embedded", "neo4j"],
        help="Stores to run (default: both).",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="Seed of the synthetic region (default: 1)."
    )
    parser.add_argument(
        "--batch-size",
        type=_number(int, 1),
        default=None,
        help="Employees per seeding transaction (default: each store's own, as `stege seed`).",
    )
    parser.add_argument(
        "--calls",
        type=_number(int, 1),
        default=60,
        help="Most timed calls per figure (default: 60).",
    )
    parser.add_argument(
        "--seconds",
        type=_number(float, 0.001),
        default=20.0,
        help="Time budget per figure (default: 20).",
    )
    parser.add_argument(
        "--throughput-seconds",
        type=_number(float, 0),
        default=15.0,
        help="Length of each throughput run; 0 skips them (default: 15).",
    )
    parser.add_argument(
        "--concurrency",
        type=_number(int, 1),
        default=8,
        help="Clients in the throughput runs (default: 8).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS_DIR,
        help="Folder for the <N>.json results (default: bench/results).",
    )
    parser.add_argument(
        "--workloads",
        nargs="+",
        choices=[w.name for w in WORKLOADS],
        default=None,
        metavar="WORKLOAD",
        help="Only these workloads (default: all): " + ", ".join(w.name for w in WORKLOADS),
    )
    parser.add_argument(
        "--settle-seconds",
        type=_number(float, 0),
        default=60.0,
        help="Single-person questions asked, untimed, before the timing starts "
        "(steady state; default: 60).",
    )
    parser.add_argument(
        "--neo4j-uri",
        default=os.environ.get("NEO4J_URI"),
        help="Use (and WIPE) this Neo4j instead of starting tools/neo4j-server "
        "(default: $NEO4J_URI).",
    )
    args = parser.parse_args(argv)
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"argument --out: {args.out} is not a folder")
    return Options(
        employees=tuple(args.employees),
        stores=tuple(args.stores),
        seed=args.seed,
        batch_size=args.batch_size,
        budget=Budget(
            warmup=3, min_calls=min(5, args.calls), max_calls=args.calls, seconds=args.seconds
        ),
        throughput_seconds=args.throughput_seconds,
        concurrency=args.concurrency,
        out=args.out,
        neo4j_uri=args.neo4j_uri,
        workloads=tuple(args.workloads) if args.workloads else None,
        settle_seconds=args.settle_seconds,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    results = run_all(options)
    from bench.report import render

    for result in results.values():
        print(render(result))
    failed = any("failed" in run for r in results.values() for run in r["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
