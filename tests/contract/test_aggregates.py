"""`AggregateReads` (issue 3, point 7): every store's counts equal the domain's
reference functions, computed here from the dataset itself.

The tiny region of tests/builders.py plus edge cases (AS_OF 2025-03-01):
- `cert` is valid 1 month: assessed 2025-01-31 and 2025-01-28 it expires on
  2025-02-28 (month end clamped, as `ladders.holding.add_months`; SQLite's
  `date(x, '+1 months')` would say 2025-03-03), assessed 2025-01-27 on
  2025-02-27, assessed 2024-12-31 on 2025-01-31; without `assessed_on` never.
  `hlr` (12 months) assessed 2024-02-29 expires 2025-02-28.
- Explicit `expires_on` on 2025-02-28 and on AS_OF (valid on the day itself).
- Birth years 1963 / 1964 around the SHORT horizon's retiring bound (2025 + 3
  - 65 = 1963), 1960 / 1965 around the senior bound (60+).
- Plan items due exactly on and one day after the SHORT horizon's end
  (2028-03-01), by `due_on` and by the plan's `period_end`; closed plans,
  cancelled items.
- A unit with no employees; an employee without a unit (never counted), x06,
  who holds cert 5 and plans evb 4 by AS_OF.
- x09 holds evb 2 and plans it to 4 (and hlr, team above what they hold),
  for asking about some levels only: the stores count holdings at or above
  the least level asked about, and people below it may be in development.
- Mentorships starting and ending on AS_OF; talks on the window's first day
  and the day before it.
"""

from __future__ import annotations

from datetime import date

import pytest

from ladders.catalog import Catalog
from ladders.coverage import coverage_counts, year_window
from ladders.holding import held_level
from ladders.models import (
    Competence,
    CompetenceCategory,
    Conversation,
    ConversationKind,
    Dataset,
    Employee,
    Horizon,
    Mentorship,
    Plan,
    PlanActivity,
    PlanActivityStatus,
    PlanStatus,
    Unit,
    UnitKind,
)
from ladders.ports import AggregateReads, Store, SupplyCount, TransferCount
from ladders.risk import transfer_counts
from ladders.rules import Rules
from ladders.supply import horizon_bounds, supply_counts
from tests.builders import AS_OF, make_employee, make_holding, tiny_region, with_added

D = date.fromisoformat
RULES = Rules()
DAYS = (
    D("2024-02-29"),
    D("2025-01-31"),
    D("2025-02-27"),
    D("2025-02-28"),
    AS_OF,
    D("2025-03-02"),
)
SUBTREES = ("reg", "omr-akut", "enh-iva", "enh-tom", "enh-psyk")


