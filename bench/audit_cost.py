"""One-off check behind bench/RESULTS.md: gap over HTTP read by the person
themself (no audit write) against an admin reading them (one audit batch,
fsync'd). Needs `STEGE_DB_PATH=<55k region> STEGE_AUTH_MODE=dev stege serve
--port 8799` running."""

import sqlite3
import statistics
import time

import httpx

ids = [
    r[0]
    for r in sqlite3.connect("/tmp/r55.db").execute(
        "select id from employee where step_id is not null and step_id not like '%chef%' and step_id not like '%-7' order by id limit 30"
    )
]
q = "query($id: ID!, $d: Date){ gap(employeeId: $id, asOf: $d) { ready readiness totalHours items { missing hours } } }"


def run(headers_for):
    out = []
    with httpx.Client(base_url="http://127.0.0.1:8799") as c:
        for rnd in range(3):
            for i in ids:
                t = time.perf_counter()
                r = c.post(
                    "/graphql",
                    json={"query": q, "variables": {"id": i, "d": "2026-11-23"}},
                    headers=headers_for(i),
                )
                out.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text[:300]
    return statistics.median(out[30:]), sorted(out[30:])[int(0.95 * 60)]


print("self  p50/p95 ms", run(lambda i: {"X-Stege-User": i}))
print("admin p50/p95 ms", run(lambda i: {"X-Stege-User": "nobody-admin", "X-Stege-Roles": "admin"}))
