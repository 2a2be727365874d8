"""Store round trips of the neighbour view and of path search (issue 17), with answers
unchanged: neighbours is one query at one hop; a path search grows both ends' balls together."""

from __future__ import annotations

import itertools

import pytest

from graph_schema.model import GraphBatch, Provenance
from graph_schema.store import budget
from investigations import explore
from investigations import paths as inv_paths

CASES = 6


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Cases of two persons and a vehicle each; the vehicles pass shared checkpoints, so a
    person of one case reaches a person of another in four hops (person→vehicle→site←vehicle←person)."""
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server

    d = tmp_path_factory.mktemp("round_trips")
    s = open_store(data_dir=d)
    b = GraphBatch()
    for c in range(CASES):
        doc = b.add_node(f"doc:case:R{c}", source="case", record_id=f"R{c}", title=f"案件{c}", text="案情")
        pv = Provenance(doc=doc, method="rule", confidence=0.9, quote="共同作案")
        people = [b.add_node(f"person:R{c}_{i}", name=f"张{c}{i}") for i in range(2)]
        car = b.add_node(f"vehicle:浙E{c:05d}", plate=f"浙E{c:05d}")
        b.add_rel("CO_OFFENDER", people[0], people[1], pv)
        for p in people:
            b.add_rel("INVOLVED_IN", p, doc, pv)
            b.add_rel("DRIVES", p, car, pv)
        for site in {c % 3, (c + 1) % 3}:
            key = b.add_node(f"site:卡口{site}", name=f"卡口{site}")
            b.add_rel("SEEN_AT", car, key, pv, time=f"2024-05-{10 + c:02d} 08:00:00")
    s.write_batch(b)
    yield s
    s.close()
    stop_server(d)


def _queries(fn, *args, **kwargs):
    with budget.timing() as t:
        out = fn(*args, **kwargs)
    return out, t.queries


def test_neighbours_at_one_hop_is_one_round_trip(store):
    sub, n = _queries(explore.neighbours, store, "vehicle:浙E00001")
    assert n == 1  # was two: node_by_key, then inv_expand
    keys = {x["key"] for x in sub.nodes}
    assert keys == {"vehicle:浙E00001", "person:R1_0", "person:R1_1", "site:卡口1", "site:卡口2"}
    assert sub.nodes[0]["key"] == "vehicle:浙E00001" and sub.nodes[0]["plate"] == "浙E00001"
    assert len(sub.edges) == 4 and not sub.truncated
    two, n = _queries(explore.neighbours, store, "vehicle:浙E00001", hops=2, limit=7)
    assert n == 2 and len(two.nodes) == 7 and two.truncated
    doc = explore.neighbours(store, "doc:case:R1")
    assert doc.nodes[0]["key"] == "doc:case:R1" and "text" not in doc.nodes[0] and len(doc.nodes) == 3
    start = [r for r in store.query("inv_neighbourhood", key="doc:case:R1", types=[], labels=[], rejected=False,
                                    limit=10) if r["start"]]  # fmt: skip
    assert start[0]["to_props"]["title"] == "案件1" and start[0]["to_props"].get("text") is None  # not shipped
    with pytest.raises(ValueError, match="找不到实体"):
        explore.neighbours(store, "vehicle:nope")
    with pytest.raises(ValueError, match="未知类型"):
        explore.neighbours(store, "vehicle:浙E00001", labels=["Nope"])


def test_alternatives_grow_both_balls_in_one_round_trip_with_the_same_answers(store, monkeypatch):
    people = [f"person:R{c}_0" for c in range(CASES)] + ["site:卡口0"]
    joint = {}
    for a, b in itertools.permutations(people, 2):
        joint[a, b] = _queries(inv_paths.find_paths, store, a, b, 4, alternatives=True, limit=5)
    monkeypatch.setattr(inv_paths, "JOINT_FRONTIER", 0)  # each ball on its own, level by level
    for (a, b), (res, n) in joint.items():
        alone, n_alone = _queries(inv_paths.find_paths, store, a, b, 4, alternatives=True, limit=5)
        assert res.to_dict() == alone.to_dict(), (a, b)
        assert n == n_alone - 2, (a, b, n, n_alone)  # both levels of both balls: two round trips, not four


def test_shortest_path_expands_both_sides_at_once_and_checks_the_meeting_point_with_the_hops(store, monkeypatch):
    """Both small frontiers in one round trip, the meeting point's hub check in the hops'
    query: a 4-hop path in three round trips (was five), as short as one side at a time finds."""
    people = [f"person:R{c}_0" for c in range(CASES)] + ["site:卡口0", "vehicle:浙E00002"]
    joint = {(a, b): _queries(inv_paths.find_paths, store, a, b, 4) for a, b in itertools.permutations(people, 2)}
    monkeypatch.setattr(inv_paths, "JOINT_FRONTIER", 0)  # the smaller frontier alone, every step
    for (a, b), (res, n) in joint.items():
        alone, n_alone = _queries(inv_paths.find_paths, store, a, b, 4)
        assert [p["length"] for p in res.paths] == [p["length"] for p in alone.paths], (a, b)
        assert res.complete == alone.complete and res.hubs == alone.hubs
        assert n < n_alone or n <= 2, (a, b, n, n_alone)
        if [p["length"] for p in res.paths] == [4]:
            assert n == 3, (a, b)  # two joint steps, the hops with the meeting point's check
            keys = res.paths[0]["keys"]
            assert [h["head"] in keys and h["tail"] in keys for h in res.paths[0]["hops"]] == [True] * 4


def test_a_shortest_path_never_meets_at_a_hub(tmp_path):
    """Both sides reach a busy checkpoint (seven links) at their second step: with hubs above
    five links it is held and reported, and the path goes round by the other meeting point
    (a borrowed car) or, without one, is not found."""
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server

    s = open_store(data_dir=tmp_path)
    try:
        b = GraphBatch()
        pv = Provenance(doc="doc:case:H", method="rule", confidence=0.9, quote="q")
        a, z = b.add_node("person:A", name="甲"), b.add_node("person:Z", name="乙")
        hub = b.add_node("site:HUB", name="卡口")
        for who, car in ((a, "vehicle:浙H00001"), (z, "vehicle:浙H00002")):
            b.add_rel("DRIVES", who, b.add_node(car, plate=car[8:]), pv)
            b.add_rel("SEEN_AT", car, hub, pv)
        for i in range(5):
            b.add_rel("SEEN_AT", b.add_node(f"vehicle:浙K{i:05d}", plate=f"浙K{i:05d}"), hub, pv)
        s.write_batch(b)
        via_hub = inv_paths.find_paths(s, a, z, 4)
        assert [p["keys"] for p in via_hub.paths] == [[a, "vehicle:浙H00001", hub, "vehicle:浙H00002", z]]
        assert via_hub.complete and via_hub.hubs == []
        held = inv_paths.find_paths(s, a, z, 4, hub_degree=5)
        assert held.paths == [] and held.hubs == [hub] and not held.complete and "枢纽" in held.message
        b = GraphBatch()  # a second way round: each end's accomplice and the car they share
        for who, mate in ((a, "person:A2"), (z, "person:Z2")):
            b.add_rel("CO_OFFENDER", who, b.add_node(mate, name="丙"), pv)
            b.add_rel("DRIVES", mate, b.add_node("vehicle:浙M00001", plate="浙M00001"), pv)
        s.write_batch(b)
        round_about = inv_paths.find_paths(s, a, z, 4, hub_degree=5)
        assert [p["keys"] for p in round_about.paths] == [[a, "person:A2", "vehicle:浙M00001", "person:Z2", z]]
        assert round_about.hubs == [hub] and not round_about.complete and round_about.message is None
        alternatives = inv_paths.find_paths(s, a, z, 4, alternatives=True, limit=5, hub_degree=5)
        assert [p["keys"] for p in alternatives.paths] == [p["keys"] for p in round_about.paths]
        assert alternatives.hubs == [hub]
    finally:
        s.close()
        stop_server(tmp_path)


def test_falkordb_hub_test_counts_links_only_up_to_the_cap(tmp_path):
    """inv_path_step/inv_path_hubs @falkordb count a node's links up to $cap (the hub threshold
    + 1) instead of asking the degree functions (~0.4 ms a node): the same hub decisions as
    counting the whole pattern (n)--(), without walking a hub's links past the cap."""
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server
    from graph_schema.store.port import registry

    for name in ("inv_path_step", "inv_path_hubs"):  # not the pattern comprehension: 16 ms at 5,000 links
        text = registry().get(name, "falkordb").text
        assert "LIMIT $cap" in text and "indegree(n)" not in text and "size([(n)--() | 1])" not in text
    s = open_store(data_dir=tmp_path)
    try:
        b = GraphBatch()
        pv = Provenance(doc="doc:case:D", method="rule", confidence=0.9, quote="q")
        hub = b.add_node("site:HUB", name="枢纽")
        for i in range(12):
            b.add_rel("SEEN_AT", b.add_node(f"vehicle:浙D{i:05d}", plate=f"浙D{i:05d}"), hub, pv)
        loop = b.add_node("person:LOOP", name="自环")
        b.add_rel("CO_OFFENDER", loop, loop, pv)
        b.add_rel("CO_OFFENDER", loop, "person:X", pv)
        b.add_node("person:X", name="某")
        b.add_rel("DRIVES", "person:X", "vehicle:浙D00000", pv)
        s.write_batch(b)
        keys = ["site:HUB", "person:LOOP", "person:X", "vehicle:浙D00001"]
        pattern = {r["k"]: r["d"] for r in s.read_cypher(
            "UNWIND $keys AS k MATCH (n:Entity {key: k}) RETURN k, size([(n)--() | 1]) AS d", {"keys": keys})}  # fmt: skip
        assert pattern == {"site:HUB": 12, "person:LOOP": 2, "person:X": 2, "vehicle:浙D00001": 1}
        for hub_degree in (0, 1, 2, 11, 12):
            cap = hub_degree + 1
            hubs = {r["key"]: r["degree"] for r in s.query("inv_path_hubs", keys=keys, hub=hub_degree, cap=cap)}
            assert hubs == {k: min(d, cap) for k, d in pattern.items() if d > hub_degree}
            rows = s.query("inv_path_step", keys=keys, limit=1000, hub=hub_degree, cap=cap, force=[])
            assert {r["from"] for r in rows} == {k for k, d in pattern.items() if hub_degree == 0 or d <= hub_degree}
    finally:
        s.close()
        stop_server(tmp_path)


