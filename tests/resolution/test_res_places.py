"""Address normalisation (resolution.places) and site matching forms in several address styles."""

from __future__ import annotations

import pytest

from resolution import normalize as n
from resolution.areas import documents_area
from resolution.places import agency_area, parse_address


@pytest.mark.parametrize(
    ("text", "levels", "village", "group", "feature"),
    [
        # full form, province to village
        ("浙江省湖州市长兴县煤山镇青岭村北侧废弃矿坑", ("浙江", "湖州", "长兴", "煤山"), "青岭", None, "废弃矿坑"),
        # no province or city: the county implies them
        ("长兴县泗安镇三川村农田", ("浙江", "湖州", "长兴", "泗安"), "三川", None, "农田"),
        # bare county and town (company-style): 长兴 is the only 长兴 in the country, 泗安 a town of it
        ("长兴泗安三川村鱼塘", ("浙江", "湖州", "长兴", "泗安"), "三川", None, "鱼塘"),
        # 街道 and 社区, with a 组
        ("安吉县递铺街道古城社区3组路边", ("浙江", "湖州", "安吉", "递铺"), "古城", "3", "路边"),
        # 乡 and a village committee
        ("湖州市吴兴区妙西镇妙山村村委会东侧空地", ("浙江", "湖州", "吴兴", "妙西"), "妙山村", None, "空地"),
        # another province; a district of a prefecture city
        ("甘肃省张掖市甘州区党寨镇陈寨村荒地", ("甘肃", "张掖", "甘州", "党寨"), "陈寨", None, "荒地"),
        # a town the register does not hold (made up): read by its suffix
        ("长兴县青山镇绿水村河滩", ("浙江", "湖州", "长兴", "青山"), "绿水", None, "河滩"),
        # masked, as published judgments write it
        ("某区某镇某村废弃矿坑", (None, None, "某", "某"), "某", None, "废弃矿坑"),
        # village only, and the extraction artefact 村村
        ("青岭村村废矿坑", (None, None, None, None), "青岭", None, "废矿坑"),
        # a municipality is province and city at once; bare, with its district
        ("上海浦东新区张江镇某村", ("上海", "上海", "浦东", "张江"), "某", None, ""),
        ("重庆江北区某镇某村农田", ("重庆", "重庆", "江北", "某"), "某", None, "农田"),
        # a road point named after its village
        ("煤山镇青岭村矿区道路口", (None, None, None, "煤山"), "青岭", None, "矿区道路口"),
        # villages named after a feature (大桥, 河口, 塘口: words that also name kinds of site)
        ("天子湖镇大桥村山道口", (None, None, None, "天子湖"), "大桥", None, "山道口"),
        ("安吉县天子湖镇大桥村", ("浙江", "湖州", "安吉", "天子湖"), "大桥", None, ""),
        ("长兴县泗安镇塘口村鱼塘", ("浙江", "湖州", "长兴", "泗安"), "塘口", None, "鱼塘"),
        ("河口村河岸", (None, None, None, None), "河口", None, "河岸"),
        # a town whose 镇 runs into a village starting with 江: not the city of 镇江
        ("海宁市长安镇江埭村", ("浙江", "嘉兴", "海宁", "长安"), "江埭", None, ""),
        ("长安镇江埭村村道路口", (None, None, None, "长安"), "江埭", None, "村道路口"),
    ],
)
def test_address_levels(text, levels, village, group, feature) -> None:
    a = parse_address(text)
    assert (a.province, a.city, a.county, a.town) == levels
    assert (a.village, a.group, a.feature) == (village, group, feature)


def test_words_that_only_look_like_units() -> None:
    assert parse_address("矿区道路口").county is None  # 矿区 is a kind of area, not a district
    assert parse_address("青岭村村道口").feature == "村道口"  # 村道口 is a road mouth, not 村村
    assert parse_address("江苏省镇江市京口区").city == "镇江"  # 镇江市 is a city (长安镇江埭村 is 长安镇 + 江埭村)
    assert n.company_name("湖州市场开发有限公司").core == "市场开发"
    assert n.company_name("和平化工有限公司").core == "和平化工"  # 和平区 is in two cities: not stripped bare


@pytest.mark.parametrize(
    "names",
    [
        ("长兴县煤山镇青岭村废弃矿坑", "青岭村废弃石矿", "青岭村村废矿坑", "煤山镇青岭村矿坑", "青岭村石矿宕口"),
        ("南浔区练市镇荃步村河滩", "荃步村河边", "练市镇荃步村河岸"),
        ("吴兴区八里店镇潘店村鱼塘", "潘店村养殖塘"),
        ("德清县莫干山镇劳岭村山坳", "劳岭村山沟"),
    ],
)
def test_site_synonyms_share_a_base(names) -> None:
    assert len({n.site_name(x).base for x in names}) == 1


def test_different_villages_and_types_stay_apart() -> None:
    assert n.site_name("青岭村废弃矿坑").base != n.site_name("三川村废弃矿坑").base
    assert n.site_name("青岭村鱼塘").base != n.site_name("青岭村农田").base
    assert not n.site_name("矿坑").named  # a bare type names no place of its own
    assert n.site_name("下渚湖湿地").named


def test_places_compatible_uses_the_register() -> None:
    a, b = n.site_name("长兴县煤山镇青岭村矿坑"), n.site_name("湖州市青岭村矿坑")
    assert n.places_compatible(a.places, b.places)
    assert not n.places_compatible(a.places, n.site_name("嘉兴市青岭村矿坑").places)


@pytest.mark.parametrize(
    ("unit", "area"),
    [
        ("吴兴区东林镇人民政府", ("吴兴", "东林")),
        ("安吉县综合行政执法局", ("安吉", None)),
        ("湖州市生态环境局安吉分局", ("安吉", None)),  # a prefecture bureau's branch, named by its county
        ("湖州市公安局吴兴区分局", ("吴兴", None)),
        ("湖州市公安局", (None, None)),  # the whole prefecture: no county
        ("", (None, None)),
    ],
)
def test_the_area_an_agency_answers_for(unit: str, area: tuple) -> None:
    assert agency_area(unit) == area


def test_documents_agree_on_an_area_or_say_nothing() -> None:
    ticket = {"handling_unit": "德清县雷甸镇人民政府"}
    case = {"unit": "德清县公安局"}
    grid = {"grid": "雷甸镇龚桥村第2网格"}
    assert documents_area([ticket, case], "龚桥") == ("德清", "雷甸")
    assert documents_area([case, grid], "龚桥") == ("德清", "雷甸")
    assert documents_area([case, grid], "钱家") == ("德清", None)  # another village's grid says nothing of its town
    assert documents_area([ticket, {"handling_unit": "长兴县综合行政执法局"}], "龚桥") == (None, None)
