"""Every route of the OpenAPI document, for every role, with realistic parameters (keys of
the fixture's real people and phones, in masked, unmasked, forged and oddly written form):
no response — body, error text or header — gives a role that sees masked data a resident ID
or phone number in clear, in any written form.

The routes come from `app.openapi()`, so a new route is covered the day it is added; its
parameters are filled by name and type (`_calls`).  The same calls made by the cleared
roles must show the identifiers (the detector and the parameters are real), and every
route must answer 2xx to someone (the parameters reach the data)."""

from __future__ import annotations

import io
import re
import zipfile

import graph_fixture as G
import identifier_fixture as F
import pytest
from graph_fixture import login_as
from test_api_masking import leaks

from api.security.masking import mask_text

ROLES = {"demo": "analyst", "prosecutor": "prosecutor", "investigator": "investigator", "admin": "admin"}
MASKED = {"demo", "prosecutor"}
PEOPLE = [G.LEADER, F.SUN]  # an 18-digit and a 15-digit ID
PHONES = [G.PHONE, F.PHONE_LAND]  # a mobile and a landline
ODD = [  # the same people and phones, written otherwise
    "person:３３０５０２１９８００１０１１２３４",
    "phone:138-1234-5678",
    "phone:0572-2345678",
]
# what leads to the others (钱七, his phones, the ticket that writes them all ways), and nowhere
OTHERS = [F.QIAN, F.TICKET, G.CASE1, G.TRUCK, F.ISLAND]
SEARCHES = [G.LEADER_ID, "138 1234 5678", "１３８１２３４５６７８", "330481 19750105 2713", F.SUN_ID15, "0572-2345678",
            "张建国", "钱七", "孙八"]  # fmt: skip
PARTNER = {"a": ("b", G.DUMP), "b": ("a", G.TRUCK), "from": ("to", G.DUMP), "to": ("from", F.QIAN)}
KEYISH = {"key", "station", "a", "b", "from", "to", "company", "site", "ref"}
KEYISH_FIELDS = {"head", "tail", "ref", "keys", "fact"}
ALERT = "alert:night_transport:leak-test"


@pytest.fixture(scope="module")
def env():
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in F.data_dir("egl-"):
        settings = Settings(data_dir=d, backend="falkordb")
        settings.probe_max_misses = 10**6  # this test probes on purpose
        with TestClient(create_app(settings)) as c:
            h = {u: login_as(c, u) for u in ROLES}
            for ref in (G.CASE1, F.TICKET):  # the prosecutor has cases to see
                share = {"username": "prosecutor", "kind": "case", "ref": ref}
                assert c.post("/api/shares", json=share, headers=h["investigator"]).status_code == 201
            assert c.post("/api/gangs/detect", headers=h["demo"]).status_code == 200
            # an alert about a person with an ID, for the alert-action route
            from graph_schema.model import GraphBatch, Provenance

            b = GraphBatch()
            b.add_node(ALERT, kind="night_transport", title=f"夜间运输 {F.QIAN_ID}", score=0.9)
            b.add_rel("FLAGS", ALERT, F.QIAN, Provenance(doc=ALERT, method="inferred"))
            c.app.state.ctx.store.write_batch(b)
            yield c, h


def _keys(client, user: str, gangs: list[str]) -> list[str]:
    real = PEOPLE + PHONES
    if user == "admin":  # cleared like the investigator: the routes only admins have
        return [G.LEADER, G.PHONE]
    if user not in MASKED:
        return real + OTHERS[:2] + gangs
    mask = client.app.state.ctx.masker.mask_key
    out = []
    for k in real:
        tagged = mask(k)  # as the role was shown it
        forged = tagged[:-1] + ("0" if tagged[-1] != "0" else "1")
        out += [k, tagged, mask_text(k), forged]
    return out + ODD + OTHERS + gangs


