"""`asOf` arguments: one range for every one, checked in one place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import strawberry
from graphql import GraphQLObjectType

from ladders.errors import ValidationError
from ladders.models import DAY_RANGE

AS_OF = "asOf"
AS_OF_RANGE = DAY_RANGE
"""The dates an `asOf` argument may name (docs/api.md). Far enough out for any
real question, and far enough inside 0001-9999 that no date arithmetic of the
use cases (horizons, validity, the 12 months of plan coverage) can overflow."""


def check_as_of(value: object) -> None:
    """BAD_USER_INPUT (field `asOf`, the value in the message) outside AS_OF_RANGE."""
    least, most = AS_OF_RANGE
    if isinstance(value, date) and not least <= value <= most:
        raise ValidationError(
            f"asOf must be a date from {least} to {most}, not {value}", field=AS_OF, value=value
        )


def _checking_as_of(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def checked(source: Any, info: Any, **args: Any) -> Any:
        check_as_of(args.get(AS_OF))
        return resolve(source, info, **args)

    return checked


def check_as_of_arguments(schema: strawberry.Schema) -> None:
    """Every field with an `asOf` argument checks it before its resolver runs:
    one place for every asOf, root or nested (Plan.current, Employee.ageBand),
    including fields added later. Wrapped on graphql-core's fields, not as a
    strawberry extension, which would wrap every field of every request."""
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            if AS_OF in field.args and field.resolve is not None:
                field.resolve = _checking_as_of(field.resolve)
