"""The `stege` command line (DESIGN §8).

Every command reads its settings from `STEGE_*` variables (api.settings).
Expected failures (a rejected dataset, an unreachable store, a bad setting)
end with a short message on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import time
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn, TypeVar

import pydantic
import typer
from pydantic_settings import SettingsError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from api.logs import LOG_LEVELS, configure_logging, err, is_log_level
from api.settings import Settings, get_settings
from api.stores import describe_store, opened_store
from ladders.errors import StegeError
from ladders.models import Dataset
from seed import layout
from seed.canonical import record_counts
from seed.issues import DatasetError, ValidationIssue
from seed.loader import dataset_bytes, load_dataset
from seed.writer import write_dataset

T = TypeVar("T")

app = typer.Typer(
    name="stege",
    help="Stege: competence ladders and a skills graph for Swedish regional healthcare.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the database.", no_args_is_help=True)
seed_app = typer.Typer(
    help="Load bundled or generated data into the database.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
# `stege serve`, `stege schema` and `stege seed synthetic` register on `app` /
# `seed_app` the same way as the commands below.

out = Console(highlight=False)
log = logging.getLogger("stege.cli")

DatasetDir = Annotated[
    Path,
    typer.Argument(
        exists=True,
        file_okay=False,
        dir_okay=True,
        readable=True,
        metavar="DIR",
        help="The dataset folder.",
    ),
]


# --- plumbing ---------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    try:
        settings = get_settings()
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"STEGE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        _fail(f"bad setting: {problems}")
    except SettingsError as exc:
        _fail(f"bad setting: {_unparsable_setting(exc)}")
    if not is_log_level(settings.log_level):
        _fail(
            f"bad setting: STEGE_LOG_LEVEL: {settings.log_level!r} is not one of "
            f"{', '.join(LOG_LEVELS)}"
        )
    return settings


def _unparsable_setting(exc: SettingsError) -> str:
    """The setting pydantic-settings could not decode, in one line.

    It raises SettingsError, not ValidationError, when a list setting
    (STEGE_JWT_ALGORITHMS) is not JSON; its text names the field and the
    source, the JSON error is its cause."""
    found = re.search(r'field "(\w+)" from source "(\w+)"', str(exc))
    if found is None:
        return str(exc)
    name = f"STEGE_{found[1].upper()}"
    where = " (in .env)" if found[2].startswith("DotEnv") else ""
    return f'{name}{where}: not JSON ({exc.__cause__}); a list is written as ["A", "B"]'


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's async work, turning expected errors into a message."""
    try:
        return asyncio.run(work)
    except DatasetError as exc:
        _report_rejected(exc.issues)
    except StegeError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


