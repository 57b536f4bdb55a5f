"""Who sees what (DESIGN §5), over HTTP on both stores.

Tiny region rights: e05 manages enh-akut (e01 e03 e05); e06 manages omr-akut
and enh-iva (e01..e06); e10 manages omr-psyk and enh-psyk (e07 e08 e09 e10).
e01 mentors e03; e02 mentored e04 until AS_OF; e07 mentors e08.
"""

from __future__ import annotations

import json
import logging

import pytest

from api.context import today
from api.policy import age_band
from ladders.models import Employee
from tests.api.conftest import Api, data, error_codes
from tests.builders import tiny_region


def person(employee_id: str) -> Employee:
    return next(e for e in tiny_region().employees if e.id == employee_id)


FULL_PERSON = """query($id: ID!) { employee(id: $id) { id name step { id }
  competences { level } plans { id } conversations { kind } } }"""


@pytest.mark.parametrize(
    ("caller", "roles", "whom"),
    [
        ("e03", None, "e03"),  # oneself
        ("e05", None, "e03"),  # manager of enh-akut
        ("e06", None, "e04"),  # manager of enh-iva
        ("e06", None, "e03"),  # manager of omr-akut, above enh-akut
        ("e07", "admin", "e03"),  # admin
    ],
)
async def test_who_sees_a_person_in_full(
    api: Api, caller: str, roles: str | None, whom: str
) -> None:
    body = data(await api.gql(FULL_PERSON, {"id": whom}, user=caller, roles=roles))
    assert body["employee"]["id"] == whom
    assert body["employee"]["competences"]
    assert body["employee"]["step"] is not None


@pytest.mark.parametrize(
    ("caller", "roles", "whom"),
    [
        ("e04", None, "e03"),  # a colleague
        ("e05", None, "e04"),  # manager of another unit
        ("e05", None, "e06"),  # the manager's own manager, above the managed unit
        ("e10", None, "e01"),  # manager in another administration
        ("e07", "planner", "e03"),  # planners see no person
        ("e04", None, "no-such-id"),  # unknown: FORBIDDEN too, no existence oracle
        ("e05", None, "no-such-id"),
        ("e07", "planner", "no-such-id"),
    ],
)
async def test_outside_rights_is_forbidden_whether_or_not_it_exists(
    api: Api, caller: str, roles: str | None, whom: str
) -> None:
    body = await api.gql(FULL_PERSON, {"id": whom}, user=caller, roles=roles)
    assert body["data"] == {"employee": None}
    assert error_codes(body) == ["FORBIDDEN"]
    # The message names nothing (the random request id is left out: its hex
    # digits may spell an id by chance).
    errors = [
        {**e, "extensions": {k: v for k, v in e.get("extensions", {}).items() if k != "requestId"}}
        for e in body["errors"]
    ]
    assert whom not in json.dumps(errors)


async def test_unknown_person_is_not_found_for_an_admin(api: Api) -> None:
    body = await api.gql(FULL_PERSON, {"id": "no-such-id"}, user="e01", roles="admin")
    assert body["data"] == {"employee": None}
    assert error_codes(body) == ["NOT_FOUND"]


async def test_own_mentor_is_seen_with_name_unit_profession_and_age_band_only(api: Api) -> None:
    body = await api.gql(
        """{ employee(id: "e01") { id name ageBand unit { id }
             profession { id } step { id } competences { level } } }""",
        user="e03",
    )
    assert body["data"]["employee"] == {
        "id": "e01",
        "name": "Anna Lind",
        "ageBand": age_band(person("e01"), today()),
        "unit": {"id": "enh-akut"},
        "profession": {"id": "ssk"},
        "step": None,
        "competences": None,
    }
    assert sorted(e["path"][-1] for e in body["errors"]) == ["competences", "step"]
    assert set(error_codes(body)) == {"FORBIDDEN"}


async def test_age_band_is_for_this_year_only(api: Api) -> None:
    # Bands asked for other years would date the birth year (DESIGN §3): e01,
    # born 1962, was 59 in 2021 and 60 in 2022, the first year of 60-64.
    this_year = today()
    query = 'query($d: Date) { employee(id: "e01") { ageBand(asOf: $d) } }'
    now = await api.gql(query, {"d": this_year.replace(month=1, day=1).isoformat()}, user="e03")
    assert now["data"]["employee"]["ageBand"] == age_band(person("e01"), this_year)
    for year in (this_year.year - 1, this_year.year + 1, 2022):
        body = await api.gql(query, {"d": f"{year}-06-01"}, user="e03")
        assert body["data"]["employee"] is None
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
            ("BAD_USER_INPUT", "asOf")
        ]


async def test_an_adept_is_seen_by_their_mentor_with_basic_fields(api: Api) -> None:
    body = await api.gql(
        '{ me { adepts(asOf: "2025-03-01") { adept { name plans { id } } } } }', user="e07"
    )
    assert body["data"]["me"]["adepts"] == [{"adept": {"name": "Hassan Ali", "plans": None}}]
    assert error_codes(body) == ["FORBIDDEN"]


