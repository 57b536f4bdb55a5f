"""Holding expiry as a bound a store can compare against (for `AggregateReads`).

A holding without `expires_on` of a competence valid `n` months expires on
`ladders.holding.add_months(assessed_on, n)`, which clamps month ends (31 Jan
+ 1 month = 28/29 Feb). SQLite's `date(x, '+n months')` does not clamp, so
rather than redo the arithmetic in each query language, both stores compare
`assessed_on` with the earliest assessment day that still counts on `as_of`:
`add_months` is non-decreasing in its day, so "still valid" is one `>=`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ladders.holding import add_months


def earliest_valid_assessment(as_of: date, valid_months: int) -> date:
    """The least `d` with `add_months(d, valid_months) >= as_of`: a holding
    assessed on or after it has not expired on `as_of`."""
    # add_months(as_of - n months, n) is as_of, or a clamped day a little
    # before it; so the answer is at most a few days after that candidate.
    day = add_months(as_of, -valid_months) - timedelta(days=1)
    while add_months(day, valid_months) >= as_of:
        day -= timedelta(days=1)
    day += timedelta(days=1)
    while add_months(day, valid_months) < as_of:
        day += timedelta(days=1)
    return day


def validity_bounds(valid_months: Iterable[tuple[str, int | None]], as_of: date) -> dict[str, str]:
    """Competence id -> the ISO day `earliest_valid_assessment`, for every
    (competence id, valid_months) with a validity (the others never expire
    by the age of their assessment)."""
    return {
        competence_id: earliest_valid_assessment(as_of, months).isoformat()
        for competence_id, months in valid_months
        if months
    }
