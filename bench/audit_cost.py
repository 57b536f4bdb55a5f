"""How much of a `gap` request is the audit write (bench/RESULTS.md).

Times `gap` over HTTP read by the person themself (no audit write) against the
same read by an admin (one fsync'd audit batch per request). Needs a server on
a seeded region, e.g.

    STEGE_DB_PATH=region.db STEGE_AUTH_MODE=dev stege serve --port 8799
    python bench/audit_cost.py --db region.db --url http://127.0.0.1:8799
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import apsw
import httpx

QUERY = """query($id: ID!, $d: Date) {
  gap(employeeId: $id, asOf: $d) { ready readiness totalHours items { missing hours } }
}"""
# People below the top of a clinical ladder, so that a next step exists.
PEOPLE = """SELECT id FROM employee WHERE step_id IS NOT NULL
  AND step_id NOT LIKE '%chef%' AND step_id NOT LIKE '%-7' ORDER BY id LIMIT ?"""


def timed(
    client: httpx.Client, ids: list[str], headers: Callable[[str], dict[str, str]], rounds: int
) -> tuple[float, float]:
    """p50 and p95 in ms over `rounds` rounds after one warm-up round."""
    times: list[float] = []
    for round_ in range(rounds + 1):
        for person in ids:
            started = time.perf_counter()
            response = client.post(
                "/graphql",
                json={"query": QUERY, "variables": {"id": person, "d": "2026-11-23"}},
                headers=headers(person),
            )
            response.raise_for_status()
            if round_:
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the embedded store the server uses")
    parser.add_argument("--url", default="http://127.0.0.1:8799", help="the server")
    parser.add_argument("--people", type=int, default=30, help="how many people to ask about")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds over them")
    args = parser.parse_args()
    if not Path(args.db).is_file():
        parser.error(f"--db {args.db}: no such file (the server's embedded store)")
    # Read-only: a wrong path must not leave an empty database behind.
    with closing(apsw.Connection(args.db, flags=apsw.SQLITE_OPEN_READONLY)) as db:
        try:
            ids = [row[0] for row in db.execute(PEOPLE, (args.people,))]
        except apsw.Error as exc:
            parser.error(f"--db {args.db}: not a Stege store ({exc})")
    with httpx.Client(base_url=args.url) as client:
        own = timed(client, ids, lambda person: {"X-Stege-User": person}, args.rounds)
        admin = timed(
            client, ids, lambda _: {"X-Stege-User": "bench", "X-Stege-Roles": "admin"}, args.rounds
        )
    print(f"self (no audit)  p50 {own[0]:.1f} ms  p95 {own[1]:.1f} ms")
    print(f"admin (audited)  p50 {admin[0]:.1f} ms  p95 {admin[1]:.1f} ms")


if __name__ == "__main__":
    main()
