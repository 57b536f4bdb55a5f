"""What validation reports: issues with file, line and column, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from ladders.errors import ValidationError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Loc(NamedTuple):
    """Where something sits in a dataset: a file relative to the dataset folder,
    a 1-based line (0: the whole file) and, for CSV, the column name.

    A named tuple, not a dataclass: one is made for every row read."""

    file: str
    line: int
    column: str | None = None

    def at(self, column: str | None) -> Loc:
        return Loc(self.file, self.line, column)

    def __str__(self) -> str:
        line = f":{self.line}" if self.line else ""
        column = f":{self.column}" if self.column else ""
        return f"{self.file}{line}{column}"


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    file: str
    line: int
    column: str | None
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = str(Loc(self.file, self.line, self.column))
        if self.is_error:
            return f"{where}: {self.message}"
        return f"{where}: warning: {self.message}"


class DatasetError(ValidationError):
    """A dataset that breaks the rules of DESIGN §7; `issues` holds every
    error and warning found, in file and line order."""

    def __init__(self, issues: Iterable[ValidationIssue]) -> None:
        self.issues = list(issues)
        errors = self.errors
        first = f": {errors[0]}" if errors else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"dataset rejected{first}{more}")

    @property
    def errors(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [i for i in self.issues if not i.is_error]


class Issues:
    """Collects issues while a dataset is read, so every error is reported at once."""

    def __init__(self) -> None:
        self._items: list[ValidationIssue] = []
        self._given_up: set[str] = set()

    def error(self, loc: Loc, message: str) -> None:
        self._items.append(ValidationIssue(loc.file, loc.line, loc.column, message))

    def give_up(self, loc: Loc, message: str) -> None:
        """An error that stops the reading of its file (a syntax error, a
        header that does not fit): what the file defines is not all known."""
        self.error(loc, message)
        self.stopped(loc.file)

    def stopped(self, file: str) -> None:
        """The reading of `file` stopped at an error already reported."""
        self._given_up.add(file)

    def gave_up_on(self, *files: str) -> bool:
        """Whether the reading of any of these files stopped at an error."""
        return any(f in self._given_up for f in files)

    def warning(self, loc: Loc, message: str) -> None:
        self._items.append(
            ValidationIssue(loc.file, loc.line, loc.column, message, Severity.WARNING)
        )

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self._items)

    def sorted(self) -> list[ValidationIssue]:
        """By file, then line; issues at one place keep the order they were found in."""
        return sorted(self._items, key=lambda i: (i.file, i.line))
