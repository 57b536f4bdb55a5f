"""What only the Neo4j store has: the graph shape behind the port (derived
NEXT edges, the Meta version node, native dates, absent nulls), its schema,
its locking and its error translation. The answers themselves are held to
the embedded store's by tests/contract.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from neo4j import AsyncGraphDatabase, GraphDatabase
from typer.testing import CliRunner, Result

from api import cli
from api.settings import get_settings
from graph.neo4j import Neo4jStore, personal, schema
from graph.neo4j.mapping import DATE_PROPS
from ladders.errors import StoreUnavailableError
from ladders.models import Dataset, PlanActivity
from seed.synthetic import seed_synthetic
from tests.builders import by_id, changed, make_employee, reference_part, tiny_region

pytestmark = pytest.mark.neo4j


@pytest.fixture
async def raw(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None, neo4j_database: str
) -> AsyncIterator[Any]:
    """Cypher straight through the driver, to look at the graph itself."""
    async with AsyncGraphDatabase.driver(neo4j_uri, auth=neo4j_auth) as driver:
        await driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)

        async def query(cypher: str, **params: Any) -> list[list[Any]]:
            records, _, _ = await driver.execute_query(cypher, params, database_=neo4j_database)
            return [list(r.values()) for r in records]

        yield query


@pytest.fixture
async def store(
    raw: Any, neo4j_uri: str, neo4j_auth: tuple[str, str] | None, neo4j_database: str
) -> AsyncIterator[Neo4jStore]:
    opened = await Neo4jStore.open(uri=neo4j_uri, auth=neo4j_auth, database=neo4j_database)
    await opened.init_schema()
    try:
        yield opened
    finally:
        await opened.close()


async def test_an_import_logs_no_server_notifications(
    store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    # The driver logs each notification the server sends (a "cartesian
    # product" on every link upsert, three screens per `stege seed`).
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
    data = tiny_region()
    assert all((data.transitions, data.needs, data.holdings, data.mentorships))
    await store.import_dataset(data)
    await store.import_dataset(data)  # updates take the MERGE paths

    assert [r.getMessage()[:200] for r in caplog.records if r.name == "neo4j.notifications"] == []


async def test_writes_do_not_spell_out_their_rows_for_the_driver_log(
    store: Neo4jStore, caplog: pytest.LogCaptureFixture
) -> None:
    # The driver formats each RUN's parameters for its debug line even when
    # that is off (`graph.neo4j.params`): the rows must print as a count.
    caplog.set_level(logging.DEBUG, logger="neo4j.io")
    data = tiny_region()
    await store.bulk_load([data])
    await store.import_dataset(data)

    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage()]
    assert any("items>" in line for line in runs)
    named = [e.id for e in data.employees if any(e.id in line for line in runs)]
    assert named == []


async def test_a_bulk_load_takes_the_next_chunk_while_the_last_one_commits(
    store: Neo4jStore,
) -> None:
    # The client would idle through each commit (~40% of a fresh load).
    data = tiny_region()
    half = len(data.employees) // 2
    ids = [{e.id for e in data.employees[:half]}, {e.id for e in data.employees[half:]}]
    people = [
        Dataset(
            employees=tuple(e for e in data.employees if e.id in part),
            holdings=tuple(h for h in data.holdings if h.employee_id in part),
        )
        for part in ids
    ]
    chunks = [reference_part(data), Dataset(units=data.units), *people]
    events: list[str] = []

    async def source() -> AsyncIterator[Dataset]:
        for i, chunk in enumerate(chunks):
            events.append(f"take {i}")
            yield chunk

    await store.bulk_load(source(), written=lambda c: events.append(f"written {chunks.index(c)}"))

    assert events == [
        "take 0",
        "take 1",
        "written 0",
        "take 2",
        "written 1",
        "take 3",
        "written 2",
        "written 3",
    ]
    assert len((await store.export_dataset()).holdings) == sum(len(p.holdings) for p in people)


NEXT = "MATCH (a:Step)-[n:NEXT]->(b:Step) RETURN a.id, b.id, n.months ORDER BY a.id"


async def test_next_edges_join_consecutive_ordinals(store: Neo4jStore, raw: Any) -> None:
    await store.import_dataset(tiny_region())

    assert await raw(NEXT) == [
        ["ssk-1", "ssk-2", 12],
        ["ssk-2", "ssk-3", 24],
        ["ssk-3", "ssk-4", 36],
        ["usk-1", "usk-2", 12],
        ["usk-2", "usk-3", 24],
    ]


async def test_next_edges_follow_rewritten_steps(store: Neo4jStore, raw: Any) -> None:
    region = tiny_region()
    await store.import_dataset(region)
    steps = {s.id: s for s in region.steps}

    # ssk-2 and ssk-3 swap places; ssk-1 asks for less time.
    await store.import_dataset(
        Dataset(
            steps=(
                changed(steps["ssk-1"], min_months=6),
                changed(steps["ssk-2"], ordinal=3),
                changed(steps["ssk-3"], ordinal=2),
            )
        )
    )

    assert [row for row in await raw(NEXT) if row[0].startswith("ssk")] == [
        ["ssk-1", "ssk-3", 6],
        ["ssk-2", "ssk-4", 24],
        ["ssk-3", "ssk-2", 36],
    ]


async def test_reference_version_lives_on_the_meta_node(store: Neo4jStore, raw: Any) -> None:
    region = tiny_region()
    await store.import_dataset(region)
    await store.import_dataset(region)  # the same again: no new version
    renamed = region.competences[0].model_copy(update={"name": "Nytt namn"})
    await store.import_dataset(Dataset(competences=(renamed,)))

    assert await raw("MATCH (m:Meta) RETURN m.id, m.version") == [["reference", 2]]
    assert await store.reference_version() == 2


async def test_dates_are_native_and_unset_properties_absent(store: Neo4jStore, raw: Any) -> None:
    region = tiny_region()
    await store.import_dataset(region)
    holding = next(h for h in region.holdings if h.expires_on is None and h.assessed_on)

    rows = await raw(
        "MATCH (:Employee {id: $e})-[h:HOLDS]->(:Competence {id: $c})"
        " RETURN valueType(h.assessed_on), 'expires_on' IN keys(h)",
        e=holding.employee_id,
        c=holding.competence_id,
    )

    assert rows == [["DATE NOT NULL", False]]


async def test_a_bulk_load_stores_native_dates_and_no_nulls(store: Neo4jStore, raw: Any) -> None:
    """The people a bulk load creates travel as lists with ISO dates
    (`graph.neo4j.bulk`): stored, every date is a DATE, and an unset value
    is an absent property."""
    region = tiny_region()
    await store.bulk_load([region])

    rows = await raw(
        "MATCH (:Employee)-[h:HOLDS]->() UNWIND keys(h) AS k"
        " RETURN 'HOLDS' AS kind, k AS key, valueType(h[k]) AS type"
        " UNION MATCH (n) WHERE n:Plan OR n:PlanActivity OR n:Conversation"
        " UNWIND keys(n) AS k RETURN labels(n)[0] AS kind, k AS key, valueType(n[k]) AS type"
    )

    dates = {(kind, key) for kind, key, _ in rows if key in DATE_PROPS}
    assert {kind for kind, _ in dates} == {"HOLDS", "Plan", "PlanActivity", "Conversation"}
    assert {type_ for _, key, type_ in rows if key in DATE_PROPS} == {"DATE NOT NULL"}
    unset = sum(h.expires_on is None for h in region.holdings)
    assert unset > 0
    assert await raw(
        "MATCH ()-[h:HOLDS]->() WHERE NOT 'expires_on' IN keys(h) RETURN count(*)"
    ) == [[unset]]


async def test_init_schema_creates_constraints_and_indexes(store: Neo4jStore, raw: Any) -> None:
    constraints = {
        r[0]
        for r in await raw(
            "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes"
            " WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0]"
        )
    }
    indexes = {r[0] for r in await raw("SHOW INDEXES YIELD name RETURN name")}

    assert {"Competence", "Step", "Employee", "Plan", "PlanActivity", "Conversation"} <= constraints
    assert {"holds_level", "conversation_held_on"} <= indexes


DEFERRABLE = {name for name, _ in (*schema.INDEXES, *personal.INDEXES)}


async def _drop_deferrable(raw: Any) -> None:
    for name in sorted(DEFERRABLE):
        await raw(f"DROP INDEX {name} IF EXISTS")


async def test_init_schema_without_indexes_makes_the_constraints_only(
    store: Neo4jStore, raw: Any
) -> None:
    await _drop_deferrable(raw)
    await raw("DROP CONSTRAINT employee_id IF EXISTS")

    await store.init_schema(indexes=False)
    names = {r[0] for r in await raw("SHOW INDEXES YIELD name RETURN name")}
    assert "employee_id" in names  # the constraint's own index
    assert names.isdisjoint(DEFERRABLE)

    await store.init_schema()
    assert DEFERRABLE <= {r[0] for r in await raw("SHOW INDEXES YIELD name RETURN name")}


async def test_seeding_builds_the_indexes_after_the_load(
    store: Neo4jStore,
    raw: Any,
    neo4j_uri: str,
    neo4j_auth: tuple[str, str] | None,
    neo4j_database: str,
) -> None:
    await _drop_deferrable(raw)
    during: list[set[str]] = []
    with GraphDatabase.driver(neo4j_uri, auth=neo4j_auth) as driver:

        def look(_people: int, _records: int) -> None:
            records, _, _ = driver.execute_query(
                "SHOW INDEXES YIELD name RETURN name", database_=neo4j_database
            )
            during.append({r["name"] for r in records})

        await seed_synthetic(store, employees=120, seed=4, batch_size=50, on_chunk=look)

    assert len(during) == 4  # the reference data, then 50 + 50 + 20 people
    assert all(names.isdisjoint(DEFERRABLE) for names in during)
    assert DEFERRABLE <= {r[0] for r in await raw("SHOW INDEXES YIELD name RETURN name")}
    assert await raw("MATCH (e:Employee) RETURN count(e)") == [[120]]


@pytest.fixture
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """`stege serve` up to the server: uvicorn's run is recorded, not run."""
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kw: started.append(kw))
    monkeypatch.chdir("/")  # no .env file
    get_settings.cache_clear()
    yield started
    get_settings.cache_clear()


