"""The scripts in tools/ that have no Python entry point of their own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_check_has_help(flag: str) -> None:
    result = subprocess.run(
        [str(ROOT / "tools" / "check"), flag], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "ruff" in result.stdout
    assert "mypy" in result.stdout
    # Help only: nothing ran.
    assert "==>" not in result.stdout
