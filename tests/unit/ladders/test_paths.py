"""Career paths (DESIGN §4 "Career paths"), worked on the example in e1_data.

Edge weights for anna on 2025-03-01 (held: sv 1, hlr 0 (expired), ebv 0;
23 whole months at ssk-1, whose min_months is 12):
    ssk-1 -> ssk-2   base = held: ebv 0->2 11 + hlr 0->2 4 + sv 1->3 18 = 33 h,
                     NEXT months max(0, 12 - 23) = 0
    ssk-1 -> spec-1  ebv 0->3 11 + sv 1->3 18 = 29 h, transition 30 months
    ssk-2 -> spec-1  base = max(held, req ssk-2): ebv 2->3 6 + sv 3->3 0 = 6 h,
                     transition 18 months
    spec-1 -> spec-2 base ebv 3, sv 3: ebv 3->4 40 + sv 3->4 30 = 70 h, NEXT 12 months
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.embedded.store import EmbeddedStore
from ladders.catalog import Catalog
from ladders.errors import NotFoundError, ValidationError
from ladders.models import (
    Employee,
    Ladder,
    Profession,
    ReferenceData,
    Step,
    Transition,
    TransitionKind,
)
from ladders.paths import CareerPath, career_paths, compute_career_paths
from ladders.rules import Rules
from tests.unit.ladders import e1_data
from tests.unit.ladders.e1_data import AS_OF

CATALOG = Catalog.build(e1_data.reference())
RULES = Rules()


def _anna(targets: tuple[str, ...], k: int, rules: Rules = RULES) -> list[CareerPath]:
    return compute_career_paths(
        employee=e1_data.ANNA,
        holdings=e1_data.ANNA_HOLDINGS,
        catalog=CATALOG,
        rules=rules,
        targets=targets,
        k=k,
        as_of=AS_OF,
    )


def _summary(paths: list[CareerPath]) -> list[tuple[tuple[str, ...], float, int]]:
    return [(p.step_ids, p.total_hours, p.total_months) for p in paths]


def test_anna_to_spec_1_cheapest_hours_first() -> None:
    # direct: 29 h / 30 months; via ssk-2: 33 + 6 = 39 h / 0 + 18 = 18 months.
    assert _summary(_anna(("spec-1",), k=3)) == [
        (("ssk-1", "spec-1"), 29, 30),
        (("ssk-1", "ssk-2", "spec-1"), 39, 18),
    ]
    assert _summary(_anna(("spec-1",), k=1)) == [(("ssk-1", "spec-1"), 29, 30)]


def test_anna_to_any_step_of_the_specialist_profession() -> None:
    # Adding spec-1 -> spec-2 (70 h, 12 months) to each path to spec-1:
    # 29 + 70 = 99 h / 42 months and 39 + 70 = 109 h / 30 months.
    assert _summary(_anna(CATALOG.profession_step_ids("spec"), k=4)) == [
        (("ssk-1", "spec-1"), 29, 30),
        (("ssk-1", "ssk-2", "spec-1"), 39, 18),
        (("ssk-1", "spec-1", "spec-2"), 99, 42),
        (("ssk-1", "ssk-2", "spec-1", "spec-2"), 109, 30),
    ]


def test_the_edge_limit_cuts_longer_paths() -> None:
    spec = CATALOG.profession_step_ids("spec")
    assert _summary(_anna(spec, k=4, rules=Rules(max_path_edges=2))) == [
        (("ssk-1", "spec-1"), 29, 30),
        (("ssk-1", "ssk-2", "spec-1"), 39, 18),
        (("ssk-1", "spec-1", "spec-2"), 99, 42),
    ]
    assert _summary(_anna(spec, k=4, rules=Rules(max_path_edges=1))) == [
        (("ssk-1", "spec-1"), 29, 30)
    ]


def test_equal_hours_go_by_months_counting_only_months_left_at_the_current_step() -> None:
    # cara holds sv 3, ebv 3, hlr 2 (valid): every edge to spec-1 costs 0 h.
    # She has served 6 of ssk-1's 12 months: via ssk-2 = (12 - 6) + 18 = 24
    # months, before the direct transition's 30.
    paths = compute_career_paths(
        employee=e1_data.CARA,
        holdings=e1_data.CARA_HOLDINGS,
        catalog=CATALOG,
        rules=RULES,
        targets=("spec-1",),
        k=3,
        as_of=AS_OF,
    )
    assert _summary(paths) == [
        (("ssk-1", "ssk-2", "spec-1"), 0, 24),
        (("ssk-1", "spec-1"), 0, 30),
    ]


def test_equal_hours_and_months_go_by_fewer_steps() -> None:
    # With the direct transition at 24 months both paths are 0 h / 24 months:
    # the direct one has 2 steps, the other 3.
    direct_24 = Transition(
        from_step_id="ssk-1", to_step_id="spec-1", kind=TransitionKind.EDUCATION, months=24
    )
    ref = e1_data.reference().model_copy(
        update={"transitions": (direct_24, e1_data.TRANSITIONS[1])}
    )
    paths = compute_career_paths(
        employee=e1_data.CARA,
        holdings=e1_data.CARA_HOLDINGS,
        catalog=Catalog.build(ref),
        rules=RULES,
        targets=("spec-1",),
        k=3,
        as_of=AS_OF,
    )
    assert [p.step_ids for p in paths] == [("ssk-1", "spec-1"), ("ssk-1", "ssk-2", "spec-1")]


def test_full_ties_go_by_step_ids() -> None:
    # From s0, transitions to "c" and "b" (both of profession p, no
    # requirements, 5 months): equal in hours, months and steps, so by id.
    steps = (
        Step(id="s0", ladder_id="l0", name="S0", ordinal=1),
        Step(id="c", ladder_id="lc", name="C", ordinal=1),
        Step(id="b", ladder_id="lb", name="B", ordinal=1),
    )
    ref = ReferenceData(
        professions=(Profession(id="p", name="P"), Profession(id="q", name="Q")),
        ladders=(
            Ladder(id="l0", name="L0", profession_id="q"),
            Ladder(id="lc", name="LC", profession_id="p"),
            Ladder(id="lb", name="LB", profession_id="p"),
        ),
        steps=steps,
        transitions=tuple(
            Transition(from_step_id="s0", to_step_id=t, kind=TransitionKind.HORIZONTAL, months=5)
            for t in ("c", "b")
        ),
    )
    catalog = Catalog.build(ref)
    someone = Employee(id="e", name="E", birth_year=1980, step_id="s0")
    paths = compute_career_paths(
        employee=someone,
        holdings=(),
        catalog=catalog,
        rules=RULES,
        targets=catalog.profession_step_ids("p"),
        k=2,
        as_of=AS_OF,
    )
    assert _summary(paths) == [(("s0", "b"), 0, 5), (("s0", "c"), 0, 5)]


def test_no_path_to_itself_or_to_an_unreachable_step() -> None:
    assert _anna(("ssk-1",), k=3) == []
    mentor = compute_career_paths(
        employee=e1_data.MENTOR,
        holdings=e1_data.MENTOR_HOLDINGS,
        catalog=CATALOG,
        rules=RULES,
        targets=("spec-1",),
        k=3,
        as_of=AS_OF,
    )
    assert mentor == []  # nothing leads out of ssk-3


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(e1_data.dataset())
    try:
        yield s
    finally:
        await s.close()


async def test_career_paths_default_to_the_next_step(store: EmbeddedStore) -> None:
    catalog = Catalog.build(await store.reference_data())
    paths = await career_paths(
        store=store, catalog=catalog, rules=RULES, employee_id="anna", as_of=AS_OF
    )
    # One edge, costing the gap's total_hours (33) and 0 months left at ssk-1.
    assert _summary(paths) == [(("ssk-1", "ssk-2"), 33, 0)]

    to_spec = await career_paths(
        store=store,
        catalog=catalog,
        rules=RULES,
        employee_id="anna",
        target_profession_id="spec",
        k=2,
        as_of=AS_OF,
    )
    assert [p.total_hours for p in to_spec] == [29, 39]


@pytest.mark.parametrize("k", [0, 51])
async def test_k_is_validated(store: EmbeddedStore, k: int) -> None:
    catalog = Catalog.build(await store.reference_data())
    with pytest.raises(ValidationError) as bad:
        await career_paths(
            store=store, catalog=catalog, rules=RULES, employee_id="anna", k=k, as_of=AS_OF
        )
    assert bad.value.field == "k"


async def test_career_path_errors(store: EmbeddedStore) -> None:
    catalog = Catalog.build(await store.reference_data())

    async def ask(
        employee_id: str, target_step_id: str | None = None, target_profession_id: str | None = None
    ) -> list[CareerPath]:
        return await career_paths(
            store=store,
            catalog=catalog,
            rules=RULES,
            employee_id=employee_id,
            target_step_id=target_step_id,
            target_profession_id=target_profession_id,
            as_of=AS_OF,
        )

    with pytest.raises(NotFoundError):
        await ask(employee_id="nobody")
    with pytest.raises(NotFoundError) as step:
        await ask(employee_id="anna", target_step_id="x")
    assert step.value.kind == "step"
    with pytest.raises(NotFoundError) as profession:
        await ask(employee_id="anna", target_profession_id="x")
    assert profession.value.kind == "profession"
    with pytest.raises(ValidationError):
        await ask(employee_id="anna", target_step_id="spec-1", target_profession_id="spec")
    with pytest.raises(ValidationError):  # the top of her ladder, no target given
        await ask(employee_id="mentor")
