"""Case files (save, reopen, share, versions, masking, audit), alert decisions, and the names the
workbench reads from /api/schema — on the planted graph through the real app."""

from __future__ import annotations

import json

import graph_fixture as G
import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli_app


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """A graph of this module's own: the alert written here must not reach other tests' neighbourhoods."""
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in G.planted_data_dir("egc-"):
        app = create_app(Settings(data_dir=d, backend="falkordb"))
        with TestClient(app) as c:
            yield app, c


def _state(*keys: str) -> dict:
    nodes = [{"data": {"id": k, "key": k, "name": k, "label": "Person"}, "position": {"x": 10.0 * i, "y": 5.0}}
             for i, k in enumerate(keys)]  # fmt: skip
    return {"elements": {"nodes": nodes, "edges": []}, "filters": {"hiddenTypes": ["Document"], "minConf": 0.5}}


def test_casefile_save_reopen_share_and_audit(client, login):
    inv, analyst, pros = login("investigator"), login("demo"), login("prosecutor")
    r = client.post("/api/casefiles", json={"name": "青岭村倾倒案研判"}, headers=inv)
    assert r.status_code == 201, r.text
    cf = r.json()
    assert cf["owner"] == "investigator" and cf["mine"]
    r = client.put(f"/api/casefiles/{cf['id']}", headers=inv,
                   json={"state": _state(G.LEADER, G.MEMBER2, G.OTHER), "notes": "夜间运输待核实", "version": cf["version"]})  # fmt: skip
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["version"] == cf["version"] + 1
    # reopened (a new request, as after a reload): positions, filters and notes as saved
    got = client.get(f"/api/casefiles/{cf['id']}", headers=inv).json()
    assert [n["data"]["id"] for n in got["state"]["elements"]["nodes"]] == [G.LEADER, G.MEMBER2, G.OTHER]
    assert got["state"]["elements"]["nodes"][1]["position"] == {"x": 10.0, "y": 5.0}
    assert got["state"]["filters"]["minConf"] == 0.5 and got["notes"] == "夜间运输待核实"
    # a stale version is refused, not overwritten
    stale = client.put(f"/api/casefiles/{cf['id']}", json={"notes": "x", "version": cf["version"]}, headers=inv)
    assert stale.status_code == 409 and "修改" in stale.json()["detail"]

    # not shared yet: others neither list nor open it
    assert cf["id"] not in [c["id"] for c in client.get("/api/casefiles", headers=pros).json()["casefiles"]]
    assert client.get(f"/api/casefiles/{cf['id']}", headers=pros).status_code == 403
    assert client.get(f"/api/entities/{G.OTHER}", headers=pros).status_code == 403  # 赵六's case is not shared
    # only the owner shares; unknown users are refused
    assert (
        client.post(f"/api/casefiles/{cf['id']}/shares", json={"users": ["prosecutor"]}, headers=analyst).status_code
        == 403
    )
    assert client.post(f"/api/casefiles/{cf['id']}/shares", json={"users": ["nobody"]}, headers=inv).status_code == 400
    r = client.post(
        f"/api/casefiles/{cf['id']}/shares", json={"users": ["prosecutor"], "roles": ["analyst"]}, headers=inv
    )
    assert r.status_code == 200, r.text
    assert {(s["kind"], s["grantee"]) for s in r.json()["shares"]} == {("user", "prosecutor"), ("role", "analyst")}
    # shared: the prosecutor may open the case file's entities, and still nothing else
    assert client.get(f"/api/entities/{G.OTHER}", headers=pros).status_code == 200
    assert client.get(f"/api/entities/{G.OTHER_SITE}", headers=pros).status_code == 403
    listed = client.get("/api/casefiles", headers=pros).json()["casefiles"]
    assert any(c["id"] == cf["id"] and not c["mine"] for c in listed)
    # the analyst (by role) sees it, with the resident IDs the investigator saved masked
    body = client.get(f"/api/casefiles/{cf['id']}", headers=analyst).text
    assert G.LEADER_ID not in body and "330502********1234" in body
    # every change is in the audit log with the case file named
    lines = client.get("/api/audit?limit=200", headers=login("admin")).json()["entries"]
    actions = {(e.get("action"), e.get("casefile")) for e in lines}
    for action in ("casefile_create", "casefile_save", "casefile_share"):
        assert (action, cf["id"]) in actions, action
    # deleted (owner only): the prosecutor's sight of its entities goes with it
    assert client.delete(f"/api/casefiles/{cf['id']}", headers=pros).status_code == 403
    assert client.delete(f"/api/casefiles/{cf['id']}", headers=inv).status_code == 200
    assert client.get(f"/api/entities/{G.OTHER}", headers=pros).status_code == 403
    assert client.get(f"/api/casefiles/{cf['id']}", headers=inv).status_code == 404


