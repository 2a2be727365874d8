"""End to end on the synthetic generator's bundles, on seeds NOT used for tuning.

Tuning seeds: 1–6 (`TUNING_SEEDS`); these tests use `HELD_OUT_SEEDS`.
Run: `pytest tests/investigations/test_inv_synthetic.py -q` (skips until
`etl.synthetic` exists).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

synthetic = pytest.importorskip("etl.synthetic")
if not hasattr(synthetic, "generate_bundle"):
    pytest.skip("etl.synthetic.generate_bundle not there yet", allow_module_level=True)

TUNING_SEEDS = (1, 2, 3, 4, 5, 6)
HELD_OUT_SEEDS = (20240521, 777)


@pytest.fixture(scope="module", params=HELD_OUT_SEEDS)
def bundle(request):
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server
    from investigations.pipeline import ingest_and_analyse

    tmp = Path(tempfile.mkdtemp(prefix=f"inv_synth_{request.param}_"))
    bdir = tmp / "bundle"
    synthetic.generate_bundle(bdir, seed=request.param, scale=1)
    truth = json.loads((bdir / "truth.json").read_text(encoding="utf-8"))
    store = open_store(data_dir=tmp)
    ingest_and_analyse(store, [bdir], data_dir=tmp)
    yield store, truth
    store.close()
    stop_server(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


def test_gangs_recovered_leaders_no_fusions(bundle):
    from investigations.gangs import compare_with_truth, detect_gangs

    store, truth = bundle
    cmp = compare_with_truth(detect_gangs(store), truth)
    assert cmp["recovered"] == cmp["planted"], cmp["per_gang"]
    assert cmp["leaders_right"] == cmp["planted"], cmp["per_gang"]
    assert cmp["fusions"] == 0 and cmp["decoy_fusions"] == 0, cmp["fused"]


def test_every_waste_chain_found(bundle):
    from investigations.chains import compare_with_truth, find_waste_chains

    store, truth = bundle
    cmp = compare_with_truth(find_waste_chains(store), truth)
    assert cmp["found"] == cmp["planted"], cmp["per_chain"]


def test_true_water_source_ranked_first(bundle):
    from investigations.water import compare_with_truth

    store, truth = bundle
    cmp = compare_with_truth(store, truth)
    assert cmp["ranked_first"] == cmp["events"], cmp["per_event"]


def test_alert_precision_beats_80_percent(bundle):
    from investigations.alerts import alert_precision, run_detectors
    from investigations.gangs import detect_gangs

    store, truth = bundle
    detect_gangs(store)
    p = alert_precision(run_detectors(store), truth)
    assert p["precision"] is not None and p["precision"] > 0.8, p
