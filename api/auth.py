"""Who is calling (DESIGN §5): a verified JWT bearer token, or in dev mode headers.

`Authenticator.caller(headers)` returns the `Caller` or raises `AuthError`,
which the app answers with HTTP 401 and a `WWW-Authenticate` header. Being a
manager is not in the token: it comes from the graph (`MANAGES`), see policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jwt

log = logging.getLogger("stege.auth")

DEV_WARNING = (
    "STEGE_AUTH_MODE=dev: ANYONE CAN CALL AS ANY EMPLOYEE with the X-Stege-User header. "
    "Use it for the demo only, never with real data."
)
JWKS_ALGORITHMS = ("RS256", "ES256", "PS256", "EdDSA")
"""Asymmetric algorithms accepted from a JWKS unless configured otherwise (never `none`)."""


class Role(StrEnum):
    PLANNER = "planner"
    ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: an employee id and the roles from the token."""

    employee_id: str
    roles: frozenset[Role] = frozenset()

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_planner(self) -> bool:
        return Role.PLANNER in self.roles


_DESCRIPTION_CHARS = 200
"""At most this much of an error message goes into `WWW-Authenticate`."""


class AuthError(Exception):
    """No or a bad credential: HTTP 401. `error` is the RFC 6750 error code."""

    def __init__(self, message: str, *, error: str = "invalid_token") -> None:
        super().__init__(message)
        self.error = error

    def www_authenticate(self) -> str:
        # The message may quote the token (a JWKS miss names its `kid`), and
        # a header carries printable ASCII only (RFC 6750's error_description):
        # anything else would fail to encode (a 500) or split the header.
        text = str(self).replace('"', "'")[:_DESCRIPTION_CHARS]
        description = "".join(ch if " " <= ch <= "~" and ch != "\\" else "?" for ch in text)
        return f'Bearer realm="stege", error="{self.error}", error_description="{description}"'


class AuthUnavailableError(Exception):
    """The key set cannot be fetched right now: HTTP 503, not the caller's fault."""


@dataclass(frozen=True)
class AuthConfig:
    mode: str = "jwt"  # "jwt" or "dev"
    jwt_secret: str | None = None
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    algorithms: tuple[str, ...] = field(default=())
    jwks_cache_seconds: float = 300.0
    """How long a fetched key set is used before it is fetched again."""
    jwks_refresh_cooldown_seconds: float = 30.0
    """Least time between fetches forced by an unknown `kid` (a rotated key):
    tokens with made-up kids cannot make us hammer the identity provider."""

    def check(self) -> None:
        """Refuse to start with a configuration that could not verify anything."""
        if self.mode == "dev":
            return
        if self.mode != "jwt":
            raise ValueError(f"STEGE_AUTH_MODE must be 'jwt' or 'dev', not {self.mode!r}")
        if bool(self.jwt_secret) == bool(self.jwks_url):
            raise ValueError("jwt auth needs exactly one of STEGE_JWT_SECRET, STEGE_JWT_JWKS_URL")
        if not self.issuer or not self.audience:
            raise ValueError("jwt auth needs STEGE_JWT_ISSUER and STEGE_JWT_AUDIENCE")


def parse_roles(value: object) -> frozenset[Role]:
    """Roles from a claim or header: a list, or a comma/space separated string.
    Unknown roles are ignored (a token may carry roles of other systems)."""
    if isinstance(value, str):
        items: list[Any] = value.replace(",", " ").split()
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return frozenset()
    known = {r.value for r in Role}
    return frozenset(Role(i) for i in items if isinstance(i, str) and i in known)


class Authenticator:
    """Turns request headers into a `Caller`; one per process (it caches the JWKS)."""

    def __init__(self, config: AuthConfig) -> None:
        config.check()
        self.config = config
        self._jwks = (
            jwt.PyJWKClient(
                config.jwks_url,
                lifespan=config.jwks_cache_seconds,
                cooldown_duration=config.jwks_refresh_cooldown_seconds,
            )
            if config.jwks_url
            else None
        )
        if config.algorithms:
            self._algorithms = list(config.algorithms)
        else:
            self._algorithms = ["HS256"] if config.jwt_secret else list(JWKS_ALGORITHMS)

    @property
    def dev(self) -> bool:
        return self.config.mode == "dev"

    async def caller(self, headers: Mapping[str, str]) -> Caller:
        if self.dev:
            return self._dev_caller(headers)
        return await self._jwt_caller(headers)

    def _dev_caller(self, headers: Mapping[str, str]) -> Caller:
        user = (headers.get("x-stege-user") or "").strip()
        if not user:
            raise AuthError("dev mode: send the X-Stege-User header", error="invalid_request")
        return Caller(employee_id=user, roles=parse_roles(headers.get("x-stege-roles", "")))

    async def _jwt_caller(self, headers: Mapping[str, str]) -> Caller:
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError("a bearer token is required", error="invalid_request")
        key: Any = self.config.jwt_secret
        if self._jwks is not None:
            try:
                # PyJWKClient fetches over blocking urllib: keep it off the event loop.
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientConnectionError as exc:
                log.warning("JWKS unreachable: %s", exc)
                raise AuthUnavailableError("the key set cannot be fetched") from exc
            except jwt.PyJWTError as exc:
                raise AuthError(f"invalid token: {exc}") from exc
            key = signing_key.key
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=self._algorithms,
                audience=self.config.audience,
                issuer=self.config.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise AuthError("invalid token: sub must be an employee id")
        return Caller(employee_id=subject, roles=parse_roles(claims.get("roles")))
