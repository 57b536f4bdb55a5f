"""Gap (DESIGN §4 "Gap"), worked on the example in e1_data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from graph.embedded.store import EmbeddedStore
from ladders.catalog import Catalog
from ladders.errors import NotFoundError, ValidationError
from ladders.gap import GapItem, compute_gap, gap_report, months_elapsed
from ladders.rules import Rules
from tests.unit.ladders import e1_data
from tests.unit.ladders.e1_data import AS_OF

RULES = Rules()
CATALOG = Catalog.build(e1_data.reference())


def test_anna_to_her_next_step() -> None:
    # anna at ssk-1 -> ssk-2 (ebv 2 optional, hlr 2, sv 3) on 2025-03-01:
    # ebv: held 0, missing 2, 0->2 = a-ebv0 + a-ebv1 = 11 h
    # hlr: her hlr 2 (assessed 2024-01-10, valid 12 months) expired 2025-01-10,
    #      so held 0, expired, missing 2; a-hlr = 4 h
    # sv:  held 1, missing 2; a-sv1 + a-sv2 = 18 h
    gap = compute_gap(
        employee=e1_data.ANNA,
        holdings=e1_data.ANNA_HOLDINGS,
        target=None,
        catalog=CATALOG,
        rules=RULES,
        as_of=AS_OF,
    )
    assert gap.employee_id == "anna"
    assert gap.target_step_id == "ssk-2"
    assert gap.items == (
        GapItem(
            competence_id="ebv",
            required_level=2,
            held_level=0,
            missing=2,
            mandatory=False,
            expired=False,
            hours=11,
            activity_known=True,
        ),
        GapItem(
            competence_id="hlr",
            required_level=2,
            held_level=0,
            missing=2,
            mandatory=True,
            expired=True,
            hours=4,
            activity_known=True,
        ),
        GapItem(
            competence_id="sv",
            required_level=3,
            held_level=1,
            missing=2,
            mandatory=True,
            expired=False,
            hours=18,
            activity_known=True,
        ),
    )
    assert gap.total_hours == 11 + 4 + 18
    assert gap.readiness == 0.0  # none of 3 met
    assert gap.ready is False


def test_before_expiry_the_holding_counts() -> None:
    # On 2025-01-10 anna's hlr is valid for the last day: hlr met, 1 of 3 met.
    gap = compute_gap(
        employee=e1_data.ANNA,
        holdings=e1_data.ANNA_HOLDINGS,
        catalog=CATALOG,
        rules=RULES,
        as_of=date(2025, 1, 10),
    )
    hlr = next(i for i in gap.items if i.competence_id == "hlr")
    assert (hlr.held_level, hlr.missing, hlr.expired, hlr.hours) == (2, 0, False, 0)
    assert gap.readiness == pytest.approx(1 / 3)
    assert gap.total_hours == 11 + 18


def test_unknown_chain_costs_the_unmet_hours() -> None:
    # cara at ssk-3 targets: ebv 3 (held 3), hlr 3 (held 2: a-hlr 4 h),
    # led 2 (held 0, no activity: 200 h, unknown), sv 4 (held 3: a-sv3 30 h).
    ssk3 = CATALOG.steps["ssk-3"]
    gap = compute_gap(
        employee=e1_data.CARA,
        holdings=e1_data.CARA_HOLDINGS,
        target=ssk3,
        catalog=CATALOG,
        rules=RULES,
        as_of=AS_OF,
    )
    by_id = {i.competence_id: i for i in gap.items}
    assert (by_id["led"].hours, by_id["led"].activity_known) == (200, False)
    assert (by_id["hlr"].hours, by_id["sv"].hours, by_id["ebv"].hours) == (4, 30, 0)
    assert gap.total_hours == 234
    assert gap.readiness == 0.25  # only ebv of 4 met
    cheap = compute_gap(
        employee=e1_data.CARA,
        holdings=e1_data.CARA_HOLDINGS,
        target=ssk3,
        catalog=CATALOG,
        rules=Rules(unmet_effort_hours=50),
        as_of=AS_OF,
    )
    assert cheap.total_hours == 84


def test_time_rule_applies_only_to_the_next_step() -> None:
    # bo meets all of ssk-2 (sv 3, hlr 2 valid until 2026-01-01, ebv 2), but has
    # been at ssk-1 (min_months 12) since 2024-09-01: 6 whole months on AS_OF.
    def gap(target: str | None, as_of: date) -> tuple[bool, float]:
        g = compute_gap(
            employee=e1_data.BO,
            holdings=e1_data.BO_HOLDINGS,
            target=CATALOG.steps[target] if target else None,
            catalog=CATALOG,
            rules=RULES,
            as_of=as_of,
        )
        return g.ready, g.readiness

    assert gap(None, AS_OF) == (False, 1.0)
    # 2025-08-31 is still 11 whole months; 2025-09-01 makes 12.
    assert gap(None, date(2025, 8, 31)) == (False, 1.0)
    assert gap(None, date(2025, 9, 1)) == (True, 1.0)
    # Not the next step: only the requirements count (ssk-1 itself: sv 2, hlr 2).
    assert gap("ssk-1", AS_OF) == (True, 1.0)


def test_optional_items_do_not_block_ready() -> None:
    # bo without ebv on 2025-09-01: the optional ebv 2 is missing, 2 of 3 met,
    # yet ready (mandatory items met, 12 months served).
    holdings = [h for h in e1_data.BO_HOLDINGS if h.competence_id != "ebv"]
    g = compute_gap(
        employee=e1_data.BO,
        holdings=holdings,
        catalog=CATALOG,
        rules=RULES,
        as_of=date(2025, 9, 1),
    )
    assert g.ready is True
    assert g.readiness == pytest.approx(2 / 3)


def test_a_step_without_requirements_is_fully_ready() -> None:
    step = CATALOG.steps["ssk-1"].model_copy(update={"requires": ()})
    g = compute_gap(
        employee=e1_data.MENTOR,
        holdings=(),
        target=step,
        catalog=CATALOG,
        rules=RULES,
        as_of=AS_OF,
    )
    assert (g.items, g.readiness, g.total_hours, g.ready) == ((), 1.0, 0.0, True)


def test_no_default_target_at_the_top_or_without_a_step() -> None:
    with pytest.raises(ValidationError) as top:
        compute_gap(employee=e1_data.MENTOR, holdings=(), catalog=CATALOG, rules=RULES, as_of=AS_OF)
    assert top.value.field == "targetStepId"
    stepless = e1_data.ANNA.model_copy(update={"step_id": None, "step_since": None})
    with pytest.raises(ValidationError):
        compute_gap(employee=stepless, holdings=(), catalog=CATALOG, rules=RULES, as_of=AS_OF)


@pytest.mark.parametrize(
    ("since", "as_of", "months"),
    [
        (date(2023, 3, 15), date(2025, 3, 1), 23),
        (date(2023, 3, 15), date(2025, 3, 15), 24),
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # the month ends early: clamped
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2025, 5, 1), date(2025, 3, 1), 0),  # in the future
        (None, date(2025, 3, 1), 0),
    ],
)
def test_months_elapsed(since: date | None, as_of: date, months: int) -> None:
    assert months_elapsed(since, as_of) == months


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(e1_data.dataset())
    try:
        yield s
    finally:
        await s.close()


async def test_gap_report_reads_the_store(store: EmbeddedStore) -> None:
    catalog = Catalog.build(await store.reference_data())
    report = await gap_report(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", as_of=AS_OF
    )
    # The same numbers as test_anna_to_her_next_step, read from SQLite.
    assert report.target_step_id == "ssk-2"
    assert [(i.competence_id, i.held_level, i.expired, i.hours) for i in report.items] == [
        ("ebv", 0, False, 11),
        ("hlr", 0, True, 4),
        ("sv", 1, False, 18),
    ]
    assert report.total_hours == 33

    # To spec-1 (ebv 3: 11 h; sv 3: 18 h), not the next step: no time rule.
    spec = await gap_report(
        store=store,
        catalog=catalog,
        rules=RULES,
        employee_id="anna",
        target_step_id="spec-1",
        as_of=AS_OF,
    )
    assert (spec.target_step_id, spec.total_hours) == ("spec-1", 29)


async def test_gap_report_errors(store: EmbeddedStore) -> None:
    catalog = Catalog.build(await store.reference_data())
    with pytest.raises(NotFoundError) as who:
        await gap_report(store=store, catalog=catalog, rules=RULES, employee_id="x", as_of=AS_OF)
    assert who.value.kind == "employee"
    with pytest.raises(NotFoundError) as where:
        await gap_report(
            store=store,
            catalog=catalog,
            rules=RULES,
            employee_id="anna",
            target_step_id="x",
            as_of=AS_OF,
        )
    assert where.value.kind == "step"
    with pytest.raises(ValidationError):  # the mentor is at the top of her ladder
        await gap_report(
            store=store, catalog=catalog, rules=RULES, employee_id="mentor", as_of=AS_OF
        )
