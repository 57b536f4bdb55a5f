"""Held level with expiry (DESIGN §4 "Held level") and age."""

from __future__ import annotations

from datetime import date

from ladders.models import Competence, Employee, Holding


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _days_in_month(year, month)
    return date(year, month, min(day.day, last))


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def expiry(holding: Holding, competence: Competence | None) -> date | None:
    """When the holding stops counting: `expires_on`, else `assessed_on +
    valid_months` when the competence has a validity, else never."""
    if holding.expires_on is not None:
        return holding.expires_on
    if competence is not None and competence.valid_months and holding.assessed_on is not None:
        return add_months(holding.assessed_on, competence.valid_months)
    return None


def is_expired(holding: Holding, competence: Competence | None, as_of: date) -> bool:
    """Expired when the expiry date is before `as_of` (valid on the day itself)."""
    until = expiry(holding, competence)
    return until is not None and until < as_of


def held_level(holding: Holding | None, competence: Competence | None, as_of: date) -> int:
    """`held(e, c, d)`: the HOLDS level, or 0 when there is none or it has expired."""
    if holding is None or is_expired(holding, competence, as_of):
        return 0
    return holding.level


def age(employee: Employee, as_of: date) -> int:
    """`age(e, d) = d.year - e.birth_year` (DESIGN §4: birth dates are never stored)."""
    return as_of.year - employee.birth_year
