"""A small-N smoke run of bench/run.py: it still runs end to end and produces
its results structure. Timings are not checked (benchmarks are not tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.report import render
from bench.run import parse, run_all, settling_calls
from bench.subjects import Subjects
from bench.workloads import WORKLOADS

SMALL = [
    "--employees", "300", "--calls", "2", "--seconds", "0.1", "--throughput-seconds", "0.5",
    "--settle-seconds", "0.5",
]  # fmt: skip


def _check_run(run: dict[str, Any], store: str) -> None:
    assert "failed" not in run, run.get("failed")
    assert run["store"] == store
    seeding = run["seeding"]
    assert seeding["records"] > 300
    assert seeding["relationships"] > seeding["records"] / 2
    assert seeding["peak_rss_mib"] > 0
    assert run["subjects"]["persons"]
    assert run["subjects"]["unit5000_size"] > 0
    assert set(run["workloads"]) == {w.name for w in WORKLOADS}
    modes = ("http", "bare", "cypher") if store == "neo4j" else ("http", "bare")
    for name, figures in run["workloads"].items():
        for mode in modes:
            assert figures[mode]["errors"] == 0, (name, mode, figures[mode].get("first_error"))
            assert figures[mode]["n"] >= 2
            assert figures[mode]["p95_ms"] >= figures[mode]["p50_ms"] > 0
        assert figures["ratios"]["http/bare p50"] is not None
    assert set(run["throughput"]) == {"gap", "mentorCandidates"}
    assert all(t["errors"] == 0 and t["requests_per_s"] > 0 for t in run["throughput"].values())
    assert run["api_server_memory"]["peak_rss_mib"] > 0
    assert run["http_floor"]["n"] >= 2
    assert run["http_floor"]["errors"] == 0
    assert run["http_floor"]["settled_before"]["calls"] > 0
    # None where the kernel does not report it (no steal column, no PSI).
    steal, waited = run["contention"]["steal_share"], run["contention"]["cpu_wait_share"]
    assert steal is None or 0 <= steal <= 1
    assert waited is None or waited >= 0


def test_a_small_run_on_the_embedded_store_produces_every_figure(tmp_path: Path) -> None:
    results = run_all(parse([*SMALL, "--stores", "embedded", "--out", str(tmp_path)]))

    written = json.loads((tmp_path / "300.json").read_text())
    assert written["employees"] == 300
    assert written["machine"]["cpus"] >= 1
    _check_run(written["runs"][0], "embedded")
    table = render(results[300])
    assert "| gap |" in table
    assert "HTTP floor" in table
    if any(v is not None for v in written["runs"][0]["contention"].values()):
        assert "Machine while measured: " in table
    assert "seeding, embedded ≤ 60 s" in table


@pytest.mark.neo4j
def test_a_small_run_on_neo4j_adds_the_cypher_baseline(tmp_path: Path, neo4j_uri: str) -> None:
    options = parse([*SMALL, "--stores", "neo4j", "--neo4j-uri", neo4j_uri, "--out", str(tmp_path)])

    results = run_all(options)

    _check_run(results[300]["runs"][0], "neo4j")


def test_settling_asks_every_subject_of_every_single_person_workload() -> None:
    people = tuple(f"p{i}" for i in range(30))
    adepts = tuple(f"a{i}" for i in range(30))
    subjects = Subjects(
        persons=people,
        adepts=adepts,
        region="r",
        unit200="u",
        unit200_size=200,
        unit5000="f",
        unit5000_size=5000,
        admin="p0",
    )
    workloads = [w for w in WORKLOADS if w.single_person]
    assert len(workloads) > 1

    calls = settling_calls(workloads, subjects)
    first = [next(calls) for _ in range(30 * len(workloads))]

    for workload in workloads:
        asked = {subject for w, subject in first if w is workload}
        assert asked == set(subjects.of(workload.subject)), workload.name
