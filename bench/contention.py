"""How much of the machine other work took while a run measured.

Two readings, before and after: the CPU time the hypervisor gave to other
guests (steal, the 8th column of /proc/stat's `cpu` line) and the time
runnable tasks waited for a CPU (pressure stall information, "some", in
/proc/pressure/cpu). Runs 28-32 were slower on every path no change touched,
which the RESULTS could only argue from the Cypher baselines; these figures
say it directly. Steal is other guests' alone; the pressure includes the
bench's own processes waiting for each other on two cores, so it compares
runs with each other, not with zero.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

_STAT = Path("/proc/stat")
_PRESSURE = Path("/proc/pressure/cpu")


@dataclass(frozen=True)
class Reading:
    at: float
    """time.monotonic(), seconds."""
    steal: int | None
    """Jiffies stolen, all CPUs together."""
    total: int | None
    """Jiffies in every state, all CPUs together."""
    waited_us: int | None
    """Microseconds during which some runnable task waited for a CPU."""


def parse_stat(text: str) -> tuple[int, int] | None:
    """(steal, total) jiffies from /proc/stat, or None when it has no steal column."""
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            values = [int(v) for v in fields[1:]]
            if len(values) < 8:
                return None
            # guest and guest_nice (9th, 10th) are already counted in user and nice.
            return values[7], sum(values[:8])
    return None


def parse_pressure(text: str) -> int | None:
    """The "some" line's total (microseconds) from /proc/pressure/cpu."""
    for line in text.splitlines():
        if line.startswith("some "):
            for field in line.split()[1:]:
                key, _, value = field.partition("=")
                if key == "total":
                    return int(value)
    return None


def _text(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # not Linux, or a kernel without PSI
        return ""


def read() -> Reading:
    stat = parse_stat(_text(_STAT))
    return Reading(
        at=time.monotonic(),
        steal=stat[0] if stat else None,
        total=stat[1] if stat else None,
        waited_us=parse_pressure(_text(_PRESSURE)),
    )


def between(start: Reading, end: Reading) -> dict[str, float | None]:
    """The shares of the time from `start` to `end`: CPU time stolen, and
    wall time during which a task waited for a CPU (None where unknown)."""
    steal: float | None = None
    if (
        start.steal is not None
        and start.total is not None
        and end.steal is not None
        and end.total is not None
        and end.total > start.total
    ):
        steal = round((end.steal - start.steal) / (end.total - start.total), 4)
    waited: float | None = None
    elapsed = end.at - start.at
    if start.waited_us is not None and end.waited_us is not None and elapsed > 0:
        waited = round((end.waited_us - start.waited_us) / 1e6 / elapsed, 4)
    return {"steal_share": steal, "cpu_wait_share": waited}
