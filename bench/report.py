"""Markdown tables from bench/results/<N>.json, and the targets of issue 6.

.venv/bin/python bench/report.py bench/results/55000.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SINGLE_PERSON = ("gap", "gap(self)", "careerPaths", "nextSteps", "mentorCandidates")


def _ms(figure: dict[str, Any] | None, key: str) -> str:
    if not figure or figure.get(key) is None or figure.get("n", 0) == 0:
        return "—"
    value = float(figure[key])
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _run_of(result: dict[str, Any], store: str) -> dict[str, Any] | None:
    return next((r for r in result["runs"] if r.get("store") == store), None)


def render(result: dict[str, Any]) -> str:
    lines = [f"### N = {result['employees']:,}", ""]
    for run in result["runs"]:
        lines += _render_run(run)
    lines += ["", "Targets (stated for N = 55,000):", ""]
    lines += [f"- {t}" for t in targets(result)]
    return "\n".join(lines) + "\n"


def _contention(shares: dict[str, float | None] | None) -> list[str]:
    """What other work took of the machine while this store was measured
    (bench/contention.py; runs before 33 did not record it)."""
    if not shares:
        return []
    steal, waited = shares.get("steal_share"), shares.get("cpu_wait_share")
    parts = []
    if steal is not None:
        parts.append(f"{steal:.1%} of the CPU time went to other machines (steal)")
    if waited is not None:
        parts.append(
            f"some task waited for a CPU {waited:.1%} of the time (the bench's own included)"
        )
    return ["", f"Machine while measured: {'; '.join(parts)}"] if parts else []


def _render_run(run: dict[str, Any]) -> list[str]:
    store = run["store"]
    if "failed" in run:
        return [f"**{store}**: failed: {run['failed']}", ""]
    s = run["seeding"]
    lines = [
        f"**{store}** — seeding: {s['wall_s']} s wall ({s.get('load_s')} s in the command), "
        f"{s['records']:,} records, {s['relationships']:,} relationships, "
        f"{s['relationships_per_s']:,} relationships/s, "
        f"peak RSS of the seeding process {s['peak_rss_mib']:,} MiB",
        "",
    ]
    mem = run.get("api_server_memory", {})
    memory = (
        f"API server (1 worker) RSS after the workloads: {mem.get('rss_mib')} MiB, "
        f"peak {mem.get('peak_rss_mib')} MiB"
    )
    if "neo4j_server_memory_at_end" in run:
        memory += f"; Neo4j server RSS: {run['neo4j_server_memory_at_end'].get('rss_mib')} MiB"
    lines.append(memory)
    lines += _contention(run.get("contention"))
    sub = run.get("subjects", {})
    lines += [
        "",
        f"Subjects: {len(sub.get('persons', []))} people, {len(sub.get('adepts', []))} adepts, "
        f"unit {sub.get('unit200')} ({sub.get('unit200_size')} people), "
        f"subtree {sub.get('unit5000')} ({sub.get('unit5000_size')} people), "
        f"region {sub.get('region')}",
        "",
    ]
    header = (
        "| workload | HTTP p50 | HTTP p95 | bare p50 | bare p95 | HTTP/bare p50 | HTTP/bare p95 |"
    )
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    cyph = store == "neo4j"
    if cyph:
        header += " Cypher p50 | Cypher p95 | bare/Cypher | HTTP/Cypher |"
        rule += "---:|---:|---:|---:|"
    floor = run.get("http_floor")
    if floor and floor.get("n"):
        lines += [
            f"HTTP floor (`{{ __typename }}` through the same server and client: no "
            f"resolver, no store): p50 {_ms(floor, 'p50_ms')} ms, p95 {_ms(floor, 'p95_ms')} ms",
            "",
        ]
    lines += [header + " n (HTTP/bare) |", rule + "---|"]
    for name, w in run.get("workloads", {}).items():
        r = w.get("ratios", {})
        row = (
            f"| {name} | {_ms(w.get('http'), 'p50_ms')} | {_ms(w.get('http'), 'p95_ms')} "
            f"| {_ms(w.get('bare'), 'p50_ms')} | {_ms(w.get('bare'), 'p95_ms')} "
            f"| {_x(r.get('http/bare p50'))} | {_x(r.get('http/bare p95'))} |"
        )
        if cyph:
            row += (
                f" {_ms(w.get('cypher'), 'p50_ms')} | {_ms(w.get('cypher'), 'p95_ms')} "
                f"| {_x(r.get('bare/cypher p50'))} | {_x(r.get('http/cypher p50'))} |"
            )
        errors = [
            f"{mode}: {w[mode]['errors']} errors ({w[mode].get('first_error', '')[:80]})"
            for mode in ("http", "bare", "cypher")
            if mode in w and w[mode].get("errors")
        ]
        counts = f"{w.get('http', {}).get('n')}/{w.get('bare', {}).get('n')}"
        lines.append(row + f" {counts}{' — ' + '; '.join(errors) if errors else ''} |")
    if run.get("throughput"):
        lines += [
            "",
            "Throughput, 2 uvicorn workers, concurrency 8:",
            "",
            "| workload | requests/s | p50 ms | p95 ms | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, t in run["throughput"].items():
            lines.append(
                f"| {name} | {t['requests_per_s']} | {_ms(t, 'p50_ms')} | {_ms(t, 'p95_ms')} "
                f"| {t['errors']} |"
            )
        mem2 = run.get("api_server_memory_2_workers", {})
        workers = ", ".join(str(w.get("rss_mib")) for w in mem2.get("workers", []))
        lines.append(f"\nWorker RSS (2 workers): {workers} MiB")
    lines.append("")
    return lines


def _check(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def _figure(run: dict[str, Any] | None, workload: str, mode: str, key: str) -> float | None:
    if not run or "workloads" not in run:
        return None
    figure = run["workloads"].get(workload, {}).get(mode)
    if not figure or not figure.get("n"):
        return None
    return float(figure[key])


def targets(result: dict[str, Any]) -> list[str]:
    """Issue 6's targets (stated at N = 55,000), checked on these figures."""
    emb, neo = _run_of(result, "embedded"), _run_of(result, "neo4j")
    out: list[str] = []

    def line(text: str, value: float | None, limit: float, unit: str = "ms") -> None:
        digits = 2 if unit == "s" else 1
        shown = "—" if value is None else f"{value:,.{digits}f} {unit}"
        ok = None if value is None else value <= limit
        out.append(f"{text} ≤ {limit:g} {unit}: {shown} — {_check(ok)}")

    for name, who in (("gap", "an admin, audited"), ("gap(self)", "the person, not audited")):
        line(f"gap p50 via HTTP asked by {who}, embedded", _figure(emb, name, "http", "p50_ms"), 5)
        line(f"gap p50 via HTTP asked by {who}, Neo4j", _figure(neo, name, "http", "p50_ms"), 10)
    for store, run in (("embedded", emb), ("neo4j", neo)):
        for name in SINGLE_PERSON:
            http = _figure(run, name, "http", "p50_ms")
            bare = _figure(run, name, "bare", "p50_ms")
            value = None if http is None or bare is None or bare == 0 else http / bare
            shown = "—" if value is None else f"{value:.2f}"
            ok = None if value is None else value <= 1.5
            out.append(f"HTTP/bare p50 ≤ 1.5, {name}, {store}: {shown} — {_check(ok)}")
    for store, run in (("embedded", emb), ("neo4j", neo)):
        line(f"careerPaths p95 (HTTP), {store}", _figure(run, "careerPaths", "http", "p95_ms"), 40)
        line(
            f"mentorCandidates p95 (HTTP), {store}",
            _figure(run, "mentorCandidates", "http", "p95_ms"),
            20,
        )
        line(
            f"competenceSupply 5,000-person subtree p95 (HTTP), {store}",
            _figure(run, "competenceSupply(5000)", "http", "p95_ms"),
            150,
        )
    for store, run, limit in (("neo4j", neo, 2.0), ("embedded", emb, 0.5)):
        value = _figure(run, "planCoverage(region)", "http", "p50_ms")
        line(f"region-wide planCoverage p50 (HTTP), {store}", value and value / 1000, limit, "s")
    for store, run in (("embedded", emb), ("neo4j", neo)):
        seconds = run["seeding"]["wall_s"] if run and "seeding" in run else None
        line(f"seeding, {store}", seconds, 60, "s")
    peak = emb.get("api_server_memory", {}).get("peak_rss_mib") if emb else None
    line("embedded-store API server peak RSS", peak, 1024, "MiB")
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/report.py",
        description="Markdown tables and the issue 6 targets from bench/run.py result files.",
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="a result file, e.g. bench/results/55000.json",
    )
    args = parser.parse_args(argv)
    for path in args.files:
        try:
            run = json.loads(path.read_text())
        except (OSError, ValueError) as exc:  # ValueError: not JSON, or not UTF-8
            parser.error(f"{path}: {exc}")
        if not isinstance(run, dict) or not {"employees", "runs"} <= run.keys():
            parser.error(f"{path}: not a bench/run.py result (it has no employees and runs)")
        print(render(run))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
