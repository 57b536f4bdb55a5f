"""The embedded store: the `Store` port over one SQLite file (DESIGN §8)."""

from graph.embedded.connection import SQLITE_VERSION, several_writers_safe
from graph.embedded.store import EmbeddedStore

__all__ = ["SQLITE_VERSION", "EmbeddedStore", "several_writers_safe"]
