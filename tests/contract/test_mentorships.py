"""Mentorships: roles, the active-on rule, upserts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ladders.catalog import Catalog, CatalogCache
from ladders.commands import end_mentorship, start_mentorship
from ladders.errors import ConflictError, IntegrityError
from ladders.models import Dataset, Mentorship
from ladders.ports import Store
from ladders.rules import Rules
from tests.builders import AS_OF, canonical
from tests.spies import Meanwhile

Key = tuple[str, str, date]


def _keys(mentorships: list[Mentorship]) -> list[Key]:
    return [(m.mentor_id, m.adept_id, m.started_on) for m in mentorships]


E01_E03: Key = ("e01", "e03", date(2024, 9, 1))
E02_E04: Key = ("e02", "e04", date(2024, 1, 1))
E07_E08_OLD: Key = ("e07", "e08", date(2023, 1, 1))
E07_E08_NEW: Key = ("e07", "e08", AS_OF)


async def test_mentorships_of_in_key_order_with_focus(loaded: Store, region: Dataset) -> None:
    everyone = [f"e{n:02}" for n in range(1, 11)]

    got = await loaded.mentorships_of(everyone)

    assert got == list(canonical(region).mentorships)
    assert _keys(got) == [E01_E03, E02_E04, E07_E08_OLD, E07_E08_NEW]
    assert got[0].focus == ("evb", "hlr")
    assert await loaded.mentorships_of([]) == []
    assert await loaded.mentorships_of(["e05"]) == []


async def test_mentorships_of_by_role(loaded: Store) -> None:
    ids = ["e07", "e04"]

    assert _keys(await loaded.mentorships_of(ids, role="mentor")) == [E07_E08_OLD, E07_E08_NEW]
    assert _keys(await loaded.mentorships_of(ids, role="adept")) == [E02_E04]
    assert _keys(await loaded.mentorships_of(ids, role="any")) == [
        E02_E04,
        E07_E08_OLD,
        E07_E08_NEW,
    ]
    assert _keys(await loaded.mentorships_of(ids)) == _keys(
        await loaded.mentorships_of(ids, role="any")
    )
    assert await loaded.mentorships_of(["e03"], role="mentor") == []


async def test_active_on_start_day_inclusive_end_day_exclusive(loaded: Store) -> None:
    ids = ["e01", "e02", "e07"]
    day_before = AS_OF - timedelta(days=1)

    on_as_of = await loaded.mentorships_of(ids, active_on=AS_OF)
    on_day_before = await loaded.mentorships_of(ids, active_on=day_before)
    in_2023 = await loaded.mentorships_of(ids, active_on=date(2023, 6, 1))
    on_old_end_day = await loaded.mentorships_of(ids, active_on=date(2024, 1, 1))

    # e07->e08 starts on AS_OF (counts); e02->e04 ends on AS_OF (does not).
    assert _keys(on_as_of) == [E01_E03, E07_E08_NEW]
    assert _keys(on_day_before) == [E01_E03, E02_E04]
    assert _keys(in_2023) == [E07_E08_OLD]
    # The old e07->e08 ended on 2024-01-01, the day e02->e04 started.
    assert _keys(on_old_end_day) == [E02_E04]


async def test_active_on_combines_with_role(loaded: Store) -> None:
    got = await loaded.mentorships_of(["e08"], role="adept", active_on=AS_OF)

    assert _keys(got) == [E07_E08_NEW]
    assert got[0].focus == ("pcv",)
    assert await loaded.mentorships_of(["e08"], role="mentor", active_on=AS_OF) == []


async def test_upsert_mentorship_creates_and_updates_focus_and_end(loaded: Store) -> None:
    started = Mentorship(
        mentor_id="e06", adept_id="e04", focus=("handl", "team"), started_on=date(2025, 2, 1)
    )
    await loaded.upsert_mentorship(started)
    assert await loaded.mentorships_of(["e06"]) == [started]

    ended = started.model_copy(update={"focus": ("team",), "ended_on": date(2025, 2, 20)})
    await loaded.upsert_mentorship(ended)

    assert await loaded.mentorships_of(["e06"]) == [ended]
    assert await loaded.mentorships_of(["e06"], active_on=AS_OF) == []
    assert len(await loaded.mentorships_of(["e04"], role="adept")) == 2


async def test_upsert_mentorship_with_another_start_is_another_mentorship(
    loaded: Store,
) -> None:
    again = Mentorship(mentor_id="e01", adept_id="e03", started_on=date(2025, 6, 1))

    await loaded.upsert_mentorship(again)

    assert _keys(await loaded.mentorships_of(["e01"], role="mentor")) == [
        E01_E03,
        ("e01", "e03", date(2025, 6, 1)),
    ]


@pytest.mark.parametrize(
    "mentorship",
    [
        Mentorship(mentor_id="nobody", adept_id="e03", started_on=AS_OF),
        Mentorship(mentor_id="e01", adept_id="nobody", started_on=AS_OF),
        Mentorship(mentor_id="e01", adept_id="e04", focus=("evb", "no-such"), started_on=AS_OF),
    ],
    ids=["unknown-mentor", "unknown-adept", "unknown-focus"],
)
async def test_upsert_mentorship_with_unknown_ids_fails(
    loaded: Store, region: Dataset, mentorship: Mentorship
) -> None:
    with pytest.raises(IntegrityError):
        await loaded.upsert_mentorship(mentorship)

    assert await loaded.export_dataset() == canonical(region)


async def test_failed_focus_update_keeps_the_old_focus(loaded: Store, region: Dataset) -> None:
    current = region.mentorships[0]
    broken = current.model_copy(update={"focus": ("no-such",), "ended_on": AS_OF})

    with pytest.raises(IntegrityError):
        await loaded.upsert_mentorship(broken)

    assert await loaded.mentorships_of(["e01"]) == [current]


async def test_start_mentorship_checks_links_and_capacity_in_its_transaction(
    loaded: Store,
) -> None:

    before = await loaded.mentorships_of(["e01"], role="mentor")
    assert _keys(before) == [E01_E03]  # active on AS_OF: one adept

    # An open link between the two, or one started the same day: a conflict.
    for started_on in (AS_OF, E01_E03[2]):
        with pytest.raises(ConflictError, match="already mentors"):
            await loaded.start_mentorship(
                Mentorship(mentor_id="e01", adept_id="e03", started_on=started_on), capacity=5
            )
    # At capacity (one active, capacity one): a conflict naming the count.
    with pytest.raises(ConflictError, match=r"1 active adept \(capacity 1\)"):
        await loaded.start_mentorship(
            Mentorship(mentor_id="e01", adept_id="e04", started_on=AS_OF), capacity=1
        )
    assert await loaded.mentorships_of(["e01"], role="mentor") == before  # nothing written

    started = Mentorship(mentor_id="e01", adept_id="e04", started_on=AS_OF, focus=("evb",))
    await loaded.start_mentorship(started, capacity=2)
    assert await loaded.mentorships_of(["e01"], role="mentor") == [*before, started]


async def test_a_start_must_fit_the_capacity_on_every_later_day(loaded: Store) -> None:
    # e01 (one adept, e03, since 2024-09-01) gets a second from AS_OF + 30,
    # with capacity 2. A start backdated to AS_OF is open-ended: under two on
    # AS_OF, but three from AS_OF + 30. It was checked on its first day only.
    later = AS_OF + timedelta(days=30)
    await loaded.start_mentorship(
        Mentorship(mentor_id="e01", adept_id="e04", started_on=later), capacity=2
    )
    before = await loaded.mentorships_of(["e01"], role="mentor")

    with pytest.raises(
        ConflictError, match=rf"2 active adepts from {later.isoformat()} \(capacity 2\)"
    ):
        await loaded.start_mentorship(
            Mentorship(mentor_id="e01", adept_id="e05", started_on=AS_OF), capacity=2
        )
    catalog = await CatalogCache().get(loaded)
    with pytest.raises(ConflictError, match=r"from .* \(capacity 2\)"):
        await _start_for_e01(store=loaded, catalog=catalog, adept_id="e05")

    assert await loaded.mentorships_of(["e01"], role="mentor") == before


async def test_an_ended_mentorship_is_not_ended_again(loaded: Store) -> None:
    # e01 -> e03 (since 2024-09-01) ends on AS_OF. Ending it again on an
    # earlier day moved its end back: history rewritten (knowledgeTransferRisks
    # of the months between lost it). A retry of the same end answers it.
    ended = await end_mentorship(store=loaded, mentor_id="e01", adept_id="e03", ended_on=AS_OF)
    assert ended.ended_on == AS_OF
    stored = await loaded.mentorships_of(["e01"], role="mentor")

    with pytest.raises(ConflictError, match=f"already ended on {AS_OF.isoformat()}"):
        await end_mentorship(
            store=loaded, mentor_id="e01", adept_id="e03", ended_on=date(2024, 10, 1)
        )
    again = await end_mentorship(store=loaded, mentor_id="e01", adept_id="e03", ended_on=AS_OF)

    assert again == ended
    assert await loaded.mentorships_of(["e01"], role="mentor") == stored


async def test_concurrent_starts_never_exceed_the_capacity(loaded: Store) -> None:
    # Six managers start a mentorship with e01 (one active adept, capacity 3)
    # at the same moment: exactly two may start.
    import asyncio

    adepts = ["e04", "e05", "e06", "e08", "e09", "e10"]
    results = await asyncio.gather(
        *(
            loaded.start_mentorship(
                Mentorship(mentor_id="e01", adept_id=a, started_on=AS_OF), capacity=3
            )
            for a in adepts
        ),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 2, results
    assert all(r is None or isinstance(r, ConflictError) for r in results), results
    active = await loaded.mentorships_of(["e01"], role="mentor", active_on=AS_OF)
    assert len(active) == 3


async def test_concurrent_start_commands_respect_the_capacity(loaded: Store) -> None:
    # The command reads the mentor's links, checks the rules, then writes: the
    # write re-checks in its own transaction, so racing commands for e01
    # (capacity 2, one active adept) start exactly one more.
    import asyncio

    catalog = await CatalogCache().get(loaded)
    adepts = ["e04", "e05", "e06", "e08", "e09"]
    results = await asyncio.gather(
        *(_start_for_e01(store=loaded, catalog=catalog, adept_id=a) for a in adepts),
        return_exceptions=True,
    )
    started = [r for r in results if isinstance(r, Mentorship)]
    assert len(started) == 1, results
    # The others are refused for the capacity, as a conflict whenever they
    # read (a racer that read after the commit hears it from the rule check,
    # the others from the write; never a ValidationError on focus).
    refused = [r for r in results if not isinstance(r, Mentorship)]
    assert all(isinstance(r, ConflictError) for r in refused), results
    assert all("capacity 2" in str(r) for r in refused), results
    assert len(await loaded.mentorships_of(["e01"], role="mentor", active_on=AS_OF)) == 2


async def _start_for_e01(*, store: Any, catalog: Catalog, adept_id: str) -> Mentorship:
    """The command starting e01 -> `adept_id` on AS_OF, focus evb."""
    return await start_mentorship(
        store=store,
        catalog=catalog,
        rules=Rules(),
        mentor_id="e01",
        adept_id=adept_id,
        started_on=AS_OF,
        focus=["evb"],
    )


class _StartedMeanwhile:
    """The real store, where another mentorship of the same mentor starts
    just after the command first read the mentor's links: a racer's commit
    landing between the command's reads, every time."""

    def __init__(self, inner: Store, other: Mentorship) -> None:
        self._inner = inner
        self._other = other
        self._done = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def mentorships_of(self, *args: Any, **kwargs: Any) -> list[Mentorship]:
        got = await self._inner.mentorships_of(*args, **kwargs)
        if not self._done:
            self._done = True
            await self._inner.start_mentorship(self._other, capacity=2)
        return got


