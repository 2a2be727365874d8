"""The graph store: one port, two adapters (embedded FalkorDB, Neo4j)."""

from __future__ import annotations

import os
from pathlib import Path

from graph_schema.store.budget import QueryTimeout, deadline
from graph_schema.store.port import GraphStore, StoreError, register_query_dir, registry

__all__ = [
    "EMBEDDED_BACKENDS",
    "GraphStore",
    "QueryTimeout",
    "StoreError",
    "backend_name",
    "deadline",
    "open_store",
    "register_query_dir",
    "registry",
]

EMBEDDED_BACKENDS = ("falkordb", "embedded", "falkor")  # names of the embedded FalkorDB store


def backend_name(backend: str | None = None) -> str:
    """The configured backend, lower case: `backend`, else `ECOGRAPH_BACKEND`, else `falkordb`."""
    return (backend or os.environ.get("ECOGRAPH_BACKEND") or "falkordb").lower()


def open_store(backend: str | None = None, data_dir: Path | str | None = None) -> GraphStore:
    """Open the configured store: `ECOGRAPH_BACKEND` = `falkordb` (default) or `neo4j`."""
    backend = backend_name(backend)
    if backend in EMBEDDED_BACKENDS:
        from graph_schema.store.falkor import FalkorStore

        return FalkorStore(Path(data_dir) if data_dir else None)
    if backend == "neo4j":
        from graph_schema.store.neo4j_store import Neo4jStore

        return Neo4jStore.from_env()
    raise StoreError(f"未知后端 / unknown backend {backend!r} (use falkordb or neo4j)")
