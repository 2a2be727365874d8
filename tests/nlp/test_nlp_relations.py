"""Relation rules driven through the full pipeline on case-style sentences and documents."""

from pathlib import Path

import pytest

from nlp import RELATION_TYPES, extract_texts

CASES = [
    ("犯罪嫌疑人徐建平驾驶浙E·L6283重型罐式货车，将污泥倾倒于吴兴区埭溪镇上强村。", ("徐建平", "DRIVES", "浙E·L6283")),
    ("浙E·5R392槽罐车将废盐酸倾倒于长兴县李家巷镇青草坞村。", ("浙E·5R392", "DUMPED_AT", "长兴县李家巷镇青草坞村")),
    (
        "湖州恒达印染有限公司法定代表人俞建华指使员工潘小军将废矿物油倒入厂区雨水井。",
        ("俞建华", "REPRESENTS", "湖州恒达印染有限公司"),
    ),
    ("长兴吴山五金电镀厂实际控制人蒋国强已被刑事拘留。", ("蒋国强", "OWNS", "长兴吴山五金电镀厂")),
    ("犯罪嫌疑人施国平系湖州长运危险品运输有限公司驾驶员。", ("施国平", "WORKS_FOR", "湖州长运危险品运输有限公司")),
    ("犯罪嫌疑人沈国梁，联系电话13706827513，住长兴县雉城街道金陵北路。", ("沈国梁", "USES_PHONE", "13706827513")),
    (
        "犯罪嫌疑人沈国梁，联系电话13706827513，住长兴县雉城街道金陵北路。",
        ("沈国梁", "LOCATED_AT", "长兴县雉城街道金陵北路"),
    ),
    ("犯罪嫌疑人杨某某伙同马某在祁丰乡山区使用钢丝套猎捕岩羊。", ("杨某某", "CO_OFFENDER", "马某")),
    (
        "长兴恒泰精细化工有限公司将废盐酸交由长兴顺远货运有限公司运输。",
        ("长兴恒泰精细化工有限公司", "TRANSPORTS", "长兴顺远货运有限公司"),
    ),
]


def triples(ex):
    return {(ex.entities[r.head].text, r.type, ex.entities[r.tail].text) for r in ex.relations}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][1] + str(i) for i, c in enumerate(CASES)])
def test_relation_found_with_evidence(text, expected):
    ex = extract_texts([text])[0]
    assert expected in triples(ex)
    rel = next(r for r in ex.relations if (ex.entities[r.head].text, r.type, ex.entities[r.tail].text) == expected)
    assert rel.type in RELATION_TYPES
    assert 0 < rel.confidence <= 1
    sentence = ex.sentence(rel)
    assert expected[0] in sentence and expected[2] in sentence


def test_employee_is_not_the_legal_representative():
    ex = extract_texts(["湖州恒达印染有限公司法定代表人俞建华指使员工潘小军将废矿物油倒入厂区雨水井。"])[0]
    assert ("潘小军", "REPRESENTS", "湖州恒达印染有限公司") not in triples(ex)


def test_relations_stay_inside_one_sentence():
    ex = extract_texts(["周卫东被抓获。浙E5G378停在矿坑边。"])[0]
    assert not any(r.type == "DRIVES" for r in ex.relations)


def test_government_body_is_never_the_dumper_and_coreference_to_company():
    text = (
        "2024年7月15日，安吉县公安局对安吉孝丰竹源家具有限公司涉嫌非法处置漆渣一案立案侦查，"
        "该公司实际控制人鲁建平，电话13605823367。经查，该公司将漆渣倾倒于西苕溪。"
    )
    got = triples(extract_texts([text])[0])
    assert ("鲁建平", "OWNS", "安吉孝丰竹源家具有限公司") in got
    assert not any(h == "安吉县公安局" for h, _t, _x in got)


def test_co_offenders_from_a_list_but_not_the_carrier():
    text = "法定代表人钟海涛与生产厂长吕伟共同决定，将废硫酸交由无资质的严国良处置。"
    got = triples(extract_texts([text])[0])
    assert ("钟海涛", "CO_OFFENDER", "吕伟") in got
    assert not any(r == "CO_OFFENDER" and "严国良" in (h, t) for h, r, t in got)


# --- document level: carried subjects, anaphora, groups (nlp.discourse)


