"""NER on prose of the kind police and environment units publish (issue 16's failure classes).

Sentences here are written for these tests, in other styles than the gold sets; each asserts
one class: rare surnames, units named by level, TIME that is no time, slogans, waste inside a
compound, text that is not clean Simplified Chinese."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _ents(extract, text, label=None):
    (ex,) = extract([text])
    return [(e.text, e.label) for e in ex.entities if label is None or e.label == label]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("据支队长禤志明介绍，该团伙已被全部抓获。", "禤志明"),
        ("犯罪嫌疑人訾某驾驶货车将废酸运至山坳倾倒。", "訾某"),
        ("被告人厍某某到案后如实供述。", "厍某某"),
        ("会上，局长笪红梅部署了下一阶段工作。", "笪红梅"),
        ("蒯国华同志多次带队督导检查。", "蒯国华"),
        ("被告人亓某伙同他人非法捕捞。", "亓某"),
    ],
)
def test_people_with_rare_surnames_are_kept(extract, text, name):
    assert (name, "PERSON") in _ents(extract, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("作案车辆苏B52595，该车登记车主为楼林昌，系王鑫庆借用。", "楼林昌"),
        ("（同案人员：楼林昌与章某）", "楼林昌"),
    ],
)
def test_a_surname_the_segmenter_read_as_a_noun_stays_with_the_name(extract, text, name):
    assert (name, "PERSON") in _ents(extract, text)  # 楼 (building) + 林昌 was read as 林昌


@pytest.mark.parametrize(
    ("text", "name", "cut"),
    [
        ("作案车辆浙L·7V126，该车登记车主为方峰强，系姜明刚借用。", "方峰强", "方峰"),
        ("该厂负责人是钱永强，男，52岁。", "钱永强", "钱永"),
    ],
)
def test_a_name_after_a_role_and_its_copula_is_not_cut_one_short(extract, text, name, cut):
    persons = _ents(extract, text, "PERSON")
    assert (name, "PERSON") in persons and (cut, "PERSON") not in persons


def test_a_preposition_that_is_also_a_surname_stays_out_of_the_name(extract):
    persons = _ents(extract, "茅武卫供述，其所驾驶的赣E 05906是向杨莉借的。", "PERSON")
    assert ("杨莉", "PERSON") in persons and ("向杨莉", "PERSON") not in persons


def test_setting_stake_nets_is_no_name(extract):
    persons = _ents(extract, "经查，张网作业的渔船浙岱渔01234由李某驾驶。", "PERSON")
    assert persons == [("李某", "PERSON")]  # 张网: the fishing method, though 张 is a surname


def test_a_role_followed_by_a_verb_is_no_name(extract):
    persons = _ents(extract, "上个月有个姓陈的老板拉走了一车污泥，民警赶到现场。", "PERSON")
    assert ("拉走", "PERSON") not in persons and ("赶到", "PERSON") not in persons


def test_units_named_by_level(extract):
    orgs = _ents(extract, "市局会同市生态环境局和区公安分局开展联合执法，县委县政府高度重视。", "ORG")
    assert {("市局", "ORG"), ("市生态环境局", "ORG"), ("区公安分局", "ORG"), ("县委", "ORG"), ("县政府", "ORG")} <= set(
        orgs
    )
    assert ("县委县政府", "ORG") not in orgs


def test_a_provincial_party_committee_is_an_org_not_a_place(extract):
    ents = _ents(extract, "该行动由江苏省委统一部署。")
    assert ("江苏省委", "ORG") in ents and ("江苏省", "LOC") not in ents


def test_metonymic_police_and_a_branch_unit(extract):
    orgs = _ents(extract, "今年县公安共立案21起，县公安局环境犯罪侦查大队破获其中15起。", "ORG")
    assert ("县公安", "ORG") in orgs and ("县公安局环境犯罪侦查大队", "ORG") in orgs


def test_classes_of_units_and_titles_are_no_orgs(extract):
    ents = _ents(extract, "各派出所要积极配合公安机关和生态环境部门，县委书记带队检查。")
    assert not [e for e in ents if e[1] == "ORG"], ents


@pytest.mark.parametrize(
    "text",
    [
        "时隔8年再次实现劣V类水体清零。",
        "预警平均处置时间缩短至5分钟。",
        "案件平均12日办结。",
        "联席会议每季度召开一次，必要时可随时召开。",
        "近期将开展专项行动，日后还将加大力度。",
        "群众可在3个工作日内查询办理结果。",
        "今年恰逢该协作机制建立10周年。",
    ],
)
def test_durations_frequencies_and_vague_words_are_no_time(extract, text):
    times = _ents(extract, text, "TIME")
    assert not [t for t in times if t[0] != "今年"], times


def test_times_keep_their_anchor_and_part_of_day(extract):
    (ex,) = extract(["当晚22时许民警赶到现场；去年5月该厂被查处；6月12日晚抓获两人；2024年3月12日立案。"])
    times = {e.text: e.normalized for e in ex.entities if e.label == "TIME"}
    assert {"当晚22时许", "去年5月", "6月12日晚", "2024年3月12日"} <= set(times)
    assert times["2024年3月12日"] == "2024-03-12"
    assert times["去年5月"] is None  # relative: no value without the document's date


def test_iso_values_of_absolute_times():
    from nlp.times import normalize_time

    assert normalize_time("2024年5月") == "2024-05"
    assert normalize_time("2023年") == "2023"
    assert normalize_time("2024年4月9日凌晨").startswith("2024-04-09T00:00:00/")


def test_slogans_platforms_and_code_names_are_no_entities(extract):
    ents = _ents(extract, "“碧水蓝天”专项行动中，依托“智治生态”平台，“清风”行动成效明显，推广“无废乡村”建设经验。")
    assert not [e for e in ents if e[1] in ("LOC", "ORG", "PERSON", "WASTE")], ents


def test_a_dump_site_is_no_waste(extract):
    ents = _ents(extract, "巡查发现石门村一处废弃渣场堆放危险废物约40吨。")
    assert ("危险废物", "WASTE") in ents and not [e for e in ents if e[1] == "WASTE" and "渣场" in e[0]]


def test_traditional_text_and_pinyin_glosses_map_back_to_what_was_written(extract):
    text = "生態環(huán)境局通報：犯罪嫌疑人戴某駕駛浙C·6T839貨車將廢礦物油傾倒至甌海區山區。"
    (ex,) = extract([text])
    for e in ex.entities:
        assert text[e.start : e.end] == e.text
    got = {(e.text, e.label) for e in ex.entities}
    assert {("戴某", "PERSON"), ("浙C·6T839", "PLATE"), ("廢礦物油", "WASTE")} <= got
    assert not [e for e in ex.entities if "huán" in e.text]


def test_full_width_digits(extract):
    text = "２０２４年３月１２日，民警在白沙镇查获非法收购穿山甲鳞片的犯罪嫌疑人禤某某。"
    (ex,) = extract([text])
    got = {(e.text, e.label) for e in ex.entities}
    assert ("２０２４年３月１２日", "TIME") in got and ("禤某某", "PERSON") in got


def test_eval_prints_per_label_scores_for_the_prose_set(tmp_path):
    """`nlp eval` on any gold file in the format; the prose set is a development set, so this
    guards against regressions rather than proving held-out quality."""
    r = subprocess.run(
        [sys.executable, "-m", "nlp.cli", "eval", str(REPO / "nlp" / "gold" / "prose.jsonl")],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = {line.split()[0]: line.split()[1:] for line in r.stdout.splitlines() if line.strip()}
    for label in ("PERSON", "ORG", "LOC", "TIME", "WASTE", "SPECIES"):
        p, rec, f1 = (float(x) for x in rows[label][:3])
        assert f1 >= 0.9, (label, rows[label])
    docs = [json.loads(x) for x in (REPO / "nlp" / "gold" / "prose.jsonl").read_text().splitlines()]
    assert len(docs) >= 50
