"""Career paths: the k cheapest simple paths through the step graph (DESIGN §4).

For one employee every edge has a fixed cost: its weight depends on the path
only through "is the from-step the current step", and a simple path leaves the
current step exactly once, at its start. So the search is a best-first
enumeration of simple paths ordered by the full answer key (totalHours, then
totalMonths, then number of steps, then the step ids). Each key part only grows
along a path, so complete paths come off the queue exactly in answer order and
the first `k` are the answer, ties included. Lower bounds towards the targets
(reverse Dijkstra per key part, which are consistent) guide the search, and a
bound on the edges still needed prunes paths that cannot end within
`rules.max_path_edges`.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from ladders.catalog import NEXT, Catalog
from ladders.errors import NotFoundError, ValidationError, check_between
from ladders.gap import load_employee, months_elapsed
from ladders.holding import held_level
from ladders.models import Employee, Holding
from ladders.ports import Store
from ladders.rules import Rules

MAX_K = 50
_MAX_EXPANSIONS = 200_000
"""A guard against pathological step graphs; real ladders need a few hundred."""
_DIGITS = 6
"""Hours are compared rounded, so sums taken in another order still tie."""


class CareerPath(BaseModel):
    model_config = ConfigDict(frozen=True)

    step_ids: tuple[str, ...]
    """From the current step to the target, both included."""
    total_hours: float
    total_months: int


class _Costs:
    """The employee's cost of each step-graph edge, computed on demand."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        rules: Rules,
        held: Mapping[str, int],
        current: str,
        months_served: int,
    ) -> None:
        self._catalog = catalog
        self._rules = rules
        self._held = held
        self._current = current
        self._served = months_served
        self._hours: dict[tuple[str, str], float] = {}
        self._months: dict[tuple[str, str], int] = {}

    def hours(self, u: str, v: str) -> float:
        """`Σ_c hours(c, base_u(c), max(base_u(c), req_v(c)))` over what `v` requires."""
        cached = self._hours.get((u, v))
        if cached is not None:
            return cached
        req_u = self._catalog.requirement_levels(u)
        total = 0.0
        for competence_id, level in sorted(self._catalog.requirement_levels(v).items()):
            base = self._held.get(competence_id, 0)
            if u != self._current:
                # At a later step you are taken to meet that step's requirements.
                base = max(base, req_u.get(competence_id, 0))
            total += self._catalog.effort(
                competence_id, base, level, unmet_hours=self._rules.unmet_effort_hours
            ).hours
        self._hours[(u, v)] = total
        return total

    def months(self, u: str, v: str) -> int:
        """A NEXT edge: from-step min_months, only those left when leaving the
        current step; a TRANSITION: its own months."""
        cached = self._months.get((u, v))
        if cached is not None:
            return cached
        data = self._catalog.step_graph.adj[u][v]
        months = int(data["months"])
        if data["kind"] == NEXT:
            if u == self._current:
                months = max(0, months - self._served)
            if "transition_months" in data:
                months = min(months, int(data["transition_months"]))
        self._months[(u, v)] = months
        return months


def compute_career_paths(
    *,
    employee: Employee,
    holdings: Sequence[Holding],
    catalog: Catalog,
    rules: Rules,
    targets: Collection[str],
    k: int,
    as_of: date,
) -> list[CareerPath]:
    """The `k` best simple paths from the employee's current step to any of
    `targets` (the current step itself is never a target); pure."""
    source = employee.step_id
    if source is None or source not in catalog.steps:
        return []
    goal = {t for t in targets if t in catalog.steps and t != source}
    if not goal:
        return []
    held = {
        h.competence_id: held_level(h, catalog.competences.get(h.competence_id), as_of)
        for h in holdings
        if h.employee_id == employee.id
    }
    costs = _Costs(
        catalog=catalog,
        rules=rules,
        held=held,
        current=source,
        months_served=months_elapsed(employee.step_since, as_of),
    )
    graph = catalog.step_graph
    max_edges = rules.max_path_edges
    # Only steps both reachable from the source and able to reach a target
    # within the edge budget can lie on an answer.
    ahead = _bfs_depths([source], graph.successors, max_edges)
    behind = _bfs_depths(goal, graph.predecessors, max_edges)
    nodes = {n for n in ahead if n in behind and ahead[n] + behind[n] <= max_edges}
    if not goal & nodes:
        return []
    lb_hours = _reverse_dijkstra(nodes, goal, graph.predecessors, costs.hours)
    lb_months = _reverse_dijkstra(nodes, goal, graph.predecessors, costs.months)

    def key(path: tuple[str, ...], hours: float, months: int) -> tuple[float, float, int]:
        end = path[-1]
        return (
            round(hours + lb_hours[end], _DIGITS),
            months + lb_months[end],
            len(path) + behind[end],
        )

    start = (source,)
    queue: list[tuple[tuple[float, float, int], tuple[str, ...], float, int]] = [
        (key(start, 0.0, 0), start, 0.0, 0)
    ]
    found: list[CareerPath] = []
    expansions = 0
    while queue and len(found) < k and expansions < _MAX_EXPANSIONS:
        _, path, hours, months = heapq.heappop(queue)
        expansions += 1
        end = path[-1]
        if end in goal and len(path) > 1:
            found.append(
                CareerPath(
                    step_ids=path, total_hours=round(hours, _DIGITS), total_months=int(months)
                )
            )
        edges_used = len(path) - 1
        for nxt in sorted(graph.successors(end)):
            if nxt not in nodes or nxt in path or edges_used + 1 + behind[nxt] > max_edges:
                continue
            longer = (*path, nxt)
            h = hours + costs.hours(end, nxt)
            m = months + costs.months(end, nxt)
            heapq.heappush(queue, (key(longer, h, m), longer, h, m))
    return found


