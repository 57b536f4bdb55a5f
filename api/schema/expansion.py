"""How large a document is once its fragments are spread out, bounded before
it is validated.

strawberry's depth and alias limits walk a fragment again at every spread of
it, so a document of a few hundred bytes whose fragments each spread the next
one twice (`fragment F0 on Query { ...F1 ...F1 }` and so on) took ~20 s of CPU
to validate (22 fragments: 2^22 walks), holding the event loop. Counted here
with each fragment's size worked out once, such a document is refused before
any rule walks it.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.extensions import ValidationCache


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
