"""`AggregateReads.mentor_rows` and `units_token` on both stores.

`mentor_rows` must equal the mentor pool the domain builds from the port's
batch reads (`mentor_pool._load_by_holders`) on the tiny region: in units or
region-wide, with people in no unit, expired holdings (hlr is valid 12
months; explicit `expires_on`), mentorships active or not, and a least weight.
The embedded reads must use indexes (as tests/contract/test_embedded_only.py
checks the port's reads).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import apsw

from graph.embedded import EmbeddedStore, mentor_reads
from ladders import mentor_pool
from ladders.catalog import Catalog
from ladders.models import Dataset, Unit, UnitKind
from ladders.orgtree import load_tree
from ladders.ports import AggregateReads, Store
from ladders.rules import Rules
from tests.builders import AS_OF, make_employee, make_holding, tiny_region, with_added
from tests.sqlite_plans import query_plans

RULES = Rules()


def _weight(m: mentor_pool.PoolMentor, weights: dict[str, int]) -> int:
    return sum(weights.get(c, 0) for c in m.levels)


async def test_mentor_rows_equal_the_batch_read_pool(loaded: Store) -> None:
    assert isinstance(loaded, AggregateReads)
    await loaded.import_dataset(
        Dataset(
            employees=(make_employee("e-utan", birth_year=1958, unit_id=None),),
            holdings=(make_holding("e-utan", "evb", 5), make_holding("e-utan", "hlr", 4)),
        )
    )
    catalog = Catalog.build(await loaded.reference_data())
    units = [u.id for u in await loaded.units()]
    asked_sets = ({"evb": 4, "hlr": 4, "team": 4}, {"evb": 3}, {"hlr": 1, "cert": 2}, {})
    weights = {"evb": 2, "hlr": 1, "team": 0, "cert": 3}
    checked = 0
    for as_of in (AS_OF, date(2026, 6, 1), date(2024, 1, 1)):
        for asked in asked_sets:
            for unit_ids, without in ((None, False), (units[:3], False), (units[3:], True)):
                for least in (0, 1, 2, 3, 4, 7):
                    kw = {
                        "min_levels": asked,
                        "as_of": as_of,
                        "unit_ids": unit_ids,
                        "without_unit": without,
                    }
                    every = await mentor_pool._load_by_holders(
                        store=loaded,
                        catalog=catalog,
                        rules=RULES,
                        **kw,  # type: ignore[arg-type]
                    )
                    found = await mentor_pool.load_mentor_pool(
                        store=loaded,
                        catalog=catalog,
                        rules=RULES,
                        weights=weights,
                        min_weight=least,
                        **kw,  # type: ignore[arg-type]
                    )
                    assert found == [m for m in every if _weight(m, weights) >= least], (
                        as_of,
                        asked,
                        unit_ids,
                        least,
                    )
                    checked += len(found)
    assert checked > 0


async def test_the_seniors_in_no_unit_follow_their_moves(loaded: Store) -> None:
    """The seniors in no unit are a read of their own (on Neo4j by a label
    every write of a person's links keeps): who leaves every unit is found
    there and no longer in their unit, who joins one the reverse; written one
    by one, by an import or by a bulk load of new people."""
    assert isinstance(loaded, AggregateReads)

    async def ids(unit_ids: list[str], *, without_unit: bool) -> set[str]:
        rows = await loaded.mentor_rows(
            {"evb": 4}, born_by=1971, as_of=AS_OF, unit_ids=unit_ids, without_unit=without_unit
        )
        return {r.id for r in rows}

    e01, e02 = await loaded.get_employees(["e01", "e02"])
    assert e01 is not None
    assert e02 is not None
    assert e02.unit_id is not None
    iva = [e02.unit_id]
    assert await ids([], without_unit=True) == set()
    assert await ids(iva, without_unit=False) == {"e02"}

    await loaded.upsert_employee(e02.model_copy(update={"unit_id": None}))
    await loaded.import_dataset(
        Dataset(
            employees=(make_employee("e-import", birth_year=1960, unit_id=None),),
            holdings=(make_holding("e-import", "evb", 5),),
        )
    )
    await loaded.bulk_load(
        [
            Dataset(
                employees=(make_employee("e-bulk", birth_year=1961, unit_id=None),),
                holdings=(make_holding("e-bulk", "evb", 4),),
            )
        ]
    )
    assert await ids([], without_unit=True) == {"e02", "e-import", "e-bulk"}
    assert await ids(iva, without_unit=False) == set()

    await loaded.upsert_employee(e01.model_copy(update={"unit_id": None}))
    await loaded.upsert_employee(e02)
    assert await ids([], without_unit=True) == {"e01", "e-import", "e-bulk"}
    assert await ids(iva, without_unit=True) == {"e01", "e02", "e-import", "e-bulk"}


async def test_units_token_changes_with_units_and_the_tree_follows(loaded: Store) -> None:
    assert isinstance(loaded, AggregateReads)
    token = await loaded.units_token()
    assert token is not None
    assert await loaded.units_token() == token
    before = await load_tree(loaded)
    assert await load_tree(loaded) is before  # cached while the token stays
    await loaded.import_dataset(
        with_added(
            tiny_region().model_copy(update={"units": ()}),
            units=(Unit(id="enh-ny", name="Ny", kind=UnitKind.UNIT, parent_id="reg"),),
        )
    )
    assert await loaded.units_token() != token
    after = await load_tree(loaded)
    assert "enh-ny" in after
    assert "enh-ny" not in before


async def test_embedded_mentor_reads_use_indexes(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(tiny_region())
    finally:
        await store.close()
    conn = apsw.Connection(str(tmp_path / "t.db"))
    asked = {"evb": 4, "hlr": 4}

    def read(conn: apsw.Connection) -> None:
        for unit_ids, least in (
            (["enh-akut", "enh-iva"], 0),
            (None, 0),
            (None, 2),
            (["enh-akut", "enh-iva"], 1),
        ):
            mentor_reads.mentor_rows(
                conn, asked, 1970, AS_OF, unit_ids, True, {"evb": 1, "hlr": 1}, least
            )

    try:
        plans = query_plans(conn, read)
    finally:
        conn.close()
    big = ("employee", "holding", "mentorship", "unit")
    assert plans
    assert [p for p in plans if p.startswith("SCAN") and p.split()[1] in big] == []
    assert any("employee_by_unit_birth_year" in p for p in plans), plans
    # The pivots' senior holders are a range of birth years within each competence.
    assert any(
        "COVERING INDEX holding_by_senior (competence_id=? AND birth_year<?)" in p for p in plans
    ), plans
    # The pivots' holders are weighed (must, then weight) by key from an index
    # alone, not through the primary key and the table row.
    assert any("COVERING INDEX holding_high_by_employee" in p for p in plans), plans


async def test_embedded_least_weight_reads_do_not_trust_the_holder_counts(
    tmp_path: Path,
) -> None:
    """The holder counts (`Rarity`) kept across writes only choose where a
    least-weight read starts: out-of-date ones (nobody holds anything, every
    competence equally common, the rare taken for common) give the same rows."""
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(tiny_region())
    finally:
        await store.close()
    conn = apsw.Connection(str(tmp_path / "t.db"))
    try:
        asked = {"evb": 4, "hlr": 4, "team": 4, "cert": 2}
        weights = {"evb": 2, "hlr": 1, "team": 1, "cert": 3}
        fresh: mentor_reads.Rarity = {}
        checked = 0
        for units, least in ((None, 1), (None, 3), (None, 4), (["enh-akut", "enh-iva"], 2)):
            args = (conn, asked, 1970, AS_OF, units, True, weights, least)
            expected = mentor_reads.mentor_rows(*args, fresh)
            checked += len(expected)
            for count in (0, 1, 5000):
                stale = dict.fromkeys(fresh, count)
                assert mentor_reads.mentor_rows(*args, stale) == expected, (units, least, count)
            upside_down = {key: 5000 - n for key, n in fresh.items()}
            assert mentor_reads.mentor_rows(*args, upside_down) == expected, (units, least)
        assert checked > 0
    finally:
        conn.close()
