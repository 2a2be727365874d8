"""Upstream ranking on an organic-load event (COD / BOD5): the trades and measures of organic pollution."""

from __future__ import annotations

import pytest

from graph_schema.model import GraphBatch, Provenance
from investigations import rivers, water


def _p(doc: str, seen: str | None = None) -> Provenance:
    return Provenance(doc=doc, method="structured", quote="", seen=seen)


def _river_of_three(b: GraphBatch, station: str, outfalls: tuple[tuple[str, str, str, str], ...]) -> None:
    """Segments S-1 → S-2 → S-3, the station on S-3, each outfall (code, segment, owner key, owner name)."""
    segs = ["site:S-1", "site:S-2", "site:S-3"]
    for up, down in zip(segs, segs[1:]):
        b.add_node(up, kind="segment")
        b.add_node(down, kind="segment")
        b.add_rel("FLOWS_INTO", up, down, _p("doc:segment:s"))
    for code, seg, owner, name in outfalls:
        b.add_node(code, kind="outfall", name=f"{name}排口")
        b.add_node(owner, name=name)
        b.add_rel("DISCHARGES_INTO", code, seg, _p(f"doc:outfall:{code}"))
        b.add_rel("OWNS", owner, code, _p(f"doc:outfall:{code}"))
    b.add_node(station, kind="station", name="断面")
    b.add_rel("MONITORS", station, "site:S-3", _p("doc:reading:x"))


def _outfalls_and_station(b: GraphBatch, outfalls: tuple, station: str, segment: str, suffix: str = "排口") -> None:
    """Each outfall (code, segment, owner key, owner name, coordinates) and its owner; the station on `segment`."""
    for code, seg, owner, name, where in outfalls:
        b.add_node(code, kind="outfall", name=f"{name}{suffix}", **where)
        b.add_node(owner, name=name)
        b.add_rel("DISCHARGES_INTO", code, seg, _p(f"doc:outfall:{code}"))
        b.add_rel("OWNS", owner, code, _p(f"doc:outfall:{code}"))
    b.add_node(station, kind="station", name="断面")
    b.add_rel("MONITORS", station, segment, _p("doc:reading:x"))


def _owners(on_station: str, three_up: str, one_up: str) -> tuple[tuple[str, str, str, str], ...]:
    """Outfalls PK-A on the station's segment S-3, PK-B on S-1, PK-C on S-2, owned by these companies."""
    spots = (
        ("site:PK-A", "site:S-3", on_station),
        ("site:PK-B", "site:S-1", three_up),
        ("site:PK-C", "site:S-2", one_up),
    )
    return tuple((code, seg, f"company:{name}", name) for code, seg, name in spots)


@pytest.mark.parametrize("indicator", ["COD", "化学需氧量", "BOD5", "五日生化需氧量", "TOC", "溶解氧"])
def test_organic_load_measures_are_one_family(indicator: str) -> None:
    assert water.indicator_family(indicator) == "cod"


def test_a_brewery_two_segments_up_outranks_a_plater_on_the_station_segment(empty_store) -> None:
    """COD at the station; the plater next to it explains heavy metals and phosphorus, not organic load;
    the brewery upstream (a high-COD trade) is the source."""
    b = GraphBatch()
    _river_of_three(b, "site:JC-9", _owners("甲电镀有限公司", "乙酒业有限公司", "丙物流有限公司"))
    for i, ind in enumerate(("COD", "BOD5")):
        d = f"doc:reading:o{i}"
        b.add_node(d, source="reading", time="2024-07-01T08:00:00", indicator=ind, value=80, exceeded=True)
        b.add_rel("LOCATED_AT", d, "site:JC-9", _p(d, "2024-07-01T08:00:00"))
    empty_store.write_batch(b)
    cands = water.upstream_candidates(empty_store, "JC-9").candidates
    assert [c.outfall for c in cands][:2] == ["site:PK-B", "site:PK-A"]
    assert cands[0].details["pollutant_match"] == ["cod"]


@pytest.mark.parametrize(
    ("complaint", "about"),
    [
        ({"category": "水污染", "text": "有人反映"}, True),
        ({"event_type": "其他", "text": "斜桥镇平田村河道漂浮物较多。"}, True),
        ({"category": "其他", "text": "村边那条河水面上漂着泡沫，晚上排得最多"}, True),
        ({"category": "噪声", "text": "熊港村加工点夜间施工噪声扰民"}, False),
        ({"event_type": "大气污染", "text": "洲泉镇熊港村空地焚烧垃圾，已扑灭。"}, False),
        ({"category": "其他", "text": "长安镇梅墩村违章搭建。"}, False),
    ],
)
def test_only_complaints_about_water_speak_of_a_discharge(complaint: dict, about: bool) -> None:
    # 熊港村 / 梅墩村: the 港 and 塘 of a village's name are not a river
    assert water.about_water(complaint) is about


