"""Masking cannot be undone through the API: error texts never print the unmasked key, an
identifier in clear is answered exactly like an unknown one (no existence oracle), key
enumeration is throttled and audited, and document text is masked in every written form.
Own data dir (identifier_fixture): the planted graph plus a ticket that writes IDs and
phones every way people type them."""

from __future__ import annotations

import json
import re
import unicodedata

import graph_fixture as G
import identifier_fixture as F
import pytest
from graph_fixture import login_as

# Candidates an analyst would try: the visible parts of a masked identifier he was shown
# (330502********1234, 138****5678) with the hidden digits guessed; nobody has these.
UNKNOWN_ID = "330502199912311234"
UNKNOWN_PHONE = "13800005678"


def leaks(text: str) -> list[str]:
    """The secrets `text` holds in clear, in any written form: full-width digits are read as
    ASCII and separators between digits (spaces, hyphens, plus, brackets, dots) dropped."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"(?<=\d)[\s\-+().\u3000]+(?=\d)", "", t)
    return [s for s in F.SECRETS if s in t]


@pytest.fixture(scope="module")
def env():
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in F.data_dir("egm-"):
        settings = Settings(data_dir=d, backend="falkordb")
        settings.probe_max_misses = 10**6  # these tests probe on purpose; the throttle has its own test
        with TestClient(create_app(settings)) as c:
            yield c, d, {u: login_as(c, u) for u in ("demo", "investigator", "prosecutor", "admin")}


def _masked(client, value):
    return client.app.state.ctx.masker.mask(value)


# ---------------------------------------------------------------- error texts


def test_not_found_texts_never_print_the_unmasked_key(env):
    client, _, h = env
    leader = _masked(client, G.LEADER)  # what the analyst was shown
    for path, params in [
        (f"/api/gangs/{leader}", None),
        (f"/api/upstream/{leader}", None),
        ("/api/export/evidence", {"from": leader, "to": F.ISLAND}),
        (f"/api/documents/{leader}", None),
    ]:
        r = client.get(path, params=params, headers=h["demo"])
        assert r.status_code == 404, (path, r.text)
        assert not leaks(r.text), (path, r.text)
        assert "找不到" in r.json()["detail"]


# ---------------------------------------------------------------- existence oracle


def _same(a, b) -> bool:
    return a.status_code == b.status_code and a.content == b.content


@pytest.mark.parametrize(
    "template",
    [
        "/api/entities/{k}",
        "/api/entities/{k}/neighbours",
        "/api/entities/{k}/timeline",
        "/api/entities/{k}/documents",
        "/api/documents/{k}",
        "/api/gangs/{k}",
        "/api/upstream/{k}",
    ],
)
@pytest.mark.parametrize("user", ["demo", "prosecutor"])
def test_identifier_in_clear_is_answered_like_an_unknown_one(env, template, user):
    client, _, h = env
    for real, unknown in [(G.LEADER, f"person:{UNKNOWN_ID}"), (G.PHONE, f"phone:{UNKNOWN_PHONE}")]:
        a = client.get(template.format(k=real), headers=h[user])
        b = client.get(template.format(k=unknown), headers=h[user])
        assert a.status_code in (403, 404), (template, a.text)
        assert _same(a, b), (template, a.text, b.text)
        assert not leaks(a.text)
    # the investigator may name people outright
    assert client.get(f"/api/entities/{G.LEADER}", headers=h["investigator"]).status_code == 200


def test_identifier_in_clear_as_a_query_parameter(env):
    client, _, h = env
    for path, real, unknown in [
        ("/api/paths", {"a": G.LEADER, "b": G.TRUCK}, {"a": f"person:{UNKNOWN_ID}", "b": G.TRUCK}),
        ("/api/export/evidence", {"from": G.LEADER, "to": G.DUMP}, {"from": f"person:{UNKNOWN_ID}", "to": G.DUMP}),
    ]:
        a = client.get(path, params=real, headers=h["demo"])
        b = client.get(path, params=unknown, headers=h["demo"])
        assert a.status_code == 404 and _same(a, b), (path, a.text, b.text)
    # the masked key the analyst was shown still works
    ok = client.get("/api/paths", params={"a": _masked(client, G.LEADER), "b": G.TRUCK}, headers=h["demo"])
    assert ok.status_code == 200 and ok.json()["paths"]


@pytest.mark.parametrize(
    "real,unknown",
    [
        (G.LEADER_ID, UNKNOWN_ID),
        ("13812345678", UNKNOWN_PHONE),
        ("138-1234-5678", "138-0000-5678"),
        ("１３８１２３４５６７８", "１３８００００５６７８"),
        ("330481 19750105 2713", "330481 19991231 2713"),
        (G.LEADER, f"person:{UNKNOWN_ID}"),
    ],
)
def test_search_by_identifier_is_no_oracle(env, real, unknown):
    client, _, h = env
    a = client.get("/api/search", params={"q": real}, headers=h["demo"])
    b = client.get("/api/search", params={"q": unknown}, headers=h["demo"])
    assert a.status_code == b.status_code == 200
    assert a.json()["hits"] == b.json()["hits"] == []
    assert not leaks(a.text)
    found = client.get("/api/search", params={"q": real}, headers=h["investigator"]).json()["hits"]
    assert found  # cleared roles find people by identifier


def test_review_with_an_identifier_in_clear_is_refused_like_an_unknown(env):
    client, _, h = env
    body = {"head": G.LEADER, "type": "DRIVES", "tail": G.TRUCK, "decision": "rejected", "reason": "x"}
    edges = client.get(f"/api/entities/{G.LEADER}/neighbours", headers=h["investigator"]).json()["edges"]
    fact = next(e["props"]["fact"] for e in edges if e["type"] == "DRIVES")
    a = client.post("/api/review", json={**body, "fact": fact}, headers=h["demo"])
    b = client.post("/api/review", json={**body, "head": f"person:{UNKNOWN_ID}", "fact": fact}, headers=h["demo"])
    assert a.status_code == 404 and _same(a, b)
    props = [e["props"] for e in client.get(f"/api/entities/{G.LEADER}/neighbours", headers=h["investigator"]).json()
             ["edges"] if e["type"] == "DRIVES"]  # fmt: skip
    assert "review" not in props[0]


# ---------------------------------------------------------------- enumeration


def test_enumeration_is_throttled_and_audited(tmp_path):
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in F.data_dir("egn-"):
        with TestClient(create_app(Settings(data_dir=d, backend="falkordb", probe_max_misses=5))) as c:
            analyst, inv = login_as(c, "demo"), login_as(c, "investigator")
            codes = [c.get(f"/api/entities/person:3305021980010100{i:02d}", headers=analyst).status_code
                     for i in range(7)]  # fmt: skip
            assert codes == [404] * 5 + [429] * 2
            blocked = c.get("/api/cases", headers=analyst)  # every data route, until the window passes
            assert blocked.status_code == 429 and "过于频繁" in blocked.json()["detail"]
            assert 0 < int(blocked.headers["Retry-After"]) <= 300
            assert c.get(f"/api/entities/{G.LEADER}", headers=inv).status_code == 200  # others unaffected
            lines = [json.loads(x) for x in (d / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
            probes = [x for x in lines if x.get("user") == "demo" and x["path"].startswith("/api/entities/")]
            assert [x["status"] for x in probes] == codes
            assert all(x.get("identifier_refused") for x in probes if x["status"] == 404)
            assert lines[-2]["outcome"] == "throttled" and lines[-2]["probe_throttled"] is True


# ---------------------------------------------------------------- document text


def test_document_text_masked_in_every_written_form(env):
    client, _, h = env
    full = client.get(f"/api/documents/{F.TICKET}", headers=h["investigator"]).json()
    assert leaks(full["text"])  # the ticket does hold them (cleared role)
    for user in ("demo", "prosecutor"):
        if user == "prosecutor":
            share = {"username": "prosecutor", "kind": "case", "ref": F.TICKET}
            assert client.post("/api/shares", json=share, headers=h["investigator"]).status_code == 201
        r = client.get(f"/api/documents/{F.TICKET}", headers=h[user])
        assert r.status_code == 200, r.text
        doc = r.json()
        assert not leaks(r.text), leaks(r.text)
        assert len(doc["text"]) == len(full["text"])  # spans stay aligned
        for s in doc["spans"]:
            if s["name"] in ("钱七", "孙八", "白沙湿地"):
                assert doc["text"][s["start"] : s["end"]] == s["name"]
        for shown in ("330481 ******** 2713", "330481******271", "138-****-5678", "138 **** 5679", "0572-***5678",
                      "＋86 139 **** 4321", "１３８****５６７８", "８６１３６****５６７８"):  # fmt: skip
            assert shown in doc["text"], shown
    sun = client.get(f"/api/entities/{_masked(client, F.SUN)}", headers=h["demo"])
    assert sun.status_code == 200 and not leaks(sun.text) and sun.json()["props"]["phone"] == "136****5678"
