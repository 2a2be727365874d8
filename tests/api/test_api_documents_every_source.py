"""A document of every source opens in the workbench's document panel (`GET /api/documents/{key}`).

Drives the real CLI: `ecograph ingest tests/data/samples` into a fresh data dir, then the API
over it.  Regression: a grid report's own 事件类型 (`event_type`) was taken for the marker of a
plate read stored as its relationship, and every grid report answered HTTP 500.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "data" / "samples"
# hotline, grid, case, anpr, manifest and the water network's three files
SOURCES = {"hotline", "grid", "case", "manifest", "outfall", "segment", "reading"}


@pytest.fixture(scope="module")
def samples_app():
    d = Path(tempfile.mkdtemp(prefix="egs-"))  # short: the store's Unix socket lives inside
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(d)}
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", str(SAMPLES), "--no-analyse", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    from graph_schema.store.falkor_server import stop_server

    try:
        assert run.returncode == 0, run.stderr[-2000:]
        from fastapi.testclient import TestClient

        from api.http.app import create_app
        from api.http.context import Settings
        from api.security.users import ensure_demo_users, mark_demo_dir

        mark_demo_dir(d)
        ensure_demo_users(d)
        app = create_app(Settings(data_dir=d, backend="falkordb"))
        with TestClient(app) as client:
            yield app, client
    finally:
        stop_server(d)
        shutil.rmtree(d, ignore_errors=True)


def _headers(client, user: str) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": user, "password": f"{user}1234"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _one_key_per_source(app) -> dict[str, str]:
    store = app.state.ctx.store
    keys = {r["source"]: r["example"] for r in store.query("api_document_sources")}
    reads = store.query("api_record_event_docs", limit=1)
    if reads:
        keys["anpr"] = reads[0]["doc"]
    return keys


@pytest.mark.parametrize("user", ["investigator", "demo"])  # demo: an analyst, masked
def test_a_document_of_every_source_opens(samples_app, user):
    app, client = samples_app
    keys = _one_key_per_source(app)
    assert SOURCES | {"anpr"} <= set(keys), sorted(keys)
    h = _headers(client, user)
    for source, key in sorted(keys.items()):
        r = client.get(f"/api/documents/{key}", headers=h)
        assert r.status_code == 200, (source, key, r.text[:300])
        doc = r.json()
        assert doc["source"] == source
        assert doc["text"] or doc["title"], (source, doc)
        for s in doc["spans"]:  # spans lie inside the text
            assert 0 <= s["start"] < s["end"] <= len(doc["text"])


def test_every_grid_report_opens_as_its_record(samples_app):
    """All grid reports, not one: each keeps its 事件类型 as a property and is no plate read."""
    app, client = samples_app
    h = _headers(client, "investigator")
    rows = app.state.ctx.store.documents([f"doc:grid:{x}" for x in _grid_ids()])
    assert len(rows) >= 20
    typed = 0
    for key, props in rows.items():
        r = client.get(f"/api/documents/{key}", headers=h)
        assert r.status_code == 200, (key, r.text[:300])
        doc = r.json()
        assert doc["source"] == "grid"
        assert " 经过 " not in doc["text"]  # not rendered as a plate read
        if props.get("event_type"):
            typed += 1
            assert doc["props"]["event_type"] == props["event_type"]
    assert typed >= 20


def _grid_ids() -> list[str]:
    import csv
    import json

    ids = []
    with (SAMPLES / "grid.csv").open(encoding="utf-8-sig") as fh:
        ids += [row["事件编号"] for row in csv.DictReader(fh)]
    for line in (SAMPLES / "grid.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            ids += [str(v) for k, v in rec.items() if k in ("事件编号", "event_id", "id")][:1]
    return ids


def test_grid_reports_on_the_map(samples_app):
    """Grid reports carry the place they were filed from: the map's incident layer lists them, and each opens."""
    app, client = samples_app
    h = _headers(client, "demo")
    inc = client.get("/api/incidents", headers=h).json()["incidents"]
    assert len(inc) >= 20
    assert all(k["key"].startswith("doc:grid:") and 73 < k["lon"] < 136 and 18 < k["lat"] < 54 for k in inc)  # in China
    assert client.get(f"/api/documents/{inc[0]['key']}", headers=h).status_code == 200
