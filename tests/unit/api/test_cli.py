"""The `stege` CLI, run in process with typer's CliRunner against real SQLite files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from api.cli import app
from api.settings import get_settings
from graph.embedded import connection
from seed import load_dataset, write_dataset
from seed.layout import demo_dir
from seed.loader import dataset_bytes
from tests.unit.seed.cases import CASE_PARAMS, Case
from tests.unit.seed.sample import edit, write_sample
from tests.unit.seed.test_write import files_of

runner = CliRunner()


def stege(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings pointing at a fresh SQLite file in a clean working directory."""
    path = tmp_path / "stege.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STEGE_STORE", "embedded")
    monkeypatch.setenv("STEGE_DB_PATH", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "sample")


def exported(tmp_path: Path, name: str) -> dict[str, bytes]:
    result = stege("export", tmp_path / name)
    assert result.exit_code == 0, result.output
    return files_of(tmp_path / name)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], "Stege: competence ladders"),
        (["db"], "Manage the database"),
        (["db", "init"], "Create the database schema"),
        (["import"], "Validate a dataset folder, then write it all or nothing"),
        (["export"], "Write everything in the database into a dataset folder"),
        (["validate"], "Check a dataset folder without writing anything"),
        (["seed"], "Load bundled or generated data"),
        (["seed", "demo"], "Import the demo region"),
        (["seed", "synthetic"], "Generate a realistic region of N employees"),
        (["serve"], "Run the GraphQL API"),
        (["schema"], "Print the GraphQL schema"),
    ],
)
def test_every_command_has_help(command: list[str], expected: str) -> None:
    result = stege(*command, "--help")

    assert result.exit_code == 0, result.output
    assert f"Usage: stege {' '.join(command)}".rstrip() in result.output
    assert expected in " ".join(result.output.split())


def test_import_shows_a_summary_and_export_gives_the_files_back(
    db: Path, sample: Path, tmp_path: Path
) -> None:
    canonical = tmp_path / "canonical"
    write_dataset(load_dataset(sample)[0], canonical)

    result = stege("import", canonical)

    assert result.exit_code == 0, result.output
    assert "importing" in result.stderr  # the progress bar
    assert "40/40" in result.stderr
    summary = result.stdout
    assert "plan activities" in summary
    assert f"imported {canonical} into embedded {db}: 40 records in " in " ".join(summary.split())
    assert exported(tmp_path, "out") == files_of(canonical)


def test_a_second_import_changes_nothing(db: Path, sample: Path, tmp_path: Path) -> None:
    assert stege("import", sample).exit_code == 0
    first = exported(tmp_path, "first")

    assert stege("import", sample).exit_code == 0

    assert exported(tmp_path, "second") == first


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_a_rejected_import_names_file_and_line_and_changes_nothing(
    db: Path, sample: Path, tmp_path: Path, case: Case
) -> None:
    assert stege("import", sample).exit_code == 0
    before = exported(tmp_path, "before")
    broken = tmp_path / "broken"
    shutil.copytree(sample, broken)
    # A valid change that must not land either.
    edit(broken, "competences.yaml", "Handledning av studenter", "Studenthandledning")
    line = edit(broken, case.file, case.old, case.new)

    result = stege("import", broken)

    assert result.exit_code == 1
    where = f"{case.file}:{line}" + (f":{case.column}" if case.column else "")
    lines = result.stderr.splitlines()
    assert any(text.startswith(f"{where}: ") and case.message in text for text in lines), lines
    assert lines[-1].startswith("dataset rejected: ")
    assert "Traceback" not in result.output
    assert exported(tmp_path, "after") == before


def test_validate_reports_warnings_and_touches_no_database(db: Path, sample: Path) -> None:
    line = edit(sample, "ladders/ssk.yaml", "level: 4", "level: 2")

    result = stege("validate", sample)

    assert result.exit_code == 0, result.output
    assert f"ladders/ssk.yaml:{line}: warning: step 'ssk-3' requires 'evidens'" in result.stderr
    assert f"{sample}: valid, 40 records, 1 warning" in result.stdout
    assert not db.exists()


def test_validate_shows_a_progress_bar_of_the_bytes_read_on_a_terminal(
    db: Path, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Validating a 30,000-person dataset took half a minute behind a spinner.
    import io

    from rich.console import Console

    from api import cli

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=120))

    result = stege("validate", sample)

    assert result.exit_code == 0, result.output
    total = dataset_bytes(sample) / 1000
    assert "validating" in screen.getvalue()
    assert f"{total:.1f}/{total:.1f} kB" in screen.getvalue()