def _schema(openapi: dict, ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref")
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


def _field(name: str, key: str, fact: str) -> object:
    return {
        "head": key, "tail": G.PHONE, "type": "USES_PHONE", "fact": fact, "decision": "confirmed",
        "reason": "复核：来电 138-1234-5678 证实", "username": "prosecutor", "kind": "case", "ref": key,
        "keys": [key], "password": "mima-12345678", "role": "analyst", "display_name": f"测试 {F.QIAN_ID}",
        "action": "acknowledge", "name": f"案卷 {F.QIAN_ID}", "notes": f"联系人身份证 {F.QIAN_ID}", "version": None,
        "users": ["prosecutor"], "roles": [], "state": {"elements": {"nodes": [{"data": {"id": key, "name": key}}]}},
    }.get(name, "x")  # fmt: skip


def _calls(openapi: dict, path: str, method: str, op: dict, keys: list[str], fact: str, cids=("", "")):
    """(path, query params, json body, form body) to try for one operation."""
    if "{cid}" in path:  # case files of the caller's own, made for the sweep (one to delete)
        path = path.replace("{cid}", cids[1] if method == "delete" else cids[0])
    if path.startswith("/api/alerts/"):  # an alert's key first, then the people's
        keys = [ALERT, *keys]
    params = op.get("parameters", [])
    names = {p["name"] for p in params}
    base: dict[str, object] = {}
    for p in params:
        n, typ = p["name"], p.get("schema", {}).get("type")
        if n in KEYISH:
            continue
        if n == "q":
            continue
        if typ == "boolean":
            base[n] = True
        elif n in ("username", "user"):
            base[n] = "prosecutor"
        elif n == "bbox":
            base[n] = "118.0,29.0,122.0,32.0"
        elif n == "kind":
            base[n] = "case"
        elif p.get("required"):
            base[n] = "x"
    varied = [n for n in names if n in KEYISH] or (["q"] if "q" in names else [])
    body_spec = op.get("requestBody", {}).get("content", {})
    json_schema = body_spec.get("application/json", {}).get("schema")
    form = "application/x-www-form-urlencoded" in body_spec
    body_props = _schema(openapi, json_schema).get("properties", {}) if json_schema else {}
    if varied == ["q"]:
        values = SEARCHES
    elif varied or KEYISH_FIELDS & set(body_props):
        values = keys
    else:
        values = [None]
    for v in values:
        url, q = path, dict(base)
        for n in varied:
            if "{" + n + "}" in url:
                url = url.replace("{" + n + "}", v)
            else:
                q[n] = v
            if n in PARTNER and PARTNER[n][0] in names and PARTNER[n][0] not in varied:
                q[PARTNER[n][0]] = PARTNER[n][1]
        if varied[:1] == ["a"]:  # a and b are both key-ish: vary a, keep b a real partner
            q["b"] = G.DUMP
        if varied[:1] == ["from"] or "from" in varied:
            q["to"] = G.DUMP
        body = None
        if json_schema:
            body = {n: _field(n, v, fact) for n in body_props}
            if "username" in body_props and "password" in body_props:
                body["username"] = f"u{abs(hash(v)) % 10**8}"
        if form:  # log-in: a wrong one named by an identifier, then a real one
            yield url, q, None, {"username": F.QIAN_ID, "password": "x"}
            yield url, q, None, {"username": "admin", "password": "admin1234"}
            continue
        yield url, q, body, None
        if path == "/api/export/evidence" and v in (G.LEADER, keys[1]):
            yield url, {**q, "format": "docx"}, None, None


def _text(r) -> str:
    out = [r.text if "json" in r.headers.get("content-type", "") or "text" in r.headers.get("content-type", "")
           else ""]  # fmt: skip
    if r.content[:2] == b"PK":  # docx: the document's XML
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            out += [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")]
    out += [f"{k}: {v}" for k, v in r.headers.items()]
    return "\n".join(out)


def test_no_route_shows_an_identifier_to_a_masked_role(env):
    client, h = env
    openapi = client.app.openapi()
    gangs = [g["key"] for g in client.get("/api/gangs", headers=h["investigator"]).json()["gangs"]]
    inv = client.get(f"/api/entities/{G.LEADER}/neighbours", headers=h["investigator"]).json()["edges"]
    real_fact = next(e["props"]["fact"] for e in inv if e["type"] == "USES_PHONE")
    answered: dict[str, set[int]] = {}
    shown: dict[str, set[str]] = {u: set() for u in ROLES}
    bad = []
    n = 0
    for user in ROLES:
        keys = _keys(client, user, gangs)
        fact = client.app.state.ctx.masker.mask(real_fact) if user in MASKED else real_fact
        cids = []
        for name in ("扫描用案卷", "扫描后删除"):
            made = client.post("/api/casefiles", json={"name": name}, headers=h[user])
            cids.append(made.json()["id"] if made.status_code == 201 else "none")
        for path, ops in openapi["paths"].items():
            for method, op in ops.items():
                for url, q, body, data in _calls(openapi, path, method, op, keys, fact, cids):
                    headers = {} if path == "/api/auth/token" else h[user]
                    r = client.request(method.upper(), url, params=q, json=body, data=data, headers=headers)
                    n += 1
                    answered.setdefault(f"{method.upper()} {path}", set()).add(r.status_code)
                    assert r.status_code < 500, (user, method, url, q, r.text)
                    found = leaks(_text(r))
                    shown[user].update(found)
                    if user in MASKED and found:
                        bad.append((user, method, url, q, r.status_code, found, r.text[:300]))
    assert not bad, "\n".join(map(str, bad[:20]))
    # every route answered someone with data: the parameters are realistic
    silent = [op for op, codes in answered.items() if not any(200 <= c < 300 for c in codes)]
    assert not silent, silent
    # the detector works: the cleared roles were shown every identifier the fixture holds
    assert shown["investigator"] == set(F.SECRETS), set(F.SECRETS) - shown["investigator"]
    assert n > 400


def test_masked_roles_do_get_data(env):
    """Not vacuous: the masked roles receive the people, masked."""
    client, h = env
    for ref in (G.CASE1, F.TICKET):  # (the sweep above also revoked shares)
        share = {"username": "prosecutor", "kind": "case", "ref": ref}
        assert client.post("/api/shares", json=share, headers=h["investigator"]).status_code == 201
    for user in MASKED:
        doc = client.get(f"/api/documents/{F.TICKET}", headers=h[user])
        assert doc.status_code == 200 and re.search(r"330481 \*{8} 2713", doc.text)
        case = client.get(f"/api/documents/{G.CASE1}", headers=h[user]).text
        assert "330502********1234" in case and "138****5678" in case
