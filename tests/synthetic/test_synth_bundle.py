from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from openpyxl import load_workbook

from graph_schema.identifiers import (
    is_valid_resident_id,
    is_valid_uscc,
    normalize_company_name,
    normalize_plate,
    normalize_vessel,
    to_halfwidth,
)
from synthetic import generate_bundle

HEADERS = {
    "hotline": "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容",
    "grid": "事件编号,上报时间,上报人,上报人电话,所属网格,事件类型,事件描述,经度,纬度,处置状态,处置结果",
    "anpr": "过车时间,车牌号,卡口编号,卡口名称,经度,纬度",
    "manifest": "联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,废物名称,废物代码,数量(吨),转移时间",
    "segment": "河段编号,河段名称,下游河段编号",
    "outfall": "排口编号,排口名称,所属单位,所属单位统一社会信用代码,排入河段编号,经度,纬度",
    "reading": "站点编号,站点名称,所在河段编号,监测时间,指标,数值,是否超标",
}


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(bundle, synth, tmp_path):
    again = generate_bundle(tmp_path / "again", seed=synth.seed, scale=1)
    assert _digest(bundle) == _digest(again)
    other = generate_bundle(tmp_path / "other", seed=synth.seed + 1, scale=1)
    assert _digest(other)["anpr.csv"] != _digest(bundle)["anpr.csv"]


