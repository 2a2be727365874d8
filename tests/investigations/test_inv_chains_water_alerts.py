from __future__ import annotations

import inv_story as story
import pytest

from investigations import alerts, chains, water
from investigations.alert_model import Alert
from investigations.alert_truth import alert_precision


@pytest.fixture()
def story_store(empty_store):
    empty_store.write_batch(story.build())
    return empty_store


def test_main_story_waste_chain(sample_store):
    rep = chains.find_waste_chains(sample_store).to_dict()
    top = rep["chains"][0]
    assert set(top) == {"kind", "path", "evidence", "score"}
    keys = [n["key"] for n in top["path"]]
    assert keys[0] == "company:91330522704523184E"  # producer first (upstream → downstream)
    assert "vehicle:浙E5G378" in keys and "company:长兴顺远货运有限公司" in keys
    # ends at the pit itself (issue 13), not at the checkpoint on the road to it nor the declared receiver
    assert keys[-1] == "site:煤山镇青岭村北侧废弃石矿坑"
    assert "doc:manifest:2024330522000204" in top["evidence"]
    assert any(e.startswith("doc:hotline:") for e in top["evidence"])
    by_company = chains.find_waste_chains(sample_store, company="company:长兴顺远货运有限公司").to_dict()
    assert by_company["chains"] and all(
        "company:长兴顺远货运有限公司" in {n["key"] for n in c["path"]} for c in by_company["chains"]
    )
    by_site = chains.find_waste_chains(sample_store, site="site:KK330522006").to_dict()
    assert len(by_site["chains"]) == 1


def test_story_chain_compare_with_truth(story_store):
    rep = chains.find_waste_chains(story_store)
    truth = {"waste_chains": [{"producer": {"uscc": "91330522704523184E", "name": "长兴恒泰精细化工有限公司"},
                               "carrier": {"name": "长兴顺远货运有限公司"}, "vehicle": "浙E5G378", "dump_site": "青岭村"}]}  # fmt: skip
    cmp = chains.compare_with_truth(rep, truth)
    assert cmp["found"] == 1 and cmp["per_chain"][0]["carrier_right"]


def test_upstream_ranks_pollutant_match_first(story_store):
    rep = water.upstream_candidates(story_store, "JC-1").to_dict()
    assert rep["station"] == "site:JC-1"
    assert [c["outfall"] for c in rep["candidates"]] == ["site:PK-1", "site:PK-2"]  # acid (pH) beats the nearer farm
    assert rep["candidates"][0]["company"]["key"] == "company:91330522704523184E"
    assert rep["candidates"][0]["hops"] == 1 and rep["candidates"][1]["hops"] == 0
    with pytest.raises(ValueError):
        water.upstream_candidates(story_store, "JC-NOPE")


def test_upstream_samples(sample_store):
    rep = water.upstream_candidates(sample_store, "JC-DQ-01").to_dict()
    assert rep["candidates"][0]["outfall"] == "site:PK-DQ-001"


def test_alerts_main_story(sample_store):
    got = alerts.list_alerts(sample_store)
    kinds = {(a.kind, tuple(a.targets)) for a in got}
    assert any(k == "night_dwell" and "vehicle:浙E5G378" in t for k, t in kinds)
    assert any(k == "manifest_off_route" and "vehicle:浙E5G378" in t for k, t in kinds)
    assert not any("警" in t for _, ts in kinds for t in ts)  # the police car at the pit is not flagged
    short = [a for a in got if a.kind == "manifest_short"]
    assert any(a.details.get("manifest") == "2024330522000163" for a in short)  # April: 9.6 t instead of ~20
    for a in got:
        d = a.to_dict()
        assert d["evidence"] and 0 < d["score"] <= 1
    stored = sample_store._read("MATCH (a:Alert)-[:FLAGS]->(e) RETURN count(DISTINCT a) AS n", {})
    assert stored[0]["n"] == len(got)


def test_alerts_idempotent(story_store):
    a1 = [a.to_dict() for a in alerts.run_detectors(story_store)]
    a2 = [a.to_dict() for a in alerts.run_detectors(story_store)]
    assert a1 == a2
    assert len(alerts.list_alerts(story_store)) == len(a1)


