"""Mentor proposals for a unit (DESIGN §4 "Mentor proposals for a unit").

Every designated adept of the unit subtree without an active mentorship is
paired with a mentor candidate from anywhere in the region so that the total
score is as high as possible while no mentor gets more new adepts than their
remaining capacity: a min-cost flow

    source -> adept (capacity 1) -> mentor (capacity 1, cost -score)
           -> sink (capacity = the mentor's remaining capacity)

plus an adept -> sink bypass of cost 0, so that every adept can be routed and
the flow is maximal in weight, not in the number of pairs (an adept is left
unpaired rather than forced onto a pairing that would lower the total).

Each adept's candidates come best first, as many as the pairing needs: for a
few adepts from the mentor search around each one (`mentor_search`), for
many from the region's whole pool read once (`SEARCH_ADEPTS`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx
from pydantic import BaseModel, ConfigDict

from ladders.catalog import Catalog
from ladders.errors import NotFoundError
from ladders.gap import GapReport
from ladders.mentor_pool import (
    MentorCandidate,
    MentorPool,
    load_mentor_pool,
    mentor_level,
)
from ladders.mentor_search import nearest_candidates
from ladders.mentors import competence_targets, held_levels, next_step_gap
from ladders.models import Employee, Holding
from ladders.orgtree import UnitTree, load_tree
from ladders.ports import Store
from ladders.rules import Rules

SCORE_SCALE = 1_000_000
"""Scores become integer costs for the flow solver (network simplex wants
integers); a micro-point is far below any score difference that matters."""

FIRST_SHORTLIST = 8
"""Candidates per adept in the first round of `pair_adepts`."""
SEARCH_ADEPTS = 32
"""Up to this many adepts to pair, each one's candidates come from the mentor
search around them; more, and the region's pool is read once for all. At
55,000 people the pool read took ~0.6 s embedded and ~1.5 s on Neo4j, a
search ~4-7 ms and ~30 ms (a 168-person unit, 12 adepts: 0.60 -> 0.03 s
embedded, 1.5-1.9 -> 0.27-0.36 s on Neo4j); below the break-even, with room
for the shortlists to grow."""

_SOURCE = ("s", "")
_SINK = ("t", "")


class MentorProposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    mentor_id: str
    adept_id: str
    score: float
    competence_ids: tuple[str, ...]


Node = tuple[str, str]
Flow = dict[Node, dict[Node, int]]


@dataclass(frozen=True)
class _Solution:
    proposals: list[MentorProposal]
    profit: Mapping[str, int]
    """Adept id -> a dual bound, in scaled points: no pair of that adept
    scoring at most this can improve the total (see `_profits`)."""


def _solve(
    options: Mapping[str, Sequence[MentorCandidate]], remaining: Mapping[str, int]
) -> _Solution:
    graph = nx.DiGraph()
    by_pair: dict[tuple[str, str], MentorCandidate] = {}
    for adept_id in sorted(options):
        adept = ("a", adept_id)
        graph.add_edge(_SOURCE, adept, capacity=1, weight=0)
        graph.add_edge(adept, _SINK, capacity=1, weight=0)
        for candidate in sorted(options[adept_id], key=lambda c: c.mentor_id):
            cost = round(candidate.score * SCORE_SCALE)
            room = remaining.get(candidate.mentor_id, 0)
            if cost <= 0 or room <= 0 or candidate.mentor_id == adept_id:
                continue
            mentor = ("m", candidate.mentor_id)
            if not graph.has_edge(mentor, _SINK):
                graph.add_edge(mentor, _SINK, capacity=room, weight=0)
            graph.add_edge(adept, mentor, capacity=1, weight=-cost)
            by_pair[adept_id, candidate.mentor_id] = candidate
    if not by_pair:
        return _Solution(proposals=[], profit=dict.fromkeys(options, 0))
    flow: Flow = nx.max_flow_min_cost(graph, _SOURCE, _SINK)
    chosen = [
        MentorProposal(
            mentor_id=mentor_id,
            adept_id=adept_id,
            score=candidate.score,
            competence_ids=candidate.competence_ids,
        )
        for (adept_id, mentor_id), candidate in by_pair.items()
        if flow[("a", adept_id)][("m", mentor_id)] > 0
    ]
    chosen.sort(key=lambda p: (-p.score, p.adept_id))
    return _Solution(proposals=chosen, profit=_profits(graph, flow))


def _profits(graph: nx.DiGraph, flow: Flow) -> dict[str, int]:
    """Node potentials of the optimal flow, read as each adept's profit.

    pi = shortest distances from the sink in the residual graph (every node
    is reachable: an adept through its mentor or its bypass, a mentor through
    an adept). They satisfy pi(v) <= pi(u) + cost(u, v) on every residual
    edge, and every mentor's can be taken <= 0 (unused mentors' lowered to
    0, which breaks nothing). A left-out pair a -> m of cost -s keeps the flow
    optimal when pi(m) <= pi(a) - s, so when s <= pi(a): whatever m is, even
    one not in the graph (pi(m) = pi(sink) = 0).
    """
    residual = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        used = flow[u][v]
        if used < data["capacity"]:
            residual.add_edge(u, v, weight=data["weight"])
        if used > 0:
            residual.add_edge(v, u, weight=-data["weight"])
    pi = nx.single_source_bellman_ford_path_length(residual, _SINK)
    return {node[1]: int(pi[node]) for node in graph if node[0] == "a"}


def assign_mentors(
    *,
    options: Mapping[str, Sequence[MentorCandidate]],
    remaining: Mapping[str, int],
) -> list[MentorProposal]:
    """The pairing of adepts (`options`: adept id -> their candidates) with
    mentors of the greatest total score, each mentor taking at most
    `remaining[mentor]` adepts (0 when absent) and each adept at most one
    mentor. By score (highest first), then adept id.

    Candidates with score 0 add nothing and are never proposed.
    """
    return _solve(options, remaining).proposals


@dataclass(frozen=True)
class AdeptNeed:
    """An adept to pair, with held levels and targets (`competence_targets`)."""

    adept: Employee
    levels: Mapping[str, int]
    targets: Mapping[str, int]


Rank = Callable[[Sequence[tuple[AdeptNeed, int]]], Awaitable[list[list[MentorCandidate]]]]
"""For each (adept, limit) asked, the adept's best `limit` candidates, best
first (`MentorPool.rank`)."""


def rank_in(pool: MentorPool) -> Rank:
    """`Rank` over a pool read whole: in one thread per round (thousands of
    seniors, hundreds of adepts)."""

    def ranked(asked: Sequence[tuple[AdeptNeed, int]]) -> list[list[MentorCandidate]]:
        return [
            pool.rank(adept=n.adept, adept_levels=n.levels, targets=n.targets, limit=limit)
            for n, limit in asked
        ]

    async def rank(asked: Sequence[tuple[AdeptNeed, int]]) -> list[list[MentorCandidate]]:
        return await asyncio.to_thread(ranked, asked)

    return rank


async def pair_adepts(
    *, rank: Rank, needs: Sequence[AdeptNeed], shortlist: int = FIRST_SHORTLIST
) -> list[MentorProposal]:
    """The best pairing of these adepts with the mentors `rank` finds.

    Pairing every adept with every candidate makes a flow too big to solve
    quickly (hundreds of adepts, thousands of seniors), so each adept starts
    with its best `shortlist` candidates, and a list grows (x4) only where the
    optimum over the lists is not yet proven optimal over all candidates:
    - an adept whose last listed score is at most its profit (`_profits`)
      needs no more: none of its left-out pairs could raise the total;
    - an adept listing n candidates (n = adepts to pair) needs no more
      either: were it paired with an unlisted mentor, the other n - 1 adepts
      would fill at most n - 1 of its n listed mentors (each with room for
      one), so moving it to a free listed one (scoring no less) keeps the total.
    """
    wanted = {need.adept.id: need for need in needs if need.targets}
    n = len(wanted)
    limits = dict.fromkeys(wanted, min(n, shortlist))
    options: dict[str, list[MentorCandidate]] = {}
    grow = sorted(wanted)
    while True:
        found = await rank([(wanted[a], limits[a]) for a in grow])
        options.update(zip(grow, found, strict=True))
        # A mentor's room, as ranking saw it (the same in every list).
        remaining = {
            c.mentor_id: max(0, c.capacity - c.active_adepts)
            for listed in options.values()
            for c in listed
        }
        solution = await asyncio.to_thread(_solve, options, remaining)
        grow = [
            adept_id
            for adept_id, listed in sorted(options.items())
            if len(listed) == limits[adept_id] < n
            and round(listed[-1].score * SCORE_SCALE) > solution.profit[adept_id]
        ]
        if not grow:
            return solution.proposals
        for adept_id in grow:
            limits[adept_id] = min(n, limits[adept_id] * 4)


def adept_needs(
    *,
    adepts: Sequence[Employee],
    holdings: Mapping[str, Sequence[Holding]],
    gaps: Mapping[str, GapReport],
    catalog: Catalog,
    as_of: date,
) -> list[AdeptNeed]:
    """What each adept to pair asks for, given their holdings and gaps to the
    next step (an adept without a gap has nothing to ask and is left out)."""
    needs = []
    for adept in adepts:
        gap = gaps.get(adept.id)
        if gap is None:
            continue
        levels = held_levels(holdings.get(adept.id, ()), catalog, as_of)
        targets = competence_targets(adept_levels=levels, gap=gap, competence_ids=None)
        needs.append(AdeptNeed(adept=adept, levels=levels, targets=targets))
    return needs


def _gaps(
    *,
    adepts: Sequence[Employee],
    holdings: Mapping[str, Sequence[Holding]],
    catalog: Catalog,
    rules: Rules,
    as_of: date,
) -> dict[str, GapReport]:
    """Each adept's gap to their next step; adepts without one are left out."""
    gaps = {}
    for adept in adepts:
        gap = next_step_gap(
            employee=adept,
            holdings=holdings.get(adept.id, ()),
            catalog=catalog,
            rules=rules,
            as_of=as_of,
            required=False,
        )
        if gap is not None:
            gaps[adept.id] = gap
    return gaps


