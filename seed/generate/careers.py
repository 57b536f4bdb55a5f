"""Careers: an age, a profession's ladder step and the dates that go with them.

A career starts at the first step of some ladder and follows NEXT steps and
TRANSITIONs (a nurse who became an intensive care nurse, then a manager) to
the employee's current step. Time spent follows each step's `min_months`
plus a random wait, and fewer people move on the higher up the ladder they
are, so expert steps stay rare.
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from ladders.models import Step, Transition
from seed.generate.catalog import Catalog
from seed.generate.profile import GeneratorProfile


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def random_day(rng: random.Random, first: date, last: date) -> date:
    """A day in [first, last]; `first` when the range is empty."""
    span = (last - first).days
    return first if span <= 0 else first + timedelta(days=int(rng.random() * (span + 1)))


@dataclass(frozen=True)
class Career:
    profession_id: str | None
    step_id: str | None
    age: int
    career_start: date
    step_since: date | None
    employed_since: date
    background: tuple[str, ...]
    """Earlier steps on other ladders (the feeder chain), whose requirements are held too."""


def sample_career(
    rng: random.Random,
    catalog: Catalog,
    profile: GeneratorProfile,
    as_of: date,
    *,
    profession_id: str | None = None,
    step_id: str | None = None,
) -> Career:
    """A career in `profession_id`, or ending exactly at `step_id` (a manager's step)."""
    forced = catalog.steps.get(step_id) if step_id is not None else None
    if forced is not None:
        ladder_id: str | None = forced.ladder_id
        profession_id = catalog.ladder_profession.get(forced.ladder_id)
    else:
        ladders = catalog.profession_ladders.get(profession_id or "", [])
        ladder_id = rng.choice(ladders) if ladders else None
    if ladder_id is None:
        age = _sample_age(rng, profile, low=profile.default_entry_age, high=67)
        return _stepless(rng, as_of, profession_id, age, profile.default_entry_age)

    chain = _feeder_chain(rng, catalog, profile, ladder_id, profession_id)
    root = catalog.steps[chain[-1].from_step_id].ladder_id if chain else ladder_id
    start_age = profile.entry_age.get(catalog.ladder_profession.get(root, ""), None)
    if start_age is None:
        start_age = profile.default_entry_age
    if rng.random() < 0.3:
        start_age += rng.randint(1, 8)  # a later start or a second career

    # The least months each leg of the career takes: feeder ladders, then this one.
    legs: list[int] = []
    entry_ordinal = 1
    for t in reversed(chain):
        source = catalog.steps[t.from_step_id]
        legs.append(_months_between(catalog, source.ladder_id, entry_ordinal, source.ordinal))
        legs.append(t.months)
        entry_ordinal = catalog.steps[t.to_step_id].ordinal
    target_ordinal = forced.ordinal if forced is not None else entry_ordinal
    legs.append(_months_between(catalog, ladder_id, entry_ordinal, target_ordinal))
    least = sum(legs)

    high = profile.max_age.get(profession_id or "", 67)
    low = min(
        max(start_age + math.ceil(least / 12), profile.min_age.get(profession_id or "", 0)), 67
    )
    age = _sample_age(rng, profile, low=low, high=max(low, high))
    career_months = max(0, (age - start_age) * 12 + rng.randint(0, 11))

    # Time beyond the least is spent partly at the feeder steps, the rest on this ladder.
    slack = max(0, career_months - least)
    for _ in chain:
        extra = min(slack, int(rng.expovariate(1 / 40)))
        slack -= extra
    remaining = slack + legs[-1]
    ladder = catalog.ladder_steps[ladder_id]
    if forced is not None:
        index = forced.ordinal - 1
        months_at = min(max(0, remaining - legs[-1]), int(rng.expovariate(1 / 54)))
    else:
        index, months_at = _climb(rng, profile, ladder, entry_ordinal - 1, remaining)
    step = ladder[index]

    career_start = add_months(as_of, -career_months)
    step_since = max(
        career_start, add_months(as_of, -months_at) - timedelta(days=rng.randint(0, 27))
    )
    return Career(
        profession_id=profession_id,
        step_id=step.id,
        age=age,
        career_start=career_start,
        step_since=step_since,
        employed_since=_employed_since(rng, as_of, career_start, career_months),
        background=tuple(t.from_step_id for t in chain),
    )


def _feeder_chain(
    rng: random.Random,
    catalog: Catalog,
    profile: GeneratorProfile,
    ladder_id: str,
    profession_id: str | None,
) -> list[Transition]:
    """Transitions that led to this ladder, nearest first (at most four)."""
    chain: list[Transition] = []
    seen = [ladder_id]
    current = ladder_id
    if rng.random() < profile.direct_entry.get(profession_id or "", 0.0):
        return chain
    while len(chain) < 4:
        options = [
            t
            for t in catalog.entries.get(current, ())
            if catalog.steps[t.from_step_id].ladder_id not in seen
        ]
        if not options:
            break
        t = rng.choice(options)
        chain.append(t)
        current = catalog.steps[t.from_step_id].ladder_id
        seen.append(current)
    return chain


def _months_between(catalog: Catalog, ladder_id: str, from_ordinal: int, to_ordinal: int) -> int:
    steps = catalog.ladder_steps[ladder_id]
    return sum(s.min_months for s in steps[from_ordinal - 1 : to_ordinal - 1])


def _climb(
    rng: random.Random, profile: GeneratorProfile, ladder: list[Step], index: int, months: int
) -> tuple[int, int]:
    """Move up from `ladder[index]` with `months` to spend; the step reached and months there."""
    top = len(ladder) - 1
    while index < top:
        wait = ladder[index].min_months + int(
            rng.expovariate(1 / (profile.promotion_wait_months * (1 + 0.5 * index)))
        )
        if months < wait:
            break
        # Fewer move on from the upper steps; the last step of a long ladder is rare.
        share = index / top
        stay = min(0.95, share**1.3)
        if index == top - 1 and top >= 2:
            stay = max(stay, 0.75)
        if rng.random() < stay:
            break
        months -= wait
        index += 1
    return index, months


def _sample_age(rng: random.Random, profile: GeneratorProfile, *, low: int, high: int) -> int:
    """An age from the profile's bands, within [low, high] (clamped when no band fits)."""
    bands = [
        (max(b.low, low), min(b.high, high), b.weight * _overlap(b.low, b.high, low, high))
        for b in profile.age_bands
    ]
    bands = [b for b in bands if b[2] > 0]
    if not bands:
        return min(max(low, 18), max(high, low))
    first, last, _ = rng.choices(bands, weights=[b[2] for b in bands])[0]
    return rng.randint(first, last)


def _overlap(band_low: int, band_high: int, low: int, high: int) -> float:
    """The share of a band's ages that lie within [low, high]."""
    inside = min(band_high, high) - max(band_low, low) + 1
    return max(0, inside) / (band_high - band_low + 1)


def _employed_since(
    rng: random.Random, as_of: date, career_start: date, career_months: int
) -> date:
    """Most have been here for years; some were hired recently."""
    tenure = min(career_months, int(rng.expovariate(1 / 110)))
    return max(career_start, add_months(as_of, -tenure) - timedelta(days=rng.randint(0, 27)))


def _stepless(
    rng: random.Random, as_of: date, profession_id: str | None, age: int, entry_age: int
) -> Career:
    career_months = max(0, (age - entry_age) * 12)
    career_start = add_months(as_of, -career_months)
    return Career(
        profession_id=profession_id,
        step_id=None,
        age=age,
        career_start=career_start,
        step_since=None,
        employed_since=_employed_since(rng, as_of, career_start, career_months),
        background=(),
    )