def test_alert_precision():
    ours = [
        Alert("night_dwell", 0.8, "t", ["vehicle:浙E5G378", "site:KK1"], ["doc:anpr:1"]),
        Alert("night_dwell", 0.5, "t", ["vehicle:浙E0001A", "site:KK1"], ["doc:anpr:2"]),
        Alert("manifest_short", 0.5, "t", ["company:x"], ["doc:manifest:9"], details={"manifest": "9"}),
    ]
    truth = {
        "alerts": [
            {"kind": "night_dwell", "plate": "浙E·5G378", "checkpoint": "KK1", "true": True},
            {"kind": "night_dwell", "plate": "浙E0001A", "checkpoint": "KK1", "true": False},
            {"kind": "night_dwell", "plate": "浙E0002A", "checkpoint": "KK2", "true": True},
        ]
    }
    p = alert_precision(ours, truth)
    assert (p["true_positive"], p["false_positive"], p["unmatched"]) == (1, 1, 1)
    assert p["precision"] == 0.5 and p["recall"] == 0.5 and p["missed"] == {"night_dwell": 1}


def test_upstream_of_a_river_segment_and_the_picker(story_store):
    rep = water.upstream_candidates(story_store, "site:HZ-HXG-01").to_dict(detail=True)
    assert rep["segments"] == ["site:HZ-HXG-01"]
    by = {c["outfall"]: c for c in rep["candidates"]}
    assert by["site:PK-2"]["hops"] == 0 and by["site:PK-1"]["hops"] == 1
    assert by["site:PK-1"]["details"]["segment_path"] == ["site:HZ-QLX-01", "site:HZ-HXG-01"]
    assert rep["sites"]["site:PK-1"]["name"] == "恒泰雨水排口"
    st = water.upstream_candidates(story_store, "site:JC-1").to_dict(detail=True)
    assert st["segments"] == ["site:HZ-HXG-01"] and st["candidates"][0]["outfall"] == "site:PK-1"
    sites = {s["key"]: s for s in water.water_sites(story_store)}
    assert sites["site:JC-1"]["kind"] == "station" and sites["site:JC-1"]["exceedances"] == 1
    assert sites["site:HZ-QLX-01"]["kind"] == "segment"
    with pytest.raises(ValueError):
        water.upstream_candidates(story_store, "site:nope")


def test_repeated_complaints_name_the_place_not_the_town_it_is_in(empty_store):
    """Four tickets about one waste land in 西渚村 all also name 屠甸镇: the alert is the waste
    land's; the town's own alert would repeat it (the place's key carries the city and county
    before the town's name, so "the town's name starts the place's" does not tell).  Two
    tickets about another village of the town are not three."""
    from graph_schema.model import GraphBatch

    land, town, other = "site:嘉兴市桐乡市屠甸镇西渚村村后荒地", "site:屠甸镇", "site:嘉兴市桐乡市屠甸镇北溪村东边农田"
    b = GraphBatch()
    for k in (land, town, other):
        b.add_node(k, kind="place", name=k.split(":", 1)[1])
    tickets = [(land, "2024-04-26T03:05:00"), (land, "2024-05-10T08:33:00"), (land, "2024-05-28T04:51:00")]
    tickets += [(land, "2024-06-08T09:57:00"), (other, "2024-05-16T05:15:00"), (other, "2024-06-04T04:05:00")]
    for i, (site, t) in enumerate(tickets):
        doc = f"doc:hotline:ZJJX20240000{i}"
        b.add_node(doc, source="hotline", time=t, category="固废倾倒", text="屠甸镇那边有人半夜倾倒废水")
        b.add_rel("LOCATED_AT", doc, site, story.prov(doc, t))
        b.add_rel("MENTIONS", doc, town, story.prov(doc, t, "屠甸镇"))
    empty_store.write_batch(b)
    found = [a for a in alerts.run_detectors(empty_store, ["repeated_complaints"], write=False)]
    assert [a.targets for a in found] == [[land]], [a.title for a in found]
    assert found[0].details["count"] == 4
    truth = {"alerts": [{"kind": "repeated_complaints", "site": "桐乡市屠甸镇西渚村村后荒地", "true": True}]}
    assert alert_precision(found, truth)["true_positive"] == 1  # the planted name, without its city
    truth["alerts"][0]["site"] = "桐乡市屠甸镇北溪村东边农田"
    assert alert_precision(found, truth)["true_positive"] == 0
