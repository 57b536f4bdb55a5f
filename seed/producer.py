"""Synthetic chunks made in a process of their own (`stege seed synthetic`).

Generating a region and writing it each take about a core's worth of CPU; in
one process they take turns on the GIL. Here the generator runs in a child
process and sends each chunk down a pipe, and the parent only rebuilds and
writes it, so the two overlap on two cores. Pydantic models pickle slowly
(some 2 s for a chunk of 10,000 people, about as long as writing it takes),
so the people's records travel as plain lists of their field values and
are rebuilt as the same models without validating them
(`seed.generate.trusted`), as pydantic's own unpickling does. The few
reference records of the first chunk travel as pickled models.

A failure in the child is raised in the parent: the child's exception, with
its traceback as a note, or `GeneratorProcessError` when the child died
without saying why. The child is a fresh interpreter (`sys.executable`) on
the parent's import path: not a fork of a process that runs the store's
threads, and not multiprocessing's "spawn", which runs the parent's main
script again in the child.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import traceback
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from pydantic import BaseModel

from ladders.models import (
    Conversation,
    Dataset,
    Employee,
    Holding,
    Mentorship,
    Plan,
    PlanActivity,
)
from seed.generate.trusted import trusted_from_values

Source = Callable[..., Iterator[Dataset]]
"""A chunk generator taking keyword arguments (`synthetic.synthetic_chunks`)."""


class GeneratorProcessError(RuntimeError):
    """The generator process ended without sending all its chunks or an error."""


@dataclass(frozen=True)
class _Shape:
    """How one model travels: its field values in field order."""

    model: type[BaseModel]
    dates: tuple[int, ...]
    """The places of its date fields."""


def _shape(model: type[BaseModel]) -> _Shape:
    fields = model.model_fields
    dates = tuple(
        i
        for i, field in enumerate(fields.values())
        if date in (field.annotation, *typing.get_args(field.annotation))
    )
    return _Shape(model=model, dates=dates)


PEOPLE = {
    "employees": _shape(Employee),
    "holdings": _shape(Holding),
    "mentorships": _shape(Mentorship),
    "plans": _shape(Plan),
    "plan_activities": _shape(PlanActivity),
    "conversations": _shape(Conversation),
}
"""The Dataset fields sent as plain values, with the shape of their records."""


def encode(chunk: Dataset) -> bytes:
    """`chunk` as bytes for the pipe (see `decode`)."""
    # One object per distinct day: pickle sends an object it has sent before
    # as a back-reference, and the parent gets dates without converting any.
    days: dict[date, date] = {}
    people = {name: _values(getattr(chunk, name), shape, days) for name, shape in PEOPLE.items()}
    rest = {
        name: getattr(chunk, name)
        for name in Dataset.model_fields
        if name not in PEOPLE and getattr(chunk, name)
    }
    return pickle.dumps(("chunk", (rest, people)), protocol=pickle.HIGHEST_PROTOCOL)


def _values(
    records: tuple[BaseModel, ...], shape: _Shape, days: dict[date, date]
) -> list[list[Any]]:
    # A record's __dict__ holds its fields in field order (pydantic builds it
    # so, and so does `trusted`).
    rows = [list(r.__dict__.values()) for r in records]
    same = days.setdefault
    for row in rows:
        for i in shape.dates:
            day = row[i]
            if day is not None:
                row[i] = same(day, day)
    return rows


def decode(rest: dict[str, Any], people: dict[str, list[list[Any]]]) -> Dataset:
    """The chunk `encode` sent: equal to it, record for record."""
    fields = dict(rest)
    for name, shape in PEOPLE.items():
        fields[name] = _models(people[name], shape)
    return Dataset(**fields)


def _models(rows: list[list[Any]], shape: _Shape) -> tuple[BaseModel, ...]:
    model = shape.model
    return tuple(trusted_from_values(model, row) for row in rows)


# The child's first lines: the parent's import path before anything of ours
# is imported, so that the child runs the very code the parent does.
_BOOT = (
    "import pickle, sys; path, spec = pickle.load(sys.stdin.buffer); sys.path[:] = path; "
    "from seed.producer import produce; produce(spec)"
)


@contextlib.contextmanager
def chunks_in_child(*, source: Source, **kwargs: Any) -> Iterator[Iterator[Dataset]]:
    """`source(**kwargs)` run in a child process, started on entry; yields
    an iterator of its chunks, rebuilt here. Leaving the block ends the
    child should it still run (an early exit, or a failed write)."""
    read_fd, write_fd = os.pipe()
    receiver = Connection(read_fd, writable=False)
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _BOOT], stdin=subprocess.PIPE, pass_fds=(write_fd,)
        )
    finally:
        os.close(write_fd)  # the child's end: closed here, so its death reads as EOF
    try:
        assert child.stdin is not None
        spec = pickle.dumps({"fd": write_fd, "source": source, "kwargs": kwargs})
        with contextlib.suppress(BrokenPipeError), child.stdin:  # died at once: EOF says so
            pickle.dump((sys.path, spec), child.stdin)
        yield _received(receiver, child)
    finally:
        if child.poll() is None:
            child.terminate()
        child.wait()
        receiver.close()


def _received(receiver: Connection, child: subprocess.Popen[bytes]) -> Iterator[Dataset]:
    while True:
        try:
            kind, payload = pickle.loads(receiver.recv_bytes())
        except EOFError:
            code = child.wait()
            raise GeneratorProcessError(
                f"the generator process ended before its last chunk (exit code {code})"
            ) from None
        if kind == "end":
            return
        if kind == "error":
            raise _child_error(*payload)
        yield decode(*payload)


def _child_error(blob: bytes | None, text: str) -> Exception:
    exc: object = None
    if blob is not None:
        with contextlib.suppress(Exception):
            exc = pickle.loads(blob)
    if isinstance(exc, Exception):
        exc.add_note(f"raised in the generator process:\n{text}")
        return exc
    return GeneratorProcessError(f"the generator process failed:\n{text}")


def produce(spec: bytes) -> None:
    """The child (see `_BOOT`): every chunk down the pipe, then "end", or the error."""
    from seed.synthetic import collector_paused  # imports this module: not at the top

    order = pickle.loads(spec)
    sender = Connection(order["fd"], readable=False)
    try:
        with collector_paused():
            for chunk in order["source"](**order["kwargs"]):
                sender.send_bytes(encode(chunk))
        sender.send_bytes(pickle.dumps(("end", None)))
    except BaseException as exc:
        text = traceback.format_exc()
        blob = None
        with contextlib.suppress(Exception):
            blob = pickle.dumps(exc)
        with contextlib.suppress(OSError):  # the parent may be gone
            sender.send_bytes(pickle.dumps(("error", (blob, text))))
    finally:
        sender.close()
