"""`ecograph ingest` of crafted case files (tests/data/case_links: txt, docx, json) by other hands
than the generator: every structured field is linked to its case and suspects with provenance,
owner / borrower / driver statements are OWNS / DRIVES, one truck written three ways in three
cases is one Vehicle node, and gang detection's tie query sees the people sharing vehicles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "case_links"
WX = "doc:case:湖吴公(环)立字〔2025〕00101号"
WX2 = "doc:case:湖吴公(环)立字〔2025〕00117号"
DQ = "doc:case:德公(环)立字〔2025〕00023号"
HAN = "person:330502197902030419"
SHAO = "person:330503198506111234"
JIANG = "person:330522196811201551"
LUO = "person:330525197204080835"
PAN = "person:342523198009152018"
TRUCK = "vehicle:浙EK3J21"
PICKUP = "vehicle:浙F2M705"
BARGE = "vessel:浙湖州货01234"


@pytest.fixture(scope="module")
def graph(tmp_path_factory, cli):
    from graph_schema.store.falkor_server import stop_server

    tmp = tmp_path_factory.mktemp("links")
    cases = tmp / "cases"
    shutil.copytree(DATA, cases)
    data_dir = tmp / "data"
    try:
        proc = cli(data_dir, "ingest", str(cases), "--json", "--no-analyse")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert out["records_loaded"] == 3 and out["records_quarantined"] == 0
        page = cli(data_dir, "query", "export_nodes_page", "-p", "after=", "-p", "limit=5000", "--json")
        assert page.returncode == 0, page.stderr
        nodes = {r["key"]: r["props"] for r in json.loads(page.stdout)["rows"]}
        keys = json.dumps(sorted(nodes), ensure_ascii=False)
        rels = cli(data_dir, "query", "export_outgoing", "-p", f"keys={keys}", "--json")
        assert rels.returncode == 0, rels.stderr
        shared = cli(data_dir, "query", "inv_shared_objects", "-p", "skip=0", "-p", "limit=100", "--json")
        assert shared.returncode == 0, shared.stderr
    finally:
        stop_server(data_dir)
    return nodes, json.loads(rels.stdout)["rows"], json.loads(shared.stdout)["rows"]


def _rels(rows, typ, head=None, tail=None):
    return [
        r
        for r in rows
        if r["type"] == typ and (head is None or r["head"] == head) and (tail is None or r["tail"] == tail)
    ]


def test_one_vehicle_node_for_three_written_forms(graph):
    nodes, rows, _ = graph
    vehicles = sorted(k for k in nodes if k.startswith("vehicle:"))
    assert vehicles == [TRUCK, PICKUP]  # 浙Ｅ·Ｋ３Ｊ２１ / 浙e-k3j21 / 浙E K3J21, and 浙f·2m705
    parties = {r["tail"]: r["props"] for r in _rels(rows, "INVOLVED_IN", TRUCK)}
    assert set(parties) == {WX, WX2, DQ}
    assert parties[WX2]["quote"] == "浙e-k3j21（重型自卸货车）" and parties[WX2]["role"] == "vehicle"
    assert [k for k in nodes if k.startswith("vessel:")] == [BARGE]  # 浙湖州货01234号 / 浙湖州货０１２３４
    assert {r["tail"] for r in _rels(rows, "INVOLVED_IN", BARGE)} == {WX, DQ}


def test_structured_fields_link_to_case_and_suspects_with_provenance(graph):
    nodes, rows, _ = graph
    (owns,) = _rels(rows, "OWNS", HAN, TRUCK)
    p = owns["props"]
    assert (p["doc"], p["method"], p["confidence"], p["basis"]) == (WX, "structured", 1.0, "registered")
    assert p["quote"] == "浙Ｅ·Ｋ３Ｊ２１（重型自卸货车，登记车主：韩立新）"
    (vessel,) = _rels(rows, "INVOLVED_IN", BARGE, WX)
    assert vessel["props"]["role"] == "vessel" and vessel["props"]["quote"].startswith("浙湖州货01234号")
    assert _rels(rows, "OWNS", f"person:钱某某@{WX}", BARGE)
    assert _rels(rows, "MENTIONS", WX, "phone:13905721188") and _rels(rows, "USES_PHONE", HAN, "phone:13905721188")
    (home,) = _rels(rows, "LOCATED_AT", HAN, "site:吴兴区八里店镇尹家圩村")
    assert home["props"]["role"] == "residence" and home["props"]["doc"] == WX
    (job,) = _rels(rows, "WORKS_FOR", SHAO, "company:91330502MA2B7XK30D")
    assert job["props"]["method"] == "structured" and "驾驶员" in job["props"]["quote"]
    assert _rels(rows, "INVOLVED_IN", "company:91330502MA2B7XK30D", WX)
    (json_driver,) = _rels(rows, "DRIVES", PAN, TRUCK)  # {"车牌号": "浙E K3J21", "实际使用人": "潘志刚"}
    assert json_driver["props"]["doc"] == DQ and json_driver["props"]["method"] == "structured"


def test_narrative_owner_borrower_driver_statements(graph):
    nodes, rows, _ = graph
    texts = {k: p.get("text") or "" for k, p in nodes.items() if k.startswith("doc:case:")}
    # 该车系邵春明向韩立新借用 — the borrower drives the case's truck, the lender does not
    (borrow,) = _rels(rows, "DRIVES", SHAO, TRUCK)
    assert borrow["props"]["doc"] == WX and "借用" in borrow["props"]["quote"]
    assert borrow["props"]["quote"] in texts[WX] and borrow["props"]["confidence"] < 1
    assert not _rels(rows, "DRIVES", HAN)
    # 涉案自卸车登记在韩立新名下，案发当晚由蒋文辉驾驶 (docx)
    (night,) = _rels(rows, "DRIVES", JIANG, TRUCK)
    assert night["props"]["doc"] == WX2 and "蒋文辉驾驶" in night["props"]["quote"]
    # the pickup is named only in the JSON case's narrative: borrower and owner meet on one node
    (d,) = _rels(rows, "DRIVES", PAN, PICKUP)
    (o,) = _rels(rows, "OWNS", LUO, PICKUP)
    assert d["props"]["doc"] == o["props"]["doc"] == DQ
    assert "借用同乡罗永年名下的浙f·2m705" in d["props"]["quote"]


def test_gang_ties_see_people_sharing_a_vehicle(graph):
    _nodes, _rows, shared = graph
    by_object: dict[str, set[str]] = {}
    for r in shared:  # one row per object and person who drives, owns or uses it
        by_object.setdefault(r["object"], set()).add(r["person"])
    # the owner, the borrower and two drivers of one truck, across three cases
    assert {HAN, SHAO, JIANG, PAN} <= by_object[TRUCK]
    assert by_object[PICKUP] == {PAN, LUO}
