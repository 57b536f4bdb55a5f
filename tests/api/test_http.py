"""The HTTP surface: probes, limits, introspection and GraphiQL switches,
masking of unexpected errors, and no 500 for any request."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator, MutableMapping
from contextlib import closing
from pathlib import Path
from typing import Any

import apsw
import graphql
import httpx
import pytest

from graph.embedded import EmbeddedStore
from ladders.errors import OutcomeUnknownError, StoreUnavailableError
from ladders.ports import Store
from tests.api.conftest import Api, data, dev_settings, error_codes, serving
from tests.builders import tiny_region


class FailingStore:
    """A real store whose chosen methods fail with the given exception."""

    def __init__(self, inner: Store, failures: dict[str, Exception]) -> None:
        self.inner = inner
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        if name in self.failures:
            error = self.failures[name]

            async def fail(*args: Any, **kwargs: Any) -> Any:
                raise error

            return fail
        return getattr(self.inner, name)


async def test_healthz_and_readyz(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_what_start_up_built_is_frozen_out_of_the_collector_while_serving(
    store: Store,
) -> None:
    before = gc.get_freeze_count()
    async with serving(store) as api:
        # Collections during requests then walk only what requests made.
        assert gc.get_freeze_count() > before
        assert data(await api.gql("{ __typename }")) == {"__typename": "Query"}
    assert gc.get_freeze_count() == before


async def test_readyz_is_503_when_the_store_does_not_answer(store: Store) -> None:
    broken = FailingStore(store, {"ping": StoreUnavailableError("down")})
    async with serving(broken) as api:  # type: ignore[arg-type]
        assert (await api.client.get("/healthz")).status_code == 200
        ready = await api.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})


async def _failing(
    store: Store, method: str, query: str, caplog: pytest.LogCaptureFixture
) -> tuple[httpx.Response, str]:
    """`query` asked of a store whose `method` fails with a bug's error: the
    answer and its request id, under which the operator finds the real error
    (masked for the caller) in the log."""
    broken = FailingStore(store, {method: RuntimeError("secret detail of the bug")})
    async with serving(broken) as api:  # type: ignore[arg-type]
        with caplog.at_level(logging.ERROR, logger="stege.api"):
            response = await api.post(query, user="e03")
    request_id = response.headers["X-Request-Id"]
    assert "secret" not in response.text
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
    assert "secret detail of the bug" in str(logged[0].exc_info[1])
    return response, request_id


async def test_unexpected_errors_are_masked_with_a_request_id(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    query = "{ me { name competences { level } } }"
    response, request_id = await _failing(store, "holdings_of", query, caplog)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": {"name": "Cecilia Berg", "competences": None}}
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert error["message"] == f"Unexpected error (request id {request_id})."


async def test_an_unexpected_error_before_execution_is_masked_with_a_request_id(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # The catalog is checked before strawberry runs the operation, so its
    # masking does not apply there: this was a bare text/plain 500.
    query = "{ competences { id } }"
    response, request_id = await _failing(store, "reference_version", query, caplog)
    assert response.status_code == 500
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": f"Unexpected error (request id {request_id}).",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ],
    }


async def test_a_client_that_goes_away_mid_body_gets_nothing_and_logs_no_error(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    # What uvicorn hands the app when the client closes before sending all
    # of its Content-Length: part of the body, then a disconnect.
    messages: Iterator[dict[str, Any]] = iter(
        [
            {"type": "http.request", "body": b'{"query":', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"stege.test"),
            (b"content-type", b"application/json"),
            (b"content-length", b"1000"),
            (b"x-stege-user", b"e03"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    with caplog.at_level(logging.DEBUG, logger="stege.api"):
        await api.app(scope, receive, send)  # raises nothing
    assert sent == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    (gone,) = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert gone.levelno == logging.DEBUG
    assert gone.exc_info is None


@pytest.mark.neo4j
async def test_a_neo4j_database_that_does_not_exist_is_a_coded_503(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    from graph.neo4j import Neo4jStore

    store = await Neo4jStore.open(uri=neo4j_uri, auth=neo4j_auth, database="nosuch")
    try:
        async with serving(store) as api:
            response = await api.post("{ me { name } }", user="e03")
            ready = await api.client.get("/readyz")
    finally:
        await store.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert error_codes(body) == ["UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "nosuch" not in response.text
    assert ready.status_code == 503


async def test_an_unavailable_store_is_a_coded_503(store: Store) -> None:
    broken = FailingStore(store, {"get_employees": StoreUnavailableError("connection refused")})
    async with serving(broken) as api:  # type: ignore[arg-type]
        response = await api.post("{ me { name } }", user="e03")
    # Retryable, and not the server's bug: 503 with Retry-After, never a 500.
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert error_codes(response.json()) == ["UNAVAILABLE"]
    assert "connection refused" not in response.text


async def test_a_write_of_unknown_outcome_is_a_503_without_retry_after(store: Store) -> None:
    # The commit went out and its answer was lost: the change may have been
    # made, so no "try again" (UNAVAILABLE, Retry-After) that a client would
    # follow into making it twice.
    lost = OutcomeUnknownError("the change may have been made; read it back")
    broken = FailingStore(store, {"add_conversation": lost})
    query = """mutation { recordConversation(input: {employeeId: "e03", kind: LONESAMTAL,
      heldOn: "2025-03-02"}) { __typename } }"""
    async with serving(broken) as api:  # type: ignore[arg-type]
        response = await api.post(query, user="e05")
    assert response.status_code == 503
    assert "retry-after" not in response.headers
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["OUTCOME_UNKNOWN"]
    assert body["errors"][0]["message"] == str(lost)


async def test_a_store_down_before_execution_is_the_same_coded_503(store: Store) -> None:
    # The catalog is checked before any resolver runs; failing there must look
    # exactly like failing inside a resolver.
    broken = FailingStore(store, {"reference_version": StoreUnavailableError("bolt refused")})
    async with serving(broken) as api:  # type: ignore[arg-type]
        response = await api.post("{ competences { id } }", user="e03")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "bolt refused" not in response.text


async def test_depth_alias_and_token_limits(api: Api) -> None:
    deep = "{ me { unit " + "{ parent " * 12 + "{ id }" + " }" * 12 + " } }"
    body = await api.gql(deep)
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: professions {{ id }}" for i in range(31)) + " }"
    body = await api.gql(aliases)
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"].lower()
    tokens = "{ " + " ".join("professions { id }" for _ in range(600)) + " }"
    body = await api.gql(tokens)
    assert body["data"] is None
    assert "token" in body["errors"][0]["message"].lower()
    ok = data(
        await api.gql("{ " + " ".join(f"a{i}: professions {{ id }}" for i in range(5)) + " }")
    )
    assert len(ok) == 5


async def test_a_document_past_graphql_core_s_validation_budget_says_so(api: Api) -> None:
    # 750 copies of one field are within the token limit but exhaust
    # graphql-core's budget for comparing fields; its message was only
    # "Validation aborted.".
    body = await api.gql("{ me { " + " ".join(["id"] * 750) + " } }")
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"].startswith("the document is too complex to validate")
    assert data(await api.gql("{ me { " + " ".join(["id"] * 600) + " } }")) == {"me": {"id": "e05"}}


def doubling_fragments(n: int) -> str:
    """A document of ~40 bytes a fragment whose fields double with each one:
    2^n `__typename` once spread out."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n))
    return f"query {{ ...F0 }} {chain} fragment F{n} on Query {{ __typename }}"


