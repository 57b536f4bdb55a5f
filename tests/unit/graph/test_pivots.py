"""The pivots of the least-weight mentor reads (both stores): whoever reaches
the least weight is among the holders of the pivots listed, and holds every
must."""

from __future__ import annotations

from itertools import product

from hypothesis import given
from hypothesis import strategies as st

from graph.pivots import Pivots, choose_pivots

competences = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@given(
    weights=st.dictionaries(competences, st.integers(0, 3), min_size=1),
    holders=st.dictionaries(competences, st.integers(0, 50_000)),
    min_weight=st.integers(1, 20),
)
def test_every_mentor_reaching_the_least_weight_is_found_from_the_pivots(
    weights: dict[str, int], holders: dict[str, int], min_weight: int
) -> None:
    found = choose_pivots(weights, min_weight, holders)
    if sum(weights.values()) < min_weight:
        assert found is None
        return
    assert found is not None
    weighed = {c for c, w in weights.items() if w > 0}
    assert set(found.competences) <= weighed
    assert set(found.must) <= weighed - set(found.competences)
    assert found.least >= 1  # so a mentor holding none of the pivots is not missed
    # Every set of holdings that reaches the least weight holds >= least of
    # the pivots and every must: the reads that list only those miss nobody.
    names = sorted(weights)
    for held in product((False, True), repeat=len(names)):
        have = {c for c, h in zip(names, held, strict=True) if h}
        if sum(weights[c] for c in have) >= min_weight:
            assert sum(weights[c] for c in have & set(found.competences)) >= found.least
            assert set(found.must) <= have


def test_the_rarest_per_unit_of_weight_come_first() -> None:
    weights = {"common": 3, "rare": 1, "mid": 1}
    holders = {"common": 30_000, "rare": 100, "mid": 20_000}
    # May lack 2 of 5: the pivots must weigh 3 or more. "rare" (100 per
    # unit of weight), then "common" (10,000): enough, listing 30,100; "mid"
    # lists 20,000 more, within twice that, and raises the weight asked of
    # the candidates from 2 to 3.
    assert choose_pivots(weights, 3, holders) == Pivots(("common", "mid", "rare"), 3, ())
    # Must cover everything: the rarest alone lists enough; the rest are musts.
    assert choose_pivots(weights, 5, holders) == Pivots(("rare",), 1, ("common", "mid"))
