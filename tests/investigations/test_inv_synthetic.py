"""End to end on the synthetic generator's bundles, on seeds NOT used for tuning.

Tuning seeds: 1–12, and 20240521 and 777 whose failures were looked at (`TUNING_SEEDS`); these tests use `HELD_OUT_SEEDS`.
Run: `pytest tests/investigations/test_inv_synthetic.py -q`, or
`python -m investigations.evaluate --seeds 4004 5005 6006 7007 8008` for the numbers.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

synthetic = pytest.importorskip("synthetic")
if not hasattr(synthetic, "generate_bundle"):
    pytest.skip("synthetic.generate_bundle not there yet", allow_module_level=True)

TUNING_SEEDS = (*range(1, 13), 20240521, 777)
HELD_OUT_SEEDS = (4004, 5005, 6006, 7007, 8008)


@pytest.fixture(scope="module", params=HELD_OUT_SEEDS)
def result(request):
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server
    from investigations.evaluate import evaluate_store
    from investigations.pipeline import ingest_and_analyse

    tmp = Path(tempfile.mkdtemp(prefix=f"inv_synth_{request.param}_"))
    bdir = tmp / "bundle"
    synthetic.generate_bundle(bdir, seed=request.param, scale=1)
    truth = json.loads((bdir / "truth.json").read_text(encoding="utf-8"))
    store = open_store(data_dir=tmp)
    try:
        ingest_and_analyse(store, [bdir], data_dir=tmp)
        yield evaluate_store(store, truth)
    finally:
        store.close()
        stop_server(tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def test_gangs_recovered_leaders_no_fusions(result):
    g = result["gangs"]
    # A planted gang counts as recovered at member Jaccard ≥ 0.8.  The one tolerated miss: the
    # truth's "background" person put into a case file *with the leader* is, in the data, a
    # co-suspect of the crew like any member (see investigations/README.md); a 3-person gang
    # plus that person scores 0.75.  Nothing else may be missing or extra.
    assert g["recovered"] == g["planted"] or g["misses_only_background"], g["per_gang"]
    assert g["leaders_right"] == g["planted"], g["per_gang"]
    assert g["fusions"] == 0 and g["decoy_fusions"] == 0, g["fused"]


def test_every_waste_chain_found(result):
    c = result["chains"]
    assert c["found"] == c["planted"], c["per_chain"]


def test_true_water_source_ranked_first(result):
    w = result["water"]
    assert w["ranked_first"] == w["events"], w["per_event"]


def test_alert_precision_beats_80_percent(result):
    a = result["alerts"]
    assert a["precision"] is not None and a["precision"] > 0.8, a
