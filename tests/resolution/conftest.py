"""Fixtures for resolution tests: an embedded store in a temporary data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

import resolution  # noqa: F401  (registers the resolution queries)
from graph_schema.store import open_store
from graph_schema.store.falkor_server import stop_server


@pytest.fixture(scope="module")
def _module_store(tmp_path_factory: pytest.TempPathFactory):
    d: Path = tmp_path_factory.mktemp("resdata")
    store = open_store("falkordb", data_dir=d)
    try:
        yield store
    finally:
        store.close()
        stop_server(d)


@pytest.fixture
def store(_module_store):
    """One server per test module; an empty graph per test."""
    _module_store.wipe()
    return _module_store
