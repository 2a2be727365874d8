"""Store contract fixtures: every test runs on the embedded FalkorDB store, and on Neo4j when NEO4J_URI is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_schema.store.falkor_server import stop_server


@pytest.fixture
def data_dir(tmp_path: Path):
    """A fresh data directory; its FalkorDB server is stopped at teardown."""
    # Unix socket paths are limited to 107 bytes: keep the directory short.
    d = tmp_path / "d"
    d.mkdir()
    yield d
    stop_server(d)


BACKENDS = [
    pytest.param("falkordb", id="falkordb"),
    pytest.param(
        "neo4j",
        id="neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI not set: no live Neo4j"),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path: Path):
    """An empty store of each backend (the Neo4j database is wiped before and after)."""
    if request.param == "falkordb":
        from graph_schema.store.falkor import FalkorStore

        d = tmp_path / "d"
        d.mkdir()
        s = FalkorStore(d)
        s.wipe()
        yield s
        s.close()
        stop_server(d)
    else:
        from graph_schema.store.neo4j_store import Neo4jStore

        s = Neo4jStore.from_env()
        s.wipe()
        yield s
        s.wipe()
        s.close()
