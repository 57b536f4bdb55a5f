"""The pivots of the Neo4j store's least-weight mentor read: whoever reaches
the least weight must be among the holders of the pivots it lists."""

from __future__ import annotations

from itertools import product

from hypothesis import given
from hypothesis import strategies as st

from graph.neo4j.mentor_reads import pivots

competences = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@given(
    weights=st.dictionaries(competences, st.integers(1, 3), min_size=1),
    holders=st.dictionaries(competences, st.integers(0, 50_000)),
    min_weight=st.integers(1, 20),
)
def test_every_mentor_reaching_the_least_weight_holds_enough_of_the_pivots(
    weights: dict[str, int], holders: dict[str, int], min_weight: int
) -> None:
    found = pivots(weights, min_weight, holders)
    if sum(weights.values()) < min_weight:
        assert found is None
        return
    assert found is not None
    chosen, pivot_weight = found
    assert set(chosen) <= set(weights)
    assert pivot_weight >= 1  # so a mentor holding none of them is not missed
    # Every set of holdings that reaches the least weight holds >= pivot_weight
    # of the pivots: the read that lists only their holders misses nobody.
    names = sorted(weights)
    for held in product((False, True), repeat=len(names)):
        have = [c for c, h in zip(names, held, strict=True) if h]
        if sum(weights[c] for c in have) >= min_weight:
            assert sum(weights[c] for c in have if c in chosen) >= pivot_weight


def test_the_rarest_per_unit_of_weight_come_first() -> None:
    weights = {"common": 3, "rare": 1, "mid": 1}
    holders = {"common": 30_000, "rare": 100, "mid": 20_000}
    # May lack 2 of 5: the pivots must weigh 3 or more. "rare" (100 per
    # unit of weight), then "common" (10,000): enough, listing 30,100; "mid"
    # lists 20,000 more, within twice that, and raises the weight asked of
    # the candidates from 2 to 3.
    assert pivots(weights, 3, holders) == (["common", "mid", "rare"], 3)
    # Must cover everything: the rarest alone is enough.
    assert pivots(weights, 5, holders) == (["rare"], 1)
