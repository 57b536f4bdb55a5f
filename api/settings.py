"""The one settings class (DESIGN §9): every setting comes from `STEGE_*`
environment variables (or a `.env` file), read once by `get_settings()`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ladders.models import MAX_MENTOR_CAPACITY, MAX_YEARS
from ladders.rules import Rules

StoreKind = Literal["embedded", "neo4j"]
AuthMode = Literal["jwt", "dev"]
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
"""The driver's Bolt schemes (`neo4j`: routing, for a cluster or Aura)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STEGE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    # --- store (DESIGN §8) --------------------------------------------------
    store: StoreKind = "embedded"
    db_path: Path = Path("./stege.db")
    neo4j_uri: str = "neo4j://127.0.0.1:7687"
    neo4j_user: str | None = None
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    neo4j_max_retry_seconds: float = Field(default=30.0, ge=0)
    """How long a Neo4j read or write keeps retrying (server down, leader
    change) before the API answers 503."""
    neo4j_query_timeout_seconds: float = Field(default=60.0, gt=0)
    """The API gives up on a Neo4j read or write (its retries included) that
    takes longer: a read answers 503, a write OUTCOME_UNKNOWN (it may have
    been made). A server frozen mid-answer held requests for good. The CLI's
    imports and loads have no such bound."""

    @field_validator("neo4j_uri")
    @classmethod
    def _bolt_uri(cls, uri: str) -> str:
        scheme, sep, rest = uri.partition("://")
        if not sep or scheme not in NEO4J_SCHEMES or not rest:
            raise ValueError(f"expected {'|'.join(NEO4J_SCHEMES)}://host[:port], got {uri!r}")
        return uri

    # --- authentication (DESIGN §5) -----------------------------------------
    auth_mode: AuthMode = "jwt"
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_algorithms: tuple[str, ...] = ()
    """Pinned token algorithms; empty: HS256 with a secret, RS256/ES256/PS256/EdDSA with JWKS."""
    jwt_jwks_cache_seconds: float = Field(default=300.0, gt=0)
    jwt_jwks_refresh_cooldown_seconds: float = Field(default=30.0, ge=0)

    # --- the API (DESIGN §6) ------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    graphiql: bool = False
    introspection: bool = False
    max_query_depth: int = Field(default=12, ge=1)
    max_query_tokens: int = Field(default=2000, ge=10)
    max_query_aliases: int = Field(default=30, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    """Larger request bodies get 413 (a document within the token limit is far smaller)."""
    readyz_timeout_seconds: float = Field(default=2.5, gt=0)
    """/readyz answers 503 when the store's ping takes longer (a frozen server
    never answers, and the orchestrator's probe must not hang with it)."""
    graceful_shutdown_seconds: int = Field(default=10, ge=0)
    """On SIGTERM, how long requests in flight may finish before they are cut."""

    # --- domain rules (DESIGN §4) -------------------------------------------
    retirement_age: int = Field(default=65, ge=0)
    mentor_min_age: int = Field(default=55, ge=0)
    short_years: int = Field(default=3, ge=0, le=MAX_YEARS)
    long_years: int = Field(default=10, ge=0, le=MAX_YEARS)
    unmet_effort_hours: float = Field(default=200, ge=0)
    senior_age: int = Field(default=60, ge=0)
    senior_share: float = Field(default=0.5, ge=0, le=1)
    default_mentor_capacity: int = Field(default=2, ge=0, le=MAX_MENTOR_CAPACITY)

    # --- operations ---------------------------------------------------------
    log_level: str = "INFO"

    def rules(self) -> Rules:
        """The domain's tunable numbers, from these settings."""
        return Rules(
            retirement_age=self.retirement_age,
            mentor_min_age=self.mentor_min_age,
            senior_age=self.senior_age,
            senior_share=self.senior_share,
            short_years=self.short_years,
            long_years=self.long_years,
            unmet_effort_hours=self.unmet_effort_hours,
            default_mentor_capacity=self.default_mentor_capacity,
        )

    def neo4j_auth(self) -> tuple[str, str] | None:
        """The driver's basic auth, or None when no user is configured."""
        if self.neo4j_user is None:
            return None
        password = self.neo4j_password.get_secret_value() if self.neo4j_password else ""
        return (self.neo4j_user, password)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, built on first use (never at import time).

    Tests that change the environment call `get_settings.cache_clear()`.
    """
    return Settings()
