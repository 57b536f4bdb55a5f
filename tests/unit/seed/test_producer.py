"""Synthetic chunks made in a child process: the same chunks, errors surfaced."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ladders.models import Dataset
from seed.producer import GeneratorProcessError, chunks_in_child, decode, encode
from seed.synthetic import synthetic_chunks
from tests.unit.seed import sources

_REGION = {"employees": 700, "seed": 2, "batch_size": 150}


def _records(chunk: Dataset) -> list[object]:
    return [r for name in Dataset.model_fields for r in getattr(chunk, name)]


def test_the_child_sends_exactly_the_chunks_made_in_process() -> None:
    with chunks_in_child(source=synthetic_chunks, **_REGION) as received:
        got = list(received)
    want = list(synthetic_chunks(**_REGION))

    assert [len(c.employees) for c in got] == [0, 150, 150, 150, 150, 100]
    assert got == want
    for g, w in zip(got, want, strict=True):
        assert [type(r) for r in _records(g)] == [type(r) for r in _records(w)]
        assert [r.model_dump_json() for r in _records(g)] == [  # type: ignore[attr-defined]
            r.model_dump_json()  # type: ignore[attr-defined]
            for r in _records(w)
        ]
        assert [r.model_fields_set for r in _records(g)] == [  # type: ignore[attr-defined]
            r.model_fields_set  # type: ignore[attr-defined]
            for r in _records(w)
        ]


def test_a_chunk_survives_its_encoding_record_for_record() -> None:
    chunk = list(synthetic_chunks(employees=80, seed=7, batch_size=80))[1]

    kind, payload = pickle.loads(encode(chunk))
    rebuilt = decode(*payload)

    assert kind == "chunk"
    assert rebuilt == chunk
    # Rebuilt records are frozen models like any other.
    with pytest.raises(ValueError, match="frozen"):
        rebuilt.employees[0].name = "x"  # type: ignore[misc]


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_traceback() -> None:
    got: list[Dataset] = []
    with (
        pytest.raises(sources.GeneratorBroke, match="broke after 2 chunks") as raised,
        chunks_in_child(source=sources.breaking, after=2, **_REGION) as received,
    ):
        got.extend(received)

    assert len(got) == 2
    notes = "".join(getattr(raised.value, "__notes__", []))
    assert "raised in the generator process" in notes
    assert "in breaking" in notes


def test_an_error_that_cannot_travel_is_reported_by_its_traceback() -> None:
    with (
        pytest.raises(GeneratorProcessError, match="Unpicklable: cannot travel"),
        chunks_in_child(source=sources.raising_unpicklable, **_REGION) as received,
    ):
        list(received)


def test_a_child_that_dies_without_a_word_is_an_error_not_a_hang() -> None:
    with (
        pytest.raises(GeneratorProcessError, match="exit code 3"),
        chunks_in_child(source=sources.dying, **_REGION) as received,
    ):
        list(received)


def _children() -> set[int]:
    tasks = Path("/proc/self/task")
    return {int(pid) for t in tasks.iterdir() for pid in (t / "children").read_text().split()}


def test_leaving_early_ends_the_child() -> None:
    before = _children()
    with chunks_in_child(source=synthetic_chunks, employees=20_000, seed=1) as received:
        first = next(received)
        during = _children() - before
    after = _children() - before

    assert first.units
    assert len(during) == 1  # the child, busy with the people
    assert after == set()  # ended and reaped, not left generating
