"""bench/contention.py: what other work took of the machine during a run."""

from __future__ import annotations

from bench.contention import Reading, between, parse_pressure, parse_stat
from bench.report import _contention

STAT = """cpu  4094995 2080 343906 3301419 25792 0 20259 373211 0 0
cpu0 2047000 1000 170000 1650000 12000 0 10000 186000 0 0
intr 1 2 3
"""
PRESSURE = """some avg10=0.54 avg60=7.63 avg300=19.71 total=6076681624
full avg10=0.00 avg60=0.00 avg300=0.00 total=0
"""


def test_readings_come_from_proc_stat_and_the_cpu_pressure() -> None:
    # steal is the 8th value of the all-CPUs line; guest time is inside user.
    assert parse_stat(STAT) == (373211, 4094995 + 2080 + 343906 + 3301419 + 25792 + 20259 + 373211)
    assert parse_pressure(PRESSURE) == 6076681624
    # A kernel without steal accounting or without PSI: unknown, not zero.
    assert parse_stat("cpu  1 2 3 4\n") is None
    assert parse_pressure("") is None


def test_the_shares_between_two_readings() -> None:
    start = Reading(at=100.0, steal=1_000, total=10_000, waited_us=5_000_000)
    end = Reading(at=110.0, steal=1_500, total=12_000, waited_us=7_000_000)

    # 500 of 2,000 jiffies stolen; 2 s of waiting in 10 s.
    assert between(start, end) == {"steal_share": 0.25, "cpu_wait_share": 0.2}
    unknown = Reading(at=110.0, steal=None, total=None, waited_us=None)
    assert between(start, unknown) == {"steal_share": None, "cpu_wait_share": None}


def test_the_report_says_what_the_machine_gave() -> None:
    assert _contention({"steal_share": 0.123, "cpu_wait_share": 0.2}) == [
        "",
        "Machine while measured: 12.3% of the CPU time went to other machines (steal); "
        "some task waited for a CPU 20.0% of the time (the bench's own included)",
    ]
    # Runs before 33 recorded neither.
    assert _contention(None) == []
    assert _contention({"steal_share": None, "cpu_wait_share": None}) == []
