"""Mentor candidates and the mentorship rules (DESIGN §4 "Mentor candidates").

The worked example, on 2025-06-01 (age = 2025 - birth year):

    region r ── adm a1 ── dep d1 ── unit u1
                      └── dep d2
             └── adm a2

Ladder ssk: ssk-1 -> ssk-2; ssk-2 requires ebp 3, team 3, hlr 2.
hlr (HLR, CPR) is valid 12 months after assessment.

Adept A (30, u1, at ssk-1): ebp 2, team 3, hlr 2 assessed 2023-01-01 (expired
2024-01-01, so held 0). Gap to ssk-2: ebp 3-2 = 1 missing, hlr 2-0 = 2
missing, team met. Competencies in question: ebp (target 3), hlr (target 2);
a mentor must hold each at >= max(target, 4) = 4.

    M1  63  d1  ebp 5, hlr 4 (2025-01-01, valid)   1 active adept of 2
        d(u1, d1) = 1, proximity 1/(1 + 1/2) = 2/3; 63 >= 65 - 3: urgency 1.25
        levels covered: ebp 1 + hlr 2 = 3; score 3 * 2/3 * 1.25 = 2.5
    M2  57  d2  ebp 4, team 5
        d(u1, d2) = u1-d1-a1-d2 = 3, proximity 1/2.5 = 0.4; urgency 1
        covers ebp: 1 level; score 0.4
    M3  55  u1  ebp 4, hlr 4 expired 2025-05-31
        d = 0, proximity 1; covers ebp only (hlr expired): score 1.0
    M4  54  u1  ebp 5                                too young
    M5  65  a2  ebp 3, hlr 5
        ebp below 4; covers hlr: 2 levels; d(u1, a2) = 4, proximity 1/3;
        urgency 1.25: score 2 * 1/3 * 1.25 = 0.8333...
    M6  65  u1  ebp 5, capacity 1, 1 active adept    full
    M7  65  u1  ebp 5, already mentors A             excluded

Expected order: M1 2.5, M3 1.0, M5 0.8333, M2 0.4.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from ladders.catalog import Catalog
from ladders.errors import NotFoundError, ValidationError
from ladders.mentor_pool import PoolMentor
from ladders.mentors import (
    MentorCandidate,
    check_mentorship,
    competence_targets,
    mentor_candidates,
    mentorship_violations,
    rank_candidates,
    score_mentor,
)
from ladders.models import (
    Competence,
    CompetenceCategory,
    Dataset,
    Employee,
    Holding,
    Ladder,
    Mentorship,
    Profession,
    Requirement,
    Step,
    Unit,
    UnitKind,
)
from ladders.orgtree import UnitTree
from ladders.rules import Rules
from tests.builders import AS_OF as TINY_AS_OF
from tests.builders import tiny_region
from tests.spies import InFlight

AS_OF = date(2025, 6, 1)
RULES = Rules()

COMPETENCES = (
    Competence(id="ebp", name="Evidensbaserad vård", category=CompetenceCategory.CORE),
    Competence(id="hlr", name="HLR", category=CompetenceCategory.MANDATORY, valid_months=12),
    Competence(id="team", name="Samverkan i team", category=CompetenceCategory.CORE),
)
STEPS = (
    Step(
        id="ssk-1",
        ladder_id="ssk",
        name="Sjuksköterska 1",
        ordinal=1,
        requires=(Requirement(competence_id="ebp", level=2),),
    ),
    Step(
        id="ssk-2",
        ladder_id="ssk",
        name="Sjuksköterska 2",
        ordinal=2,
        requires=(
            Requirement(competence_id="ebp", level=3),
            Requirement(competence_id="hlr", level=2),
            Requirement(competence_id="team", level=3),
        ),
    ),
)
REFERENCE = Dataset(
    competences=COMPETENCES,
    professions=(Profession(id="nurse", name="Sjuksköterska"),),
    ladders=(Ladder(id="ssk", name="Sjuksköterskestegen", profession_id="nurse"),),
    steps=STEPS,
)
UNITS = (
    Unit(id="r", name="Region", kind=UnitKind.REGION),
    Unit(id="a1", name="Adm 1", kind=UnitKind.ADMINISTRATION, parent_id="r"),
    Unit(id="a2", name="Adm 2", kind=UnitKind.ADMINISTRATION, parent_id="r"),
    Unit(id="d1", name="Dep 1", kind=UnitKind.DEPARTMENT, parent_id="a1"),
    Unit(id="d2", name="Dep 2", kind=UnitKind.DEPARTMENT, parent_id="a1"),
    Unit(id="u1", name="Unit 1", kind=UnitKind.UNIT, parent_id="d1"),
)


def catalog() -> Catalog:
    return Catalog.build(REFERENCE.reference())


def emp(eid: str, age: int, unit: str, **kw: object) -> Employee:
    return Employee.model_validate(
        {"id": eid, "name": eid, "birth_year": AS_OF.year - age, "unit_id": unit, **kw}
    )


def hold(eid: str, cid: str, level: int, **kw: object) -> Holding:
    return Holding.model_validate({"employee_id": eid, "competence_id": cid, "level": level, **kw})


def mentors(mentor: str, adept: str, started: date, **kw: object) -> Mentorship:
    return Mentorship.model_validate(
        {"mentor_id": mentor, "adept_id": adept, "started_on": started, **kw}
    )


EMPLOYEES = (
    emp("A", 30, "u1", step_id="ssk-1", adept=True),
    emp("X", 25, "u1"),
    emp("Y", 25, "u1"),
    emp("M1", 63, "d1"),
    emp("M2", 57, "d2"),
    emp("M3", 55, "u1"),
    emp("M4", 54, "u1"),
    emp("M5", 65, "a2"),
    emp("M6", 65, "u1", mentor_capacity=1),
    emp("M7", 65, "u1"),
)
HOLDINGS = (
    hold("A", "ebp", 2),
    hold("A", "hlr", 2, assessed_on=date(2023, 1, 1)),
    hold("A", "team", 3),
    hold("M1", "ebp", 5),
    hold("M1", "hlr", 4, assessed_on=date(2025, 1, 1)),
    hold("M2", "ebp", 4),
    hold("M2", "team", 5),
    hold("M3", "ebp", 4),
    hold("M3", "hlr", 4, expires_on=date(2025, 5, 31)),
    hold("M4", "ebp", 5),
    hold("M5", "ebp", 3),
    hold("M5", "hlr", 5),
    hold("M6", "ebp", 5),
    hold("M7", "ebp", 5),
)
MENTORSHIPS = (
    mentors("M1", "X", date(2025, 1, 1), focus=("ebp",)),
    # ended: does not count against M2's capacity
    mentors("M2", "X", date(2020, 1, 1), ended_on=date(2021, 1, 1)),
    mentors("M6", "Y", date(2024, 1, 1)),
    mentors("M7", "A", date(2025, 3, 1), focus=("ebp",)),
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = await EmbeddedStore.open(tmp_path / "t.db")
    await s.import_dataset(
        REFERENCE.model_copy(
            update={
                "units": UNITS,
                "employees": EMPLOYEES,
                "holdings": HOLDINGS,
                "mentorships": MENTORSHIPS,
            }
        )
    )
    yield s
    await s.close()


async def candidates(store: EmbeddedStore, **kw: object) -> list[MentorCandidate]:
    return await mentor_candidates(
        store=store,
        catalog=catalog(),
        rules=RULES,
        as_of=AS_OF,
        **kw,  # type: ignore[arg-type]
    )


async def test_candidates_for_the_gap_are_scored_and_ordered(store: EmbeddedStore) -> None:
    found = await candidates(store, adept_id="A")
    assert [(c.mentor_id, round(c.score, 4)) for c in found] == [
        ("M1", 2.5),
        ("M3", 1.0),
        ("M5", 0.8333),
        ("M2", 0.4),
    ]
    m1 = found[0]
    assert m1.competence_ids == ("ebp", "hlr")
    assert (m1.active_adepts, m1.capacity) == (1, 2)
    assert found[1].competence_ids == ("ebp",)  # M3's hlr has expired
    assert found[2].competence_ids == ("hlr",)  # M5's ebp is only 3


async def test_the_adepts_holdings_and_the_unit_tree_are_read_together(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Neither waits for the other: one round trip before the search, not two.
    in_flight = InFlight()
    in_flight.watch(monkeypatch, store, "holdings_of", "units_token")

    found = await candidates(store, adept_id="A")

    assert [c.mentor_id for c in found] == ["M1", "M3", "M5", "M2"]
    assert in_flight.most == 2


async def test_limit_keeps_the_best(store: EmbeddedStore) -> None:
    found = await candidates(store, adept_id="A", limit=2)
    assert [c.mentor_id for c in found] == ["M1", "M3"]


async def test_given_competence_outside_the_gap_targets_held_plus_one(
    store: EmbeddedStore,
) -> None:
    # A holds team 3 and meets ssk-2's team 3: target 3 + 1 = 4, mentor needs
    # >= max(4, 4) = 4. Only M2 holds team (5): 4 - 3 = 1 level * 0.4 = 0.4.
    found = await candidates(store, adept_id="A", competence_ids=["team"])
    assert [(c.mentor_id, round(c.score, 4), c.competence_ids) for c in found] == [
        ("M2", 0.4, ("team",))
    ]


async def test_given_competence_in_the_gap_keeps_the_required_level(
    store: EmbeddedStore,
) -> None:
    # hlr is missing in the gap: target 2, A holds 0 (expired): 2 levels.
    # M1: 2 * 2/3 * 1.25 = 1.6667; M5: 2 * 1/3 * 1.25 = 0.8333.
    found = await candidates(store, adept_id="A", competence_ids=["hlr", "hlr"])
    assert [(c.mentor_id, round(c.score, 4)) for c in found] == [("M1", 1.6667), ("M5", 0.8333)]
    assert found[0].competence_ids == ("hlr",)


async def test_invalid_questions_raise(store: EmbeddedStore) -> None:
    with pytest.raises(ValidationError):
        await candidates(store, adept_id="A", limit=0)
    with pytest.raises(NotFoundError):
        await candidates(store, adept_id="nobody")
    with pytest.raises(NotFoundError):
        await candidates(store, adept_id="A", competence_ids=["nothing"])
    # X has no step, so there is no gap to take the competencies from ...
    with pytest.raises(ValidationError):
        await candidates(store, adept_id="X")
    # ... but named competencies work: target held + 1 = 1, level >= 4.
    # M1 holds hlr 4 but already mentors X; M3's has expired; M5 (a2, 4
    # edges from u1): 1 level * 1/3 * 1.25 = 0.4167.
    found = await candidates(store, adept_id="X", competence_ids=["hlr"])
    assert [(c.mentor_id, round(c.score, 4)) for c in found] == [("M5", 0.4167)]


async def test_a_senior_adept_is_never_their_own_candidate(store: EmbeddedStore) -> None:
    # M7 (65, ebp 5) asks about ebp: target min(5, 5 + 1) = 5, so a mentor
    # must hold 5. M1 and M6 hold 5 (M6 is full), M4 is too young, and M7
    # is excluded as themself. M1: 5 - 5 = 0 levels, so score 0 but a
    # candidate all the same (the rules hold).
    found = await candidates(store, adept_id="M7", competence_ids=["ebp"])
    assert [(c.mentor_id, c.score) for c in found] == [("M1", 0.0)]


def test_competence_targets() -> None:
    # Not from a gap: held + 1, capped at 5; order and duplicates of the input.
    assert competence_targets(
        adept_levels={"a": 5, "b": 2}, gap=None, competence_ids=["b", "a", "c", "b"]
    ) == {"b": 3, "a": 5, "c": 1}
    assert competence_targets(adept_levels={}, gap=None, competence_ids=None) == {}


# --- the rules for starting a mentorship ---------------------------------------


def test_violations_list_every_broken_rule() -> None:
    young = emp("Y1", 50, "u1", mentor_capacity=1)
    adept = emp("A1", 30, "u1")
    problems = mentorship_violations(
        mentor=young,
        adept=adept,
        mentor_holdings=[hold("Y1", "ebp", 3)],
        mentor_mentorships=[mentors("Y1", "Z", date(2025, 1, 1))],
        focus=["ebp", "nothing"],
        targets={"ebp": 3},
        catalog=catalog(),
        rules=RULES,
        as_of=AS_OF,
    )
    assert problems == [
        "a mentor must be at least 55 years old",
        "the mentor already has 1 active adept (capacity 1)",
        "the mentor does not hold 'ebp' at level 4 or higher",
        "unknown competence 'nothing'",
    ]


def test_violations_self_duplicate_and_empty_focus() -> None:
    senior = emp("S", 60, "u1")
    assert mentorship_violations(
        mentor=senior,
        adept=senior,
        mentor_holdings=[],
        mentor_mentorships=[],
        focus=[],
        targets={},
        catalog=catalog(),
        rules=RULES,
        as_of=AS_OF,
    ) == [
        "a mentor cannot mentor themselves",
        "a mentorship needs at least one focus competence",
    ]
    adept = emp("A1", 30, "u1")
    assert mentorship_violations(
        mentor=senior,
        adept=adept,
        mentor_holdings=[hold("S", "ebp", 5)],
        mentor_mentorships=[mentors("S", "A1", date(2025, 1, 1))],
        focus=["ebp"],
        targets={"ebp": 5},
        catalog=catalog(),
        rules=RULES,
        as_of=AS_OF,
    ) == ["the mentor already mentors this adept"]


def test_violations_none_when_every_rule_holds() -> None:
    # An ended link does not count; an expired holding would (hlr: 12 months).
    senior = emp("S", 55, "u1", mentor_capacity=1)

    def violations(holdings: list[Holding]) -> list[str]:
        return mentorship_violations(
            mentor=senior,
            adept=emp("A1", 30, "u1"),
            mentor_holdings=holdings,
            mentor_mentorships=[mentors("S", "A1", date(2020, 1, 1), ended_on=date(2025, 6, 1))],
            focus=["hlr"],
            targets={"hlr": 2},
            catalog=catalog(),
            rules=RULES,
            as_of=AS_OF,
        )

    # assessed 2024-06-01 + 12 months = expires 2025-06-01: still valid that day
    assert violations([hold("S", "hlr", 4, assessed_on=date(2024, 6, 1))]) == []
    # assessed 2024-05-31: expired 2025-05-31, so held 0
    assert violations([hold("S", "hlr", 4, assessed_on=date(2024, 5, 31))]) == [
        "the mentor does not hold 'hlr' at level 4 or higher"
    ]


async def test_check_mentorship_reads_the_store(store: EmbeddedStore) -> None:
    cat = catalog()
    # M1 -> A on ebp: every rule holds (A's ebp target 3, M1 holds 5).
    assert (
        await check_mentorship(
            store=store,
            catalog=cat,
            rules=RULES,
            mentor_id="M1",
            adept_id="A",
            focus=["ebp"],
            as_of=AS_OF,
        )
        == []
    )
    # M7 already mentors A; M6 is full; M2's hlr: none.
    assert await check_mentorship(
        store=store,
        catalog=cat,
        rules=RULES,
        mentor_id="M7",
        adept_id="A",
        focus=["ebp"],
        as_of=AS_OF,
    ) == ["the mentor already mentors this adept"]
    assert await check_mentorship(
        store=store,
        catalog=cat,
        rules=RULES,
        mentor_id="M6",
        adept_id="A",
        focus=["ebp"],
        as_of=AS_OF,
    ) == ["the mentor already has 1 active adept (capacity 1)"]
    assert await check_mentorship(
        store=store,
        catalog=cat,
        rules=RULES,
        mentor_id="M2",
        adept_id="A",
        focus=["hlr"],
        as_of=AS_OF,
    ) == ["the mentor does not hold 'hlr' at level 4 or higher"]
    # team is met in the gap: target 3 + 1 = 4; M2 holds 5: fine.
    assert (
        await check_mentorship(
            store=store,
            catalog=cat,
            rules=RULES,
            mentor_id="M2",
            adept_id="A",
            focus=["team"],
            as_of=AS_OF,
        )
        == []
    )
    with pytest.raises(NotFoundError):
        await check_mentorship(
            store=store,
            catalog=cat,
            rules=RULES,
            mentor_id="M0",
            adept_id="A",
            focus=["ebp"],
            as_of=AS_OF,
        )


# --- the tiny region of tests/builders.py (AS_OF 2025-03-01) -----------------


async def test_candidates_in_the_tiny_region(tmp_path: Path) -> None:
    """e03 (30, enh-akut, ssk-1 -> ssk-2): evb 1 of 2, team 0 of 2, bem 0 of 2
    are missing (bem is not mandatory but still missing). Holders at >= 4:
    evb e01, e02; team e01, e02, e06, e07; bem e07. e01 already mentors e03.

        e02 57 enh-iva:  evb 1 + team 2 = 3; d(akut, iva) = 2 -> 1/2       1.5
        e06 55 omr-akut: team 2; d = 1 -> 2/3                               1.3333
        e07 66 enh-psyk: team 2 + bem 2 = 4; d = 3 + 3 = 6 -> 1/4; * 1.25   1.25

    e04 (35, enh-iva, ssk-2 -> ssk-3) lacks evb, pcv, hlr, team by 1 and handl
    by 2. Nobody valid holds hlr >= 4.

        e01 63 enh-akut: evb, pcv, team 1 each + handl 2 = 5; 1/2; * 1.25   3.125
        e02 57 enh-iva:  evb + team = 2; d = 0                              2.0
        e06 55 omr-akut: team 1 + handl 2 = 3; 2/3                          2.0
        e07 66 enh-psyk: pcv + team = 2; 1/4; * 1.25                        0.625
    (e02's handl has expired; the tie e02/e06 goes by id.)
    """
    store = await EmbeddedStore.open(tmp_path / "t.db")
    try:
        await store.import_dataset(tiny_region())
        cat = Catalog.build(await store.reference_data())

        async def ranked(adept_id: str) -> list[tuple[str, float]]:
            found = await mentor_candidates(
                store=store, catalog=cat, rules=RULES, adept_id=adept_id, as_of=TINY_AS_OF
            )
            return [(c.mentor_id, round(c.score, 4)) for c in found]

        assert await ranked("e03") == [("e02", 1.5), ("e06", 1.3333), ("e07", 1.25)]
        assert await ranked("e04") == [
            ("e01", 3.125),
            ("e02", 2.0),
            ("e06", 2.0),
            ("e07", 0.625),
        ]
    finally:
        await store.close()


def test_equal_scores_are_equal_and_go_by_mentor_id() -> None:
    # 3 levels at d = 2, not urgent: 3 × 1/2 × 1 = 1.5; at d = 3, urgent:
    # 3 × 1/2.5 × 1.25 = 1.5 too. Multiplied out as levels × proximity ×
    # urgency the second came out 1.5000000000000002 and ranked first, where
    # DESIGN §4 orders equal scores by mentor id.
    tree = UnitTree(
        [
            Unit(id="r", name="R", kind=UnitKind.REGION),
            Unit(id="a", name="A", kind=UnitKind.ADMINISTRATION, parent_id="r"),
            Unit(id="u", name="U", kind=UnitKind.UNIT, parent_id="a"),
            Unit(id="b", name="B", kind=UnitKind.ADMINISTRATION, parent_id="r"),
        ]
    )
    adept = Employee(id="x", name="X", birth_year=1995, unit_id="u")

    def mentor(mid: str, unit: str, born: int) -> PoolMentor:
        return PoolMentor(
            id=mid,
            unit_id=unit,
            birth_year=born,
            levels={"c1": 4},
            active_adept_ids=frozenset(),
            capacity=2,
        )

    near, far = mentor("Q0", "r", 1965), mentor("Z9", "b", 1962)  # 60 and 63 on AS_OF
    targets = {"c1": 3}
    scores = [
        score_mentor(
            mentor=m, adept=adept, adept_levels={}, targets=targets, tree=tree, rules=RULES,
            as_of=AS_OF,
        )[0]
        for m in (near, far)
    ]  # fmt: skip
    assert scores == [1.5, 1.5]
    for limit, expected in ((None, [("Q0", 1.5), ("Z9", 1.5)]), (1, [("Q0", 1.5)])):
        ranked = rank_candidates(
            adept=adept, adept_levels={}, targets=targets, pool=[far, near], tree=tree,
            rules=RULES, as_of=AS_OF, limit=limit,
        )  # fmt: skip
        assert [(c.mentor_id, c.score) for c in ranked] == expected
