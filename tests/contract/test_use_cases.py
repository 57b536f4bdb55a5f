"""Every answer of DESIGN §4 is the same on both stores: each use case is run
for every person and unit of the tiny region on the store under test and
compared with the same use case on a separate embedded store, which holds the
reference answers (for `[neo4j]` this is the cross-store check)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
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
    catalog = await CatalogCache().get(store)
    common = {"store": store, "catalog": catalog, "rules": RULES, "as_of": AS_OF}
    answers: dict[str, Any] = {}
    for e in region.employees:
        answers[f"gap/{e.id}"] = await _answer(
            lambda e=e: gap.gap_report(**common, employee_id=e.id)
        )
        answers[f"paths/{e.id}"] = await _answer(
            lambda e=e: paths.career_paths(**common, employee_id=e.id, k=5)
        )
        for profession in region.professions:
            answers[f"paths/{e.id}/{profession.id}"] = await _answer(
                lambda e=e, p=profession: paths.career_paths(
                    **common, employee_id=e.id, target_profession_id=p.id, k=3
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
                **common, adept_id=e.id, competence_ids=[c.id for c in region.competences]
            )
        )
    for u in region.units:
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
            lambda u=u: coverage.plan_coverage(store=store, unit_id=u.id, as_of=AS_OF)
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
