"""`ecograph ingest` of the sample case files: the narratives' people, vehicles, companies and
sites exist, and the relations the narratives state (often through an earlier subject or an
anaphor such as 上述矿坑 / 二人) are graph relationships quoting the sentence that states them."""

from __future__ import annotations

import json
import shutil

import pytest

CX = "doc:case:长公(环)立字〔2024〕00057号"
DS = "doc:case:岱公(海)立字〔2024〕00018号"
WX = "doc:case:湖吴公(环)立字〔2024〕00031号"
SN = "doc:case:肃公(林)立字〔2024〕00012号"
NX = "doc:case:湖浔公(环)立字〔2024〕00046号"
DQ = "doc:case:德公(环)立字〔2024〕00044号"

ZHOU_WEIDONG = "person:341822198107151579"
SHEN_GUOLIANG = "person:330522197211030319"
YU_HAIBO = "person:330921197406213794"
LIN_MEIHUA = "person:330902198304170629"
MA_YONGFU = "person:620702197012050936"
ZHAO_ZHIGANG = "person:620723198808172513"
GU_YONGQIANG = "person:320584197709022137"
YANG_ZHENWU = "person:62072519760328179X"
CAI_WENBIN = "person:330521197902143359"
BAO_JIANHUA = "person:330523196610090177"
WANG_DS = f"person:王某@{DS}"
WANG_WX = f"person:王某@{WX}"
ZHANG_WX = f"person:张某某@{WX}"
SUN_SN = f"person:孙某@{SN}"  # named only in the narrative (同案参与人孙某)
JIANG_NX = f"person:蒋某某@{NX}"
TANG_DQ = f"person:汤某@{DQ}"
PIT = "site:煤山镇青岭村北侧废弃石矿坑"
HENGTAI = "company:91330522704523184E"


@pytest.fixture(scope="module")
def graph(tmp_path_factory, samples_dir, cli):
    """Ingest a copy of shared/samples/cases once; return (nodes by key, outgoing relationships, narratives)."""
    from graph_schema.store.falkor_server import stop_server

    tmp = tmp_path_factory.mktemp("cases")
    cases = tmp / "cases"
    shutil.copytree(samples_dir / "cases", cases)
    data_dir = tmp / "data"
    try:
        proc = cli(data_dir, "ingest", str(cases), "--json", "--no-analyse")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert out["records_loaded"] == 8 and out["records_quarantined"] == 0
        page = cli(data_dir, "query", "export_nodes_page", "-p", "after=", "-p", "limit=5000", "--json")
        assert page.returncode == 0, page.stderr
        nodes = {r["key"]: r["props"] for r in json.loads(page.stdout)["rows"]}
        keys = json.dumps(sorted(nodes), ensure_ascii=False)
        rels = cli(data_dir, "query", "export_outgoing", "-p", f"keys={keys}", "--json")
        assert rels.returncode == 0, rels.stderr
        rows = json.loads(rels.stdout)["rows"]
    finally:
        stop_server(data_dir)
    narratives = {k: (p.get("text") or "") for k, p in nodes.items() if k.startswith("doc:case:")}
    return nodes, rows, narratives


def _rels(rows, typ, head=None, tail=None):
    return [
        r
        for r in rows
        if r["type"] == typ and (head is None or r["head"] == head) and (tail is None or r["tail"] == tail)
    ]


def _one(rows, typ, head, tail, symmetric=False):
    found = _rels(rows, typ, head, tail)
    if symmetric:
        found += _rels(rows, typ, tail, head)
    assert found, f"no {typ} {head} -> {tail}; have {[(r['head'], r['tail']) for r in _rels(rows, typ)]}"
    return found[0]["props"]


def _is_sentence_of(quote: str, narrative: str) -> bool:
    return bool(quote) and quote in narrative and quote.endswith("。")


def test_named_people_vehicles_companies_and_sites_exist(graph):
    nodes, _rows, _ = graph
    people = [
        ZHOU_WEIDONG, SHEN_GUOLIANG, YU_HAIBO, LIN_MEIHUA, MA_YONGFU, ZHAO_ZHIGANG, GU_YONGQIANG,
        YANG_ZHENWU, CAI_WENBIN, BAO_JIANHUA, WANG_DS, WANG_WX, ZHANG_WX, SUN_SN, JIANG_NX, TANG_DQ,
    ]  # fmt: skip
    vehicles = [
        "vehicle:浙E5G378", "vehicle:浙E9R137", "vehicle:浙L6C271", "vehicle:甘G37615", "vehicle:甘G2H083",
        "vehicle:甘G5K862", "vessel:浙岱渔07215", "vessel:苏吴江货3186",
    ]  # fmt: skip
    companies = [
        HENGTAI, "company:91330522MA2D7KT428", "company:91330521MA29N6LE9K", "company:91320509608274130J",
        "company:91330921MA2A3QE578", "company:91620702MA71T5G20G", "company:92330523MA2JD7H148",
    ]  # fmt: skip
    sites = [PIT, "site:余英溪", "site:和孚镇荻港村", "site:衢山镇岛斗码头", "site:黑河甘州段陈寨村", "site:秀山岛"]
    missing = [k for k in people + vehicles + companies + sites if k not in nodes]
    assert not missing, missing
    assert nodes[SUN_SN]["name"] == "孙某"
    # the narrative's short form of the pit (青岭村矿坑) is the same site, not a second one
    assert "site:青岭村矿坑" not in nodes


