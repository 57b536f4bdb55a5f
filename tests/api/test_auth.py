"""Authentication (DESIGN §5): JWT with an HS256 secret or a JWKS, dev headers.

Tokens are made with PyJWT and real keys; the JWKS is served over HTTP on
loopback, so PyJWKClient fetches it for real.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from api.auth import DEV_WARNING, AuthConfig, Authenticator, AuthError, AuthUnavailableError, Role
from api.middleware import DEV_WARNING_HEADER
from api.settings import Settings
from ladders.ports import Store
from tests.api.conftest import data, error_codes, serving

# 64 bytes: long enough for the HS512 token below too (PyJWT warns under that).
SECRET = "a-test-secret-that-is-long-enough-for-hs256-and-for-hs512-0123456"
ISSUER = "https://idp.region.example"
AUDIENCE = "stege"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "e03", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs256(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), SECRET, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture
def secret_auth() -> Authenticator:
    return Authenticator(
        AuthConfig(mode="jwt", jwt_secret=SECRET, issuer=ISSUER, audience=AUDIENCE)
    )


async def test_a_valid_token_names_the_caller_and_roles(secret_auth: Authenticator) -> None:
    caller = await secret_auth.caller(bearer(hs256(roles=["planner", "other-system"])))
    assert (caller.employee_id, caller.roles) == ("e03", frozenset({Role.PLANNER}))
    spaced = await secret_auth.caller(bearer(hs256(roles="admin planner")))
    assert spaced.roles == frozenset({Role.ADMIN, Role.PLANNER})


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, "invalid_request"),
        ({"authorization": "Basic ZTAzOng="}, "invalid_request"),
        (bearer("not.a.token"), "invalid_token"),
        (bearer(hs256(exp=int(time.time()) - 10)), "invalid_token"),  # expired
        (bearer(hs256(exp=None)), "invalid_token"),  # exp is required
        (bearer(hs256(iss="https://evil.example")), "invalid_token"),
        (bearer(hs256(iss=None)), "invalid_token"),
        (bearer(hs256(aud="another-api")), "invalid_token"),
        (bearer(hs256(aud=None)), "invalid_token"),
        (bearer(hs256(sub=None)), "invalid_token"),
        (bearer(jwt.encode(claims(), "another-secret-another-secret-1234", algorithm="HS256")),
         "invalid_token"),
        # Algorithms are pinned: not HS512 with the same secret, never "none".
        (bearer(jwt.encode(claims(), SECRET, algorithm="HS512")), "invalid_token"),
        (bearer(jwt.encode(claims(), None, algorithm="none")), "invalid_token"),
    ],
)  # fmt: skip
async def test_bad_credentials_are_refused(
    secret_auth: Authenticator, headers: dict[str, str], error: str
) -> None:
    with pytest.raises(AuthError) as refused:
        await secret_auth.caller(headers)
    assert refused.value.error == error
    assert refused.value.www_authenticate().startswith('Bearer realm="stege"')


def test_a_jwt_configuration_that_cannot_verify_is_refused() -> None:
    for config in [
        AuthConfig(mode="jwt", issuer=ISSUER, audience=AUDIENCE),  # no key at all
        AuthConfig(mode="jwt", jwt_secret=SECRET, audience=AUDIENCE),  # no issuer
        AuthConfig(mode="jwt", jwt_secret=SECRET, issuer=ISSUER),  # no audience
        AuthConfig(mode="jwt", jwt_secret=SECRET, jwks_url="http://x", issuer=ISSUER,
                   audience=AUDIENCE),  # both
        AuthConfig(mode="magic"),
    ]:  # fmt: skip
        with pytest.raises(ValueError, match="STEGE_"):
            Authenticator(config)


async def test_dev_mode_reads_the_headers() -> None:
    dev = Authenticator(AuthConfig(mode="dev"))
    caller = await dev.caller({"x-stege-user": "e05", "x-stege-roles": "planner, admin"})
    assert (caller.employee_id, caller.roles) == ("e05", frozenset({Role.PLANNER, Role.ADMIN}))
    with pytest.raises(AuthError):
        await dev.caller({})


# --- JWKS ---------------------------------------------------------------------------------


class JwksServer:
    """A JWKS endpoint on loopback; `rotate()` publishes a new key set, and
    `fetches` counts how often it was read."""

    def __init__(self) -> None:
        self.keys = {"k1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        self.published = ["k1"]
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.fetches += 1
                body = json.dumps({"keys": [server.jwk(kid) for kid in server.published]})
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def key(self) -> rsa.RSAPrivateKey:
        return self.keys["k1"]

    def jwk(self, kid: str) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**public, "kid": kid, "use": "sig", "alg": "RS256"}

    def rotate(self, kid: str) -> None:
        """The identity provider signs with a new key from now on."""
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published = [kid]

    def token(self, kid: str = "k1", **overrides: Any) -> str:
        key = self.keys.get(kid, self.keys["k1"])
        return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


async def test_tokens_are_verified_against_a_jwks(jwks: JwksServer) -> None:
    auth = Authenticator(
        AuthConfig(mode="jwt", jwks_url=jwks.url, issuer=ISSUER, audience=AUDIENCE)
    )
    caller = await auth.caller(bearer(jwks.token(sub="e06", roles=["admin"])))
    assert (caller.employee_id, caller.roles) == ("e06", frozenset({Role.ADMIN}))
    with pytest.raises(AuthError):
        await auth.caller(bearer(jwks.token(kid="unknown")))
    # A token signed with the HS256 secret is no use against the JWKS (no alg confusion).
    with pytest.raises(AuthError):
        await auth.caller(bearer(hs256()))


async def test_jwks_keys_are_cached_and_a_rotation_is_followed(jwks: JwksServer) -> None:
    auth = Authenticator(
        AuthConfig(
            mode="jwt",
            jwks_url=jwks.url,
            issuer=ISSUER,
            audience=AUDIENCE,
            jwks_refresh_cooldown_seconds=0,  # the default 30 s would outlast the test
        )
    )
    for _ in range(3):
        assert (await auth.caller(bearer(jwks.token()))).employee_id == "e03"
    assert jwks.fetches == 1  # cached, not fetched per request

    jwks.rotate("k2")
    # An unknown kid makes the client fetch the key set again, and finds the new key.
    caller = await auth.caller(bearer(jwks.token(kid="k2", sub="e04")))
    assert caller.employee_id == "e04"
    assert jwks.fetches == 2
    assert (await auth.caller(bearer(jwks.token(kid="k2")))).employee_id == "e03"
    assert jwks.fetches == 2
    # A kid that is in no key set, even after a fresh fetch, is refused.
    with pytest.raises(AuthError):
        await auth.caller(bearer(jwks.token(kid="k9")))


async def test_jwks_algorithms_are_pinned(jwks: JwksServer) -> None:
    """Only the configured algorithms: an RS256 token is refused when ES256 is pinned."""
    auth = Authenticator(
        AuthConfig(
            mode="jwt", jwks_url=jwks.url, issuer=ISSUER, audience=AUDIENCE, algorithms=("ES256",)
        )
    )
    with pytest.raises(AuthError):
        await auth.caller(bearer(jwks.token()))


async def test_an_unreachable_jwks_is_not_the_callers_fault(jwks: JwksServer) -> None:
    token = jwks.token()
    auth = Authenticator(
        AuthConfig(
            mode="jwt", jwks_url="http://127.0.0.1:9/none.json", issuer=ISSUER, audience=AUDIENCE
        )
    )
    with pytest.raises(AuthUnavailableError):
        await auth.caller(bearer(token))


# --- over HTTP ------------------------------------------------------------------------------


def jwt_settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        auth_mode="jwt",
        jwt_secret=SECRET,  # type: ignore[arg-type]
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )


async def test_http_401_with_www_authenticate(store: Store) -> None:
    async with serving(store, jwt_settings()) as api:
        missing = await api.post("{ me { id } }", user=None)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer ")
        # Coded as every other error (it was FastAPI's bare {"detail": ...}).
        assert missing.json() == {
            "data": None,
            "errors": [
                {
                    "message": "a bearer token is required",
                    "extensions": {
                        "code": "UNAUTHENTICATED",
                        "requestId": missing.headers["x-request-id"],
                    },
                }
            ],
        }
        # Dev headers mean nothing in jwt mode.
        dev = await api.post("{ me { id } }", user="e01", roles="admin")
        assert dev.status_code == 401
        bad = await api.post("{ me { id } }", user=None, headers=bearer(hs256(aud="x")))
        assert bad.status_code == 401
        assert error_codes(bad.json()) == ["UNAUTHENTICATED"]
        assert 'error="invalid_token"' in bad.headers["www-authenticate"]
        good = await api.post("{ me { id } }", user=None, headers=bearer(hs256()))
        assert good.status_code == 200
        assert data(good.json()) == {"me": {"id": "e03"}}


async def test_http_503_when_the_jwks_cannot_be_fetched(store: Store, jwks: JwksServer) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        auth_mode="jwt",
        jwt_jwks_url="http://127.0.0.1:9/none.json",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    async with serving(store, settings) as api:
        response = await api.post("{ me { id } }", user=None, headers=bearer(jwks.token()))
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert error_codes(response.json()) == ["UNAVAILABLE"]
    assert response.json()["errors"][0]["message"] == "the key set cannot be fetched"


@pytest.mark.parametrize("kid", ["sn\u00f6gubbe-\u2603", "k9\r\nX-Injected: 1", 'k"\\' * 100])
async def test_a_kid_the_jwks_lacks_is_a_401_whatever_it_holds(
    store: Store, jwks: JwksServer, kid: str
) -> None:
    # The JWKS miss quotes the token's kid; a header takes printable ASCII
    # only, so a kid outside it gave a 500 (not Latin-1) or a torn response.
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        auth_mode="jwt",
        jwt_jwks_url=jwks.url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    async with serving(store, settings) as api:
        response = await api.post("{ me { id } }", user=None, headers=bearer(jwks.token(kid=kid)))
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="stege", error="invalid_token"')
    assert challenge.isascii()
    assert challenge.isprintable()
    assert "x-injected" not in response.headers
    description = challenge.split('error_description="', 1)[1]
    assert description.count('"') == 1  # one quoted string, closed at the end
    assert description.endswith('"')
    assert len(description) <= 201


def test_jwt_is_the_default_and_dev_must_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEGE_AUTH_MODE", raising=False)
    assert Settings(_env_file=None).auth_mode == "jwt"  # type: ignore[call-arg]
    monkeypatch.setenv("STEGE_AUTH_MODE", "dev")
    assert Settings(_env_file=None).auth_mode == "dev"  # type: ignore[call-arg]


async def test_dev_mode_warns_at_start_up_and_on_every_response(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="stege.api"):
        async with serving(store) as api:
            answers = [
                await api.post("{ me { name } }", user="e03"),
                await api.post("{ me { name } }", user=None),  # 401
                await api.client.get("/healthz"),
            ]
    assert any(DEV_WARNING in r.getMessage() for r in caplog.records)
    assert [a.status_code for a in answers] == [200, 401, 200]
    for answer in answers:
        assert answer.headers[DEV_WARNING_HEADER] == DEV_WARNING


async def test_jwt_mode_sends_no_dev_warning(store: Store) -> None:
    async with serving(store, jwt_settings()) as api:
        response = await api.client.post(
            "/graphql", json={"query": "{ me { name } }"}, headers=bearer(hs256())
        )
    assert response.status_code == 200
    assert DEV_WARNING_HEADER not in response.headers
