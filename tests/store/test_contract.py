"""The store contract, on every backend: embedded FalkorDB always, Neo4j when NEO4J_URI is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema.model import GraphBatch, Provenance
from graph_schema.store import port
from graph_schema.store.port import QUERY_DIR, QueryRegistry

INJECTIONS = [
    "'}) DETACH DELETE n //",
    '"}) DETACH DELETE n //',
    "x' OR 1=1 --",
    "back\\slash \\' \\\" \\\\",
    "line1\nline2\r\nline3\ttab",
    "$key $rows {key: $x}",
    "MATCH (n) DETACH DELETE n",
    "`backtick` ]] )) }}",
    "零宽\u200b字符 and emoji 🚛 and NUL-free",
]
NASTY_KEY = "person:张\"三\\'}) DETACH DELETE n //@doc:t:1"


def _plate_batch(n: int, src: str = "plate") -> GraphBatch:
    """Plate reads: Vehicle -SEEN_AT-> Site with provenance from the read's document."""
    b = GraphBatch()
    sites = [b.add_node(f"site:卡口{i:03d}", name=f"卡口{i:03d}", kind="checkpoint") for i in range(50)]
    for i in range(n):
        v = b.add_node(f"vehicle:浙E{i:05d}", plate=f"浙E{i:05d}")
        doc = b.add_node(f"doc:{src}:{i}", source=src, time=f"2024-05-01T08:{i % 60:02d}:00")
        b.add_rel(
            "SEEN_AT",
            v,
            sites[i % 50],
            Provenance(doc=doc, method="structured", quote=f"浙E{i:05d}", seen=f"2024-05-01T08:{i % 60:02d}:00"),
            time=f"2024-05-01T08:{i % 60:02d}:00",
        )
    return b


def _count(store, label: str) -> int:
    return store.stats()["nodes"].get(label, 0)


def test_stats_empty(store):
    assert store.stats() == {"nodes": {}, "relationships": {}}


def test_idempotent_upserts(store):
    batch = _plate_batch(200)
    first = store.write_batch(batch)
    s1 = store.stats()
    second = store.write_batch(batch)
    assert first == {"nodes": 450, "relationships": 200, "nodes_created": 450, "relationships_created": 200}
    assert second == {"nodes": 450, "relationships": 200, "nodes_created": 0, "relationships_created": 0}
    assert store.stats() == s1
    assert s1["nodes"] == {"Document": 200, "Site": 50, "Vehicle": 200}
    assert s1["relationships"] == {"SEEN_AT": 200}


def test_upsert_updates_props_and_keeps_others(store):
    b = GraphBatch()
    b.add_node("company:甲化工有限公司", name="甲化工有限公司", uscc="X")
    store.write_batch(b)
    b2 = GraphBatch()
    b2.add_node("company:甲化工有限公司", name="甲化工有限公司", address="浙江省宁波市")
    store.write_batch(b2)
    (row,) = store.query("node_by_key", key="company:甲化工有限公司")
    assert row["label"] == "Company"
    assert row["props"]["uscc"] == "X" and row["props"]["address"] == "浙江省宁波市"


def test_ten_thousand_batch(store):
    b = _plate_batch(3317)  # 3317 vehicles + 3317 docs + 50 sites + 3317 rels = 10001 elements
    assert len(b) == 10001
    counts = store.write_batch(b)
    assert counts == {
        "nodes": 3317 * 2 + 50,
        "relationships": 3317,
        "nodes_created": 3317 * 2 + 50,
        "relationships_created": 3317,
    }
    st = store.stats()
    assert sum(st["nodes"].values()) + sum(st["relationships"].values()) == 10001


def test_missing_endpoints_created(store):
    b = GraphBatch()
    b.add_rel("DRIVES", "person:李四@doc:t:9", "vehicle:浙B12345", Provenance(doc="doc:t:9", method="rule"))
    assert store.write_batch(b) == {"nodes": 2, "relationships": 1, "nodes_created": 2, "relationships_created": 1}
    assert store.stats()["nodes"] == {"Person": 1, "Vehicle": 1}


