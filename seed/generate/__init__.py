"""Deterministic generation of people data (employees, holdings, mentorships,
plans, talks) over given reference data and a unit tree."""

from seed.generate.people import PersonRecords, generate_dataset, generate_people
from seed.generate.profile import (
    DEMO_AS_OF,
    DEMO_EMPLOYEES,
    DEMO_PROFILE,
    DEMO_SEED,
    AgeBand,
    GeneratorProfile,
)

__all__ = [
    "DEMO_AS_OF",
    "DEMO_EMPLOYEES",
    "DEMO_PROFILE",
    "DEMO_SEED",
    "AgeBand",
    "GeneratorProfile",
    "PersonRecords",
    "generate_dataset",
    "generate_people",
]
