"""End to end: `stege serve` as a real uvicorn process on loopback, on each store,
and `stege serve --demo` from an empty working folder."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.embedded import EmbeddedStore
from tests.api.conftest import open_test_store
from tests.builders import tiny_region

STARTUP_DEADLINE = 60.0
STEGE = [sys.executable, "-c", "from api.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running(args: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """A `stege` process; stopped (SIGINT, then killed if it lingers) on the way out."""
    process = subprocess.Popen(
        [*STEGE, *args],
        # Only the settings given here: none from the environment of the test run.
        env={**{k: v for k, v in os.environ.items() if not k.startswith("STEGE_")}, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()


async def wait_healthy(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"stege serve exited with {process.returncode}:\n{output}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    pytest.fail("stege serve did not answer /healthz in time")


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("neo4j", marks=pytest.mark.neo4j)])
async def store_env(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[dict[str, str]]:
    """STEGE_* settings naming a store that holds the tiny region."""
    store = await open_test_store(request.param, request, tmp_path)
    try:
        await store.import_dataset(tiny_region())
    finally:
        await store.close()
    if request.param == "embedded":
        yield {"STEGE_STORE": "embedded", "STEGE_DB_PATH": str(tmp_path / "stege.db")}
        return
    env = {
        "STEGE_STORE": "neo4j",
        "STEGE_NEO4J_URI": request.getfixturevalue("neo4j_uri"),
        "STEGE_NEO4J_DATABASE": request.getfixturevalue("neo4j_database"),
    }
    auth = request.getfixturevalue("neo4j_auth")
    if auth:
        env["STEGE_NEO4J_USER"], env["STEGE_NEO4J_PASSWORD"] = auth
    yield env


async def test_stege_serve_answers_over_loopback(store_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    env = {**store_env, "STEGE_AUTH_MODE": "dev", "STEGE_LOG_LEVEL": "WARNING"}
    with running(["serve", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path) as server:
        base = f"http://127.0.0.1:{port}"
        await wait_healthy(base, server)
        async with httpx.AsyncClient(base_url=base) as client:
            assert (await client.get("/readyz")).json() == {"status": "ready"}
            response = await client.post(
                "/graphql",
                json={"query": '{ me { name } gap(employeeId: "e03", asOf: "2025-03-01") '
                      "{ readiness totalHours } }"},
                headers={"X-Stege-User": "e03"},
            )  # fmt: skip
            assert response.status_code == 200
            assert response.json() == {
                "data": {"me": {"name": "Cecilia Berg"},
                         "gap": {"readiness": 0.5, "totalHours": 440.0}}
            }  # fmt: skip
            assert (
                await client.post("/graphql", json={"query": "{ me { id } }"})
            ).status_code == 401
            # GraphiQL and introspection are off unless enabled.
            page = await client.get("/graphql", headers={"Accept": "text/html"})
            assert page.status_code == 405


async def test_stege_serve_demo_from_an_empty_folder(tmp_path: Path) -> None:
    port = free_port()
    env = {"STEGE_LOG_LEVEL": "WARNING"}
    with running(["serve", "--demo", "--port", str(port)], env, tmp_path) as demo:
        base = f"http://127.0.0.1:{port}"
        await wait_healthy(base, demo)
        async with httpx.AsyncClient(base_url=base) as client:
            page = await client.get("/graphql", headers={"Accept": "text/html"})
            assert page.status_code == 200  # GraphiQL is on
            professions = await client.post(
                "/graphql", json={"query": "{ professions { id } }"}, headers={"X-Stege-User": "x"}
            )
            assert professions.json()["data"]["professions"], "the demo region was imported"
        demo.send_signal(signal.SIGINT)
        output, _ = demo.communicate(timeout=30)
    # The working file, the URL, example queries and the loud dev-auth warning.
    assert (tmp_path / "stege-demo.db").exists()
    assert f"http://127.0.0.1:{port}/graphql" in output
    assert "X-Stege-User" in output
    assert "ANYONE CAN CALL AS ANY EMPLOYEE" in output
    employee = re.search(r'\{"X-Stege-User": "([^"]+)"\}\s+an employee', output)
    assert employee, output
    # Run again: the demo store is not empty any more, so nothing is imported twice.
    store = await EmbeddedStore.open(tmp_path / "stege-demo.db")
    try:
        version = await store.reference_version()
    finally:
        await store.close()
    port = free_port()
    with running(["serve", "--demo", "--port", str(port)], env, tmp_path) as again:
        await wait_healthy(f"http://127.0.0.1:{port}", again)
    store = await EmbeddedStore.open(tmp_path / "stege-demo.db")
    try:
        assert await store.reference_version() == version
    finally:
        await store.close()
