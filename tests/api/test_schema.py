"""The schema as a contract: docs/schema.graphql is what `stege schema` prints,
the root fields of DESIGN §6 are there with their arguments, enums mirror the
domain, no output type can return a birth year, and every field and argument
has a description."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    print_ast,
)
from typer.testing import CliRunner

from api.cli import app
from api.schema import sdl
from api.schema.enums import MIRRORS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"

# DESIGN §6, field -> its arguments.
ROOT_FIELDS = {
    "me": [],
    "employee": ["id"],
    "employees": ["unitId", "first", "after"],
    "competences": ["category", "search"],
    "professions": [],
    "ladders": [],
    "ladder": ["id"],
    "unit": ["id"],
    "gap": ["employeeId", "targetStepId", "asOf"],
    "careerPaths": ["employeeId", "targetStepId", "targetProfessionId", "k", "asOf"],
    "nextSteps": ["employeeId", "targetStepId", "limit", "asOf"],
    "mentorCandidates": ["adeptId", "competenceIds", "limit", "asOf"],
    "mentorProposals": ["unitId", "asOf"],
    "competenceSupply": ["unitId", "horizon", "includeDescendants", "asOf"],
    "knowledgeTransferRisks": ["unitId", "asOf"],
    "planCoverage": ["unitId", "asOf"],
}
MUTATIONS = [
    "assessCompetence", "createPlan", "addPlanActivity", "completePlanActivity",
    "cancelPlanActivity", "followUpPlan", "startMentorship", "endMentorship",
    "recordConversation", "setUnitNeed", "upsertEmployee", "eraseEmployee",
]  # fmt: skip


@pytest.fixture(scope="module")
def schema_text() -> str:
    return sdl()


def test_docs_schema_is_what_stege_schema_prints(schema_text: str) -> None:
    assert DOCS.read_text(encoding="utf-8") == schema_text, (
        "docs/schema.graphql is stale: run `stege schema > docs/schema.graphql`"
    )
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == schema_text


def test_root_fields_of_the_design(schema_text: str) -> None:
    schema = build_schema(schema_text)
    query = schema.query_type
    assert query is not None
    for name, args in ROOT_FIELDS.items():
        assert name in query.fields, name
        assert list(query.fields[name].args) == args, name
    assert str(query.fields["employees"].type) == "EmployeeConnection!"
    assert _default(query.fields["employees"].args["first"]) == "50"
    assert _default(query.fields["competenceSupply"].args["horizon"]) == "NOW"
    assert _default(query.fields["careerPaths"].args["k"]) == "3"
    assert str(query.fields["gap"].args["asOf"].type) == "Date"
    mutation = schema.mutation_type
    assert mutation is not None
    assert sorted(mutation.fields) == sorted(MUTATIONS)
    for name in MUTATIONS:
        result = schema.get_type(f"{name[0].upper()}{name[1:]}Result")
        members = {t.name for t in result.types}  # type: ignore[union-attr]
        assert {"NotFound", "Forbidden", "ValidationError", "Conflict"} < members, name


def _default(arg: GraphQLArgument) -> str:
    assert arg.ast_node is not None
    assert arg.ast_node.default_value is not None
    return print_ast(arg.ast_node.default_value)


def test_design_types_have_their_fields(schema_text: str) -> None:
    schema = build_schema(schema_text)
    expected = {
        "GapItem": "competence requiredLevel heldLevel missing mandatory expired hours "
        "activityKnown",
        "GapReport": "employee targetStep ready readiness items totalHours",
        "CareerPath": "steps totalHours totalMonths",
        "DevelopmentSuggestion": "competence activity mentor fromLevel toLevel hours unitNeed "
        "reason",
        "MentorCandidate": "mentor score competences activeAdepts capacity",
        "MentorProposal": "mentor adept score competences",
        "SupplyRow": "unit competence level required supplyNow retiring inDevelopment "
        "projected shortfall suppressed",
        "TransferRisk": "competence holders seniorHolders seniorShare mentorshipsActive suppressed",
        "PlanCoverage": "unit employees withCurrentPlan share conversations",
        "ConversationCount": "kind count",
    }
    for type_name, names in expected.items():
        t = schema.get_type(type_name)
        assert isinstance(t, GraphQLObjectType), type_name
        assert set(names.split()) <= set(t.fields), type_name
    # What the planner may not see comes back nullable.
    supply = schema.get_type("SupplyRow")
    assert isinstance(supply, GraphQLObjectType)
    assert [str(supply.fields[f].type) for f in ("retiring", "projected", "shortfall")] == [
        "Int",
        "Int",
        "Int",
    ]


def test_enums_mirror_the_domain(schema_text: str) -> None:
    schema = build_schema(schema_text)
    for domain, mirror in MIRRORS.items():
        assert [(m.name, m.value) for m in mirror] == [(d.name, d.value) for d in domain]
        gql = schema.get_type(mirror.__name__)
        assert isinstance(gql, GraphQLEnumType)
        assert list(gql.values) == [d.name for d in domain]


def _output_types(schema_text: str) -> list[GraphQLNamedType]:
    schema = build_schema(schema_text)
    return [
        t
        for name, t in schema.type_map.items()
        if not name.startswith("__") and not isinstance(t, GraphQLInputObjectType)
    ]


def test_no_output_type_returns_a_birth_year(schema_text: str) -> None:
    for t in _output_types(schema_text):
        for field in getattr(t, "fields", {}):
            assert "birth" not in field.lower(), f"{t.name}.{field}"


# The answer types of DESIGN §4: the contract API consumers read first in
# GraphiQL / introspection. Every other type is described too (below); these
# must stay in the schema.
DESIGN_TYPES = [
    "GapItem", "GapReport", "CareerPath", "DevelopmentSuggestion", "MentorCandidate",
    "MentorProposal", "SupplyRow", "TransferRisk", "PlanCoverage", "ConversationCount",
]  # fmt: skip


def _types_with_fields(
    schema: GraphQLSchema,
) -> list[GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType]:
    """Every object, interface and input type of the schema, introspection's excepted."""
    return [
        t
        for name, t in sorted(schema.type_map.items())
        if not name.startswith("__")
        and isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
    ]


def test_the_contract_is_described(schema_text: str) -> None:
    """Every field of every object, interface and input type, and every argument
    of every field (root fields and nested ones such as `Employee.mentors`),
    says what it means."""
    schema = build_schema(schema_text)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    types = _types_with_fields(schema)
    names = {t.name for t in types}
    assert {*DESIGN_TYPES, "Query", "Mutation", "Employee", "Plan", "PageInfo"} <= names
    assert {"AssessCompetenceInput", "PlanItemInput", "EraseEmployeeInput", "Error"} <= names
    undescribed: list[str] = []

    def check(where: str, description: str | None) -> None:
        if not (description or "").strip():
            undescribed.append(where)

    for t in types:
        for name, field in t.fields.items():
            check(f"{t.name}.{name}", field.description)
            for arg_name, arg in getattr(field, "args", {}).items():
                check(f"{t.name}.{name}({arg_name})", arg.description)
    assert not undescribed, f"{len(undescribed)} without a description: {undescribed}"
