"""The audit trail over HTTP: every read of another person's data is in the
store (one batch per request) and on the `stege.audit` log; admins list it."""

from __future__ import annotations

import json
import logging

import pytest

from ladders.errors import StoreUnavailableError
from tests.api.conftest import Api, data, error_codes, serving
from tests.api.test_http import FailingStore

AUDIT_LOG = """query($who: ID, $whom: ID) { auditLog(who: $who, whom: $whom) {
  at who whom fields requestId operation } }"""


async def test_reads_of_others_are_stored_with_who_whom_fields_and_when(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="stege.audit"):
        response = await api.post(
            """query Look { employee(id: "e03") { name competences { level } }
                 e01: employee(id: "e01") { ageBand } me { name plans { id } } }""",
            user="e05",
        )
    assert response.status_code == 200, response.text
    request_id = response.headers["x-request-id"]

    stored = await api.store.audit_log()
    assert [(r.who, r.whom, r.fields) for r in stored] == [
        ("e05", "e01", ("ageBand",)),
        ("e05", "e03", ("competences", "name")),
    ]  # reading oneself (me) is not audited
    assert {r.request_id for r in stored} == {request_id}
    assert {r.operation for r in stored} == {"Look"}
    assert len({r.at for r in stored}) == 1  # one batch for the request

    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "stege.audit"]
    assert [(x["who"], x["whom"], x["fields"], x["requestId"]) for x in logged] == [
        ("e05", "e01", ["ageBand"], request_id),
        ("e05", "e03", ["competences", "name"], request_id),
    ]


async def test_an_admin_lists_the_audit_log(api: Api) -> None:
    data(await api.gql('{ employee(id: "e03") { name } }', user="e05"))
    data(await api.gql('{ gap(employeeId: "e04", asOf: "2025-03-01") { ready } }', user="e06"))

    everything = data(await api.gql(AUDIT_LOG, user="e10", roles="admin"))["auditLog"]
    assert [(e["who"], e["whom"], e["fields"]) for e in everything] == [
        ("e06", "e04", ["gap"]),
        ("e05", "e03", ["name"]),
    ]
    assert all(e["at"] and e["requestId"] for e in everything)

    about_e03 = data(await api.gql(AUDIT_LOG, {"whom": "e03"}, user="e10", roles="admin"))
    assert [e["who"] for e in about_e03["auditLog"]] == ["e05"]
    # Looking at e03's trail was itself a read about e03.
    trail = await api.store.audit_log(whom="e03", who="e10")
    assert [r.fields for r in trail] == [("auditLog",)]


@pytest.mark.parametrize(("user", "roles"), [("e03", None), ("e05", None), ("e07", "planner")])
async def test_only_admins_list_the_audit_log(api: Api, user: str, roles: str | None) -> None:
    body = await api.gql(AUDIT_LOG, user=user, roles=roles)
    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]


