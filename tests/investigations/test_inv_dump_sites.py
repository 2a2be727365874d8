"""Chains end at the dump site (issue 13): led there from a checkpoint or recycling station through
the village they stand in (LOCATED_IN), for every kind of dump site in the vocabulary."""

from __future__ import annotations

import pytest

from graph_schema.model import GraphBatch, Provenance
from graph_schema.sites import site_type
from investigations.chains import find_waste_chains
from resolution import resolve


def _p(doc: str, seen: str | None = None) -> Provenance:
    return Provenance(doc=doc, method="structured", quote="", seen=seen)


@pytest.mark.parametrize(
    ("name", "canonical", "sensitivity"),
    [
        ("长兴县林城镇桑园村废弃矿坑", "矿坑", "mine_pit"),
        ("桑园村废弃石矿", "矿坑", "mine_pit"),
        ("煤山镇石矿宕口", "矿坑", "mine_pit"),  # a quarry's pit: one place with the village's 废弃石矿
        ("潘店村东侧农田", "农田", "farmland"),
        ("天子湖镇大桥村承包田", "农田", "farmland"),
        ("荃步村河滩附近", "河岸", "river_bank"),
        ("下昂村养殖塘", "鱼塘", "pond"),
        ("大云寺村竹林", "林地", "woodland"),
        ("白岘乡山坳里", "山坳", "gully"),
        ("开发区荒地", "荒地", "waste_ground"),
        ("原化纤厂厂区空地", "厂区", "factory_yard"),
        ("318国道路边", "路边", "roadside"),
        ("东林镇邬埭村闲置荒地", "荒地", "waste_ground"),
        ("许湾村南面林场空地", "林地", "woodland"),  # the open ground of a forest farm is woodland
        ("杨田村闲置厂房空地", "厂区", "factory_yard"),
        ("邬埭村空地", "荒地", "waste_ground"),
    ],
)
def test_dump_site_vocabulary(name: str, canonical: str, sensitivity: str) -> None:
    t = site_type(name)
    assert t is not None and (t.canonical, t.category, t.sensitivity) == (canonical, "dump", sensitivity)


@pytest.mark.parametrize("name", ["煤山镇青岭村矿区道路口", "青岭村村道口（矿坑方向）", "新川废品回收站", "G25收费站"])
def test_checkpoints_and_recycling_are_not_dump_sites(name: str) -> None:
    t = site_type(name)
    assert t is not None and t.category in ("road", "recycling")


def _story(dump_name: str, checkpoint_name: str) -> GraphBatch:
    """A case (producer, carrier, truck) whose truck is read at night at a checkpoint named after a village,
    and a ticket that names a dump site in that village; no document says where the truck dumped."""
    b = GraphBatch()
    case, ticket, t = "doc:case:K1", "doc:hotline:T1", "2024-06-14T00:00:00"
    b.add_node(case, source="case", time=t, cause="污染环境罪", text="将废液运出非法处置")
    b.add_node("company:甲化工有限公司", name="甲化工有限公司")
    b.add_node("company:乙运输有限公司", name="乙运输有限公司")
    b.add_node("vehicle:浙ET1111", plate="浙ET1111")
    b.add_rel("INVOLVED_IN", "company:甲化工有限公司", case, _p(case, t), role="company")
    b.add_rel("INVOLVED_IN", "company:乙运输有限公司", case, _p(case, t), role="company")
    b.add_rel("INVOLVED_IN", "vehicle:浙ET1111", case, _p(case, t), role="vehicle")
    b.add_node(ticket, source="hotline", time=t, text="有人倒东西")
    b.add_node(f"site:{dump_name}", name=dump_name, kind="place")
    b.add_rel("LOCATED_AT", ticket, f"site:{dump_name}", _p(ticket, t))
    b.add_node("site:KK-X1", name=checkpoint_name, kind="checkpoint", code="KK-X1")
    for i, when in enumerate(("2024-06-13T23:10:00", "2024-06-14T01:30:00")):
        b.add_rel("SEEN_AT", "vehicle:浙ET1111", "site:KK-X1", _p(f"doc:anpr:r{i}", when), time=when)
    return b