@pytest.mark.parametrize(
    ("rival_adept", "conflict"),
    [
        # e01 (capacity 2, one active adept): a start for e05 fills it.
        ("e05", r"2 active adepts \(capacity 2\)"),
        # The other person rule: the same link, e01 -> e04, opened by someone else.
        ("e04", "already mentors 'e04'"),
    ],
)
async def test_a_rival_start_committed_meanwhile_is_a_conflict(
    loaded: Store, rival_adept: str, conflict: str
) -> None:
    # The rival commits after the command for e01 -> e04 read e01's links. The
    # loser hears the same conflict as when the two come one at a time, not a
    # ValidationError on focus (QA saw "the mentor already has 2 active
    # adepts" on focus from Neo4j).
    catalog = await CatalogCache().get(loaded)
    rival = Mentorship(mentor_id="e01", adept_id=rival_adept, started_on=AS_OF, focus=("evb",))
    racing: Any = _StartedMeanwhile(loaded, rival)

    with pytest.raises(ConflictError, match=conflict):
        await _start_for_e01(store=racing, catalog=catalog, adept_id="e04")
    active = await loaded.mentorships_of(["e01"], role="mentor", active_on=AS_OF)
    assert sorted(m.adept_id for m in active) == sorted({"e03", rival_adept})


