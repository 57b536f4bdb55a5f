"""The bench's lean client: answers, errors, and a connection the server dropped."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.clients import LeanClient


class Drops(BaseHTTPRequestHandler):
    """Answers with the request's variables, over HTTP/1.1 without saying it
    will close, then closes: as uvicorn does with an idle keep-alive."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        variables = request.get("variables") or {}
        if variables.get("fail") == "http":
            status, answer = 503, {"status": "unavailable"}
        elif variables.get("fail") == "graphql":
            status, answer = 200, {"data": None, "errors": [{"message": "no such step"}]}
        else:
            status, answer = 200, {"data": {"echo": variables}}
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Drops)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_it_reconnects_once_when_the_server_dropped_the_connection(url: str) -> None:
    client = LeanClient(url)
    try:
        for i in range(3):  # every request after the first finds the old connection closed
            answer = await client.post({"query": "{ x }", "variables": {"i": i}}, {})
            assert answer == {"echo": {"i": i}}
    finally:
        client.close()


async def test_http_and_graphql_errors_are_raised_with_what_went_wrong(url: str) -> None:
    client = LeanClient(url)
    try:
        with pytest.raises(RuntimeError, match="HTTP 503"):
            await client.post({"query": "{ x }", "variables": {"fail": "http"}}, {})
        with pytest.raises(RuntimeError, match="no such step"):
            await client.post({"query": "{ x }", "variables": {"fail": "graphql"}}, {})
    finally:
        client.close()
