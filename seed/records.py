"""Reading one record of a dataset file, with the place of every value.

A record is a YAML mapping or a CSV row. Both hand out typed values through
the same accessors; a value that does not parse is reported at its file, line
(and CSV column) and marks the record as failed, so no model is built from it
but reading goes on and every error is found in one pass.
"""

from __future__ import annotations

import csv
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TextIO, TypeVar

import yaml
from pydantic import ValidationError as PydanticValidationError

from ladders.models import DAY_RANGE
from seed.issues import Issues, Loc
from seed.layout import LIST_SEPARATOR

E = TypeVar("E", bound=StrEnum)
M = TypeVar("M")

_NULL_TAG = "tag:yaml.org,2002:null"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ASCII decimal only: int() and float() also take "1_990", "+5", " 5" and
# other scripts' digits ("١٩٦٥"), none of which the format has (DESIGN §7).
# A leading "-" is let through so that a negative value is told it is below
# the least, not that it is no number. Exponents stay: the writer's YAML
# writes a small or large float as 1.0e-05.
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


class Record(ABC):
    """Typed access to the values of one record; `failed` once any value was bad."""

    def __init__(self, issues: Issues, loc: Loc) -> None:
        self.issues = issues
        self.loc = loc
        self.failed = False

    @abstractmethod
    def raw(self, key: str) -> str | None:
        """The value's text, or None when it is not set."""

    @abstractmethod
    def loc_of(self, key: str) -> Loc: ...

    def fail(self, key: str, message: str) -> None:
        self.failed = True
        self.issues.error(self.loc_of(key), message)

    def verbatim(self, key: str) -> str | None:
        """The value as written, spaces around it included (None when blank)."""
        return self.raw(key)

    def text(self, key: str, *, required: bool = False, verbatim: bool = False) -> str | None:
        """A string; `verbatim` for free text (names) that must survive a
        round trip exactly, the default for ids and codes."""
        value = self.verbatim(key) if verbatim else self.raw(key)
        if value is None and required:
            self.fail(key, f"missing required {key}")
        return value

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            if not _INTEGER.fullmatch(value):
                raise ValueError(value)
            number = int(value)
        except ValueError:  # also past int()'s limit of digits
            self.fail(key, f"{key} {value!r} is not a whole number")
            return None
        if minimum is not None and maximum is not None and not minimum <= number <= maximum:
            self.fail(key, f"{key} {number} is outside {minimum}-{maximum}")
            return None
        if minimum is not None and number < minimum:
            self.fail(key, f"{key} {number} is below {minimum}")
            return None
        return number

    def level(self, key: str, *, required: bool = True, minimum: int = 1) -> int | None:
        """A Benner level, 1-5 (or 0-5 where "not held" is allowed)."""
        return self.integer(key, required=required, minimum=minimum, maximum=5)

    def number(self, key: str, *, maximum: int, required: bool = False) -> float | None:
        """A number from 0 to `maximum` (hours, costs)."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if not _NUMBER.fullmatch(value):
            self.fail(key, f"{key} {value!r} is not a number")
            return None
        number = float(value)
        if not math.isfinite(number) or number < 0:
            self.fail(key, f"{key} {value!r} is not a number of 0 or more")
            return None
        if number > maximum:
            self.fail(key, f"{key} {value} is outside 0-{maximum}")
            return None
        return number

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.fail(key, f"{key} {value!r} is not true or false")
        return default

    def day(self, key: str, *, required: bool = False) -> date | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(key, f"{key} {value!r} is not a date (YYYY-MM-DD)")
            return None
        least, most = DAY_RANGE
        if not least <= day <= most:
            self.fail(key, f"{key} {value} is not a date from {least} to {most}")
            return None
        return day

    def choice(self, key: str, enum: type[E], *, required: bool = False) -> E | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(key, f"unknown {key} {value!r} (expected one of: {allowed})")
            return None

    def id_list(self, key: str) -> tuple[str, ...]:
        """Ids separated by `;` in one value, in their order; empty items are ignored."""
        value = self.raw(key)
        if value is None:
            return ()
        items = tuple(item.strip() for item in value.split(LIST_SEPARATOR))
        items = tuple(item for item in items if item)
        for item in sorted({item for item in items if items.count(item) > 1}):
            self.fail(key, f"{key} lists {item!r} more than once")
        return items


def build(record: Record, factory: Callable[..., M], **values: object) -> M | None:
    """The model made from a record's values, or None when a value was bad.

    Unset values are left out so the model's defaults apply. A value that is
    required but unset has been reported where it was read, so pydantic's
    "missing" errors are not repeated; any other rule it enforces is reported
    at the record.
    """
    if record.failed:
        return None
    try:
        return factory(**{key: value for key, value in values.items() if value is not None})
    except PydanticValidationError as exc:
        for error in exc.errors():
            if error["type"] != "missing":
                field = ".".join(str(part) for part in error["loc"])
                record.failed = True
                record.issues.error(record.loc, f"{field}: {error['msg']}")
        return None


# --- YAML -------------------------------------------------------------------


def yaml_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader when PyYAML was built with it: the same node tree (line
marks included) several times faster than the pure-Python one."""


