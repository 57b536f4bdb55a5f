"""What the people generator assumes about a region: who works where, ages, careers.

A profile is plain data. `DEMO_PROFILE` fits the demo region's reference data
(seed/demo); every table falls back to something sensible for ids it does not
know, so the generator also runs on other reference data and unit trees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

DEMO_SEED = 20261123
DEMO_AS_OF = date(2026, 11, 23)
DEMO_EMPLOYEES = 640


def _frozen(table: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(table))


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int
    weight: float


@dataclass(frozen=True)
class GeneratorProfile:
    """Tables the generator draws from; see DEMO_PROFILE for what each means."""

    # Relative headcount of each profession, per leaf unit id; `default_mix`
    # for units the table does not name. Professions the reference data lacks
    # are skipped.
    unit_mix: Mapping[str, Mapping[str, float]]
    default_mix: Mapping[str, float]
    # Relative size of each leaf unit (default 1.0).
    unit_size: Mapping[str, float]
    # The step a unit's manager holds, by unit kind.
    manager_step: Mapping[str, str]
    # Age of the workforce, before careers constrain it.
    age_bands: tuple[AgeBand, ...]
    # Age at which a career starts, by the profession of its first ladder.
    entry_age: Mapping[str, int]
    default_entry_age: int = 23
    # Youngest and oldest age for a profession (managers, training posts).
    min_age: Mapping[str, int] = field(default_factory=dict)
    max_age: Mapping[str, int] = field(default_factory=dict)
    # Chance that a profession reached by transitions is entered directly
    # (e.g. ST-läkare who never did AT under the new rules).
    direct_entry: Mapping[str, float] = field(default_factory=dict)
    # Mean extra months beyond `min_months` before moving up a step.
    promotion_wait_months: float = 14.0
    # Professions whose staff also pick up what their unit needs.
    need_holders_excluded: frozenset[str] = frozenset()
    default_mentor_capacity: int = 2
    mentor_min_age: int = 55
    # Chance of being a designated adept, by age below these limits.
    adept_share: tuple[tuple[int, float], ...] = (
        (30, 0.3),
        (36, 0.2),
        (40, 0.08),
        (200, 0.01),
    )


# fmt: off
_HOSPITAL_WARD = {"sjukskoterska": 10, "underskoterska": 11, "specialistlakare": 2,
                  "st-lakare": 1.5, "at-lakare": 1, "medicinsk-sekreterare": 1}
_VARDCENTRAL = {"distriktsskoterska": 6, "sjukskoterska": 3, "underskoterska": 4,
                "specialistlakare": 4, "st-lakare": 2, "at-lakare": 1, "psykolog": 1.2,
                "fysioterapeut": 1.5, "arbetsterapeut": 0.5,
                "medicinsk-sekreterare": 3}

_MIX: dict[str, dict[str, float]] = {
    "iva": {"intensivvardssjukskoterska": 12, "sjukskoterska": 4, "underskoterska": 10,
            "specialistlakare": 3, "st-lakare": 2, "at-lakare": 0.5, "fysioterapeut": 0.5,
            "medicinsk-sekreterare": 1},
    "operation": {"anestesisjukskoterska": 12, "sjukskoterska": 3, "underskoterska": 10,
                  "specialistlakare": 5, "st-lakare": 2, "medicinsk-sekreterare": 1},
    "postop": {"sjukskoterska": 8, "anestesisjukskoterska": 3, "intensivvardssjukskoterska": 1,
               "underskoterska": 8, "specialistlakare": 0.5},
    "akutmottagningen": {"sjukskoterska": 14, "underskoterska": 10, "specialistlakare": 4,
                         "st-lakare": 4, "at-lakare": 2, "medicinsk-sekreterare": 2},
    "ava": {"sjukskoterska": 10, "underskoterska": 10, "specialistlakare": 1.5,
            "st-lakare": 1, "at-lakare": 1},
    "avd-31": {**_HOSPITAL_WARD, "fysioterapeut": 0.5},
    "avd-32": {**_HOSPITAL_WARD, "sjukskoterska": 9, "underskoterska": 12, "at-lakare": 0,
               "fysioterapeut": 2, "arbetsterapeut": 1},
    "avd-21": {**_HOSPITAL_WARD, "sjukskoterska": 12, "st-lakare": 2},
    "avd-22": {**_HOSPITAL_WARD, "sjukskoterska": 9, "underskoterska": 13,
               "fysioterapeut": 1, "arbetsterapeut": 1.5},
    "forlossningen": {"barnmorska": 14, "underskoterska": 8, "specialistlakare": 3,
                      "st-lakare": 2, "sjukskoterska": 1},
    "bb": {"barnmorska": 6, "sjukskoterska": 6, "underskoterska": 9, "specialistlakare": 1,
           "medicinsk-sekreterare": 2},
    "klinisk-kemi": {"biomedicinsk-analytiker": 24, "underskoterska": 3,
                     "medicinsk-sekreterare": 2, "specialistlakare": 1},
    "vc-bjorkliden": _VARDCENTRAL,
    "vc-strandvik": _VARDCENTRAL,
    "vc-tallbacken": _VARDCENTRAL,
    "vc-angsvik": _VARDCENTRAL,
    "rehab-angsvik": {"fysioterapeut": 9, "arbetsterapeut": 6, "underskoterska": 2,
                      "medicinsk-sekreterare": 1},
    "avd-51": {"psykiatrisjukskoterska": 7, "sjukskoterska": 5, "underskoterska": 14,
               "specialistlakare": 2, "st-lakare": 1.5, "psykolog": 0.5, "arbetsterapeut": 0.5},
    "avd-52": {"psykiatrisjukskoterska": 6, "sjukskoterska": 5, "underskoterska": 13,
               "specialistlakare": 1.5, "st-lakare": 1, "arbetsterapeut": 1, "psykolog": 0.5},
    "psykiatrimottagningen": {"psykiatrisjukskoterska": 5, "sjukskoterska": 2, "psykolog": 6,
                              "specialistlakare": 4, "st-lakare": 2, "arbetsterapeut": 1.5,
                              "medicinsk-sekreterare": 3},
}

_SIZE = {
    "iva": 38, "operation": 40, "postop": 22, "akutmottagningen": 42, "ava": 28,
    "avd-31": 30, "avd-32": 30, "avd-21": 32, "avd-22": 30, "forlossningen": 32, "bb": 26,
    "klinisk-kemi": 34, "vc-bjorkliden": 27, "vc-strandvik": 25, "vc-tallbacken": 26,
    "vc-angsvik": 26, "rehab-angsvik": 18, "avd-51": 30, "avd-52": 28,
    "psykiatrimottagningen": 24,
}
# fmt: on

DEMO_PROFILE = GeneratorProfile(
    unit_mix=MappingProxyType({unit: _frozen(mix) for unit, mix in _MIX.items()}),
    default_mix=_frozen(_HOSPITAL_WARD),
    unit_size=_frozen(_SIZE),
    manager_step=MappingProxyType(
        {
            "unit": "chef-2",
            "department": "vchef-1",
            "area": "vchef-2",
            "administration": "vchef-3",
            "region": "vchef-3",
        }
    ),
    # 55+ is a little over a quarter of the workforce, as in Swedish regions.
    age_bands=(
        AgeBand(20, 24, 7),
        AgeBand(25, 29, 12),
        AgeBand(30, 34, 12),
        AgeBand(35, 39, 12),
        AgeBand(40, 44, 11),
        AgeBand(45, 49, 10),
        AgeBand(50, 54, 11),
        AgeBand(55, 59, 14),
        AgeBand(60, 64, 12),
        AgeBand(65, 67, 3),
    ),
    entry_age=MappingProxyType(
        {
            "underskoterska": 19,
            "at-lakare": 26,
            "st-lakare": 27,
            "psykolog": 25,
            "medicinsk-sekreterare": 21,
        }
    ),
    min_age=MappingProxyType({"enhetschef": 32, "verksamhetschef": 40}),
    max_age=MappingProxyType({"at-lakare": 38, "st-lakare": 50}),
    direct_entry=MappingProxyType({"st-lakare": 0.6}),
    need_holders_excluded=frozenset(
        {"medicinsk-sekreterare", "enhetschef", "verksamhetschef", "biomedicinsk-analytiker"}
    ),
)
