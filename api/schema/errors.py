"""Errors: domain errors -> GraphQL error codes, masking of the unexpected, and
the typed error members of mutation result unions.

Queries let domain errors propagate: `ShapeErrors` gives each its
`extensions.code` (and `field`); any other exception becomes "Unexpected
error" with a request id, logged with its traceback under that id. Mutations
catch domain errors and return them as `NotFound`, `Forbidden`,
`ValidationError` or `Conflict`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pydantic
import strawberry
from graphql import (
    ArgumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    ValueNode,
    ValuesOfCorrectTypeRule,
    VariableDefinitionNode,
    VariableNode,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.utils.str_converters import to_camel_case

from ladders import errors as de

log = logging.getLogger("stege.api")

CODES: dict[type[Exception], str] = {
    de.NotFoundError: "NOT_FOUND",
    de.ForbiddenError: "FORBIDDEN",
    de.ValidationError: "BAD_USER_INPUT",
    de.ConflictError: "CONFLICT",
    de.IntegrityError: "CONFLICT",
    de.OutcomeUnknownError: "OUTCOME_UNKNOWN",  # before its base class: matched in order
    de.StoreUnavailableError: "UNAVAILABLE",
}


def code_of(error: BaseException | None) -> str | None:
    for kind, code in CODES.items():
        if isinstance(error, kind):
            return code
    return None


def api_field(field: str | None) -> str | None:
    """A domain field path (`items.0.target_level`) as the API names it."""
    if field is None:
        return None
    return ".".join(to_camel_case(part) for part in field.split("."))


def pydantic_field_errors(error: pydantic.ValidationError) -> list[tuple[str, str]]:
    """(field, message) per problem of a pydantic validation error."""
    return [
        (api_field(".".join(str(p) for p in e["loc"])) or "input", e["msg"]) for e in error.errors()
    ]


def _request_id(context: Any) -> str:
    return str(getattr(context, "request_id", "-"))


def shape_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """The error the client sees: coded when expected, masked otherwise."""
    original = error.original_error
    if original is None:
        # Parsing, validation, limits: about the document, safe to show, and
        # coded so that a client can tell them from answers without parsing
        # the message (the codes are Apollo's, which GraphQL clients know).
        if (error.extensions or {}).get("code"):
            return error
        coded = {**(error.extensions or {}), "code": document_code(error)}
        if isinstance(error, ValidationAbortedError):
            return _reshaped(error, coded, message=TOO_COMPLEX)
        return _reshaped(error, coded)
    code = code_of(original)
    if code is None and isinstance(original, GraphQLError):
        variable = _invalid_variable(error)
        if variable is not None:
            return _reshaped(error, {"code": "BAD_USER_INPUT", "field": variable}, with_path=False)
        if _invalid_argument(original):
            # An argument's value, coerced as its field runs (a null variable
            # where the type takes none): the caller's input, and it had no
            # code at all. Named by the variable it came in, as above.
            coded = {**(original.extensions or {}), "code": "BAD_USER_INPUT"}
            variable = _variable_of(original)
            if variable is not None:
                coded["field"] = variable
            return _reshaped(error, coded)
        return error  # raised on purpose with its own message
    extensions: dict[str, Any] = {"code": code, "requestId": request_id}
    message = str(original)
    if code is None:
        message = f"Unexpected error (request id {request_id})."
        extensions["code"] = "INTERNAL_SERVER_ERROR"
    elif code == "UNAVAILABLE":
        message = UNAVAILABLE_MESSAGE
    elif isinstance(original, de.ValidationError) and original.field:
        extensions["field"] = api_field(original.field)
    return _reshaped(error, extensions, message=message)


def _reshaped(
    error: GraphQLError,
    extensions: dict[str, Any],
    *,
    message: str | None = None,
    with_path: bool = True,
) -> GraphQLError:
    """`error` as the client sees it: at the same place in the document, with
    these extensions (and `message` instead of its own, when given)."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path if with_path else None,
        extensions=extensions,
    )


TOO_COMPLEX = (
    "the document is too complex to validate (graphql-core's budget for comparing the fields "
    "a selection asks for, or for shared fragments, ran out): ask for fewer fields at once"
)
"""graphql-core says only "Validation aborted." when a document exhausts its
validation budget (about 750 copies of one field in a selection)."""

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def document_code(error: GraphQLError) -> str:
    """The code of an error about the document itself, not its answer."""
    return PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else VALIDATION_FAILED


def _invalid_variable(error: GraphQLError) -> str | None:
    """The variable whose value could not be coerced, when `error` says so:
    graphql-core reports those at the variable's definition, wrapping the
    type's own error (validation errors about a variable wrap none)."""
    nodes = error.nodes or []
    if error.path is None and len(nodes) == 1 and isinstance(nodes[0], VariableDefinitionNode):
        return nodes[0].variable.name.value
    return None


def _invalid_argument(original: GraphQLError) -> bool:
    """Whether graphql-core raised `original` coercing an argument as its
    field ran: it points at the value in the document (a result it could
    not serialise points at the field instead)."""
    nodes = original.nodes or []
    return bool(nodes) and all(isinstance(node, ValueNode) for node in nodes)