@pytest.mark.parametrize(
    ("dump", "checkpoint"),
    [
        ("吴兴区八里店镇潘店村东侧农田", "八里店镇潘店村路口"),
        ("南浔区练市镇荃步村河滩", "练市镇荃步村桥头"),
        ("长兴县林城镇桑园村石矿宕口", "林城镇桑园村矿区道路口"),
    ],
)
def test_chain_ends_at_the_dump_site_of_the_checkpoints_village(empty_store, dump: str, checkpoint: str) -> None:
    empty_store.write_batch(_story(dump, checkpoint))
    # before place resolution the checkpoint names no sensitive place: no dump site is known
    before = find_waste_chains(empty_store, include_all=True).chains
    assert [c.path[-1]["key"] for c in before] == ["vehicle:浙ET1111"]
    resolve(empty_store)
    chains = find_waste_chains(empty_store).chains
    assert [c.path[-1]["key"] for c in chains] == [f"site:{dump}"]
    assert "night_at_sensitive_site" in chains[0].flags


def test_a_dump_at_a_recycling_station_leads_to_the_villages_dump_site(empty_store) -> None:
    b = _story("长兴县林城镇桑园村废弃矿坑", "长兴大道与太湖路交叉口")  # the checkpoint stands in no village
    b.add_node("site:林城镇桑园村废品回收站", name="林城镇桑园村废品回收站", kind="place")
    b.add_rel("DUMPED_AT", "vehicle:浙ET1111", "site:林城镇桑园村废品回收站", _p("doc:case:K1"))
    empty_store.write_batch(b)
    resolve(empty_store)
    chains = find_waste_chains(empty_store).chains
    assert [c.path[-1]["key"] for c in chains] == ["site:长兴县林城镇桑园村废弃矿坑"]


def test_a_manifest_chain_to_a_recycling_station_ends_where_the_case_says_it_was_dumped(empty_store) -> None:
    b = GraphBatch()
    m, case, t = "doc:manifest:M1", "doc:case:K2", "2024-06-14T09:00:00"
    prod, carrier, recv = "company:甲化工有限公司", "company:乙运输有限公司", "company:丙废品回收站"
    truck, driver, suspect = "vehicle:浙ET2222", "person:李四@doc:manifest:M1", f"person:王某@{case}"
    b.add_node(m, source="manifest", time=t)
    for key, name in ((prod, "甲化工有限公司"), (carrier, "乙运输有限公司"), (recv, "丙废品回收站")):
        b.add_node(key, name=name)
    b.add_node(truck, plate="浙ET2222")
    b.add_node(driver, name="李四")
    for key, role in (
        (prod, "producer"),
        (carrier, "carrier"),
        (recv, "receiver"),
        (truck, "vehicle"),
        (driver, "driver"),
    ):
        b.add_rel("INVOLVED_IN", key, m, _p(m, t), role=role)
    b.add_rel("TRANSFERRED_WASTE", prod, recv, _p(m, t), manifest="M1", time=t, tons=8.0, waste="废酸")
    b.add_node(case, source="case", time=t, cause="污染环境罪", text="王某驾驶浙ET2222将废酸倒在潘店村东侧农田")
    b.add_node(suspect, name="王某")
    for key, role in ((prod, "company"), (truck, "vehicle"), (suspect, "suspect")):
        b.add_rel("INVOLVED_IN", key, case, _p(case, t), role=role)
    b.add_node("site:潘店村东侧农田", name="潘店村东侧农田", kind="place")
    b.add_rel("DUMPED_AT", suspect, "site:潘店村东侧农田", _p(case, t))
    empty_store.write_batch(b)
    chains = find_waste_chains(empty_store).chains
    assert len(chains) == 1
    assert chains[0].path[-1]["key"] == "site:潘店村东侧农田"
    assert recv not in {n["key"] for n in chains[0].path}
    assert chains[0].details["declared_receiver"] == recv


def test_the_checkpoints_name_picks_among_a_villages_dump_sites(empty_store) -> None:
    """村道口（鱼塘方向）: of the village's pit and pond (the pit sorts first by key), the pond."""
    ends = _chain_ends_with_a_second_site(
        empty_store,
        "林城镇桑园村鱼塘",
        "林城镇桑园村村道口（鱼塘方向）",
        "林城镇桑园村废弃矿坑",
        "LOCATED_AT",
        "doc:hotline:T1",
    )
    assert ends == ["site:林城镇桑园村鱼塘"]


def _chain_ends_with_a_second_site(store, dump: str, checkpoint: str, second: str, rel: str, doc: str) -> list[str]:
    """`_story`, with a second dump site in the village tied to `doc` by `rel`: where the chains end."""
    b = _story(dump, checkpoint)
    b.add_node(f"site:{second}", name=second, kind="place")
    b.add_rel(rel, doc, f"site:{second}", _p(doc))
    store.write_batch(b)
    resolve(store)
    return [c.path[-1]["key"] for c in find_waste_chains(store).chains]