def _print_issues(issues: Sequence[ValidationIssue]) -> None:
    for issue in issues:
        typer.echo(str(issue), err=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _report_rejected(issues: Sequence[ValidationIssue]) -> NoReturn:
    _print_issues(issues)
    errors = sum(1 for issue in issues if issue.is_error)
    warnings = len(issues) - errors
    typer.echo(
        f"dataset rejected: {_count(errors, 'error')}, {_count(warnings, 'warning')}", err=True
    )
    raise typer.Exit(1)


def _bar(amount: ProgressColumn, *, transient: bool = False, disable: bool = False) -> Progress:
    """A progress bar on stderr: what, the bar, `amount` done, time taken."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        amount,
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=disable,
    )


def _load(directory: Path) -> tuple[Dataset, list[ValidationIssue]]:
    try:
        # Transient, and on a terminal only: the import's bar or the verdict
        # follows, and off a terminal it would leave an empty line in logs.
        with _bar(DownloadColumn(), transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("validating", total=dataset_bytes(directory))

            def advance(n: int) -> None:
                bar.advance(task, n)

            dataset, warnings = load_dataset(directory, progress=advance)
    except DatasetError as exc:
        _report_rejected(exc.issues)
    except OSError as exc:
        _fail(f"cannot read {exc.filename or directory}: {exc.strerror or exc}")
    _print_issues(warnings)
    return dataset, warnings


def _summary(title: str, dataset: Dataset, elapsed: float) -> None:
    table = Table()
    table.add_column("kind")
    table.add_column("records", justify="right")
    counts = record_counts(dataset)
    for kind, n in counts.items():
        table.add_row(kind.replace("_", " "), str(n))
    table.add_row("total", str(sum(counts.values())), style="bold")
    out.print(table)
    typer.echo(f"{title}: {_count(sum(counts.values()), 'record')} in {elapsed:.1f}s")


def _import(directory: Path, settings: Settings, *, only_over_itself: bool = False) -> None:
    """Validate first (the store is not touched when the folder is rejected), then write.

    `only_over_itself`: refuse a store holding units the folder lacks (another
    region, whose people the folder's same kind of ids would mix with)."""
    started = time.perf_counter()
    dataset, _ = _load(directory)
    total = sum(record_counts(dataset).values())

    async def work() -> None:
        async with opened_store(settings) as store:
            await store.init_schema()
            if only_over_itself:
                other = {u.id for u in await store.units()} - {u.id for u in dataset.units}
                if other:
                    _fail(
                        f"the store holds another region ({len(other):,} units not in "
                        f"{directory}): importing over it would overwrite some of its people "
                        "and mix with the rest. Seed into a new database (STEGE_DB_PATH), "
                        "or pass --force."
                    )
            with _bar(MofNCompleteColumn()) as bar:
                task = bar.add_task("importing", total=total)

                def advance(n: int) -> None:
                    bar.advance(task, n)

                await store.import_dataset(dataset, progress=advance)
                bar.update(task, completed=total)

    _run(work())
    log.debug("imported %s into %s", directory, describe_store(settings))
    _summary(f"imported {directory} into {describe_store(settings)}", dataset, _elapsed(started))


def _elapsed(started: float) -> float:
    return time.perf_counter() - started


def _is_dataset_or_empty(directory: Path) -> bool:
    known = {*layout.TOP_LEVEL_FILES, layout.LADDERS_DIR}
    return all(entry.name in known or entry.name.startswith(".") for entry in directory.iterdir())


def _holds_records(directory: Path) -> bool:
    """Whether the folder holds a dataset with something in it: a ladder
    file, or a dataset file beyond what an empty export writes (`[]` in
    YAML, the header in CSV). Only the start of each file is read."""
    if not directory.is_dir():
        return False
    ladders = directory / layout.LADDERS_DIR
    if ladders.is_dir() and any(p.suffix in layout.YAML_SUFFIXES for p in ladders.iterdir()):
        return True
    for name in layout.TOP_LEVEL_FILES:
        path = directory / name
        if not path.is_file():
            continue
        with path.open("rb") as file:
            head = file.read(4096)
        if name in layout.CSV_COLUMNS:
            if len([line for line in head.splitlines() if line.strip()]) > 1:
                return True
        elif head.strip() not in (b"", b"[]"):
            return True
    return False


# --- commands ---------------------------------------------------------------


@app.callback()
def _root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log debug detail to stderr.")
    ] = False,
) -> None:
    """Stege: competence ladders and a skills graph for Swedish regional healthcare.

    Settings come from STEGE_* environment variables: STEGE_STORE (embedded or
    neo4j), STEGE_DB_PATH (default ./stege.db), STEGE_NEO4J_URI, ...
    """
    try:
        level = "DEBUG" if verbose else get_settings().log_level
    except (pydantic.ValidationError, SettingsError):
        level = "INFO"  # the command itself reports the bad setting (`_settings`)
    configure_logging(level)


@db_app.command("init")
def db_init() -> None:
    """Create the database schema (tables, constraints, indexes); safe to run again."""
    settings = _settings()

    async def work() -> None:
        async with opened_store(settings) as store:
            await store.init_schema()

    _run(work())
    typer.echo(f"schema ready: {describe_store(settings)}")


@app.command("import")
def import_(directory: DatasetDir) -> None:
    """Validate a dataset folder, then write it all or nothing.

    Every error is reported with file and line before anything is written;
    importing the same folder again changes nothing. Over data already
    stored it adds and updates by key and keeps what the folder does not
    name, but a ladder's steps, a unit's needs and a plan's items listed in
    the folder replace the stored ones (README, "Command line").
    """
    _import(directory, _settings())


@app.command("export")
def export(
    directory: Annotated[
        Path,
        typer.Argument(
            file_okay=False, metavar="DIR", help="The folder to write (created if missing)."
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a folder that holds other files too, or write an empty "
            "database over a dataset.",
        ),
    ] = False,
) -> None:
    """Write everything in the database into a dataset folder.

    The folder is in the format `stege import` reads; dataset files already
    there are replaced, and only once every new file is written. The
    database must exist: export never creates one.
    """
    settings = _settings()
    if directory.is_dir() and not force and not _is_dataset_or_empty(directory):
        _fail(f"{directory} holds files that are not a dataset's; use --force to write there")
    # A mistyped STEGE_DB_PATH once created an empty database there and
    # exported it over the dataset folder. The store refuses to create the
    # file too (create=False); this check only adds what to do about it.
    if settings.store == "embedded" and not settings.db_path.exists():
        _fail(f"no database at {settings.db_path}; run `stege db init` or `stege import` first")
    started = time.perf_counter()

    async def read() -> Dataset:
        async with opened_store(settings, create=False) as store:
            return await store.export_dataset()

    dataset = _run(read())
    if not force and not any(record_counts(dataset).values()) and _holds_records(directory):
        _fail(
            f"the database ({describe_store(settings)}) holds no records and {directory} "
            "holds a dataset; use --force to empty it"
        )
    _run(asyncio.to_thread(write_dataset, dataset, directory))
    _summary(f"exported {describe_store(settings)} into {directory}", dataset, _elapsed(started))


