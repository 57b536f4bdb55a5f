"""Start a throw-away Neo4j 5.26 Community server for tests.

Wraps ``tools/neo4j-server`` (Neo4j embedded through Maven Central, Bolt only,
127.0.0.1, auth disabled)::

    from tests.neo4j_server import Neo4jServer, java_available

    with Neo4jServer() as server:          # builds on first use, then starts
        driver = neo4j.AsyncGraphDatabase.driver(server.uri, auth=None)
        ...

Each server gets its own port (picked by the OS) and its own temporary data
directory, so several can run at once. Plain module: no pytest imports.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = [
    "Neo4jServer",
    "Neo4jServerError",
    "TOOL_DIR",
    "build",
    "java_available",
]

TOOL_DIR = Path(__file__).resolve().parent.parent / "tools" / "neo4j-server"
_RUN_SH = TOOL_DIR / "run.sh"
_POM = TOOL_DIR / "pom.xml"
_JAR = TOOL_DIR / "target" / "neo4j-server.jar"
_LIB = TOOL_DIR / "target" / "lib"

_READY = re.compile(r"^NEO4J_READY (bolt://\S+:(\d+))\s*$")
_MIN_JAVA = 17
_BUILD_TIMEOUT = 1200.0  # cold Maven cache: ~125 MB of jars to download
_TAIL_CHARS = 4000

_build_lock = threading.Lock()


class Neo4jServerError(RuntimeError):
    """The test server could not be built, started or stopped."""


@lru_cache(maxsize=1)
def _java_major() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if out.returncode != 0 or m is None:
        return None
    major = int(m.group(1))
    if major == 1 and m.group(2):  # "1.8.0_392" style
        major = int(m.group(2))
    return major


def java_available() -> bool:
    """True when a Java 17+ runtime is on PATH (what the server needs to run).

    Building the first time also needs Maven; :func:`build` says so clearly
    when it is missing.
    """
    major = _java_major()
    return major is not None and major >= _MIN_JAVA


def _needs_build() -> bool:
    # Same rule as run.sh: missing artefacts, or pom/sources newer than the jar.
    if not _JAR.is_file() or not _LIB.is_dir():
        return True
    built = _JAR.stat().st_mtime
    if _POM.stat().st_mtime > built:
        return True
    return any(p.is_file() and p.stat().st_mtime > built for p in (TOOL_DIR / "src").rglob("*"))


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _TAIL_CHARS else "..." + text[-_TAIL_CHARS:]


def build(timeout: float = _BUILD_TIMEOUT) -> Path:
    """Build tools/neo4j-server with Maven unless it is up to date.

    Returns the jar path. Safe to call from several threads/processes at once.
    """
    if not java_available():
        raise Neo4jServerError(
            f"Java {_MIN_JAVA}+ not found on PATH: the Neo4j test server needs it "
            "(or point the tests at a running server with NEO4J_URI)"
        )
    with _build_lock, _interprocess_lock():
        if not _needs_build():
            return _JAR
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError(
                f"{_JAR.relative_to(TOOL_DIR.parent.parent)} is not built and Maven "
                "(mvn) is not on PATH: install Maven 3.8+ or build it once with "
                f"`mvn -q -B -f {_POM} package`"
            )
        cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(_POM), "package"]
        try:
            res = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as e:
            raise Neo4jServerError(
                f"building the Neo4j test server took over {timeout:.0f} s: {' '.join(cmd)}"
            ) from e
        if res.returncode != 0 or not _JAR.is_file():
            raise Neo4jServerError(
                f"building the Neo4j test server failed (exit {res.returncode}): "
                f"{' '.join(cmd)}\n{_tail(res.stdout + res.stderr)}"
            )
        return _JAR


class _interprocess_lock:
    """flock on a file in the temp dir: parallel test workers build once."""

    _fh: IO[str] | None

    def __enter__(self) -> _interprocess_lock:
        self._fh = None
        try:
            import fcntl
        except ImportError:  # not POSIX: the thread lock has to do
            return self
        path = Path(tempfile.gettempdir()) / f"stege-neo4j-build-{os.getuid()}.lock"
        self._fh = open(path, "a")
        fcntl.flock(self._fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the flock


_live: weakref.WeakSet[Neo4jServer] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop()


class Neo4jServer:
    """A Neo4j server process on 127.0.0.1 with a fresh, temporary store.

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    Attributes after start: ``uri`` (``bolt://127.0.0.1:PORT``), ``port``,
    ``database`` (``"neo4j"``), ``data_dir``, ``pid``.
    """

    database = "neo4j"

    def __init__(
        self,
        port: int = 0,
        *,
        startup_timeout: float = 180.0,
        stop_timeout: float = 30.0,
        java_opts: str | None = None,
        min_replan: str | None = None,
    ) -> None:
        self.requested_port = port  # 0: the OS picks a free port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.java_opts = java_opts  # extra JVM flags, e.g. "-Xmx1g"
        self.min_replan = min_replan  # least time between replans, e.g. "1h"
        self.uri: str | None = None
        self.port: int | None = None
        self.data_dir: Path | None = None
        self._root: Path | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._stderr_path: Path | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> Neo4jServer:
        if self._proc is not None:
            raise Neo4jServerError("server already started")
        build()
        self._root = Path(tempfile.mkdtemp(prefix="stege-neo4j-test-"))
        self.data_dir = self._root / "data"
        # stderr goes to a file: no pipe to drain, and the tail is there for
        # error messages even after the process has died.
        self._stderr_path = self._root / "stderr.log"
        self._stderr = open(self._stderr_path, "wb")
        # The server stops when this process ends, however it ends (SIGKILL too).
        env = {**os.environ, "NEO4J_SERVER_PARENT_PID": str(os.getpid())}
        if self.java_opts:
            env["NEO4J_SERVER_JAVA_OPTS"] = self.java_opts
        if self.min_replan:
            env["NEO4J_SERVER_MIN_REPLAN"] = self.min_replan
        port_arg = str(self.requested_port) if self.requested_port else "auto"
        try:
            # run.sh execs java, so self._proc.pid is the JVM itself.
            self._proc = subprocess.Popen(
                ["bash", str(_RUN_SH), port_arg, str(self.data_dir)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                env=env,
            )
        except OSError as e:
            self._cleanup()
            raise Neo4jServerError(f"could not start {_RUN_SH}: {e}") from e
        _live.add(self)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self._proc is not None
        assert self._proc.stdout is not None
        found = threading.Event()
        lines: list[str] = []

        stream = self._proc.stdout

        def read_stdout() -> None:
            # Watches for the ready line, then keeps draining stdout so the
            # server can never block on a full pipe.
            for line in stream:
                if not found.is_set():
                    lines.append(line)
                    m = _READY.match(line)
                    if m:
                        self.uri, self.port = m.group(1), int(m.group(2))
                        found.set()

        self._reader = threading.Thread(target=read_stdout, name="neo4j-server-stdout", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.startup_timeout
        while not found.wait(0.2):
            code = self._proc.poll()
            if code is not None:
                self._reader.join(5)
                if found.is_set():
                    break
                raise Neo4jServerError(
                    f"Neo4j test server exited with code {code} before it was "
                    f"ready\n--- stdout ---\n{_tail(''.join(lines))}"
                    f"\n--- stderr ---\n{self._stderr_tail()}"
                )
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j test server not ready after {self.startup_timeout:.0f} s"
                    f"\n--- stderr ---\n{self._stderr_tail()}"
                )
        if self._proc.poll() is not None:
            raise Neo4jServerError(
                f"Neo4j test server died right after start-up\n{self._stderr_tail()}"
            )

    def stop(self) -> None:
        """SIGTERM (clean shutdown), SIGKILL after ``stop_timeout``; idempotent."""
        proc, self._proc = self._proc, None
        _live.discard(self)
        if proc is not None:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(30)
            if self._reader is not None:
                self._reader.join(5)
            if proc.stdout is not None:
                proc.stdout.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def _stderr_tail(self) -> str:
        # A separate read handle: the child shares the write handle's offset.
        if self._stderr_path is None:
            return ""
        try:
            return _tail(self._stderr_path.read_text("utf-8", errors="replace"))
        except OSError:
            return ""

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.uri if self._proc else "stopped"
        return f"<Neo4jServer {state}>"