def edge_region() -> Dataset:
    pa = PlanActivityStatus
    return with_added(
        tiny_region(),
        competences=[
            Competence(id="cert", name="Certifikat", category=CompetenceCategory.MANDATORY,
                       valid_months=1),
        ],
        units=[Unit(id="enh-tom", name="Tom enhet", kind=UnitKind.UNIT, parent_id="omr-akut")],
        employees=[
            make_employee("x01", birth_year=1963),
            make_employee("x02", birth_year=1964),
            make_employee("x03", birth_year=1960),
            make_employee("x04", birth_year=1970, unit_id="enh-iva"),
            make_employee("x05", birth_year=1965, unit_id="enh-psyk"),
            make_employee("x06", birth_year=1961, unit_id=None),
            make_employee("x07", unit_id="enh-iva"),
            make_employee("x08", unit_id="enh-psyk"),
            make_employee("x09", birth_year=1962),
        ],
        holdings=[
            make_holding("x01", "cert", 4, assessed_on=D("2025-01-31")),
            make_holding("x01", "evb", 4),
            make_holding("x02", "cert", 4, assessed_on=D("2025-01-28")),
            make_holding("x02", "evb", 5, assessed_on=None),
            make_holding("x03", "cert", 5, assessed_on=D("2025-01-27")),
            make_holding("x03", "hlr", 4, assessed_on=D("2024-02-29")),
            make_holding("x04", "cert", 4, assessed_on=D("2024-12-31")),
            make_holding("x04", "evb", 5, expires_on=D("2025-02-28")),
            make_holding("x05", "cert", 3, assessed_on=None),
            make_holding("x05", "handl", 5, expires_on=AS_OF),
            make_holding("x06", "cert", 5),
            make_holding("x07", "cert", 1, assessed_on=D("2024-01-31")),
            make_holding("x09", "evb", 2),
            make_holding("x09", "team", 4, expires_on=AS_OF),
        ],
        mentorships=[
            Mentorship(mentor_id="x03", adept_id="x07", started_on=AS_OF, focus=("cert", "hlr")),
            Mentorship(mentor_id="x05", adept_id="x08", started_on=D("2024-01-01"),
                       ended_on=AS_OF, focus=("handl",)),
            Mentorship(mentor_id="x04", adept_id="x08", started_on=D("2024-01-01"),
                       focus=("evb", "cert")),
        ],
        plans=[
            Plan(id="q1", employee_id="x07", period_start=D("2025-01-01"),
                 period_end=D("2028-03-01"), status=PlanStatus.ACTIVE,
                 created_on=D("2024-03-02")),
            Plan(id="q2", employee_id="x08", period_start=D("2025-01-01"),
                 period_end=D("2025-12-31"), status=PlanStatus.CLOSED,
                 created_on=D("2025-01-01")),
            Plan(id="q3", employee_id="x08", period_start=D("2025-01-01"),
                 period_end=D("2028-03-02"), status=PlanStatus.DRAFT,
                 last_followup_on=D("2025-02-28")),
            Plan(id="q4", employee_id="x01", period_start=D("2025-03-01"),
                 period_end=D("2025-03-01"), status=PlanStatus.ACTIVE,
                 last_followup_on=D("2025-03-01")),
            Plan(id="q5", employee_id="x09", period_start=D("2025-01-01"),
                 period_end=D("2026-12-31"), status=PlanStatus.ACTIVE),
            Plan(id="q6", employee_id="x06", period_start=D("2025-01-01"),
                 period_end=D("2025-12-31"), status=PlanStatus.ACTIVE),
        ],
        plan_activities=[
            PlanActivity(plan_id="q1", seq=1, competence_id="cert", target_level=4),
            PlanActivity(plan_id="q1", seq=2, competence_id="evb", target_level=4,
                         due_on=D("2028-03-02")),
            PlanActivity(plan_id="q1", seq=3, competence_id="team", target_level=5,
                         due_on=D("2028-03-01"), status=pa.ONGOING),
            PlanActivity(plan_id="q2", seq=1, competence_id="cert", target_level=5,
                         due_on=D("2025-06-01")),
            PlanActivity(plan_id="q3", seq=1, competence_id="cert", target_level=3),
            PlanActivity(plan_id="q3", seq=2, competence_id="hlr", target_level=4,
                         due_on=D("2025-04-01"), status=pa.CANCELLED),
            PlanActivity(plan_id="q3", seq=3, competence_id="evb", target_level=2,
                         due_on=D("2025-02-01"), status=pa.ONGOING),
            PlanActivity(plan_id="q5", seq=1, competence_id="evb", target_level=4),
            PlanActivity(plan_id="q5", seq=2, competence_id="hlr", target_level=5, due_on=AS_OF),
            PlanActivity(plan_id="q5", seq=3, competence_id="team", target_level=5,
                         due_on=D("2025-03-02")),
            PlanActivity(plan_id="q6", seq=1, competence_id="evb", target_level=4, due_on=AS_OF),
        ],
        conversations=[
            Conversation(employee_id="x07", kind=ConversationKind.MEDARBETARSAMTAL,
                         held_on=D("2024-03-02")),
            Conversation(employee_id="x08", kind=ConversationKind.LONESAMTAL,
                         held_on=D("2024-03-01")),
            Conversation(employee_id="x06", kind=ConversationKind.LONESAMTAL,
                         held_on=D("2025-01-01")),
        ],
    )  # fmt: skip


@pytest.fixture
def data() -> Dataset:
    return edge_region()


@pytest.fixture
async def agg(store: Store, data: Dataset) -> AggregateReads:
    await store.import_dataset(data)
    assert isinstance(store, AggregateReads)
    return store


def people_in(data: Dataset, unit_ids: list[str]) -> list[Employee]:
    wanted = set(unit_ids)
    return [e for e in data.employees if e.unit_id in wanted]


def everywhere(
    unit_ids: list[str], pairs: list[tuple[str, int]]
) -> dict[str, list[tuple[str, int]]]:
    """The same (competence, level) pairs asked of every unit."""
    return dict.fromkeys(unit_ids, pairs)


