"""Conversations: windows with inclusive bounds, idempotent adds."""

from __future__ import annotations

from datetime import date

import pytest

from ladders.errors import IntegrityError
from ladders.models import Conversation, ConversationKind, Dataset
from ladders.ports import Store
from tests.builders import AS_OF, canonical

K = ConversationKind


def _talks(conversations: list[Conversation]) -> list[tuple[str, str, str]]:
    return [(c.employee_id, c.held_on.isoformat(), c.kind.value) for c in conversations]


async def test_conversations_of_by_employee_day_kind(loaded: Store, region: Dataset) -> None:
    got = await loaded.conversations_of(["e08", "e01", "e03", "nobody"])

    assert got == [
        c for c in canonical(region).conversations if c.employee_id in {"e01", "e03", "e08"}
    ]
    assert _talks(got)[:3] == [
        ("e01", "2024-10-05", "lonesamtal"),
        ("e01", "2024-10-05", "prestationssamtal"),
        ("e03", "2024-01-15", "medarbetarsamtal"),
    ]
    assert {c.kind for c in got} == set(ConversationKind)
    assert await loaded.conversations_of([]) == []


async def test_conversation_window_bounds_are_inclusive(loaded: Store) -> None:
    ids = ["e03", "e08"]

    window = await loaded.conversations_of(ids, since=date(2024, 6, 20), until=date(2025, 1, 20))
    since_only = await loaded.conversations_of(ids, since=date(2025, 1, 20))
    until_only = await loaded.conversations_of(ids, until=date(2024, 6, 20))
    one_day = await loaded.conversations_of(ids, since=AS_OF, until=AS_OF)
    empty = await loaded.conversations_of(ids, since=AS_OF, until=date(2025, 2, 28))

    assert _talks(window) == [
        ("e03", "2024-09-15", "prestationssamtal"),
        ("e03", "2024-10-05", "lonesamtal"),
        ("e03", "2025-01-20", "medarbetarsamtal"),
        ("e08", "2024-06-20", "medarbetarsamtal"),
        ("e08", "2024-10-01", "lonesamtal"),
    ]
    assert _talks(since_only) == [
        ("e03", "2025-01-20", "medarbetarsamtal"),
        ("e08", "2025-03-01", "prestationssamtal"),
    ]
    assert _talks(until_only) == [
        ("e03", "2024-01-15", "medarbetarsamtal"),
        ("e08", "2024-06-20", "medarbetarsamtal"),
    ]
    assert _talks(one_day) == [("e08", "2025-03-01", "prestationssamtal")]
    assert empty == []


async def test_add_conversation_is_idempotent_by_key(loaded: Store) -> None:
    talk = Conversation(employee_id="e05", kind=K.MEDARBETARSAMTAL, held_on=AS_OF)
    same_day_other_kind = Conversation(employee_id="e05", kind=K.LONESAMTAL, held_on=AS_OF)

    await loaded.add_conversation(talk)
    await loaded.add_conversation(talk)
    await loaded.add_conversation(same_day_other_kind)

    assert await loaded.conversations_of(["e05"]) == [same_day_other_kind, talk]


async def test_add_conversation_for_unknown_employee_fails(loaded: Store, region: Dataset) -> None:
    with pytest.raises(IntegrityError):
        await loaded.add_conversation(
            Conversation(employee_id="nobody", kind=K.LONESAMTAL, held_on=AS_OF)
        )

    assert await loaded.export_dataset() == canonical(region)
