"""Convoy co-travel: two people's vehicles read at one checkpoint within minutes of each other.

Dumping, illegal sand and stone mining and poaching are done in convoys: a loaded truck
with a lead car that watches for patrols, or two trucks that tip at the same pit.  The
plate readers see this as two different vehicles passing one checkpoint minutes apart.
One such co-read on a busy road is chance; it is a tie when

* it *recurs*: two or more separate occasions (an occasion is one passage; reads of
  the pair at one checkpoint less than `OCCASION_GAP_MIN` apart are the same passage,
  reads at two checkpoints are two), or
* it happened *once, at night, near a sensitive site*: night is 20:00–05:00
  (`investigations.common.is_night`, the hours dumping happens in the cases we hold;
  the Noise Law's 22:00–06:00 would miss the evening runs), and a checkpoint is near
  a sensitive site when (a) its own name or kind says so
  (`investigations.common.sensitive_kind`: mine pit, river bank, wetland, fish pond,
  hollow, waste land — or `_SENSITIVE_NAME_RE`: 矿 (mining area), 湖 / 水库 (lake,
  reservoir — not 湖州, a city), 保护区 / 保护地 (protected area), 水源 (water source)),
  (b) it is LOCATED_IN / LOCATED_AT such a site or a dump site (a DUMPED_AT target),
  or stands in the same small place (a village of at most `MAX_PLACE_SITES` sites) as
  one, or is named after the village one is in (`雷甸镇沈墩村机耕路口` and
  `沈墩村东边废弃矿坑`: checkpoints on village roads bear the village's name, and a
  village is a few kilometres across), or (c) it lies within `NEAR_KM` of one (by coordinates).  Those are the places a
  truck or boat goes at night only to dump, dig or poach; a checkpoint at a town
  crossroads sees every night-shift worker.

Vehicles reach people through DRIVES and OWNS (either direction) and as the vehicle a
case file names beside its principal suspect (`investigations.gangs.ties.object_holders`).
Each read pairs with the nearest `MAX_WINDOW_VEHICLES` other person-linked vehicles read
within `window_min` before it at the same checkpoint: at a busy road only the closest
followers count, so traffic does not swamp a real convoy and does not make one either.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from datetime import datetime
from typing import Any

from graph_schema.store import GraphStore
from investigations.common import is_night, paged, parse_time, sensitive_kind
from investigations.gangs.base import CHECKPOINT_WINDOW_MIN, MAX_WINDOW_VEHICLES

OCCASION_GAP_MIN = 60  # reads of one pair at one checkpoint closer than this are one passage
NEAR_KM = 1.0  # a checkpoint this close to a dump or sensitive site guards its access road
MAX_PLACE_SITES = 20  # a place holding more sites is a town or county, not "near"
_SENSITIVE_NAME_RE = re.compile(r"矿|湖(?!州)|水库|保护区|保护地|水源|湿地")


def checkpoint_rows(
    store: GraphStore,
    window_min: int = CHECKPOINT_WINDOW_MIN,
    people: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Convoy tie rows `{"kind": "checkpoint", "members", "docs", "time", "object", "count", "night"}`.

    `people`: vehicle key → the people it reaches (read from the store when None).
    `count` is the number of occasions (it multiplies the tie's weight); `night` whether
    one of them was at night near a sensitive site.
    """
    if people is None:
        people = {r["vehicle"]: r["people"] for r in paged(store, "inv_vehicle_people")}
    people = {v: p for v, p in people.items() if p}
    if not people:
        return []
    by_site: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for r in paged(store, "inv_checkpoint_reads"):
        if r["vehicle"] in people:
            t = parse_time(r["time"])
            if t is not None:
                by_site[r["site"]].append((t, r["vehicle"], r["doc"]))
    if not by_site:
        return []
    sensitive = sensitive_checkpoints(store, set(by_site))
    win = window_min * 60
    # (va, vb) → [(time, site, doc_a, doc_b, night at a sensitive site)]
    pairs: dict[tuple[str, str], list[tuple[datetime, str, str, str, bool]]] = defaultdict(list)
    for site in sorted(by_site):
        reads = sorted(by_site[site])
        sens = site in sensitive
        for hi in range(1, len(reads)):
            t1, v1, d1 = reads[hi]
            seen: set[str] = set()
            for j in range(hi - 1, -1, -1):
                t0, v0, d0 = reads[j]
                if (t1 - t0).total_seconds() > win or len(seen) >= MAX_WINDOW_VEHICLES:
                    break
                if v0 == v1 or v0 in seen:
                    continue
                seen.add(v0)
                pair = (v0, v1) if v0 < v1 else (v1, v0)
                pairs[pair].append((t1, site, d0, d1, sens and (is_night(t1) or is_night(t0))))
    out = []
    for (va, vb), events in sorted(pairs.items()):
        count = _occasions(events)
        night = any(e[4] for e in events)
        if count < 2 and not night:
            continue
        members = sorted(set(people[va]) | set(people[vb]))
        if len(members) < 2 or set(people[va]) == set(people[vb]):
            continue  # one person's two vehicles tie nobody
        docs = sorted({d for e in events for d in (e[2], e[3]) if d})
        out.append(
            {
                "kind": "checkpoint",
                "members": members,
                "doc": docs[0] if docs else None,
                "docs": docs,
                "time": max(e[0] for e in events).isoformat(sep=" "),
                "object": f"{va}|{vb}",
                "count": count,
                "night": night,
                "sites": sorted({e[1] for e in events}),
            }
        )
    return out