def test_a_search_hit_is_what_asdict_gives_without_deep_copies():
    from dataclasses import asdict

    aliases = ["张三", "张叁"]
    hit = explore.SearchHit("person:P1", "Person", "张三", 91.5, {"name": "张三", "aliases": aliases})
    d = hit.to_dict()
    assert d == asdict(hit) and list(d) == list(asdict(hit))
    assert d["props"] is not hit.props and d["props"]["aliases"] is aliases  # no deep copy of the values


def test_search_candidates_come_as_match_fields_and_only_hits_get_their_properties(store):
    """Candidates are shipped as the scalar fields the ranking reads (a property map per
    candidate cost more to parse than the ranking); the hits' properties come in one more
    round trip, for the hits kept only, without the search bigrams."""
    rows = store.query("inv_search", keys=["person:R1_0"], ft_labels=["Person"], q="张1", small=[], needle="张1",
                       limit=10, ft_limit=10, scan_limit=100, by_score=False, exact=[], exact_labels=[])  # fmt: skip
    assert rows and all("props" not in r and "search" not in r for r in rows)
    assert set(rows[0]) == {"key", "label", "name", "title", "plate", "uscc", "id_card"}
    assert {r["name"] for r in rows} >= {"张10"}
    sent: list[tuple[str, dict]] = []
    real = store.query

    def spy(name, **params):
        sent.append((name, params))
        return real(name, **params)

    store.query = spy
    try:
        hits = explore.search_entities(store, "张10", limit=3).hits
    finally:
        del store.query
    assert hits[0].key == "person:R1_0" and hits[0].props == {"key": "person:R1_0", "name": "张10"}
    (props_call,) = [p for n, p in sent if n == "inv_search_props"]
    assert props_call["keys"] == [h.key for h in hits] and len(hits) <= 3
