"""The processes a benchmark runs: a Neo4j server, uvicorn, the seeding CLI."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NEO4J_RUN = ROOT / "tools" / "neo4j-server" / "run.sh"
# The test helper runs C1 only with a 512 MB heap; a benchmark wants the
# optimising JIT and room for a region's transactions (later flags win).
NEO4J_JAVA_OPTS = "-Xms1g -Xmx4g -XX:TieredStopAtLevel=4"
# The 55,000-person store is about 0.8 GB on disk: a page cache that holds it,
# as any production Neo4j would have (the tests' 64 MiB default does not).
NEO4J_PAGECACHE = "2g"


def rss_mib(pid: int) -> dict[str, float]:
    """Current and peak resident memory of a process, from /proc (MiB)."""
    values: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return values
    for key, name in (("VmRSS", "rss_mib"), ("VmHWM", "peak_rss_mib")):
        match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
        if match:
            values[name] = round(int(match.group(1)) / 1024, 1)
    return values


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@dataclass
class Neo4jServer:
    """tools/neo4j-server with a fresh store in a temp folder."""

    uri: str = ""
    process: subprocess.Popen[str] | None = None
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="stege-bench-")))

    def start(self, timeout: float = 300) -> Neo4jServer:
        env = {
            **os.environ,
            "NEO4J_SERVER_JAVA_OPTS": NEO4J_JAVA_OPTS,
            "NEO4J_SERVER_PAGECACHE": NEO4J_PAGECACHE,
            # Stops with the bench, even when the bench is killed.
            "NEO4J_SERVER_PARENT_PID": str(os.getpid()),
        }
        self.process = subprocess.Popen(
            [str(NEO4J_RUN), "0", str(self.data_dir / "db")],
            stdout=subprocess.PIPE,
            stderr=open(self.data_dir / "server.log", "w"),  # noqa: SIM115 (closed with the process)
            text=True,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("NEO4J_READY "):
                self.uri = line.split()[1]
                return self
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"Neo4j did not start; see {self.data_dir / 'server.log'}")

    @property
    def pid(self) -> int | None:
        if self.process is None:
            return None
        # run.sh execs java, so the child is the JVM itself.
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def store_env(store: str, *, db_path: Path | None, neo4j_uri: str | None) -> dict[str, str]:
    env = {**os.environ, "STEGE_STORE": store, "STEGE_LOG_LEVEL": "WARNING"}
    if store == "embedded":
        assert db_path is not None
        env["STEGE_DB_PATH"] = str(db_path)
    else:
        assert neo4j_uri is not None
        env["STEGE_NEO4J_URI"] = neo4j_uri
    return env


def seed(
    env: dict[str, str], *, employees: int, seed: int, batch_size: int | None
) -> dict[str, Any]:
    """`stege seed synthetic` in a process of its own: wall time, peak RSS, rate."""
    command = [
        str(VENV_BIN / "stege"),
        "seed",
        "synthetic",
        "--employees",
        str(employees),
        "--seed",
        str(seed),
    ]
    if batch_size is not None:
        command += ["--batch-size", str(batch_size)]
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        # wait4, not wait: the child's peak RSS comes with its exit status.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        raise RuntimeError(f"seeding failed ({process.returncode}): {output[-2000:]}")
    match = re.search(
        r"\(([\d,]+) records, ([\d,]+) relationships\).* in ([\d.]+)s", output.replace("\n", " ")
    )
    records = int(match.group(1).replace(",", "")) if match else None
    relationships = int(match.group(2).replace(",", "")) if match else None
    return {
        "wall_s": round(wall, 1),
        "load_s": float(match.group(3)) if match else None,
        "records": records,
        "relationships": relationships,
        "relationships_per_s": round(relationships / wall) if relationships else None,
        "records_per_s": round(records / wall) if records else None,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "output": next((x for x in reversed(output.splitlines()) if "seeded" in x), ""),
    }


@dataclass
class ApiServer:
    """uvicorn serving api.serve:app_from_env with dev auth."""

    env: dict[str, str]
    workers: int = 1
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> ApiServer:
        self.port = self.port or _free_port()
        env = {**self.env, "STEGE_AUTH_MODE": "dev"}
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "python"),
                "-m",
                "uvicorn",
                "api.serve:app_from_env",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the API server did not become ready")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory(self) -> dict[str, Any]:
        """RSS of the server process, and of each worker when there are several."""
        if self.process is None:
            return {}
        result: dict[str, Any] = rss_mib(self.process.pid)
        if self.workers > 1:
            result["workers"] = [rss_mib(p) for p in children(self.process.pid)]
        return result

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
