"""LOCATED_IN: which village (or site) a checkpoint, outfall, place or grid event stands in.

Why: a checkpoint register names its checkpoint after where it stands
(煤山镇青岭村矿区道路口), a hotline ticket names the pit (青岭村废弃矿坑), a grid
event gives coordinates.  Until these are tied, a truck read at night at the
road mouth of a mine area is not connected to the pit complaints are about,
and waste chains end at the checkpoint (issue 13).

Two ways, each written as a LOCATED_IN relationship with its rule:

* **by name** — the address of every Site name is parsed (resolution.places);
  a name that writes a village stands in that village.  Villages are one node
  each: the same village stem in the same town (or written without its town:
  the town its documents are about — `resolution.areas` — or, where they say
  nothing, the only town in the graph with a village of that name).  The village
  node is the Site that *is* the village (a ticket's 事发地址 长兴县煤山镇青岭村)
  where there is one, else a new Site{kind: village} keyed by the most
  specific spelling.
* **by coordinates** — a Site or grid event with coordinates stands in the
  nearest place or village within `RADIUS_M` that has coordinates of its own
  (a village node takes the mean of its named members' coordinates).  500 m:
  a checkpoint on the access road of a pit stands a few hundred metres from
  it, and a village spans one to two kilometres.

Relationships are keyed by (head, tail), so running the pass again writes
nothing new.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph_schema.keys import site_key
from graph_schema.model import GraphBatch, Node
from graph_schema.schema import Method
from graph_schema.store import GraphStore
from resolution import places
from resolution.areas import Area, in_area, read_document_areas
from resolution.merge import FixedRel

RADIUS_M = 500.0
# Sites whose position is their own, not a place's: coordinates of these never make a village's
_CODED = {"checkpoint", "segment", "outfall", "station", "grid"}


@dataclass
class LocateReport:
    by_name: int = 0
    by_coordinates: int = 0
    villages_created: int = 0
    ties: list[tuple[str, str, str]] = field(default_factory=list)  # (head, tail, rule)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def _coords(props: dict[str, Any]) -> tuple[float, float] | None:
    try:
        lon, lat = float(props.get("lon")), float(props.get("lat"))
    except (TypeError, ValueError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (lon == 0 and lat == 0):
        return None
    return lon, lat


@dataclass
class _Village:
    stem: str
    town: str | None
    county: str | None
    text: str  # most specific spelling: 长兴县煤山镇青岭村
    node: str | None = None  # an existing Site that is the village itself
    members: list[str] = field(default_factory=list)


def _village_clusters(addrs: dict[str, places.Address], areas: dict[str, Area] | None = None) -> dict[str, _Village]:
    """site key → its village; one _Village per (stem, town), town-less names joining the only fit
    in the area their documents are about (`resolution.areas`), or the only fit at all."""
    areas = areas or {}
    by_stem: dict[str, list[tuple[str, places.Address]]] = defaultdict(list)
    for key, a in addrs.items():
        if a.village:
            by_stem[a.village].append((key, a))
    out: dict[str, _Village] = {}
    for stem, items in by_stem.items():
        items.sort(key=lambda ka: (not ka[1].town, not ka[1].county, -len(ka[1].village_text), ka[0]))
        clusters: list[_Village] = []
        for key, a in items:
            county, town = a.county, a.town
            if not town:  # the area its documents are about, if they say
                area_county, town = areas.get(key, (None, None))
                county = county or area_county
            fits = [c for c in clusters if in_area(c.county, c.town, (county, town))]
            if town:
                fits = [c for c in fits if c.town == town]
            if len(fits) == 1:
                v = fits[0]
            elif not fits:
                # a village known only from its documents' town is named with it: two such villages
                # of one stem in two towns are two nodes
                text = a.village_text if a.town or not town else town + a.village_text
                v = _Village(stem, town, county, text)
                clusters.append(v)
            else:
                continue  # written without its town, and two towns have such a village: no tie
            v.county = v.county or county
            v.members.append(key)
            if not a.feature and not a.group and v.node is None:
                v.node = key  # this Site is the village itself
            out[key] = v
    return out


def _townless_areas(store: GraphStore, addrs: dict[str, places.Address], batch: int = 2000) -> dict[str, Area]:
    """The documents' area of every name that writes a village without its town."""
    keys = sorted(k for k, a in addrs.items() if a.village and not a.town)
    docs_of: dict[str, set[str]] = {}
    for i in range(0, len(keys), batch):
        for r in store.query("res_site_docs", keys=keys[i : i + batch]):
            docs_of[r["key"]] = set(r["docs"] or ())
    return read_document_areas(store, docs_of, {k: addrs[k].village for k in docs_of})