def test_provenance_round_trip(store):
    b = GraphBatch()
    quote = "车主王某（身份证号略）驾驶浙E3K821"
    prov = Provenance(
        doc="doc:case:2024-001",
        method="model",
        confidence=0.87,
        quote=quote,
        start=13,
        end=20,
        field="案情摘要",
        seen="2024-03-02T10:15:00",
    )
    b.add_node("doc:case:2024-001", title="非法倾倒危险废物案", source="case")
    b.add_rel("DRIVES", "person:王某@doc:case:2024-001", "vehicle:浙E3K821", prov, role="司机")
    store.write_batch(b)
    rows = store.query("relationships_of", key="vehicle:浙E3K821", limit=10)
    assert len(rows) == 1
    r = rows[0]
    assert (r["head"], r["type"], r["tail"]) == ("person:王某@doc:case:2024-001", "DRIVES", "vehicle:浙E3K821")
    p = r["props"]
    assert p["doc"] == "doc:case:2024-001"
    assert p["method"] == "model"
    assert p["confidence"] == pytest.approx(0.87)
    assert p["quote"] == quote
    assert (p["start"], p["end"]) == (13, 20)
    assert p["field"] == "案情摘要"
    assert p["first_seen"] == p["last_seen"] == "2024-03-02T10:15:00"
    assert p["role"] == "司机"
    assert p["fact"]


def test_two_documents_two_relationships(store):
    b = GraphBatch()
    for d in ("doc:a:1", "doc:b:2"):
        b.add_rel("OWNS", "company:乙运输公司", "vehicle:浙E3K821", Provenance(doc=d, method="structured", quote=d))
    store.write_batch(b)
    store.write_batch(b)
    rows = store.query("relationships_of", key="vehicle:浙E3K821", limit=10)
    assert sorted(r["props"]["quote"] for r in rows) == ["doc:a:1", "doc:b:2"]


def test_documents_are_nodes_or_record_events(store):
    """`documents` finds a Document node, and a record stored as its relationship (a plate
    read's SEEN_AT) by the same kind of key; unknown keys are left out."""
    b = GraphBatch()
    b.add_node("doc:case:AJ1", source="case", sha256="a" * 64, title="案件 AJ1")
    read = "doc:anpr:KK1@2024-05-21T22:41:00@浙E3K821"
    prov = Provenance(doc=read, method="structured", quote="浙E·3K821", seen="2024-05-21T22:41:00")
    b.add_rel("SEEN_AT", "vehicle:浙E3K821", "site:KK1", prov, time="2024-05-21T22:41:00", sha256="b" * 64, row=7)
    b.add_rel("SEEN_AT", "vehicle:浙E3K821", "site:KK1", Provenance(doc="doc:anpr:other", method="structured"))
    store.write_batch(b)
    docs = store.documents(["doc:case:AJ1", read, "doc:anpr:missing", "doc:case:AJ1"])
    assert set(docs) == {"doc:case:AJ1", read}
    assert docs["doc:case:AJ1"]["sha256"] == "a" * 64 and "event_type" not in docs["doc:case:AJ1"]
    ev = docs[read]
    assert ev["source"] == "anpr" and ev["record_id"] == "KK1@2024-05-21T22:41:00@浙E3K821"
    assert (ev["event_type"], ev["event_head"], ev["event_tail"]) == ("SEEN_AT", "vehicle:浙E3K821", "site:KK1")
    assert ev["sha256"] == "b" * 64 and ev["row"] == 7 and ev["quote"] == "浙E·3K821"
    assert store.documents([]) == {}


def test_chinese_text(store):
    text = "宁波市北仑区某化工厂通过暗管向甬江排放含铬废水（HW17），监测站测得总铬超标 23.5 倍。"
    b = GraphBatch()
    b.add_node("doc:grid:甬-0001", title="网格事件：暗管排污", text=text, source="grid")
    b.add_node("site:甬江北仑段", name="甬江北仑段", kind="river_segment")
    b.add_rel("MENTIONS", "doc:grid:甬-0001", "site:甬江北仑段", Provenance("doc:grid:甬-0001", "rule", 1.0, "甬江"))
    store.write_batch(b)
    (row,) = store.query("node_by_key", key="doc:grid:甬-0001")
    assert row["props"]["text"] == text and row["label"] == "Document"
    (doc,) = store.query("documents_by_keys", keys=["doc:grid:甬-0001"])
    assert doc["props"]["title"] == "网格事件：暗管排污"
    (rel,) = store.query("relationships_of", key="site:甬江北仑段", limit=5)
    assert rel["props"]["quote"] == "甬江" and rel["other"] == "doc:grid:甬-0001"


