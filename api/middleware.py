"""The one middleware: request ids, the GraphQL envelope check, warning headers.

Plain ASGI rather than `@app.middleware("http")`: starlette's
BaseHTTPMiddleware runs the rest of the app in a task of its own and streams
the answer back through a memory channel, which is a measurable share of a
millisecond-scale GraphQL request.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from api.guard import check_request, wants_graphiql, wrong_method

log = logging.getLogger("stege.api")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "X-Request-Id"
DEV_WARNING_HEADER = "X-Stege-Warning"


class RequestEnvelope:
    """Gives every HTTP request an id (`request.state.request_id`, echoed in
    `X-Request-Id`), refuses a malformed POST to `graphql_path` before
    strawberry sees it (api.guard), and, in dev auth mode, stamps the warning
    on every answer."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        graphql_path: str,
        max_body_bytes: int,
        dev_warning: str | None,
        graphiql: bool = False,
    ) -> None:
        self.app = app
        self.graphql_path = graphql_path
        self.max_body_bytes = max_body_bytes
        self.dev_warning = dev_warning
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        extra = [(REQUEST_ID_HEADER.lower().encode(), request_id.encode())]
        if self.dev_warning is not None:
            # Loud on every answer, not only in the start-up log.
            extra.append((DEV_WARNING_HEADER.lower().encode(), self.dev_warning.encode()))

        started = False

        async def send_stamped(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        try:
            if scope["path"].rstrip("/") == self.graphql_path:
                request = Request(scope, receive)
                refused = await self._refusal(request)
                if refused is not None:
                    await refused(scope, receive, send_stamped)
                    return
                if request.method == "POST":
                    receive = _replay(await request.body(), receive)
                    scope = {**scope, "headers": _plain_json(scope["headers"])}
            await self.app(scope, receive, send_stamped)
        except ClientDisconnect:
            # The client went away mid-body: nobody to answer, nothing wrong here.
            log.debug("client disconnected before its request was read (request id %s)", request_id)
        except Exception:
            # Outside GraphQL execution (whose errors strawberry masks): without
            # this, starlette answers a bare text 500 with no request id.
            log.exception("unexpected error (request id %s)", request_id)
            if started:
                raise  # an answer is under way: only the server can end it
            await unexpected(request_id)(scope, receive, send_stamped)

    async def _refusal(self, request: Request) -> JSONResponse | None:
        """Why a request to the GraphQL endpoint is refused before strawberry
        sees it, or None: a malformed POST, or another method than a browser's
        GET of GraphiQL (when it is on)."""
        if request.method == "POST":
            return await check_request(request, self.max_body_bytes)
        if self.graphiql and wants_graphiql(request):
            return None
        return wrong_method(request.method, graphiql=self.graphiql)


def unexpected(request_id: str) -> JSONResponse:
    """The masked answer to an error outside execution, as inside it (docs/api.md, Errors)."""
    error = {
        "message": f"Unexpected error (request id {request_id}).",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }
    return JSONResponse({"data": None, "errors": [error]}, status_code=500)


def _plain_json(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with `content-type: application/json` as strawberry wants
    it: api.guard accepted the media type in any case (RFC 9110) and the body
    as UTF-8, but strawberry compares the header as sent."""
    return [
        (name, b"application/json" if name == b"content-type" else value) for name, value in headers
    ]


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body on once, then defers to
    the real one (which reports a client disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
