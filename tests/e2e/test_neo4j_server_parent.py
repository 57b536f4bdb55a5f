"""A Neo4j server started for tests or the bench stops when the process that
started it dies, even by SIGKILL (which runs no cleanup): an orphaned JVM would
keep its heap, page cache and port on the CI machine."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_neo4j_outage import _require_java as require_java

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
STARTER = """
import sys, time
from tests.neo4j_server import Neo4jServer
server = Neo4jServer().start()
print(server.pid, server.data_dir, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (the container's init may be slow to reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_server_stops_when_its_starter_is_killed() -> None:
    require_java()
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert starter.stdout is not None
    line = starter.stdout.readline()
    assert line, "the starting process printed nothing (see stderr above)"
    pid_text, data_dir = line.split()
    jvm = int(pid_text)
    try:
        assert _running(jvm)
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 60
        while _running(jvm) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(jvm), "the Neo4j server outlived the process that started it"
    finally:
        if _running(jvm):
            os.kill(jvm, signal.SIGKILL)
        shutil.rmtree(Path(data_dir).parent, ignore_errors=True)
