"""End to end: `stege serve --workers 2` processes writing one embedded file,
at once and racing. Each check-then-write runs in one `BEGIN IMMEDIATE` transaction,
which holds the file's write lock in every process, so of the requests sent
at once to both workers only those that may succeed do, and every answer
agrees with what the file holds afterwards."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import apsw
import httpx

from graph.embedded import EmbeddedStore
from tests.builders import tiny_region
from tests.e2e.test_server import free_port, running, wait_healthy

ADMIN = {"X-Stege-User": "e06", "X-Stege-Roles": "admin"}
CAPACITY = """mutation { upsertEmployee(input: {id: "e01", mentorCapacity: 3}) {
    __typename } }"""
START = """mutation($adept: ID!) { startMentorship(input: {mentorId: "e01", adeptId: $adept,
    focus: ["evb"], startedOn: "2025-03-01"}) { __typename ... on Error { message } } }"""
CREATE = """mutation($employee: ID!) { createPlan(input: {id: "p-race", employeeId: $employee,
    periodStart: "2025-01-01", periodEnd: "2025-12-31", createdOn: "2025-01-02"}) {
    __typename ... on Error { message } } }"""
ADD = """mutation($level: Int!) { addPlanActivity(input: {planId: "p-race",
    item: {competenceId: "evb", targetLevel: $level}}) {
    __typename ... on PlanActivityPayload { planActivity { seq targetLevel } }
    ... on Error { message } } }"""
COMPLETE = """mutation($id: ID!, $day: Date!) { completePlanActivity(input: {id: $id,
    completedOn: $day}) { __typename ... on Error { message } } }"""
CANCEL = """mutation($id: ID!) { cancelPlanActivity(input: {id: $id}) {
    __typename ... on Error { message } } }"""


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(apsw.Connection(str(db))) as conn:
        return conn.execute(sql).fetchall()


@asynccontextmanager
async def two_workers(db: Path) -> AsyncIterator[httpx.AsyncClient]:
    """`stege serve --workers 2` on `db` (the tiny region, dev auth), and a
    client that opens a new connection per request, so that both workers
    take requests."""
    store = await EmbeddedStore.open(db)
    try:
        await store.import_dataset(tiny_region())
    finally:
        await store.close()
    port = free_port()
    env = {
        "STEGE_STORE": "embedded",
        "STEGE_DB_PATH": str(db),
        "STEGE_AUTH_MODE": "dev",
        "STEGE_LOG_LEVEL": "WARNING",
    }
    with running(["serve", "--port", str(port), "--workers", "2"], env, db.parent) as server:
        base = f"http://127.0.0.1:{port}"
        await wait_healthy(base, server)
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            yield client


async def _answer(
    client: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: object
) -> dict[str, Any]:
    """The one root field's answer of a 200 without errors."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    [answer] = body["data"].values()
    return answer


async def test_two_workers_write_one_embedded_file(tmp_path: Path) -> None:
    # Two processes write the file (mutations, and the audit records of a
    # manager's reads), taking turns on its write lock. Every acknowledged
    # write is there afterwards and the file is sound (DESIGN §8: a SQLite
    # without the WAL-reset race).
    db = tmp_path / "stege.db"
    talk = """mutation($day: Date!) { recordConversation(input:
        {employeeId: "e03", kind: LONESAMTAL, heldOn: $day}) { __typename } }"""
    audited = '{ gap(employeeId: "e03", asOf: "2025-03-01") { readiness } }'
    days = [(date(2025, 1, 1) + timedelta(days=i)).isoformat() for i in range(48)]
    manager = {"X-Stege-User": "e05"}
    async with two_workers(db) as client:
        answers = await asyncio.gather(
            *(_answer(client, talk, manager, day=day) for day in days),
            *(_answer(client, audited, manager) for _ in days),
        )
    assert answers[: len(days)] == [{"__typename": "ConversationPayload"}] * len(days)
    assert all("readiness" in a for a in answers[len(days) :]), answers
    held = {day for (day,) in _rows(db, "SELECT held_on FROM conversation")}
    assert set(days) <= held
    audit = _rows(db, "SELECT COUNT(*) FROM audit WHERE who = 'e05' AND whom = 'e03'")
    assert audit[0][0] >= len(days)
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]


async def test_two_workers_race_for_one_mentor_one_plan_id_and_one_plan(tmp_path: Path) -> None:
    db = tmp_path / "stege.db"
    async with two_workers(db) as client:

        async def send(query: str, **variables: object) -> dict[str, Any]:
            return await _answer(client, query, ADMIN, **variables)

        async def at_once(*requests: tuple[str, dict[str, object]]) -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(send(q, **v) for q, v in requests)))

        # e01 mentors e03 already; with a capacity of 3, two of eight more starts win.
        assert (await send(CAPACITY))["__typename"] == "EmployeePayload"
        adepts = ["e02", "e04", "e05", "e06", "e07", "e08", "e09", "e10"]
        started = await at_once(*((START, {"adept": a}) for a in adepts))
        # One plan id asked for by six people at once: one plan.
        people = ["e01", "e02", "e03", "e04", "e05", "e06"]
        created = await at_once(*((CREATE, {"employee": e}) for e in people))
        # Sixteen items appended to it at once: sixteen numbers.
        added = await at_once(*((ADD, {"level": 1 + i % 5}) for i in range(16)))
        # Each item completed on two days and cancelled at once: one of the three.
        items = [f"p-race#{seq}" for seq in range(1, 9)]
        settled = await at_once(
            *(
                request
                for item in items
                for request in (
                    (COMPLETE, {"id": item, "day": "2025-05-01"}),
                    (COMPLETE, {"id": item, "day": "2025-05-02"}),
                    (CANCEL, {"id": item}),
                )
            )
        )

    won = {
        a for a, answer in zip(adepts, started, strict=True) if "Payload" in answer["__typename"]
    }
    assert Counter(a["__typename"] for a in started) == {"MentorshipPayload": 2, "Conflict": 6}
    assert set(_rows(db, "SELECT adept_id FROM mentorship WHERE mentor_id = 'e01'")) == {
        (a,) for a in {"e03", *won}
    }

    [owner] = [
        e
        for e, answer in zip(people, created, strict=True)
        if answer["__typename"] == "PlanPayload"
    ]
    assert Counter(a["__typename"] for a in created) == {"PlanPayload": 1, "Conflict": 5}
    assert _rows(db, "SELECT employee_id FROM plan WHERE id = 'p-race'") == [(owner,)]

    acked = sorted((a["planActivity"]["seq"], a["planActivity"]["targetLevel"]) for a in added)
    assert [seq for seq, _ in acked] == list(range(1, 17))
    stored = _rows(db, "SELECT seq, target_level FROM plan_activity WHERE plan_id = 'p-race'")
    assert sorted(stored) == acked

    for i, item in enumerate(items):
        answers = [a["__typename"] for a in settled[3 * i : 3 * i + 3]]
        assert sorted(answers) in (
            ["CompletePlanActivityPayload", "Conflict", "Conflict"],
            ["Conflict", "Conflict", "PlanActivityPayload"],
        ), (item, answers)
        winner = answers.index(next(a for a in answers if a != "Conflict"))
        [(status, day)] = _rows(
            db,
            "SELECT status, completed_on FROM plan_activity"
            f" WHERE plan_id = 'p-race' AND seq = {i + 1}",
        )
        assert (status, day) == [
            ("done", "2025-05-01"),
            ("done", "2025-05-02"),
            ("cancelled", None),
        ][winner], (item, answers)
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]