def _serve_on(
    monkeypatch: pytest.MonkeyPatch, uri: str, auth: tuple[str, str] | None, database: str
) -> Result:
    monkeypatch.setenv("STEGE_STORE", "neo4j")
    monkeypatch.setenv("STEGE_NEO4J_URI", uri)
    monkeypatch.setenv("STEGE_NEO4J_DATABASE", database)
    if auth is not None:
        monkeypatch.setenv("STEGE_NEO4J_USER", auth[0])
        monkeypatch.setenv("STEGE_NEO4J_PASSWORD", auth[1])
    monkeypatch.setenv("STEGE_AUTH_MODE", "dev")
    return CliRunner().invoke(cli.app, ["serve", "--port", "0"])


async def test_serving_first_makes_the_indexes_a_killed_seeding_left_out(
    store: Neo4jStore,
    raw: Any,
    serving: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    neo4j_uri: str,
    neo4j_auth: tuple[str, str] | None,
    neo4j_database: str,
) -> None:
    # A seeding killed during its load leaves the constraints only.
    await _drop_deferrable(raw)

    # CliRunner runs the command in this thread, whose event loop is running.
    result = await asyncio.to_thread(_serve_on, monkeypatch, neo4j_uri, neo4j_auth, neo4j_database)

    assert result.exit_code == 0, result.output
    assert len(serving) == 1
    assert DEFERRABLE <= {r[0] for r in await raw("SHOW INDEXES YIELD name RETURN name")}


