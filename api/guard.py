"""The envelope of a GraphQL request, checked before strawberry sees it.

One operation per POST, as a JSON object of at most `max_body_bytes`:
`query` a string, `variables` and `extensions` objects (or absent),
`operationName` a string (or absent). Anything else is the client's error
(400, 413 or 415) with a plain JSON message, never a 500 from deeper down
(a JSON string body, a lone surrogate, nesting too deep for the parser).
JSON arrays are batches, which Stege does not take: one request, one
operation, so the limits of one document hold for the request.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

_FIELDS = {"query": str, "operationName": str, "variables": dict, "extensions": dict}


_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def refuse(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    error = {"message": message, "extensions": {"code": _CODES.get(status, "BAD_REQUEST")}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


def wrong_method(method: str, *, graphiql: bool) -> JSONResponse:
    """The refusal of a request to the GraphQL endpoint that is not a POST,
    unless it asks for GraphiQL and GraphiQL is on (`accept` holds text/html):
    405 naming what is allowed. Strawberry answered these in plain text (404,
    or 400 "queries are not allowed when using GET"), and a PUT with `Allow: GET`."""
    allowed = "GET, POST" if graphiql else "POST"
    return refuse(
        405,
        f"{method} is not accepted: send the operation as a POST of application/json"
        + (" (GET is for GraphiQL, from a browser)" if graphiql else ""),
        headers={"Allow": allowed},
    )


async def read_body(request: Request, limit: int) -> bytes | JSONResponse:
    """The whole body, or 413 as soon as it grows past `limit` (streamed, so a
    huge upload is not held in memory first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return refuse(413, f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return refuse(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # handed on to the GraphQL router (starlette's cache)
    return body


def check_envelope(body: bytes) -> JSONResponse | None:
    """None when the body is one well-formed operation; else the refusal."""
    try:
        payload: Any = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return refuse(400, "the body is not UTF-8")
    except (ValueError, RecursionError):
        return refuse(400, "the body is not JSON, or nested too deeply")
    if isinstance(payload, list):
        return refuse(400, "batched requests are not accepted: send one operation per request")
    if not isinstance(payload, dict):
        return refuse(400, "the body must be a JSON object with a query")
    for name, kind in _FIELDS.items():
        value = payload.get(name)
        if value is not None and not isinstance(value, kind):
            return refuse(400, f"{name} must be a {'string' if kind is str else 'JSON object'}")
    if not isinstance(payload.get("query"), str):
        return refuse(400, "query must be a string")
    if _has_lone_surrogate(payload):
        return refuse(400, "the body has a string that is not valid Unicode")
    return None


def _has_lone_surrogate(value: Any) -> bool:
    """JSON may escape half a surrogate pair (\\ud800), which no store can encode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def wants_graphiql(request: Request) -> bool:
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")


async def check_request(request: Request, limit: int) -> JSONResponse | None:
    """The refusal for a bad POST to the GraphQL endpoint, or None to go on."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        return refuse(415, "send application/json")
    body = await read_body(request, limit)
    if isinstance(body, JSONResponse):
        return body
    return check_envelope(body)
