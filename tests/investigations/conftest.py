"""Fixtures: the hand-written samples ingested into an embedded FalkorDB, and
small graphs built directly with GraphBatch (what ETL produces)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _open(tmp: Path):
    from graph_schema.store import open_store

    return open_store(data_dir=tmp)


def _stop(tmp: Path) -> None:
    from graph_schema.store.falkor_server import stop_server

    stop_server(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_store():
    """The samples (main story: waste acid in the 青岭村 pit) after ingest + gangs + alerts."""
    if not SAMPLES.is_dir():
        pytest.skip("samples not available")
    from etl.ingest import ingest_paths

    tmp = Path(tempfile.mkdtemp(prefix="inv_samples_"))
    store = _open(tmp)
    ingest_paths(store, [SAMPLES], data_dir=tmp, use_nlp=True)
    from investigations.explore import refresh_search_index

    refresh_search_index(store)
    from investigations.gangs import detect_gangs

    detect_gangs(store)
    from investigations.alerts import run_detectors

    run_detectors(store)
    store.data_dir_for_tests = tmp
    yield store
    store.close()
    _stop(tmp)


@pytest.fixture()
def empty_store():
    tmp = Path(tempfile.mkdtemp(prefix="inv_empty_"))
    store = _open(tmp)
    yield store
    store.close()
    _stop(tmp)