def test_serving_starts_when_the_store_is_unreachable(
    serving: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The schema is checked again by whoever runs it next; /readyz tells
    # the orchestrator that the store is not there yet.
    with caplog.at_level(logging.WARNING, logger="stege.serve"):
        result = _serve_on(monkeypatch, "bolt://127.0.0.1:9", None, "neo4j")

    assert result.exit_code == 0, result.output
    assert len(serving) == 1
    assert any("schema was not checked" in r.getMessage() for r in caplog.records)


async def test_init_schema_labels_the_people_in_no_unit_of_an_older_database(
    store: Neo4jStore, raw: Any
) -> None:
    await store.import_dataset(tiny_region())
    await store.import_dataset(Dataset(employees=(make_employee("e-utan", unit_id=None),)))
    assert await raw("MATCH (e:Unplaced) RETURN e.id") == [["e-utan"]]
    # As a database written before the label was: no label, no mark.
    await raw("MATCH (e:Unplaced) REMOVE e:Unplaced")
    await raw("MATCH (m:Meta) REMOVE m.unplaced_labelled")

    await store.init_schema()

    assert await raw("MATCH (e:Unplaced) RETURN e.id") == [["e-utan"]]
    assert await raw("MATCH (m:Meta) RETURN m.unplaced_labelled") == [[True]]


async def test_concurrent_appends_to_one_plan_get_distinct_seqs(store: Neo4jStore) -> None:
    region = tiny_region()
    await store.import_dataset(region)
    plan_id = region.plans[0].id
    before = len(await store.plan_activities([plan_id]))
    item = PlanActivity(plan_id=plan_id, seq=1, competence_id="evb", target_level=3)

    added = await asyncio.gather(*(store.add_plan_activity(item) for _ in range(8)))

    assert sorted(a.seq for a in added) == list(range(before + 1, before + 9))
    assert len(await store.plan_activities([plan_id])) == before + 8


async def test_unreachable_server_is_store_unavailable() -> None:
    store = await Neo4jStore.open(uri="bolt://127.0.0.1:9", max_transaction_retry_time=0.5)
    try:
        with pytest.raises(StoreUnavailableError):
            await store.ping()
        with pytest.raises(StoreUnavailableError):
            await store.units()
    finally:
        await store.close()


async def test_a_database_that_does_not_exist_is_store_unavailable(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    # STEGE_NEO4J_DATABASE naming no database: the driver's ClientError
    # reached the API as a bare 500 and the CLI as a traceback.
    store = await Neo4jStore.open(uri=neo4j_uri, auth=neo4j_auth, database="nosuch")
    try:
        with pytest.raises(StoreUnavailableError, match="no such database"):
            await store.ping()
        with pytest.raises(StoreUnavailableError, match="no such database"):
            await store.reference_version()
    finally:
        await store.close()


def test_db_init_on_a_database_that_does_not_exist_is_one_line(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")  # no .env file
    monkeypatch.setenv("STEGE_STORE", "neo4j")
    monkeypatch.setenv("STEGE_NEO4J_URI", neo4j_uri)
    monkeypatch.setenv("STEGE_NEO4J_DATABASE", "nosuch")
    if neo4j_auth is not None:
        monkeypatch.setenv("STEGE_NEO4J_USER", neo4j_auth[0])
        monkeypatch.setenv("STEGE_NEO4J_PASSWORD", neo4j_auth[1])
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["db", "init"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "no such database" in result.output
    assert "Traceback" not in result.output


def test_serving_a_database_that_does_not_exist_says_so_in_one_line(
    serving: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    neo4j_uri: str,
    neo4j_auth: tuple[str, str] | None,
) -> None:
    with caplog.at_level(logging.WARNING, logger="stege.serve"):
        result = _serve_on(monkeypatch, neo4j_uri, neo4j_auth, "nosuch")

    assert result.exit_code == 0, result.output
    assert len(serving) == 1
    assert any("no such database" in r.getMessage() for r in caplog.records)


async def test_a_step_keeps_by_id_lookup_after_reimport(store: Neo4jStore, raw: Any) -> None:
    region = tiny_region()
    await store.import_dataset(region)
    await store.import_dataset(region)

    assert await raw("MATCH (s:Step {id: 'ssk-2'})<-[r:HAS_STEP]-(:Ladder) RETURN count(r)") == [
        [1]
    ]
    step = by_id((await store.reference_data()).steps, "ssk-2")
    assert step.ladder_id == by_id(region.steps, "ssk-2").ladder_id


async def test_a_single_query_read_is_retried_as_a_managed_read(store: Neo4jStore) -> None:
    # One-query reads go out as auto-commit queries (one round trip); one that
    # fails with a retryable error is run again as a managed, retried read.
    from neo4j import AsyncManagedTransaction, AsyncSession
    from neo4j.exceptions import SessionExpired

    from graph.neo4j.reads import Runner

    runners: list[str] = []

    async def flaky(runner: Runner) -> int:
        runners.append(type(runner).__name__)
        if isinstance(runner, AsyncSession):
            raise SessionExpired("the connection went away")
        result = await runner.run("RETURN 41 + 1 AS answer")
        record = await result.single(strict=True)
        return int(record["answer"])

    assert await store._read_one(flaky) == 42
    assert runners == [AsyncSession.__name__, AsyncManagedTransaction.__name__]

    async def broken(runner: Runner) -> int:
        runners.append("broken")
        raise ValueError("not a driver error")

    runners.clear()
    with pytest.raises(ValueError, match="not a driver error"):
        await store._read_one(broken)
    assert runners == ["broken"]  # not retried: only driver errors worth retrying are


async def _until_blocked(raw: Any, task: asyncio.Future[Any]) -> None:
    """Wait until some transaction waits for a lock (or `task` is done)."""
    for _ in range(500):
        statuses = await raw("SHOW TRANSACTIONS YIELD status RETURN status")
        if task.done() or any(str(s).startswith("Blocked") for [s] in statuses):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no transaction came to wait for a lock")


async def test_an_erasure_racing_a_write_leaves_nothing_of_the_person(
    store: Neo4jStore, raw: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: an erasure that gathered a person's talks, plans and items while a
    # write adding one had not committed yet deleted the person after it
    # did: the new talk, plan or item outlived them, on no one (personal data
    # kept after art. 17). And a write that came while an erasure held the
    # person failed with the driver's EntityNotFound (an unexpected error).
    from graph.neo4j import cypher_write, writes
    from ladders.errors import IntegrityError
    from ladders.models import Conversation, ConversationKind, Holding, Plan, PlanStatus
    from tests.builders import AS_OF

    await store.import_dataset(tiny_region())
    # The write has run its last query, not committed; the erasure starts then.
    written = writes.Writer.run
    erasing: list[asyncio.Future[bool]] = []

    def erase_after(query: str, employee_id: str) -> None:
        async def run(self: writes.Writer, ran: str, **params: Any) -> None:
            await written(self, ran, **params)
            if ran == query and not erasing:
                erasing.append(asyncio.ensure_future(store.erase_employee(employee_id)))
                await _until_blocked(raw, erasing[0])

        erasing.clear()
        monkeypatch.setattr(writes.Writer, "run", run)

    talk = Conversation(employee_id="e09", kind=ConversationKind.LONESAMTAL, held_on=AS_OF)
    erase_after(cypher_write.CONVERSATIONS, "e09")
    await store.add_conversation(talk)
    assert await erasing[0]
    erase_after(cypher_write.PLAN_ACTIVITIES, "e03")
    await store.add_plan_activity(
        PlanActivity(plan_id="p-e03-2025", seq=1, competence_id="evb", target_level=4)
    )
    assert await erasing[0]
    plan = Plan(
        id="p-new", employee_id="e08", period_start=AS_OF, period_end=AS_OF,
        status=PlanStatus.ACTIVE, created_on=AS_OF,
    )  # fmt: skip
    erase_after(cypher_write.PLAN_ACTIVITIES, "e08")
    await store.import_dataset(
        Dataset(
            plans=(plan,),
            plan_activities=(
                PlanActivity(plan_id="p-new", seq=1, competence_id="evb", target_level=2),
            ),
        )
    )
    assert await erasing[0]
    monkeypatch.undo()
    assert (
        await raw(
            "MATCH (n) WHERE (n:Conversation OR n:Plan OR n:PlanActivity)"
            " AND NOT EXISTS { ()-[:HAS_PLAN|INCLUDES|HAD_CONVERSATION]->(n) }"
            " RETURN n.id"
        )
        == []
    )

    # The other way round: the write waits for the erasure, then finds no one.
    erase = personal.erase_employee
    added: list[asyncio.Future[None]] = []

    async def write_meanwhile(tx: Any, employee_id: str) -> bool:
        await (await tx.run(personal.LOCK_PERSON, {"id": employee_id})).consume()
        holding = Holding(employee_id=employee_id, competence_id="evb", level=3, assessed_on=AS_OF)
        added.append(asyncio.ensure_future(store.upsert_holding(holding)))
        await _until_blocked(raw, added[0])
        return await erase(tx, employee_id)

    monkeypatch.setattr(personal, "erase_employee", write_meanwhile)
    assert await store.erase_employee("e05")
    with pytest.raises(IntegrityError, match="unknown Employee ids: e05"):
        await added[0]
