"""Personal data (GDPR): the birth year is never returned, an admin exports
everything held about a person (art. 15) and erases them (art. 17), after
which every aggregate is what it would be had they never been imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType

from api.schema import build_schema
from graph.embedded import EmbeddedStore
from tests.api.conftest import Api, data, dev_settings, error_codes, serving
from tests.builders import tiny_region
from tests.contract.test_erase import without

EXPORT = """query($id: ID!) { exportPersonalData(employeeId: $id) {
  employee { id name ageBand unit { id } profession { id } step { id } stepSince
             employedSince adept mentorCapacity managedUnits { id } }
  competences { competence { id } level assessedOn expiresOn source }
  mentorships { mentor { id } adept { id } startedOn endedOn focus { id } }
  plans { id periodStart periodEnd status createdOn lastFollowupOn targetStep { id }
          activities { seq competence { id } activity { id } targetLevel dueOn status
                        completedOn } }
  conversations { kind heldOn }
  reads { who whom fields }
  withheldFields } }"""

ERASE = """mutation($id: ID!) { eraseEmployee(input: {id: $id}) { __typename
  ... on EraseEmployeePayload { erasedId } ... on Error { message } } }"""

AGGREGATES = [
    '{ competenceSupply(unitId: "reg", horizon: LONG, includeDescendants: true,'
    ' asOf: "2025-03-01") { unit { id } competence { id } level required supplyNow retiring'
    " inDevelopment projected shortfall suppressed } }",
    '{ knowledgeTransferRisks(unitId: "reg", asOf: "2025-03-01") { competence { id } holders'
    " seniorHolders seniorShare mentorshipsActive } }",
    '{ planCoverage(unitId: "reg", asOf: "2025-03-01") { employees withCurrentPlan share'
    " conversations { kind count } } }",
    '{ mentorProposals(unitId: "reg", asOf: "2025-03-01") { mentor { id } adept { id } score } }',
    "{ employees(first: 100) { totalCount edges { node { id } } } }",
]


def test_no_output_type_has_a_birth_year() -> None:
    """Structural: no field of any type the API returns could carry it."""
    schema = build_schema(introspection=True)._schema
    fields = [
        f"{t.name}.{name}"
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        for name in t.fields
    ]
    assert len(fields) > 100
    assert [f for f in fields if "birth" in f.lower()] == []


def _numbers(value: object) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


async def test_the_export_holds_everything_about_the_person(api: Api) -> None:
    region = tiny_region()
    data(await api.gql('{ employee(id: "e03") { name } }', user="e05"))  # one read to report

    got = data(await api.gql(EXPORT, {"id": "e03"}, user="e10", roles="admin"))
    export = got["exportPersonalData"]

    person = next(e for e in region.employees if e.id == "e03")
    assert export["employee"]["id"] == "e03"
    assert export["employee"]["name"] == person.name
    assert export["employee"]["unit"] == {"id": person.unit_id}
    assert export["employee"]["step"] == {"id": person.step_id}
    assert export["employee"]["adept"] is person.adept
    held = sorted((h.competence_id, h.level) for h in region.holdings if h.employee_id == "e03")
    assert sorted((c["competence"]["id"], c["level"]) for c in export["competences"]) == held
    links = sorted(
        (x.mentor_id, x.adept_id, x.started_on.isoformat())
        for x in region.mentorships
        if "e03" in (x.mentor_id, x.adept_id)
    )
    assert (
        sorted((x["mentor"]["id"], x["adept"]["id"], x["startedOn"]) for x in export["mentorships"])
        == links
    )
    plans = {p.id for p in region.plans if p.employee_id == "e03"}
    assert {p["id"] for p in export["plans"]} == plans
    items = sorted((a.plan_id, a.seq) for a in region.plan_activities if a.plan_id in plans)
    assert sorted((p["id"], a["seq"]) for p in export["plans"] for a in p["activities"]) == items
    talks = sorted(c.held_on.isoformat() for c in region.conversations if c.employee_id == "e03")
    assert sorted(c["heldOn"] for c in export["conversations"]) == talks
    # Who read their data (recipients, art. 15(1)(c)): e05 did.
    assert {"who": "e05", "whom": "e03", "fields": ["name"]} in export["reads"]
    # The birth year is held but not returned: the export says so.
    assert export["withheldFields"] == ["birthYear"]
    assert person.birth_year not in _numbers(got)


async def test_no_answer_carries_a_birth_year(api: Api) -> None:
    years = {e.birth_year for e in tiny_region().employees}
    answers = [await api.gql(EXPORT, {"id": e}, user="e10", roles="admin") for e in ("e01", "e07")]
    answers.append(await api.gql(AGGREGATES[4], user="e10", roles="admin"))
    answers.append(await api.gql("{ auditLog { who whom fields at } }", user="e10", roles="admin"))
    for body in answers:
        assert not body.get("errors"), body
        assert not years & set(_numbers(body))
        export = (body["data"] or {}).get("exportPersonalData") or {}
        assert export.pop("withheldFields", ["birthYear"]) == ["birthYear"]  # the name, no value
        assert "birth" not in json.dumps(body).lower()


@pytest.mark.parametrize(("user", "roles"), [("e03", None), ("e05", None), ("e07", "planner")])
async def test_only_admins_export_or_erase(api: Api, user: str, roles: str | None) -> None:
    body = await api.gql(EXPORT, {"id": "e03"}, user=user, roles=roles)
    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    erased = data(await api.gql(ERASE, {"id": "e03"}, user=user, roles=roles))
    assert erased["eraseEmployee"]["__typename"] == "Forbidden"
    assert await api.store.get_employees(["e03"]) != [None]


async def test_erasing_an_unknown_id_is_not_found(api: Api) -> None:
    erased = data(await api.gql(ERASE, {"id": "nobody"}, user="e10", roles="admin"))
    assert erased["eraseEmployee"]["__typename"] == "NotFound"


async def _aggregates(api: Api) -> list[dict[str, Any]]:
    return [data(await api.gql(q, user="e10", roles="admin")) for q in AGGREGATES]


@pytest.mark.parametrize("employee_id", ["e07", "e01", "e03"])
async def test_after_erasure_aggregates_are_as_if_they_never_were(
    api: Api, tmp_path: Path, employee_id: str
) -> None:
    before = await _aggregates(api)
    erased = data(await api.gql(ERASE, {"id": employee_id}, user="e10", roles="admin"))
    assert erased["eraseEmployee"] == {
        "__typename": "EraseEmployeePayload",
        "erasedId": employee_id,
    }
    after = await _aggregates(api)

    # The same questions to a store that never had the person.
    reference = await EmbeddedStore.open(tmp_path / "never.db")
    try:
        await reference.import_dataset(without(tiny_region(), employee_id))
        async with serving(reference, dev_settings()) as fresh:
            expected = await _aggregates(fresh)
    finally:
        await reference.close()
    assert after == expected
    assert after != before  # the person counted somewhere

    body = await api.gql(
        "query($id: ID!) { employee(id: $id) { name } }",
        {"id": employee_id},
        user="e10",
        roles="admin",
    )
    assert error_codes(body) == ["NOT_FOUND"]