ReadFn = Callable[[int], None]
"""Told how many bytes of the dataset's files were just read."""

_READ: ContextVar[ReadFn | None] = ContextVar("stege_seed_read", default=None)
_READ_STEP = 1 << 20
"""A CSV file's progress is told every MiB or so (its rows are millions)."""


@contextmanager
def reading(progress: ReadFn | None) -> Iterator[None]:
    """Tell `progress` the bytes `compose_yaml` and `read_csv` read in this
    block (a context variable: the readers' many signatures need not carry it)."""
    token = _READ.set(progress)
    try:
        yield
    finally:
        _READ.reset(token)


def _told(n: int) -> None:
    progress = _READ.get()
    if progress is not None and n > 0:
        progress(n)


def _counted(handle: TextIO, size: int) -> Iterator[str]:
    """The handle's lines, their size told as they are read (in characters,
    which undercount bytes a little; the rest is told at the file's end)."""
    told = pending = 0
    for line in handle:
        yield line
        pending += len(line)
        if pending >= _READ_STEP:
            _told(pending)
            told, pending = told + pending, 0
    _told(size - told)


def _compose(text: str) -> yaml.Node | None:
    """The node tree; a document libyaml rejects is composed again by the
    pure-Python loader, whose error messages (and lines) are the ones we report."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def compose_yaml(path: Path, rel: str, issues: Issues) -> yaml.Node | None:
    """The file's node tree (None when empty or unreadable; errors are reported)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        _told(path.stat().st_size)
        issues.give_up(Loc(rel, _line_of_bad_utf8(path)), f"not UTF-8 text ({exc.reason})")
        return None
    _told(path.stat().st_size)
    try:
        return _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.context_mark is not None and exc.problem:
            # Unclosed brackets and quotes are found lines after they open.
            message += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        issues.give_up(Loc(rel, line), message)
    except yaml.YAMLError as exc:
        issues.give_up(Loc(rel, 1), f"YAML syntax error: {exc}")
    return None


