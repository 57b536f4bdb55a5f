"""The Neo4j store (DESIGN §8): `Neo4jStore` implements `ladders.ports.Store`."""

from graph.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