async def test_the_edge_cases_count_as_the_comments_say(agg: AggregateReads) -> None:
    # The expected values, spelled out once, so a wrong reference cannot hide
    # a wrong store: cert >= 4 in enh-akut on 2025-02-28 is x01, x02 (expiring
    # that day, clamped) and not x03 (expired 2025-02-27); on AS_OF nobody.
    def cert4(counts: list[SupplyCount]) -> list[tuple[str, int, int, int]]:
        return [
            (c.unit_id, c.supply_now, c.retiring, c.in_development)
            for c in counts
            if c.competence_id == "cert" and c.level == 4
        ]

    units = ["enh-akut", "enh-iva", "enh-psyk", "enh-tom"]
    short_end = D("2028-03-01")
    on_28 = await agg.supply_counts(
        everywhere(units, [("cert", 4)]),
        as_of=D("2025-02-28"),
        retiring_born_by=1963,
        due_by=short_end,
    )
    # enh-akut: x01 (1963: retiring), x02; enh-iva: x07 plans cert 4 by period_end.
    assert cert4(on_28) == [("enh-akut", 2, 1, 0), ("enh-iva", 0, 0, 1)]
    on_as_of = await agg.supply_counts(
        everywhere(units, [("cert", 4)]), as_of=AS_OF, retiring_born_by=1963, due_by=short_end
    )
    assert cert4(on_as_of) == [("enh-iva", 0, 0, 1)]
    day_before = await agg.supply_counts(
        everywhere(units, [("cert", 4)]), as_of=AS_OF, retiring_born_by=None, due_by=D("2028-02-29")
    )
    assert cert4(day_before) == []


@pytest.mark.parametrize("horizon", list(Horizon))
async def test_supply_counts_equal_the_reference(
    agg: AggregateReads, store: Store, data: Dataset, horizon: Horizon
) -> None:
    catalog = Catalog.build(data.reference())
    wanted = [(c.id, level) for c in data.competences for level in range(1, 6)]
    for root in SUBTREES:
        units = await store.subtree_unit_ids(root)
        for day in DAYS:
            born_by, due_by = horizon_bounds(rules=RULES, horizon=horizon, as_of=day)
            expected = supply_counts(
                employees=people_in(data, units),
                holdings=data.holdings,
                plans=data.plans,
                plan_activities=data.plan_activities,
                wanted=everywhere(units, wanted),
                catalog=catalog,
                retiring_born_by=born_by,
                due_by=due_by,
                as_of=day,
            )
            found = await agg.supply_counts(
                everywhere(units, wanted), as_of=day, retiring_born_by=born_by, due_by=due_by
            )
            assert found == expected, (root, day)


async def test_counts_follow_a_holder_who_moves_or_whose_birth_year_is_fixed(
    agg: AggregateReads, store: Store, data: Dataset
) -> None:
    # The embedded store counts holdings by a copy of their holder's unit
    # and birth year (schema migration 5): a move, a corrected year and an
    # assessment after the move must all be counted where the person is now.
    moved = {
        "x01": {"unit_id": "enh-psyk", "birth_year": 1990},  # no longer retiring
        "x04": {"birth_year": 1950},  # now retiring, same unit
        "x09": {"unit_id": None},  # counted nowhere
    }
    people = [e.model_copy(update=moved[e.id]) if e.id in moved else e for e in data.employees]
    for person in people:
        if person.id in moved:
            await store.upsert_employee(person)
    later = make_holding("x01", "hlr", 5, assessed_on=AS_OF)
    await store.upsert_holding(later)
    holdings = [*data.holdings, later]
    catalog = Catalog.build(data.reference())
    wanted = [(c.id, level) for c in data.competences for level in range(1, 6)]
    units = await store.subtree_unit_ids("reg")
    born_by, due_by = horizon_bounds(rules=RULES, horizon=Horizon.LONG, as_of=AS_OF)
    found = await agg.supply_counts(
        everywhere(units, wanted), as_of=AS_OF, retiring_born_by=born_by, due_by=due_by
    )
    assert found == supply_counts(
        employees=[e for e in people if e.unit_id in set(units)],
        holdings=holdings,
        plans=data.plans,
        plan_activities=data.plan_activities,
        wanted=everywhere(units, wanted),
        catalog=catalog,
        retiring_born_by=born_by,
        due_by=due_by,
        as_of=AS_OF,
    )
    psyk_hlr5 = [
        c for c in found if (c.unit_id, c.competence_id, c.level) == ("enh-psyk", "hlr", 5)
    ]
    assert [(c.supply_now, c.retiring) for c in psyk_hlr5] == [(1, 0)]
    # nextSteps' unit needs count by the same copies (`holder_count`).
    for root in SUBTREES:
        subtree = await store.subtree_unit_ids(root)
        here = {e.id for e in people if e.unit_id in set(subtree)}
        for competence_id, level in wanted:
            competence = catalog.competences.get(competence_id)
            expected = sum(
                1
                for h in holdings
                if h.employee_id in here
                and h.competence_id == competence_id
                and held_level(h, competence, AS_OF) >= level
            )
            found_count = await agg.holder_count(
                competence_id, level, unit_ids=subtree, as_of=AS_OF
            )
            assert found_count == expected, (root, competence_id, level)
    assert await agg.holder_count("hlr", 5, unit_ids=["enh-psyk"], as_of=AS_OF) == 1