def test_background_tickets_around_an_outfall_do_not_outweigh_what_its_owner_discharges(empty_store) -> None:
    """COD on the station's segment.  Next to the station a food plant (organic load is a side
    effect of its trade) whose outfall has five tickets within 2 km: three about the river that
    name nobody, two about noise and burning.  One segment up a dye works (organic load is what it
    discharges), registered without coordinates, so no ticket can be near it.  The dye works is
    the likelier source; the noise and burning tickets are not evidence about any outfall."""
    b = GraphBatch()
    b.add_node("site:S-UP", kind="segment")
    b.add_node("site:S-ST", kind="segment")
    b.add_rel("FLOWS_INTO", "site:S-UP", "site:S-ST", _p("doc:segment:s"))
    outfalls = (
        ("site:PK-FOOD", "site:S-ST", "company:甲食品有限公司", "甲食品有限公司", {"lon": 120.10, "lat": 30.80}),
        ("site:PK-DYE", "site:S-UP", "company:乙印染有限公司", "乙印染有限公司", {}),
    )
    _outfalls_and_station(b, outfalls, "site:JC-7", "site:S-ST")
    for day in (1, 2):
        d = f"doc:reading:c{day}"
        b.add_node(d, source="reading", time=f"2024-07-0{day}T08:00:00", indicator="COD", value=80, exceeded=True)
        b.add_rel("LOCATED_AT", d, "site:JC-7", _p(d, f"2024-07-0{day}T08:00:00"))
    tickets = [
        ("水污染", "河面上漂着泡沫"),
        ("水污染", "河水发白，有异味"),
        ("其他", "河道漂浮物较多"),
        ("噪声", "加工点夜间施工噪声扰民"),
        ("大气污染", "空地焚烧垃圾"),
    ]
    for i, (category, text) in enumerate(tickets):
        b.add_node(f"doc:hotline:T{i}", source="hotline", time="2024-06-28T20:00:00", category=category, text=text,
                   lon=120.10 + 0.001 * i, lat=30.80)  # fmt: skip
    empty_store.write_batch(b)
    cands = water.upstream_candidates(empty_store, "JC-7").candidates
    assert [c.outfall for c in cands] == ["site:PK-DYE", "site:PK-FOOD"]
    food = cands[1]
    assert food.details["complaints"] == ["doc:hotline:T0", "doc:hotline:T1", "doc:hotline:T2"]


def test_complaints_of_an_earlier_event_at_the_station_do_not_rank_its_source_for_a_later_one(empty_store) -> None:
    """Two events at one station: ammonia on 23-24 April from a tannery on the station's segment,
    COD on 2-3 May from a paper mill two segments up.  The tickets naming the tannery came with
    the April event; they are no evidence for the May one, whose source is the paper mill."""
    b = GraphBatch()
    outfalls = (
        ("site:PK-TAN", "site:S-3", "company:甲皮革有限公司", "甲皮革有限公司"),
        ("site:PK-PAPER", "site:S-1", "company:乙造纸有限公司", "乙造纸有限公司"),
    )
    _river_of_three(b, "site:JC-5", outfalls)
    for day, ind in (("2024-04-23", "氨氮"), ("2024-04-24", "氨氮"), ("2024-05-02", "COD"), ("2024-05-03", "COD")):
        d = f"doc:reading:{day}:{ind}"
        b.add_node(d, source="reading", time=f"{day}T08:00:00", indicator=ind, value=80, exceeded=True)
        b.add_rel("LOCATED_AT", d, "site:JC-5", _p(d, f"{day}T08:00:00"))
    tickets = [("T1", "2024-04-24", "甲皮革"), ("T2", "2024-04-25", "甲皮革"), ("T3", "2024-04-26", "甲皮革"),
               ("T4", "2024-05-03", "乙造纸")]  # fmt: skip
    for tid, day, who in tickets:
        b.add_node(f"doc:hotline:{tid}", source="hotline", time=f"{day}T20:00:00", category="水污染",
                   text=f"{who}排口附近河水发黑，有异味")  # fmt: skip
    empty_store.write_batch(b)
    may = water.upstream_candidates(empty_store, "JC-5", "COD", "2024-05-02 08:00:00").candidates
    assert [c.outfall for c in may] == ["site:PK-PAPER", "site:PK-TAN"]
    assert may[1].details["complaints"] == []
    april = water.upstream_candidates(empty_store, "JC-5", "氨氮", "2024-04-23 08:00:00").candidates
    assert april[0].outfall == "site:PK-TAN"
    assert april[0].details["complaints"] == ["doc:hotline:T1", "doc:hotline:T2", "doc:hotline:T3"]