async def _reads(api: Api, operation: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((r.who, r.whom, r.fields) for r in await api.store.audit_log()
                  if r.operation == operation)  # fmt: skip


# A mutation's payload hands out the record it wrote: of someone else's, a read.
PAYLOAD_READS = [
    ("e05", """mutation Add { addPlanActivity(input: {planId: "p-e03-2025",
       item: {competenceId: "bem", targetLevel: 2}}) { ... on PlanActivityPayload {
       planActivity { plan { activities { id status } } } } } }""",
     [("e05", "e03", ("plans",))]),
    ("e05", """mutation Done { completePlanActivity(input: {id: "p-e03-2025#2",
       completedOn: "2025-03-10"}) { ... on CompletePlanActivityPayload {
       planActivity { status } holding { level } } } }""",
     [("e05", "e03", ("competences", "plans"))]),
    ("e05", """mutation Plan { createPlan(input: {employeeId: "e03", periodStart: "2025-03-01",
       periodEnd: "2025-12-31"}) { ... on PlanPayload { plan { status } } } }""",
     [("e05", "e03", ("plans",))]),
    ("e05", """mutation Assess { assessCompetence(input: {employeeId: "e03",
       competenceId: "evb", level: 3}) { ... on AssessCompetencePayload {
       holding { level } } } }""",
     [("e05", "e03", ("competences",))]),
    ("e05", """mutation Talk { recordConversation(input: {employeeId: "e03",
       kind: LONESAMTAL}) { ... on ConversationPayload { conversation { heldOn } } } }""",
     [("e05", "e03", ("conversations",))]),
    ("e06", """mutation Start { startMentorship(input: {mentorId: "e02", adeptId: "e04",
       focus: ["team"], startedOn: "2025-03-01"}) { ... on MentorshipPayload {
       mentorship { startedOn } } } }""",
     [("e06", "e02", ("adepts",)), ("e06", "e04", ("mentors",))]),
]  # fmt: skip


@pytest.mark.parametrize(("user", "mutation", "expected"), PAYLOAD_READS)
async def test_a_mutation_s_payload_about_someone_else_is_audited(
    api: Api, user: str, mutation: str, expected: list[tuple[str, str, tuple[str, ...]]]
) -> None:
    body = data(await api.gql(mutation, user=user))
    assert "Error" not in json.dumps(body), body
    operation = mutation.split()[1]
    assert await _reads(api, operation) == expected


async def test_a_payload_not_asked_for_is_not_audited(api: Api) -> None:
    body = data(
        await api.gql(
            """mutation Quiet { addPlanActivity(input: {planId: "p-e03-2025",
                 item: {competenceId: "bem", targetLevel: 2}}) { __typename } }""",
            user="e05",
        )
    )
    assert body["addPlanActivity"]["__typename"] == "PlanActivityPayload"
    assert await api.store.audit_log() == []


async def test_a_mutation_s_payload_about_oneself_is_not_audited(api: Api) -> None:
    own = [
        'mutation Own { addPlanActivity(input: {planId: "p-e03-2025", item: {competenceId: "bem",'
        " targetLevel: 2}}) { ... on PlanActivityPayload { planActivity { plan { activities {"
        " id } } } } } }",
        'mutation Own { completePlanActivity(input: {id: "p-e03-2025#2"}) {'
        " ... on CompletePlanActivityPayload { planActivity { status } holding { level } } } }",
        'mutation Own { assessCompetence(input: {employeeId: "e03", competenceId: "evb",'
        " level: 2}) { ... on AssessCompetencePayload { holding { level } } } }",
    ]
    for mutation in own:
        body = data(await api.gql(mutation, user="e03"))
        assert "Error" not in json.dumps(body), body
    assert await api.store.audit_log() == []


CANDIDATE_FIELDS = tuple(
    f"MentorCandidate.{f}" for f in ("activeAdepts", "capacity", "competences", "mentor", "score")
)


async def test_what_a_mentor_candidate_says_of_the_mentor_is_audited(api: Api) -> None:
    body = data(
        await api.gql(
            """query Cands { mentorCandidates(adeptId: "e04", competenceIds: ["team"]) {
                 mentor { id } activeAdepts capacity competences { id } score } }""",
            user="e04",
        )
    )
    mentors = sorted(c["mentor"]["id"] for c in body["mentorCandidates"])
    assert mentors
    # The adept's own candidates: no read of the adept; each mentor's fields.
    assert await _reads(api, "Cands") == [("e04", m, CANDIDATE_FIELDS) for m in mentors]


async def test_mentor_proposals_and_suggestions_audit_the_people_they_name(api: Api) -> None:
    body = data(
        await api.gql(
            """query Props { mentorProposals(unitId: "reg", asOf: "2025-03-01") {
                 mentor { id } adept { id } score competences { id } } }""",
            user="e10",
            roles="admin",
        )
    )
    expected: dict[str, set[str]] = {}
    for p in body["mentorProposals"]:
        expected.setdefault(p["mentor"]["id"], set()).update(
            f"MentorProposal.{f}" for f in ("competences", "mentor", "score")
        )
        expected.setdefault(p["adept"]["id"], set()).update(
            f"MentorProposal.{f}" for f in ("adept", "competences", "score")
        )
    assert expected
    assert await _reads(api, "Props") == sorted(
        ("e10", whom, tuple(sorted(fields))) for whom, fields in expected.items()
    )

    body = data(
        await api.gql(
            """query Next { nextSteps(employeeId: "e03", limit: 10, asOf: "2025-03-01") {
                 mentor { id } } }""",
            user="e10",
            roles="admin",
        )
    )
    named = {s["mentor"]["id"] for s in body["nextSteps"] if s["mentor"]}
    assert named
    assert await _reads(api, "Next") == sorted(
        [("e10", "e03", ("nextSteps",))]
        + [("e10", m, ("DevelopmentSuggestion.mentor",)) for m in named]
    )


async def test_aggregates_and_reference_data_are_not_audited(api: Api) -> None:
    data(await api.gql('{ planCoverage(unitId: "enh-akut") { employees } }', user="e05"))
    data(await api.gql("{ competences { id } }", user="e03"))
    assert await api.store.audit_log() == []


async def test_no_answer_about_others_when_the_audit_cannot_be_written(api: Api) -> None:
    broken = FailingStore(api.store, {"record_audit": StoreUnavailableError("disk full")})
    async with serving(broken) as failing:  # type: ignore[arg-type]
        response = await failing.post('{ employee(id: "e03") { name } }', user="e05")
        own = await failing.post("{ me { name } }", user="e05")
    assert response.status_code == 503
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["UNAVAILABLE"]
    assert "Cecilia" not in response.text
    # Reading oneself records nothing, so it is answered.
    assert own.status_code == 200
    assert own.json()["data"] == {"me": {"name": "Eva Holm"}}


async def test_a_mutation_whose_answer_cannot_be_audited_says_it_may_be_saved(api: Api) -> None:
    # The write commits before the audit is tried. Answered UNAVAILABLE with
    # Retry-After ("try again"), a client repeated a change that was made.
    broken = FailingStore(api.store, {"record_audit": StoreUnavailableError("disk full")})
    query = """mutation { addPlanActivity(input: {planId: "p-e03-2025",
      item: {competenceId: "team", targetLevel: 2}}) {
      ... on PlanActivityPayload { planActivity { id } } } }"""
    async with serving(broken) as failing:  # type: ignore[arg-type]
        response = await failing.post(query, user="e05")
    assert response.status_code == 503
    assert "retry-after" not in response.headers
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["ANSWER_WITHHELD"]
    assert "may have been saved" in body["errors"][0]["message"]
    assert [a.seq for a in await api.store.plan_activities(["p-e03-2025"])] == [1, 2, 3, 4]