def _bfs_depths(
    starts: Iterable[str], neighbours: Callable[[str], Iterable[str]], limit: int
) -> dict[str, int]:
    """Fewest edges from any start to each node, up to `limit`."""
    depth = dict.fromkeys(starts, 0)
    frontier = list(depth)
    for d in range(1, limit + 1):
        following: list[str] = []
        for node in frontier:
            for other in neighbours(node):
                if other not in depth:
                    depth[other] = d
                    following.append(other)
        frontier = following
    return depth


def _reverse_dijkstra(
    nodes: Collection[str],
    goal: Collection[str],
    predecessors: Callable[[str], Iterable[str]],
    weight: Callable[[str, str], float],
) -> dict[str, float]:
    """Least total weight from each node to the nearest goal, within `nodes`."""
    dist: dict[str, float] = {}
    queue: list[tuple[float, str]] = [(0.0, g) for g in goal if g in nodes]
    heapq.heapify(queue)
    while queue:
        d, node = heapq.heappop(queue)
        if node in dist:
            continue
        dist[node] = d
        for prev in predecessors(node):
            if prev in nodes and prev not in dist:
                heapq.heappush(queue, (d + weight(prev, node), prev))
    return dist


async def career_paths(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee_id: str,
    target_step_id: str | None = None,
    target_profession_id: str | None = None,
    k: int = 3,
    as_of: date,
) -> list[CareerPath]:
    """The `k` best paths from the employee's current step to the target step,
    or to any step of the target profession (default: the next step)."""
    _check_arguments(k=k, target_step_id=target_step_id, target_profession_id=target_profession_id)
    return await career_paths_of(
        store=store,
        catalog=catalog,
        rules=rules,
        employee=await load_employee(store, employee_id),
        target_step_id=target_step_id,
        target_profession_id=target_profession_id,
        k=k,
        as_of=as_of,
    )


def _check_arguments(
    *, k: int, target_step_id: str | None, target_profession_id: str | None
) -> None:
    check_between(k, field="k", most=MAX_K)
    if target_step_id is not None and target_profession_id is not None:
        raise ValidationError(
            "give a target step or a target profession, not both", field="targetProfessionId"
        )


async def career_paths_of(
    *,
    store: Store,
    catalog: Catalog,
    rules: Rules,
    employee: Employee,
    target_step_id: str | None = None,
    target_profession_id: str | None = None,
    k: int = 3,
    as_of: date,
) -> list[CareerPath]:
    """`career_paths` for an employee already read (the API has them from its
    access check: one store round trip fewer)."""
    _check_arguments(k=k, target_step_id=target_step_id, target_profession_id=target_profession_id)
    employee_id = employee.id
    if employee.step_id is None or employee.step_id not in catalog.steps:
        raise ValidationError(
            f"employee {employee_id!r} has no current step", field="employeeId", value=employee_id
        )
    targets = _targets(catalog, employee.step_id, target_step_id, target_profession_id)
    holdings = await store.holdings_of([employee.id])
    # A few ms on real ladders, tens on dense synthetic graphs: off the loop.
    return await asyncio.to_thread(
        compute_career_paths,
        employee=employee,
        holdings=holdings,
        catalog=catalog,
        rules=rules,
        targets=targets,
        k=k,
        as_of=as_of,
    )


def _targets(
    catalog: Catalog, current: str, target_step_id: str | None, target_profession_id: str | None
) -> tuple[str, ...]:
    if target_step_id is not None:
        if target_step_id not in catalog.steps:
            raise NotFoundError("step", target_step_id)
        return (target_step_id,)
    if target_profession_id is not None:
        if target_profession_id not in catalog.professions:
            raise NotFoundError("profession", target_profession_id)
        return catalog.profession_step_ids(target_profession_id)
    following = catalog.next_step(current)
    if following is None:
        raise ValidationError(
            f"step {current!r} has no next step; give a target", field="targetStepId"
        )
    return (following.id,)