def test_injection_strings_stored_verbatim(store):
    store.write_batch(_plate_batch(20, "inj"))
    before = store.stats()
    b = GraphBatch()
    keys = []
    for i, s in enumerate(INJECTIONS):
        k = b.add_node(f"person:{s}@doc:t:{i}", name=s, note=s)
        keys.append(k)
        b.add_rel("DRIVES", k, "vehicle:浙E00001", Provenance(doc=f"doc:t:{i}", method="rule", quote=s, field=s))
    b.add_node(NASTY_KEY, name=NASTY_KEY)
    keys.append(NASTY_KEY)
    store.write_batch(b)
    store.write_batch(b)
    after = store.stats()
    assert after["nodes"]["Vehicle"] == before["nodes"]["Vehicle"]
    assert after["nodes"]["Document"] == before["nodes"]["Document"]
    assert after["nodes"]["Person"] == len(keys)
    assert after["relationships"]["DRIVES"] == len(INJECTIONS)
    rows = {r["key"]: r for r in store.query("nodes_by_keys", keys=keys)}
    assert set(rows) == set(keys)
    for i, s in enumerate(INJECTIONS):
        assert rows[keys[i]]["props"]["name"] == s
        assert rows[keys[i]]["props"]["note"] == s
    assert rows[NASTY_KEY]["props"]["name"] == NASTY_KEY
    quotes = {r["props"]["quote"] for r in store.query("relationships_of", key="vehicle:浙E00001", limit=100)}
    assert quotes >= set(INJECTIONS)
    # a parameter value is never code: matching by the injection string finds the node, deletes nothing else
    store.run_write("delete_node", key="'}) DETACH DELETE n //")
    assert store.stats()["nodes"]["Vehicle"] == before["nodes"]["Vehicle"]


def test_bool_and_numbers_round_trip(store):
    b = GraphBatch()
    b.add_node("site:监测站1", name="监测站1", active=True, closed=False, level=3, ratio=0.25, bad=float("nan"))
    store.write_batch(b)
    (row,) = store.query("node_by_key", key="site:监测站1")
    p = row["props"]
    assert p["active"] is True and p["closed"] is False and p["level"] == 3 and p["ratio"] == 0.25
    assert "bad" not in p


def test_named_query_dialect_override(store, tmp_path: Path, monkeypatch):
    f = tmp_path / "t.cypher"
    f.write_text(
        "// name: who_am_i\nRETURN 'common' AS who\n\n"
        "// name: who_am_i @neo4j\nRETURN 'neo4j' AS who\n\n"
        "// name: who_am_i @falkordb\nRETURN 'falkordb' AS who\n\n"
        "// name: only_common\n// a comment line is not part of the text\nRETURN $x + 1 AS y\n",
        encoding="utf-8",
    )
    reg = QueryRegistry()
    reg.load_dir(QUERY_DIR)
    reg.load_file(f)
    monkeypatch.setattr(port, "_REGISTRY", reg)
    assert store.query("who_am_i") == [{"who": store.dialect}]
    assert store.query("only_common", x=41) == [{"y": 42}]
    with pytest.raises(port.UnknownQuery):
        store.query("no_such_query")


def test_a_scalar_reply_query_reads_what_the_typed_reply_reads(store, tmp_path: Path, monkeypatch):
    """`// reply: scalar` marks only its own block, and such a query (strings, integers, nulls)
    answers the same rows as the typed reply — including text that looks like a number,
    a list or a boolean, which the plain reply must not turn into one."""
    f = tmp_path / "s.cypher"
    f.write_text(
        "// name: plain_scalars\n// reply: scalar\n"
        "UNWIND $rows AS r RETURN r.s AS s, r.i AS i, r.n AS n\n\n"
        "// name: typed_scalars\nUNWIND $rows AS r RETURN r.s AS s, r.i AS i, r.n AS n\n",
        encoding="utf-8",
    )
    reg = QueryRegistry()
    reg.load_file(f)
    monkeypatch.setattr(port, "_REGISTRY", reg)
    assert reg.get("plain_scalars", store.dialect).scalar_reply
    assert not reg.get("typed_scalars", store.dialect).scalar_reply
    rows = [{"s": s, "i": i, "n": None} for s, i in (("浙E·K3J21", 0), ("12", -7), ("[1, 2]", 2**40), ("true", 1),
                                                       ("", 3), ("null", 4), ("0.5", 5))]  # fmt: skip
    got = store.query("plain_scalars", rows=rows)
    assert got == store.query("typed_scalars", rows=rows) == rows
    assert all(type(r["s"]) is str and type(r["i"]) is int for r in got)


