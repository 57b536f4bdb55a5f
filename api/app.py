"""The ASGI app: GraphQL at /graphql, /healthz (the process) and /readyz (the store).

`create_app(settings, store=None)` builds it; the lifespan opens ONE store per
process (or uses the given one, which the caller then closes) and one catalog
cache. Each GraphQL request authenticates (401 with WWW-Authenticate when it
cannot) and gets a fresh `Context`: DataLoaders, the caller's policy, and
the catalog checked against the store before execution.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.auth import DEV_WARNING, AuthConfig, Authenticator, AuthError, AuthUnavailableError, Caller
from api.context import Context, Services
from api.middleware import RequestEnvelope
from api.schema import Limits, build_schema
from api.schema.errors import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE
from api.settings import Settings, get_settings
from api.stores import open_store
from ladders.catalog import CatalogCache
from ladders.errors import StoreUnavailableError
from ladders.ports import Store

log = logging.getLogger("stege.api")

GRAPHQL_PATH = "/graphql"
NOBODY = Caller(employee_id="")
"""The caller of a GET (the GraphiQL page): GET never executes an operation."""


def auth_config(settings: Settings) -> AuthConfig:
    return AuthConfig(
        mode=settings.auth_mode,
        jwt_secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
        jwks_url=settings.jwt_jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        algorithms=tuple(settings.jwt_algorithms),
        jwks_cache_seconds=settings.jwt_jwks_cache_seconds,
        jwks_refresh_cooldown_seconds=settings.jwt_jwks_refresh_cooldown_seconds,
    )


def warn_dev_auth(logger: logging.Logger = log) -> None:
    banner = "!" * 78
    logger.warning("\n%s\n%s\n%s", banner, DEV_WARNING, banner)


async def get_context(request: Request) -> Context:
    services: Services = request.app.state.services
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    has_credentials = "authorization" in request.headers or "x-stege-user" in request.headers
    if request.method == "GET" and not has_credentials:
        return Context(services=services, caller=NOBODY, request_id=request_id)
    # AuthError, AuthUnavailableError and StoreUnavailableError from here
    # are answered by the handlers below, before execution begins.
    caller = await services.authenticator.caller(request.headers)
    context = Context(services=services, caller=caller, request_id=request_id)
    await context.catalog()
    return context


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _refused(
    request: Request, status: int, code: str, message: str, headers: dict[str, str]
) -> JSONResponse:
    """An answer given before execution began, shaped and coded as the errors
    of execution are (one way for clients to read every error)."""
    error = {"message": message, "extensions": {"code": code, "requestId": _request_id(request)}}
    return JSONResponse({"data": None, "errors": [error]}, status_code=status, headers=headers)


async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The store is down before execution began: the same coded, retryable 503
    as when it goes down during execution (never a 500, no driver detail)."""
    log.warning("store unavailable (request id %s): %s", _request_id(request), exc)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return _refused(request, 503, "UNAVAILABLE", UNAVAILABLE_MESSAGE, headers)


async def unauthenticated(request: Request, exc: AuthError) -> JSONResponse:
    """No or a bad credential: HTTP 401 with `WWW-Authenticate` (RFC 6750)."""
    headers = {"WWW-Authenticate": exc.www_authenticate()}
    return _refused(request, 401, "UNAUTHENTICATED", str(exc), headers)


async def auth_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The identity provider's key set cannot be fetched: retryable, as a store outage."""
    log.warning("key set unavailable (request id %s): %s", _request_id(request), exc)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return _refused(request, 503, "UNAVAILABLE", str(exc), headers)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or get_settings()
    authenticator = Authenticator(auth_config(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if authenticator.dev:
            warn_dev_auth()
        opened = store if store is not None else await open_store(settings, serving=True)
        app.state.services = Services(
            store=opened,
            rules=settings.rules(),
            authenticator=authenticator,
            catalogs=CatalogCache(),
        )
        # What start-up built (modules, the schema, the store) lives as long
        # as the process: frozen out of the cyclic collector's way, a
        # collection during a request walks only what requests made. Unfrozen,
        # full collections cost ~15 ms each, several per large answer
        # (bench/RESULTS.md).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            if store is None:
                await opened.close()

    app = FastAPI(
        exception_handlers={
            StoreUnavailableError: store_unavailable,
            AuthError: unauthenticated,
            AuthUnavailableError: auth_unavailable,
        },
        title="Stege",
        description="Competence ladders and a skills graph for Swedish regional healthcare.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    app.add_middleware(
        RequestEnvelope,
        graphql_path=GRAPHQL_PATH,
        max_body_bytes=settings.max_body_bytes,
        dev_warning=DEV_WARNING if authenticator.dev else None,
        graphiql=settings.graphiql,
    )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """The store answers too."""
        services: Services = request.app.state.services
        try:
            # Bounded: a frozen server (or a partition) answers nothing at all.
            async with asyncio.timeout(settings.readyz_timeout_seconds):
                await services.store.ping()
        except Exception:  # any failure means "not ready", never a 500
            log.warning("readiness check failed", exc_info=True)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    schema = build_schema(
        introspection=settings.introspection,
        limits=Limits(
            max_depth=settings.max_query_depth,
            max_tokens=settings.max_query_tokens,
            max_aliases=settings.max_query_aliases,
        ),
    )
    router: GraphQLRouter[Context, None] = GraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
        subscription_protocols=(),
    )
    app.include_router(router, prefix=GRAPHQL_PATH)
    return app
