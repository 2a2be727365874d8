"""Paths bounded by design, over HTTP, on a crafted graph of two hubs (issue 14 DoS, issue 17).

Two persons, each with 1,100 co-offenders (hubs by the default rule), each inside a clique
of 40 (K40: enumerating the simple paths of up to six hops from one end never ends),
joined by one 6-hop bridge:  H1 – C1_0 – B1 – B2 – B3 – C2_0 – H2.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from graph_schema.model import GraphBatch, Provenance
from graph_schema.store.falkor_server import stop_server

H1, H2 = "person:H1", "person:H2"
BRIDGE = ["person:C1_0", "person:B1", "person:B2", "person:B3", "person:C2_0"]
LEAVES, CLIQUE = 1100, 40


def _build(store) -> None:
    b = GraphBatch()
    pv = Provenance(doc="doc:case:X1", method="rule", confidence=0.9, quote="共同作案")
    b.add_node("doc:case:X1", source="case", record_id="X1", title="测试案件")

    def person(key: str) -> str:
        return b.add_node(key, name=key.split(":", 1)[1])

    for hub, side in ((H1, 1), (H2, 2)):
        person(hub)
        for i in range(LEAVES):
            b.add_rel("CO_OFFENDER", hub, person(f"person:L{side}_{i}"), pv)
        members = [person(f"person:C{side}_{i}") for i in range(CLIQUE)]
        for i, x in enumerate(members):
            b.add_rel("CO_OFFENDER", hub, x, pv)
            for y in members[i + 1 :]:
                b.add_rel("CO_OFFENDER", x, y, pv)
    chain = [H1, *BRIDGE, H2]
    for x, y in zip(chain[1:-2], chain[2:-1]):
        b.add_rel("CO_OFFENDER", person(x), person(y), pv)
    store.write_batch(b)


@pytest.fixture(scope="module")
def hub_dir(tmp_path_factory):
    from api.security.users import UserStore
    from graph_schema.store import open_store

    d = tmp_path_factory.mktemp("hub")
    store = open_store("falkordb", d)
    _build(store)
    store.close()
    UserStore(d).add("ana", "ana-password-1", "analyst", "研判")
    yield d
    stop_server(d)


def _client(data_dir: Path, **settings):
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    client = TestClient(create_app(Settings(data_dir=data_dir, backend="falkordb", **settings)))
    r = client.post("/api/auth/token", data={"username": "ana", "password": "ana-password-1"})
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


def _running_queries(data_dir: Path) -> list:
    from graph_schema.store.falkor import FalkorStore

    s = FalkorStore(data_dir)
    try:
        return list(s._db.connection.execute_command("GRAPH.INFO", "RunningQueries")[1])
    finally:
        s.close()


def _audit(data_dir: Path) -> list[dict]:
    lines = (data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


@pytest.mark.parametrize("all_simple", [True, False])
def test_six_hops_between_two_hubs_answers_within_two_seconds(hub_dir, all_simple):
    client = _client(hub_dir)
    t0 = time.monotonic()
    r = client.get("/api/paths", params={"a": H1, "b": H2, "max_hops": 6, "all_simple": all_simple, "limit": 10})
    elapsed = time.monotonic() - t0
    assert r.status_code == 200, r.text
    assert elapsed < 2.0, elapsed
    body = r.json()
    if body["paths"]:
        assert body["paths"][0]["keys"] == [H1, *BRIDGE, H2]
        assert [h["type"] for h in body["paths"][0]["hops"]] == ["CO_OFFENDER"] * 6
        assert body["paths"][0]["hops"][0]["props"]["doc"] == "doc:case:X1"  # the hop's own properties
    else:
        assert body["budget_hit"] and "时间预算" in body["message"]
    assert _running_queries(hub_dir) == []  # nothing left running in the store
    event = _audit(hub_dir)[-1]
    assert event["action"] == "paths" and event["a"] == H1 and event["b"] == H2


def test_spent_path_budget_says_so_in_chinese_and_is_audited(hub_dir):
    client = _client(hub_dir, path_budget_s=0.001)
    t0 = time.monotonic()
    r = client.get("/api/paths", params={"a": H1, "b": H2, "max_hops": 6, "all_simple": True})
    assert time.monotonic() - t0 < 2.0
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["paths"] == [] and body["budget_hit"] is True and body["complete"] is False
    assert "路径查找超出时间预算 (0.001 秒)" in body["message"]
    event = _audit(hub_dir)[-1]
    assert event["action"] == "paths" and event["outcome"] == "timeout" and event["budget_hit"] == 0.001
    assert _running_queries(hub_dir) == []


def test_a_request_over_its_budget_answers_503_with_the_budget(hub_dir):
    client = _client(hub_dir, request_budget_s=0.001)
    r = client.get(f"/api/entities/{H1}/neighbours")
    assert r.status_code == 503
    body = r.json()
    assert body["reason"] == "time_budget" and body["budget_s"] == 0.001
    assert "查询超出时间预算 (0.001 秒)" in body["detail"]
    assert _audit(hub_dir)[-1]["outcome"] == "timeout"


def test_hubs_are_not_expanded_through_unless_asked(hub_dir):
    client = _client(hub_dir)
    leaf1, leaf2 = "person:L1_0", "person:L1_1"  # linked only through the hub H1
    r = client.get("/api/paths", params={"a": leaf1, "b": leaf2, "max_hops": 4})
    body = r.json()
    assert body["paths"] == [] and body["hubs"] == [H1] and "枢纽" in body["message"]
    r = client.get("/api/paths", params={"a": leaf1, "b": leaf2, "max_hops": 4, "through_hubs": True})
    assert r.json()["paths"][0]["keys"] == [leaf1, H1, leaf2]
    r = client.get("/api/paths", params={"a": leaf1, "b": leaf2, "max_hops": 4, "all_simple": True})
    assert r.json()["paths"] == [] and r.json()["hubs"] == [H1]


def test_responses_carry_the_store_time_profile(hub_dir):
    client = _client(hub_dir)
    r = client.get(f"/api/entities/{H1}")
    timing = r.headers["Server-Timing"]
    assert timing.startswith("store;dur=") and 'desc="1 queries"' in timing and "app;dur=" in timing


def test_sigterm_stops_the_server_with_a_hub_path_search_in_flight(hub_dir):
    """The all-simple-paths request between two hubs kept the server alive after SIGTERM:
    uvicorn waits for requests in flight, and that one never ended."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import threading

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, "-m", "api.cli", "--data-dir", str(hub_dir), "serve", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = httpx.post(base + "/api/auth/token", data={"username": "ana", "password": "ana-password-1"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        params = {"a": H1, "b": H2, "max_hops": 6, "all_simple": True, "limit": 50}

        def search() -> None:
            try:
                httpx.get(base + "/api/paths", params=params, headers=headers, timeout=30)
            except httpx.HTTPError:
                pass

        threading.Thread(target=search, daemon=True).start()
        time.sleep(0.3)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        assert time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _running_queries(hub_dir) == []


def _timing(r) -> tuple[float, int]:
    store = next(p for p in r.headers["Server-Timing"].split(",") if p.strip().startswith("store"))
    return float(store.split("dur=")[1].split(";")[0]), int(store.split('desc="')[1].split()[0])


def test_search_is_one_store_round_trip_across_labels(hub_dir):
    client = _client(hub_dir)
    r = client.get("/api/search", params={"q": "L1", "limit": 10})
    assert r.status_code == 200 and len(r.json()["hits"]) == 10
    # keys, every label's full-text index and the small vocabularies together; then the kept hits' properties
    assert _timing(r)[1] == 2


def test_a_disabled_user_is_refused_once_the_token_cache_expires(hub_dir):
    from api.security.users import UserStore

    users = UserStore(hub_dir)
    users.add("tmp", "tmp-password-1", "analyst", "临时")
    for ttl in (0.3, 0.0):
        users.set_disabled("tmp", False)
        client = _client(hub_dir, user_cache_s=ttl)
        client.headers.pop("Authorization")
        tok = client.post("/api/auth/token", data={"username": "tmp", "password": "tmp-password-1"}).json()
        client.headers["Authorization"] = f"Bearer {tok['access_token']}"
        assert client.get("/api/auth/me").status_code == 200
        users.set_disabled("tmp", True)
        time.sleep(ttl + 0.1)
        assert client.get("/api/auth/me").status_code == 401


def test_evidence_export_between_the_hubs_reuses_the_bounded_search_or_the_given_path(hub_dir):
    client = _client(hub_dir)
    t0 = time.monotonic()
    r = client.get("/api/export/evidence", params={"from": H1, "to": H2, "format": "json", "max_hops": 6})
    assert time.monotonic() - t0 < 3.0  # the old export enumerated every simple path: it never answered
    assert r.status_code == 200, r.text
    assert [n["key"] for n in r.json()["nodes"]] == [H1, *BRIDGE, H2]
    shorter = [H1, "person:C1_0", "person:C1_1", H1]  # not from H1 to H2: refused
    r = client.get("/api/export/evidence", params={"from": H1, "to": H2, "path": ",".join(shorter)})
    assert r.status_code == 404 and "给定路径" in r.json()["detail"]
    path = ",".join([H1, *BRIDGE, H2])
    r = client.get("/api/export/evidence", params={"from": H1, "to": H2, "max_hops": 6, "path": path})
    assert r.status_code == 200 and len(r.json()["hops"]) == 6
    assert _running_queries(hub_dir) == []