def _read(site: str, when: str) -> dict:
    from investigations.common import parse_time

    return {"site": site, "t": parse_time(when)}


def test_trip_destination_is_where_the_truck_turned_round_not_the_first_checkpoint():
    """A truck passes a checkpoint on the road (A), goes in past another (B) and comes out past it
    again: B is where it went, though A was read first and both stand near a dump site."""
    from investigations.chains import trip_destination

    trips = [
        [_read("A", "2024-05-05 21:38"), _read("B", "2024-05-05 22:26"), _read("B", "2024-05-06 00:42")],
        [_read("A", "2024-05-09 21:29"), _read("B", "2024-05-09 22:07"), _read("B", "2024-05-09 23:05")],
    ]
    night = sorted((r for t in trips for r in t), key=lambda r: r["t"])
    assert trip_destination(trips, {"A", "B"}, night) == "B"
    # the way back past A again: B is still the innermost turn
    back = [t + [_read("A", "2024-05-06 01:30")] for t in trips[:1]]
    assert trip_destination(back, {"A", "B"}, night) == "B"
    # in and out more than four hours apart is not one stop: then the checkpoint read most often
    slow = [[_read("A", "2024-05-05 21:00"), _read("B", "2024-05-05 22:00"), _read("B", "2024-05-06 03:00")]]
    reads = sorted(slow[0], key=lambda r: r["t"])
    assert trip_destination(slow, {"A", "B"}, reads) == "B"
    # equal counts: the one reached later on the road out
    one_each = [[_read("A", "2024-05-05 21:00"), _read("C", "2024-05-05 21:40")]]
    assert trip_destination(one_each, {"A", "C"}, one_each[0]) == "C"
    # only eligible checkpoints count as a turn
    assert trip_destination(trips, {"A"}, [r for r in night if r["site"] == "A"]) == "A"


def test_a_tickets_recorded_address_comes_before_a_place_its_caller_mentions(empty_store) -> None:
    """The ticket about the truck is recorded at 钮港村北边路边; its caller says 钮港村东面那块路旁.
    The chain ends at the recorded address, whatever order the store returns the two in."""
    b = _story("钮港村北边路边", "长兴大道与太湖路交叉口")  # the checkpoint stands in no village
    ticket = "doc:hotline:T1"
    b.add_node("site:钮港村东面路旁", name="钮港村东面路旁", kind="place")
    b.add_rel("MENTIONS", ticket, "site:钮港村东面路旁", _p(ticket))
    b.add_node(ticket, source="hotline", time="2024-06-14T00:00:00", text="浙ET1111半夜往钮港村东面那块路旁倒东西")
    empty_store.write_batch(b)
    chains = find_waste_chains(empty_store).chains
    assert [c.path[-1]["key"] for c in chains] == ["site:钮港村北边路边"]


def test_the_village_dump_site_the_case_names_is_where_the_checkpoint_leads(empty_store) -> None:
    """The truck is read at night at 桑园村's road mouth; the village has two fields on record (a
    ticket's east field sorts first) and the case names the west one: the chain ends there."""
    ends = _chain_ends_with_a_second_site(
        empty_store, "林城镇桑园村东侧农田", "林城镇桑园村路口", "林城镇桑园村西侧农田", "MENTIONS", "doc:case:K1"
    )
    assert ends == ["site:林城镇桑园村西侧农田"]


def test_the_checkpoint_leads_to_the_recorded_dump_site_not_a_callers_words_for_it(empty_store):
    """The ticket is recorded at 凤圩村西侧山坳; its caller says 北面那个山沟, which also stands in the
    village and sorts first by key: the truck read at the village's road mouth went to the recorded
    one (seed 9926)."""
    b = _story("禹越镇凤圩村西侧山坳", "禹越镇凤圩村村道路口")
    b.add_node("site:禹越镇凤圩村北面山沟", name="禹越镇凤圩村北面山沟", kind="place")
    b.add_rel("MENTIONS", "doc:hotline:T1", "site:禹越镇凤圩村北面山沟", _p("doc:hotline:T1"))
    empty_store.write_batch(b)
    resolve(empty_store)
    assert [c.path[-1]["key"] for c in find_waste_chains(empty_store).chains] == ["site:禹越镇凤圩村西侧山坳"]
