"""The embedded store: the `Store` port over one SQLite file (DESIGN §8)."""

from graph.embedded.store import EmbeddedStore

__all__ = ["EmbeddedStore"]
