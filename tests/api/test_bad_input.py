"""Bad argument values answer BAD_USER_INPUT naming the argument, never an
unexpected error: dates outside the supported asOf range, literals a scalar
cannot parse, out-of-range page sizes."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, data, error_codes

AS_OF_FIELDS = [
    'competenceSupply(unitId: "reg", asOf: $d) { level }',
    'competenceSupply(unitId: "reg", horizon: LONG, asOf: $d) { level }',
    'knowledgeTransferRisks(unitId: "reg", asOf: $d) { holders }',
    'planCoverage(unitId: "reg", asOf: $d) { share }',
    'mentorProposals(unitId: "reg", asOf: $d) { score }',
    'gap(employeeId: "e03", asOf: $d) { ready }',
    'careerPaths(employeeId: "e03", asOf: $d) { totalHours }',
    'nextSteps(employeeId: "e03", asOf: $d) { hours }',
    'mentorCandidates(adeptId: "e03", asOf: $d) { score }',
    'employee(id: "e08") { plans { current(asOf: $d) } }',
    'employee(id: "e03") { ageBand(asOf: $d) }',
    'employee(id: "e03") { competences(asOf: $d) { level } }',
    'employee(id: "e03") { mentors(asOf: $d) { active } }',
    'employee(id: "e03") { adepts(asOf: $d) { active } }',
]


OUTSIDE = ["0001-01-01", "0004-12-31", "1899-12-31", "2201-01-01", "9999-12-31"]


# Every field and day in one test, one store each: a fresh store per case
# cost ~1 s of the suite per case on Neo4j, 140 cases.
async def test_an_as_of_outside_the_supported_range_is_bad_user_input(api: Api) -> None:
    for field in AS_OF_FIELDS:
        for day in OUTSIDE:
            case = f"{field} at {day}"
            body = await api.gql(f"query($d: Date) {{ {field} }}", {"d": day}, roles="admin")
            assert error_codes(body) == ["BAD_USER_INPUT"], (case, body)
            (error,) = body["errors"]
            assert error["extensions"]["field"] == "asOf", case
            assert day in error["message"], case
            assert "1900-01-01" in error["message"], case
            assert "2200-12-31" in error["message"], case


async def test_every_as_of_in_the_supported_range_is_answered(api: Api) -> None:
    # The longest horizon and the 12 months of plan coverage do date
    # arithmetic past either end of the range: none of it may overflow.
    # (ageBand is left out: it is shown for this year only.)
    for field in [f for f in AS_OF_FIELDS if "ageBand" not in f]:
        for day in ["1900-01-01", "2200-12-31"]:
            body = await api.gql(f"query($d: Date) {{ {field} }}", {"d": day}, roles="admin")
            assert "errors" not in body, (field, day, body)


async def test_an_as_of_literal_outside_the_range_is_bad_user_input(api: Api) -> None:
    body = await api.gql('{ planCoverage(unitId: "reg", asOf: "0001-01-01") { share } }',
                         roles="admin")  # fmt: skip
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "asOf"
    assert body["errors"][0]["path"] == ["planCoverage"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('{ gap(employeeId: "e03", asOf: "2026-02-30") { ready } }', "asOf"),
        ('{ gap(employeeId: "e03", asOf: "someday") { ready } }', "asOf"),
        ('{ gap(employeeId: "e03", asOf: 20260201) { ready } }', "asOf"),
        ('{ employees(first: "many") { totalCount } }', "first"),
        ('{ me { plans { current(asOf: "2026-13-01") } } }', "asOf"),
        ('{ auditLog(since: "yesterday") { at } }', "since"),
        ('query($d: Date = "x") { gap(employeeId: "e03", asOf: $d) { ready } }', "d"),
    ],
)
async def test_a_literal_its_type_cannot_parse_is_bad_user_input_naming_the_argument(
    api: Api, query: str, field: str
) -> None:
    # graphql-core reports these while validating, as bare messages: no code,
    # no argument, not even a location for a scalar's own parse error.
    body = await api.gql(query, roles="admin")
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == field
    assert error["locations"]


async def test_a_variable_its_type_cannot_parse_is_bad_user_input_naming_the_variable(
    api: Api,
) -> None:
    body = await api.gql(
        'query($d: Date) { gap(employeeId: "e03", asOf: $d) { ready } }', {"d": "2026-02-30"}
    )
    (error,) = body["errors"]
    assert "$d" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == "d"


@pytest.mark.parametrize("first", [-1, 1001])
async def test_audit_log_checks_first_like_employees(api: Api, first: int) -> None:
    # auditLog clamped -1 to an empty list where employees says why.
    for field in ["auditLog(first: $n) { at }", "employees(first: $n) { totalCount }"]:
        body = await api.gql(f"query($n: Int!) {{ {field} }}", {"n": first}, roles="admin")
        assert error_codes(body) == ["BAD_USER_INPUT"], (field, body)
        assert body["errors"][0]["extensions"]["field"] == "first"


async def test_audit_log_takes_the_whole_page(api: Api) -> None:
    body = data(await api.gql("{ a: auditLog(first: 0) { at } b: auditLog(first: 1000) { at } }",
                              roles="admin"))  # fmt: skip
    assert body["a"] == []


async def test_errors_about_the_document_are_coded_parse_or_validation(api: Api) -> None:
    # Clients branch on the code, not the message (Apollo's codes).
    cases = {
        "{ me { id ": "GRAPHQL_PARSE_FAILED",
        "{ nope }": "GRAPHQL_VALIDATION_FAILED",
        "{ gap { ready } }": "GRAPHQL_VALIDATION_FAILED",
        "query($x: Int) { me { id } }": "GRAPHQL_VALIDATION_FAILED",
        "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(100)) + " }": (
            "GRAPHQL_VALIDATION_FAILED"
        ),
    }
    for query, code in cases.items():
        body = await api.gql(query)
        assert body["data"] is None, query
        assert set(error_codes(body)) == {code}, (query, body)
    unknown = await api.client.post(
        "/graphql",
        json={"query": "query A { me { id } }", "operationName": "B"},
        headers={"X-Stege-User": "e05"},
    )
    assert error_codes(unknown.json()) == ["GRAPHQL_VALIDATION_FAILED"], unknown.text


# Python's date.fromisoformat (strawberry's Date) takes the basic and week
# forms too; the dataset files, and so the API, take YYYY-MM-DD only.
NOT_YYYY_MM_DD = ["20250301", "2025-W09-6", "2025W096", "2025-3-1", "2025-03-1", "25-03-01",
                  "2025-03-01T00:00", "2025-03-01\n", " 2025-03-01"]  # fmt: skip


async def test_a_date_other_than_yyyy_mm_dd_is_bad_user_input_naming_the_form(api: Api) -> None:
    query = 'query($d: Date) { gap(employeeId: "e03", asOf: $d) { ready } }'
    for text in NOT_YYYY_MM_DD:
        body = await api.gql(query, {"d": text}, roles="admin")
        assert error_codes(body) == ["BAD_USER_INPUT"], (text, body)
        (error,) = body["errors"]
        assert error["extensions"]["field"] == "d", text
        assert "Expected YYYY-MM-DD" in error["message"], text
        assert "isoformat" not in error["message"], text
        literal = f'{{ gap(employeeId: "e03", asOf: "{text.strip()}") {{ ready }} }}'
        if text.strip() != "2025-03-01":
            body = await api.gql(literal, roles="admin")
            assert error_codes(body) == ["BAD_USER_INPUT"], (text, body)
            assert body["errors"][0]["extensions"]["field"] == "asOf", text
    # No such day: the form is right, the calendar says no.
    body = await api.gql(query, {"d": "2025-02-29"}, roles="admin")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "No such day (expected YYYY-MM-DD" in body["errors"][0]["message"]


async def test_a_mutation_stores_no_day_written_in_another_form(api: Api) -> None:
    assess = (
        'mutation($d: Date) { assessCompetence(input: {employeeId: "e03", competenceId: "team", '
        "level: 2, assessedOn: $d}) { ... on AssessCompetencePayload { holding { assessedOn } } } }"
    )
    body = await api.gql(assess, {"d": "2025W096"}, roles="admin")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None
    held = data(await api.gql('{ employee(id: "e03") { competences { competence { id } } } }',
                              roles="admin"))  # fmt: skip
    assert "team" not in [c["competence"]["id"] for c in held["employee"]["competences"]]
    # The one form is taken and given back as it was.
    body = data(await api.gql(assess, {"d": "2025-03-01"}, roles="admin"))
    assert body["assessCompetence"]["holding"]["assessedOn"] == "2025-03-01"
