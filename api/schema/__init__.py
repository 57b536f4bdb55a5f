"""The GraphQL schema: `build_schema(...)` for serving, `sdl()` for `stege schema`."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.schema.as_of import check_as_of_arguments
from api.schema.documents import (
    REQUESTED_OPERATION,
    BoundedValidation,
    OneOperationChosen,
    ValidationRules,
    skipping_unknown_fragments,
)
from api.schema.errors import (
    UNAVAILABLE_MESSAGE,
    VALIDATION_FAILED,
    ShapeErrors,
    log_unexpected,
    shape_errors,
    unavailable,
)
from api.schema.mutations import Mutation
from api.schema.queries import Query
from api.schema.scalars import DATE
from ladders.ports import AuditRecord

audit_log = logging.getLogger("stege.audit")
log = logging.getLogger("stege.api")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    max_fields: int = 5000
    """Fields with every fragment spread out (`documents`): what the rules walk."""


ANSWER_WITHHELD_MESSAGE = (
    "The change may have been saved, but its answer is withheld: the audit log "
    "could not be written. Read it back before making it again."
)


class AuditExtension(SchemaExtension):
    """Records who read which fields of whom in this request: one batch in the
    store (one write per request, not per field) and one JSON line per person
    on the `stege.audit` logger. When the store cannot record it, the answer
    is withheld (no data, UNAVAILABLE): no read of another person goes
    unrecorded."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        policy = getattr(context, "policy", None)
        if policy is None or not policy.audit_log:
            return
        now = datetime.now(UTC)
        request_id = getattr(context, "request_id", None)
        records = [
            AuditRecord(
                at=now,
                who=policy.caller.employee_id,
                whom=entry.whom,
                fields=tuple(sorted(entry.fields)),
                request_id=request_id,
                operation=self.execution_context.operation_name,
            )
            for entry in sorted(policy.audit_log.values(), key=lambda e: e.whom)
        ]
        for record in records:
            audit_log.info(
                json.dumps(
                    {
                        "who": record.who,
                        "whom": record.whom,
                        "fields": list(record.fields),
                        "when": record.at.isoformat(timespec="seconds"),
                        "requestId": record.request_id,
                        "operation": record.operation,
                    },
                    ensure_ascii=False,
                )
            )
        try:
            await context.store.record_audit(records)
        except Exception as exc:
            log.error(
                "audit records not written, answer withheld (request id %s)",
                request_id,
                exc_info=exc,
            )
            result = self.execution_context.result
            if self.execution_context.operation_type is OperationType.MUTATION:
                # Its writes committed before the audit was tried: "try again"
                # (UNAVAILABLE, Retry-After) made a client repeat a change
                # that was made (a second plan item, say).
                error = GraphQLError(
                    ANSWER_WITHHELD_MESSAGE,
                    extensions={"code": "ANSWER_WITHHELD", "requestId": request_id},
                )
                response = getattr(context, "response", None)
                if response is not None:
                    response.status_code = 503
            else:
                error = GraphQLError(
                    UNAVAILABLE_MESSAGE,
                    extensions={"code": "UNAVAILABLE", "requestId": request_id},
                )
                unavailable(context)
            if result is not None:
                result.data = None
                result.errors = [error]


SUGGESTION = "Did you mean"
DOCUMENT_CACHE_SIZE = 256
"""Parsed and validated documents kept per process (bounded: query texts are caller input)."""


class StegeSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        if self.config.disable_field_suggestions:
            # Strawberry strips the suggestion from unknown fields only; graphql-core
            # also suggests enum values, arguments, types and variables, each a hint
            # at the schema when introspection is off.
            for error in errors:
                if SUGGESTION in error.message:
                    error.message = error.message.split(SUGGESTION)[0].strip()
        # Expected errors (NOT_FOUND, FORBIDDEN, ...) are answers, not faults.
        log_unexpected(errors, execution_context.context if execution_context else None)

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        requested = REQUESTED_OPERATION.set(operation_name)
        try:
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        except CannotGetOperationTypeError:
            # Strawberry's router answers this with a 400 in plain text; a
            # GraphQL client expects graphql-core's error, in JSON.
            if operation_name is None:
                message = "Must provide an operation."
            else:
                message = f"Unknown operation named '{operation_name}'."
            error = GraphQLError(message, extensions={"code": VALIDATION_FAILED})
            return ExecutionResult(data=None, errors=[error])
        finally:
            REQUESTED_OPERATION.reset(requested)
        if result.errors:
            # An exception raised outside execution (in a validation rule, say)
            # skips the extensions, ShapeErrors too: mask it here like any
            # other. Errors ShapeErrors already shaped pass unchanged.
            result.errors = shape_errors(result.errors, context_value)
        return result


def build_schema(*, introspection: bool = False, limits: Limits = Limits()) -> strawberry.Schema:
    # The limit rules are built once per schema, so that each request adds the
    # very same rule classes and the validation cache (keyed by document and
    # rules) hits for a query seen before: parsing and validating were most of
    # a simple request's time (bench/RESULTS.md).
    rules = [
        *map(
            skipping_unknown_fragments,
            QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        ),
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    # Factories: a fresh extension per request (instances hold its context).
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: ValidationRules(rules),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: BoundedValidation(maxsize=DOCUMENT_CACHE_SIZE, max_fields=limits.max_fields),
        OneOperationChosen,
        AuditExtension,
        ShapeErrors,
    ]
    if not introspection:
        extensions.insert(0, DisableIntrospection)
    schema = StegeSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        # Without introspection, "did you mean ...?" would leak the schema.
        config=StrawberryConfig(
            disable_field_suggestions=not introspection,
            # YYYY-MM-DD only, as the dataset takes dates (api.schema.scalars).
            scalar_map={date: DATE},
        ),
    )
    check_as_of_arguments(schema)
    return schema


def sdl() -> str:
    """The schema in SDL, as `stege schema` prints it and docs/schema.graphql holds."""
    return build_schema(introspection=True).as_str() + "\n"