def test_shortest_path(store):
    b = GraphBatch()
    p = Provenance("doc:t:1", "structured")
    b.add_rel("DRIVES", "person:赵@doc:t:1", "vehicle:浙A11111", p)
    b.add_rel("SEEN_AT", "vehicle:浙A11111", "site:卡口A", p, time="t1")
    b.add_rel("SEEN_AT", "vehicle:浙A22222", "site:卡口A", p, time="t2")
    b.add_rel("OWNS", "company:丙公司", "vehicle:浙A22222", p)
    b.add_node("person:孤立@doc:t:1", name="孤立")
    store.write_batch(b)
    path = store.shortest_path("person:赵@doc:t:1", "company:丙公司", max_hops=4)
    assert path["keys"] == ["person:赵@doc:t:1", "vehicle:浙A11111", "site:卡口A", "vehicle:浙A22222", "company:丙公司"]
    assert [(h["head"], h["type"], h["tail"]) for h in path["hops"]] == [
        ("person:赵@doc:t:1", "DRIVES", "vehicle:浙A11111"),
        ("vehicle:浙A11111", "SEEN_AT", "site:卡口A"),
        ("vehicle:浙A22222", "SEEN_AT", "site:卡口A"),
        ("company:丙公司", "OWNS", "vehicle:浙A22222"),
    ]
    assert path["hops"][1]["props"]["time"] == "t1"
    assert store.shortest_path("person:赵@doc:t:1", "company:丙公司", max_hops=3) is None
    assert store.shortest_path("person:赵@doc:t:1", "person:孤立@doc:t:1") is None
    assert store.shortest_path("site:卡口A", "site:卡口A") == {"keys": ["site:卡口A"], "hops": []}


def test_wipe(store):
    store.write_batch(_plate_batch(30))
    assert store.stats()["nodes"]
    store.wipe()
    assert store.stats() == {"nodes": {}, "relationships": {}}
    store.write_batch(_plate_batch(5))  # usable (schema back) after a wipe
    assert store.stats()["nodes"]["Vehicle"] == 5


def test_setup_schema_idempotent(store):
    store.setup_schema()
    store.setup_schema()
    store.write_batch(_plate_batch(3))
    assert store.stats()["relationships"] == {"SEEN_AT": 3}


def test_a_changed_record_retracts_only_what_its_old_version_said(store):
    """A later export changed the record: its old machine-read facts go, analysts' and investigations' stay."""
    b = GraphBatch()
    doc = b.add_node("doc:hotline:T1", source="hotline", sha256="old", facts_digest="said-before")
    b.add_node("doc:hotline:T2", source="hotline", sha256="old")  # stored before digests existed
    person = "person:张三@doc:hotline:T1"
    b.add_rel("MENTIONS", doc, "company:甲化工有限公司", Provenance(doc=doc, method="rule", quote="甲化工"))
    b.add_rel("MENTIONS", doc, "company:乙印染有限公司", Provenance(doc=doc, method="rule", quote="乙印染"))
    b.add_rel("MENTIONS", doc, person, Provenance(doc=doc, method="rule", quote="张三"))
    b.add_rel("MENTIONS", doc, "phone:13800000001", Provenance(doc=doc, method="rule", quote="13800000001"))
    b.add_rel("OWNS", "phone:13800000001", "company:甲化工有限公司", Provenance(doc=doc, method="human"))
    b.add_rel("FLAGS", "company:乙印染有限公司", doc, Provenance(doc=doc, method="inferred"))
    store.write_batch(b)
    asserting = store.documents_asserting_otherwise
    assert asserting([(doc, "says-now", "new"), ("doc:hotline:T9", "x", "x")]) == {doc}
    assert asserting([(doc, "said-before", "new")]) == set()  # its status changed, not what it says
    assert asserting([("doc:hotline:T2", "x", "old")]) == set() and asserting([("doc:hotline:T2", "x", "new")])
    still_said = [r.fact_id for r in b.rels if r.tail in ("company:乙印染有限公司", "phone:13800000001")]
    assert store.retract_stale_facts({doc: still_said}) == 2  # the mentions of 甲化工 and 张三
    st = store.stats()
    assert st["relationships"] == {"MENTIONS": 2, "OWNS": 1, "FLAGS": 1}
    assert "Person" not in st["nodes"]  # only the old text named 张三
    assert st["nodes"]["Company"] == 2  # 甲化工 keeps the analyst's OWNS


def test_a_failed_named_query_names_itself(store):
    """A server error (here: a parameter left out) says which named query it came from, so a
    rare failure in a long run can be looked up; the store's own message is kept."""
    store.write_batch(_plate_batch(1))
    for run, name in ((store.query, "node_by_key"), (store.run_write, "delete_node")):
        with pytest.raises(port.StoreError) as caught:
            run(name)
        assert type(caught.value) is port.StoreError
        assert caught.value.query_name == name
        assert f"named query: {name}" in str(caught.value)
    assert _count(store, "Vehicle") == 1  # the write that failed deleted nothing
