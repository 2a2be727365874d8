from __future__ import annotations

import pytest

from investigations import explore


def test_search_plate_written_with_dot(sample_store):
    hits = explore.search_entities(sample_store, "浙E·5G378").hits
    assert hits[0].key == "vehicle:浙E5G378"
    assert hits[0].score == 100


def test_search_company_by_short_name_and_typo(sample_store):
    keys = [h.key for h in explore.search_entities(sample_store, "恒泰精细化工").hits[:3]]
    assert "company:91330522704523184E" in keys
    keys = [h.key for h in explore.search_entities(sample_store, "91330522704523184F").hits[:3]]  # one wrong char
    assert "company:91330522704523184E" in keys


def test_search_label_filter_and_empty(sample_store):
    hits = explore.search_entities(sample_store, "周卫东", labels=["Person"]).hits
    assert hits and all(h.label == "Person" for h in hits)
    with pytest.raises(ValueError):
        explore.search_entities(sample_store, "  ")
    with pytest.raises(ValueError):
        explore.search_entities(sample_store, "x", labels=["Nope"])


def test_neighbours_filters(sample_store):
    sub = explore.neighbours(
        sample_store, "vehicle:浙E5G378", hops=1, rel_types=["SEEN_AT"], since="2024-05-22", until="2024-05-22"
    )
    d = sub.to_dict()
    assert set(d) >= {"nodes", "edges"}
    assert d["nodes"][0]["key"] == "vehicle:浙E5G378"
    assert d["edges"] and all(e["type"] == "SEEN_AT" for e in d["edges"])
    assert all(e["props"]["time"].startswith("2024-05-22") for e in d["edges"])
    assert {"key", "label", "name"} <= set(d["nodes"][1])
    two = explore.neighbours(
        sample_store, "vehicle:浙E5G378", hops=2, labels=["Vehicle", "Person", "Company", "Document"], limit=50
    )
    assert len(two.nodes) <= 50
    with pytest.raises(ValueError):
        explore.neighbours(sample_store, "vehicle:nope")


def test_paths(sample_store):
    a, b = "vehicle:浙E5G378", "company:91330522704523184E"
    sp = explore.find_paths(sample_store, a, b, max_hops=3).to_dict()
    assert sp["paths"][0]["keys"][0] == a and sp["paths"][0]["keys"][-1] == b
    allp = explore.find_paths(sample_store, a, b, max_hops=3, all_simple=True, limit=50).paths
    assert len(allp) > 1
    assert [p["length"] for p in allp] == sorted(p["length"] for p in allp)
    for p in allp:
        assert len(set(p["keys"])) == len(p["keys"]) and p["length"] <= 3
        for h, (x, y) in zip(p["hops"], zip(p["keys"], p["keys"][1:])):
            assert {h["head"], h["tail"]} == {x, y}


def test_timeline_and_documents(sample_store):
    tl = explore.timeline(sample_store, "vehicle:浙E5G378").to_dict()
    times = [e["time"] for e in tl["events"]]
    assert times == sorted(times) and len(times) >= 10
    docs = explore.documents_for(sample_store, "company:91330522704523184E").to_dict()
    keys = [d["key"] for d in docs["documents"]]
    assert any(k.startswith("doc:case:") for k in keys)
    assert any(k.startswith("doc:manifest:") for k in keys)
    case = next(d for d in docs["documents"] if d["key"].startswith("doc:case:"))
    assert any("恒泰" in q["quote"] for q in case["quotes"])