@app.command("validate")
def validate(directory: DatasetDir) -> None:
    """Check a dataset folder without writing anything.

    Every problem is reported with file and line; the exit code is 1 when
    `stege import` would reject the folder.
    """
    dataset, warnings = _load(directory)
    total = sum(record_counts(dataset).values())
    typer.echo(f"{directory}: valid, {_count(total, 'record')}, {_count(len(warnings), 'warning')}")


@seed_app.command("demo")
def seed_demo(
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Import over a store that holds another region (the same ids are overwritten).",
        ),
    ] = False,
) -> None:
    """Import the demo region bundled with Stege (seed/demo/) into the database.

    Into an empty store or one holding the demo (imported again, it is the
    demo as shipped): the demo's people share their kind of ids (E10001...)
    with a synthetic region, so over another region they would overwrite
    some of its people and mix with the rest. --force does that.
    """
    directory = layout.demo_dir()
    if not directory.is_dir():
        _fail(f"the demo data is missing from this installation ({directory})")
    _import(directory, _settings(), only_over_itself=not force)


MAX_SYNTHETIC_EMPLOYEES = 500_000
"""Ten times the largest region (10,000-55,000 staff): room for load tests,
while a mistyped N is refused before the generator holds it all in memory."""


@seed_app.command("synthetic")
def seed_synthetic(
    employees: Annotated[
        int,
        typer.Option(
            "--employees",
            "-n",
            min=1,
            max=MAX_SYNTHETIC_EMPLOYEES,
            help="How many employees (a real region has 10,000-55,000).",
        ),
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same data.")] = 1,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=1,
            help="Employees per transaction (default: 10,000 embedded, 500 Neo4j).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Load into a store that already holds a region (the same ids are overwritten).",
        ),
    ] = False,
) -> None:
    """Generate a realistic region of N employees from the demo's ladders and load it.

    Into a store that holds no region yet: the generated people take the
    demo's kind of ids (E10001...), so over another region they would
    overwrite some of its people and mix with the rest. --force does that.
    """
    from seed.synthetic import seed_synthetic as generate_into

    settings = _settings()

    async def work() -> None:
        async with opened_store(settings) as store:
            held = await store.units()
            if held and not force:
                _fail(
                    f"the store already holds a region ({len(held):,} units): a synthetic one "
                    "would overwrite some of its people and mix with the rest. Seed into a new "
                    "database (STEGE_DB_PATH), or pass --force."
                )
            with _bar(MofNCompleteColumn()) as bar:
                task = bar.add_task("employees", total=employees)

                def advance(people: int, _records: int) -> None:
                    bar.advance(task, people)

                report = await generate_into(
                    store, employees=employees, seed=seed, batch_size=batch_size, on_chunk=advance
                )
        typer.echo(
            f"seeded {report.employees:,} employees ({report.records:,} records, "
            f"{report.relationships:,} relationships) into {describe_store(settings)} "
            f"in {report.seconds:.1f}s: {report.relationships_per_second:,.0f} relationships/s, "
            f"{report.records_per_second:,.0f} records/s"
        )

    with _sigterm_as_sigint():
        _run(work())


@contextlib.contextmanager
def _sigterm_as_sigint() -> Iterator[None]:
    """SIGTERM stops the command as Ctrl-C does: the load is cancelled and
    the generator process ended, where the default action would kill this
    process alone and leave the generator running."""
    previous = signal.signal(signal.SIGTERM, _stop_as_on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_as_on_sigint(_signum: int, frame: FrameType | None) -> None:
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):  # asyncio's, which cancels the load, or Python's default
        handler(signal.SIGINT, frame)
    else:
        # SIGINT ignored, as in a job started with `&` from a script: raising
        # SIGINT would do nothing, and the load would run on to its end.
        raise KeyboardInterrupt


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (STEGE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port (STEGE_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (STEGE_WORKERS).")
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo: embedded store in ./stege-demo.db with the demo region, dev auth, "
            "GraphiQL on.",
        ),
    ] = False,
) -> None:
    """Run the GraphQL API (at /graphql; /healthz and /readyz for probes).

    First creates what the store's schema lacks (as `stege db init` would)."""
    from api.serve import serve as run_server

    settings = _settings()
    if not demo and settings.store == "embedded" and not settings.db_path.exists():
        # The API writes (plans, audit): it starts on a new file as documented,
        # but a mistyped STEGE_DB_PATH should not go unnoticed.
        typer.echo(
            f"warning: no database at {settings.db_path}: starting on a new, empty one", err=True
        )
    try:
        run_server(settings, host=host, port=port, workers=workers, demo=demo)
    except (StegeError, ValueError) as exc:
        _fail(str(exc))


@app.command("schema")
def schema() -> None:
    """Print the GraphQL schema (SDL); docs/schema.graphql holds the same."""
    from api.schema import sdl

    typer.echo(sdl(), nl=False)


def main() -> None:
    """The `stege` console script."""
    app(prog_name="stege")
