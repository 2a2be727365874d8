"""Rejecting links through the API changes what the investigations find: the gang loses
its member, the path goes around the rejected link, neighbours hide it.  Own data dir:
these reviews must not leak into the shared fixture graph."""

from __future__ import annotations

import graph_fixture as G
import pytest
from graph_fixture import login_as, planted_data_dir


@pytest.fixture(scope="module")
def fresh():
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings

    for d in planted_data_dir("egr-"):
        with TestClient(create_app(Settings(data_dir=d, backend="falkordb"))) as c:
            yield c, login_as(c, "demo"), login_as(c, "investigator")


def _reject(client, analyst, inv, head, type_, tail, neighbours_of):
    edges = client.get(f"/api/entities/{neighbours_of}/neighbours", headers=inv).json()["edges"]
    e = next(e for e in edges if (e["head"], e["type"], e["tail"]) == (head, type_, tail))
    body = {"head": head, "type": type_, "tail": tail, "fact": e["props"]["fact"], "decision": "rejected",
            "reason": "复核：笔录不支持该关联"}  # fmt: skip
    r = client.post("/api/review", headers=analyst, json=client.app.state.ctx.masker.mask(body))  # as shown to him
    assert r.status_code == 200, r.text


def test_rejections_change_gang_path_and_neighbours(fresh):
    client, analyst, inv = fresh
    gang = client.post("/api/gangs/detect", headers=analyst).json()["gangs"]
    assert [sorted(m["name"] for m in g["members"]) for g in gang] == [["张建国", "李明", "王小虎"]]
    path = client.get("/api/paths", params={"a": G.LEADER, "b": G.MEMBER3}, headers=inv).json()["paths"][0]
    assert [h["type"] for h in path["hops"]] == ["CO_OFFENDER"]

    # 王小虎: the co-offender link and his place among the case's suspects are rejected.
    _reject(client, analyst, inv, G.LEADER, "CO_OFFENDER", G.MEMBER3, G.MEMBER3)
    _reject(client, analyst, inv, G.MEMBER3, "INVOLVED_IN", G.CASE1, G.MEMBER3)

    assert client.post("/api/gangs/detect", headers=analyst).json()["gangs"] == []  # two left: no gang
    path = client.get("/api/paths", params={"a": G.LEADER, "b": G.MEMBER3}, headers=inv).json()["paths"][0]
    assert path["length"] == 2 and "CO_OFFENDER" not in [h["type"] for h in path["hops"]]
    assert G.CASE1 in path["keys"]  # now only through the case file that mentions both
    edges = client.get(f"/api/entities/{G.MEMBER3}/neighbours", headers=inv).json()["edges"]
    assert {e["type"] for e in edges} == {"MENTIONS"}  # the stored gang went with the re-run
    shown = client.get(f"/api/entities/{G.MEMBER3}/neighbours", params={"include_rejected": True}, headers=inv).json()[
        "edges"
    ]
    assert sorted(e["props"].get("review", "") for e in shown if e["type"] in ("CO_OFFENDER", "INVOLVED_IN")) == [
        "rejected",
        "rejected",
    ]


def test_rejected_dump_link_ends_the_evidence_chain(fresh):
    client, analyst, inv = fresh
    ok = client.get("/api/export/evidence", params={"from": G.TRUCK, "to": G.DUMP}, headers=inv)
    assert ok.status_code == 200
    _reject(client, analyst, inv, G.TRUCK, "DUMPED_AT", G.DUMP, G.TRUCK)
    r = client.get("/api/paths", params={"a": G.TRUCK, "b": G.DUMP, "max_hops": 4}, headers=inv).json()
    assert all("DUMPED_AT" not in [h["type"] for h in p["hops"]] for p in r["paths"])
    gone = client.get("/api/export/evidence", params={"from": G.TRUCK, "to": G.DUMP}, headers=inv)
    assert gone.status_code != 200 or all(h["type"] != "DUMPED_AT" for h in gone.json()["hops"])
