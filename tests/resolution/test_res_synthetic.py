"""Done-when of issue 3 §5 on the synthetic generator's planted duplicates.

Thresholds were tuned on seed 1 (`python -m resolution.evaluate --seed 1`);
this test asserts on seed 7, which the tuning never used.  Seed 7 at the time
of writing: companies P=1.0 R=1.0, vehicles P=1.0 R=1.0, 0 decoy merges.
"""

from __future__ import annotations

import pytest

synthetic = pytest.importorskip("synthetic")
if not hasattr(synthetic, "generate_bundle"):
    pytest.skip("synthetic.generate_bundle not available yet", allow_module_level=True)

TUNING_SEED = 1
HELD_OUT_SEED = 7


@pytest.fixture(scope="module")
def result():
    from resolution.evaluate import run_on_bundle

    return run_on_bundle(HELD_OUT_SEED)


@pytest.mark.parametrize("kind", ["companies", "vehicles"])
def test_precision_and_recall_on_held_out_seed(result, kind: str) -> None:
    r = result[kind]
    assert r["true_pairs"] > 0, r
    assert r["precision"] >= 0.99, r
    assert r["recall"] >= 0.95, r


def test_no_masked_decoy_is_ever_merged(result) -> None:
    d = result["decoys"]
    assert d["decoys"] > 0
    assert d["merges"] == 0, d["fused"]


def test_person_merges_never_contradict_the_truth(result) -> None:
    p = result["person_merges"]
    assert p["wrong"] == 0, p["wrong_examples"]
