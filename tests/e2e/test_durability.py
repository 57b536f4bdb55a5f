"""Durability of the embedded store: a writer killed with SIGKILL at random
points loses none of the writes it acknowledged, leaves no half transaction,
and the file passes `PRAGMA integrity_check` every time.

Each round starts tests/e2e/durability_writer.py on the same file, lets it
acknowledge a random number of writes (seeded, so the run is reproducible),
kills it mid-stream and checks the file. A kill lands between or inside
transactions; WAL with synchronous=FULL must make every COMMIT stick.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import apsw

from graph.embedded import EmbeddedStore
from tests.builders import tiny_region
from tests.e2e.durability_writer import BATCH, EMPLOYEE, conversation

ROUNDS = 5
REPO = Path(__file__).resolve().parents[2]


def _prepare(path: Path) -> None:
    async def load() -> None:
        store = await EmbeddedStore.open(path)
        try:
            await store.import_dataset(tiny_region())
        finally:
            await store.close()

    worker = threading.Thread(target=lambda: asyncio.run(load()))
    worker.start()
    worker.join()


def _write_until_killed(path: Path, start: int, acks_wanted: int) -> list[tuple[str, int]]:
    """Run the writer, SIGKILL it after `acks_wanted` acknowledgements; every
    acknowledgement it printed before dying."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.durability_writer", str(path), str(start)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    acked: list[tuple[str, int]] = []
    try:
        for line in process.stdout:
            kind, _, n = line.removeprefix("ACK ").strip().partition(" ")
            acked.append((kind, int(n)))
            if len(acked) >= acks_wanted:
                process.send_signal(signal.SIGKILL)
                break
        # What it printed before the signal landed is acknowledged too.
        rest, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for line in rest.splitlines():
        kind, _, n = line.removeprefix("ACK ").strip().partition(" ")
        acked.append((kind, int(n)))
    assert process.returncode == -signal.SIGKILL, errors
    return acked


def _check(path: Path, acked: list[tuple[str, int]]) -> None:
    with closing(apsw.Connection(str(path))) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        talks = {
            day
            for (day,) in conn.execute(
                "SELECT held_on FROM conversation WHERE employee_id = ?", (EMPLOYEE,)
            )
        }
        batches = dict(
            conn.execute("SELECT request_id, count(*) FROM audit GROUP BY request_id").fetchall()
        )
    for kind, n in acked:
        if kind == "conversation":
            assert conversation(n).held_on.isoformat() in talks, f"acknowledged {kind} {n} lost"
        else:
            assert batches.get(f"r{n}") == BATCH, f"acknowledged audit batch {n} lost"
    # A batch is one transaction: whole or absent, never half.
    assert set(batches.values()) <= {BATCH}


def test_killed_writers_lose_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "stege.db"
    _prepare(path)
    chance = random.Random(20251123)
    total = 0
    for round_ in range(ROUNDS):
        # Rounds start 1,000 writes apart (each is acknowledged at most ~60
        # times): the writer's days stay inside the stored-date range.
        acked = _write_until_killed(path, round_ * 1_000, chance.randint(5, 60))
        assert acked, "the writer acknowledged nothing"
        _check(path, acked)
        total += len(acked)
    assert total >= ROUNDS * 5
