"""The one exception root of the domain, with narrow subclasses.

Stores translate driver errors into these at their boundary; the API maps
them to typed GraphQL errors.
"""

from __future__ import annotations

from collections.abc import Sequence


class StegeError(Exception):
    """Root of every error Stege raises on purpose."""


class NotFoundError(StegeError):
    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"{kind} {id!r} not found")
        self.kind = kind
        self.id = id


class ForbiddenError(StegeError):
    def __init__(self, message: str = "not allowed") -> None:
        super().__init__(message)


class ValidationError(StegeError):
    """Input that breaks a rule; `field` names the offending input when there is one."""

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


def check_between(value: int, *, field: str, most: int, least: int = 1) -> None:
    """`ValidationError` naming `field` and `value` unless least <= value <= most."""
    if not least <= value <= most:
        raise ValidationError(
            f"{field} must be between {least} and {most}", field=field, value=value
        )


def check_unique(items: Sequence[str], *, field: str) -> None:
    """`ValidationError` naming the second place (`field.N`) an id is listed
    at: a list of ids is a set, and a repeat is a mistake (the import refuses
    it too)."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item in seen:
            raise ValidationError(
                f"{field} lists {item!r} more than once", field=f"{field}.{index}", value=item
            )
        seen.add(item)


class ConflictError(StegeError):
    """A write that contradicts what is already stored (duplicate link, closed plan...)."""


class StoreUnavailableError(StegeError):
    """The store cannot be reached right now; the caller may retry later."""


class OutcomeUnknownError(StoreUnavailableError):
    """A write was sent to be committed, but its answer never came back: it
    may have been made. Retrying it blindly could make it twice."""


class IntegrityError(StegeError):
    """A write would break a reference (unknown id) or a key; nothing was written."""

    REFUSED = "the write clashes with what is stored (a key or a reference); nothing was written"
    """What a store says when its own constraint refused a write: the
    constraint's text names tables and columns or node ids, which are the
    store's, not the caller's, and differ between the stores."""
