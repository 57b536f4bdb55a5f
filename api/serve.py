"""`stege serve`: run the API under uvicorn; `--demo` prepares a working demo.

The demo uses the embedded store in a working file (`./stege-demo.db` unless
STEGE_DB_PATH is set), imports seed/demo when the store is empty, turns on
dev auth (loudly), GraphiQL and introspection, and prints the URL with a few
example queries. Settings reach uvicorn's workers through STEGE_* variables,
so every worker builds the same app (`api.serve:app_from_env`).
"""

from __future__ import annotations

import asyncio
import copy
import logging
import multiprocessing
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import uvicorn
import uvicorn.config
from fastapi import FastAPI

from api.app import GRAPHQL_PATH, auth_config, create_app, warn_dev_auth
from api.logs import configure_logging
from api.settings import Settings, get_settings
from api.stores import describe_store, open_store, opened_store
from ladders.catalog import Catalog
from ladders.errors import StoreUnavailableError
from ladders.ports import Store

log = logging.getLogger("stege.serve")

DEMO_DB = Path("stege-demo.db")


def app_from_env() -> FastAPI:
    """The app factory uvicorn's workers call.

    With several workers each is a new process, which logs as `stege serve`
    does (the `stege.audit` lines among the rest) only once configured here."""
    settings = get_settings()
    # A worker of several is a child process (one worker runs in `stege serve`'s).
    configure_logging(settings.log_level, process_id=multiprocessing.parent_process() is not None)
    return create_app(settings)


def uvicorn_log_config(*, process_id: bool) -> dict[str, Any]:
    """uvicorn's own logging (its errors, the access lines), with each
    worker's PID in every line when `process_id` (several workers)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    if process_id:
        for formatter in config["formatters"].values():
            formatter["fmt"] = formatter["fmt"].replace(
                "%(levelprefix)s ", "%(levelprefix)s [%(process)d] ", 1
            )
    return config


def check_several_writers(workers: int) -> None:
    """Refuse several workers on one embedded file with a SQLite that has the
    WAL-reset race (DESIGN §8): each worker writes it (audit records,
    mutations), and the race could corrupt it."""
    # Imported here, as in api.stores: a Neo4j deployment never loads apsw.
    from graph.embedded import connection

    if not connection.several_writers_safe(connection.SQLITE_VERSION):
        version = ".".join(map(str, connection.SQLITE_VERSION))
        raise ValueError(
            f"--workers {workers}: the embedded store's SQLite {version} "
            "is older than 3.51.3, which several writing processes need; serve with 1 worker "
            "or install apsw with a current SQLite"
        )


def demo_settings(settings: Settings) -> dict[str, str]:
    """The STEGE_* variables that turn `settings` into the demo's."""
    db_path = settings.db_path if "db_path" in settings.model_fields_set else DEMO_DB
    return {
        "STEGE_STORE": "embedded",
        "STEGE_DB_PATH": str(db_path),
        "STEGE_AUTH_MODE": "dev",
        "STEGE_GRAPHIQL": "true",
        "STEGE_INTROSPECTION": "true",
    }


@dataclass(frozen=True)
class DemoPeople:
    """Ids to put in the example queries."""

    employee: str | None
    manager: str | None
    unit: str | None


async def _is_empty(store: Store) -> bool:
    return not await store.units() and not (await store.reference_data()).competences


async def _pick_people(store: Store) -> DemoPeople:
    """A manager, a unit they manage and someone there with a next step to go to
    (an adept if there is one), so that every example query has an answer."""
    catalog = Catalog.build(await store.reference_data())
    units = await store.units()
    everyone = await store.employees_in_units([u.id for u in units], first=2000)
    for manager in (e for e in everyone if e.manages):
        unit_id = manager.manages[0]
        staff = await store.employees_in_units(await store.subtree_unit_ids(unit_id), first=500)
        movable = [
            e
            for e in staff
            if e.id != manager.id and e.step_id and catalog.next_step(e.step_id) is not None
        ]
        if movable:
            employee = next((e for e in movable if e.adept), movable[0])
            return DemoPeople(employee=employee.id, manager=manager.id, unit=unit_id)
    return DemoPeople(None, None, units[0].id if units else None)


