"""The Neo4j store's translation of driver errors into the domain's."""

from __future__ import annotations

import pytest
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable

from graph.neo4j.store import translate_errors
from ladders.errors import OutcomeUnknownError, StoreUnavailableError


def test_a_commit_whose_answer_was_lost_is_an_unknown_outcome() -> None:
    # IncompleteCommit is a ServiceUnavailable: as such it said "try again",
    # and a retried write was made twice.
    with pytest.raises(OutcomeUnknownError, match="may have been made"), translate_errors():
        raise IncompleteCommit("connection lost while committing")


def test_a_server_down_is_unavailable_but_no_unknown_outcome() -> None:
    with pytest.raises(StoreUnavailableError) as caught, translate_errors():
        raise ServiceUnavailable("connection refused")
    assert not isinstance(caught.value, OutcomeUnknownError)
