from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema.store.falkor_server import stop_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    for cand in (REPO.parent / "shared" / "samples", REPO / "shared" / "samples"):
        if cand.is_dir():
            return cand
    pytest.skip("shared/samples not found beside the repository")


@pytest.fixture
def data_dir(tmp_path: Path):
    d = tmp_path / "data"
    yield d
    stop_server(d)