def test_every_file_in_its_encoding_with_default_headers(bundle):
    raw = (bundle / "hotline.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    assert raw.decode("utf-8-sig").split("\n", 1)[0] == HEADERS["hotline"]
    gbk = (bundle / "hotline_gbk.csv").read_bytes()
    assert gbk.decode("gb18030").split("\r\n", 1)[0] == HEADERS["hotline"] and gbk.endswith(b"\r\n\r\n")
    with __import__("pytest").raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    ws = load_workbook(bundle / "hotline.xlsx").active
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert ",".join(c.value for c in ws[2]) == HEADERS["hotline"]
    assert (bundle / "grid.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[0] == HEADERS["grid"]
    for line in (bundle / "grid.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)
    assert (bundle / "anpr.csv").read_text(encoding="utf-8").split("\n", 1)[0] == HEADERS["anpr"]
    assert (bundle / "manifests.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[0] == HEADERS["manifest"]
    assert (bundle / "water/河段.csv").read_text(encoding="utf-8").split("\n", 1)[0] == HEADERS["segment"]
    assert (bundle / "water/排口.csv").read_bytes().decode("utf-8-sig").split("\n", 1)[0] == HEADERS["outfall"]
    mon = (bundle / "water/监测.csv").read_bytes()
    assert mon.decode("gb18030").split("\r\n", 1)[0] == HEADERS["reading"]
    suffixes = {p.suffix for p in (bundle / "cases").iterdir()}
    assert suffixes == {".txt", ".docx", ".json"}
    encs = set()
    for p in (bundle / "cases").glob("*.txt"):
        b = p.read_bytes()
        try:
            b.decode("utf-8")
            encs.add("utf-8-sig" if b.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError:
            b.decode("gb18030")
            encs.add("gb18030")
    assert "gb18030" in encs and "utf-8" in encs


def test_case_headers_follow_formats_md(bundle, synth):
    for p in (bundle / "cases").iterdir():
        text = synth.case_text(p)
        if p.suffix == ".json":
            obj = json.loads(text)
            assert set(obj) == {
                "案件编号",
                "案由",
                "立案时间",
                "办案单位",
                "嫌疑人",
                "涉案车辆",
                "涉案单位",
                "简要案情",
            }
            for s in obj["嫌疑人"]:
                assert set(s) == {"姓名", "性别", "出生日期", "身份证号", "住址", "电话"}
            continue
        lines = text.lstrip("\ufeff").splitlines()
        assert lines[0].startswith("案件编号：")
        heads = [ln.split("：", 1)[0] for ln in lines if "：" in ln[:6]]
        assert set(heads) <= {
            "案件编号",
            "案由",
            "立案时间",
            "办案单位",
            "犯罪嫌疑人",
            "涉案车辆",
            "涉案单位",
            "简要案情",
        }
        assert "简要案情" in heads


def test_identifiers_valid_except_planted(bundle, truth, docs, synth):
    bad = {m["value"] for m in truth["malformed"] if m["reason"] == "bad_check_digit"}
    assert bad
    seen_ids = set()
    for key, text in docs.items():
        if not key.startswith("doc:case:"):
            continue
        for m in re.finditer(r"(?:身份证号码?|公民身份号码)\"?:?\s*\"?(\d{17}[\dX])", text):
            seen_ids.add(m.group(1))
            assert is_valid_resident_id(m.group(1)) or m.group(1) in bad, (key, m.group(1))
        for m in re.finditer(r"统一社会信用代码\"?:?\s*\"?([0-9A-Z]{18})", text):
            assert is_valid_uscc(m.group(1)), (key, m.group(1))
    assert bad <= seen_ids
    for r in synth.read_csv(bundle / "manifests.csv", "utf-8-sig")[1:]:
        for code in (r[2], r[7]):
            assert code == "" or is_valid_uscc(code), r
    for r in synth.read_csv(bundle / "water/排口.csv", "utf-8-sig")[1:]:
        assert r[3] == "" or is_valid_uscc(r[3]), r
    for p in truth["people"]:
        assert is_valid_resident_id(p["id_card"])


def test_truth_doc_keys_exist(truth, docs):
    keys: list[str] = []
    for g in truth["gangs"]:
        keys += g["docs"] + [a["doc"] for a in g["masked_associates"]]
    for d in truth["decoys"]:
        keys += d["docs"]
    for c in truth["waste_chains"]:
        keys += c["docs"] + [f"doc:manifest:{m}" for m in c["manifests"] + c["manifests_before"]]
    for w in truth["water_events"]:
        keys += w["docs"] + [f"doc:outfall:{w['source_outfall']}"]
    for a in truth["alerts"]:
        keys += a["keys"]
    for p in truth["people"]:
        keys += p["docs"]
    missing = [k for k in keys if k not in docs]
    assert not missing, missing[:10]


def test_gang_truth_is_in_the_files(truth, docs):
    gangs = truth["gangs"]
    assert 6 <= len(gangs) <= 10
    members_seen: set[str] = set()
    for g in gangs:
        ids = [m["id_card"] for m in g["members"]]
        assert 3 <= len(ids) <= 15
        assert g["leader"] in ids
        assert not members_seen & set(ids), "a person in two gangs"
        members_seen |= set(ids)
        case_texts = [docs[k] for k in g["docs"] if k.startswith("doc:case:")]
        counts = {i: sum(i in t for t in case_texts) for i in ids}
        assert all(counts[i] >= 1 for i in ids), counts
        assert counts[g["leader"]] == max(counts.values())
        assert sorted(counts.values())[-1] > sorted(counts.values())[-2]
        for plate in g["vehicles"]:
            assert normalize_plate(plate) == plate
            assert any(plate in normalize_all_plates(t) for t in case_texts)
        for v in g["vessels"]:
            assert normalize_vessel(v) == v and any(v in t for t in case_texts)
        for ph in g["phones"]:
            assert sum(ph in t for t in case_texts) >= 2


def normalize_all_plates(text: str) -> set[str]:
    t = to_halfwidth(text)
    return {normalize_plate(m.group(0)) for m in re.finditer(r"[\u4e00-\u9fff][A-Z][\s·\-]?[A-Z0-9]{5,6}", t)} - {None}


def test_decoys_are_different_people(truth, docs):
    assert len([d for d in truth["decoys"] if d["planted"]]) >= 2
    for d in truth["decoys"]:
        assert len(set(d["docs"])) >= 2
        years = [p["birth_year"] for p in d["people"]]
        assert len(set(years)) == len(years)
        for k in d["docs"]:
            assert d["name"] in docs[k]


def test_entity_mentions_match_records(truth, docs):
    comps = truth["entities"]["companies"]
    vehs = truth["entities"]["vehicles"]
    assert comps and vehs
    forms = {m["form"] for c in comps for m in c["mentions"]}
    assert {"canonical", "suffix", "no_prefix"} <= forms
    confusable = [c for c in comps if c["confusable_with"]]
    assert confusable
    by_id = {c["true_id"]: c for c in comps}
    for c in comps:
        assert is_valid_uscc(c["uscc"])
        for m in c["mentions"]:
            assert m["text"] in docs[m["doc"]], m
        for other in c["confusable_with"]:
            o = by_id[other]
            assert o["uscc"] != c["uscc"]
            mine = {normalize_company_name(m["text"]) for m in c["mentions"]}
            theirs = {normalize_company_name(m["text"]) for m in o["mentions"]}
            assert not mine & theirs
    pforms = {m["form"] for v in vehs for m in v["mentions"]}
    assert {"plain", "dot", "fullwidth"} <= pforms
    for v in vehs:
        for m in v["mentions"]:
            assert normalize_plate(m["text"]) == v["plate"], m
            assert m["text"] in docs[m["doc"]], m


def test_malformed_rows_are_where_truth_says(bundle, truth):
    kinds = {m["reason"] for m in truth["malformed"]}
    assert {"bad_date", "extra_column", "empty_key", "bad_check_digit", "bad_coordinates", "unreadable_plate"} <= kinds
    hot = (bundle / "hotline.csv").read_bytes().decode("utf-8-sig").split("\n")
    for m in truth["malformed"]:
        if m["file"] == "hotline.csv" and m["reason"] == "bad_date":
            assert m["value"] in hot[m["line"] - 1]
        if m["file"] == "hotline.csv" and m["reason"] == "extra_column":
            assert len(hot[m["line"] - 1].split(",")) == 12
        if m["file"] == "grid.csv":
            assert (bundle / "grid.csv").read_bytes().decode("utf-8-sig").split("\r\n")[m["line"] - 1].startswith(",")


def test_waste_chains_and_water(truth, docs):
    assert truth["waste_chains"] and truth["licensed_chains"]
    for c in truth["waste_chains"]:
        case = [docs[k] for k in c["docs"] if k.startswith("doc:case:")]
        assert case and c["driver"]["id_card"] in case[0] and c["producer"]["uscc"] in case[0]
        for m in c["manifests"]:
            assert c["vehicle"] == normalize_plate(docs[f"doc:manifest:{m}"].split(",")[4])
    assert truth["water_events"]
    for w in truth["water_events"]:
        assert any(k.startswith("doc:hotline:") for k in w["docs"])
        for k in w["docs"]:
            if k.startswith("doc:reading:"):
                assert docs[k].endswith(",是")
    kinds = {(a["kind"], a["true"]) for a in truth["alerts"]}
    for kind in ("night_dwell", "manifest_anomaly", "repeated_complaints", "producer_silence", "gang_companion"):
        assert (kind, True) in kinds and (kind, False) in kinds, kind


def test_scale_grows_record_counts(tmp_path):
    def counts(scale: int) -> dict:
        out = generate_bundle(tmp_path / f"s{scale}", seed=7, scale=scale)
        return json.loads((out / "truth.json").read_text(encoding="utf-8"))["files"]

    small, big = counts(1), counts(3)
    total_small = sum(v["records"] for v in small.values())
    total_big = sum(v["records"] for v in big.values())
    assert 300 <= total_small <= 2500
    assert total_big > 2.4 * total_small
    assert big["anpr.csv"]["records"] > 2.4 * small["anpr.csv"]["records"]


def test_gangs_connected_and_separable_through_case_evidence(truth, docs):
    """Strong identifiers in case files alone (IDs, plates, vessels, unmasked phones) tie each gang together and no two gangs."""
    import networkx as nx

    g = nx.Graph()
    for key, text in docs.items():
        if not key.startswith("doc:case:"):
            continue
        ids = {f"id:{m}" for m in re.findall(r"(?:身份证号码?|公民身份号码)\"?:?\s*\"?(\d{17}[\dX])", text)}
        plates = {f"plate:{p}" for p in normalize_all_plates(text)}
        vessels = {f"vessel:{m}" for m in re.findall(r"浙[\u4e00-\u9fff]{1,2}渔\d{5}", text)}
        phones = {f"phone:{m}" for m in re.findall(r"(?<!\d)(1[3-9]\d{9})(?!\d)", text)}
        nodes = [key, *ids, *plates, *vessels, *phones]
        g.add_nodes_from(nodes)
        g.add_edges_from((key, n) for n in nodes[1:])
    comp_of = {}
    for i, comp in enumerate(nx.connected_components(g)):
        for n in comp:
            comp_of[n] = i
    used = set()
    for gang in truth["gangs"]:
        comps = {comp_of[f"id:{m['id_card']}"] for m in gang["members"]}
        assert len(comps) == 1, gang["id"]
        c = comps.pop()
        assert c not in used, "two gangs share strong evidence"
        used.add(c)
        in_comp = {n[3:] for n, k in comp_of.items() if k == c and n.startswith("id:")}
        assert in_comp == {m["id_card"] for m in gang["members"]} | set(gang["background"])
