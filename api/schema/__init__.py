"""The GraphQL schema: `build_schema(...)` for serving, `sdl()` for `stege schema`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.schema.errors import ShapeErrors, log_unexpected
from api.schema.mutations import Mutation
from api.schema.queries import Query

audit_log = logging.getLogger("stege.audit")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30


class AuditExtension(SchemaExtension):
    """Writes one audit record per person whose data another caller read."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        policy = getattr(context, "policy", None)
        if policy is None or not policy.audit_log:
            return
        for entry in sorted(policy.audit_log.values(), key=lambda e: e.whom):
            audit_log.info(
                json.dumps(
                    {
                        "who": policy.caller.employee_id,
                        "whom": entry.whom,
                        "fields": sorted(entry.fields),
                        "when": datetime.now(UTC).isoformat(timespec="seconds"),
                        "requestId": getattr(context, "request_id", None),
                        "operation": self.execution_context.operation_name,
                    },
                    ensure_ascii=False,
                )
            )


class StegeSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (NOT_FOUND, FORBIDDEN, ...) are answers, not faults.
        log_unexpected(errors, execution_context.context if execution_context else None)


def build_schema(*, introspection: bool = False, limits: Limits = Limits()) -> strawberry.Schema:
    # Factories: a fresh extension per request.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        AuditExtension,
        ShapeErrors,
    ]
    if not introspection:
        extensions.insert(0, DisableIntrospection)
    return StegeSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        # Without introspection, "did you mean ...?" would leak the schema.
        config=StrawberryConfig(disable_field_suggestions=not introspection),
    )


def sdl() -> str:
    """The schema in SDL, as `stege schema` prints it and docs/schema.graphql holds."""
    return build_schema(introspection=True).as_str() + "\n"
