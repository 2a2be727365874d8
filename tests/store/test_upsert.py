"""Positional upsert statements and the per-run write cache (no server needed except the last test)."""

from __future__ import annotations

import pytest

from graph_schema.model import GraphBatch, Provenance
from graph_schema.store.upsert import UnsafeName, WriteCache, node_statements, rel_statements


def test_shared_values_travel_once_and_rows_are_lists():
    rows = [
        {"key": "doc:anpr:1", "props": {"source": "anpr", "file": "/x/a.csv", "row": 2}},
        {"key": "doc:anpr:2", "props": {"source": "anpr", "file": "/x/a.csv", "row": 3}},
    ]
    (stmt,) = node_statements("Document", rows, 100)
    assert stmt.params["rows"] == [("doc:anpr:1", 2), ("doc:anpr:2", 3)]
    assert sorted(v for k, v in stmt.params.items() if k != "rows") == ["/x/a.csv", "anpr"]
    assert "n.row = row[1]" in stmt.cypher and "MERGE (n:Document:Entity {key: row[0]})" in stmt.cypher
    assert "anpr" not in stmt.cypher  # values are parameters, never statement text


def test_rows_with_other_property_names_get_their_own_statement_and_types_are_kept():
    rows = [
        {"key": "site:a", "props": {"flag": True}},
        {"key": "site:b", "props": {"flag": 1}},  # equal in Python, not the same value in the graph
        {"key": "site:c", "props": {"name": "丙"}},
    ]
    stmts = list(node_statements("Site", rows, 100))
    assert len(stmts) == 2
    flag = next(s for s in stmts if "flag" in s.cypher)
    assert flag.params["rows"] == [("site:a", True), ("site:b", 1)] and "$c0" not in flag.cypher


def test_chunking_and_relationship_identity_columns():
    rows = [
        {"head": f"vehicle:浙E{i:05d}", "tail": "site:KK1", "fact": f"f{i}", "props": {"quote": str(i)}}
        for i in range(5)
    ]
    stmts = list(rel_statements(("SEEN_AT", "Vehicle", "Site"), rows, 2))
    assert [s.rows for s in stmts] == [2, 2, 1]
    assert stmts[0].params["rows"][0] == ("vehicle:浙E00000", "site:KK1", "f0", "0")
    assert "CREATE (a)-[r:SEEN_AT {fact: row[2]}]->(b)" in stmts[0].cypher and "MERGE" not in stmts[0].cypher


def test_relationship_upsert_finds_by_fact_index_not_by_walking_a_pairs_edges(tmp_path):
    """MERGE between two bound nodes walks every relationship between them: a truck read at
    one checkpoint 2,000 times made each new read cost 420 µs (benchmarks/bench_ingest.py).
    The upsert must look relationships up through the `fact` index instead."""
    from graph_schema.store.falkor import FalkorStore
    from graph_schema.store.falkor_server import stop_server

    d = tmp_path / "d"
    try:
        store = FalkorStore(d)
        store.setup_schema()
        row = [{"head": "vehicle:浙E00001", "tail": "site:KK1", "fact": "f1", "props": {"quote": "q"}}]
        for shape in (("SEEN_AT", "Vehicle", "Site"), ("HANDLES", "Company", "WasteType")):
            (stmt,) = rel_statements(shape, row, 10)
            plan = str(store._graph.explain(stmt.cypher, stmt.params))
            assert "Edge By Index Scan" in plan and "Expand Into" not in plan and "All Node Scan" not in plan, plan
        # and identity is still (head, tail, fact): 300 reads of one pair, written twice, stay 300
        b = GraphBatch()
        for i in range(300):
            prov = Provenance(doc=f"doc:anpr:KK1@{i}@浙E00001", method="structured", quote=str(i))
            b.add_rel("SEEN_AT", "vehicle:浙E00001", "site:KK1", prov, time=str(i))
        store.write_batch(b)
        for r in b.rels:
            r.props["time"] = "again"
        store.write_batch(b)
        assert store.stats()["relationships"] == {"SEEN_AT": 300}
        rows = store.query("relationships_of", key="site:KK1", limit=500)
        assert {r["props"]["time"] for r in rows} == {"again"}  # existing ones updated, none added
    finally:
        stop_server(d)


@pytest.mark.parametrize("bad", ["name) DETACH DELETE n //", "a-b", "名字"])
def test_property_names_that_could_change_the_statement_are_refused(bad):
    with pytest.raises(UnsafeName):
        list(node_statements("Person", [{"key": "person:x", "props": {bad: 1}}], 10))
    with pytest.raises(UnsafeName):
        list(node_statements("Person) DETACH DELETE (n", [{"key": "person:x", "props": {}}], 10))


def test_write_cache_skips_identical_upserts_and_forgets_after_a_failure(tmp_path):
    from graph_schema.store.falkor import FalkorStore
    from graph_schema.store.falkor_server import stop_server

    def batch(quote: str) -> GraphBatch:
        b = GraphBatch()
        b.add_node("vehicle:浙E00001", plate="浙E00001")
        b.add_rel("SEEN_AT", "vehicle:浙E00001", "site:KK1", Provenance(doc=f"doc:anpr:{quote}", method="structured"))
        return b

    d = tmp_path / "d"
    try:
        store, cache = FalkorStore(d), WriteCache()
        first = store.prepare_batch(batch("1"), cache)
        store.write_prepared(first)
        second = store.prepare_batch(batch("2"), cache)
        # the vehicle and the bare site stub are known: only the relationship is sent
        assert cache.skipped == 2 and len(second.payloads) == 1
        store.write_prepared(second)

        class Broken(FalkorStore):
            def _send_encoded(self, payload):
                raise ConnectionError("store went away")

        broken = Broken(d)
        with pytest.raises(ConnectionError):
            broken.write_prepared(broken.prepare_batch(batch("3"), cache))
        assert cache.nodes == {}  # nothing it remembered can be trusted now
        assert store.stats()["relationships"]["SEEN_AT"] == 2
    finally:
        stop_server(d)


def test_write_cache_tells_a_bool_from_a_number():
    """`True == 1` in Python; in the store they are different values, so the second upsert is sent."""
    cache = WriteCache()
    assert cache.fresh([{"key": "vehicle:浙E00001", "props": {"plate_standard": True}}])
    again = [{"key": "vehicle:浙E00001", "props": {"plate_standard": 1}}]
    assert cache.fresh(again) == again
    assert cache.fresh([{"key": "vehicle:浙E00001", "props": {"plate_standard": 1}}]) == []
    assert cache.skipped == 1


def test_write_cache_remembers_shared_nodes_not_a_records_own():
    """A Document and a name-only person belong to one record: sent, never remembered (flat client memory)."""
    cache = WriteCache()
    rows = [
        {"key": "doc:manifest:2024000001", "props": {"title": "危废转移联单 2024000001"}},
        {"key": "person:邱海@doc:manifest:2024000001", "props": {"name": "邱海"}},
        {"key": "company:91330502MA28C1F60E", "props": {"name": "湖州弘净环境服务有限公司"}},
    ]
    assert cache.fresh(rows) == rows
    assert list(cache.nodes) == ["company:91330502MA28C1F60E"]
    assert cache.fresh(rows) == rows[:2]  # the shared company is skipped the second time
