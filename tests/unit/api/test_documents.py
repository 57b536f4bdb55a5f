"""`expanded_fields`: a document's fields with its fragments spread out."""

from __future__ import annotations

import pytest
from graphql import parse

from api.schema.documents import expanded_fields


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        ("{ me { id name } }", 3),
        ("{ me { ...P ...P } } fragment P on Employee { id unit { id } }", 7),
        ("{ me { ... on Employee { id } } }", 2),
        # Unknown and cyclic spreads count nothing (the standard rules report them).
        ("{ me { ...Nowhere } }", 1),
        ("{ me { ...A } } fragment A on Employee { id ...B } fragment B on Employee { ...A }", 2),
        # Fragments count only where spread.
        ("{ me { id } } fragment A on Employee { id name }", 2),
    ],
)
def test_fields_with_fragments_spread_out(document: str, fields: int) -> None:
    assert expanded_fields(parse(document), limit=100) == fields


def test_past_the_limit_is_none_without_walking_it_all() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(200))
    document = parse(f"{{ ...F0 }} {chain} fragment F200 on Query {{ __typename }}")
    assert expanded_fields(document, limit=5000) is None  # 2^200 fields: counted, not walked
    assert expanded_fields(parse("{ a b c }"), limit=3) == 3
    assert expanded_fields(parse("{ a b c d }"), limit=3) is None