def test_a_sewage_outfall_is_no_sewage_works(empty_store) -> None:
    """Outfalls are registered as `…污水排口` whatever their owner makes: the word names the outfall's
    kind, not a trade.  A farm's 污水排口 on the station's segment explains no COD; a textile mill
    three segments up does; a sewage works (污水处理) still counts half."""
    b = GraphBatch()
    outfalls = _owners("甲农业开发有限公司", "乙纺织有限公司", "丙污水处理有限公司")
    _river_of_three(b, "site:JC-9", outfalls)
    for code, _seg, _owner, name in outfalls:
        b.add_node(code, kind="outfall", name=f"{name[:-4]}污水排口")
    d = "doc:reading:o1"
    b.add_node(d, source="reading", time="2024-07-01T08:00:00", indicator="COD", value=80, exceeded=True)
    b.add_rel("LOCATED_AT", d, "site:JC-9", _p(d, "2024-07-01T08:00:00"))
    empty_store.write_batch(b)
    cands = {c.outfall: c for c in water.upstream_candidates(empty_store, "JC-9").candidates}
    assert cands["site:PK-A"].details["pollutant_match"] == []
    assert cands["site:PK-B"].details["pollutant_match"] == ["cod"]
    assert cands["site:PK-C"].details["pollutant_match"] == ["cod"]
    assert max(cands.values(), key=lambda c: c.score).outfall == "site:PK-B"


@pytest.mark.parametrize(
    ("segment", "river"),
    [
        ("梁家溪（梁家村段）", "梁家溪"),
        ("史湾港上游（史湾村以上）", "史湾港"),
        ("菱湖塘（入干流口段）", "菱湖塘"),
        ("东苕溪德清段", "东苕溪"),
        ("京杭运河", "京杭运河"),
        ("小河", None),
        ("", None),
    ],
)
def test_the_river_of_a_registered_segment(segment: str, river: str | None) -> None:
    assert rivers.river_name(segment) == river


def test_a_ticket_naming_the_river_an_outfall_discharges_into_speaks_for_it(empty_store) -> None:
    """Ammonia at a station on 菱湖塘.  On the station's segment a fish farm (ammonia is a side
    effect of its trade) with two tickets about the water within 2 km that name nobody; four
    segments up, on the tributary 梁家溪, a circuit-board plant (etchant: ammonia is what it
    discharges), registered without coordinates.  One ticket says the fish are dying in 梁家溪,
    from a village the ticket's address places kilometres from both: it speaks for the outfalls
    on 梁家溪 (the plant first), not for the farm on 菱湖塘 (held-out seed 9918's one water miss)."""
    b = GraphBatch()
    segs = [("site:S-LJ", "梁家溪（梁家村段）"), ("site:S-4", "菱湖塘（善琏镇段）"), ("site:S-3", "菱湖塘（练市镇段）"),
            ("site:S-2", "菱湖塘（石淙镇段）"), ("site:S-1", "菱湖塘（入干流口段）")]  # fmt: skip
    for (up, up_name), (down, down_name) in zip(segs, segs[1:]):
        b.add_node(up, kind="segment", name=up_name)
        b.add_node(down, kind="segment", name=down_name)
        b.add_rel("FLOWS_INTO", up, down, _p("doc:segment:s"))
    outfalls = (
        ("site:PK-FARM", "site:S-1", "company:甲养殖专业合作社", "甲养殖专业合作社", {"lon": 120.53, "lat": 30.915}),
        ("site:PK-PCB", "site:S-LJ", "company:乙电子电路有限公司", "乙电子电路有限公司", {}),
    )
    _outfalls_and_station(b, outfalls, "site:JC-26", "site:S-1", suffix="排放口")
    for day in ("23", "24"):
        d = f"doc:reading:{day}"
        b.add_node(d, source="reading", time=f"2024-04-{day}T08:00:00", indicator="氨氮", value=3.1, exceeded=True)
        b.add_rel("LOCATED_AT", d, "site:JC-26", _p(d, f"2024-04-{day}T08:00:00"))
    tickets = [
        ("G1", "2024-04-10", "河面有泡沫", 120.531, 30.915),
        ("G2", "2024-04-19", "河水浑浊有异味", 120.532, 30.916),
        ("H1", "2024-04-23", "梁家溪旧馆镇盛庄村段河里翻白的鱼好多，好几天了。", 120.20, 30.70),
    ]
    for tid, day, text, lon, lat in tickets:
        b.add_node(f"doc:hotline:{tid}", source="hotline", time=f"{day}T00:30:00", category="水污染", text=text,
                   lon=lon, lat=lat)  # fmt: skip
    empty_store.write_batch(b)
    cands = water.upstream_candidates(empty_store, "JC-26", "氨氮", "2024-04-23 08:00:00").candidates
    assert [c.outfall for c in cands] == ["site:PK-PCB", "site:PK-FARM"]
    assert cands[0].details["complaints"] == ["doc:hotline:H1"]
    assert cands[1].details["complaints"] == ["doc:hotline:G1", "doc:hotline:G2"]