def test_site_anaphor_resolves_to_the_full_earlier_name():
    text = (
        "2024年5月22日，煤山镇青岭村北侧废弃石矿坑有刺鼻酸味。浙E5G378货车驶入青岭村矿坑方向。"
        "5月23日，民警在矿坑边将犯罪嫌疑人周卫东抓获。周卫东先后4次将约46吨废酸倾倒于上述矿坑。"
    )
    ex = extract_texts([text])[0]
    rel = next(r for r in ex.relations if r.type == "DUMPED_AT")
    assert ex.entities[rel.head].text == "周卫东"
    assert ex.entities[rel.tail].text == "煤山镇青岭村北侧废弃石矿坑"
    assert ex.sentence(rel) == "周卫东先后4次将约46吨废酸倾倒于上述矿坑。"
    assert rel.confidence < 0.85  # resolved through an anaphor: lower than a direct statement


def test_omitted_subject_carries_over_to_the_next_sentence():
    text = (
        "2024年2月起，沈建林驾驶其自有的重型自卸货车（浙E·65K21）收运污泥，倾倒于新市镇蔡界村一处废弃宕口。"
        "4月2日夜，又将约30吨污泥倒入该宕口时被当场查获。"
    )
    got = triples(extract_texts([text])[0])
    assert ("沈建林", "DRIVES", "浙E·65K21") in got
    assert ("沈建林", "DUMPED_AT", "新市镇蔡界村") in got
    assert ("浙E·65K21", "DUMPED_AT", "新市镇蔡界村") in got


def test_accomplice_named_far_from_the_subject():
    text = (
        "经查，犯罪嫌疑人俞海波系渔船浙岱渔07215船长，明知东海海域进入伏季休渔期，"
        "仍于5月3日至10日伙同轮机员王某等人驾船出海，在秀山岛以东海域使用拖网作业。"
    )
    got = triples(extract_texts([text])[0])
    assert ("俞海波", "CO_OFFENDER", "王某") in got
    assert ("俞海波", "DRIVES", "浙岱渔07215") in got
    assert ("王某", "DRIVES", "浙岱渔07215") not in got  # the lead drives, not the crew


def test_group_word_links_the_listed_suspects():
    text = "民警当场查获正在电鱼的犯罪嫌疑人王某、张某某。经查，二人明知处于禁渔期，仍先后5次在该水域捕捞。"
    assert ("王某", "CO_OFFENDER", "张某某") in triples(extract_texts([text])[0])


def test_instructed_employee_dumps_not_the_boss():
    text = "经查，该公司法定代表人蔡文斌为节省处置费用，自2024年3月起指使车间主任汤某在夜间将废槽液直排余英溪。"
    got = triples(extract_texts(["德清县锦鑫表面处理有限公司雨水排口排水。" + text])[0])
    assert ("汤某", "DUMPED_AT", "余英溪") in got
    assert ("蔡文斌", "DUMPED_AT", "余英溪") not in got
    assert ("蔡文斌", "REPRESENTS", "德清县锦鑫表面处理有限公司") in got


def test_every_suspect_of_a_list_dumped_at_the_place():
    """A list of suspects before one dump verb: each of them dumped there, not only the last named."""
    got = triples(
        extract_texts(["2024年5月中旬至6月20日，龚国炜、万敏忠、诸某甲多次在东林镇邬埭村闲置荒地乱倒废乳化液。"])[0]
    )
    assert {p for p, t, _ in got if t == "DUMPED_AT"} == {"龚国炜", "万敏忠", "诸某甲"}
    got = triples(extract_texts(["王某伙同李某在青岭村废弃石矿倾倒污泥。"])[0])
    assert {p for p, t, _ in got if t == "DUMPED_AT"} == {"王某", "李某"}


def test_instructed_drivers_of_a_list_dump_and_the_boss_does_not():
    got = triples(extract_texts(["老板张三让司机李四和王五将废液倒在青岭村河滩。"])[0])
    assert {p for p, t, _ in got if t == "DUMPED_AT"} == {"李四", "王五"}


def test_police_subject_stops_the_carry_over():
    text = "民警在长兴县林城镇查获一辆槽罐车。随后将废液倒入矿坑的情况上报。"
    assert not any(r.type == "DUMPED_AT" for r in extract_texts([text])[0].relations)


def test_relation_gold_set_scores():
    from nlp.evaluate import evaluate, read_jsonl

    gold = Path(__file__).resolve().parents[2] / "nlp" / "gold" / "relations.jsonl"
    docs = read_jsonl(gold, need_entities=True)
    assert len(docs) >= 40 and all("relations" in d for d in docs)
    report = evaluate(docs)
    micro = report.micro_relations()
    assert micro.f >= 0.85, report.relation_table()
    for typ in ("DRIVES", "CO_OFFENDER", "DUMPED_AT"):
        assert report.rel_counts[typ].f >= 0.75, report.relation_table()