async def ensure_schema(settings: Settings) -> None:
    """Create what the store's schema lacks (`Store.init_schema`; one read
    when nothing does) before the workers start. A Neo4j database loaded by
    a seeding that was killed before it built its indexes, or by other means,
    would otherwise be served without them, every question walking what an
    index would seek. An unreachable store is not fatal here: the API starts
    and `/readyz` reports it, unless it is the embedded store's file that
    cannot be opened (a directory, a read-only place, not a database): that
    does not heal, every worker would fail to start, so it is an error here."""
    try:
        store = await open_store(settings)
    except StoreUnavailableError as exc:
        if settings.store == "embedded":
            raise
        log.warning("the store's schema was not checked at start-up: %s", exc)
        return
    try:
        await store.ping()  # fails fast: the schema's reads would retry
        await store.init_schema()
    except StoreUnavailableError as exc:
        log.warning("the store's schema was not checked at start-up: %s", exc)
    finally:
        await store.close()


async def prepare_demo(settings: Settings) -> DemoPeople:
    """Create the demo store, import seed/demo when it is empty, pick example ids."""
    from seed import layout
    from seed.loader import load_dataset

    async with opened_store(settings) as store:
        await store.init_schema()
        if await _is_empty(store):
            dataset, _ = await asyncio.to_thread(load_dataset, layout.demo_dir())
            log.info("importing the demo region into %s", describe_store(settings))
            await store.import_dataset(dataset)
        return await _pick_people(store)


EXAMPLES = Template("""\
Open $url (GraphiQL). Put the caller in the Headers tab, e.g.
    {"X-Stege-User": "$me"}          an employee
    {"X-Stege-User": "$boss"}          a manager
    {"X-Stege-User": "$boss", "X-Stege-Roles": "planner"}

Example queries:
    { me { name step { name next { name } } competences { competence { name } heldLevel } } }
    { gap(employeeId: "$me") {
        ready readiness totalHours items { competence { name } missing hours } } }
    { nextSteps(employeeId: "$me") {
        competence { name } activity { name } mentor { name } reason } }
    { careerPaths(employeeId: "$me", k: 3) { steps { name } totalHours totalMonths } }
    { competenceSupply(unitId: "$unit", horizon: SHORT) {
        competence { name } required projected shortfall } }
    { planCoverage(unitId: "$unit") { employees withCurrentPlan share } }

From a shell:
    curl -s $url -H 'content-type: application/json' -H 'X-Stege-User: $me' \\
      -d '{"query": "{ me { name ageBand } }"}'
""")


def examples(url: str, people: DemoPeople) -> str:
    """A few example queries, ready to paste (also in the README)."""
    return EXAMPLES.substitute(
        url=url,
        me=people.employee or "EMPLOYEE-ID",
        boss=people.manager or "MANAGER-ID",
        unit=people.unit or "UNIT-ID",
    )


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    demo: bool = False,
) -> None:
    host = host or settings.host
    port = settings.port if port is None else port
    workers = workers or settings.workers
    if demo:
        os.environ.update(demo_settings(settings))
        get_settings.cache_clear()
        settings = get_settings()
        people = asyncio.run(prepare_demo(settings))
        warn_dev_auth(log)
        url = f"http://{host}:{port}{GRAPHQL_PATH}"
        print(f"\nStege demo on {describe_store(settings)}\n\n{examples(url, people)}", flush=True)
    # Refuse here, with a message, an auth setup every worker would refuse.
    auth_config(settings).check()
    if not demo:  # the demo's is done by `prepare_demo`
        asyncio.run(ensure_schema(settings))
    if settings.store == "embedded" and workers > 1:
        check_several_writers(workers)
    print(
        f"Stege starting on http://{host}:{port}{GRAPHQL_PATH}: {describe_store(settings)}, "
        f"{settings.auth_mode} auth, {workers} worker{'s' if workers > 1 else ''}",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        "api.serve:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=uvicorn_log_config(process_id=workers > 1),
        proxy_headers=True,
        # Requests stuck on a frozen store must not hold a SIGTERM for minutes.
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
