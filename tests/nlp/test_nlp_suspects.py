"""Who a text calls a suspect (`nlp.suspects`), on sentences written for these tests in the
styles of judgments, briefings and clerks' summaries: role words, lists they head, arrests —
and the police officers, complainants, victims and witnesses beside them, who are not."""

from __future__ import annotations

import pytest


def _suspects(extract, text):
    (ex,) = extract([text])
    return {ex.entities[r.entity].text for r in ex.roles if r.role == "suspect"}


@pytest.mark.parametrize(
    ("text", "suspects"),
    [
        ("经审理查明，被告人钱某某伙同被告人孙某、李某甲非法收集含铜污泥。", {"钱某某", "孙某", "李某甲"}),
        ("民警张建国、李伟将犯罪嫌疑人王某抓获。", {"王某"}),
        ("船上4人——船老大乐某、船员邬某、陈某某、虞某当场被控制。", {"乐某", "邬某", "陈某某", "虞某"}),
        ("2024年6月3日，犯罪嫌疑人周卫东、沈国梁被长兴县公安局刑事拘留。", {"周卫东", "沈国梁"}),
        ("公安机关依法对许某、钱某采取刑事强制措施。", {"许某", "钱某"}),
        ("抓获犯罪嫌疑人杨某、吕某某等3人，查扣作案车辆2辆。", {"杨某", "吕某某"}),
        ("目前，王某已主动到案，李某仍在进一步调查中。", {"王某"}),
        ("其余嫌疑人为宋涛、彭鹏明以及叶文国。", {"宋涛", "彭鹏明", "叶文国"}),
        ("6月5日，朱某在家中被抓获，其妻何某不知情。", {"朱某"}),
        (
            "以王某为首的犯罪团伙，成员包括李某、赵某某、孙某甲，长期非法收购废机油。",
            {"王某", "李某", "赵某某", "孙某甲"},
        ),
        ("民警在夹浦镇将正在倾倒的货车驾驶员范某及押运员冯某某抓获。", {"范某", "冯某某"}),
    ],
)
def test_suspects_named_by_role_list_or_arrest(extract, text, suspects):
    assert _suspects(extract, text) == suspects


@pytest.mark.parametrize(
    "text",
    [
        "举报人刘某称，其邻居陈某某经常在夜间偷排废水。",
        "被害人赵某某的鱼塘因此受损，证人孙某某目睹了倾倒过程。",
        "网格员蒋小红在巡查中发现异常，村主任徐某某随即报警。",
        "局长笪红梅部署了下一阶段工作，民警孔某带队检查。",
    ],
)
def test_officers_complainants_victims_and_witnesses_are_no_suspects(extract, text):
    assert _suspects(extract, text) == set()


def test_a_role_carries_its_cue_and_sentence(extract):
    text = "5月12日晚，民警在西码头将“浙定渔01234”号渔船拦截。船员邬某当场被控制。"
    (ex,) = extract([text])
    (role,) = ex.roles
    assert ex.entities[role.entity].text == "邬某" and role.cue == "控制"
    assert text[role.sentence_start : role.sentence_end] == "船员邬某当场被控制。"


def test_verbs_after_a_role_word_are_no_names(extract):
    (ex,) = extract(["经查，吴某驾驶货车将废液运至矿坑倾倒，随后被巡逻民警查获。"])
    assert [e.text for e in ex.entities if e.label == "PERSON"] == ["吴某"]
    (ex,) = extract(["鲁庆强伙同于夜间开车将工业固废倾倒于老采石场。"])
    assert [e.text for e in ex.entities if e.label == "PERSON"] == ["鲁庆强"]


def test_a_collector_hauls_for_the_company_it_collects_from(extract):
    (ex,) = extract(["被告人钱某某从德清县鑫达电镀有限公司收集含铜污泥共计120余吨。"])
    rels = {(ex.entities[r.head].text, r.type, ex.entities[r.tail].text) for r in ex.relations}
    assert ("德清县鑫达电镀有限公司", "TRANSPORTS", "钱某某") in rels


def test_kin_in_a_list_of_co_offenders(extract):
    (ex,) = extract(["2023年5月，许某与其妻子吴某、其弟许某乙结伙，在禁渔区电鱼。"])
    pairs = {
        frozenset((ex.entities[r.head].text, ex.entities[r.tail].text)) for r in ex.relations if r.type == "CO_OFFENDER"
    }
    assert pairs == {frozenset(p) for p in (("许某", "吴某"), ("许某", "许某乙"), ("吴某", "许某乙"))}