def test_drives_from_the_narratives(graph):
    _nodes, rows, texts = graph
    skipper = _one(rows, "DRIVES", GU_YONGQIANG, "vessel:苏吴江货3186")
    assert "顾永强驾驶其所有的货船" in skipper["quote"] and _is_sentence_of(skipper["quote"], texts[NX])
    captain = _one(rows, "DRIVES", YU_HAIBO, "vessel:浙岱渔07215")  # 俞海波系渔船浙岱渔07215船长
    assert "船长" in captain["quote"] and _is_sentence_of(captain["quote"], texts[DS])
    assert not _rels(rows, "DRIVES", WANG_DS)  # the crew member 王某 does not skipper the vessel


def test_co_offenders_through_earlier_subjects_and_group_words(graph):
    _nodes, rows, texts = graph
    # 俞海波系…船长，明知…，仍…伙同轮机员王某等人驾船出海 — the subject is named clauses earlier
    crew = _one(rows, "CO_OFFENDER", YU_HAIBO, WANG_DS, symmetric=True)
    assert "伙同轮机员王某" in crew["quote"] and _is_sentence_of(crew["quote"], texts[DS])
    assert crew["confidence"] < 0.85  # carried subject: below a direct statement
    # …查获…犯罪嫌疑人王某、张某某。经查，二人明知…
    pair = _one(rows, "CO_OFFENDER", WANG_WX, ZHANG_WX, symmetric=True)
    assert "二人" in pair["quote"] and _is_sentence_of(pair["quote"], texts[WX])
    # 同案参与人孙某另案处理 — the suspect named before it
    accomplice = _one(rows, "CO_OFFENDER", YANG_ZHENWU, SUN_SN, symmetric=True)
    assert accomplice["quote"] == "同案参与人孙某另案处理。"
    # the two 王某 of two cases stay two people: no cross-case co-offending
    assert not _rels(rows, "CO_OFFENDER", WANG_DS, WANG_WX) and not _rels(rows, "CO_OFFENDER", WANG_WX, WANG_DS)


def test_dumped_at_resolves_site_anaphora(graph):
    _nodes, rows, texts = graph
    # 周卫东先后4次将约46吨废酸倾倒于上述矿坑 → the pit named in the first sentence
    pit = _one(rows, "DUMPED_AT", ZHOU_WEIDONG, PIT)
    assert pit["quote"] == "周卫东先后4次将约46吨废酸倾倒于上述矿坑。"
    assert pit["quote"] in texts[CX] and pit["doc"] == CX
    assert 0 < pit["confidence"] < 0.85  # anaphora-resolved
    # 由犯罪嫌疑人蒋某某联系卸入上述废塘 → 和孚镇荻港村附近一废弃鱼塘 (not the river 頔塘 named in between)
    pond = _one(rows, "DUMPED_AT", JIANG_NX, "site:和孚镇荻港村")
    assert "卸入上述废塘" in pond["quote"] and _is_sentence_of(pond["quote"], texts[NX])
    assert not _rels(rows, "DUMPED_AT", tail="site:頔塘")
    # 法定代表人蔡文斌…指使车间主任汤某在夜间将…直排余英溪: the employee dumps, the boss instructs
    river = _one(rows, "DUMPED_AT", TANG_DQ, "site:余英溪")
    assert "直排余英溪" in river["quote"] and _is_sentence_of(river["quote"], texts[DQ])
    assert not _rels(rows, "DUMPED_AT", CAI_WENBIN)
    _one(rows, "REPRESENTS", CAI_WENBIN, "company:91330521MA29N6LE9K")
    _one(rows, "WORKS_FOR", TANG_DQ, "company:91330521MA29N6LE9K")
    # government bodies never dump
    assert not [r for r in _rels(rows, "DUMPED_AT") if r["head"].startswith("company:") and "局" in r["head"]]


def test_carrier_transports_for_the_producer(graph):
    _nodes, rows, texts = graph
    # 沈国梁…将…废盐酸交由无危险货物运输资质的周卫东运输: carrier → producer, as on the manifests
    haul = _one(rows, "TRANSPORTS", ZHOU_WEIDONG, HENGTAI)
    assert "交由" in haul["quote"] and _is_sentence_of(haul["quote"], texts[CX])
    assert not _rels(rows, "TRANSPORTS", HENGTAI, ZHOU_WEIDONG)
