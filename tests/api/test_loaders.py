"""DataLoaders: a page of people with their relations costs a fixed number of
store calls, however many people the page holds.

The store is the real one, wrapped to count the calls it receives.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from ladders.ports import Store
from tests.api.conftest import data, serving
from tests.builders import ENH_IVA, make_employee, make_holding

PAGE = """
query Page($first: Int!) {
  employees(unitId: "enh-iva", first: $first) {
    edges { node {
      id name
      unit { id name }
      profession { id name }
      step { id name }
      competences(asOf: "2025-03-01") { competence { id name } level heldLevel }
    } }
  }
}
"""


class CountingStore:
    """A real store that counts the calls made to it, by method."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return await attr(*args, **kwargs)

        return counted


@pytest.fixture
async def crowded(store: Store) -> Store:
    """enh-iva with 60 more nurses, each holding three competencies."""
    from ladders.models import Dataset

    people = [make_employee(f"n{i:03}", unit_id=ENH_IVA) for i in range(60)]
    holdings = [
        make_holding(p.id, competence, level)
        for p in people
        for competence, level in (("evb", 2), ("pcv", 3), ("hlr", 2))
    ]
    await store.import_dataset(Dataset(employees=tuple(people), holdings=tuple(holdings)))
    return store


async def _calls_for_page(store: Store, first: int, user: str, roles: str | None) -> Counter[str]:
    counting = CountingStore(store)
    async with serving(counting) as api:  # type: ignore[arg-type]
        # Warm the process-wide catalog cache, as a running server has it warm.
        data(await api.gql("{ professions { id } }", user=user, roles=roles))
        counting.calls.clear()
        body = data(await api.gql(PAGE, {"first": first}, user=user, roles=roles))
    edges = body["employees"]["edges"]
    assert len(edges) == first
    node = edges[0]["node"]
    assert node["unit"]["id"] == ENH_IVA
    assert node["profession"]["id"] == "ssk"
    assert node["competences"], "the page must really load competences"
    return counting.calls


@pytest.mark.parametrize(("user", "roles"), [("e01", "admin"), ("e06", None)])
async def test_a_page_of_50_costs_a_fixed_number_of_store_calls(
    crowded: Store, user: str, roles: str | None
) -> None:
    small = await _calls_for_page(crowded, 5, user, roles)
    large = await _calls_for_page(crowded, 50, user, roles)
    # The same calls for 5 people as for 50: nothing is read per person.
    assert large == small
    # One read each for: the caller (manager only), the managed subtrees, the
    # page, its units, its holdings, and the catalog version check.
    assert sum(large.values()) <= 8, large
    assert large["employees_in_units"] == 1
    assert large["holdings_of"] == 1
    assert large["get_units"] <= 1
    assert large["reference_version"] == 1
    assert "reference_data" not in large  # the warm catalog is reused


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("gap", "query($id: ID!) { gap(employeeId: $id) { ready items { missing } } }"),
        ("careerPaths", "query($id: ID!) { careerPaths(employeeId: $id) { totalHours } }"),
        ("nextSteps", "query($id: ID!) { nextSteps(employeeId: $id) { hours } }"),
        ("mentorCandidates", "query($id: ID!) { mentorCandidates(adeptId: $id) { score } }"),
    ],
)
async def test_a_single_person_question_reads_the_person_once(
    store: Store, field: str, query: str
) -> None:
    # The access check already read the employee; the use case reuses it
    # instead of reading them again (a round trip per request on Neo4j).
    counting = CountingStore(store)
    async with serving(counting) as api:  # type: ignore[arg-type]
        data(await api.gql("{ professions { id } }", user="e01", roles="admin"))
        counting.calls.clear()
        body = data(await api.gql(query, {"id": "e03"}, user="e01", roles="admin"))
    assert body[field]
    assert counting.calls["get_employees"] == 1, counting.calls
    assert counting.calls["holdings_of"] == 1, counting.calls
    assert counting.calls["reference_version"] == 1, counting.calls
