"""A link an analyst rejected (`review = 'rejected'`) stops counting in every investigation:
gangs, waste chains, upstream search, neighbours, paths, alerts."""

from __future__ import annotations

import inv_story as story
import pytest

from graph_schema.model import GraphBatch, Rel
from investigations import alerts, chains, explore, gangs, water

CREW_B = story.CREWS["B"]
CREW_A = story.CREWS["A"]
TRUCK, PIT = "vehicle:浙E5G378", "site:KK330522006"


@pytest.fixture()
def graph(empty_store):
    batch = story.build()
    empty_store.write_batch(batch)
    return empty_store, batch


def reject(store, batch: GraphBatch, type_: str, head: str, tail: str) -> int:
    """Mark every matching relationship of the story rejected, as the review API does."""
    rels = [r for r in batch.rels if (r.type, r.head, r.tail) == (type_, head, tail)]
    assert rels, (type_, head, tail)
    store.write_batch(
        GraphBatch(rels=[Rel(r.type, r.head, r.tail, r.provenance, {**r.props, "review": "rejected"}) for r in rels])
    )
    return len(rels)


def _members(store) -> set[frozenset[str]]:
    return {
        frozenset(m["key"] for m in g["members"])
        for g in gangs.detect_gangs(store, write_back=False).to_dict()["gangs"]
    }


def test_rejected_case_link_breaks_the_gang(graph):
    store, batch = graph
    assert frozenset(CREW_B) in _members(store)
    reject(store, batch, "INVOLVED_IN", CREW_B[2], "doc:case:B1")
    after = _members(store)
    assert not any(CREW_B[2] in g for g in after)  # the rejected suspect is no longer tied to the crew
    assert frozenset(CREW_B) not in after  # two left: below the minimum size
    assert frozenset(CREW_A) in after  # the other crews are untouched


def test_rejected_manifest_and_dump_links_drop_the_chain(graph):
    store, batch = graph
    assert chains.find_waste_chains(store).to_dict()["chains"]
    reject(store, batch, "TRANSFERRED_WASTE", "company:91330522704523184E", "company:91330502MA28C1F60E")
    assert chains.find_waste_chains(store).to_dict()["chains"] == []


def test_rejected_discharge_and_owner_links_change_upstream(graph):
    store, batch = graph
    before = water.upstream_candidates(store, "site:JC-1").to_dict()["candidates"]
    assert [c["outfall"] for c in before] == ["site:PK-1", "site:PK-2"]
    reject(store, batch, "OWNS", "company:91330522704523184E", "site:PK-1")
    reject(store, batch, "DISCHARGES_INTO", "site:PK-2", "site:HZ-HXG-01")
    after = water.upstream_candidates(store, "site:JC-1").to_dict()["candidates"]
    assert [c["outfall"] for c in after] == ["site:PK-1"]
    assert not (after[0].get("company") or {}).get("key")  # its owner link was rejected


def test_rejected_link_leaves_neighbours_and_paths(graph):
    store, batch = graph
    a, b = CREW_A[0], CREW_A[1]
    assert explore.find_paths(store, a, b, max_hops=3).paths[0]["length"] == 1  # CO_OFFENDER
    reject(store, batch, "CO_OFFENDER", a, b)
    sp = explore.find_paths(store, a, b, max_hops=3).paths[0]
    assert sp["length"] == 2 and all(h["type"] != "CO_OFFENDER" for h in sp["hops"])  # via their case
    every = explore.find_paths(store, a, b, max_hops=3, all_simple=True, limit=50).paths
    assert every and all(h["type"] != "CO_OFFENDER" for p in every for h in p["hops"])
    sub = explore.neighbours(store, a).to_dict()
    assert not any(e["type"] == "CO_OFFENDER" for e in sub["edges"])
    shown = explore.neighbours(store, a, include_rejected=True).to_dict()
    assert [e["props"]["review"] for e in shown["edges"] if e["type"] == "CO_OFFENDER"] == ["rejected"]
    assert all(e["type"] != "CO_OFFENDER" for e in explore.timeline(store, a).events)


def test_rejected_plate_reads_silence_the_alerts(graph):
    store, batch = graph
    kinds = {a.kind for a in alerts.run_detectors(store, write=False) if PIT in a.targets}
    assert {"night_dwell", "manifest_off_route"} <= kinds
    assert reject(store, batch, "SEEN_AT", TRUCK, PIT) == 2
    assert not [a for a in alerts.run_detectors(store, write=False) if PIT in a.targets]