def test_validate_reports_every_error_and_a_count(db: Path, sample: Path) -> None:
    first = edit(sample, "units.yaml", "kind: department", "kind: avdelning")
    second = edit(sample, "holdings.csv", "e2,hlr,2,", "e2,hlr,0,")

    result = stege("validate", sample)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"holdings.csv:{second}:level: level 0 is outside 1-5",
        f"units.yaml:{first}: unknown kind 'avdelning' (expected one of: region, "
        "administration, area, department, unit)",
        "dataset rejected: 2 errors, 0 warnings",
    ]


def test_import_of_a_missing_folder_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    result = stege("import", tmp_path / "nowhere")

    assert result.exit_code == 2
    assert "Invalid value for 'DIR'" in result.output
    assert not db.exists()


def test_export_refuses_a_folder_with_other_files_unless_forced(
    db: Path, sample: Path, tmp_path: Path
) -> None:
    assert stege("import", sample).exit_code == 0
    target = tmp_path / "notes"
    target.mkdir()
    (target / "todo.txt").write_text("köp mjölk\n", encoding="utf-8")

    refused = stege("export", target)
    forced = stege("export", target, "--force")

    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: ")
    assert "use --force" in refused.stderr
    assert forced.exit_code == 0, forced.output
    assert (target / "todo.txt").exists()
    assert load_dataset(target)[0] == load_dataset(sample)[0]


def test_export_without_a_database_creates_none_and_leaves_the_folder_alone(
    db: Path, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped STEGE_DB_PATH created an empty database there and wrote it
    # over the dataset folder: header-only files, the ladders deleted, exit 0.
    typo = tmp_path / "typo" / "stege.db"
    monkeypatch.setenv("STEGE_DB_PATH", str(typo))
    get_settings.cache_clear()
    before = files_of(sample)

    result = stege("export", sample)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: no database at {typo}; run `stege db init` or `stege import` first"
    ]
    assert not typo.parent.exists()
    assert files_of(sample) == before


def test_export_of_an_empty_database_does_not_empty_a_dataset_unless_forced(
    db: Path, sample: Path, tmp_path: Path
) -> None:
    assert stege("db", "init").exit_code == 0
    before = files_of(sample)

    refused = stege("export", sample)

    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"error: the database (embedded {db}) holds no records and {sample} holds a "
        "dataset; use --force to empty it"
    ]
    assert files_of(sample) == before
    # What an empty database writes may be written again, and --force empties.
    assert stege("export", tmp_path / "empty").exit_code == 0
    assert stege("export", tmp_path / "empty").exit_code == 0
    forced = stege("export", sample, "--force")
    assert forced.exit_code == 0, forced.output
    assert files_of(sample) == files_of(tmp_path / "empty")


NOT_JSON = (
    "STEGE_JWT_ALGORITHMS{where}: not JSON (Expecting value: line 1 column 1 (char 0)); "
    'a list is written as ["A", "B"]'
)


