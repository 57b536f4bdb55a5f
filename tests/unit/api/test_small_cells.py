"""Planner small-cell suppression (DESIGN §5) at its boundaries: an
age-derived count of 1-4 is hidden with what it would reveal (for a risk
row, its holders too: see `risk_figures`); 0 and 5+ are
shown; managers and admins (the FULL view) always see everything."""

from __future__ import annotations

import pytest

from api.policy import Figures, View, risk_figures, supply_figures


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_supply_rows(count: int, hidden: bool) -> None:
    planner = supply_figures(View.SUPPRESSED, retiring=count, projected=7, shortfall=2)
    if hidden:
        assert planner == Figures(suppressed=True)  # retiring, projected, shortfall: null
    else:
        assert planner == Figures(retiring=count, projected=7, shortfall=2)
    manager = supply_figures(View.FULL, retiring=count, projected=7, shortfall=2)
    assert manager == Figures(retiring=count, projected=7, shortfall=2)


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_risk_rows(count: int, hidden: bool) -> None:
    shown = Figures(holders=8, senior_holders=count, senior_share=0.6)
    planner = risk_figures(View.SUPPRESSED, holders=8, senior_holders=count, senior_share=0.6)
    if hidden:
        assert planner == Figures(suppressed=True)  # holders, seniorHolders, seniorShare: null
    else:
        assert planner == shown
    assert risk_figures(View.FULL, holders=8, senior_holders=count, senior_share=0.6) == shown