async def test_fragments_that_multiply_fields_are_refused_unwalked(api: Api) -> None:
    # 2^16 fields: the depth and alias rules walked each one (exponential in
    # n; 2^22 took ~20 s of CPU in the event loop). Now one error, no data.
    body = await api.gql(doubling_fragments(16))
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [
        "The query is too large: with its fragments spread out it has more than 5000 fields."
    ]
    # Fragments spread several times within the bound, and the standard
    # introspection query (GraphiQL's), still pass.
    assert data(await api.gql(doubling_fragments(12))) == {"__typename": "Query"}
    schema = data(await api.gql(graphql.get_introspection_query()))
    assert schema["__schema"]["queryType"]["name"] == "Query"


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_and_graphiql_are_off_unless_enabled(store: Store) -> None:
    async with serving(store, dev_settings(introspection=False)) as api:
        body = await api.gql(INTROSPECTION)
        assert body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()
        # Without introspection, errors do not suggest field names either.
        typo = await api.gql("{ mee { id } }")
        assert "Did you mean" not in typo["errors"][0]["message"]
        page = await api.client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 405
        assert page.headers["allow"] == "POST"
    async with serving(store, dev_settings(introspection=True, graphiql=True)) as api:
        body = data(await api.gql(INTROSPECTION))
        assert body == {"__schema": {"queryType": {"name": "Query"}}}
        page = await api.client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()