@pytest.mark.parametrize("command", [["db", "init"], ["export", "out"], ["serve"]])
def test_a_list_setting_that_is_not_json_is_one_line_on_stderr(
    db: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # pydantic-settings raises SettingsError, not ValidationError, for it:
    # a 66-line traceback from every command, `stege validate` too.
    monkeypatch.setenv("STEGE_JWT_ALGORITHMS", "HS256")
    get_settings.cache_clear()

    result = stege(*command)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: bad setting: {NOT_JSON.format(where='')}"]
    assert not db.exists()


def test_a_list_setting_in_dot_env_that_is_not_json_says_where(
    db: Path, sample: Path, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("STEGE_JWT_ALGORITHMS=HS256\n", encoding="utf-8")
    get_settings.cache_clear()

    result = stege("import", sample)
    checked = stege("validate", sample)  # it reads no setting it would need

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: bad setting: {NOT_JSON.format(where=' (in .env)')}"
    ]
    assert checked.exit_code == 0, checked.output
    assert "Traceback" not in checked.output


def test_db_init_creates_the_database(db: Path) -> None:
    result = stege("db", "init")

    assert result.exit_code == 0, result.output
    assert f"schema ready: embedded {db}" in result.stdout
    assert db.exists()


def test_a_bad_setting_is_one_line_on_stderr(
    db: Path, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEGE_STORE", "oracle")
    get_settings.cache_clear()

    result = stege("import", sample)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: bad setting: STEGE_STORE: Input should be 'embedded' or 'neo4j'"
    ]
    assert not db.exists()


def test_the_default_mentor_capacity_has_the_bound_of_a_stored_one(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A person's mentorCapacity is at most 100; the default for everyone
    # else took any number.
    monkeypatch.setenv("STEGE_DEFAULT_MENTOR_CAPACITY", "1000")
    get_settings.cache_clear()

    result = stege("db", "init")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: bad setting: STEGE_DEFAULT_MENTOR_CAPACITY: "
        "Input should be less than or equal to 100"
    ]
    assert not db.exists()


@pytest.mark.parametrize("uri", ["bogus://x", "127.0.0.1:7687", "neo4j://"])
def test_a_neo4j_uri_the_driver_cannot_take_is_a_bad_setting(
    db: Path, monkeypatch: pytest.MonkeyPatch, uri: str
) -> None:
    # Was the driver's ConfigurationError, as a traceback, from every command.
    monkeypatch.setenv("STEGE_STORE", "neo4j")
    monkeypatch.setenv("STEGE_NEO4J_URI", uri)
    get_settings.cache_clear()

    result = stege("db", "init")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: bad setting: STEGE_NEO4J_URI: "), line
    assert f"got {uri!r}" in line


async def test_the_neo4j_store_names_a_uri_the_driver_refuses() -> None:
    from graph.neo4j import Neo4jStore
    from ladders.errors import ValidationError

    with pytest.raises(ValidationError, match=r"^bad Neo4j URI 'bogus://x': URI scheme"):
        await Neo4jStore.open(uri="bogus://x")


def test_seed_demo_imports_the_bundled_demo(db: Path, tmp_path: Path) -> None:
    result = stege("seed", "demo")

    assert result.exit_code == 0, result.output
    write_dataset(load_dataset(demo_dir())[0], tmp_path / "expected")
    assert exported(tmp_path, "out") == files_of(tmp_path / "expected")


def test_seed_demo_refuses_a_store_holding_another_region(db: Path, tmp_path: Path) -> None:
    # `seed synthetic` refused to load over a region, but `seed demo` over a
    # synthetic one overwrote its people E10001... and mixed with the rest.
    assert stege("seed", "synthetic", "--employees", "300").exit_code == 0
    before = exported(tmp_path, "before")

    refused = stege("seed", "demo")

    assert refused.exit_code == 1
    assert "the store holds another region" in refused.stderr
    assert "--force" in refused.stderr
    assert exported(tmp_path, "after") == before
    forced = stege("seed", "demo", "--force")
    assert forced.exit_code == 0, forced.output


def test_seed_demo_again_over_the_demo_is_allowed(db: Path, tmp_path: Path) -> None:
    assert stege("seed", "demo").exit_code == 0
    again = stege("seed", "demo")

    assert again.exit_code == 0, again.output
    write_dataset(load_dataset(demo_dir())[0], tmp_path / "expected")
    assert exported(tmp_path, "out") == files_of(tmp_path / "expected")


def test_settings_come_from_stege_variables_once(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEGE_RETIREMENT_AGE", "67")
    monkeypatch.setenv("STEGE_NEO4J_USER", "neo4j")
    monkeypatch.setenv("STEGE_NEO4J_PASSWORD", "hemligt")
    get_settings.cache_clear()

    settings = get_settings()

    assert get_settings() is settings
    assert (settings.store, settings.db_path) == ("embedded", db)
    assert settings.retirement_age == 67
    assert (settings.mentor_min_age, settings.short_years, settings.long_years) == (55, 3, 10)
    assert (settings.senior_age, settings.senior_share) == (60, 0.5)
    assert (settings.unmet_effort_hours, settings.default_mentor_capacity) == (200, 2)
    assert settings.auth_mode == "jwt"
    assert settings.neo4j_auth() == ("neo4j", "hemligt")
    assert "hemligt" not in repr(settings)


@pytest.mark.parametrize(
    ("n", "problem"),
    [
        ("0", "greater than or equal to 1"),
        ("-1", "greater than or equal to 1"),
        ("500001", "less than or equal to 500000"),
        ("1000000000", "less than or equal to 500000"),
        ("99999999999999999999", "less than or equal to 500000"),
    ],
)
def test_seed_synthetic_refuses_a_region_out_of_range(db: Path, n: str, problem: str) -> None:
    # Refused before anything starts: a huge N once had the generator fill memory.
    result = stege("seed", "synthetic", "--employees", n)

    assert result.exit_code == 2, result.output
    message = " ".join(result.output.replace("│", " ").split())
    assert f"Invalid value for '--employees' / '-n': Input should be {problem}" in message
    assert not db.exists()


def test_seed_synthetic_will_not_mix_with_a_region_already_stored(db: Path) -> None:
    # Its ids are the demo's kind (E10001...): over the demo it overwrote
    # 200 of its people and said "seeded 200 employees" of a blend.
    assert stege("seed", "demo").exit_code == 0
    before = exported(db.parent, "before")

    refused = stege("seed", "synthetic", "--employees", "20")

    assert refused.exit_code == 1, refused.output
    assert "already holds a region" in refused.output
    assert "--force" in refused.output
    assert exported(db.parent, "after") == before
    forced = stege("seed", "synthetic", "--employees", "20", "--force")
    assert forced.exit_code == 0, forced.output


@pytest.fixture
def serving(db: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """`stege serve` (dev auth) up to the server: uvicorn's run is recorded, not run."""
    started: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kw: started.append(kw))
    monkeypatch.setenv("STEGE_AUTH_MODE", "dev")
    get_settings.cache_clear()
    return started


def test_serve_names_the_store_and_address_it_starts_on(
    serving: list[dict[str, object]], db: Path
) -> None:
    result = stege("serve", "--port", "8123")

    assert result.exit_code == 0, result.output
    assert len(serving) == 1
    assert (
        f"Stege starting on http://127.0.0.1:8123/graphql: embedded {db}, dev auth, 1 worker"
        in result.stderr
    )
    formats = [f["fmt"] for f in serving[0]["log_config"]["formatters"].values()]
    assert not any("%(process)d" in fmt for fmt in formats)  # one process: no PIDs needed


def test_serve_warns_when_it_starts_on_a_new_database(
    serving: list[dict[str, object]], db: Path
) -> None:
    # The API writes, so it creates the file as documented; a mistyped
    # STEGE_DB_PATH should still not go unnoticed.
    warning = f"warning: no database at {db}: starting on a new, empty one"

    first = stege("serve")
    again = stege("serve")

    assert (first.exit_code, again.exit_code) == (0, 0), first.output
    assert warning in first.stderr.splitlines()
    assert db.exists()
    assert warning not in again.stderr


def test_serve_runs_several_workers_on_one_embedded_file(
    serving: list[dict[str, object]], db: Path
) -> None:
    # Each worker writes the file; the bundled SQLite (>= 3.51.3) has no
    # WAL-reset race between them (DESIGN §8).
    result = stege("serve", "--workers", "2")

    assert result.exit_code == 0, result.output
    assert [kw["workers"] for kw in serving] == [2]
    assert "dev auth, 2 workers" in result.stderr
    assert "WAL" not in result.output
    # uvicorn's own lines (access, errors) name the worker that wrote them.
    formats = [f["fmt"] for f in serving[0]["log_config"]["formatters"].values()]
    assert formats
    assert all(fmt.startswith("%(levelprefix)s [%(process)d] ") for fmt in formats)


def test_serve_refuses_several_workers_on_a_sqlite_with_the_wal_reset_race(
    serving: list[dict[str, object]], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An apsw built against an older system SQLite: several writing
    # processes could corrupt the file, so they are refused, one is not.
    monkeypatch.setattr(connection, "SQLITE_VERSION", (3, 51, 2))

    refused = stege("serve", "--workers", "2")
    alone = stege("serve")

    assert refused.exit_code == 1
    assert "--workers 2: the embedded store's SQLite 3.51.2 is older than 3.51.3" in (
        refused.stderr
    )
    assert alone.exit_code == 0, alone.output
    assert [kw["workers"] for kw in serving] == [1]


@pytest.mark.parametrize("port", ["65536", "99999", "-1"])
def test_serve_refuses_a_port_out_of_range(serving: list[dict[str, object]], port: str) -> None:
    # 99999 was handed to uvicorn, which then listened on nothing.
    result = stege("serve", "--port", port)

    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
    assert serving == []


def test_serve_stops_at_an_embedded_file_it_cannot_open(
    serving: list[dict[str, object]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder is no SQLite file: each worker failed at start-up with a traceback.
    monkeypatch.setenv("STEGE_DB_PATH", str(tmp_path))
    get_settings.cache_clear()

    result = stege("serve")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: SQLite store {tmp_path}: unable to open database file"
    ]
    assert serving == []


def test_a_bad_log_level_is_one_line_on_stderr(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEGE_LOG_LEVEL", "loud")
    get_settings.cache_clear()

    result = stege("db", "init")
    helped = stege("db", "init", "--help")

    assert result.exit_code == 1
    assert not isinstance(result.exception, ValueError), result.exception
    assert result.stderr.splitlines() == [
        "error: bad setting: STEGE_LOG_LEVEL: 'loud' is not one of "
        "DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]
    assert not db.exists()
    assert helped.exit_code == 0, helped.output
