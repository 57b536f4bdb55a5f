"""The scripts in tools/ that have no Python entry point of their own."""

from __future__ import annotations

import subprocess
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
