"""What an import replaces (`prune_owned` of either store): the rules both
stores share for removing what an owner in a dataset no longer lists."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ladders.models import Dataset


def last_items(data: Dataset) -> dict[str, int]:
    """Plan id -> the last seq `data` lists of it, for the plans it lists
    items of: a plan's items are listed in full or not at all (their seq is
    their place in the list), and none listed may mean "not in this file"."""
    last: dict[str, int] = {}
    for item in data.plan_activities:
        last[item.plan_id] = max(last.get(item.plan_id, 0), item.seq)
    return last


def stale_steps(data: Dataset, stored: Collection[str]) -> set[str]:
    """Of `stored`, the steps of `data`'s ladders, those it no longer lists."""
    return set(stored) - {s.id for s in data.steps}


def stale_transitions(
    data: Dataset, found: Iterable[tuple[str, str]], *, stored: Collection[str]
) -> list[tuple[str, str]]:
    """Of the transitions `found` at the `stored` steps of `data`'s ladders,
    those to remove. A transition is listed with either of its ladders, so
    one is stale only when both of its ends are on ladders of `data`, or when
    it touches a step that goes."""
    listed = {(t.from_step_id, t.to_step_id) for t in data.transitions}
    going = stale_steps(data, stored)
    return [
        (a, b)
        for a, b in found
        if (a, b) not in listed and ((a in stored and b in stored) or a in going or b in going)
    ]


def in_use(kind: str, who: str, step: str, ladder: str) -> str:
    """Why a step cannot go: someone stands on it, or a plan aims at it."""
    use = "is at" if kind == "employee" else "targets"
    return f"step {step!r} is no longer in ladder {ladder!r}, but {kind} {who!r} {use} it"
