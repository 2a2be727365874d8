"""Matching forms: plates, phones, vessels (via identifiers), company and site names, person names."""

from __future__ import annotations

import pytest

from resolution import normalize as n


@pytest.mark.parametrize(
    "text", ["浙E·3K821", "浙E3K821", "浙E 3K821", "浙Ｅ３Ｋ８２１", "浙e-3k821", "浙E·3K821（重型罐式货车）"]
)
def test_plate_spellings_normalise_to_one(text: str) -> None:
    assert n.normalize_plate(text) == "浙E3K821"


def test_phones_and_vessels() -> None:
    assert n.parse_phone("138-5720-1234").digits == "13857201234"
    assert n.parse_phone("+86 13857201234").digits == "13857201234"
    assert n.parse_phone("138****1234").masked
    assert n.normalize_vessel("浙岱渔 07215") == "浙岱渔07215"


@pytest.mark.parametrize(
    "name",
    [
        "湖州金盛化工有限公司",
        "湖州金盛化工有限责任公司",
        "金盛化工（湖州）有限公司",
        "浙江省湖州市金盛化工有限公司",
        "湖州市金盛化工股份有限公司",
        "金盛化工厂",
        "金盛化工",
    ],
)
def test_company_core(name: str) -> None:
    assert n.company_name(name).core == "金盛化工"


def test_company_places_and_forms() -> None:
    a = n.company_name("长兴县金盛化工有限公司")
    b = n.company_name("湖州金盛化工有限公司")
    c = n.company_name("德清金盛化工有限公司")
    assert n.places_compatible(a.places, b.places)  # 长兴 is a county of 湖州: no conflict at any level
    assert not n.places_compatible(a.places, c.places)
    assert not n.places_compatible(a.places, n.company_name("嘉兴金盛化工有限公司").places)  # 长兴 lies in 湖州
    assert n.company_name("湖州织里华彩印染有限公司").core == "华彩印染"
    assert n.company_name("长兴泗安绿牧生猪养殖专业合作社").legal_form == "专业合作社"
    br = n.company_name("湖州驰安危货运输有限公司长兴分公司")
    assert br.is_branch and br.core == "驰安危货运输"
    # a word that starts with 市/区/乡 is not a place suffix
    assert n.company_name("华东市政工程有限公司").core == "华东市政工程"
    assert n.company_name("湖州市场开发有限公司").core == "市场开发"


def test_site_forms() -> None:
    a = n.site_name("长兴县煤山镇青岭村北侧废弃石矿坑")
    b = n.site_name("煤山镇青岭村北面矿坑")
    assert a.core == b.core == "青岭村北侧矿坑"
    assert a.town == b.town == "煤山"
    assert n.site_name("青岭村矿坑附近").core == "青岭村矿坑"


def test_person_name_compatibility() -> None:
    assert n.names_compatible("周某", "周卫东")
    assert n.names_compatible("周卫东", "周某某")
    assert n.names_compatible("周先生", "周卫东")
    assert n.names_compatible("周卫东", "周卫东")
    assert not n.names_compatible("周某", "张卫东")
    assert not n.names_compatible("王某", "王某")  # two masks never identify anyone
    assert not n.names_compatible("匿名", "匿名")
    assert not n.names_compatible("周卫东", "周卫国")
