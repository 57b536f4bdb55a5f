"""Timing loops and their summaries: the same method for every figure."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    """How long to measure one workload in one mode: after `warmup` calls,
    at least `min_calls`, at most `max_calls`, and no new call after `seconds`."""

    warmup: int = 3
    min_calls: int = 5
    max_calls: int = 60
    seconds: float = 20.0


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between ranks."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(samples_ms: Sequence[float], errors: int = 0) -> dict[str, Any]:
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 3),
        "p95_ms": round(percentile(samples_ms, 95), 3),
        "mean_ms": round(statistics.fmean(samples_ms), 3) if samples_ms else None,
        "max_ms": round(max(samples_ms), 3) if samples_ms else None,
        "errors": errors,
    }


async def timed(
    call: Callable[[str], Awaitable[object]], subjects: Sequence[str], budget: Budget
) -> dict[str, Any]:
    """Call `call(subject)` round-robin over `subjects`, one at a time: up to
    `warmup` calls first (fewer when they are slow), then at least `min_calls`
    (at least 3 when a call takes longer than the whole budget) and at most
    `max_calls`, starting no call after `seconds`.

    A call that raises counts as an error and its time is not kept; the first
    error's message is kept so a broken workload is visible in the results.
    """
    samples: list[float] = []
    errors = 0
    first_error: str | None = None
    started = time.perf_counter()
    for i in range(budget.warmup):
        # Slow workloads (seconds a call) warm up once or twice, not for minutes.
        if i and time.perf_counter() - started > budget.seconds / 3:
            break
        try:
            await call(subjects[i % len(subjects)])
        except Exception as exc:
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"[:300]
    started = time.perf_counter()
    i = 0
    while i < budget.max_calls:
        elapsed = time.perf_counter() - started
        if i >= budget.min_calls and elapsed >= budget.seconds:
            break
        if i >= 3 and elapsed >= 3 * budget.seconds:  # very slow: 3 calls must do
            break
        subject = subjects[i % len(subjects)]
        t0 = time.perf_counter()
        try:
            await call(subject)
        except Exception as exc:
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"[:300]
        else:
            samples.append((time.perf_counter() - t0) * 1000)
        i += 1
    result = summary(samples, errors)
    if first_error:
        result["first_error"] = first_error
    return result


async def throughput(
    call: Callable[[str], Awaitable[object]],
    subjects: Sequence[str],
    *,
    concurrency: int,
    seconds: float,
) -> dict[str, Any]:
    """`concurrency` loops calling as fast as answers come, for `seconds`."""
    samples: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def loop(k: int) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                await call(subjects[i % len(subjects)])
            except Exception:
                errors += 1
            else:
                samples.append((time.perf_counter() - t0) * 1000)
            i += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(loop(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - started
    result = summary(samples, errors)
    result["requests_per_s"] = round(len(samples) / elapsed, 1)
    result["concurrency"] = concurrency
    result["seconds"] = round(elapsed, 1)
    return result


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "p50_ms") -> float | None:
    if not a or not b or not a.get(key) or not b.get(key):
        return None
    value = a[key] / b[key]
    return round(value, 2) if value == value else None  # NaN stays None
