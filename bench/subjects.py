"""Choosing what to ask about: people, adepts and units of the sizes asked for."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ladders.catalog import CatalogCache
from ladders.gap import gap_report
from ladders.models import UnitKind
from ladders.ports import Store
from ladders.rules import Rules


@dataclass(frozen=True)
class Subjects:
    persons: tuple[str, ...]
    adepts: tuple[str, ...]
    region: str
    unit200: str
    unit200_size: int
    unit5000: str
    unit5000_size: int
    admin: str
    """An employee id to call the API as (with the admin role)."""

    def of(self, kind: str) -> tuple[str, ...]:
        return {
            "person": self.persons,
            "adept": self.adepts,
            "region": (self.region,),
            "unit200": (self.unit200,),
            "unit5000": (self.unit5000,),
        }[kind]


async def _closest(store: Store, unit_ids: list[str], target: int) -> tuple[str, int]:
    best: tuple[int, str, int] | None = None
    for unit_id in unit_ids:
        size = await store.count_employees_in_units(await store.subtree_unit_ids(unit_id))
        key = (abs(size - target), unit_id, size)
        if best is None or key < best:
            best = key
    assert best is not None
    return best[1], best[2]


async def pick_subjects(
    store: Store, *, rules: Rules, as_of: date, seed: int, people: int = 30
) -> Subjects:
    """Deterministic for a given store content and seed."""
    units = await store.units()
    root = next(u for u in units if u.parent_id is None)
    admins = [u.id for u in units if u.kind is UnitKind.ADMINISTRATION]
    unit5000, size5000 = await _closest(store, admins or [root.id], 5000)
    subtree = await store.subtree_unit_ids(unit5000)
    inside = set(subtree)
    middle = [
        u.id for u in units if u.id in inside and u.kind in (UnitKind.AREA, UnitKind.DEPARTMENT)
    ]
    unit200, size200 = await _closest(store, middle[:80] or [unit5000], 200)
    staff = await store.employees_in_units(subtree)
    catalog = await CatalogCache().get(store)
    climbing = [e for e in staff if e.step_id and catalog.next_step(e.step_id) is not None]
    rng = random.Random(seed)
    persons = rng.sample(climbing, min(people, len(climbing)))
    candidates = [e for e in climbing if e.adept] + [e for e in climbing if not e.adept]
    adepts: list[str] = []
    for employee in candidates[: people * 10]:
        report = await gap_report(
            store=store, catalog=catalog, rules=rules, employee_id=employee.id, as_of=as_of
        )
        if any(item.missing > 0 for item in report.items):
            adepts.append(employee.id)
        if len(adepts) >= people:
            break
    return Subjects(
        persons=tuple(e.id for e in persons),
        adepts=tuple(adepts) or tuple(e.id for e in persons),
        region=root.id,
        unit200=unit200,
        unit200_size=size200,
        unit5000=unit5000,
        unit5000_size=size5000,
        admin=staff[0].id,
    )
