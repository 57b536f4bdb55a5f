"""bench/report.py as a command: help, the recorded results, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.report import main

RESULTS = Path(__file__).resolve().parents[3] / "bench" / "results"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "FILE" in capsys.readouterr().out


def test_renders_the_recorded_results(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RESULTS / "55000.json")]) == 0
    out = capsys.readouterr().out
    assert "### N = 55,000" in out
    assert "seeding, neo4j ≤ 60 s" in out


@pytest.mark.parametrize("content", [None, "{not json", b"\xff\xfe"])
def test_a_bad_file_is_named_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None
) -> None:
    path = tmp_path / "run.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as exit_:
        main([str(path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "Traceback" not in err
