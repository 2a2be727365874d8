"""Checkpoints that guard a sensitive site: the road into a pit, a river bank, a wetland.

Dumping, digging and poaching happen at night at places a truck or boat has no other
reason to go; the plate reader on the road there is the evidence.  Gang detection's
convoy tie (`investigations.gangs.convoy`) and the alert detectors (night stays,
off-route transfers, gang companions) ask the same question of a checkpoint, so it
is answered here once.  A checkpoint guards a sensitive site when

(a) its own name or kind says so (`investigations.common.sensitive_kind`: mine pit,
    river bank, wetland, fish pond, hollow, waste land — or `_SENSITIVE_NAME_RE`: 矿
    (mining area), 湖 / 水库 (lake, reservoir — not 湖州, a city), 保护区 / 保护地
    (protected area), 水源 (water source)),
(b) it is LOCATED_IN / LOCATED_AT such a site or a dump site (a DUMPED_AT target), or
    stands in the same small place (a village of at most `MAX_PLACE_SITES` sites) as
    one, or is named after the village one is in (`雷甸镇沈墩村机耕路口` and
    `沈墩村东边废弃矿坑`: checkpoints on village roads bear the village's name, and a
    village is a few kilometres across), or
(c) it lies within `NEAR_KM` of one (by coordinates).

The waste-chain report asks a narrower question — which *dump site* a checkpoint leads
to, so that a chain ends where the waste went — and answers it with
`investigations.dumpsites.DumpSites`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.store import GraphStore
from investigations.common import sensitive_kind

__all__ = ["MAX_PLACE_SITES", "NEAR_KM", "sensitive_checkpoints"]

NEAR_KM = 1.0  # a checkpoint this close to a dump or sensitive site guards its access road
MAX_PLACE_SITES = 20  # a place holding more sites is a town or county, not "near"
_SENSITIVE_NAME_RE = re.compile(r"矿|湖(?!州)|水库|保护区|保护地|水源|湿地")


def sensitive_checkpoints(
    store: GraphStore, checkpoints: set[str], sites: dict[str, dict[str, Any]] | None = None
) -> set[str]:
    """The checkpoints (of `checkpoints`) near a sensitive site; see the module docstring.

    `sites` is every Site by key as `inv_sites` reads them, when the caller holds them
    already (the detectors' context): read again, they cost a whole-label scan."""
    if sites is None:
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
