"""The organisation tree (`(Unit)-[:PART_OF]->(Unit)`) as an in-memory value.

The tree is small (thousands of units at most, `Store.units()`), so the
questions that walk it (ancestors, subtrees, the PART_OF distance between two
units) are answered here rather than by the store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from weakref import WeakKeyDictionary

from ladders.models import Unit
from ladders.ports import AggregateReads, Store

RINGS_KEPT = 256
"""Start units whose rings a tree keeps (each set of rings lists every unit)."""
DISTANCES_KEPT = 200_000
"""Unit pairs whose distance a tree keeps (a few MB)."""
DISTANCE_MAPS_KEPT = 64
"""Start units whose distance to every unit a tree keeps (~75 KB each at 2,000 units)."""


class UnitTree:
    """An immutable view of the unit tree.

    Units whose parent is unknown are roots. A cycle (which the dataset
    validator rejects) cannot hang the walks: each walk stops at a unit it has
    already seen.
    """

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[str, Unit] = {u.id: u for u in units}
        children: dict[str, list[str]] = {uid: [] for uid in self._units}
        for unit in self._units.values():
            if unit.parent_id is not None and unit.parent_id in self._units:
                children[unit.parent_id].append(unit.id)
        self._children: Mapping[str, tuple[str, ...]] = {
            uid: tuple(sorted(kids)) for uid, kids in children.items()
        }
        # Ranking many mentors asks for the same few unit pairs over and over.
        self._distances: dict[tuple[str | None, str | None], int] = {}
        # Each entry holds every unit: bounded, most recently used kept.
        self._rings: OrderedDict[str | None, tuple[tuple[str | None, ...], ...]] = OrderedDict()
        self._distance_maps: OrderedDict[str | None, Mapping[str | None, int]] = OrderedDict()
        self._roots = tuple(uid for uid in sorted(self._units) if self.parent(uid) is None)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def __len__(self) -> int:
        return len(self._units)

    @property
    def units(self) -> Mapping[str, Unit]:
        return self._units

    def parent(self, unit_id: str) -> str | None:
        unit = self._units.get(unit_id)
        if unit is None or unit.parent_id not in self._units:
            return None
        return unit.parent_id

    def children(self, unit_id: str) -> tuple[str, ...]:
        return self._children.get(unit_id, ())

    def ancestors(self, unit_id: str) -> tuple[str, ...]:
        """The unit itself, then its parent, ... up to its root; () when unknown."""
        if unit_id not in self._units:
            return ()
        chain = [unit_id]
        seen = {unit_id}
        parent = self.parent(unit_id)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.parent(parent)
        return tuple(chain)

    def depth(self, unit_id: str) -> int:
        """PART_OF edges from the unit up to its root (a root has depth 0)."""
        return len(self.ancestors(unit_id)) - 1

    def subtree(self, unit_id: str) -> tuple[str, ...]:
        """The unit and every unit below it, sorted by id; () when unknown."""
        if unit_id not in self._units:
            return ()
        found = {unit_id}
        todo = [unit_id]
        while todo:
            for child in self._children[todo.pop()]:
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return tuple(sorted(found))

    def rings(self, unit_id: str | None) -> tuple[tuple[str | None, ...], ...]:
        """The units by `distance` from `unit_id`: the i-th ring holds those
        at distance i, sorted, with None (no unit: the virtual root) first
        in its ring. An unknown `unit_id` counts as None, as `distance` has
        it for the units of the tree."""
        start = unit_id if unit_id in self._units else None
        known = self._rings.get(start)
        if known is None:
            known = self._rings[start] = self._rings_from(start)
            if len(self._rings) > RINGS_KEPT:
                self._rings.popitem(last=False)
        else:
            self._rings.move_to_end(start)
        return known

    def _rings_from(self, start: str | None) -> tuple[tuple[str | None, ...], ...]:
        # Breadth-first over the tree plus the virtual root joining the roots:
        # in a tree the first path found is the only one, so its length is
        # `distance`.
        found: dict[str | None, int] = {start: 0}
        rings: list[list[str | None]] = [[start]]
        todo: list[str | None] = [start]
        while todo:
            ahead: list[str | None] = []
            for at in todo:
                for near in self._neighbours(at):
                    if near not in found:
                        found[near] = len(rings)
                        ahead.append(near)
            if ahead:
                rings.append(ahead)
            todo = ahead
        return tuple(tuple(sorted(ring, key=lambda u: (u is not None, u or ""))) for ring in rings)

    def distances_from(self, unit_id: str | None) -> Mapping[str | None, int]:
        """`distance` from `unit_id` to every unit of the tree and to None (no
        unit); units it does not know are absent. Read off the rings: one walk
        instead of one per pair, for weighing a region's mentors against an
        adept (55k, 394 adepts: ~0.9 of 1.1 s went on distances, pair by pair)."""
        start = unit_id if unit_id in self._units else None
        known = self._distance_maps.get(start)
        if known is not None:
            self._distance_maps.move_to_end(start)
            return known
        rings = self.rings(start)
        if sum(len(ring) for ring in rings) == len(self._units) + 1:
            known = {u: d for d, ring in enumerate(rings) for u in ring}
        else:  # a cycle: the walk misses units
            known = {u: self.distance(start, u) for u in (None, *self._units)}
        self._distance_maps[start] = known
        if len(self._distance_maps) > DISTANCE_MAPS_KEPT:
            self._distance_maps.popitem(last=False)
        return known

    def _neighbours(self, unit_id: str | None) -> tuple[str | None, ...]:
        if unit_id is None:
            return self._roots
        return (*self._children[unit_id], self.parent(unit_id))

    def distance(self, a: str | None, b: str | None) -> int:
        """PART_OF edges on the path between two units, through their lowest
        common ancestor.

        Units in different trees, unknown units and "no unit" (None) are joined
        through a virtual root one edge above every root, so the answer is
        always defined and only grows with organisational distance: an employee
        without a unit counts as sitting at that virtual root.
        """
        if a == b:
            return 0
        known = self._distances.get((a, b))
        if known is None:
            if len(self._distances) >= DISTANCES_KEPT:
                # A cached tree lives across requests: start over rather than
                # grow with every pair of units ever asked about.
                self._distances.clear()
            known = self._distances[a, b] = self._distances[b, a] = self._distance(a, b)
        return known

    def _distance(self, a: str | None, b: str | None) -> int:
        up_a = self.ancestors(a) if a is not None else ()
        up_b = self.ancestors(b) if b is not None else ()
        steps_b = {uid: i for i, uid in enumerate(up_b)}
        for i, uid in enumerate(up_a):
            if uid in steps_b:
                return i + steps_b[uid]
        # len(ancestors) = depth + 1 = edges up to the virtual root.
        return len(up_a) + len(up_b)


_TREES: WeakKeyDictionary[Store, tuple[str, UnitTree]] = WeakKeyDictionary()
"""Per store, the last tree read and the `units_token` it was read under."""


async def load_tree(store: Store) -> UnitTree:
    """The whole unit tree (`Store.units()` is small). Read again only when
    the store's `AggregateReads.units_token` has changed: building it and its
    rings costs more than most questions that walk it."""
    if not isinstance(store, AggregateReads):
        return UnitTree(await store.units())
    # The token first: units written after it make the next token differ.
    token = await store.units_token()
    if token is not None:
        cached = _TREES.get(store)
        if cached is not None and cached[0] == token:
            return cached[1]
    tree = UnitTree(await store.units())
    if token is not None:
        _TREES[store] = (token, tree)
    return tree
