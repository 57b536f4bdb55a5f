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
from ladders.holding import held_level
from ladders.models import Employee, Holding, Mentorship
from ladders.ports import AggregateReads, Store, TransferCount
from ladders.rules import Rules


class TransferRisk(BaseModel):
    model_config = ConfigDict(frozen=True)

    competence_id: str
    holders: int
    senior_holders: int
    senior_share: float
    mentorships_active: int


def transfer_counts(
    *,
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    mentorships: Iterable[Mentorship],
    catalog: Catalog,
    min_level: int,
    senior_born_by: int,
    as_of: date,
) -> list[TransferCount]:
    """Per competence held at >= `min_level` (expiry applied) by `employees`:
    holders, senior holders (born in or before `senior_born_by`) and the
    mentorships active on `as_of` whose mentor is one of those holders and
    whose focus has it; by competence id. The reference for
    `AggregateReads.transfer_counts`."""
    people = {e.id: e for e in employees}
    holders: dict[str, set[str]] = {}
    for h in holdings:
        if h.employee_id not in people:
            continue
        if held_level(h, catalog.competences.get(h.competence_id), as_of) >= min_level:
            holders.setdefault(h.competence_id, set()).add(h.employee_id)
    active = [m for m in mentorships if m.active_on(as_of)]
    return [
        TransferCount(
            competence_id=competence_id,
            holders=len(ids),
            senior_holders=sum(people[i].birth_year <= senior_born_by for i in ids),
            mentorships_active=sum(competence_id in m.focus and m.mentor_id in ids for m in active),
        )
        for competence_id, ids in sorted(holders.items())
    ]


def risks_from_counts(counts: Iterable[TransferCount], rules: Rules) -> list[TransferRisk]:
    """The rows with a senior share >= `rules.senior_share`; highest share
    first, uncovered (no active mentorship) before covered, then competence id."""
    rows = [
        TransferRisk(
            competence_id=c.competence_id,
            holders=c.holders,
            senior_holders=c.senior_holders,
            senior_share=c.senior_holders / c.holders,
            mentorships_active=c.mentorships_active,
        )
        for c in counts
        if c.holders > 0 and c.senior_holders / c.holders >= rules.senior_share
    ]
    rows.sort(key=lambda r: (-r.senior_share, r.mentorships_active > 0, r.competence_id))
    return rows


def compute_risks(
    *,
    employees: Sequence[Employee],
    holdings: Iterable[Holding],
    mentorships: Iterable[Mentorship],
    catalog: Catalog,
    rules: Rules,
    as_of: date,
) -> list[TransferRisk]:
    """The transfer risks among `employees` (DESIGN §4): competencies held at
    >= `rules.mentor_level_floor` (4, skicklig: the level at which one can
    mentor it), seniors aged >= `rules.senior_age`.

    `mentorships`: any mentorships; those active on `as_of` whose focus
    includes the competence and whose mentor is one of its holders count.
    """
    counts = transfer_counts(
        employees=employees,
        holdings=holdings,
        mentorships=mentorships,
        catalog=catalog,
        min_level=rules.mentor_level_floor,
        senior_born_by=as_of.year - rules.senior_age,
        as_of=as_of,
    )
    return risks_from_counts(counts, rules)


async def knowledge_transfer_risks(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    unit_id: str,
    as_of: date,
) -> list[TransferRisk]:
    """The transfer risks of the unit subtree; `NotFoundError` for an unknown
    unit. Counted by the store when it offers `AggregateReads`."""
    unit_ids = await store.subtree_unit_ids(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    senior_born_by = as_of.year - rules.senior_age  # age >= senior_age
    if isinstance(store, AggregateReads):
        counts = await store.transfer_counts(
            unit_ids, min_level=rules.mentor_level_floor, senior_born_by=senior_born_by, as_of=as_of
        )
        return risks_from_counts(counts, rules)
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