async def mentor_proposals(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    unit_id: str,
    as_of: date,
) -> list[MentorProposal]:
    """Proposed mentor-adept pairs for the unit subtree's designated adepts
    with no active mentorship (DESIGN §4); `NotFoundError` for an unknown unit."""
    unit_ids = await store.subtree_unit_ids(unit_id)
    if not unit_ids:
        raise NotFoundError("unit", unit_id)
    designated = [e for e in await store.employees_in_units(unit_ids) if e.adept]
    if not designated:
        return []
    busy = {
        m.adept_id
        for m in await store.mentorships_of(
            [e.id for e in designated], role="adept", active_on=as_of
        )
    }
    adepts = [e for e in designated if e.id not in busy]
    if not adepts:
        return []
    holdings: dict[str, list[Holding]] = {a.id: [] for a in adepts}
    for h in await store.holdings_of([a.id for a in adepts]):
        holdings[h.employee_id].append(h)
    gaps = await asyncio.to_thread(
        _gaps, adepts=adepts, holdings=holdings, catalog=catalog, rules=rules, as_of=as_of
    )
    min_levels: dict[str, int] = {}
    for gap in gaps.values():
        for item in gap.items:
            if item.missing > 0:
                least = mentor_level(item.required_level, rules)
                min_levels[item.competence_id] = min(
                    least, min_levels.get(item.competence_id, least)
                )
    if not min_levels:
        return []
    needs = await asyncio.to_thread(
        adept_needs, adepts=adepts, holdings=holdings, gaps=gaps, catalog=catalog, as_of=as_of
    )
    tree = await load_tree(store)
    if len(needs) > SEARCH_ADEPTS:
        mentors = await load_mentor_pool(
            store=store, catalog=catalog, rules=rules, min_levels=min_levels, as_of=as_of
        )
        pool = await asyncio.to_thread(MentorPool, mentors, tree=tree, rules=rules, as_of=as_of)
        rank = rank_in(pool)
    else:
        rank = _searched(store=store, catalog=catalog, rules=rules, tree=tree, as_of=as_of)
    return await pair_adepts(rank=rank, needs=needs)


def _searched(*, store: Store, catalog: Catalog, rules: Rules, tree: UnitTree, as_of: date) -> Rank:
    """`Rank` by the mentor search around each adept (`nearest_candidates`),
    the adepts' searches sent together."""

    async def rank(asked: Sequence[tuple[AdeptNeed, int]]) -> list[list[MentorCandidate]]:
        return list(
            await asyncio.gather(
                *(
                    nearest_candidates(
                        store=store,
                        catalog=catalog,
                        rules=rules,
                        tree=tree,
                        adept=n.adept,
                        adept_levels=n.levels,
                        targets=n.targets,
                        limit=limit,
                        as_of=as_of,
                    )
                    for n, limit in asked
                )
            )
        )

    return rank