def test_casefile_needs_a_name_and_share_targets(client, login):
    inv = login("investigator")
    assert client.post("/api/casefiles", json={"name": "  "}, headers=inv).status_code == 400
    t = client.get("/api/share-targets", headers=inv).json()
    assert "prosecutor" in {u["username"] for u in t["users"]} and "investigator" not in {
        u["username"] for u in t["users"]
    }
    assert {r["name"] for r in t["roles"]} >= {"检察官", "情报研判"}
    assert client.get("/api/share-targets", headers=login("prosecutor")).status_code == 403


def test_alert_acknowledge_assign_dismiss(own):
    app, client = own
    store = app.state.ctx.store

    def login(user):
        return G.login_as(client, user, "demo1234" if user == "demo" else None)

    from graph_schema.model import GraphBatch, Provenance

    b = GraphBatch()
    b.add_node("alert:test:0001", kind="night_dwell", score=0.9, title="浙E3K821 夜间停留", evidence=[G.ANPR])
    b.add_rel("FLAGS", "alert:test:0001", G.TRUCK, Provenance(doc="alert:test:0001", method="inferred", confidence=0.9))
    store.write_batch(b)
    an = login("demo")
    url = "/api/alerts/alert:test:0001/action"
    assert client.post(url, json={"action": "acknowledge", "reason": " "}, headers=an).status_code == 400
    assert client.post(url, json={"action": "explode", "reason": "x"}, headers=an).status_code == 400
    assert (
        client.post(url, json={"action": "assign", "reason": "x", "assignee": "nobody"}, headers=an).status_code == 400
    )
    assert (
        client.post(url, json={"action": "acknowledge", "reason": "x"}, headers=login("investigator")).status_code
        == 403
    )
    r = client.post(url, json={"action": "assign", "reason": "请核实卡口录像", "assignee": "investigator"}, headers=an)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "assigned" and r.json()["assignee"] == "investigator"
    listed = {a["key"]: a for a in client.get("/api/alerts", headers=an).json()["alerts"]}
    assert listed["alert:test:0001"]["status"] == "assigned"
    assert listed["alert:test:0001"]["status_reason"] == "请核实卡口录像"
    review = client.get("/api/alerts", headers=an).json()["review"]
    assert (review["assigned"], review["dismissed"], review["precision"]) == (1, 0, 1.0)
    r = client.post(url, json={"action": "dismiss", "reason": "车辆为环卫车"}, headers=an)
    assert r.json()["status"] == "dismissed" and r.json()["assignee"] is None
    review = client.get("/api/alerts", headers=an).json()["review"]  # counted in the precision report
    assert (review["assigned"], review["dismissed"], review["precision"]) == (0, 1, 0.0)
    assert review["by_kind"]["night_dwell"]["dismissed"] == 1
    cli = CliRunner().invoke(cli_app, ["--data-dir", str(app.state.ctx.data_dir), "alerts", "--json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["review"]["dismissed"] == 1
    assert (
        client.post("/api/alerts/alert:none/action", json={"action": "dismiss", "reason": "x"}, headers=an).status_code
        == 404
    )
    entries = client.get("/api/audit?limit=50", headers=login("admin")).json()["entries"]
    assert any(e.get("action") == "alert_action" and e.get("alert_action") == "dismiss" for e in entries)


def test_schema_names_sources_in_chinese(client, login):
    s = client.get("/api/schema", headers=login("demo")).json()
    assert s["sources"]["grid"] == "网格事件" and s["sources"]["anpr"] == "卡口过车" and s["sources"]["case"] == "案件"
    assert s["relations"]["CO_OFFENDER"] == "共同作案"
