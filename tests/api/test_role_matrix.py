"""The role matrix (DESIGN §5): every root field and mutation of the schema,
asked by each kind of caller, allowed or FORBIDDEN exactly as `MATRIX` says.

`MATRIX` is the one table of expectations; a field of the schema without a
row fails `test_every_root_field_has_a_row`, so a new field cannot ship
without a decision about who may use it. The callers, on the tiny region:

- self:     e03 (no manager) about e03, in e03's unit enh-akut
- other:    e04 (no manager) about e03 / enh-akut
- mgr_in:   e05, manager of enh-akut, about e03 / enh-akut
- mgr_out:  e05 about e04 / enh-iva (outside what e05 manages)
- planner:  e07 with the planner role, about e03 / enh-akut
- admin:    e10 with the admin role, about e03 / enh-akut

Rights do not depend on the store, so this runs on the embedded one; the
policy tests (test_policy.py) run both stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from api.schema import build_schema
from tests.api.conftest import Api


@dataclass(frozen=True)
class Scenario:
    name: str
    user: str
    roles: str | None
    person: str
    plan: str
    mentor: str
    unit: str


SCENARIOS = (
    Scenario("self", "e03", None, "e03", "p-e03-2025", "e01", "enh-akut"),
    Scenario("other", "e04", None, "e03", "p-e03-2025", "e01", "enh-akut"),
    Scenario("mgr_in", "e05", None, "e03", "p-e03-2025", "e01", "enh-akut"),
    Scenario("mgr_out", "e05", None, "e04", "p-e04-2025", "e02", "enh-iva"),
    Scenario("planner", "e07", "planner", "e03", "p-e03-2025", "e01", "enh-akut"),
    Scenario("admin", "e10", "admin", "e03", "p-e03-2025", "e01", "enh-akut"),
)  # admin last: its writes (an erasure) must not change what the others are asked

Y, N = True, False
ALL = (Y, Y, Y, Y, Y, Y)
PERSON = (Y, N, Y, N, N, Y)  # the person, their managers, admins
MANAGER = (N, N, Y, N, N, Y)  # their managers and admins (not the person)
AGGREGATE = (N, N, Y, N, Y, Y)  # managers of the unit, planners, admins
ADMIN = (N, N, N, N, N, Y)

# field: (operation with {person} {plan} {mentor} {unit}, allowed per SCENARIOS)
MATRIX: dict[str, tuple[str, tuple[bool, ...]]] = {
    # --- queries ---
    "me": ("{ me { id } }", ALL),
    "employee": ('{ employee(id: "{person}") { id } }', PERSON),
    "employees": ('{ employees(unitId: "{unit}") { totalCount } }', MANAGER),
    "competences": ("{ competences { id } }", ALL),
    "professions": ("{ professions { id } }", ALL),
    "ladders": ("{ ladders { id } }", ALL),
    "learningActivities": ("{ learningActivities { id } }", ALL),
    "ladder": ('{ ladder(id: "ssk-stege") { id } }', ALL),
    "unit": ('{ unit(id: "{unit}") { id } }', ALL),
    "gap": ('{ gap(employeeId: "{person}") { ready } }', PERSON),
    "careerPaths": ('{ careerPaths(employeeId: "{person}") { totalHours } }', PERSON),
    "nextSteps": ('{ nextSteps(employeeId: "{person}") { hours } }', PERSON),
    "mentorCandidates": ('{ mentorCandidates(adeptId: "{person}") { score } }', PERSON),
    "mentorProposals": ('{ mentorProposals(unitId: "{unit}") { score } }', MANAGER),
    "competenceSupply": ('{ competenceSupply(unitId: "{unit}") { required } }', AGGREGATE),
    "knowledgeTransferRisks": (
        '{ knowledgeTransferRisks(unitId: "{unit}") { holders } }',
        AGGREGATE,
    ),
    "planCoverage": ('{ planCoverage(unitId: "{unit}") { employees } }', AGGREGATE),
    "auditLog": ("{ auditLog { who } }", ADMIN),
    "exportPersonalData": (
        '{ exportPersonalData(employeeId: "{person}") { withheldFields } }',
        ADMIN,
    ),
    # --- mutations ---
    "assessCompetence": (
        'mutation { assessCompetence(input: {employeeId: "{person}", competenceId: "evb",'
        " level: 2}) { __typename } }",
        PERSON,
    ),
    "createPlan": (
        'mutation { createPlan(input: {employeeId: "{person}", periodStart: "2026-01-01",'
        ' periodEnd: "2026-12-31"}) { __typename } }',
        PERSON,
    ),
    "addPlanActivity": (
        'mutation { addPlanActivity(input: {planId: "{plan}", item: {competenceId: "evb",'
        " targetLevel: 3}}) { __typename } }",
        PERSON,
    ),
    "completePlanActivity": (
        'mutation { completePlanActivity(input: {id: "{plan}#1"}) { __typename } }',
        PERSON,
    ),
    "cancelPlanActivity": (
        'mutation { cancelPlanActivity(input: {id: "{plan}#1"}) { __typename } }',
        PERSON,
    ),
    "followUpPlan": (
        'mutation { followUpPlan(input: {planId: "{plan}"}) { __typename } }',
        MANAGER,
    ),
    "startMentorship": (
        'mutation { startMentorship(input: {mentorId: "{mentor}", adeptId: "{person}",'
        ' focus: ["evb"]}) { __typename } }',
        MANAGER,
    ),
    "endMentorship": (
        'mutation { endMentorship(input: {mentorId: "{mentor}", adeptId: "{person}"})'
        " { __typename } }",
        MANAGER,
    ),
    "recordConversation": (
        'mutation { recordConversation(input: {employeeId: "{person}",'
        " kind: MEDARBETARSAMTAL}) { __typename } }",
        MANAGER,
    ),
    "setUnitNeed": (
        'mutation { setUnitNeed(input: {unitId: "{unit}", competenceId: "evb", level: 3,'
        " count: 2, horizon: NOW}) { __typename } }",
        MANAGER,
    ),
    "upsertEmployee": (
        'mutation { upsertEmployee(input: {id: "{person}", name: "Ny Namn"}) { __typename } }',
        ADMIN,
    ),
    "eraseEmployee": ('mutation { eraseEmployee(input: {id: "{person}"}) { __typename } }', ADMIN),
}


def root_fields() -> set[str]:
    schema = build_schema(introspection=True)._schema
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    return set(schema.query_type.fields) | set(schema.mutation_type.fields)


def test_every_root_field_has_a_row() -> None:
    fields = root_fields()
    assert sorted(fields - MATRIX.keys()) == [], "root fields without a row in MATRIX"
    assert sorted(MATRIX.keys() - fields) == [], "rows for fields the schema does not have"
    assert all(len(allowed) == len(SCENARIOS) for _, allowed in MATRIX.values())


def fill(template: str, s: Scenario) -> str:
    # str.format would trip over the braces of GraphQL.
    for key in ("person", "plan", "mentor", "unit"):
        template = template.replace("{" + key + "}", getattr(s, key))
    return template


def outcome(field: str, body: dict[str, Any]) -> bool:
    """True when allowed, False when FORBIDDEN; anything else fails the test."""
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    value = (body.get("data") or {}).get(field)
    if isinstance(value, dict) and "__typename" in value:  # a mutation's result union
        assert not codes, body
        return bool(value["__typename"] != "Forbidden")
    if "FORBIDDEN" in codes:
        assert value is None, body
        return False
    assert not codes, body
    assert value is not None or field == "me", body
    return True


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
@pytest.mark.parametrize("field", sorted(MATRIX))
async def test_role_matrix(api: Api, field: str) -> None:
    template, allowed = MATRIX[field]
    got = {}
    for scenario in SCENARIOS:
        response = await api.post(
            fill(template, scenario), user=scenario.user, roles=scenario.roles
        )
        assert response.status_code == 200, response.text
        got[scenario.name] = outcome(field, response.json())
    assert got == {s.name: a for s, a in zip(SCENARIOS, allowed, strict=True)}


GHOST = Scenario("ghost", "e05", None, "nobody", "p-nobody", "nobody-else", "u-nobody")
"""mgr_out's caller asking about ids that do not exist."""


def _errors(body: dict[str, Any], field: str) -> list[tuple[str | None, str]]:
    value = (body.get("data") or {}).get(field)
    if isinstance(value, dict) and "__typename" in value:
        return [(value["__typename"], "")]
    return [(e.get("extensions", {}).get("code"), e["message"]) for e in body.get("errors") or []]


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
async def test_no_existence_oracle(api: Api) -> None:
    """Where a caller is refused a real person, plan or unit, an id that does
    not exist gets the very same answer: nothing tells the two apart."""
    mgr_out = SCENARIOS[3]
    compared = 0
    for field, (template, allowed) in sorted(MATRIX.items()):
        if allowed[3] or not any(f"{{{k}}}" in template for k in ("person", "plan", "unit")):
            continue
        real = await api.post(fill(template, mgr_out), user=mgr_out.user)
        ghost = await api.post(fill(template, GHOST), user=GHOST.user)
        assert _errors(ghost.json(), field) == _errors(real.json(), field), field
        compared += 1
    assert compared >= 15
