"""Mentor candidates and the mentorship rules (DESIGN §4 "Mentor candidates").

The pure part (`competence_targets`, `score_mentor`, `rank_candidates`,
`mentorship_violations`) works on models; the use cases (`mentor_candidates`,
`check_mentorship`) read the store through batch/indexed reads and call it.
The pool of possible mentors and its fast ranking live in `mentor_pool`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ladders.catalog import Catalog
from ladders.errors import NotFoundError, ValidationError, check_between
from ladders.gap import GapReport, compute_gap, load_employee, resolve_target
from ladders.holding import held_level
from ladders.mentor_pool import (
    MAX_LEVEL,
    MentorCandidate,
    MentorPool,
    PoolMentor,
    capacity_of,
    load_mentor_pool,
    mentor_level,
    mentor_score,
)
from ladders.mentor_search import nearest_best_per_competence, nearest_candidates
from ladders.models import Employee, Holding, Mentorship
from ladders.orgtree import UnitTree, load_tree
from ladders.ports import Store
from ladders.rules import Rules

__all__ = [
    "MAX_LIMIT",
    "MentorCandidate",
    "MentorPool",
    "best_mentor_per_competence",
    "PoolMentor",
    "capacity_of",
    "check_mentorship",
    "competence_targets",
    "held_levels",
    "load_mentor_pool",
    "mentor_candidates",
    "mentor_candidates_of",
    "mentor_level",
    "mentorship_problems",
    "mentorship_violations",
    "next_step_gap",
    "rank_candidates",
    "score_mentor",
]

MAX_LIMIT = 100
"""The most candidates one question may ask for."""


def held_levels(holdings: Iterable[Holding], catalog: Catalog, as_of: date) -> dict[str, int]:
    """Competence id -> held level at `as_of` (expired holdings count as 0)."""
    return {
        h.competence_id: held_level(h, catalog.competences.get(h.competence_id), as_of)
        for h in holdings
    }


def competence_targets(
    *,
    adept_levels: Mapping[str, int],
    gap: GapReport | None,
    competence_ids: Sequence[str] | None,
) -> dict[str, int]:
    """The competencies in question and the level the adept should reach in each.

    Without `competence_ids`: the missing items of the gap, at their required
    level. With them: each given competence, at the gap's required level when
    it is a missing item of the gap, else at held + 1 (at most 5). A gap item
    the adept already meets is not "in the gap" for this purpose: asking for a
    mentor in it means wanting to go beyond it, so the target is held + 1.
    """
    missing = {}
    if gap is not None:
        missing = {i.competence_id: i.required_level for i in gap.items if i.missing > 0}
    if competence_ids is None:
        return missing
    return {
        c: missing.get(c, min(MAX_LEVEL, adept_levels.get(c, 0) + 1))
        for c in dict.fromkeys(competence_ids)
    }


def _person_violations(
    *, mentor: PoolMentor, adept: Employee, rules: Rules, as_of: date
) -> list[str]:
    """The rules about the two people, independent of the competencies."""
    problems = []
    if mentor.id == adept.id:
        problems.append("a mentor cannot mentor themselves")
    if mentor.age(as_of) < rules.mentor_min_age:
        problems.append(f"a mentor must be at least {rules.mentor_min_age} years old")
    if adept.id in mentor.active_adept_ids:
        problems.append("the mentor already mentors this adept")
    elif len(mentor.active_adept_ids) >= mentor.capacity:
        active = len(mentor.active_adept_ids)
        problems.append(
            f"the mentor already has {active} active {'adept' if active == 1 else 'adepts'} "
            f"(capacity {mentor.capacity})"
        )
    return problems


def score_mentor(
    *,
    mentor: PoolMentor,
    adept: Employee,
    adept_levels: Mapping[str, int],
    targets: Mapping[str, int],
    tree: UnitTree,
    rules: Rules,
    as_of: date,
) -> tuple[float, tuple[str, ...]]:
    """(score, covered competencies) of a mentor who passes the person rules.

    Covered: the competencies in question the mentor holds at >= max(target, 4).
    Score = Σ missing levels covered × proximity × urgency. We read "missing
    levels covered" for one competence as max(0, target - held by the adept):
    a covering mentor holds at least the target, so every level the adept
    still lacks up to the target is covered.
    """
    covered = tuple(
        sorted(c for c, t in targets.items() if mentor.levels.get(c, 0) >= mentor_level(t, rules))
    )
    levels = sum(max(0, targets[c] - adept_levels.get(c, 0)) for c in covered)
    d = tree.distance(adept.unit_id, mentor.unit_id)
    urgency = rules.urgency_factor if mentor.age(as_of) >= rules.retirement_age - 3 else 1
    return mentor_score(levels, d, urgency), covered


def rank_candidates(
    *,
    adept: Employee,
    adept_levels: Mapping[str, int],
    targets: Mapping[str, int],
    pool: Iterable[PoolMentor],
    tree: UnitTree,
    rules: Rules,
    as_of: date,
    limit: int | None = None,
) -> list[MentorCandidate]:
    """Every mentor of `pool` who passes the rules and covers at least one
    competence in question, by score (highest first), then mentor id (the
    first `limit` when given). For many adepts, build one `MentorPool`."""
    return MentorPool(pool, tree=tree, rules=rules, as_of=as_of).rank(
        adept=adept, adept_levels=adept_levels, targets=targets, limit=limit
    )


def mentorship_violations(
    *,
    mentor: Employee,
    adept: Employee,
    mentor_holdings: Sequence[Holding],
    mentor_mentorships: Sequence[Mentorship],
    focus: Sequence[str],
    targets: Mapping[str, int],
    catalog: Catalog,
    rules: Rules,
    as_of: date,
) -> list[str]:
    """Every rule of DESIGN §4 that starting `mentor -> adept` on `as_of` breaks,
    each as a plain message ([] when it may start).

    `mentor_mentorships`: the mentor's mentorships as mentor (any; the active
    ones on `as_of` are picked here). `targets`: the adept's target level per
    focus competence (`competence_targets`); a focus competence missing from
    it counts as target 1, so only the level floor applies.
    A mentorship needs at least one focus competence, since the level rule is
    about the competencies mentored.
    """
    active = frozenset(
        m.adept_id for m in mentor_mentorships if m.mentor_id == mentor.id and m.active_on(as_of)
    )
    pool_mentor = PoolMentor(
        id=mentor.id,
        unit_id=mentor.unit_id,
        birth_year=mentor.birth_year,
        levels=held_levels(mentor_holdings, catalog, as_of),
        active_adept_ids=active,
        capacity=capacity_of(mentor, rules),
    )
    problems = _person_violations(mentor=pool_mentor, adept=adept, rules=rules, as_of=as_of)
    if not focus:
        problems.append("a mentorship needs at least one focus competence")
    for competence_id in dict.fromkeys(focus):
        if competence_id not in catalog.competences:
            problems.append(f"unknown competence {competence_id!r}")
            continue
        need = mentor_level(targets.get(competence_id, 1), rules)
        # Whether, not at which level: the mentor may be anyone in the region,
        # and the caller may see no more of them than a mentor candidate shows.
        if pool_mentor.levels.get(competence_id, 0) < need:
            problems.append(f"the mentor does not hold {competence_id!r} at level {need} or higher")
    return problems


# --- reading the store -------------------------------------------------------


def next_step_gap(
    *,
    employee: Employee,
    holdings: Sequence[Holding],
    catalog: Catalog,
    rules: Rules,
    as_of: date,
    required: bool,
) -> GapReport | None:
    """The gap to the next step; None when there is none to compute (no step,
    top of the ladder) and the caller can do without it."""
    try:
        return compute_gap(
            employee=employee,
            holdings=holdings,
            target=resolve_target(catalog, employee, None),
            catalog=catalog,
            rules=rules,
            as_of=as_of,
        )
    except ValidationError:
        if required:
            raise
        return None


def _check_competences(catalog: Catalog, competence_ids: Sequence[str]) -> None:
    for competence_id in competence_ids:
        if competence_id not in catalog.competences:
            raise NotFoundError("competence", competence_id)


async def _question(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    adept: Employee,
    competence_ids: Sequence[str] | None,
    as_of: date,
    holdings: Sequence[Holding] | None = None,
    gap: GapReport | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """(held levels, targets) of a mentor question (DESIGN §4); the adept's
    holdings are read unless given, and the targets come from `gap` when
    given, else from the gap to the next step."""
    if competence_ids is not None:
        _check_competences(catalog, competence_ids)
    if holdings is None:
        holdings = await store.holdings_of([adept.id])
    if gap is None:
        gap = next_step_gap(
            employee=adept,
            holdings=holdings,
            catalog=catalog,
            rules=rules,
            as_of=as_of,
            required=competence_ids is None,
        )
    adept_levels = held_levels(holdings, catalog, as_of)
    targets = competence_targets(adept_levels=adept_levels, gap=gap, competence_ids=competence_ids)
    return adept_levels, targets


async def mentor_candidates(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    adept_id: str,
    competence_ids: Sequence[str] | None = None,
    limit: int = 10,
    as_of: date,
) -> list[MentorCandidate]:
    """The best `limit` mentor candidates for an adept (DESIGN §4).

    Raises `ValidationError` for a limit outside 1..MAX_LIMIT, or (without
    `competence_ids`) when the adept has no next step to have a gap to;
    `NotFoundError` for an unknown adept or competence. Reads the pool
    nearest the adept first (`mentor_search`).
    """
    check_between(limit, field="limit", most=MAX_LIMIT)
    if competence_ids is not None:
        _check_competences(catalog, competence_ids)
    return await mentor_candidates_of(
        store=store,
        catalog=catalog,
        rules=rules,
        adept=await load_employee(store, adept_id),
        competence_ids=competence_ids,
        limit=limit,
        as_of=as_of,
    )


async def mentor_candidates_of(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    adept: Employee,
    competence_ids: Sequence[str] | None = None,
    limit: int = 10,
    as_of: date,
) -> list[MentorCandidate]:
    """`mentor_candidates` for an adept already read (the API has them from
    its access check: one store round trip fewer)."""
    check_between(limit, field="limit", most=MAX_LIMIT)
    # The adept's holdings and the unit tree do not depend on each other:
    # one round trip instead of two (55k, 30 adepts, median: 27.8-28.5 ->
    # 23.6-25.8 ms on Neo4j; embedded 4.2-4.3 -> 4.3 ms, within its noise).
    (adept_levels, targets), tree = await asyncio.gather(
        _question(
            store=store,
            catalog=catalog,
            rules=rules,
            adept=adept,
            competence_ids=competence_ids,
            as_of=as_of,
        ),
        load_tree(store),
    )
    if not targets:
        return []
    return await nearest_candidates(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=tree,
        adept=adept,
        adept_levels=adept_levels,
        targets=targets,
        limit=limit,
        as_of=as_of,
    )


async def best_mentor_per_competence(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    adept: Employee,
    competence_ids: Sequence[str],
    as_of: date,
    holdings: Sequence[Holding] | None = None,
    gap: GapReport | None = None,
) -> dict[str, MentorCandidate]:
    """Per competence of `competence_ids`, the best candidate (as ranked by
    `mentor_candidates` for all of them, without a limit) who covers it;
    competencies nobody covers are left out. The adept's holdings are read
    unless given (`suggestions.next_steps_of` has them). `gap` sets the
    targets when the question is about another step than the next one
    (nextSteps with a target step): a mentor must hold what that step
    requires, not what the next one does."""
    adept_levels, targets = await _question(
        store=store,
        catalog=catalog,
        rules=rules,
        adept=adept,
        competence_ids=competence_ids,
        as_of=as_of,
        holdings=holdings,
        gap=gap,
    )
    if not targets:
        return {}
    return await nearest_best_per_competence(
        store=store,
        catalog=catalog,
        rules=rules,
        tree=await load_tree(store),
        adept=adept,
        adept_levels=adept_levels,
        targets=targets,
        as_of=as_of,
    )


async def check_mentorship(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    mentor_id: str,
    adept_id: str,
    focus: Sequence[str],
    as_of: date,
) -> list[str]:
    """Every rule that starting `mentor -> adept` with `focus` on `as_of` would
    break ([] when it may start); `NotFoundError` for an unknown mentor/adept.

    The focus competencies' targets come from the adept's gap to the next step
    (held + 1 where they are not missing items of it, or there is no gap).
    """
    mentor = await load_employee(store, mentor_id)
    adept = await load_employee(store, adept_id)
    return await mentorship_problems(
        store=store,
        catalog=catalog,
        rules=rules,
        mentor=mentor,
        adept=adept,
        mentor_mentorships=await store.mentorships_of([mentor_id], role="mentor"),
        focus=focus,
        as_of=as_of,
    )


async def mentorship_problems(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    mentor: Employee,
    adept: Employee,
    mentor_mentorships: Sequence[Mentorship],
    focus: Sequence[str],
    as_of: date,
) -> list[str]:
    """`check_mentorship` of two people and the mentor's mentorships already
    read: a start judges every rule on its one read of the mentor's links (read
    again here, a start committed in between would come out as a problem of
    the focus rather than the write's conflict)."""
    holdings = await store.holdings_of([mentor.id, adept.id])
    adept_holdings = [h for h in holdings if h.employee_id == adept.id]
    gap = next_step_gap(
        employee=adept,
        holdings=adept_holdings,
        catalog=catalog,
        rules=rules,
        as_of=as_of,
        required=False,
    )
    known_focus = [c for c in focus if c in catalog.competences]
    targets = competence_targets(
        adept_levels=held_levels(adept_holdings, catalog, as_of),
        gap=gap,
        competence_ids=known_focus,
    )
    return mentorship_violations(
        mentor=mentor,
        adept=adept,
        mentor_holdings=[h for h in holdings if h.employee_id == mentor.id],
        mentor_mentorships=mentor_mentorships,
        focus=focus,
        targets=targets,
        catalog=catalog,
        rules=rules,
        as_of=as_of,
    )