async def test_a_capacity_lowered_since_the_command_read_it_is_a_conflict(loaded: Store) -> None:
    # The command judged e01's capacity (2, one adept) from its read of e01;
    # an edit to capacity 1 committed before the start's write made it a
    # second adept over the new capacity.
    catalog = await CatalogCache().get(loaded)
    [mentor] = await loaded.get_employees(["e01"])
    assert mentor is not None
    lowered = mentor.model_copy(update={"mentor_capacity": 1})
    racing: Any = Meanwhile(loaded, "mentorships_of", lambda: loaded.upsert_employee(lowered))

    with pytest.raises(ConflictError, match=r"^employee 'e01' changed since it was read"):
        await _start_for_e01(store=racing, catalog=catalog, adept_id="e04")
    active = await loaded.mentorships_of(["e01"], role="mentor", active_on=AS_OF)
    assert [m.adept_id for m in active] == ["e03"]
    # Asked again, the start is judged on the new capacity.
    with pytest.raises(ConflictError, match=r"1 active adept \(capacity 1\)"):
        await _start_for_e01(store=loaded, catalog=catalog, adept_id="e04")


async def test_a_mentorship_ended_since_the_command_read_it_is_a_conflict(
    loaded: Store,
) -> None:
    # QA: two ends of one mentorship at once, on different days: both answered
    # success and the second moved the first's end day.
    from ladders.commands import end_mentorship
    from ladders.ports import Was
    from tests.spies import Meanwhile

    first_end, second_end = AS_OF, AS_OF + timedelta(days=7)
    racing: Any = Meanwhile(
        loaded,
        "mentorships_of",
        lambda: end_mentorship(store=loaded, mentor_id="e01", adept_id="e03", ended_on=first_end),
    )
    with pytest.raises(ConflictError, match=r"^the mentorship e01->e03 changed since it was read"):
        await end_mentorship(store=racing, mentor_id="e01", adept_id="e03", ended_on=second_end)
    [link] = await loaded.mentorships_of(["e01"], role="mentor")
    assert link.ended_on == first_end

    # The store's compare-and-set: a key never stored is expected as None.
    new = Mentorship(mentor_id="e06", adept_id="e04", focus=("team",), started_on=AS_OF)
    with pytest.raises(ConflictError, match=r"^the mentorship e06->e04 changed"):
        await loaded.upsert_mentorship(new, expected=Was(link))
    await loaded.upsert_mentorship(new, expected=Was(None))
    assert await loaded.mentorships_of(["e06"], role="mentor") == [new]
