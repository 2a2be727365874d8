"""Store contract fixtures: every test runs on the embedded FalkorDB store, and on Neo4j when NEO4J_URI is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_schema.store.falkor_server import stop_server


def _run_on_own_thread(coro):
    """`asyncio.run` on a thread of its own: a browser test earlier in the session may leave
    an event loop running on the main thread, where `asyncio.run` refuses to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=120)


@pytest.fixture
def run_async():
    """Runs a coroutine to its end and returns its value (`_run_on_own_thread`)."""
    return _run_on_own_thread


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


@pytest.fixture(scope="module")
def falkor_dir(tmp_path_factory):
    """One embedded server per test module (starting one per test cost ~40 s of CI); tests get it wiped."""
    d = tmp_path_factory.mktemp("fk")
    yield d
    stop_server(d)


@pytest.fixture(params=BACKENDS)
def store(request):
    """An empty store of each backend (wiped before and after the test)."""
    if request.param == "falkordb":
        from graph_schema.store.falkor import FalkorStore

        s = FalkorStore(request.getfixturevalue("falkor_dir"))
        s.wipe()
        yield s
        s.wipe()
        s.close()
    else:
        from graph_schema.store.neo4j_store import Neo4jStore

        s = Neo4jStore.from_env()
        s.wipe()
        yield s
        s.wipe()
        s.close()