@pytest.mark.parametrize("graphiql", [False, True])
@pytest.mark.parametrize(
    ("method", "params"),
    [("GET", {}), ("GET", {"query": "{ me { id } }"}), ("PUT", {}), ("DELETE", {})],
)
async def test_other_methods_than_post_are_a_coded_405(
    store: Store, graphiql: bool, method: str, params: dict[str, str]
) -> None:
    # Strawberry answered these in plain text: 404 (GET without GraphiQL), 400
    # "queries are not allowed when using GET", and 405 for a PUT saying
    # `Allow: GET` (POST is what is allowed).
    async with serving(store, dev_settings(graphiql=graphiql)) as api:
        response = await api.client.request(
            method, "/graphql", params=params, headers={"Accept": "application/json"}
        )
    assert response.status_code == 405
    assert response.headers["allow"] == ("GET, POST" if graphiql else "POST")
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]
    assert response.json()["errors"][0]["message"].startswith(f"{method} is not accepted")
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("post", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("post", {"content": b"query", "headers": {"content-type": "text/plain"}}),
        ("post", {"json": {}}),
        ("post", {"json": []}),
        ("post", {"json": {"query": 42}}),
        ("post", {"json": {"query": "{ me { id } }", "variables": "nope"}}),
        ("post", {"json": {"query": "{"}}),
        ("post", {"json": {"query": "mutation { nope }"}}),
        ("post", {"json": {"query": "query($d: Date) { gap(employeeId: \"e03\", asOf: $d) "
                           "{ ready } }", "variables": {"d": "2025-13-45"}}}),
        ("post", {"json": {"query": "{ employees(first: 99999999999) { totalCount } }"}}),
        ("post", {"json": {"query": "{ me { id } } { me { id } }"}}),
        ("post", {"json": {"query": "subscription { me { id } }"}}),
        ("get", {"params": {"query": "{ me { id } }"}}),
        ("get", {"headers": {"accept": "application/json"}}),
        ("put", {"json": {"query": "{ me { id } }"}}),
        ("delete", {}),
    ],
)  # fmt: skip
async def test_no_request_gets_a_500(api: Api, method: str, kwargs: dict[str, Any]) -> None:
    headers = {"X-Stege-User": "e03", **kwargs.pop("headers", {})}
    response = await api.client.request(method.upper(), "/graphql", headers=headers, **kwargs)
    assert response.status_code < 500, response.text


async def test_mutations_are_never_run_over_get(api: Api) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": 'mutation { setUnitNeed(input: {unitId: "enh-akut", competenceId: '
                '"evb", level: 3, count: 9}) { __typename } }'},
        headers={"X-Stege-User": "e05"},
    )  # fmt: skip
    assert 400 <= response.status_code < 500
    needs = await api.store.unit_needs(["enh-akut"])
    assert all(n.count != 9 for n in needs)


async def test_a_repeated_query_is_parsed_and_validated_once(api: Api) -> None:
    # The limit rules are built once per schema so that the validation cache
    # (keyed by document and rules) hits; per-request rule classes never would.
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    from api.schema import DOCUMENT_CACHE_SIZE

    query = "{ competences { id } repeatedProbe: professions { id } }"
    await api.gql(query)
    parsed = _get_parse_cache(DOCUMENT_CACHE_SIZE).cache_info().hits
    validated = _get_validate_cache(DOCUMENT_CACHE_SIZE).cache_info().hits
    body = await api.gql(query)
    assert not body.get("errors"), body
    assert _get_parse_cache(DOCUMENT_CACHE_SIZE).cache_info().hits == parsed + 1
    assert _get_validate_cache(DOCUMENT_CACHE_SIZE).cache_info().hits == validated + 1