@pytest.mark.parametrize(
    "wanted",
    [
        [("cert", 4)],
        [("cert", 2), ("evb", 3), ("evb", 5)],
        [("evb", 4), ("hlr", 5), ("team", 5)],
    ],
)
@pytest.mark.parametrize("horizon", [Horizon.NOW, Horizon.SHORT])
async def test_supply_counts_of_some_levels_equal_the_reference(
    agg: AggregateReads,
    store: Store,
    data: Dataset,
    horizon: Horizon,
    wanted: list[tuple[str, int]],
) -> None:
    # Only some levels asked about, as a unit's needs do: a holding below the
    # least level asked about counts in no supply, yet its holder may be in
    # development towards a level asked about.
    catalog = Catalog.build(data.reference())
    for root in SUBTREES:
        units = await store.subtree_unit_ids(root)
        for day in DAYS:
            born_by, due_by = horizon_bounds(rules=RULES, horizon=horizon, as_of=day)
            expected = supply_counts(
                employees=people_in(data, units),
                holdings=data.holdings,
                plans=data.plans,
                plan_activities=data.plan_activities,
                wanted=everywhere(units, wanted),
                catalog=catalog,
                retiring_born_by=born_by,
                due_by=due_by,
                as_of=day,
            )
            found = await agg.supply_counts(
                everywhere(units, wanted), as_of=day, retiring_born_by=born_by, due_by=due_by
            )
            assert found == expected, (root, day)


async def test_supply_counts_below_the_least_level_asked_about(agg: AggregateReads) -> None:
    # x09 (enh-akut) holds evb 2 and plans evb 4 by the plan's end,
    # 2026-12-31: in development at evb 4 (the least level asked about)
    # when due by that day, not when due by the day before.
    for due_by, expected in ((D("2026-12-31"), 1), (D("2026-12-30"), 0)):
        found = await agg.supply_counts(
            {"enh-akut": [("evb", 4)]}, as_of=AS_OF, retiring_born_by=None, due_by=due_by
        )
        assert [(c.level, c.in_development) for c in found] == [(4, expected)]


async def test_supply_counts_count_a_level_given_twice_once(
    agg: AggregateReads, store: Store
) -> None:
    units = await store.subtree_unit_ids("reg")
    wanted = [("evb", 2), ("evb", 4), ("hlr", 3)]
    once = await agg.supply_counts(
        everywhere(units, wanted), as_of=AS_OF, retiring_born_by=1965, due_by=D("2027-12-31")
    )
    twice = await agg.supply_counts(
        everywhere(units, wanted + wanted[:1]), as_of=AS_OF, retiring_born_by=1965,
        due_by=D("2027-12-31"),
    )  # fmt: skip
    assert once
    assert twice == once