async def test_mentor_candidates_are_seen_with_basic_fields(api: Api) -> None:
    body = await api.gql(
        """{ mentorCandidates(adeptId: "e04", competenceIds: ["team"]) {
             mentor { id name unit { id } profession { id } ageBand
               mentorCapacity } } }""",
        user="e04",
    )
    candidates = body["data"]["mentorCandidates"]
    assert candidates
    assert all(c["mentor"]["mentorCapacity"] is None for c in candidates)
    assert all(c["mentor"]["name"] and c["mentor"]["unit"] for c in candidates)
    assert set(error_codes(body)) == {"FORBIDDEN"}


@pytest.mark.parametrize(
    "field",
    [
        'mentorCandidates(adeptId: "e04", competenceIds: ["team"], asOf: $d) { score }',
        'mentorProposals(unitId: "enh-iva", asOf: $d) { score }',
    ],
)
async def test_mentors_are_judged_in_this_year_only(api: Api, field: str) -> None:
    # Whether e07 (born 1959) is a mentor candidate flips between 2013 and
    # 2014, and the 1.25 urgency at 62 between 2020 and 2021: asked of other
    # years, the answers would date the birth year (DESIGN §3), as ageBand's.
    query = f"query($d: Date) {{ {field} }}"
    this_year = today().year
    for year in (this_year - 1, this_year + 1, 2013, 2014):
        body = await api.gql(query, {"d": f"{year}-06-01"}, user="e06")
        assert body["data"] is None
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
            ("BAD_USER_INPUT", "asOf")
        ]
    for day in (f"{this_year}-01-01", f"{this_year}-12-31"):
        data(await api.gql(query, {"d": day}, user="e06"))
    data(await api.gql(query, {"d": "2013-06-01"}, user="e10", roles="admin"))


async def test_employee_cannot_ask_about_someone_else(api: Api) -> None:
    for query in [
        '{ gap(employeeId: "e01") { ready } }',
        '{ careerPaths(employeeId: "e01") { totalHours } }',
        '{ nextSteps(employeeId: "e01") { reason } }',
        '{ mentorCandidates(adeptId: "e01") { score } }',
    ]:
        body = await api.gql(query, user="e03")
        assert error_codes(body) == ["FORBIDDEN"], query
        assert body["data"] is None  # these results are non-null: the whole data is null


@pytest.mark.parametrize(
    "query",
    [
        '{ planCoverage(unitId: "enh-akut") { employees } }',
        '{ competenceSupply(unitId: "enh-akut") { required } }',
        '{ knowledgeTransferRisks(unitId: "enh-akut") { holders } }',
        '{ mentorProposals(unitId: "enh-akut") { score } }',
        '{ unit(id: "enh-akut") { employees { totalCount } } }',
        '{ employees(unitId: "enh-akut") { totalCount } }',
        "{ employees { totalCount } }",
    ],
)
async def test_employees_see_no_aggregates_or_lists(api: Api, query: str) -> None:
    body = await api.gql(query, user="e03")
    assert error_codes(body) == ["FORBIDDEN"]


async def test_manager_sees_only_the_aggregates_of_managed_units(api: Api) -> None:
    mine = data(await api.gql('{ planCoverage(unitId: "enh-akut") { employees } }', user="e05"))
    assert mine["planCoverage"]["employees"] == 3
    other = await api.gql('{ planCoverage(unitId: "enh-iva") { employees } }', user="e05")
    assert error_codes(other) == ["FORBIDDEN"]
    above = await api.gql('{ planCoverage(unitId: "omr-akut") { employees } }', user="e05")
    assert error_codes(above) == ["FORBIDDEN"]


async def test_the_organisation_tree_is_visible_to_everyone(api: Api) -> None:
    body = data(await api.gql('{ unit(id: "omr-psyk") { name parent { id } children { id } } }'))
    assert body["unit"]["children"] == [{"id": "enh-psyk"}]


SUPPLY = """query($h: Horizon!) { competenceSupply(unitId: "enh-akut", horizon: $h,
  asOf: "2025-03-01") { competence { id } level supplyNow retiring projected shortfall
  suppressed } }"""


async def test_planner_small_cells_are_suppressed(api: Api) -> None:
    # Short horizon (3 years): e01 (63) retires by then; she holds evb 5, so the
    # evb >= 3 row has retiring = 1: hidden with projected and shortfall.
    planner = data(await api.gql(SUPPLY, {"h": "SHORT"}, user="e07", roles="planner"))
    manager = data(await api.gql(SUPPLY, {"h": "SHORT"}, user="e05"))
    p_evb = next(r for r in planner["competenceSupply"] if r["competence"]["id"] == "evb")
    m_evb = next(r for r in manager["competenceSupply"] if r["competence"]["id"] == "evb")
    assert (m_evb["retiring"], m_evb["suppressed"]) == (1, False)
    assert p_evb == {
        "competence": {"id": "evb"},
        "level": 3,
        "supplyNow": m_evb["supplyNow"],
        "retiring": None,
        "projected": None,
        "shortfall": None,
        "suppressed": True,
    }
    for p_row, m_row in zip(planner["competenceSupply"], manager["competenceSupply"], strict=True):
        if m_row["retiring"] == 0:  # nothing age-derived to hide
            assert p_row == m_row


