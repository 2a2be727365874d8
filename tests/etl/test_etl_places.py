"""Doc-local place short forms (etl.textfacts): one document, one place, however often and however it is written."""

from __future__ import annotations

from etl.facts import record_to_batch
from etl.records import CaseFile
from nlp.types import Entity, Extraction

TEXT = "韩某将废酸倒入林城镇桑园村废弃石矿内。次日又至桑园村废矿坑倾倒，矿坑积水呈黄色。另在泗安镇三川村鱼塘发现死鱼。"


def _extract(places: list[str]):
    def run(texts: list[str]) -> list[Extraction]:
        out = []
        for text in texts:
            ents = []
            pos = 0
            for p in places:
                i = text.find(p, pos)
                if i >= 0:
                    ents.append(Entity(i, i + len(p), "LOC", p, "rule", 0.85))
                    pos = i + len(p)
            out.append(Extraction(text, ents, []))
        return out

    return run


def _mentioned_sites(places: list[str], text: str = TEXT) -> list[str]:
    rec = CaseFile(source="case", file="x.txt", record_id="K9", case_id="K9", cause="污染环境罪", narrative=text)
    batch = record_to_batch(rec, {"简要案情": _extract(places)([text])[0]})
    return sorted({r.tail for r in batch.rels if r.type == "MENTIONS" and r.tail.startswith("site:")})


def test_a_synonym_and_a_bare_type_are_the_place_named_before() -> None:
    sites = _mentioned_sites(["林城镇桑园村废弃石矿", "桑园村废矿坑", "矿坑", "泗安镇三川村鱼塘"])
    assert sites == ["site:林城镇桑园村废弃石矿", "site:泗安镇三川村鱼塘"]


def test_another_village_or_type_is_another_place() -> None:
    text = "先倒入林城镇桑园村废弃石矿，后又倒入三川村废矿坑。"
    sites = _mentioned_sites(["林城镇桑园村废弃石矿", "三川村废矿坑"], text)
    assert sites == ["site:三川村废矿坑", "site:林城镇桑园村废弃石矿"]


def test_a_village_followed_by_a_dump_site_word_names_that_site() -> None:
    text = "孔某将电镀废液卸在荃步村河滩上，另有一车倒在潘店村东边的田地里，潘店村村民报警。"
    sites = _mentioned_sites(["荃步村", "潘店村", "潘店村"], text)
    assert sites == ["site:潘店村", "site:潘店村东边田地", "site:荃步村河滩"]


def test_a_site_at_the_back_or_mouth_of_a_village_is_named_with_it() -> None:
    # the segmenter glues the 村 of 村后 to the name (余港村村 + 后); 村口 stays apart (姚岭村 + 村口)
    text = "二人在余港村村后石矿宕口倾倒废渣，又将一车倒在姚岭村村口鱼塘，余港村后头那片林地也有，和漾村东侧老砖窑取土坑也有。"
    sites = _mentioned_sites(["余港村村", "姚岭村", "余港村", "和漾村"], text)
    assert sites == [
        "site:余港村后头林地",
        "site:余港村村后石矿宕口",
        "site:和漾村东侧老砖窑取土坑",
        "site:姚岭村村口鱼塘",
    ]


def test_an_idle_site_of_a_village_is_that_site() -> None:
    """闲置 (idle, disused) qualifies the site as 废弃 does: 邬埭村闲置荒地 is the village's waste ground."""
    text = "龚国炜多次在东林镇邬埭村闲置荒地乱倒废乳化液，又在桑园村的闲置的空地堆放污泥。"
    sites = _mentioned_sites(["东林镇邬埭村", "桑园村"], text)
    assert sites == ["site:东林镇邬埭村闲置荒地", "site:桑园村闲置空地"]


def test_a_village_not_followed_by_a_site_stays_the_village() -> None:
    text = "余港村村民反映，前几天姚岭村后面来了辆货车。"
    assert _mentioned_sites(["余港村", "姚岭村"], text) == ["site:余港村", "site:姚岭村"]


def test_a_village_road_or_river_followed_by_a_position_word_is_its_roadside_or_bank() -> None:
    """NLP leaves 边 / 旁 out of the place (翁浜村村口路); inside a village that is the roadside or bank
    where the digging was, a dump site; a river outside any village stays the river."""
    text = "问：你们在德清县莫干山镇翁浜村村口路边做了什么？另在荃步村小河边堆放，又在黑河边上卸货。"
    sites = _mentioned_sites(["德清县莫干山镇翁浜村村口路", "荃步村小河", "黑河"], text)
    assert sites == ["site:德清县莫干山镇翁浜村村口路边", "site:荃步村小河边", "site:黑河"]
