"""Competence supply (DESIGN §4 "Competence supply") on the tiny region of
tests/builders.py, on AS_OF = 2025-03-01.

Who counts (ages at AS_OF; holdings assessed 2024-05-01 unless said):
    enh-akut: e01 (63) evb 5, hlr 3 (2024-10-01, valid to 2025-10-01), handl 4
              e03 (30) evb 1, hlr 2; active plan p-e03-2025: evb -> 2 ongoing,
                   hlr -> 3 planned due 2025-04-30, pcv -> 3 due 2025-12-31
              e05 (50) evb 3, hlr 3 (2025-01-15), handl 2
    enh-iva:  e02 (57) evb 4, team 4, handl 3 EXPIRED (2024-12-31)
              e04 (35) team 2; draft plan: handl -> 2 due 2026-06-30
    omr-akut: e06 (55) team 4, handl 4
Needs: enh-akut evb 3 x3 (now), hlr 3 x5 (now), handl 3 x1 (short), x2 (long);
enh-iva team 3 x2 (now), evb 4 x1 (long); omr-akut handl 4 x1 (now).
Horizons: now 0, short 3 (to 2028-03-01), long 10 years (to 2035-03-01).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.embedded import EmbeddedStore
from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.models import (
    Dataset,
    Horizon,
    PlanActivity,
    PlanActivityStatus,
    Unit,
    UnitKind,
    UnitNeed,
)
from ladders.orgtree import UnitTree
from ladders.ports import AggregateReads
from ladders.rules import Rules
from ladders.supply import (
    SupplyRow,
    competence_supply,
    distinct_wants,
    horizon_bounds,
    needs_in_effect,
    supply_counts_from_reads,
    wanted_by_unit,
)
from tests.builders import AS_OF, tiny_region, with_added

RULES = Rules()
Row = tuple[str, str, int, int, int, int, int, int, int]


async def _open(tmp_path: Path, data: Dataset) -> EmbeddedStore:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    await store.import_dataset(data)
    return store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await _open(tmp_path, tiny_region())
    yield s
    await s.close()


def rows(found: list[SupplyRow]) -> list[Row]:
    """(unit, competence, level, required, supplyNow, retiring, inDevelopment,
    projected, shortfall)"""
    return [
        (
            r.unit_id,
            r.competence_id,
            r.level,
            r.required,
            r.supply_now,
            r.retiring,
            r.in_development,
            r.projected,
            r.shortfall,
        )
        for r in found
    ]


async def supply(store: EmbeddedStore, unit_id: str, **kw: object) -> list[Row]:
    catalog = Catalog.build(await store.reference_data())
    found = await competence_supply(
        store=store,
        catalog=catalog,
        rules=RULES,
        unit_id=unit_id,
        as_of=AS_OF,
        **kw,  # type: ignore[arg-type]
    )
    return rows(found)


async def test_now_for_one_unit_counts_its_whole_subtree(store: EmbeddedStore) -> None:
    # omr-akut needs handl >= 4 once. Its subtree holds e01 (4) and e06 (4);
    # e02's 3 has expired and e05 has 2: supply 2, nobody retires "now".
    assert await supply(store, "omr-akut") == [("omr-akut", "handl", 4, 1, 2, 0, 0, 2, 0)]


async def test_each_unit_is_asked_only_what_a_row_above_it_needs(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Now, from omr-akut with its subtree: enh-akut's counts go to its own
    # needs (evb 3, hlr 3) and to omr-akut's (handl 4), enh-iva's to team 3
    # and handl 4; nobody's to enh-iva's long evb 4 or enh-akut's short handl 3.
    asked: list[dict[str, list[tuple[str, int]]]] = []
    counts = store.supply_counts

    async def recording(wanted: dict[str, list[tuple[str, int]]], **kw: Any) -> Any:
        asked.append(dict(wanted))
        return await counts(wanted, **kw)

    monkeypatch.setattr(store, "supply_counts", recording)
    found = await supply(store, "omr-akut", include_descendants=True)
    assert asked == [
        {
            "enh-akut": [("evb", 3), ("handl", 4), ("hlr", 3)],
            "enh-iva": [("handl", 4), ("team", 3)],
            "omr-akut": [("handl", 4)],
        }
    ]
    # Without descendants, every unit below is asked what the one row needs.
    assert await supply(store, "omr-akut") == [("omr-akut", "handl", 4, 1, 2, 0, 0, 2, 0)]
    assert asked[1] == {u: [("handl", 4)] for u in ("enh-akut", "enh-iva", "omr-akut")}
    assert found == await supply(store, "omr-akut", include_descendants=True)


async def test_now_with_descendants_gives_each_unit_its_own_needs(store: EmbeddedStore) -> None:
    assert await supply(store, "omr-akut", include_descendants=True) == [
        # evb >= 3 in enh-akut: e01 5, e05 3 -> 2; e03 only plans evb 2.
        ("enh-akut", "evb", 3, 3, 2, 0, 0, 2, 1),
        # hlr >= 3: e01, e05 -> 2; e03's hlr 3 is due 2025-04-30, after now.
        ("enh-akut", "hlr", 3, 5, 2, 0, 0, 2, 3),
        # team >= 3 in enh-iva: e02 (4); e04 has 2 and no team plan.
        ("enh-iva", "team", 3, 2, 1, 0, 0, 1, 1),
        ("omr-akut", "handl", 4, 1, 2, 0, 0, 2, 0),
    ]


async def test_short_horizon_retires_and_develops(store: EmbeddedStore) -> None:
    assert await supply(store, "enh-akut", horizon=Horizon.SHORT) == [
        # e01 is 63: 63 + 3 >= 65, retiring; e05 50 + 3 is not. 2 - 1 + 0 = 1.
        ("enh-akut", "evb", 3, 3, 2, 1, 0, 1, 2),
        # the short need for handl 3 (x1): only e01 (4), who retires: 0.
        ("enh-akut", "handl", 3, 1, 1, 1, 0, 0, 1),
        # e03's hlr 3 (planned, due 2025-04-30 <= 2028-03-01): 2 - 1 + 1 = 2.
        ("enh-akut", "hlr", 3, 5, 2, 1, 1, 2, 3),
    ]


async def test_long_horizon_takes_the_long_need(store: EmbeddedStore) -> None:
    # handl 3: the long need (x2) replaces the short one (x1).
    assert (await supply(store, "enh-akut", horizon=Horizon.LONG))[1] == (
        "enh-akut",
        "handl",
        3,
        2,
        1,
        1,
        0,
        0,
        2,
    )
    # enh-iva: e02 is 57, 57 + 10 >= 65: the only holder of evb 4 and team 3 retires.
    assert await supply(store, "enh-iva", horizon=Horizon.LONG) == [
        ("enh-iva", "evb", 4, 1, 1, 1, 0, 0, 1),
        ("enh-iva", "team", 3, 2, 1, 1, 0, 0, 2),
    ]


async def test_undated_items_are_due_by_plan_end_and_closed_plans_do_not_count(
    tmp_path: Path,
) -> None:
    data = with_added(
        tiny_region(),
        plan_activities=[
            # e03's active plan ends 2025-12-31: an undated handl 3 is due then.
            PlanActivity(plan_id="p-e03-2025", seq=4, competence_id="handl", target_level=3),
            # e03's 2024 plan is closed: its planned evb 3 (due before now) does not count.
            PlanActivity(
                plan_id="p-e03-2024",
                seq=3,
                competence_id="evb",
                target_level=3,
                due_on=date(2025, 1, 31),
                status=PlanActivityStatus.PLANNED,
            ),
        ],
    )
    store = await _open(tmp_path, data)
    try:
        short = await supply(store, "enh-akut", horizon=Horizon.SHORT)
        now = await supply(store, "enh-akut")
    finally:
        await store.close()
    # handl 3: e03 now in development: 1 - 1 + 1 = 1, shortfall 0.
    assert short[1] == ("enh-akut", "handl", 3, 1, 1, 1, 1, 1, 0)
    assert short[0][6] == 0  # evb: the closed plan's item is not development
    assert now[0] == ("enh-akut", "evb", 3, 3, 2, 0, 0, 2, 1)


async def test_units_without_needs_and_unknown_units(store: EmbeddedStore) -> None:
    assert await supply(store, "adm-psyk") == []
    with pytest.raises(NotFoundError):
        await supply(store, "nowhere")


def test_needs_in_effect_take_the_largest_horizon_not_beyond() -> None:
    def need(count: int, horizon: Horizon, level: int = 3) -> UnitNeed:
        return UnitNeed(unit_id="u", competence_id="c", level=level, count=count, horizon=horizon)

    declared = [need(1, Horizon.LONG), need(2, Horizon.NOW), need(3, Horizon.SHORT, level=4)]
    assert needs_in_effect(declared, Horizon.NOW) == [need(2, Horizon.NOW)]
    assert needs_in_effect(declared, Horizon.SHORT) == [
        need(2, Horizon.NOW),
        need(3, Horizon.SHORT, level=4),
    ]
    assert needs_in_effect(declared, Horizon.LONG) == [
        need(1, Horizon.LONG),
        need(3, Horizon.SHORT, level=4),
    ]


async def test_counts_are_per_own_unit_and_add_up_the_tree(store: EmbeddedStore) -> None:
    # Own units only: for handl >= 4, omr-akut's own staff is e06 alone and
    # enh-akut's is e01; enh-iva has none (e02's handl expired), so no row.
    catalog = Catalog.build(await store.reference_data())
    counts = await supply_counts_from_reads(
        store=store,
        catalog=catalog,
        rules=RULES,
        wanted={u: [("handl", 4)] for u in await store.subtree_unit_ids("omr-akut")},
        horizon=Horizon.SHORT,
        as_of=AS_OF,
    )
    # SHORT: born in or before 2025 + 3 - 65 = 1963 retires: e01 (1962), not e06 (1970).
    assert [(c.unit_id, c.supply_now, c.retiring, c.in_development) for c in counts] == [
        ("enh-akut", 1, 1, 0),
        ("omr-akut", 1, 0, 0),
    ]


async def test_store_aggregates_equal_the_reference(store: EmbeddedStore) -> None:
    assert isinstance(store, AggregateReads)
    catalog = Catalog.build(await store.reference_data())
    units = await store.subtree_unit_ids("reg")
    wanted = [(c, level) for c in ("evb", "hlr", "handl", "team", "pcv") for level in (2, 3, 4)]
    for horizon in Horizon:
        born_by, due_by = horizon_bounds(rules=RULES, horizon=horizon, as_of=AS_OF)
        by_unit = {u: wanted[i::2] for i, u in enumerate(units)}
        assert await store.supply_counts(
            by_unit, as_of=AS_OF, retiring_born_by=born_by, due_by=due_by
        ) == await supply_counts_from_reads(
            store=store,
            catalog=catalog,
            rules=RULES,
            wanted=by_unit,
            horizon=horizon,
            as_of=AS_OF,
        )


def _unit(uid: str, parent: str | None) -> Unit:
    return Unit(id=uid, name=uid, kind=UnitKind.UNIT, parent_id=parent)


def test_a_unit_wants_what_the_rows_above_it_need() -> None:
    # r > a > a1 > a11, r > b; x <-> y a cycle, z under it; "gone" unknown.
    tree = UnitTree(
        [_unit("r", None), _unit("a", "r"), _unit("a1", "a"), _unit("a11", "a1"),
         _unit("b", "r"), _unit("x", "y"), _unit("y", "x"), _unit("z", "y")]
    )  # fmt: skip
    needs = [
        UnitNeed(unit_id=u, competence_id=c, level=level, count=1, horizon=h)
        for u, c, level, h in [
            ("r", "evb", 3, Horizon.NOW), ("a", "hlr", 2, Horizon.NOW),
            ("a1", "evb", 3, Horizon.NOW), ("a1", "team", 4, Horizon.LONG),
            ("b", "hlr", 4, Horizon.SHORT), ("x", "cert", 1, Horizon.NOW),
            ("y", "pcv", 2, Horizon.NOW), ("z", "evb", 1, Horizon.NOW),
        ]
    ]  # fmt: skip
    units = ["r", "a", "a1", "a11", "b", "x", "y", "z", "gone"]

    def by_definition(rows: list[str], horizon: Horizon) -> dict[str, list[tuple[str, int]]]:
        pairs = {
            u: sorted({(n.competence_id, n.level) for n in needs_in_effect(needs, horizon)
                       if n.unit_id in rows and n.unit_id in tree.ancestors(u)})
            for u in units
        }  # fmt: skip
        return {u: p for u, p in pairs.items() if p}

    for rows in (units, ["a"], ["a1", "b"], ["x", "z"], []):
        for horizon in Horizon:
            assert wanted_by_unit(
                needs=needs, row_unit_ids=rows, unit_ids=units, tree=tree, horizon=horizon
            ) == by_definition(rows, horizon), (rows, horizon)
    # Spelled out once: a11 inherits r's, a's and a1's now-needs.
    now = wanted_by_unit(needs=needs, row_unit_ids=units, unit_ids=units, tree=tree,
                         horizon=Horizon.NOW)  # fmt: skip
    assert now["a11"] == [("evb", 3), ("hlr", 2)]
    assert now["z"] == [("cert", 1), ("evb", 1), ("pcv", 2)]
    assert "gone" not in now


def test_distinct_wants_send_each_set_of_pairs_once() -> None:
    shared = [("evb", 3), ("hlr", 2), ("evb", 4)]
    wants = distinct_wants(
        {"a": shared, "b": shared, "c": [("hlr", 2), ("evb", 4), ("evb", 3), ("evb", 3)],
         "d": [("team", 1)], "e": []}
    )  # fmt: skip
    assert wants.levels == ({"evb": [3, 4], "hlr": [2]}, {"team": [1]})
    assert wants.set_of == {"a": 0, "b": 0, "c": 0, "d": 1}
