from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_schema.store.falkor_server import stop_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO / "tests" / "data" / "samples"


@pytest.fixture
def data_dir(tmp_path: Path):
    d = tmp_path / "data"
    yield d
    stop_server(d)


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `ecograph` in a child process, as a user would, on `data_dir`."""
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture(scope="session")
def cli():
    return run_cli