def locate(store: GraphStore) -> LocateReport:
    """Write LOCATED_IN ties by name and by coordinates; see the module docstring."""
    report = LocateReport()
    rows = store.query("res_sites")
    props_of = {r["key"]: (r["props"] or {}) for r in rows}
    addrs: dict[str, places.Address] = {}
    for key, props in props_of.items():
        if props.get("kind") == "village":
            continue  # written by this pass, re-derived from its members
        name = str(props.get("name") or "") or key.partition(":")[2]
        if props.get("code") and name == props.get("code"):
            continue  # a bare code (KK330522006) names no place
        try:
            addrs[key] = places.parse_address(name)
        except RuntimeError:
            return report  # no administrative-division library: nothing to tie by name
    village_of = _village_clusters(addrs, _townless_areas(store, addrs))
    nodes: list[Node] = []
    rels: list[FixedRel] = []
    seen: set[tuple[str, str]] = set()

    def tie(head: str, tail: str, rule: str, reason: str, distance: float | None = None) -> None:
        if head == tail or (head, tail) in seen:
            return
        seen.add((head, tail))
        fact = hashlib.sha1(f"LOCATED_IN\x1f{head}\x1f{tail}".encode()).hexdigest()[:20]
        props = {
            "doc": "",
            "method": Method.RULE.value,
            "confidence": 0.9 if rule == "name" else 0.7,
            "quote": reason,
            "rule": rule,
            "distance_m": round(distance, 1) if distance is not None else None,
            "located_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        rels.append(FixedRel("LOCATED_IN", head, tail, fact, props))
        report.ties.append((head, tail, rule))
        if rule == "name":
            report.by_name += 1
        else:
            report.by_coordinates += 1

    villages: dict[int, str] = {}
    for key, v in village_of.items():
        if id(v) not in villages:
            if v.node is None:
                vkey = site_key(v.text)
                if vkey not in props_of:
                    report.villages_created += 1
                props = {"name": v.text, "kind": "village", "village": v.stem, "town": v.town, "county": v.county}
                nodes.append(Node(vkey, {k: val for k, val in props.items() if val is not None}))
                props_of.setdefault(vkey, {"name": v.text, "kind": "village"})
                v.node = vkey
            villages[id(v)] = v.node
        tie(key, v.node, "name", f"地名 {props_of[key].get('name') or key} 位于 {v.text}")
    # coordinates: targets are places and villages with a position of their own (or their members')
    targets: dict[str, tuple[float, float]] = {}
    for key, props in props_of.items():
        c = _coords(props)
        if c and props.get("kind") not in _CODED:
            targets[key] = c
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key, v in village_of.items():
        c = _coords(props_of.get(key, {}))
        if c and v.node:
            members[v.node].append(c)
    for vkey, cs in members.items():
        targets.setdefault(vkey, (sum(c[0] for c in cs) / len(cs), sum(c[1] for c in cs) / len(cs)))
    if targets:
        cells: dict[tuple[int, int], list[str]] = defaultdict(list)
        for key, (lon, lat) in targets.items():
            cells[(int(lon * 100), int(lat * 100))].append(key)
        heads = [(k, c) for k, p in props_of.items() if (c := _coords(p)) and k not in village_of and k not in targets]
        heads += [(r["key"], c) for r in store.query("res_located_docs") if (c := _coords(r))]
        for key, (lon, lat) in heads:
            best: tuple[float, str] | None = None
            cx, cy = int(lon * 100), int(lat * 100)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for t in cells.get((cx + dx, cy + dy), ()):
                        d = haversine_m(lon, lat, *targets[t])
                        if d <= RADIUS_M and (best is None or (d, t) < best):
                            best = (d, t)
            if best is not None:
                name = props_of.get(best[1], {}).get("name") or best[1]
                tie(key, best[1], "coordinates", f"坐标距 {name} {best[0]:.0f} 米（≤{RADIUS_M:.0f} 米）", best[0])
    if nodes or rels:
        store.write_batch(GraphBatch(nodes=nodes, rels=list(rels)))
    return report


__all__ = ["locate", "LocateReport", "haversine_m", "RADIUS_M"]