async def test_planner_now_rows_are_not_suppressed(api: Api) -> None:
    # Now, nobody is counted as retiring (0 is not a small cell).
    body = data(await api.gql(SUPPLY, {"h": "NOW"}, user="e07", roles="planner"))
    assert body["competenceSupply"]
    assert all(not r["suppressed"] and r["retiring"] == 0 for r in body["competenceSupply"])


async def test_planner_risk_rows_hide_small_senior_counts(api: Api) -> None:
    query = """{ knowledgeTransferRisks(unitId: "reg", asOf: "2025-03-01") {
        competence { id } holders seniorHolders seniorShare suppressed } }"""
    admin = data(await api.gql(query, user="e01", roles="admin"))["knowledgeTransferRisks"]
    planner = data(await api.gql(query, user="e07", roles="planner"))["knowledgeTransferRisks"]
    assert admin
    assert len(admin) == len(planner)
    assert any(1 <= a["seniorHolders"] <= 4 for a in admin)
    for a, p in zip(admin, planner, strict=True):
        if 1 <= a["seniorHolders"] <= 4:
            # Holders too: a row is listed only for a senior share >= 0.5, so
            # its holders would bound the hidden count (1 holder: 1 senior).
            hidden = (p["holders"], p["seniorHolders"], p["seniorShare"], p["suppressed"])
            assert hidden == (None, None, None, True)
        else:
            assert p == a


async def test_planner_risk_rows_are_not_placed_by_a_hidden_share(api: Api) -> None:
    # Rows come by share: listed among them, a suppressed row's place told
    # its share (pcv's 1.0 came before handl's 0.5). For a planner they come
    # last, by what the planner sees: uncovered first, then competence id.
    query = """{ knowledgeTransferRisks(unitId: "reg", asOf: "2025-03-01") {
        competence { id } seniorShare mentorshipsActive suppressed } }"""
    admin = data(await api.gql(query, user="e01", roles="admin"))["knowledgeTransferRisks"]
    planner = data(await api.gql(query, user="e07", roles="planner"))["knowledgeTransferRisks"]
    hidden = [p for p in planner if p["suppressed"]]
    hidden_ids = [h["competence"] for h in hidden]
    assert len({a["seniorShare"] for a in admin if a["competence"] in hidden_ids}) > 1
    shown = [p["competence"] for p in planner if not p["suppressed"]]
    assert [p["competence"] for p in planner] == shown + [
        h["competence"]
        for h in sorted(hidden, key=lambda h: (h["mentorshipsActive"] > 0, h["competence"]["id"]))
    ]
    assert shown == [a["competence"] for a in admin if a["competence"] in shown]


async def test_planner_gets_no_people_in_aggregates(api: Api) -> None:
    body = await api.gql(
        '{ mentorProposals(unitId: "reg") { score } }', user="e07", roles="planner"
    )
    assert error_codes(body) == ["FORBIDDEN"]
    coverage = data(
        await api.gql('{ planCoverage(unitId: "reg") { employees } }', user="e07", roles="planner")
    )
    assert coverage["planCoverage"]["employees"] == 10


async def test_birth_year_is_in_no_response(api: Api) -> None:
    body = await api.gql("{ me { birthYear } }", user="e03")
    assert body["data"] is None
    assert "birthYear" in body["errors"][0]["message"]
    every_field = await api.gql(
        """{ employees(first: 100) { edges { node { id name ageBand adept mentorCapacity
             stepSince employedSince } } } }""",
        user="e01",
        roles="admin",
    )
    assert len(every_field["data"]["employees"]["edges"]) == 10
    years = {e.birth_year for e in tiny_region().employees}
    assert not years & set(_numbers(every_field)), "a birth year is in the answer"


def _numbers(value: object) -> list[int]:
    """Every integer anywhere in a JSON value."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


async def test_reads_of_other_people_are_audited(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="stege.audit"):
        data(
            await api.gql(
                '{ employee(id: "e03") { name competences { level } } me { name plans { id } } }',
                user="e05",
            )
        )
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "stege.audit"]
    # e05 read e03's name and competences; reading oneself is not audited.
    assert [(r["who"], r["whom"], r["fields"]) for r in records] == [
        ("e05", "e03", ["competences", "name"])
    ]
    assert records[0]["requestId"]
    assert records[0]["when"]


async def test_analytic_reads_about_a_person_are_audited(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="stege.audit"):
        data(await api.gql('{ gap(employeeId: "e03", asOf: "2025-03-01") { ready } }', user="e05"))
        data(await api.gql('{ gap(employeeId: "e03", asOf: "2025-03-01") { ready } }', user="e03"))
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "stege.audit"]
    assert [(r["who"], r["whom"], r["fields"]) for r in records] == [("e05", "e03", ["gap"])]