def _variable_of(original: GraphQLError) -> str | None:
    nodes = original.nodes or []
    if len(nodes) == 1 and isinstance(nodes[0], VariableNode):
        return nodes[0].name.value
    return None


class CodedValuesOfCorrectType(ValuesOfCorrectTypeRule):
    """graphql-core's rule for literals, its errors coded BAD_USER_INPUT with
    `field` the argument (or the variable of a default value): a scalar's own
    parse error came with neither, nor a location. Validated documents are
    cached: no request id in these."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._at: tuple[str, ValueNode] | None = None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._at = (node.name.value, node.value)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        if node.default_value is not None:
            self._at = (node.variable.name.value, node.default_value)

    def leave_argument(self, *_args: Any) -> None:
        self._at = None

    def leave_variable_definition(self, *_args: Any) -> None:
        self._at = None

    def report_error(self, error: GraphQLError) -> None:
        extensions: dict[str, Any] = {"code": "BAD_USER_INPUT"}
        nodes = error.nodes
        if self._at is not None:
            extensions["field"], value = self._at
            nodes = nodes or [value]
        # No original_error: the message says it all, and a bare ValueError
        # there would be masked as unexpected by shape_error.
        super().report_error(GraphQLError(error.message, nodes, extensions=extensions))


def shape_errors(errors: list[GraphQLError], context: Any) -> list[GraphQLError]:
    """`shape_error` of each (a no-op on shaped ones); a 503 when the store is down."""
    request_id = _request_id(context)
    codes = {code_of(e.original_error) for e in errors}
    if "UNAVAILABLE" in codes:
        unavailable(context)
    elif "OUTCOME_UNKNOWN" in codes:
        # Unavailable too, but no Retry-After: the write may have been made.
        response = getattr(context, "response", None)
        if response is not None:
            response.status_code = 503
    return [shape_error(e, request_id) for e in errors]


class ShapeErrors(SchemaExtension):
    """Codes expected errors and masks unexpected ones with the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = shape_errors(errors, self.execution_context.context)


RETRY_AFTER_SECONDS = "5"
UNAVAILABLE_MESSAGE = "The store is unavailable; try again shortly."


def unavailable(context: Any) -> None:
    """The store is down: HTTP 503 with Retry-After, not a 200 (nor a 500), so
    load balancers and clients see a retryable failure."""
    response = getattr(context, "response", None)
    if response is not None:
        response.status_code = 503
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS


def log_unexpected(errors: list[GraphQLError], context: Any) -> None:
    """Log what the client only sees masked, under the request id."""
    for error in errors:
        original = error.original_error
        if original is None or code_of(original) is not None:
            continue
        if isinstance(original, GraphQLError):
            continue
        if isinstance(original, de.StoreUnavailableError):
            continue
        log.error(
            "unexpected error, request id %s, path %s",
            _request_id(context),
            error.path,
            exc_info=original,
        )


# --- typed errors of mutation results -----------------------------------------


@strawberry.interface(description="Something a mutation could not do; nothing was changed.")
class Error:
    message: str = strawberry.field(description="What went wrong, in plain (English) words.")


@strawberry.type(description="An id the caller may see does not exist.")
class NotFound(Error):
    kind: str = strawberry.field(
        description="What was looked for, in words: `employee`, `plan`, `plan activity`, "
        "`competence`, `step`, `unit`..."
    )
    id: strawberry.ID = strawberry.field(description="The id that names nothing.")


@strawberry.type(description="Outside the caller's rights (whether or not it exists).")
class Forbidden(Error):
    pass


@strawberry.type(description="One input field at fault.")
class FieldError:
    field: str = strawberry.field(
        description="The input field, as a path such as `targetLevel` or `items.0.dueOn`; "
        "`input` when no one field is to blame."
    )
    message: str = strawberry.field(description="What is wrong with it.")


@strawberry.type(name="ValidationError", description="Input that breaks a rule.")
class InputError(Error):
    fields: list[FieldError] = strawberry.field(description="The input fields at fault.")


@strawberry.type(description="Contradicts what is stored (a duplicate, a closed plan...).")
class Conflict(Error):
    pass


ErrorMember = NotFound | Forbidden | InputError | Conflict


def error_member(exc: Exception) -> ErrorMember | None:
    """The typed error for a domain error; None for anything else."""
    if isinstance(exc, de.NotFoundError):
        return NotFound(message=str(exc), kind=exc.kind, id=strawberry.ID(exc.id))
    if isinstance(exc, de.ForbiddenError):
        return Forbidden(message=str(exc))
    if isinstance(exc, de.ValidationError):
        field = api_field(exc.field) or "input"
        return InputError(message=str(exc), fields=[FieldError(field=field, message=str(exc))])
    if isinstance(exc, pydantic.ValidationError):
        fields = [FieldError(field=f, message=msg) for f, msg in pydantic_field_errors(exc)]
        return InputError(
            message="; ".join(f"{f.field}: {f.message}" for f in fields), fields=fields
        )
    if isinstance(exc, de.ConflictError | de.IntegrityError):
        return Conflict(message=str(exc))
    return None
