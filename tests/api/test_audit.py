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
