"""What a resolver gets: the process-wide services and the per-request state.

`Services` lives as long as the process (one store, one catalog cache, one
authenticator); `Context` is built for each request with fresh DataLoaders and
the caller's `Policy`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry
from strawberry.fastapi import BaseContext

from api.auth import Authenticator, Caller
from api.loaders import Loaders
from api.policy import Policy
from ladders.catalog import Catalog, CatalogCache
from ladders.ports import Store
from ladders.rules import Rules

TIMEZONE = "Europe/Stockholm"


def today() -> date:
    """Today where the users are: "default today" means the Swedish date."""
    try:
        return datetime.now(ZoneInfo(TIMEZONE)).date()
    except ZoneInfoNotFoundError:  # a system without tz data
        return date.today()


@dataclass
class Services:
    """Process-wide: built once in the app's lifespan."""

    store: Store
    rules: Rules
    authenticator: Authenticator
    catalogs: CatalogCache


class Context(BaseContext):
    def __init__(self, *, services: Services, caller: Caller, request_id: str | None = None):
        super().__init__()
        self.services = services
        self.store = services.store
        self.rules = services.rules
        self.caller = caller
        self.request_id = request_id or uuid.uuid4().hex
        self.today = today()
        self.loaders = Loaders(services.store)
        self.policy = Policy(caller=caller, loaders=self.loaders, today=self.today)
        self._catalog: Catalog | None = None
        self._catalog_lock = asyncio.Lock()

    async def catalog(self) -> Catalog:
        """The reference data, checked against the store's version once per
        request: `get_context` does it before execution, so resolvers of
        reference data read `reference` synchronously (an async resolver per
        list item costs graphql-core a task each)."""
        if self._catalog is None:
            async with self._catalog_lock:
                if self._catalog is None:
                    self._catalog = await self.services.catalogs.get(self.store)
        return self._catalog

    @property
    def reference(self) -> Catalog:
        """The request's reference data (loaded before any resolver runs)."""
        if self._catalog is None:
            raise RuntimeError("the catalog is loaded by get_context before execution")
        return self._catalog

    def forget_reads(self) -> None:
        """After a write: the loaders' and the policy's caches may predate it."""
        self.loaders.clear()
        self.policy.forget()

    def as_of(self, value: date | None) -> date:
        return self.today if value is None else value


Info = strawberry.Info[Context, None]