@pytest.mark.parametrize("horizon", [Horizon.NOW, Horizon.LONG])
async def test_each_unit_is_counted_for_what_it_is_asked_about_only(
    agg: AggregateReads, store: Store, data: Dataset, horizon: Horizon
) -> None:
    # What a subtree's supply asks: each unit only the pairs some row above
    # it needs. enh-akut has evb holders and x09 developing towards evb 4,
    # enh-iva holders of cert and x07 developing towards it: neither is
    # counted where that unit is not asked about it.
    catalog = Catalog.build(data.reference())
    units = await store.subtree_unit_ids("reg")
    pairs = [(c.id, level) for c in data.competences for level in range(1, 6)]
    wanted = {u: pairs[i::3] for i, u in enumerate(units)}
    wanted["enh-akut"] = [("cert", 4), ("hlr", 2)]
    wanted["enh-iva"] = [("evb", 1), ("evb", 3)]
    wanted.pop("enh-psyk", None)  # not asked about at all
    for day in DAYS:
        born_by, due_by = horizon_bounds(rules=RULES, horizon=horizon, as_of=day)
        found = await agg.supply_counts(wanted, as_of=day, retiring_born_by=born_by, due_by=due_by)
        assert found == supply_counts(
            employees=people_in(data, units),
            holdings=data.holdings,
            plans=data.plans,
            plan_activities=data.plan_activities,
            wanted=wanted,
            catalog=catalog,
            retiring_born_by=born_by,
            due_by=due_by,
            as_of=day,
        ), day
        assert {(c.unit_id, c.competence_id, c.level) for c in found} <= {
            (u, c, level) for u, asked in wanted.items() for c, level in asked
        }, day
    everything = await agg.supply_counts(
        everywhere(units, pairs), as_of=AS_OF, retiring_born_by=None, due_by=D("2030-12-31")
    )
    # The data has what the narrowed question leaves out, so leaving it out shows.
    assert {"enh-psyk", "enh-akut", "enh-iva"} <= {c.unit_id for c in everything}
    assert any(
        (c.unit_id, c.competence_id) in {("enh-akut", "evb"), ("enh-iva", "cert")}
        for c in everything
    )


async def test_supply_counts_of_nothing_are_empty(agg: AggregateReads) -> None:
    assert await agg.supply_counts({}, as_of=AS_OF, retiring_born_by=None, due_by=AS_OF) == []
    assert await agg.supply_counts({"enh-tom": [("evb", 1)]}, as_of=AS_OF, retiring_born_by=None,
                                   due_by=AS_OF) == []  # fmt: skip
    assert await agg.supply_counts({"reg": []}, as_of=AS_OF, retiring_born_by=None,
                                   due_by=AS_OF) == []  # fmt: skip


async def test_transfer_counts_equal_the_reference(
    agg: AggregateReads, store: Store, data: Dataset
) -> None:
    catalog = Catalog.build(data.reference())
    for root in SUBTREES:
        units = await store.subtree_unit_ids(root)
        for day in DAYS:
            for min_level, born_by in ((4, day.year - 60), (3, 1963), (1, 1964), (5, 1900)):
                expected = transfer_counts(
                    employees=people_in(data, units),
                    holdings=data.holdings,
                    mentorships=data.mentorships,
                    catalog=catalog,
                    min_level=min_level,
                    senior_born_by=born_by,
                    as_of=day,
                )
                found = await agg.transfer_counts(
                    units, min_level=min_level, senior_born_by=born_by, as_of=day
                )
                assert found == expected, (root, day, min_level)


async def test_transfer_counts_see_mentorships_by_focus_and_day(agg: AggregateReads) -> None:
    def cert(day: date) -> list[TransferCount]:
        return [c for c in found[day] if c.competence_id == "cert"]

    found = {
        day: await agg.transfer_counts(
            ["enh-akut", "enh-iva"], min_level=4, senior_born_by=1965, as_of=day
        )
        for day in (D("2025-01-27"), D("2025-02-28"))
    }
    # On 2025-01-27 all four cert holders at >= 4 are valid: x01, x02, x03
    # (born 1963, 1964, 1960: seniors by 1965) and x04 (1970), whose active
    # mentorship of x08 has cert in focus (x03's starts on AS_OF).
    assert [(c.holders, c.senior_holders, c.mentorships_active) for c in cert(D("2025-01-27"))] == [
        (4, 3, 1)
    ]
    # On 2025-02-28 only x01, x02 (expiring that day); x03 expired on 02-27,
    # x04 on 01-31, so x04's mentorship no longer counts.
    assert [(c.holders, c.senior_holders, c.mentorships_active) for c in cert(D("2025-02-28"))] == [
        (2, 2, 0)
    ]


async def test_coverage_counts_equal_the_reference(
    agg: AggregateReads, store: Store, data: Dataset
) -> None:
    for root in (*SUBTREES, "adm-vard"):
        units = await store.subtree_unit_ids(root)
        for day in (*DAYS, D("2025-06-19"), D("2025-06-20"), D("2028-03-01")):
            since, _ = year_window(day)
            expected = coverage_counts(
                employees=people_in(data, units),
                plans=data.plans,
                conversations=data.conversations,
                as_of=day,
            )
            assert await agg.coverage_counts(units, as_of=day, since=since) == expected, (
                root,
                day,
            )


