"""Arguments with a default are nullable, as DESIGN §6 declares them
(`first: Int = 50`, `horizon: Horizon = NOW`...), and an explicit null, as a
literal or in a variable, means the default. A null a type cannot take still
answers BAD_USER_INPUT naming the variable, never an error without a code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, Undefined

from api.schema import build_schema
from tests.api.conftest import Api, data, error_codes
from tests.builders import AS_OF

DAY = AS_OF.isoformat()

# Per argument with a default: a field using it, `$v` where the argument goes.
DEFAULTED = [
    ("employees.first", "employees(first: $v) { totalCount edges { node { id } } }"),
    ("Unit.employees.first", 'unit(id: "reg") { employees(first: $v) { edges { node { id } } } }'),
    ("careerPaths.k", f'careerPaths(employeeId: "e03", k: $v, asOf: "{DAY}") {{ totalHours }}'),
    ("nextSteps.limit", f'nextSteps(employeeId: "e03", limit: $v, asOf: "{DAY}") {{ reason }}'),
    (
        "mentorCandidates.limit",
        f'mentorCandidates(adeptId: "e03", limit: $v, asOf: "{DAY}") {{ mentor {{ id }} }}',
    ),
    (
        "competenceSupply.horizon",
        f'competenceSupply(unitId: "reg", horizon: $v, asOf: "{DAY}") {{ required }}',
    ),
    (
        "competenceSupply.includeDescendants",
        f'competenceSupply(unitId: "reg", includeDescendants: $v, asOf: "{DAY}") '
        "{ unit { id } required }",
    ),
    ("mentors.includeEnded", 'employee(id: "e04") { mentors(includeEnded: $v) { active } }'),
    ("adepts.includeEnded", 'employee(id: "e02") { adepts(includeEnded: $v) { active } }'),
    ("auditLog.first", "auditLog(first: $v) { who whom fields }"),
]
TYPES = {
    "first": "Int",
    "k": "Int",
    "limit": "Int",
    "horizon": "Horizon",
    "includeDescendants": "Boolean",
    "includeEnded": "Boolean",
}


def test_no_field_argument_with_a_default_is_non_null() -> None:
    schema = build_schema(introspection=True)._schema
    non_null = [
        f"{t.name}.{name}({arg_name})"
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")
        for name, field in t.fields.items()
        for arg_name, arg in field.args.items()
        if arg.default_value not in (Undefined, None) and isinstance(arg.type, GraphQLNonNull)
    ]
    assert non_null == []


async def test_a_null_argument_with_a_default_means_the_default(api: Api) -> None:
    for name, field in DEFAULTED:
        arg = name.rsplit(".", 1)[1]
        omitted = re.sub(rf"\({arg}: \$v\)|{arg}: \$v, |, {arg}: \$v", "", field)
        assert "$v" not in omitted, name
        expected = data(await api.gql(f"{{ {omitted} }}", roles="admin"))
        literal = await api.gql(f"{{ {field.replace('$v', 'null')} }}", roles="admin")
        assert data(literal) == expected, name
        variable = f"query($v: {TYPES[arg]}) {{ {field} }}"
        assert data(await api.gql(variable, {"v": None}, roles="admin")) == expected, name
        assert data(await api.gql(variable, roles="admin")) == expected, name


def _first_page(body: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in data(body)["employees"]["edges"]]


async def test_a_null_page_size_is_the_default_page_not_an_empty_one(api: Api) -> None:
    ids = _first_page(await api.gql("{ employees(first: null) { edges { node { id } } } }",
                                    roles="admin"))  # fmt: skip
    assert len(ids) == 10  # every one of the tiny region: fewer than 50


@pytest.mark.parametrize(
    ("query", "variable"),
    [
        (
            'mutation($s: PlanStatus) { createPlan(input: {employeeId: "e03", periodStart: '
            '"2026-01-01", periodEnd: "2026-12-31", status: $s}) { __typename } }',
            "s",
        ),
        (
            'mutation($h: Horizon) { setUnitNeed(input: {unitId: "enh-akut", competenceId: '
            '"bem", level: 2, count: 3, horizon: $h}) { __typename } }',
            "h",
        ),
    ],
)
async def test_a_null_variable_a_type_cannot_take_is_bad_user_input_naming_it(
    api: Api, query: str, variable: str
) -> None:
    # graphql-core finds these only as the field runs (an input field with a
    # default lets a nullable variable through validation): it gave no code.
    body = await api.gql(query, {variable: None}, roles="admin")
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    (error,) = body["errors"]
    assert error["extensions"]["field"] == variable
    assert f"${variable}" in error["message"]
    assert body["data"] is None
