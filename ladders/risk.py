"""Knowledge-transfer risk (DESIGN §4 "Knowledge-transfer risk").

Which competencies of a unit subtree are held at a high level mostly by
seniors, and whether those seniors are passing them on through mentorships.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.holding import age, held_level
from ladders.models import Employee, Holding, Mentorship
from ladders.ports import Store
from ladders.rules import Rules


class TransferRisk(BaseModel):
    model_config = ConfigDict(frozen=True)

    competence_id: str
    holders: int
    senior_holders: int
    senior_share: float
    mentorships_active: int


def compute_risks(
    *,
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    mentorships: Iterable[Mentorship],
    catalog: Catalog,
    rules: Rules,
    as_of: date,
) -> list[TransferRisk]:
    """The competencies held at >= `rules.mentor_level_floor` (4: skicklig; the
    level at which someone can mentor it) by `employees`, whose senior share
    (age >= `rules.senior_age`) is at least `rules.senior_share`; highest share
    first, uncovered (no active mentorship) before covered, then competence id.

    `mentorships`: any mentorships; those active on `as_of` whose focus
    includes the competence and whose mentor is one of its holders count.
    """
    people = {e.id: e for e in employees}
    holders: dict[str, set[str]] = {}
    for h in holdings:
        if h.employee_id not in people:
            continue
        level = held_level(h, catalog.competences.get(h.competence_id), as_of)
        if level >= rules.mentor_level_floor:
            holders.setdefault(h.competence_id, set()).add(h.employee_id)
    active = [m for m in mentorships if m.active_on(as_of)]
    rows = []
    for competence_id, ids in holders.items():
        seniors = sum(age(people[i], as_of) >= rules.senior_age for i in ids)
        share = seniors / len(ids)
        if share < rules.senior_share:
            continue
        covering = sum(competence_id in m.focus and m.mentor_id in ids for m in active)
        rows.append(
            TransferRisk(
                competence_id=competence_id,
                holders=len(ids),
                senior_holders=seniors,
                senior_share=share,
                mentorships_active=covering,
            )
        )
    rows.sort(key=lambda r: (-r.senior_share, r.mentorships_active > 0, r.competence_id))
    return rows


async def knowledge_transfer_risks(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    unit_id: str,
    as_of: date,
) -> list[TransferRisk]:
    """The transfer risks of the unit subtree; `NotFoundError` for an unknown unit."""
    unit_ids = await store.subtree_unit_ids(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    employees = await store.employees_in_units(unit_ids)
    if not employees:
        return []
    holdings = [
        h
        for h in await store.holdings_of([e.id for e in employees])
        if h.level >= rules.mentor_level_floor
    ]
    mentor_ids = sorted({h.employee_id for h in holdings})
    mentorships = (
        await store.mentorships_of(mentor_ids, role="mentor", active_on=as_of) if mentor_ids else []
    )
    return await asyncio.to_thread(
        compute_risks,
        employees=employees,
        holdings=holdings,
        mentorships=mentorships,
        catalog=catalog,
        rules=rules,
        as_of=as_of,
    )
