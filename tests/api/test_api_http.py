"""HTTP API: auth, roles, masking, prosecutor scope, review, exports, audit trail."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess

import graph_fixture as G
import pytest


def _audit_lines(data_dir):
    return [json.loads(x) for x in (data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


# ---------------------------------------------------------------- auth and roles


def test_login_and_me(client, login):
    h = login("demo")
    me = client.get("/api/auth/me", headers=h).json()
    assert me["username"] == "demo" and me["role"] == "analyst" and me["role_zh"] == "情报研判"


def test_bad_password_is_401_and_audited(client, data_dir):
    r = client.post("/api/auth/token", data={"username": "demo", "password": "nope-nope"})
    assert r.status_code == 401
    last = _audit_lines(data_dir)[-1]
    assert last["path"] == "/api/auth/token" and last["status"] == 401 and last["login"] == "demo"
    assert "nope-nope" not in json.dumps(last)


@pytest.mark.parametrize(
    "path",
    [
        "/api/search?q=张建国",
        f"/api/entities/{G.LEADER}",
        "/api/gangs",
        "/api/audit",
        "/api/export/evidence?from=a&to=b",
    ],
)
def test_no_token_is_401_and_audited(client, data_dir, path):
    r = client.get(path)
    assert r.status_code == 401
    assert r.headers.get("www-authenticate") == "Bearer"
    last = _audit_lines(data_dir)[-1]
    assert last["status"] == 401 and last["outcome"] == "denied" and last["user"] is None


def test_forged_token_is_401(client):
    r = client.get("/api/auth/me", headers={"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.x"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "user,method,path",
    [
        ("demo", "get", "/api/audit"),
        ("demo", "get", "/api/users"),
        ("investigator", "get", "/api/audit/verify"),
        ("prosecutor", "get", "/api/gangs"),
        ("prosecutor", "get", "/api/alerts"),
        ("investigator", "post", "/api/review"),
    ],
)
def test_wrong_role_is_403_and_audited(client, login, data_dir, user, method, path):
    kwargs = (
        {"json": {"head": "a", "type": "DRIVES", "tail": "b", "fact": "x", "decision": "confirmed", "reason": "r"}}
        if method == "post"
        else {}
    )
    r = getattr(client, method)(path, headers=login(user), **kwargs)
    assert r.status_code == 403, r.text
    last = _audit_lines(data_dir)[-1]
    assert last["user"] == user and last["status"] == 403 and last["outcome"] == "denied" and last["path"] == path


def test_admin_adds_user_over_api(client, login):
    r = client.post(
        "/api/users",
        headers=login("admin"),
        json={"username": "zhang3", "password": "pass-word-1", "role": "investigator"},
    )
    assert r.status_code == 201, r.text
    assert client.post("/api/auth/token", data={"username": "zhang3", "password": "pass-word-1"}).status_code == 200
    assert (
        client.post(
            "/api/users", headers=login("demo"), json={"username": "x", "password": "pass-word-1", "role": "admin"}
        ).status_code
        == 403
    )


# ---------------------------------------------------------------- reads


def test_search_entity_neighbours_timeline_documents(client, login):
    h = login("investigator")
    hits = client.get("/api/search", params={"q": "张建国"}, headers=h).json()["hits"]
    assert hits[0]["key"] == G.LEADER and hits[0]["name"] == "张建国"
    ent = client.get(f"/api/entities/{G.LEADER}", headers=h).json()
    assert ent["label"] == "Person" and ent["label_zh"] == "人员" and ent["props"]["id_card"] == G.LEADER_ID
    g = client.get(f"/api/entities/{G.LEADER}/neighbours", headers=h).json()
    assert {G.TRUCK, G.MEMBER2, G.MEMBER3, G.CASE1} <= {n["key"] for n in g["nodes"]}
    assert any(e["type"] == "DRIVES" and e["props"]["fact"] for e in g["edges"])
    tl = client.get(f"/api/entities/{G.TRUCK}/timeline", headers=h).json()
    assert any(ev["type"] == "SEEN_AT" for ev in tl["events"])
    docs = client.get(f"/api/entities/{G.LEADER}/documents", headers=h).json()["documents"]
    assert docs[0]["key"] == G.CASE1
    d = client.get(f"/api/documents/{G.CASE1}", headers=h).json()
    spans = {d["text"][s["start"] : s["end"]] for s in d["spans"]}
    assert {"张建国", "浙E3K821", "青岭村废弃矿坑"} <= spans
    assert client.get("/api/entities/person:nobody", headers=h).status_code == 404


def test_paths_sites_cases_gangs(client, login):
    h = login("demo")
    r = client.get("/api/paths", params={"a": G.TRUCK, "b": G.CHECKPOINT}, headers=h).json()
    assert r["paths"][0]["length"] == 1 and r["paths"][0]["hops"][0]["type"] == "SEEN_AT"
    sites = client.get("/api/sites", headers=h).json()
    assert {s["name"] for s in sites} >= {"青岭村废弃矿坑", "白沙湿地"}
    assert {c["key"] for c in client.get("/api/cases", headers=h).json()["cases"]} == {G.CASE1, G.CASE2}
    gangs = client.get("/api/gangs", headers=h).json()["gangs"]
    assert gangs[0]["leader"]["name"] == "张建国" and len(gangs[0]["members"]) == 3


def test_openapi_docs(client):
    spec = client.get("/openapi.json").json()
    for p in [
        "/api/search",
        "/api/paths",
        "/api/review",
        "/api/export/evidence",
        "/api/gangs",
        "/api/chains",
        "/api/audit/verify",
    ]:
        assert p in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_web_is_served(client):
    r = client.get("/")
    assert r.status_code == 200 and "生态警务情报图谱研判平台" in r.text
    assert client.get("/static/app.js").status_code == 200


# ---------------------------------------------------------------- masking


def test_masking_for_analyst_everywhere(client, login):
    h = login("demo")
    hit = client.get("/api/search", params={"q": "张建国"}, headers=h).json()["hits"][0]
    assert G.LEADER_ID not in json.dumps(hit, ensure_ascii=False)
    assert hit["props"]["id_card"] == "330502********1234" and hit["props"]["phone"] == "138****5678"
    masked_key = hit["key"]
    assert masked_key.startswith("person:330502********1234~")
    # The masked key navigates (server resolves it) and nothing comes back unmasked.
    for path in [
        f"/api/entities/{masked_key}",
        f"/api/entities/{masked_key}/neighbours",
        f"/api/entities/{masked_key}/documents",
        f"/api/documents/{G.CASE1}",
    ]:
        r = client.get(path, headers=h)
        assert r.status_code == 200, (path, r.text)
        assert G.LEADER_ID not in r.text and "13812345678" not in r.text, path
    doc = client.get(f"/api/documents/{G.CASE1}", headers=h).json()
    assert "330502********1234" in doc["text"] and "138****5678" in doc["text"]
    assert {doc["text"][s["start"] : s["end"]] for s in doc["spans"]} >= {"张建国", "浙E3K821"}  # spans still aligned
    # A forged tag does not resolve.
    assert client.get("/api/entities/person:330502********1234~0000000000", headers=h).status_code == 404


def test_masked_key_resolves_after_restart(data_dir, login, client):
    """A fresh app (empty cache) still resolves a masked key via prefix/suffix lookup + HMAC."""
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    masked = client.get("/api/search", params={"q": "李明"}, headers=login("demo")).json()["hits"][0]["key"]
    with TestClient(create_app(Settings(data_dir=data_dir))) as c2:
        r = c2.get(f"/api/entities/{masked}", headers=login("demo"))
        assert r.status_code == 200 and r.json()["name"] == "李明"


def test_investigator_is_cleared(client, login):
    r = client.get(f"/api/documents/{G.CASE1}", headers=login("investigator"))
    assert G.LEADER_ID in r.text and "13812345678" in r.text


# ---------------------------------------------------------------- prosecutor scope


def test_prosecutor_sees_only_shared_cases(client, login):
    hp = login("prosecutor")
    assert client.get(f"/api/documents/{G.CASE1}", headers=hp).status_code == 403
    assert client.get(f"/api/entities/{G.LEADER}", headers=hp).status_code == 403
    assert client.get("/api/cases", headers=hp).json()["cases"] == []
    # An investigator shares case 1.
    r = client.post(
        "/api/shares", headers=login("investigator"), json={"username": "prosecutor", "kind": "case", "ref": G.CASE1}
    )
    assert r.status_code == 201, r.text
    assert [c["key"] for c in client.get("/api/cases", headers=hp).json()["cases"]] == [G.CASE1]
    assert client.get(f"/api/documents/{G.CASE1}", headers=hp).status_code == 200
    assert client.get(f"/api/entities/{G.TRUCK}", headers=hp).status_code == 200
    # The unshared case and its people stay closed, in every route.
    assert client.get(f"/api/documents/{G.CASE2}", headers=hp).status_code == 403
    assert client.get(f"/api/entities/{G.OTHER}", headers=hp).status_code == 403
    assert client.get(f"/api/entities/{G.OTHER}/neighbours", headers=hp).status_code == 403
    hits = client.get("/api/search", params={"q": "赵六"}, headers=hp).json()["hits"]
    assert hits == []
    assert (
        client.get("/api/export/evidence", params={"from": G.TRUCK, "to": G.OTHER_SITE}, headers=hp).status_code == 403
    )
    # Neighbours are cut to the shared scope (the checkpoint read is another document).
    g = client.get(f"/api/entities/{G.TRUCK}/neighbours", headers=hp).json()
    assert G.CHECKPOINT not in {n["key"] for n in g["nodes"]}
    # And a prosecutor is not cleared for identifiers.
    assert G.LEADER_ID not in client.get(f"/api/documents/{G.CASE1}", headers=hp).text


# ---------------------------------------------------------------- review


def test_review_confirm_and_reject(client, login, data_dir):
    h = login("demo")  # an analyst: reviews the link by the masked keys it was shown
    member3 = next(x["key"] for x in client.get("/api/search", params={"q": "王小虎"}, headers=h).json()["hits"])
    g = client.get(f"/api/entities/{member3}/neighbours", headers=h).json()
    co = next(e for e in g["edges"] if e["type"] == "CO_OFFENDER")
    body = {"head": co["head"], "type": "CO_OFFENDER", "tail": co["tail"], "fact": co["props"]["fact"]}
    assert client.post("/api/review", headers=h, json={**body, "decision": "maybe", "reason": "x"}).status_code == 422
    r = client.post(
        "/api/review", headers=h, json={**body, "decision": "rejected", "reason": "同名不同人，笔录不支持伙同"}
    )
    assert r.status_code == 200, r.text
    props = r.json()["props"]
    assert (
        props["review"] == "rejected" and props["reviewed_by"] == "demo" and props["review_reason"].startswith("同名")
    )
    last = _audit_lines(data_dir)[-1]
    assert last["action"] == "review" and last["decision"] == "rejected"
    # A rejected link no longer backs an evidence chain: the export goes around it.
    ev = client.get(
        "/api/export/evidence", params={"from": G.LEADER, "to": G.MEMBER3}, headers=login("investigator")
    ).json()
    assert all(hop["type"] != "CO_OFFENDER" for hop in ev["hops"])
    missing = client.post(
        "/api/review", headers=h, json={**body, "fact": "nope", "decision": "confirmed", "reason": "x"}
    )
    assert missing.status_code == 404


# ---------------------------------------------------------------- evidence export


def test_evidence_json_shape_and_hashes(client, login, data_dir):
    h = login("investigator")
    r = client.get("/api/export/evidence", params={"from": G.LEADER, "to": G.DUMP, "format": "json"}, headers=h)
    assert r.status_code == 200, r.text
    ev = r.json()
    assert set(ev) >= {"from", "to", "hops", "generated_at", "sha256"}
    assert ev["from"] == G.LEADER and ev["to"] == G.DUMP
    assert [(x["from"], x["type"], x["to"]) for x in ev["hops"]] == [
        (G.LEADER, "DRIVES", G.TRUCK),
        (G.TRUCK, "DUMPED_AT", G.DUMP),
    ]
    src = ev["hops"][1]["sources"][0]
    assert src["doc"] == G.CASE1 and "青岭村废弃矿坑" in src["quote"]
    assert src["sha256"] == hashlib.sha256(G.CASE1_TEXT.encode()).hexdigest()
    assert src["method"] == "model" and src["confidence"] == pytest.approx(0.78) and src["confirmed"] is False
    assert {m["text"] for m in src["marks"]} >= {"浙E3K821", "青岭村废弃矿坑"}
    from api.export.evidence import verify_export

    assert verify_export(ev) and r.headers["X-Content-SHA256"] == ev["sha256"]
    last = _audit_lines(data_dir)[-1]
    assert last["action"] == "export_evidence" and last["file_sha256"] == hashlib.sha256(r.content).hexdigest()


def test_plate_read_is_a_document_and_evidence_without_a_document_node(client, login):
    """A plate read is stored as its SEEN_AT (no Document node); the workbench and the
    prosecutor's export still find it by its document key, with the raw record's hash."""
    h = login("investigator")
    d = client.get(f"/api/documents/{G.ANPR}", headers=h)
    assert d.status_code == 200, d.text
    d = d.json()
    assert d["source"] == "anpr" and d["sha256"] == hashlib.sha256(G.ANPR_TEXT.encode()).hexdigest()
    spans = {s["key"]: d["text"][s["start"] : s["end"]] for s in d["spans"]}
    assert spans[G.TRUCK] == "浙E3K821" and G.CHECKPOINT in spans and "经过" in d["text"]
    assert d["props"]["file"] == "/exports/anpr.csv" and d["props"]["row"] == 124
    docs = client.get(f"/api/entities/{G.CHECKPOINT}/documents", headers=h).json()["documents"]
    assert [x["key"] for x in docs] == [G.ANPR] and docs[0]["source"] == "anpr"
    ev = client.get(
        "/api/export/evidence", params={"from": G.TRUCK, "to": G.CHECKPOINT, "format": "json"}, headers=h
    ).json()
    (src,) = ev["hops"][0]["sources"]
    assert src["doc"] == G.ANPR and src["sha256_basis"] == "source_record"
    assert src["sha256"] == hashlib.sha256(G.ANPR_TEXT.encode()).hexdigest()
    assert src["file"] == "/exports/anpr.csv" and src["row"] == 124 and src["doc_source"] == "anpr"


def test_evidence_export_masked_for_analyst(client, login, masked):
    h = login("demo")
    for fmt in ("json", "docx"):
        params = {"from": masked(G.LEADER), "to": G.DUMP, "format": fmt}
        r = client.get("/api/export/evidence", params=params, headers=h)
        assert r.status_code == 200
        if fmt == "json":
            assert G.LEADER_ID not in r.text and "13812345678" not in r.text
        else:
            from docx import Document

            text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
            assert "证据链" in text and "张建国" in text and G.LEADER_ID not in text


def test_evidence_pdf_has_chinese_text(client, login, tmp_path, masked):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing — run scripts/setup_assets.sh")
    params = {"from": masked(G.LEADER), "to": G.DUMP, "format": "pdf"}
    r = client.get("/api/export/evidence", params=params, headers=login("demo"))
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    assert r.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "e.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    for s in (
        "证据链",
        "张建国",
        "浙E3K821",
        "驾驶",
        "倾倒于",
        "青岭村废弃矿坑",
        "模型抽取",
        "SHA-256",
        "关系链示意图",
    ):
        assert s in text, s
    assert G.LEADER_ID not in text


def test_evidence_no_path_is_404(client, login):
    r = client.get(
        "/api/export/evidence", params={"from": G.OTHER_SITE, "to": G.CHECKPOINT, "max_hops": 2}, headers=login("demo")
    )
    assert r.status_code == 404


# ---------------------------------------------------------------- audit


def test_every_read_is_audited_and_admin_can_verify(client, login, data_dir):
    h = login("demo")
    n0 = len(_audit_lines(data_dir))
    client.get(f"/api/entities/{G.TRUCK}", headers=h)
    client.get("/api/search", params={"q": "浙E"}, headers=h)
    lines = _audit_lines(data_dir)
    assert len(lines) == n0 + 2
    assert lines[-2]["action"] == "entity" and lines[-1]["action"] == "search" and lines[-1]["q"] == "浙E"
    ha = login("admin")
    entries = client.get("/api/audit", params={"limit": 5}, headers=ha).json()["entries"]
    assert entries[0]["seq"] > entries[-1]["seq"]
    v = client.get("/api/audit/verify", headers=ha).json()
    assert v["ok"] is True and v["lines"] >= n0 + 2


def test_computed_links_back_evidence_only_when_confirmed(client, login, masked):
    hi = login("investigator")
    # (gang detection may have re-run in another test: take the gang MEMBER2 is in now)
    g = client.get(f"/api/entities/{G.MEMBER2}/neighbours", params={"rel_types": "MEMBER_OF"}, headers=hi).json()
    m = next(e for e in g["edges"] if e["type"] == "MEMBER_OF" and e["head"] == G.MEMBER2)
    params = {"from": G.MEMBER2, "to": m["tail"], "max_hops": 1}
    assert client.get("/api/export/evidence", params=params, headers=hi).status_code == 404
    body = {
        "head": m["head"],
        "type": "MEMBER_OF",
        "tail": m["tail"],
        "fact": m["props"]["fact"],
        "decision": "confirmed",
        "reason": "笔录证实",
    }
    assert client.post("/api/review", headers=login("demo"), json=masked(body)).status_code == 200
    ev = client.get("/api/export/evidence", params=params, headers=hi).json()
    assert ev["hops"][0]["type"] == "MEMBER_OF" and ev["hops"][0]["sources"][0]["confirmed"] is True


def test_search_by_part_of_a_name_and_no_search_grams_in_responses(client, login):
    h = login("investigator")
    assert client.get("/api/search", params={"q": "建国"}, headers=h).json()["hits"][0]["key"] == G.LEADER
    assert client.get("/api/search", params={"q": "某化工"}, headers=h).json()["hits"][0]["key"] == G.CHEM
    assert client.get("/api/search", params={"q": "3K821"}, headers=h).json()["hits"][0]["key"] == G.TRUCK
    for path in (f"/api/entities/{G.LEADER}", f"/api/entities/{G.LEADER}/neighbours", "/api/search?q=张建国"):
        assert '"search"' not in client.get(path, headers=h).text, path
