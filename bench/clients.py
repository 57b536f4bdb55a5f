"""The bench's HTTP clients: both POST a GraphQL request and return its `data`.

- `LeanClient` times the one-at-a-time requests. `http.client` over one
  keep-alive connection, called on the event loop's own thread (it blocks it;
  nothing else runs while a figure is timed). On this 2-core machine the
  client shares the cores with the server, so its own CPU is in every figure:
  `{ __typename }` took 3.6-4.0 ms p50 with httpx, 1.5-3.0 ms with aiohttp
  and ~1.0 ms with this client, same server. The server's time is the
  subject, not the client's.
- `PooledClient` (aiohttp) sends concurrent requests: settling, throughput.
"""

from __future__ import annotations

import http.client
import json
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp

GRAPHQL = "/graphql"
TIMEOUT_S = 120
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Poster(Protocol):
    async def post(self, payload: dict[str, Any], headers: dict[str, str]) -> object:
        """The answer's `data`; raises on an HTTP error or a GraphQL error."""
        ...


def _data(status: int, body: bytes) -> object:
    if status >= 400:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    answer = json.loads(body)
    if answer.get("errors"):
        raise RuntimeError(answer["errors"][0].get("message"))
    return answer["data"]


class LeanClient:
    """One keep-alive connection, blocking calls (see the module's doc)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S
        )

    async def post(self, payload: dict[str, Any], headers: dict[str, str]) -> object:
        body = json.dumps(payload)
        sent = {"Content-Type": "application/json", **headers}
        try:
            self._connection.request("POST", GRAPHQL, body, sent)
            response = self._connection.getresponse()
        except _STALE:
            # uvicorn closes a connection idle for 5 s (between figures, while
            # bare calls run): open a new one once; the warm-up calls absorb it.
            self._connection.close()
            self._connection.request("POST", GRAPHQL, body, sent)
            response = self._connection.getresponse()
        return _data(response.status, response.read())

    def close(self) -> None:
        self._connection.close()


class PooledClient:
    """aiohttp with up to `limit` connections, for concurrent requests."""

    def __init__(self, url: str, limit: int = 16) -> None:
        self._session = aiohttp.ClientSession(
            base_url=url,
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
            connector=aiohttp.TCPConnector(limit=limit),
        )

    async def post(self, payload: dict[str, Any], headers: dict[str, str]) -> object:
        async with self._session.post(GRAPHQL, json=payload, headers=headers) as response:
            return _data(response.status, await response.read())

    async def close(self) -> None:
        await self._session.close()
