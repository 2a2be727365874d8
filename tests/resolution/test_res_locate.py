"""LOCATED_IN: checkpoints, places and grid events tied to the village they stand in (issue 13)."""

from __future__ import annotations

from res_helpers import G

from resolution import resolve
from resolution.locate import RADIUS_M, haversine_m

H1, H2, GRID = "doc:hotline:h1", "doc:hotline:h2", "doc:grid:g1"


def _ties(store) -> set[tuple[str, str, str]]:  # noqa: ANN001
    rows = store._read(  # test-only raw read
        "MATCH (a:Entity)-[r:LOCATED_IN]->(b:Entity) RETURN a.key AS h, b.key AS t, r.rule AS rule", {}
    )
    return {(r["h"], r["t"], r["rule"]) for r in rows}


def test_haversine_is_metres() -> None:
    # one hundredth of a degree of latitude is about 1.11 km anywhere
    assert abs(haversine_m(119.9, 31.0, 119.9, 31.01) - 1112) < 5
    assert haversine_m(119.9, 31.0, 119.9, 31.0) == 0


def test_checkpoint_named_after_its_village_stands_in_it_with_the_pit(store) -> None:
    g = G()
    for d in (H1, H2, GRID):
        g.doc(d)
    g.node("site:长兴县煤山镇青岭村", name="长兴县煤山镇青岭村", kind="place")
    g.rel("LOCATED_AT", H1, "site:长兴县煤山镇青岭村", H1)
    g.node("site:青岭村村废弃矿坑", name="青岭村村废弃矿坑", kind="place")
    g.rel("LOCATED_AT", H2, "site:青岭村村废弃矿坑", H2)
    g.node("site:KK01", name="煤山镇青岭村矿区道路口", kind="checkpoint", code="KK01", lon=119.80, lat=31.00)
    g.node("site:KK02", name="泗安镇三川村路口", kind="checkpoint", code="KK02", lon=119.60, lat=30.90)
    g.node("site:KK03", name="KK03", kind="checkpoint", code="KK03", lon=119.8010, lat=31.0010)
    g.doc(GRID, lon=119.8005, lat=31.0003)
    g.write(store)
    report = resolve(store)
    ties = _ties(store)
    village = "site:长兴县煤山镇青岭村"
    assert ("site:KK01", village, "name") in ties
    assert ("site:青岭村村废弃矿坑", village, "name") in ties
    # the other village's checkpoint gets its own village node, not this one
    assert ("site:KK02", village, "name") not in ties
    assert any(h == "site:KK02" and t != village for h, t, _ in ties)
    # a bare code and a grid event stand in the village by their coordinates (the village's
    # position is its named checkpoint's), within the documented radius
    assert ("site:KK03", village, "coordinates") in ties
    assert (GRID, village, "coordinates") in ties
    assert haversine_m(119.8010, 31.0010, 119.80, 31.00) <= RADIUS_M
    assert report.located is not None and report.located.by_name >= 3
    # a second pass writes nothing new
    before = _ties(store)
    resolve(store)
    assert _ties(store) == before


def test_a_village_in_two_towns_is_not_guessed(store) -> None:
    g = G()
    g.doc(H1)
    g.node("site:煤山镇青岭村鱼塘", name="煤山镇青岭村鱼塘", kind="place")
    g.node("site:泗安镇青岭村农田", name="泗安镇青岭村农田", kind="place")
    g.node("site:KK09", name="青岭村路口", kind="checkpoint", code="KK09")
    g.write(store)
    resolve(store)
    ties = _ties(store)
    assert not any(h == "site:KK09" for h, _, _ in ties)
    assert {t for h, t, _ in ties if h.startswith("site:煤山镇")} != {
        t for h, t, _ in ties if h.startswith("site:泗安镇")
    }


def test_a_townless_place_stands_in_the_village_of_the_town_its_documents_are_about(store) -> None:
    """Two towns have a 龚桥村; the river bank a case (德清县公安局) and a ticket handled by
    德清县雷甸镇人民政府 write without the town stands in 雷甸镇's, where the checkpoint the
    truck was read at stands — so the checkpoint leads on to it (seed 9928: a chain that ended
    at another village's gully)."""
    g = G()
    g.doc(H1, handling_unit="德清县雷甸镇人民政府")
    g.doc("doc:case:k1", unit="德清县公安局")
    g.node("site:KK123", name="雷甸镇龚桥村村道路口", kind="checkpoint", code="KK123")
    g.node("site:泗安镇龚桥村农田", name="泗安镇龚桥村农田", kind="place")
    g.node("site:龚桥村北侧河岸", name="龚桥村北侧河岸", kind="place")
    g.rel("LOCATED_AT", H1, "site:龚桥村北侧河岸", H1)
    g.rel("MENTIONS", "doc:case:k1", "site:龚桥村北侧河岸", "doc:case:k1")
    g.node("site:龚桥村鱼塘", name="龚桥村鱼塘", kind="place")  # no document says where: not guessed
    g.write(store)
    resolve(store)
    ties = _ties(store)
    (village,) = {t for h, t, _ in ties if h == "site:KK123"}
    assert ("site:龚桥村北侧河岸", village, "name") in ties
    assert ("site:泗安镇龚桥村农田", village, "name") not in ties
    assert not any(h == "site:龚桥村鱼塘" for h, _, _ in ties)


def test_two_townless_places_of_one_village_name_in_two_areas_stand_in_two_villages(store) -> None:
    g = G()
    g.doc(H1, handling_unit="德清县雷甸镇人民政府")
    g.doc(H2, handling_unit="长兴县泗安镇人民政府")
    g.node("site:龚桥村北侧河岸", name="龚桥村北侧河岸", kind="place")
    g.rel("LOCATED_AT", H1, "site:龚桥村北侧河岸", H1)
    g.node("site:龚桥村鱼塘", name="龚桥村鱼塘", kind="place")
    g.rel("LOCATED_AT", H2, "site:龚桥村鱼塘", H2)
    g.write(store)
    resolve(store)
    ties = {h: t for h, t, rule in _ties(store) if rule == "name"}
    assert ties["site:龚桥村北侧河岸"] != ties["site:龚桥村鱼塘"]
