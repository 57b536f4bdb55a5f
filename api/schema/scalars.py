"""The `Date` scalar: a day as YYYY-MM-DD, the one form the dataset files take.

Strawberry's own took whatever Python's `date.fromisoformat` does: basic and
week dates too (`20250301`, `2025-W09-6`, stored as 2025-03-01), and refused
`2025-3-1` with Python's own wording. Serialised as before (isoformat).
"""

from __future__ import annotations

import re
from datetime import date

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

# [0-9], not \d: \d takes any Unicode digit ("٢٠٢٥-٠٣-٠١").
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FORM = "YYYY-MM-DD, such as 2025-03-01"


def parse_day(value: object) -> date:
    """A day as YYYY-MM-DD, else a coercion error (BAD_USER_INPUT) naming the form."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a Date: "{value}". Expected {FORM}.'
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a Date: "{value}". No such day (expected {FORM}).'
        ) from None


DATE = ScalarDefinition(
    name="Date",
    description="A day, as YYYY-MM-DD.",
    specified_by_url=None,
    serialize=date.isoformat,
    parse_value=parse_day,
    parse_literal=None,
    origin=date,
)
