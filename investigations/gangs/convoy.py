"""Convoy co-travel: plates read at one checkpoint within minutes of each other."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from graph_schema.store import GraphStore
from investigations.common import is_night, paged, parse_time, sensitive_kind
from investigations.gangs.base import CHECKPOINT_WINDOW_MIN, MAX_WINDOW_VEHICLES


def checkpoint_rows(store: GraphStore, window_min: int = CHECKPOINT_WINDOW_MIN) -> list[dict[str, Any]]:
    """Plates read at one checkpoint within `window_min` minutes of each other → their people.

    A single co-read at a busy road is chance; a pair counts when it recurs
    (two or more distinct windows) or when it happened once at night at a
    sensitive site (mine pit, river bank, wetland).  Windows holding more than
    MAX_WINDOW_VEHICLES plates are traffic and ignored.
    """
    people: dict[str, list[str]] = {}
    for r in paged(store, "inv_vehicle_people"):
        people[r["vehicle"]] = r["people"]
    if not people:
        return []
    sites = {r["key"]: r for r in store.query("inv_sites")}
    by_site: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for r in paged(store, "inv_checkpoint_reads"):
        t = parse_time(r["time"])
        if t is not None and r["vehicle"] in people:
            by_site[r["site"]].append((t, r["vehicle"], r["doc"]))
    win = window_min * 60
    pairs: dict[tuple[str, str], list[tuple[datetime, str, bool]]] = defaultdict(list)
    for site, reads in by_site.items():
        reads.sort()
        s = sites.get(site, {})
        sens = sensitive_kind(s.get("name"), s.get("kind")) is not None
        lo = 0
        for hi in range(len(reads)):
            while (reads[hi][0] - reads[lo][0]).total_seconds() > win:
                lo += 1
            window = reads[lo : hi + 1]
            if len({v for _, v, _ in window}) > MAX_WINDOW_VEHICLES:
                continue
            t1, v1, d1 = reads[hi]
            for _t0, v0, _ in window[:-1]:
                if v0 != v1:
                    pairs[tuple(sorted((v0, v1)))].append((t1, d1, sens and is_night(t1)))
    out = []
    for (va, vb), events in sorted(pairs.items()):
        distinct = {(e[0].date(), e[0].hour) for e in events}
        if len(distinct) < 2 and not any(e[2] for e in events):
            continue
        members = sorted(set(people[va]) | set(people[vb]))
        if len(members) < 2:
            continue
        last = max(e[0] for e in events)
        out.append(
            {
                "kind": "checkpoint",
                "members": members,
                "doc": sorted(e[1] for e in events if e[1])[0] if any(e[1] for e in events) else None,
                "docs": sorted({e[1] for e in events if e[1]}),
                "time": last.isoformat(sep=" "),
                "object": f"{va}|{vb}",
                "count": len(distinct),
            }
        )
    return out
