"""Dates given to mutations are stored only inside 1900-01-01..2200-12-31
(`ladders.models.DAY_RANGE`), the range of `asOf` too: a date outside it is a
`ValidationError` naming the field and changes nothing. Before, 9999-12-31
was stored, and every later read that added a validity or a horizon to it
overflowed (INTERNAL_SERVER_ERROR for anything touching that person)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, data
from tests.api.test_mutations import run, unchanged

AFTER, BEFORE = "9999-12-31", "0001-01-01"
JUST_AFTER, JUST_BEFORE = "2201-01-01", "1899-12-31"
FIRST, LAST = "1900-01-01", "2200-12-31"

ASSESS = "... on AssessCompetencePayload { holding { level assessedOn expiresOn } }"
PLAN = "... on PlanPayload { plan { id } }"
MENTOR = "... on MentorshipPayload { mentorship { startedOn endedOn } }"
TALK = "... on ConversationPayload { conversation { heldOn } }"
ITEM = "... on CompletePlanActivityPayload { planActivity { status } }"
EMPLOYEE = "... on EmployeePayload { employee { id } }"

# hlr is valid 12 months: a holding assessed on 9999-12-31 would expire in year 10000.
HLR = {"employeeId": "e03", "competenceId": "hlr", "level": 3}
NEW_PLAN = {"employeeId": "e03", "periodStart": "2025-03-01", "periodEnd": "2026-02-28"}
E02_TO_E04 = {"mentorId": "e02", "adeptId": "e04", "focus": ["team"]}

CASES = [
    pytest.param("assessCompetence", ASSESS, {**HLR, "assessedOn": AFTER}, "e05",
                 "assessedOn", id="assessedOn-9999"),
    pytest.param("assessCompetence", ASSESS, {**HLR, "assessedOn": JUST_AFTER}, "e05",
                 "assessedOn", id="assessedOn-2201"),
    pytest.param("assessCompetence", ASSESS, {**HLR, "assessedOn": BEFORE}, "e05",
                 "assessedOn", id="assessedOn-0001"),
    pytest.param("assessCompetence", ASSESS,
                 {**HLR, "assessedOn": "2025-03-01", "expiresOn": AFTER}, "e05",
                 "expiresOn", id="expiresOn-9999"),
    pytest.param("createPlan", PLAN, {**NEW_PLAN, "periodEnd": AFTER}, "e03",
                 "periodEnd", id="periodEnd-9999"),
    pytest.param("createPlan", PLAN, {**NEW_PLAN, "periodStart": JUST_BEFORE}, "e03",
                 "periodStart", id="periodStart-1899"),
    pytest.param("createPlan", PLAN, {**NEW_PLAN, "createdOn": AFTER}, "e03",
                 "createdOn", id="createdOn-9999"),
    pytest.param("createPlan", PLAN, {**NEW_PLAN, "createdOn": BEFORE, "fromNextSteps": 3},
                 "e03", "createdOn", id="createdOn-0001-fromNextSteps"),
    pytest.param("createPlan", PLAN, {**NEW_PLAN, "createdOn": AFTER, "fromNextSteps": 3},
                 "e03", "createdOn", id="createdOn-9999-fromNextSteps"),
    pytest.param("completePlanActivity", ITEM, {"id": "p-e03-2025#2", "completedOn": BEFORE},
                 "e03", "completedOn", id="completedOn-0001"),
    pytest.param("createPlan", PLAN,
                 {**NEW_PLAN, "items": [{"competenceId": "evb", "targetLevel": 2, "dueOn": AFTER}]},
                 "e03", "items.0.dueOn", id="dueOn-9999"),
    pytest.param("startMentorship", MENTOR, {**E02_TO_E04, "startedOn": AFTER}, "e06",
                 "startedOn", id="startedOn-9999"),
    # (Early start dates meet the mentor's age rule first: no one is 55 in year 1.)
    pytest.param("recordConversation", TALK,
                 {"employeeId": "e03", "kind": "LONESAMTAL", "heldOn": AFTER}, "e05",
                 "heldOn", id="heldOn-9999"),
    pytest.param("recordConversation", TALK,
                 {"employeeId": "e03", "kind": "LONESAMTAL", "heldOn": BEFORE}, "e05",
                 "heldOn", id="heldOn-0001"),
    # Changes made by copying the stored record are validated too.
    pytest.param("endMentorship", MENTOR,
                 {"mentorId": "e01", "adeptId": "e03", "endedOn": AFTER}, "e05",
                 "endedOn", id="endedOn-9999"),
    pytest.param("completePlanActivity", ITEM, {"id": "p-e03-2025#2", "completedOn": AFTER},
                 "e03", "completedOn", id="completedOn-9999"),
    pytest.param("upsertEmployee", EMPLOYEE, {"id": "e03", "stepSince": AFTER}, "e05",
                 "stepSince", id="stepSince-9999"),
    pytest.param("upsertEmployee", EMPLOYEE, {"id": "e03", "employedSince": BEFORE}, "e05",
                 "employedSince", id="employedSince-0001"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "payload", "input", "who", "field"), CASES)
async def test_a_date_outside_the_range_is_a_validation_error_naming_the_field(
    api: Api, name: str, payload: str, input: dict[str, Any], who: str, field: str
) -> None:
    roles = "admin" if name == "upsertEmployee" else None
    async with unchanged(api):
        result = await run(api, name, payload, input, user=who, roles=roles)
    assert result["__typename"] == "ValidationError", result
    assert [f["field"] for f in result["fields"]] == [field]
    assert "2200-12-31" in result["message"] or "1900-01-01" in result["message"]


async def test_dates_outside_the_range_are_named_by_their_input_path(api: Api) -> None:
    """The field is the caller's input, as sent: the follow-up's date (not the
    plan field it sets), an added item's `item.dueOn`, the second item's."""
    cases = [
        ("followUpPlan", PLAN, {"planId": "p-e03-2025", "followedUpOn": AFTER}, "followedUpOn"),
        ("addPlanActivity", "__typename",
         {"planId": "p-e03-2025", "item": {"competenceId": "team", "targetLevel": 2,
                                           "dueOn": JUST_BEFORE}}, "item.dueOn"),
        ("createPlan", PLAN,
         {**NEW_PLAN, "items": [{"competenceId": "evb", "targetLevel": 2},
                                {"competenceId": "evb", "targetLevel": 3, "dueOn": AFTER}]},
         "items.1.dueOn"),
    ]  # fmt: skip
    for name, payload, input, field in cases:
        async with unchanged(api):
            result = await run(api, name, payload, input, user="e05", roles="admin")
        assert result["__typename"] == "ValidationError", (name, result)
        assert [f["field"] for f in result["fields"]] == [field], (name, result)
        day = input.get("followedUpOn") or (input.get("item") or input["items"][1])["dueOn"]
        assert day in result["message"], (name, result)


READS = """query($id: ID!, $asOf: Date) {
  employee(id: $id) { competences(asOf: $asOf) { competence { id } heldLevel expiresOn } }
  gap(employeeId: $id, asOf: $asOf) { ready items { competence { id } heldLevel } }
  nextSteps(employeeId: $id, asOf: $asOf) { competence { id } }
  careerPaths(employeeId: $id, asOf: $asOf) { totalMonths }
}"""

UNIT_READS = """query($asOf: Date) {
  long: competenceSupply(unitId: "reg", horizon: LONG, includeDescendants: true, asOf: $asOf) {
    required projected }
  planCoverage(unitId: "reg", asOf: $asOf) { withCurrentPlan }
  knowledgeTransferRisks(unitId: "reg", asOf: $asOf) { holders }
  mentorProposals(unitId: "reg", asOf: $asOf) { score }
}"""


@pytest.mark.parametrize("day", [FIRST, LAST])
async def test_the_ends_of_the_range_are_stored_and_every_read_answers(api: Api, day: str) -> None:
    """The largest dates with a validity added to them and the longest horizon
    asked of them: no read overflows."""
    assessed = await run(api, "assessCompetence", ASSESS, {**HLR, "assessedOn": day}, user="e05")
    assert assessed["holding"]["assessedOn"] == day
    if day == LAST:  # in 1900 the mentor is not born yet
        started = await run(
            api, "startMentorship", MENTOR, {**E02_TO_E04, "startedOn": day}, user="e06"
        )
        assert started["mentorship"]["startedOn"] == day
    talk = await run(
        api, "recordConversation", TALK,
        {"employeeId": "e03", "kind": "LONESAMTAL", "heldOn": day}, user="e05",
    )  # fmt: skip
    assert talk["conversation"]["heldOn"] == day
    plan = await run(
        api, "createPlan", PLAN,
        {"employeeId": "e03", "periodStart": FIRST, "periodEnd": LAST, "createdOn": day,
         "items": [{"competenceId": "evb", "targetLevel": 2, "dueOn": day}]},
        user="e03",
    )  # fmt: skip
    assert plan["__typename"] == "PlanPayload", plan
    for as_of in (FIRST, LAST, None):
        for who in ("e03", "e04"):
            body = await api.gql(READS, {"id": who, "asOf": as_of}, user="e06", roles="admin")
            assert "errors" not in body, body
        body = await api.gql(UNIT_READS, {"asOf": as_of}, user="e06", roles="admin")
        assert "errors" not in body, body
    competences = data(await api.gql(READS, {"id": "e03", "asOf": day}, user="e03"))
    held = {c["competence"]["id"]: c for c in competences["employee"]["competences"]}
    assert held["hlr"]["heldLevel"] == 3
