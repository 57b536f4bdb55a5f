"""The GraphQL schema: `build_schema(...)` for serving, `sdl()` for `stege schema`."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValuesOfCorrectTypeRule,
)
from strawberry.extensions import (
    AddValidationRules,
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

from api.schema.errors import (
    UNAVAILABLE_MESSAGE,
    CodedValuesOfCorrectType,
    ShapeErrors,
    log_unexpected,
    shape_errors,
    unavailable,
)
from api.schema.expansion import BoundedValidation
from api.schema.mutations import Mutation
from api.schema.queries import Query
from ladders.errors import ValidationError
from ladders.models import DAY_RANGE
from ladders.ports import AuditRecord

audit_log = logging.getLogger("stege.audit")
log = logging.getLogger("stege.api")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    max_fields: int = 5000
    """Fields with every fragment spread out (`expansion`): what the rules walk."""


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
            if result is not None:
                result.data = None
                result.errors = [
                    GraphQLError(
                        UNAVAILABLE_MESSAGE,
                        extensions={"code": "UNAVAILABLE", "requestId": request_id},
                    )
                ]
            unavailable(context)


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
            return ExecutionResult(data=None, errors=[GraphQLError(message)])
        finally:
            REQUESTED_OPERATION.reset(requested)
        if result.errors:
            # An exception raised outside execution (in a validation rule, say)
            # skips the extensions, ShapeErrors too: mask it here like any
            # other. Errors ShapeErrors already shaped pass unchanged.
            result.errors = shape_errors(result.errors, context_value)
        return result


REQUESTED_OPERATION: ContextVar[str | None] = ContextVar("requested_operation", default=None)
"""The request's operationName, which strawberry's ExecutionContext does not
tell apart from the name of the document's first operation."""


class OneOperationChosen(SchemaExtension):
    """A document of several operations needs an operationName (GraphQL spec,
    GetOperation()): strawberry ran the first. Runs after validation (after
    BoundedValidation in the list), which it joins as one more error."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if (
            not context.pre_execution_errors
            and document is not None
            and REQUESTED_OPERATION.get() is None
            and sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1
        ):
            context.pre_execution_errors = [
                GraphQLError("Must provide operation name if query contains multiple operations.")
            ]
        yield


def _has_unknown_fragment(document: DocumentNode) -> bool:
    known = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    stack: list[SelectionSetNode | None] = [
        getattr(d, "selection_set", None) for d in document.definitions
    ]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                if selection.name.value not in known:
                    return True
            else:
                stack.append(getattr(selection, "selection_set", None))
    return False


def skipping_unknown_fragments(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """`rule`, skipped for a document that spreads an unknown fragment.
    strawberry's depth limit does all its work on construction and looks each
    fragment up by name (a KeyError for an unknown one); such a document is
    invalid anyway, and graphql-core's KnownFragmentNamesRule says why."""

    class Guarded(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            if _has_unknown_fragment(context.document):
                ASTValidationRule.__init__(self, context)
            else:
                super().__init__(context)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{rule.__name__}"
    return Guarded


AS_OF = "asOf"
AS_OF_RANGE = DAY_RANGE
"""The dates an `asOf` argument may name (docs/api.md). Far enough out for any
real question, and far enough inside 0001-9999 that no date arithmetic of the
use cases (horizons, validity, the 12 months of plan coverage) can overflow."""


def check_as_of(value: object) -> None:
    """BAD_USER_INPUT (field `asOf`, the value in the message) outside AS_OF_RANGE."""
    least, most = AS_OF_RANGE
    if isinstance(value, date) and not least <= value <= most:
        raise ValidationError(
            f"asOf must be a date from {least} to {most}, not {value}", field=AS_OF, value=value
        )


def _checking_as_of(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def checked(source: Any, info: Any, **args: Any) -> Any:
        check_as_of(args.get(AS_OF))
        return resolve(source, info, **args)

    return checked


def check_as_of_arguments(schema: strawberry.Schema) -> None:
    """Every field with an `asOf` argument checks it before its resolver runs:
    one place for every asOf, root or nested (Plan.current, Employee.ageBand),
    including fields added later. Wrapped on graphql-core's fields, not as a
    strawberry extension, which would wrap every field of every request."""
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            if AS_OF in field.args and field.resolve is not None:
                field.resolve = _checking_as_of(field.resolve)


class ValidationRules(AddValidationRules):
    """graphql-core's rules with ValuesOfCorrectTypeRule swapped for its coded
    form (BAD_USER_INPUT naming the argument), then `validation_rules`."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            CodedValuesOfCorrectType if rule is ValuesOfCorrectTypeRule else rule
            for rule in context.validation_rules
        ) + tuple(self.validation_rules)
        yield


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
        config=StrawberryConfig(disable_field_suggestions=not introspection),
    )
    check_as_of_arguments(schema)
    return schema


def sdl() -> str:
    """The schema in SDL, as `stege schema` prints it and docs/schema.graphql holds."""
    return build_schema(introspection=True).as_str() + "\n"
