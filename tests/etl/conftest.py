"""Fixtures for ETL tests: the hand-written sample files the repository carries (tests/data/samples)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _samples_dir() -> Path:
    """ECOGRAPH_SAMPLES points at another sample folder; the repository's own copy otherwise."""
    env = os.environ.get("ECOGRAPH_SAMPLES")
    return Path(env) if env else REPO / "tests" / "data" / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    d = _samples_dir()
    assert (d / "hotline.csv").is_file(), f"sample files missing in {d}"
    return d
