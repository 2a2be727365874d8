"""Merge mechanics: reasons recorded, exact round trip through split, aliases at ingest."""

from __future__ import annotations

import json

import pytest
from res_helpers import G, node_props, snapshot

from graph_schema.model import GraphBatch, Provenance
from resolution import ResolutionError, alias_map, apply_aliases, explain, merge, split

USCC = "91330522704523184E"
HT = f"company:{USCC}"
ALIAS = "company:恒泰化工"
D1, D2, D3 = "doc:case:c1", "doc:hotline:h1", "doc:manifest:m1"


def _graph(store) -> None:
    g = G()
    for d in (D1, D2, D3):
        g.doc(d)
    g.company(HT, "长兴恒泰精细化工有限公司", D1)
    g.company(ALIAS, "恒泰化工", D2, field="")
    g.node("phone:13706827513", number="13706827513")
    g.rel("USES_PHONE", ALIAS, "phone:13706827513", D2, quote="13706827513")
    g.node("vehicle:浙E5G378", plate="浙E5G378")
    g.rel("TRANSPORTS", "vehicle:浙E5G378", ALIAS, D3)
    g.rel("POSSIBLY_SAME", ALIAS, HT, D2)  # a relationship between the two nodes themselves
    g.write(store)


def test_merge_records_reason_and_moves_everything(store) -> None:
    _graph(store)
    rec = merge(store, ALIAS, HT, "测试理由", [D2])
    assert rec.moved == 5
    assert node_props(store, ALIAS) is None
    props = node_props(store, HT)
    assert props["aliases"] == [ALIAS]
    entry = json.loads(props["merge_log"][0])
    assert entry["reason"] == "测试理由" and entry["evidence"] == [D2] and entry["method"] == "rule"
    assert entry["alias_props"]["name"] == "恒泰化工"
    rels = {(h, t, tl) for h, t, tl, _ in snapshot(store)}
    assert (HT, "USES_PHONE", "phone:13706827513") in rels
    assert ("vehicle:浙E5G378", "TRANSPORTS", HT) in rels
    assert all(ALIAS not in (h, tl) for h, _, tl in rels)
    # every moved fact says where it came from
    for _h, t, _tl, p in snapshot(store):
        if t == "USES_PHONE":
            assert ("via", ALIAS) in p and ("via_head", ALIAS) in p
    assert alias_map(store) == {ALIAS: HT}
    info = explain(store, ALIAS)
    assert info["merged_into"] == HT and info["aliases"][0]["reason"] == "测试理由"


def test_merge_then_split_restores_exactly(store) -> None:
    _graph(store)
    before = snapshot(store)
    alias_before = node_props(store, ALIAS)
    merge(store, ALIAS, HT, "r", [D2])
    assert snapshot(store) != before
    out = split(store, HT, ALIAS)
    assert out["restored_relationships"] == 5
    assert snapshot(store) == before
    assert node_props(store, ALIAS) == alias_before
    props = node_props(store, HT)
    assert props["aliases"] == [] and props["merge_log"] == []
    assert json.loads(props["split_log"][0])["alias"] == ALIAS
    assert alias_map(store) == {}


def test_chain_merge_and_split_in_any_order(store) -> None:
    _graph(store)
    g = G()
    g.doc("doc:hotline:h9")
    g.company("company:恒泰精化", "恒泰精化", "doc:hotline:h9", field="")
    g.write(store)
    before = snapshot(store)
    merge(store, "company:恒泰精化", ALIAS, "a→b")
    merge(store, ALIAS, HT, "b→c")
    assert alias_map(store) == {ALIAS: HT, "company:恒泰精化": HT}
    split(store, HT, ALIAS)  # brings back b together with what b had absorbed
    assert alias_map(store) == {"company:恒泰精化": ALIAS}
    split(store, ALIAS, "company:恒泰精化")
    assert snapshot(store) == before


def test_merge_errors(store) -> None:
    _graph(store)
    with pytest.raises(ResolutionError, match="没有节点"):
        merge(store, "company:不存在", HT, "r")
    with pytest.raises(ResolutionError, match="类型不同"):
        merge(store, "vehicle:浙E5G378", HT, "r")
    with pytest.raises(ResolutionError):
        merge(store, HT, HT, "r")
    with pytest.raises(ResolutionError, match="没有合并过"):
        split(store, HT, ALIAS)
    with pytest.raises(ResolutionError, match="没有节点"):
        explain(store, "person:nobody@doc:x:y")


def test_apply_aliases_keeps_reingest_idempotent_and_splittable(store) -> None:
    _graph(store)
    before = snapshot(store)
    merge(store, ALIAS, HT, "r")
    after_merge = snapshot(store)
    # the same document is ingested again: its alias key must go to the canonical node, once
    again = GraphBatch()
    again.add_node(ALIAS, name="恒泰化工")
    again.add_rel(
        "USES_PHONE", ALIAS, "phone:13706827513", Provenance(doc=D2, method="structured", quote="13706827513")
    )
    store.write_batch(apply_aliases(again, alias_map(store)))
    assert node_props(store, ALIAS) is None
    assert snapshot(store) == after_merge
    assert node_props(store, HT)["name"] == "长兴恒泰精细化工有限公司"  # alias props never overwrite
    # a new fact from a new document about the alias also lands on the canonical node and splits back
    new = GraphBatch()
    new.add_rel("USES_PHONE", ALIAS, "phone:13900000000", Provenance(doc="doc:hotline:h2", method="structured"))
    store.write_batch(apply_aliases(new, alias_map(store)))
    split(store, HT, ALIAS)
    rels = {(h, t, tl) for h, t, tl, _ in snapshot(store)}
    assert (ALIAS, "USES_PHONE", "phone:13900000000") in rels
    assert before <= snapshot(store)