def yaml_items(
    node: yaml.Node | None, rel: str, issues: Issues, what: str, *, defines: bool = False
) -> list[yaml.Node]:
    """The items of a YAML list (a missing or empty value is an empty list).

    `defines`: the items define ids (a file's records, a ladder's steps). Not
    a list, none of them is known: the file is given up on like one that does
    not parse, so references to its ids do not bury this one error under
    thousands of "unknown" ones."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG):
        return []
    if not isinstance(node, yaml.SequenceNode):
        report = issues.give_up if defines else issues.error
        report(Loc(rel, yaml_line(node)), f"expected a list of {what}")
        return []
    return list(node.value)


class YamlRecord(Record):
    """One YAML mapping; unknown and repeated keys are errors."""

    def __init__(
        self, node: yaml.Node, rel: str, issues: Issues, keys: tuple[str, ...], what: str
    ) -> None:
        super().__init__(issues, Loc(rel, yaml_line(node)))
        self.rel = rel
        self.values: dict[str, yaml.Node] = {}
        self.is_mapping = isinstance(node, yaml.MappingNode)
        if not isinstance(node, yaml.MappingNode):
            self.failed = True
            issues.error(self.loc, f"expected a {what} (a mapping of {', '.join(keys)})")
            return
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = Loc(rel, yaml_line(key_node))
            if key not in keys:
                self.failed = True
                issues.error(where, f"unknown key {key!r} in {what} (expected: {', '.join(keys)})")
            elif key in self.values:
                self.failed = True
                issues.error(where, f"duplicate key {key!r} in {what}")
            else:
                self.values[key] = value_node

    def raw(self, key: str) -> str | None:
        node = self.values.get(key)
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.fail(key, f"{key} must be a single value, not a list or mapping")
            return None
        if node.tag == _NULL_TAG or not str(node.value).strip():
            return None
        return str(node.value)

    def loc_of(self, key: str) -> Loc:
        node = self.values.get(key)
        return Loc(self.rel, yaml_line(node)) if node is not None else self.loc

    def items(
        self, key: str, what: str, *, required: bool = False, defines: bool = False
    ) -> list[yaml.Node]:
        node = self.values.get(key)
        if node is None and required:
            self.fail(key, f"missing required {key}")
        return yaml_items(node, self.rel, self.issues, what, defines=defines)


# --- CSV --------------------------------------------------------------------


class CsvRecord(Record):
    """One CSV row; cells are stripped (but free text is kept verbatim) and an
    empty cell means "not set"."""

    def __init__(self, cells: dict[str, str], issues: Issues, loc: Loc) -> None:
        super().__init__(issues, loc)
        self.cells = cells

    def raw(self, key: str) -> str | None:
        value = self.cells.get(key, "").strip()
        return value or None

    def verbatim(self, key: str) -> str | None:
        value = self.cells.get(key, "")
        return value if value.strip() else None

    def loc_of(self, key: str) -> Loc:
        return self.loc.at(key)


def read_csv(
    path: Path,
    rel: str,
    issues: Issues,
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
) -> Iterator[CsvRecord]:
    """The rows of a CSV file with a header line, each with its line number,
    read one at a time (people files can be large).

    A header that lacks a required column or names an unknown one is reported
    and the rows are not read (every row would repeat the same error).
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = _csv_lines(_counted(handle, path.stat().st_size), path, rel, issues)
        first = next(lines, None)
        if first is None:
            # A file that stopped at its first buffer (bad bytes) has been
            # reported; it is no more missing its header than any other.
            if not issues.gave_up_on(rel):
                issues.give_up(Loc(rel, 1), f"missing header line ({','.join(columns)})")
            return
        header = _header(first, rel, issues, columns, required)
        if header is None:
            issues.stopped(rel)  # the rows are not read
            return
        for line, cells in lines:
            if not any(cell.strip() for cell in cells):
                continue
            # A short row is as suspect as a long one: its cells may sit
            # under the wrong columns.
            if len(cells) != len(header):
                issues.error(
                    Loc(rel, line), f"row has {len(cells)} cells but the header has {len(header)}"
                )
                continue
            yield CsvRecord(dict(zip(header, cells, strict=False)), issues, Loc(rel, line))


def _header(
    first: tuple[int, list[str]],
    rel: str,
    issues: Issues,
    columns: tuple[str, ...],
    required: tuple[str, ...],
) -> list[str] | None:
    """The column names, or None (errors reported) when the header is not usable."""
    line, names = first
    header = [name.strip() for name in names]
    bad = False
    seen: set[str] = set()
    for name in header:
        if name not in columns:
            bad = True
            issues.error(Loc(rel, line, name or None), f"unknown column {name!r}")
        elif name in seen:
            bad = True
            issues.error(Loc(rel, line, name), f"duplicate column {name!r}")
        seen.add(name)
    for name in required:
        if name not in seen:
            bad = True
            issues.error(Loc(rel, line, name), f"missing column {name!r}")
    return None if bad else header


def _csv_lines(
    handle: Iterator[str], path: Path, rel: str, issues: Issues
) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(handle)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        issues.give_up(Loc(rel, reader.line_num or start), f"CSV syntax error: {exc}")
    except UnicodeDecodeError as exc:
        # Not `start`: the text is decoded a buffer ahead of the rows.
        issues.give_up(Loc(rel, _line_of_bad_utf8(path)), f"not UTF-8 text ({exc.reason})")


def _line_of_bad_utf8(path: Path) -> int:
    """The 1-based line of the first byte that is not UTF-8, read again line by
    line (only once a decode has failed): a decoder's offset is into whatever
    it was given, the whole file or a buffer of it. A newline byte is never
    part of a multi-byte character, so each line decodes on its own."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1  # not reached: the caller's decode failed