async def test_coverage_of_an_empty_unit(agg: AggregateReads) -> None:
    found = await agg.coverage_counts(["enh-tom"], as_of=AS_OF, since=year_window(AS_OF)[0])
    assert (found.employees, found.with_current_plan) == (0, 0)
    assert found.conversations == tuple((kind, 0) for kind in ConversationKind)


async def test_holder_count_equals_the_held_levels(
    agg: AggregateReads, store: Store, data: Dataset
) -> None:
    # From the whole region to one unit, and most of the region: Neo4j's
    # three query shapes (the region's holders with any unit, the holders
    # with their unit checked, the units' people) all run.
    catalog = Catalog.build(data.reference())
    unit_sets = [await store.subtree_unit_ids(root) for root in SUBTREES]
    region = unit_sets[0]
    unit_sets.append([u for u in region if u != "enh-psyk"])
    for units in unit_sets:
        people = {e.id for e in people_in(data, units)}
        for day in DAYS:
            for competence_id in ("cert", "evb", "hlr", "team", "nothing"):
                competence = catalog.competences.get(competence_id)
                for level in (1, 3, 4, 5):
                    expected = sum(
                        1
                        for h in data.holdings
                        if h.employee_id in people
                        and h.competence_id == competence_id
                        and held_level(h, competence, day) >= level
                    )
                    found = await agg.holder_count(competence_id, level, unit_ids=units, as_of=day)
                    assert found == expected, (units, day, competence_id, level)
    assert await agg.holder_count("hlr", 1, unit_ids=[], as_of=AS_OF) == 0


async def test_developing_count_as_the_comments_say(agg: AggregateReads) -> None:
    # x09 (enh-akut) plans hlr 5 due on AS_OF and holds none; x08 (enh-psyk)
    # has an ongoing evb 2 overdue since 2025-02-01 in a draft plan; x09's evb
    # 4 is due by its plan's end (2026-12-31), x07's (enh-iva) on 2028-03-02;
    # x08's hlr 4 is cancelled; x06 plans evb 4 by AS_OF but works in no unit.
    region = ["reg", "omr-akut", "enh-akut", "enh-iva", "enh-psyk", "enh-tom"]

    async def count(competence_id: str, level: int, units: list[str], due_by: date) -> int:
        return await agg.developing_count(
            competence_id, level, unit_ids=units, as_of=AS_OF, due_by=due_by
        )

    assert await count("hlr", 5, region, AS_OF) == 1
    assert await count("hlr", 5, region, D("2025-02-28")) == 0
    assert await count("evb", 2, ["enh-psyk"], AS_OF) == 1
    assert await count("evb", 3, region, AS_OF) == 0
    assert await count("evb", 4, region, AS_OF) == 0
    assert await count("evb", 4, region, D("2026-12-31")) == 1
    assert await count("evb", 4, region, D("2028-03-02")) == 2
    assert await count("hlr", 4, ["enh-psyk"], D("2026-12-31")) == 0
    assert await count("hlr", 5, [], AS_OF) == 0


async def test_developing_count_equals_the_reference(
    agg: AggregateReads, store: Store, data: Dataset
) -> None:
    # nextSteps' unit needs: in development as supply counts it, summed over
    # the units (the region, most of it, a subtree, a unit, an empty unit).
    catalog = Catalog.build(data.reference())
    unit_sets = [await store.subtree_unit_ids(root) for root in SUBTREES]
    unit_sets.append([u for u in unit_sets[0] if u != "enh-psyk"])
    for units in unit_sets:
        # x09's team 4 expires on AS_OF: in development towards it the day after.
        for day in (D("2025-02-28"), AS_OF, D("2025-03-02")):
            for due_by in (day, D("2028-03-01")):
                for competence_id in ("cert", "evb", "hlr", "team", "nothing"):
                    for level in (2, 4, 5):
                        counts = supply_counts(
                            employees=people_in(data, units),
                            holdings=data.holdings,
                            plans=data.plans,
                            plan_activities=data.plan_activities,
                            wanted=everywhere(units, [(competence_id, level)]),
                            catalog=catalog,
                            retiring_born_by=None,
                            due_by=due_by,
                            as_of=day,
                        )
                        expected = sum(c.in_development for c in counts)
                        found = await agg.developing_count(
                            competence_id, level, unit_ids=units, as_of=day, due_by=due_by
                        )
                        assert found == expected, (units, day, due_by, competence_id, level)
