"""Next steps (DESIGN §4 "Next steps"), worked on the example in e1_data.

anna's gap to ssk-2 on 2025-03-01 (see test_gap): missing items
    ebv optional,  held 0 -> 2, 11 h: a-ebv0 (0->1), a-ebv1 (1->3)
    hlr mandatory, held 0 (expired) -> 2, 4 h: a-hlr (0->3)
    sv  mandatory, held 1 -> 3, 18 h: a-sv1 (1->2), a-sv2 (2->3)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.embedded.store import EmbeddedStore
from ladders import suggestions
from ladders.catalog import Catalog
from ladders.errors import ValidationError
from ladders.gap import compute_gap
from ladders.models import (
    Dataset,
    Holding,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    Unit,
    UnitKind,
    UnitNeed,
)
from ladders.ports import AggregateReads
from ladders.rules import Rules
from ladders.suggestions import Suggestion, UnitShortfall, build_suggestions, next_steps
from tests.builders import changed, with_added
from tests.spies import InFlight
from tests.unit.ladders import e1_data
from tests.unit.ladders.e1_data import AS_OF

CATALOG = Catalog.build(e1_data.reference())
RULES = Rules()
ANNA_GAP = compute_gap(
    employee=e1_data.ANNA,
    holdings=e1_data.ANNA_HOLDINGS,
    catalog=CATALOG,
    rules=RULES,
    as_of=AS_OF,
)
AVD12 = Unit(id="avd12", name="Avd 12", kind=UnitKind.UNIT)

Row = tuple[str, str | None, str | None, int, int, float, bool]


def _rows(suggestions: Sequence[Suggestion]) -> list[Row]:
    return [
        (
            s.competence_id,
            s.activity_id,
            s.mentor_id,
            s.from_level,
            s.to_level,
            s.hours,
            s.unit_need,
        )
        for s in suggestions
    ]


def test_mandatory_items_first_then_by_hours_activities_then_mentor() -> None:
    # No unit needs: mandatory hlr (4 h) and sv (18 h) by hours, then the
    # optional ebv. Within sv: its chain, then its mentor (held 1 -> required 3).
    result = build_suggestions(
        gap=ANNA_GAP,
        catalog=CATALOG,
        rules=RULES,
        mentors={"sv": "m-sv", "ebv": "m-ebv"},
        shortfalls={},
    )
    assert _rows(result) == [
        ("hlr", "a-hlr", None, 0, 3, 4, False),
        ("sv", "a-sv1", None, 1, 2, 10, False),
        ("sv", "a-sv2", None, 2, 3, 8, False),
        ("sv", None, "m-sv", 1, 3, 0, False),
        ("ebv", "a-ebv0", None, 0, 1, 5, False),
        ("ebv", "a-ebv1", None, 1, 3, 6, False),
        ("ebv", None, "m-ebv", 0, 2, 0, False),
    ]


def test_unit_needs_come_first_and_are_named_in_the_reason() -> None:
    short = UnitShortfall(unit=AVD12, level=2, needed=2, has=1)
    result = build_suggestions(
        gap=ANNA_GAP, catalog=CATALOG, rules=RULES, mentors={}, shortfalls={"ebv": short}
    )
    assert [(s.competence_id, s.activity_id, s.unit_need) for s in result] == [
        ("ebv", "a-ebv0", True),
        ("ebv", "a-ebv1", True),
        ("hlr", "a-hlr", False),
        ("sv", "a-sv1", False),
        ("sv", "a-sv2", False),
    ]
    assert result[1].reason == (
        "Closes the optional requirement Evidensbaserad vård level 2 of SSK 2 "
        "(you do not hold it): Aktivitet a-ebv1 takes you from level 1 to 3. "
        "Your unit Avd 12 needs 2 at level 2 and has 1."
    )
    assert result[0].reason.startswith("Step 1 of 2 towards the optional requirement")


def test_reasons_say_what_is_held() -> None:
    result = build_suggestions(
        gap=ANNA_GAP, catalog=CATALOG, rules=RULES, mentors={"sv": "m"}, shortfalls={}
    )
    by_activity = {s.activity_id or s.mentor_id: s.reason for s in result}
    assert by_activity["a-hlr"].startswith(
        "Closes the mandatory requirement HLR level 2 of SSK 2 (your holding has expired)"
    )
    assert by_activity["a-sv2"].startswith(
        "Closes the mandatory requirement Säker vård level 3 of SSK 2 (you hold 1)"
    )
    assert "mentor" in by_activity["m"]


def test_limit_applies_to_the_flat_list_and_unknown_chains_give_nothing() -> None:
    assert (
        len(
            build_suggestions(
                gap=ANNA_GAP, catalog=CATALOG, rules=RULES, mentors={}, shortfalls={}, limit=2
            )
        )
        == 2
    )
    # cara towards ssk-3: led has no activity and no mentor, so no suggestion
    # for it; hlr 2->3 (a-hlr) and sv 3->4 (a-sv3) remain, hlr first (4 h < 30 h).
    gap = compute_gap(
        employee=e1_data.CARA,
        holdings=e1_data.CARA_HOLDINGS,
        target=CATALOG.steps["ssk-3"],
        catalog=CATALOG,
        rules=RULES,
        as_of=AS_OF,
    )
    result = build_suggestions(gap=gap, catalog=CATALOG, rules=RULES, mentors={}, shortfalls={})
    assert [(s.competence_id, s.activity_id, s.from_level, s.to_level) for s in result] == [
        ("hlr", "a-hlr", 2, 3),
        ("sv", "a-sv3", 3, 4),
    ]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(e1_data.dataset())
    try:
        yield s
    finally:
        await s.close()


async def test_next_steps_from_the_store(store: EmbeddedStore) -> None:
    # Unit needs on anna's path avd12 -> medicin -> region (NOW only):
    #   avd12 ebv >= 2 x2: bo has it -> 1 < 2, shortfall
    #   medicin hlr >= 2 x2: anna's expired, bo's valid -> 1 < 2, shortfall
    #   region sv >= 3 x1: bo and the mentor -> 2 >= 1, met
    #   (avd12's SHORT hlr need is ignored)
    # The mentor (60, sv 5, in medicin) is a candidate for sv only.
    # Order: unit-need items (hlr mandatory, then ebv optional), then sv.
    catalog = Catalog.build(await store.reference_data())
    result = await next_steps(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", limit=10, as_of=AS_OF
    )
    assert _rows(result) == [
        ("hlr", "a-hlr", None, 0, 3, 4, True),
        ("ebv", "a-ebv0", None, 0, 1, 5, True),
        ("ebv", "a-ebv1", None, 1, 3, 6, True),
        ("sv", "a-sv1", None, 1, 2, 10, False),
        ("sv", "a-sv2", None, 2, 3, 8, False),
        ("sv", None, "mentor", 1, 3, 0, False),
    ]
    assert result[0].reason.endswith("Your area Medicin needs 2 at level 2 and has 1.")
    # The default limit is 5.
    default = await next_steps(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", as_of=AS_OF
    )
    assert default == result[:5]


async def test_the_mentors_and_the_unit_needs_are_sought_together(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Neither waits for the other: each may take a region-wide read.
    in_flight = InFlight()
    in_flight.watch(monkeypatch, suggestions, "best_mentors", "unit_shortfalls")
    catalog = Catalog.build(await store.reference_data())

    result = await next_steps(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", limit=10, as_of=AS_OF
    )

    assert [(s.competence_id, s.unit_need, s.mentor_id) for s in result] == [
        ("hlr", True, None),
        ("ebv", True, None),
        ("ebv", True, None),
        ("sv", False, None),
        ("sv", False, None),
        ("sv", False, "mentor"),
    ]
    assert in_flight.most == 2


async def test_a_renewed_holding_removes_the_unit_need(store: EmbeddedStore) -> None:
    # anna's hlr is re-assessed on AS_OF: she has no hlr gap any more, and
    # medicin's need (2 at hlr >= 2) is met by her and bo.
    await store.upsert_holding(
        Holding(employee_id="anna", competence_id="hlr", level=2, assessed_on=AS_OF)
    )
    catalog = Catalog.build(await store.reference_data())
    result = await next_steps(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", limit=10, as_of=AS_OF
    )
    assert [s.competence_id for s in result] == ["ebv", "ebv", "sv", "sv", "sv"]


def _with_cia_developing(*, due_on: date) -> Dataset:
    """e1 with cia, in avd12 like bo but holding nothing, who plans ebv 2 by `due_on`."""
    cia = changed(e1_data.BO, id="cia", name="Cia")
    plan = Plan(
        id="p-cia",
        employee_id="cia",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        status=PlanStatus.ACTIVE,
    )
    item = PlanActivity(
        plan_id="p-cia",
        seq=1,
        competence_id="ebv",
        target_level=2,
        due_on=due_on,
        status=PlanActivityStatus.ONGOING,
    )
    return with_added(e1_data.dataset(), employees=[cia], plans=[plan], plan_activities=[item])


async def _ebv_rows(store: EmbeddedStore) -> list[tuple[bool, str]]:
    catalog = Catalog.build(await store.reference_data())
    result = await next_steps(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", limit=10, as_of=AS_OF
    )
    return [(s.unit_need, s.reason) for s in result if s.competence_id == "ebv"]


async def test_someone_in_development_by_now_meets_the_unit_need(tmp_path: Path) -> None:
    # avd12 needs 2 at ebv >= 2 and only bo holds it; cia's ongoing item
    # towards ebv 2, overdue since 2025-02-01, counts for now, as in
    # competenceSupply (projected = supplyNow + inDevelopment): no shortfall.
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(_with_cia_developing(due_on=date(2025, 2, 1)))
        assert [need for need, _ in await _ebv_rows(store)] == [False, False]
        # Needing 3, avd12 still falls short, and the reason says of whom.
        await store.upsert_unit_need(
            UnitNeed(unit_id="avd12", competence_id="ebv", level=2, count=3)
        )
        rows = await _ebv_rows(store)
        assert [need for need, _ in rows] == [True, True]
        assert rows[0][1].endswith(
            "Your unit Avd 12 needs 3 at level 2 and has 1, with 1 more in development."
        )
    finally:
        await store.close()


async def test_someone_in_development_later_does_not_meet_it(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(_with_cia_developing(due_on=AS_OF + timedelta(days=1)))
        rows = await _ebv_rows(store)
        assert [need for need, _ in rows] == [True, True]
        assert rows[0][1].endswith("Your unit Avd 12 needs 2 at level 2 and has 1.")
        # The reference counts as the store does (the path of a store
        # without AggregateReads).
        catalog = Catalog.build(await store.reference_data())
        found = {}
        for due_by in (AS_OF, AS_OF + timedelta(days=1)):
            for level in (1, 2, 3):
                found[due_by.day, level] = await store.developing_count(
                    "ebv", level, unit_ids=["avd12"], as_of=AS_OF, due_by=due_by
                )
                assert found[due_by.day, level] == await suggestions.developing_count(
                    store=store, catalog=catalog, competence_id="ebv", level=level,
                    unit_ids=["avd12"], as_of=AS_OF, due_by=due_by,
                )  # fmt: skip
        # Only cia at levels 1 and 2 (anna holds no ebv), by the next day.
        assert found == {(1, 1): 0, (1, 2): 0, (1, 3): 0, (2, 1): 1, (2, 2): 1, (2, 3): 0}
    finally:
        await store.close()


class _ReadsOnly:
    """The store's batch reads that unit_shortfalls uses, and nothing of
    AggregateReads: the domain then counts by its reference functions."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.units = store.units
        self.unit_needs = store.unit_needs
        self.holders = store.holders
        self.employees_in_units = store.employees_in_units
        self.holdings_of = store.holdings_of
        self.plans_of = store.plans_of
        self.plan_activities = store.plan_activities


