"""`stege serve` refuses, with a message, a configuration it cannot serve."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("STEGE_AUTH_MODE", "STEGE_JWT_SECRET", "STEGE_JWT_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no .env file
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_serve_refuses_jwt_auth_without_a_key(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("STEGE_AUTH_MODE", "jwt")
    result = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "STEGE_JWT_SECRET" in result.output
    assert "Traceback" not in result.output


def test_serve_bounds_the_graceful_shutdown(
    fresh_settings: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Requests stuck on a frozen store held a SIGTERM for minutes.
    started: list[dict[str, Any]] = []
    fresh_settings.setattr(uvicorn, "run", lambda *_, **kw: started.append(kw))
    fresh_settings.setenv("STEGE_AUTH_MODE", "dev")
    fresh_settings.setenv("STEGE_DB_PATH", str(tmp_path / "stege.db"))
    result = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    (run,) = started
    assert run["timeout_graceful_shutdown"] == 10
