"""The unit tree: ancestors, subtrees and PART_OF distances.

The tree used throughout (PART_OF edges point up):

    region
    ├── adm1
    │   ├── dep1
    │   │   └── unitA
    │   └── dep2
    └── adm2
    other            (a second root, not connected to region)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.models import Dataset, Unit, UnitKind
from ladders.orgtree import UnitTree, load_tree


def _unit(uid: str, parent: str | None, kind: UnitKind = UnitKind.UNIT) -> Unit:
    return Unit(id=uid, name=uid.title(), kind=kind, parent_id=parent)


UNITS = (
    _unit("region", None, UnitKind.REGION),
    _unit("adm1", "region", UnitKind.ADMINISTRATION),
    _unit("adm2", "region", UnitKind.ADMINISTRATION),
    _unit("dep1", "adm1", UnitKind.DEPARTMENT),
    _unit("dep2", "adm1", UnitKind.DEPARTMENT),
    _unit("unitA", "dep1"),
    _unit("other", None, UnitKind.REGION),
)


@pytest.fixture
def tree() -> UnitTree:
    return UnitTree(UNITS)


def test_ancestors_run_from_the_unit_up_to_its_root(tree: UnitTree) -> None:
    assert tree.ancestors("unitA") == ("unitA", "dep1", "adm1", "region")
    assert tree.ancestors("region") == ("region",)
    assert tree.ancestors("nowhere") == ()


def test_parent_children_and_depth(tree: UnitTree) -> None:
    assert tree.parent("dep2") == "adm1"
    assert tree.parent("region") is None
    assert tree.children("adm1") == ("dep1", "dep2")
    assert tree.depth("unitA") == 3
    assert tree.depth("other") == 0


def test_subtree_is_the_unit_and_everything_below_sorted(tree: UnitTree) -> None:
    assert tree.subtree("adm1") == ("adm1", "dep1", "dep2", "unitA")
    assert tree.subtree("dep2") == ("dep2",)
    assert tree.subtree("nowhere") == ()
    assert len(tree.subtree("region")) == 6  # every unit but "other"


def test_distance_counts_part_of_edges_through_the_lowest_common_ancestor(
    tree: UnitTree,
) -> None:
    assert tree.distance("unitA", "unitA") == 0
    # unitA -> dep1 -> adm1 (2 edges up), adm1 <- dep2 (1 edge down): 3
    assert tree.distance("unitA", "dep2") == 3
    assert tree.distance("dep2", "unitA") == 3
    # straight up: unitA -> dep1 -> adm1 -> region
    assert tree.distance("unitA", "region") == 3
    # unitA up to region (3), region down to adm2 (1)
    assert tree.distance("unitA", "adm2") == 4
    # siblings
    assert tree.distance("dep1", "dep2") == 2


def test_distance_across_trees_and_without_a_unit_goes_through_a_virtual_root(
    tree: UnitTree,
) -> None:
    # unitA: 3 edges to region + 1 to the virtual root; other: 1 edge to it.
    assert tree.distance("unitA", "other") == 5
    # no unit sits at the virtual root: region is 1 edge below it, unitA 4.
    assert tree.distance(None, "region") == 1
    assert tree.distance("unitA", None) == 4
    assert tree.distance("unitA", "nowhere") == 4


def test_a_cycle_does_not_hang_the_walks() -> None:
    cyclic = UnitTree([_unit("a", "b"), _unit("b", "a")])
    assert cyclic.ancestors("a") == ("a", "b")
    assert cyclic.subtree("a") == ("a", "b")
    assert cyclic.distance("a", "b") == 1


async def test_load_tree_reads_the_whole_tree_from_the_store(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(Dataset(units=UNITS))
        tree = await load_tree(store)
    finally:
        await store.close()
    assert len(tree) == len(UNITS)
    assert tree.distance("unitA", "adm2") == 4


def test_rings_are_by_distance_and_their_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ladders.orgtree as orgtree

    tree = UnitTree(UNITS)
    rings = tree.rings("unitA")
    for i, ring in enumerate(rings):
        assert all(tree.distance("unitA", u) == i for u in ring if u is not None)
    assert {u for ring in rings for u in ring} == {u.id for u in UNITS} | {None}

    # Each memo entry lists every unit, so only the most recently used stay.
    monkeypatch.setattr(orgtree, "RINGS_KEPT", 2)
    bounded = UnitTree(UNITS)
    for start in ("unitA", "dep1", "adm2", "unitA"):
        assert bounded.rings(start) == UnitTree(UNITS).rings(start)
    assert list(bounded._rings) == ["adm2", "unitA"]


def test_the_distance_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ladders.orgtree as orgtree

    monkeypatch.setattr(orgtree, "DISTANCES_KEPT", 4)
    tree = UnitTree(UNITS)
    fresh = UnitTree(UNITS)
    ids = [u.id for u in UNITS]
    for a in ids:
        for b in ids:
            assert tree.distance(a, b) == fresh._distance(a, b)
            assert len(tree._distances) <= 4 + 1  # a pair is kept both ways


@pytest.mark.parametrize("units", [UNITS, (_unit("a", "b"), _unit("b", "a"), _unit("c", None))])
def test_distances_from_a_unit_are_its_distance_to_each(units: tuple[Unit, ...]) -> None:
    tree = UnitTree(units)
    everywhere: list[str | None] = [None, *(u.id for u in units)]
    for start in [*everywhere, "nowhere"]:
        known = tree.distances_from(start)
        assert set(known) == set(everywhere)  # an unknown unit is absent
        assert all(known[u] == tree.distance(start, u) for u in everywhere)


def test_the_distance_maps_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ladders.orgtree as orgtree

    monkeypatch.setattr(orgtree, "DISTANCE_MAPS_KEPT", 2)
    tree = UnitTree(UNITS)
    for start in ("unitA", "dep1", "adm2", "unitA"):
        assert tree.distances_from(start) == UnitTree(UNITS).distances_from(start)
    assert list(tree._distance_maps) == ["adm2", "unitA"]
