"""Several mutations in one document run one after another, and each one's
payload shows the store after its own write: not what the request's
DataLoaders read before it (for a check, or for an earlier payload)."""

from __future__ import annotations

from tests.api.conftest import Api, data


async def test_a_second_assessment_shows_in_its_own_payload(api: Api) -> None:
    assess = (
        'assessCompetence(input: {employeeId: "e03", competenceId: "evb", level: %d, '
        'assessedOn: "2025-03-01"}) { ... on AssessCompetencePayload { holding { level } '
        'employee { competences(asOf: "2025-03-01") { competence { id } level } } } }'
    )
    body = data(await api.gql(f"mutation {{ a: {assess % 3} b: {assess % 4} }}", roles="admin"))
    for key, level in (("a", 3), ("b", 4)):
        payload = body[key]
        assert payload["holding"]["level"] == level
        held = {c["competence"]["id"]: c["level"] for c in payload["employee"]["competences"]}
        assert held["evb"] == level, key


async def test_a_second_need_shows_in_the_units_needs(api: Api) -> None:
    need = (
        'setUnitNeed(input: {unitId: "enh-akut", competenceId: "%s", level: 2, count: %d}) '
        "{ ... on UnitNeedPayload { unit { needs { competence { id } level count } } } }"
    )
    body = data(await api.gql(f"mutation {{ a: {need % ('bem', 3)} b: {need % ('pcv', 9)} }}",
                              roles="admin"))  # fmt: skip
    needs = {(n["competence"]["id"], n["level"]): n["count"] for n in body["b"]["unit"]["needs"]}
    assert needs[("bem", 2)] == 3
    assert needs[("pcv", 2)] == 9


async def test_a_second_talk_shows_in_the_employees_talks(api: Api) -> None:
    talk = (
        'recordConversation(input: {employeeId: "e03", kind: %s, heldOn: "%s"}) '
        "{ ... on ConversationPayload { employee { conversations { kind heldOn } } } }"
    )
    query = (
        f"mutation {{ a: {talk % ('LONESAMTAL', '2025-02-01')} "
        f"b: {talk % ('MEDARBETARSAMTAL', '2025-02-02')} }}"
    )
    body = data(await api.gql(query, roles="admin"))
    talks = {(c["kind"], c["heldOn"]) for c in body["b"]["employee"]["conversations"]}
    assert {("LONESAMTAL", "2025-02-01"), ("MEDARBETARSAMTAL", "2025-02-02")} <= talks


async def test_a_plans_later_payloads_show_its_earlier_changes(api: Api) -> None:
    plan = "plan { lastFollowupOn activities { id status } }"
    query = f"""mutation {{
      a: addPlanActivity(input: {{planId: "p-e03-2025", item: {{competenceId: "team",
          targetLevel: 2}}}}) {{ ... on PlanActivityPayload {{ planActivity {{ id {plan} }} }} }}
      b: addPlanActivity(input: {{planId: "p-e03-2025", item: {{competenceId: "pcv",
          targetLevel: 2}}}}) {{ ... on PlanActivityPayload {{ planActivity {{ id {plan} }} }} }}
      c: followUpPlan(input: {{planId: "p-e03-2025", followedUpOn: "2025-03-01"}}) {{
          ... on PlanPayload {{ plan {{ lastFollowupOn }} }} }}
      d: completePlanActivity(input: {{id: "p-e03-2025#4", completedOn: "2025-03-01"}}) {{
          ... on CompletePlanActivityPayload {{ planActivity {{ status {plan} }} }} }}
    }}"""
    body = data(await api.gql(query, roles="admin"))
    added = body["b"]["planActivity"]
    assert added["id"] in {a["id"] for a in added["plan"]["activities"]}
    done = body["d"]["planActivity"]
    assert done["status"] == "DONE"
    assert done["plan"]["lastFollowupOn"] == "2025-03-01"
    statuses = {a["id"]: a["status"] for a in done["plan"]["activities"]}
    assert statuses["p-e03-2025#4"] == "DONE"
    assert statuses[added["id"]] == "PLANNED"


async def test_a_move_shows_in_the_next_mutations_payload(api: Api) -> None:
    assess = (
        'assessCompetence(input: {employeeId: "e03", competenceId: "team", level: 2}) '
        "{ ... on AssessCompetencePayload { employee { unit { id } } } }"
    )
    query = f"""mutation {{
      a: {assess}
      b: upsertEmployee(input: {{id: "e03", unitId: "enh-psyk"}}) {{ __typename }}
      c: {assess}
    }}"""
    body = data(await api.gql(query, roles="admin"))
    assert body["a"]["employee"]["unit"]["id"] == "enh-akut"
    assert body["c"]["employee"]["unit"]["id"] == "enh-psyk"
