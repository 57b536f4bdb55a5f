"""Per-request DataLoaders over the store's batch reads.

Built once per request (never shared: their caches would leak data between
callers and go stale), and cleared after each mutation's write (the next
field of the same document would otherwise see what it changed as before).
Every loader turns the keys one event-loop tick asked for into ONE store
call, so a page of employees with their units and competences costs a fixed
number of calls, not one per employee.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from ladders import models as m
from ladders.ports import Store

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _grouped(keys: Sequence[K], items: Iterable[V], *key_of: Callable[[V], K]) -> list[list[V]]:
    """Items grouped per key (an item may belong to several keys), aligned with `keys`."""
    groups: dict[K, list[V]] = defaultdict(list)
    for item in items:
        for key_fn in key_of:
            groups[key_fn(item)].append(item)
    return [groups.get(key, []) for key in keys]


class Loaders:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.employee: DataLoader[str, m.Employee | None] = DataLoader(self._employees)
        self.unit: DataLoader[str, m.Unit | None] = DataLoader(self._units)
        self.subtree: DataLoader[str, list[str]] = DataLoader(self._subtrees)
        self.needs: DataLoader[str, list[m.UnitNeed]] = DataLoader(self._needs)
        self.holdings: DataLoader[str, list[m.Holding]] = DataLoader(self._holdings)
        self.plans_of: DataLoader[str, list[m.Plan]] = DataLoader(self._plans_of)
        self.plan: DataLoader[str, m.Plan | None] = DataLoader(self._plans)
        self.plan_items: DataLoader[str, list[m.PlanActivity]] = DataLoader(self._plan_items)
        self.mentorships: DataLoader[str, list[m.Mentorship]] = DataLoader(self._mentorships)
        self.conversations: DataLoader[str, list[m.Conversation]] = DataLoader(self._conversations)
        self._all_units: list[m.Unit] | None = None

    def clear(self) -> None:
        """Forget every read: after a write, which any of them may predate."""
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()
        self._all_units = None

    async def all_units(self) -> list[m.Unit]:
        """Every unit (the tree is small); read once per request."""
        if self._all_units is None:
            self._all_units = await self._store.units()
            for unit in self._all_units:
                self.unit.prime(unit.id, unit)
        return self._all_units

    async def _employees(self, ids: list[str]) -> list[m.Employee | None]:
        return await self._store.get_employees(ids)

    async def _units(self, ids: list[str]) -> list[m.Unit | None]:
        return await self._store.get_units(ids)

    async def _subtrees(self, ids: list[str]) -> list[list[str]]:
        # The port has no batch form; managed units are few (a manager's units).
        return [await self._store.subtree_unit_ids(unit_id) for unit_id in ids]

    async def _needs(self, ids: list[str]) -> list[list[m.UnitNeed]]:
        return _grouped(ids, await self._store.unit_needs(ids), lambda n: n.unit_id)

    async def _holdings(self, ids: list[str]) -> list[list[m.Holding]]:
        return _grouped(ids, await self._store.holdings_of(ids), lambda h: h.employee_id)

    async def _plans_of(self, ids: list[str]) -> list[list[m.Plan]]:
        plans = await self._store.plans_of(ids)
        for plan in plans:
            self.plan.prime(plan.id, plan)
        return _grouped(ids, plans, lambda p: p.employee_id)

    async def _plans(self, ids: list[str]) -> list[m.Plan | None]:
        return await self._store.get_plans(ids)

    async def _plan_items(self, ids: list[str]) -> list[list[m.PlanActivity]]:
        return _grouped(ids, await self._store.plan_activities(ids), lambda a: a.plan_id)

    async def _mentorships(self, ids: list[str]) -> list[list[m.Mentorship]]:
        links = await self._store.mentorships_of(ids, role="any")
        return _grouped(ids, links, lambda x: x.mentor_id, lambda x: x.adept_id)

    async def _conversations(self, ids: list[str]) -> list[list[m.Conversation]]:
        return _grouped(ids, await self._store.conversations_of(ids), lambda c: c.employee_id)