async def test_limits_still_hold_for_a_cached_document(api: Api) -> None:
    deep = "{ me { unit { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } }"  # noqa: E501
    for _ in range(2):
        response = await api.post(deep, user="e05")
        assert "depth" in response.text.lower(), response.text


@pytest.mark.parametrize(
    "query",
    [
        "{ me { ...Z } }",
        "{ me { id ... on Employee { ...Z } } }",
        "query { me { ...A } } fragment A on Employee { unit { ...Z } }",
    ],
)
async def test_an_unknown_fragment_is_the_usual_validation_error(api: Api, query: str) -> None:
    # The depth limit's rule read fragments[name] and answered a bare KeyError.
    body = await api.gql(query)
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["Unknown fragment 'Z'."]


async def test_an_exception_in_a_validation_rule_is_masked_with_a_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from strawberry.extensions import query_depth_limiter

    def broken(**_: Any) -> int:
        raise RuntimeError("secret detail of the rule")

    monkeypatch.setattr(query_depth_limiter, "determine_depth", broken)
    with caplog.at_level(logging.ERROR, logger="stege.api"):
        # A document of its own: the validation cache must not answer for it.
        response = await api.post("{ maskedRuleProbe: me { id } }")
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    request_id = response.headers["X-Request-Id"]
    assert error["message"] == f"Unexpected error (request id {request_id})."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.text
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)


async def test_readyz_is_503_when_the_embedded_database_file_is_broken(tmp_path: Path) -> None:
    # The file emptied under the running server: every request then fails,
    # so the readiness check, which once ran `SELECT 1`, must fail too.
    path = tmp_path / "stege.db"
    store = await EmbeddedStore.open(path)
    try:
        await store.import_dataset(tiny_region())
        async with serving(store) as api:
            assert (await api.client.get("/readyz")).status_code == 200
            # What the import left in the write-ahead log moved into the file
            # (as a server running a while has it), then the file emptied.
            with closing(apsw.Connection(str(path))) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            os.truncate(path, 0)
            ready = await api.client.get("/readyz")
            assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})
            assert (await api.post("{ me { id } }")).status_code == 503
    finally:
        await store.close()


@pytest.mark.parametrize(
    "content_type", ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/json"]
)
async def test_the_media_type_is_case_insensitive(api: Api, content_type: str) -> None:
    # RFC 9110: media types are case-insensitive; strawberry compared them as given.
    response = await api.client.post(
        "/graphql",
        content=b'{"query": "{ me { id } }"}',
        headers={"content-type": content_type, "X-Stege-User": "e05"},
    )
    assert response.status_code == 200, response.text
    assert data(response.json()) == {"me": {"id": "e05"}}


@pytest.mark.parametrize(
    ("query", "operation", "message"),
    [
        ("query A { me { id } }", "Nope", "Unknown operation named 'Nope'."),
        ("fragment F on Query { me { id } }", None, "Must provide an operation."),
        (
            "query A { me { id } } query B { me { name } }",
            None,
            "Must provide operation name if query contains multiple operations.",
        ),
    ],
)
async def test_an_operation_that_cannot_be_chosen_is_a_graphql_error(
    api: Api, query: str, operation: str | None, message: str
) -> None:
    # Strawberry answered 400 text/plain for the first two and ran the first
    # operation of the last (the GraphQL spec requires an error).
    response = await api.client.post(
        "/graphql",
        json={"query": query, "operationName": operation},
        headers={"X-Stege-User": "e05"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [message]


async def test_a_named_operation_of_several_runs(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        json={"query": "query A { me { id } } query B { me { name } }", "operationName": "B"},
        headers={"X-Stege-User": "e05"},
    )
    assert data(response.json()) == {"me": {"name": "Eva Holm"}}
