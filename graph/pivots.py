"""Which competencies a least-weight mentor read starts from (both stores).

A mentor read with a least weight W out of `most` (the asked weights' sum)
wants those whose holdings weigh W or more. Whoever does lacks weight
<= most - W (the spare), so of any set P of the asked competencies holds
weight >= weight(P) - spare. With weight(P) > spare, listing the holders of
P alone misses nobody: P, the pivots, are the rarest few. A competence
weighing more than the spare on its own is held by every such mentor (must).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PIVOT_BUDGET = 2.0
"""More pivots list more holders but leave fewer candidates to read in full;
past the fewest pivots that weigh enough, list up to this many times their
holders (measured on the embedded store at 55,000 people: 1 to 4 about even,
8 and more slower)."""


@dataclass(frozen=True, slots=True)
class Pivots:
    competences: tuple[str, ...]
    """The pivots, sorted."""
    least: int
    """The least weight of them a mentor who can reach W holds (>= 1)."""
    must: tuple[str, ...]
    """The other competencies every such mentor holds, sorted."""


def choose_pivots(
    weights: Mapping[str, int], min_weight: int, holders: Mapping[str, int]
) -> Pivots | None:
    """The pivots for reaching `min_weight` of `weights`; None when nobody can.

    `holders`: how many hold each weighted competence, a cost estimate only
    (any pivots give the right answer; a missing count is taken as 0). The
    rarest per unit of weight come first, until they weigh more than the
    spare, then more while the holders they list stay within `PIVOT_BUDGET`
    times those."""
    weighed = {c: w for c, w in weights.items() if w > 0}
    spare = sum(weighed.values()) - min_weight
    if spare < 0:
        return None
    chosen: list[str] = []
    weight = listed = 0
    budget = None
    for c in sorted(weighed, key=lambda c: (holders.get(c, 0) / weighed[c], c)):
        if budget is None and weight > spare:
            budget = PIVOT_BUDGET * listed
        if budget is not None and listed + holders.get(c, 0) > budget:
            break
        chosen.append(c)
        weight += weighed[c]
        listed += holders.get(c, 0)
    must = sorted(c for c, w in weighed.items() if w > spare and c not in chosen)
    return Pivots(competences=tuple(sorted(chosen)), least=weight - spare, must=tuple(must))
