"""Catalog: indexes over the reference data, the step graph and the cache."""

from __future__ import annotations

from pathlib import Path

from graph.embedded.store import EmbeddedStore
from ladders.catalog import NEXT, Catalog, CatalogCache
from ladders.models import (
    Competence,
    CompetenceCategory,
    Dataset,
    ReferenceData,
    Step,
    Transition,
    TransitionKind,
)
from tests.unit.ladders import e1_data


def test_ladder_steps_are_by_ordinal_and_next_step_follows_them() -> None:
    # Steps are given sorted by id; ssk-1..3 happen to sort by ordinal, so
    # shuffle them to show the catalog orders by ordinal itself.
    ref = e1_data.reference().model_copy(update={"steps": tuple(reversed(e1_data.STEPS))})
    catalog = Catalog.build(ref)

    assert [s.id for s in catalog.ladder_steps("l-ssk")] == ["ssk-1", "ssk-2", "ssk-3"]
    assert [s.id for s in catalog.ladder_steps("l-spec")] == ["spec-1", "spec-2"]
    assert catalog.ladder_steps("nope") == ()
    next_of_1 = catalog.next_step("ssk-1")
    assert next_of_1 is not None
    assert next_of_1.id == "ssk-2"
    assert catalog.next_step("ssk-3") is None  # top of the ladder
    assert catalog.next_step("nope") is None


def test_requirement_levels_and_profession_steps() -> None:
    catalog = Catalog.build(e1_data.reference())

    assert dict(catalog.requirement_levels("ssk-2")) == {"ebv": 2, "hlr": 2, "sv": 3}
    assert dict(catalog.requirement_levels("nope")) == {}
    assert catalog.profession_step_ids("spec") == ("spec-1", "spec-2")
    assert catalog.profession_step_ids("nope") == ()
    assert catalog.version == 1
    assert set(catalog.competences) == {"ebv", "hlr", "led", "sv"}


def test_step_graph_has_next_edges_with_from_step_months_and_transitions() -> None:
    catalog = Catalog.build(e1_data.reference())
    g = catalog.step_graph

    # NEXT edges carry the from-step's min_months: ssk-1 12, ssk-2 24, spec-1 12.
    assert g.edges["ssk-1", "ssk-2"] == {"kind": NEXT, "months": 12}
    assert g.edges["ssk-2", "ssk-3"] == {"kind": NEXT, "months": 24}
    assert g.edges["spec-1", "spec-2"] == {"kind": NEXT, "months": 12}
    # TRANSITION edges carry their own months and kind.
    assert g.edges["ssk-1", "spec-1"] == {"kind": "education", "months": 30}
    assert g.edges["ssk-2", "spec-1"] == {"kind": "education", "months": 18}
    assert g.number_of_edges() == 5
    assert set(g.nodes) == {"ssk-1", "ssk-2", "ssk-3", "spec-1", "spec-2"}


def test_a_transition_parallel_to_next_keeps_both_months() -> None:
    extra = Transition(
        from_step_id="ssk-1", to_step_id="ssk-2", kind=TransitionKind.VERTICAL, months=6
    )
    dangling = Transition(
        from_step_id="ssk-1", to_step_id="gone", kind=TransitionKind.VERTICAL, months=1
    )
    ref = e1_data.reference().model_copy(
        update={"transitions": (*e1_data.TRANSITIONS, extra, dangling)}
    )
    g = Catalog.build(ref).step_graph

    assert g.edges["ssk-1", "ssk-2"] == {"kind": NEXT, "months": 12, "transition_months": 6}
    assert "gone" not in g  # a transition to an unknown step is left out


def test_effort_is_reachable_through_the_catalog() -> None:
    catalog = Catalog.build(e1_data.reference())
    # sv 1 -> 3: a-sv1 (applies from 0, takes 1 to 2) then a-sv2 (2 -> 3): 10 + 8.
    effort = catalog.effort("sv", 1, 3, unmet_hours=200)
    assert effort.hours == 18
    assert [(link.activity.id, link.from_level, link.to_level) for link in effort.chain] == [
        ("a-sv1", 1, 2),
        ("a-sv2", 2, 3),
    ]


def _one_competence_dataset(name: str) -> Dataset:
    return Dataset(
        competences=(Competence(id="c", name=name, category=CompetenceCategory.CORE),),
    )


async def test_cache_rebuilds_only_when_the_reference_version_moves(tmp_path: Path) -> None:
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(_one_competence_dataset("Första"))
        cache = CatalogCache()

        first = await cache.get(store)
        again = await cache.get(store)
        assert again is first  # same version: the same snapshot
        assert first.competences["c"].name == "Första"

        await store.import_dataset(_one_competence_dataset("Andra"))
        refreshed = await cache.get(store)
        assert refreshed is not first
        assert refreshed.version > first.version
        assert refreshed.competences["c"].name == "Andra"
    finally:
        await store.close()


def test_build_on_empty_reference_data() -> None:
    catalog = Catalog.build(ReferenceData())
    assert catalog.step_graph.number_of_nodes() == 0
    assert catalog.next_step("x") is None
    lone = Step(id="x", ladder_id="l", name="X", ordinal=1)
    only = Catalog.build(ReferenceData(steps=(lone,)))
    assert only.ladder_steps("l") == (lone,)
