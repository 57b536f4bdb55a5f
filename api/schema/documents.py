"""What a document must be before it runs: checks around validation.

- At most `Limits.max_fields` fields with its fragments spread out
  (`BoundedValidation`): strawberry's depth and alias rules walk a fragment
  again at every spread, so a document of a few hundred bytes whose fragments
  each spread the next one twice (`fragment F0 on Query { ...F1 ...F1 }` and
  so on) took ~20 s of CPU to validate (22 fragments: 2^22 walks), holding
  the event loop. Counted here with each fragment's size worked out once,
  such a document is refused before any rule walks it.
- Its fragments known before strawberry's depth rule looks them up
  (`skipping_unknown_fragments`); graphql-core's literal checks coded as user
  errors (`ValidationRules`); an operationName when it has several
  operations (`OneOperationChosen`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValuesOfCorrectTypeRule,
)
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache

from api.schema.errors import CodedValuesOfCorrectType


class _TooLarge(Exception):
    pass


def expanded_fields(document: DocumentNode, *, limit: int) -> int | None:
    """The fields of `document`'s operations with every fragment spread out
    (a field inside a fragment spread twice counts twice), or None once past
    `limit`. Unknown and cyclic spreads count nothing: the standard rules
    report them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}

    def size(selections: SelectionSetNode | None, within: frozenset[str]) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += 1 + size(selection.selection_set, within)
            elif isinstance(selection, InlineFragmentNode):
                total += size(selection.selection_set, within)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in sizes and name in fragments and name not in within:
                    sizes[name] = size(fragments[name].selection_set, within | {name})
                total += sizes.get(name, 0)
            if total > limit:
                raise _TooLarge
        return total

    try:
        total = 0
        for definition in document.definitions:
            if not isinstance(definition, FragmentDefinitionNode):
                total += size(getattr(definition, "selection_set", None), frozenset())
                if total > limit:
                    return None
        return total
    except (_TooLarge, RecursionError):
        # Nesting deep enough to exhaust Python's stack is no real query either.
        return None


class BoundedValidation(ValidationCache):
    """strawberry's validation cache, for documents of at most `max_fields`
    fields with their fragments spread out; a larger one gets one error and
    is not validated at all."""

    def __init__(self, *, maxsize: int, max_fields: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None and expanded_fields(document, limit=self.max_fields) is None:
            self.execution_context.pre_execution_errors = [
                GraphQLError(
                    f"The query is too large: with its fragments spread out it has more"
                    f" than {self.max_fields} fields."
                )
            ]
            yield
            return
        yield from super().on_validate()


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