def _occasions(events: list[tuple[datetime, str, str, str, bool]]) -> int:
    """Separate passages: per checkpoint, a new one starts `OCCASION_GAP_MIN` after the last read."""
    n = 0
    by_site: dict[str, list[datetime]] = defaultdict(list)
    for e in events:
        by_site[e[1]].append(e[0])
    for times in by_site.values():
        times.sort()
        n += 1 + sum(1 for a, b in zip(times, times[1:]) if (b - a).total_seconds() > OCCASION_GAP_MIN * 60)
    return n


def sensitive_checkpoints(store: GraphStore, checkpoints: set[str]) -> set[str]:
    """The checkpoints (of `checkpoints`) near a sensitive site; see the module docstring."""
    sites = {r["key"]: r for r in store.query("inv_sites")}
    dumps = {r["site"] for r in store.query("inv_dumped")}

    def named_sensitive(s: dict[str, Any]) -> bool:
        name = s.get("name") or ""
        return sensitive_kind(name, s.get("kind")) is not None or bool(_SENSITIVE_NAME_RE.search(name))

    targets = {
        k
        for k, s in sites.items()
        if k in dumps or (k not in checkpoints and s.get("kind") != "checkpoint" and named_sensitive(s))
    }
    out = {c for c in checkpoints if named_sensitive(sites.get(c, {}))}
    for r in store.query("inv_site_links", keys=sorted(checkpoints - out)):
        sib = r["siblings"] or []
        if r["target"] in targets or (len(sib) <= MAX_PLACE_SITES and targets.intersection(sib)):
            out.add(r["site"])
    by_village: dict[str, set[str | None]] = defaultdict(set)  # village → towns of targets in it
    for k in targets:
        for town, village in _villages(sites[k].get("name")):
            by_village[village].add(town)
    for c in checkpoints - out:
        for town, village in _villages(sites.get(c, {}).get("name")):
            towns = by_village.get(village)
            if towns and (town is None or None in towns or town in towns):
                out.add(c)
    anchors = []
    for k in targets:
        lon, lat = _coord(sites[k], "lon"), _coord(sites[k], "lat")
        if lon is not None and lat is not None:
            anchors.append((lon, lat))
    if anchors:
        for c in checkpoints - out:
            s = sites.get(c, {})
            lon, lat = _coord(s, "lon"), _coord(s, "lat")
            if lon is not None and lat is not None and any(_km(lon, lat, x, y) <= NEAR_KM for x, y in anchors):
                out.add(c)
    return out


_ADMIN_END = set("省市县区镇乡道村")


def _villages(name: str | None) -> list[tuple[str | None, str]]:
    """(town or None, village) named in a place name: `德清县雷甸镇沈墩村机耕路口` →
    ("雷甸镇", "沈墩村").  A one-character village (新村, 东村) is too common to tell
    places apart and is skipped, and so is the 村 of `…村村道口`."""
    text = name or ""
    out = []
    for i, ch in enumerate(text):
        if ch != "村":
            continue
        j = i
        while j > 0 and i - j < 4 and _cjk(text[j - 1]) and text[j - 1] not in _ADMIN_END:
            j -= 1
        if i - j < 2:
            continue
        town = None
        if j > 0 and text[j - 1] in "镇乡":
            k = j - 1
            while k > 0 and j - 1 - k < 4 and _cjk(text[k - 1]) and text[k - 1] not in _ADMIN_END:
                k -= 1
            town = text[k:j] if j - 1 - k >= 1 else None
        out.append((town, text[j : i + 1]))
    return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _coord(s: dict[str, Any], axis: str) -> float | None:
    try:
        v = float(s.get(axis))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) and v != 0.0 else None


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: exact enough at a kilometre."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))
