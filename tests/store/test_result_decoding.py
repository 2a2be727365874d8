"""Reads decoded from FalkorDB's compact reply without the client (`falkor_results`) come out
exactly as the client's own decoding would give them, and what only the client can decode
(nodes, edges, paths) still reads."""

from __future__ import annotations

import pytest
from falkordb.query_result import QueryResult

from graph_schema.store.falkor import FalkorStore, _plain
from graph_schema.store.falkor_results import decode_rows


@pytest.fixture
def falkor(falkor_dir):
    s = FalkorStore(falkor_dir)
    s.wipe()
    yield s
    s.wipe()
    s.close()


def _via_client(store: FalkorStore, cypher: str) -> list[dict]:
    res = QueryResult(store._graph, store._execute(cypher, read_only=True))  # noqa: SLF001 - the client's decoding
    header = [h[1] for h in res.header]
    return [dict(zip(header, (_plain(v) for v in row))) for row in res.result_set]


def test_scalars_lists_and_maps_decode_as_the_client_decodes_them(falkor):
    falkor._write(  # noqa: SLF001
        "CREATE (:Entity:Person {key: 'person:a', name: '王某', age: 41, score: 0.5, ok: true, tags: ['甲', 'b']})",
        {},
    )
    cypher = (
        "MATCH (n:Person) RETURN n.key AS key, n.name AS name, n.age AS age, n.score AS score, n.ok AS ok, "
        "n.tags AS tags, n.missing AS missing, properties(n) AS props, [1, 2.5, 'x', null, false] AS mixed, "
        "{a: {b: [1, {c: '深'}]}} AS nested"
    )
    reply = falkor._raw_reply(cypher, True, None)  # noqa: SLF001
    fast = decode_rows(reply)
    assert fast is not None
    assert fast == _via_client(falkor, cypher)
    row = fast[0]
    assert row["props"]["tags"] == ["甲", "b"] and row["ok"] is True and row["missing"] is None
    assert isinstance(row["age"], int) and isinstance(row["score"], float)
    assert falkor.read_cypher(cypher, {}) == fast


def test_nodes_edges_and_paths_fall_back_to_the_client(falkor):
    falkor._write("CREATE (:Entity:Person {key: 'p1'})-[:KNOWS {fact: 'f'}]->(:Entity:Person {key: 'p2'})", {})  # noqa: SLF001
    cypher = "MATCH p = (a {key: 'p1'})-[r]->(b) RETURN a AS a, r AS r, p AS p"
    assert decode_rows(falkor._raw_reply(cypher, True, None)) is None  # noqa: SLF001
    rows = falkor.read_cypher(cypher, {})
    assert rows == _via_client(falkor, cypher)
    assert rows[0]["a"]["key"] == "p1" and rows[0]["r"]["fact"] == "f"
    assert [n["key"] for n in rows[0]["p"]["nodes"]] == ["p1", "p2"]


def test_a_query_error_in_the_reply_is_raised_as_before(falkor):
    from graph_schema.store.port import StoreError

    with pytest.raises(StoreError):
        falkor.read_cypher("RETURN 1 / 0 AS x, toInteger({a: 1}) AS y", {})


def test_a_read_the_engine_fails_on_an_unallocated_entity_is_asked_once_more(falkor, monkeypatch):
    """FalkorDB's "Attempted to access undefined attribute" on a read (seen once right after merges
    deleted nodes) is asked again; a write is never repeated, and a second failure is an error."""
    import redis

    from graph_schema.store import StoreError

    falkor._write("CREATE (:Entity:Person {key: 'person:a'})", {})  # noqa: SLF001
    real = falkor._raw_reply  # noqa: SLF001
    calls = []

    def flaky(text, read_only, timeout_ms, compact=True, fail=1):  # noqa: ANN001, ANN202
        calls.append(read_only)
        if len(calls) <= fail:
            raise redis.exceptions.ResponseError("Attempted to access undefined attribute")
        return real(text, read_only, timeout_ms, compact)

    monkeypatch.setattr(falkor, "_raw_reply", flaky)
    assert falkor._read("MATCH (n:Person) RETURN n.key AS key", {}) == [{"key": "person:a"}]  # noqa: SLF001
    assert calls == [True, True]
    calls.clear()
    monkeypatch.setattr(falkor, "_raw_reply", lambda *a, **k: flaky(*a, fail=2, **k))
    with pytest.raises(StoreError):
        falkor._read("MATCH (n:Person) RETURN n.key AS key", {})  # noqa: SLF001
    calls.clear()
    with pytest.raises(StoreError):
        falkor._write("MATCH (n:Person) SET n.x = 1", {})  # noqa: SLF001
    assert calls == [False]


def test_a_server_that_does_not_answer_is_an_error_not_a_wait_for_ever(falkor, monkeypatch):
    """Every command carries a socket timeout; a reply that does not come is a StoreError naming it."""
    import redis

    from graph_schema.store import StoreError
    from graph_schema.store.falkor import SERVER_REPLY_TIMEOUT_S

    kwargs = falkor._db.connection.connection_pool.connection_kwargs  # noqa: SLF001
    assert kwargs["socket_timeout"] == SERVER_REPLY_TIMEOUT_S

    def hung(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise redis.exceptions.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(falkor, "_raw_reply", hung)
    with pytest.raises(StoreError, match="无响应"):
        falkor._read("MATCH (n) RETURN count(n) AS n", {})  # noqa: SLF001
    with pytest.raises(StoreError, match="无响应"):
        falkor._write("CREATE (:Entity {key: 'x'})", {})  # noqa: SLF001
