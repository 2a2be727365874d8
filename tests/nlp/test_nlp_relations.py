"""Relation rules driven through the full pipeline on case-style sentences."""

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
