"""Fixtures for ETL tests: the real sample files in shared/samples (skipped cleanly when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _samples_dir() -> Path | None:
    env = os.environ.get("ECOGRAPH_SAMPLES")
    candidates = [Path(env)] if env else []
    # the checkout may be /work/main (samples at ../shared) or a worktree one level deeper
    candidates += [REPO.parent / "shared" / "samples", REPO.parent.parent / "shared" / "samples"]
    for c in candidates:
        if (c / "hotline.csv").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def samples() -> Path:
    d = _samples_dir()
    if d is None:
        pytest.skip("shared/samples not found (set ECOGRAPH_SAMPLES)")
    return d
