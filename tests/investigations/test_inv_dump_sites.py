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
        ("煤山镇石矿宕口", "宕口", "mine_pit"),
        ("潘店村东侧农田", "农田", "farmland"),
        ("荃步村河滩附近", "河岸", "river_bank"),
        ("下昂村养殖塘", "鱼塘", "pond"),
        ("大云寺村竹林", "林地", "woodland"),
        ("白岘乡山坳里", "山坳", "gully"),
        ("开发区荒地", "荒地", "waste_ground"),
        ("原化纤厂厂区空地", "厂区", "factory_yard"),
        ("318国道路边", "路边", "roadside"),
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
