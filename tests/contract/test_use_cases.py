"""Every answer of DESIGN §4 is the same on both stores: each use case is run
for every person and unit of the tiny region on the store under test and
compared with the same use case on a separate embedded store, which holds the
reference answers (for `[neo4j]` this is the cross-store check)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from graph.embedded import EmbeddedStore
from ladders import coverage, gap, mentors, paths, proposals, risk, suggestions, supply
from ladders.catalog import CatalogCache
from ladders.errors import StegeError
from ladders.models import Dataset, Horizon
from ladders.ports import Store
from ladders.rules import Rules
from tests.builders import AS_OF

RULES = Rules()


async def _answer(call: Callable[[], Awaitable[Any]]) -> Any:
    """The answer as plain data, or the error's kind and message (also an answer)."""
    try:
        result = await call()
    except StegeError as error:
        return {"error": type(error).__name__, "message": str(error)}
    if isinstance(result, list):
        return [r.model_dump(mode="json") for r in result]
    return result.model_dump(mode="json")


async def all_answers(store: Store, region: Dataset) -> dict[str, Any]:
    return await answers_about(
        store,
        employee_ids=[e.id for e in region.employees],
        profession_ids=[p.id for p in region.professions],
        competence_ids=[c.id for c in region.competences],
        unit_ids=[u.id for u in region.units],
        as_of=AS_OF,
    )


async def answers_about(
    store: Store,
    *,
    employee_ids: list[str],
    profession_ids: list[str],
    competence_ids: list[str],
    unit_ids: list[str],
    as_of: date,
) -> dict[str, Any]:
    """Every use case's answer for these people and units."""
    catalog = await CatalogCache().get(store)
    common = {"store": store, "catalog": catalog, "rules": RULES, "as_of": as_of}
    answers: dict[str, Any] = {}
    for e in [SimpleNamespace(id=i) for i in employee_ids]:
        answers[f"gap/{e.id}"] = await _answer(
            lambda e=e: gap.gap_report(**common, employee_id=e.id)
        )
        answers[f"paths/{e.id}"] = await _answer(
            lambda e=e: paths.career_paths(**common, employee_id=e.id, k=5)
        )
        for profession_id in profession_ids:
            answers[f"paths/{e.id}/{profession_id}"] = await _answer(
                lambda e=e, p=profession_id: paths.career_paths(
                    **common, employee_id=e.id, target_profession_id=p, k=3
                )
            )
        answers[f"next/{e.id}"] = await _answer(
            lambda e=e: suggestions.next_steps(**common, employee_id=e.id, limit=20)
        )
        answers[f"mentors/{e.id}"] = await _answer(
            lambda e=e: mentors.mentor_candidates(**common, adept_id=e.id)
        )
        answers[f"mentors/{e.id}/all"] = await _answer(
            lambda e=e: mentors.mentor_candidates(
                **common, adept_id=e.id, competence_ids=competence_ids
            )
        )
    for u in [SimpleNamespace(id=i) for i in unit_ids]:
        answers[f"proposals/{u.id}"] = await _answer(
            lambda u=u: proposals.mentor_proposals(**common, unit_id=u.id)
        )
        for horizon in Horizon:
            answers[f"supply/{u.id}/{horizon}"] = await _answer(
                lambda u=u, h=horizon: supply.competence_supply(
                    **common, unit_id=u.id, horizon=h, include_descendants=True
                )
            )
        answers[f"risk/{u.id}"] = await _answer(
            lambda u=u: risk.knowledge_transfer_risks(**common, unit_id=u.id)
        )
        answers[f"coverage/{u.id}"] = await _answer(
            lambda u=u: coverage.plan_coverage(store=store, unit_id=u.id, as_of=as_of)
        )
    return answers


@pytest.fixture
async def reference(tmp_path: Path, region: Dataset) -> dict[str, Any]:
    store = await EmbeddedStore.open(tmp_path / "reference.db")
    try:
        await store.import_dataset(region)
        return await all_answers(store, region)
    finally:
        await store.close()


async def test_every_answer_is_the_same_on_every_store(
    loaded: Store, region: Dataset, reference: dict[str, Any]
) -> None:
    answers = await all_answers(loaded, region)
    assert answers.keys() == reference.keys()
    differ = [key for key in reference if answers[key] != reference[key]]
    assert differ == [], {key: (answers[key], reference[key]) for key in differ[:3]}


async def test_the_reference_answers_are_not_empty(reference: dict[str, Any]) -> None:
    # Guards the comparison above: it must compare real answers, not errors.
    def real(prefix: str) -> list[Any]:
        return [
            v
            for k, v in reference.items()
            if k.startswith(prefix) and v and not (isinstance(v, dict) and "error" in v)
        ]

    assert any(item["missing"] > 0 for g in real("gap/") for item in g["items"])
    for prefix in ("paths/", "next/", "mentors/", "supply/", "risk/", "coverage/"):
        assert real(prefix), prefix


GENERATED = 2_000
"""People in the generated region: 142 units, enough for the mentor search to
read its first ring of units and then the rest in bands (past a quarter of
the units; the tiny region never gets there)."""


async def test_answers_on_a_generated_region_are_the_same_on_every_store(
    store: Store, tmp_path: Path
) -> None:
    # The tiny region is too small for the paths big regions take: the mentor
    # search's bands and pivots, the supply's split counts, many mentors with
    # equal scores. A generated region, the same in both stores, takes them.
    from seed.generate import DEMO_AS_OF
    from seed.synthetic import seed_synthetic, synthetic_chunks

    people: list[str] = []
    units: list[Any] = []
    first = None
    for chunk in synthetic_chunks(employees=GENERATED, seed=7):
        first = first or chunk
        people += [e.id for e in chunk.employees]
        units += chunk.units
    assert first is not None
    by_kind = {u.kind: u.id for u in units}  # the last of each kind
    subjects = {
        "employee_ids": people[:: len(people) // 12],
        "profession_ids": [p.id for p in first.professions[:2]],
        "competence_ids": [c.id for c in first.competences[::8]],
        "unit_ids": sorted(set(by_kind.values())),
        "as_of": DEMO_AS_OF,
    }
    reference_store = await EmbeddedStore.open(tmp_path / "reference.db")
    try:
        await seed_synthetic(reference_store, employees=GENERATED, seed=7)
        reference = await answers_about(reference_store, **subjects)
    finally:
        await reference_store.close()
    await seed_synthetic(store, employees=GENERATED, seed=7)

    answers = await answers_about(store, **subjects)

    differ = [key for key in reference if answers[key] != reference[key]]
    assert differ == [], {key: (answers[key], reference[key]) for key in differ[:3]}
    # Guards the comparison: it must compare real answers, not errors (a
    # person on their ladder's top step has no next step: an error answer).
    gaps = [v for k, v in reference.items() if k.startswith("gap/") and "error" not in v]
    assert len(gaps) >= 6, reference
    mentors_found = [v for k, v in reference.items() if k.startswith("mentors/") and v]
    assert len(mentors_found) >= 6, "the comparison must cover real mentor answers"
