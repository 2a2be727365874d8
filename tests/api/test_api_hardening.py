"""Transport and endpoint hardening, through HTTP: body size cap before authentication, NUL
bytes refused with 400, security headers, gang re-detection validated and never dropping
reviewed memberships, X-Forwarded-For trusted only from configured proxies.  Own data dir:
gang detection and reviews write to the graph."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import graph_fixture as G
import httpx
import pytest
from graph_fixture import login_as, planted_data_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh():
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in planted_data_dir("egh-"):
        with TestClient(create_app(Settings(data_dir=d, backend="falkordb"))) as c:  # the default cap: 1 MiB
            yield c, d


def _audit(d: Path) -> list[dict]:
    return [json.loads(x) for x in (d / "audit.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


# ---------------------------------------------------------------- body size


def test_large_body_is_refused_before_authentication(fresh):
    client, d = fresh
    big = b'{"head": "' + b"x" * (2 << 20) + b'"}'
    r = client.post("/api/review", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "请求体过大" in r.json()["detail"]  # not 401: nothing read it
    assert _audit(d)[-1]["status"] == 413 and _audit(d)[-1]["path"] == "/api/review"


def test_chunked_body_is_cut_at_the_cap(fresh):
    client, _ = fresh
    sent = []

    def chunks():
        for _ in range(64):  # 4 MiB in 64 KiB chunks, no Content-Length
            sent.append(1)
            yield b"a" * 65536

    r = client.post("/api/auth/token", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "请求体过大" in r.json()["detail"]


def test_small_bodies_still_work(fresh):
    client, _ = fresh
    assert client.post("/api/auth/token", data={"username": "demo", "password": "demo1234"}).status_code == 200


# ---------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize(
    "path",
    ["/api/search?q=%E5%BC%A0%00", f"/api/entities/{G.TRUCK}%00", "/api/paths?a=site:x&b=site:%00y"],
)
def test_nul_in_the_request_is_400_in_chinese(fresh, path):
    client, _ = fresh
    h = login_as(client, "investigator")
    r = client.get(path, headers=h)
    assert r.status_code == 400, r.text
    assert "空字符" in r.json()["detail"] and "errCtx" not in r.text and "CYPHER" not in r.text.upper()


def test_nul_in_a_json_body_is_400(fresh):
    client, _ = fresh
    h = login_as(client, "demo")
    body = {"head": G.TRUCK, "type": "DUMPED_AT", "tail": G.DUMP, "fact": "x", "decision": "rejected",
            "reason": "理由\u0000"}  # fmt: skip
    r = client.post("/api/review", json=body, headers=h)
    assert r.status_code == 400 and "空字符" in r.json()["detail"]


# ---------------------------------------------------------------- headers


def test_security_headers(fresh):
    client, _ = fresh
    h = login_as(client, "investigator")
    api = client.get(f"/api/entities/{G.LEADER}", headers=h)
    page = client.get("/")
    for r in (api, page, client.get("/static/app.js")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert api.headers["cache-control"] == "no-store"
    assert client.get("/api/nothing-here", headers=h).headers["cache-control"] == "no-store"
    # The workbench's page loads its scripts from this origin only (the CSP allows no inline script).
    html = page.text
    assert "<script>" not in html and "https://" not in html and 'src="/static/app.js"' in html


# ---------------------------------------------------------------- gang re-detection


@pytest.mark.parametrize(
    "params",
    [{"min_size": 50, "max_size": 2}, {"min_size": 1}, {"max_size": 1000}, {"min_size": "x"}],
)
def test_detect_rejects_bad_sizes_and_keeps_the_gangs(fresh, params):
    client, _ = fresh
    h = login_as(client, "demo")
    before = client.get("/api/gangs", headers=h).json()["gangs"]
    r = client.post("/api/gangs/detect", params=params, headers=h)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail  # Chinese
    assert client.get("/api/gangs", headers=h).json()["gangs"] == before


def test_detect_keeps_reviewed_memberships(fresh):
    client, d = fresh
    analyst, inv, admin = login_as(client, "demo"), login_as(client, "investigator"), login_as(client, "admin")
    assert client.post("/api/gangs/detect", headers=analyst).status_code == 200
    edges = client.get(f"/api/entities/{G.MEMBER2}/neighbours", params={"rel_types": "MEMBER_OF"}, headers=inv)
    m = next(e for e in edges.json()["edges"] if e["type"] == "MEMBER_OF" and e["head"] == G.MEMBER2)
    body = {"head": m["head"], "type": "MEMBER_OF", "tail": m["tail"], "fact": m["props"]["fact"],
            "decision": "confirmed", "reason": "笔录证实李明参与"}  # fmt: skip
    assert client.post("/api/review", json=body, headers=admin).status_code == 200
    # A re-run whose sizes leave no gang at all (max_size 2 < the crew of three) ...
    assert client.post("/api/gangs/detect", params={"min_size": 2, "max_size": 2}, headers=analyst).status_code == 200
    # ... still holds the analyst's decision, on its gang.
    edges = client.get(f"/api/entities/{G.MEMBER2}/neighbours", params={"rel_types": "MEMBER_OF"}, headers=inv)
    kept = [e for e in edges.json()["edges"] if e["type"] == "MEMBER_OF" and e["tail"] == m["tail"]]
    assert len(kept) == 1 and kept[0]["props"]["review"] == "confirmed"
    assert kept[0]["props"]["review_reason"] == "笔录证实李明参与" and kept[0]["props"]["reviewed_by"] == "admin"
    gangs = client.get("/api/gangs", headers=inv).json()["gangs"]
    assert any(g["key"] == m["tail"] and G.MEMBER2 in [x["key"] for x in g["members"]] for g in gangs)
    # and a normal re-run puts it on the re-detected gang of the same key, without duplicating it
    assert client.post("/api/gangs/detect", headers=analyst).status_code == 200
    edges = client.get(f"/api/entities/{G.MEMBER2}/neighbours", params={"rel_types": "MEMBER_OF"}, headers=inv)
    kept = [e for e in edges.json()["edges"] if e["type"] == "MEMBER_OF" and e["tail"] == m["tail"]]
    assert len(kept) == 1 and kept[0]["props"]["review"] == "confirmed"
    # `ecograph gangs` (the CLI's write-back) keeps it too
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(d), "gangs", "--min-size", "2", "--max-size", "2"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    edges = client.get(f"/api/entities/{G.MEMBER2}/neighbours", params={"rel_types": "MEMBER_OF"}, headers=inv)
    kept = [e for e in edges.json()["edges"] if e["type"] == "MEMBER_OF" and e["tail"] == m["tail"]]
    assert len(kept) == 1 and kept[0]["props"]["review"] == "confirmed"


# ---------------------------------------------------------------- X-Forwarded-For


def test_forwarded_for_is_trusted_only_from_a_configured_proxy(tmp_path):
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings
    from api.security.users import ensure_demo_users, mark_demo_dir

    mark_demo_dir(tmp_path)

    ensure_demo_users(tmp_path)
    app = create_app(Settings(data_dir=tmp_path, backend="falkordb", trusted_proxies=("testclient",)))
    with TestClient(app) as c:  # TestClient's peer address is "testclient": here a trusted proxy
        for i in range(5):
            r = c.post("/api/auth/token", data={"username": f"u{i}", "password": "x"},
                       headers={"X-Forwarded-For": "203.0.113.9"})  # fmt: skip
            assert r.status_code == 401
        blocked = c.post("/api/auth/token", data={"username": "u9", "password": "x"},
                         headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})  # fmt: skip
        assert blocked.status_code == 429  # the right-most hop the proxy saw is the client
        other = c.post("/api/auth/token", data={"username": "u9", "password": "x"},
                       headers={"X-Forwarded-For": "203.0.113.10"})  # fmt: skip
        assert other.status_code == 401
    assert _audit(tmp_path)[-1]["client"] == "203.0.113.10"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_ignores_forwarded_for_by_default(tmp_path):
    """`ecograph serve` as users start it: rotating X-Forwarded-For must not escape the
    per-client throttle nor forge the audited client."""
    from api.security.users import ensure_demo_users, mark_demo_dir

    mark_demo_dir(tmp_path)

    ensure_demo_users(tmp_path)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ECOGRAPH_TRUSTED_PROXIES", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        codes = []
        for i in range(6):  # a different user and a different forged address each time
            r = httpx.post(base + "/api/auth/token", data={"username": f"spray{i}", "password": "x"},
                           headers={"X-Forwarded-For": f"10.9.8.{i}"}, timeout=10)  # fmt: skip
            codes.append(r.status_code)
        assert codes == [401] * 5 + [429]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    clients = {e["client"] for e in _audit(tmp_path) if e.get("path") == "/api/auth/token"}
    assert clients == {"127.0.0.1"}
