"""The scripts in tools/ that have no Python entry point of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_neo4j_outage import _require_java as require_java

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "tools" / "neo4j-server" / "run.sh"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_check_has_help(flag: str) -> None:
    result = _run(str(ROOT / "tools" / "check"), flag)
    assert result.returncode == 0, result.stderr
    assert "ruff" in result.stdout
    assert "mypy" in result.stdout
    # Help only: nothing ran.
    assert "==>" not in result.stdout


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_neo4j_server_has_help(flag: str) -> None:
    result = _run(str(RUN_SH), flag)
    assert result.returncode == 0, result.stderr
    assert "run.sh [PORT|0|auto] [DATA_DIR]" in result.stdout
    assert "NEO4J_READY" in result.stdout


@pytest.mark.parametrize("port", ["abc", "70000", "-1"])
def test_neo4j_server_names_a_bad_port(port: str) -> None:
    require_java()
    result = _run(str(RUN_SH), port)
    assert result.returncode == 2
    assert f'got "{port}"' in result.stderr
    assert "Exception" not in result.stderr
    assert "NEO4J_READY" not in result.stdout


def test_test_command_has_help() -> None:
    result = _run(str(ROOT / "tools" / "test"), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The one test command")
    assert "pytest's own options follow" in result.stdout


def test_a_server_worker_logs_each_record_on_one_line(tmp_path: Path) -> None:
    # `stege serve --workers N` starts each worker in a new process through
    # api.serve:app_from_env: unconfigured, it dropped every INFO line (the
    # stege.audit records among them); and rich wrapped the lines it did
    # write at 80 columns, an audit record's JSON over several lines.
    record = '{"who": "E1", "whom": "E2", "fields": ["' + "name" * 40 + '"]}'
    script = (
        "import logging, sys\n"
        "from api.serve import app_from_env\n"
        "app_from_env()\n"
        "logging.getLogger('stege.audit').info(sys.argv[1])\n"
    )
    env = {
        **os.environ,
        "STEGE_AUTH_MODE": "dev",
        "STEGE_DB_PATH": str(tmp_path / "stege.db"),
        "STEGE_LOG_LEVEL": "INFO",
    }
    result = subprocess.run(
        [sys.executable, "-c", script, record],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert f"INFO     stege.audit: {record}" in result.stderr.splitlines()
    assert not (tmp_path / "stege.db").exists()


@pytest.mark.parametrize(("store", "other"), [("neo4j", "apsw"), ("embedded", "neo4j")])
def test_a_server_process_never_loads_the_other_store_s_driver(
    tmp_path: Path, store: str, other: str
) -> None:
    # api.stores imports a store when it opens it; `stege serve`'s check of
    # the embedded SQLite imported apsw into every worker, Neo4j's included.
    script = (
        "import sys\n"
        "from api.serve import app_from_env\n"
        "app_from_env()\n"
        "print(sorted(m for m in ('apsw', 'neo4j') if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "STEGE_STORE": store,
        "STEGE_AUTH_MODE": "dev",
        "STEGE_DB_PATH": str(tmp_path / "stege.db"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert other not in result.stdout, result.stdout


def test_each_of_several_workers_puts_its_pid_in_its_lines(tmp_path: Path) -> None:
    # With `--workers N` uvicorn runs each worker as a child process; their
    # lines were indistinguishable. A worker's own lines carry its PID (and
    # uvicorn's lines too, through the log config `stege serve` gives it).
    script = tmp_path / "worker.py"
    script.write_text(
        "import logging, multiprocessing, sys\n"
        "def worker(record):\n"
        "    from api.serve import app_from_env\n"
        "    app_from_env()\n"
        "    logging.getLogger('stege.audit').info(record)\n"
        "if __name__ == '__main__':\n"
        "    child = multiprocessing.get_context('spawn').Process(target=worker, args=('x',))\n"
        "    child.start()\n"
        "    child.join()\n"
        "    print(child.pid)\n"
    )
    env = {
        **os.environ,
        "STEGE_AUTH_MODE": "dev",
        "STEGE_DB_PATH": str(tmp_path / "stege.db"),
        "STEGE_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.strip())
    assert f"INFO     [{pid}] stege.audit: x" in result.stderr.splitlines()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--employees", "0"], "argument --employees: 0 is out of range (from 1 to 500,000)"),
        (["--employees", "1e3"], "argument --employees: not a number: '1e3'"),
        (["--employees", "600000"], "600000 is out of range"),
        (["--workloads", "gapp"], "argument --workloads: invalid choice: 'gapp'"),
        (["--calls", "0"], "argument --calls: 0 is out of range (at least 1)"),
        (["--concurrency", "0"], "argument --concurrency: 0 is out of range"),
        (["--seconds", "-1"], "argument --seconds: -1 is out of range"),
        (["--out", "/dev/null"], "argument --out: /dev/null is not a folder"),
    ],
)
def test_bench_run_refuses_bad_arguments_before_it_starts(
    args: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # --employees 0 once ran, failed each store and wrote bench/results/0.json.
    from bench.run import parse

    with pytest.raises(SystemExit) as exit_:
        parse(args)

    assert exit_.value.code == 2
    assert problem in capsys.readouterr().err


def test_bench_run_help_names_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.run import parse

    with pytest.raises(SystemExit) as exit_:
        parse(["--help"])

    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Region sizes to run (default: 10000 55000)" in out
    assert "knowledgeTransferRisks(region)" in out


@pytest.mark.parametrize("content", ["{}", "[1, 2]", '{"employees": 10}'])
def test_bench_report_names_a_file_that_is_no_result(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.report import main

    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(SystemExit) as exit_:
        main([str(path)])

    assert exit_.value.code == 2
    assert f"{path}: not a bench/run.py result" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_build_demo_has_help_and_writes_nothing(flag: str) -> None:
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "seed" / "demo").glob("*.csv")}
    result = _run(sys.executable, str(ROOT / "tools" / "build_demo.py"), flag)

    assert result.returncode == 0, result.stderr
    assert "--check" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "seed" / "demo").glob("*.csv")} == before


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_ci_run_has_help_and_runs_nothing(flag: str) -> None:
    # It ignored its arguments: --help ran the whole CI.
    result = _run(str(ROOT / ".ci" / "run"), flag)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CI: the README's test command")
    assert "==>" not in result.stdout + result.stderr


def test_test_command_help_succeeds_without_pytest(tmp_path: Path) -> None:
    # A .venv from the README's `pip install .` has no pytest: help exited 1.
    clone = tmp_path / "clone"
    (clone / "tools").mkdir(parents=True)
    (clone / "tools" / "test").write_bytes((ROOT / "tools" / "test").read_bytes())
    (clone / "tools" / "test").chmod(0o755)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(clone / ".venv")],
                   check=True, timeout=120)  # fmt: skip

    result = _run(str(clone / "tools" / "test"), "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The one test command")
    assert "pytest's own options follow" not in result.stdout


def test_audit_cost_names_a_missing_store_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = _run(sys.executable, str(ROOT / "bench" / "audit_cost.py"), "--db", str(missing))

    assert result.returncode == 2
    assert f"--db {missing}: no such file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not missing.exists()


def _pytest_on_a_named_server(*args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a process of its own, with NEO4J_URI naming a server (none listens)."""
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9"}
    env.pop("PYTEST_XDIST_AUTO_NUM_WORKERS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env,
    )  # fmt: skip


def test_workers_refuse_to_share_the_server_named_by_neo4j_uri() -> None:
    # Every Neo4j test wipes the server: two workers on one would wipe each
    # other's data and fail at random (tools/test runs in one process then).
    result = _pytest_on_a_named_server(
        "-n", "2", "tests/e2e/test_neo4j_server_settings.py::test_the_suites_server_keeps_its_plans"
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "NEO4J_URI names one server, and every Neo4j test wipes it" in result.stdout


def test_auto_workers_are_two_one_process_with_neo4j_uri_or_xdists_own_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import pytest_xdist_auto_num_workers as workers

    config = pytest.Config.__new__(pytest.Config)  # the hook reads only the environment
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    assert workers(config) == 2
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "3")
    assert workers(config) is None  # pytest-xdist reads it
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    assert workers(config) == 0


def test_auto_workers_with_neo4j_uri_run_in_one_process() -> None:
    # tools/test passes `-n auto`: pytest-xdist must ask the suite's hook.
    result = _pytest_on_a_named_server(
        "-n", "auto", "tests/unit/test_layers.py::test_checker_sees_a_violation"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "bringing up nodes" not in result.stdout
