"""The tunable numbers behind every answer (DESIGN §4), as one immutable value.

The API's settings class builds it; the domain only reads it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ladders.models import MAX_YEARS, Horizon


class Rules(BaseModel):
    model_config = ConfigDict(frozen=True)

    retirement_age: int = Field(default=65, ge=40, le=80)
    mentor_min_age: int = Field(default=55, ge=18, le=80)
    senior_age: int = Field(default=60, ge=18, le=80)
    senior_share: float = Field(default=0.5, ge=0, le=1)
    short_years: int = Field(default=3, ge=0, le=MAX_YEARS)
    long_years: int = Field(default=10, ge=0, le=MAX_YEARS)
    """The horizons, in years from `asOf`: at most MAX_YEARS (100), so that
    `asOf` + a horizon stays a date (ladders.models.DAY_RANGE)."""
    unmet_effort_hours: float = Field(default=200.0, ge=0)
    default_mentor_capacity: int = Field(default=2, ge=0)
    mentor_level_floor: int = Field(default=4, ge=1, le=5)
    """A mentor holds the competence at >= max(target, this)."""
    urgency_factor: float = Field(default=1.25, ge=1)
    """Score multiplier for mentors within 3 years of retirement."""
    max_path_edges: int = Field(default=10, ge=1)

    def horizon_years(self, horizon: Horizon) -> int:
        return {Horizon.NOW: 0, Horizon.SHORT: self.short_years, Horizon.LONG: self.long_years}[
            horizon
        ]