async def test_a_store_without_aggregate_reads_finds_the_same_shortfalls(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(_with_cia_developing(due_on=date(2025, 2, 1)))
        await store.upsert_unit_need(
            UnitNeed(unit_id="avd12", competence_id="ebv", level=2, count=3)
        )
        catalog = Catalog.build(await store.reference_data())
        plain = _ReadsOnly(store)
        assert not isinstance(plain, AggregateReads)

        async def shortfalls(reads: object) -> dict[str, tuple[str, int, int, int]]:
            found = await suggestions.unit_shortfalls(
                store=reads,  # type: ignore[arg-type]  # the reads it uses
                catalog=catalog,
                unit_id="avd12",
                competence_ids=["ebv", "hlr", "sv"],
                as_of=AS_OF,
            )
            return {c: (s.unit.id, s.needed, s.has, s.developing) for c, s in found.items()}

        # avd12: 3 at ebv >= 2, bo holds it, cia develops it; medicin: 2 at
        # hlr >= 2, only bo's is valid; the region's sv need is met.
        expected = {"ebv": ("avd12", 3, 1, 1), "hlr": ("medicin", 2, 1, 0)}
        assert await shortfalls(plain) == expected
        assert await shortfalls(store) == expected
    finally:
        await store.close()


async def test_nothing_missing_means_no_suggestions(store: EmbeddedStore) -> None:
    catalog = Catalog.build(await store.reference_data())
    # bo meets every requirement of ssk-2.
    assert (
        await next_steps(store=store, catalog=catalog, rules=RULES, employee_id="bo", as_of=AS_OF)
        == []
    )


async def test_a_mentor_for_another_target_step_holds_what_that_step_requires(
    tmp_path: Path,
) -> None:
    """With a target step, the mentor suggested for an item must hold the
    level that step requires (DESIGN §4: the candidate rule's target is the
    gap's required level), not the level the next step would ask for.

    ssk-3 is changed to require sv 5. mona (65, in anna's own unit) holds sv 4:
    enough for the next step's sv 3 (a mentor needs >= max(3, 4)), not for
    ssk-3's 5, which only Margit (sv 5, one unit away) holds. mona scores
    more for the next step (nearer, urgent), so a mentor chosen by the next
    step's targets would be she."""
    mona = changed(e1_data.MENTOR, id="mona", name="Mona", birth_year=1960, unit_id="avd12")
    data = with_added(
        e1_data.dataset(),
        employees=[mona],
        holdings=[Holding(employee_id="mona", competence_id="sv", level=4, assessed_on=AS_OF)],
    )
    data = changed(
        data,
        steps=[
            changed(s, requires=[*s.requires[:3], {"competence_id": "sv", "level": 5}])
            if s.id == "ssk-3"
            else s
            for s in data.steps
        ],
    )
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(data)
        catalog = Catalog.build(await store.reference_data())

        async def sv_mentor(target_step_id: str | None) -> list[tuple[str | None, int]]:
            result = await next_steps(
                store=store,
                catalog=catalog,
                rules=RULES,
                employee_id="anna",
                target_step_id=target_step_id,
                limit=50,
                as_of=AS_OF,
            )
            return [(s.mentor_id, s.to_level) for s in result if s.mentor_id is not None]

        assert await sv_mentor(None) == [("mona", 3)]
        assert await sv_mentor("ssk-3") == [("mentor", 5)]
    finally:
        await store.close()


@pytest.mark.parametrize("limit", [0, 51])
async def test_limit_is_validated(store: EmbeddedStore, limit: int) -> None:
    catalog = Catalog.build(await store.reference_data())
    with pytest.raises(ValidationError) as bad:
        await next_steps(
            store=store,
            catalog=catalog,
            rules=RULES,
            employee_id="anna",
            limit=limit,
            as_of=AS_OF,
        )
    assert bad.value.field == "limit"
