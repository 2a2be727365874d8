"""Convoy co-travel: two people's vehicles read at one checkpoint within minutes of each other.

Dumping, illegal sand and stone mining and poaching are done in convoys: a loaded truck
with a lead car that watches for patrols, or two trucks that tip at the same pit.  The
plate readers see this as two different vehicles passing one checkpoint minutes apart.
One such co-read on a busy road is chance; it is a tie when

* it *recurs*: two or more separate occasions (an occasion is one journey: co-reads of
  the pair less than `OCCASION_GAP_MIN` after the last one are the same journey, at the
  same checkpoint or at the next one down the road — two cars that happen onto one
  highway together pass each of its checkpoints together, and the number of checkpoints
  on a road says nothing about whether they travel together again) — of the same two
  vehicles, or of any vehicles the same two people hold (a crew rotates its trucks:
  `_rotating_convoys`), or
* it happened *once, at night, near a sensitive site*: night is 20:00–05:00
  (`investigations.common.is_night`, the hours dumping happens in the cases we hold;
  the Noise Law's 22:00–06:00 would miss the evening runs), and "near a sensitive site"
  is `investigations.checkpoints.sensitive_checkpoints` (by the checkpoint's own name or
  kind, by the site or village it stands in, within 1 km).  Those are the places a
  truck or boat goes at night only to dump, dig or poach; a checkpoint at a town
  crossroads sees every night-shift worker.

Vehicles reach people through DRIVES and OWNS (either direction) and as the vehicle a
case file names beside its principal suspect (`investigations.gangs.ties.object_holders`).
Each read pairs with the nearest `MAX_WINDOW_VEHICLES` other person-linked vehicles read
within `window_min` before it at the same checkpoint: at a busy road only the closest
followers count, so traffic does not swamp a real convoy and does not make one either.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from graph_schema.store import GraphStore, budget
from investigations.checkpoints import sensitive_checkpoints
from investigations.common import is_night, paged, parse_time
from investigations.gangs.base import CHECKPOINT_WINDOW_MIN, MAX_WINDOW_VEHICLES

OCCASION_GAP_MIN = 60  # co-reads of one pair closer than this, at any checkpoints, are one journey


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
        budget.check()  # the caller's time budget: a busy checkpoint's reads are a long loop
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
    tied: set[tuple[str, str]] = set()  # person pairs a vehicle pair's row already ties
    for (va, vb), events in sorted(pairs.items()):
        count = _occasions(events)
        night = any(e[4] for e in events)
        if count < 2 and not night:
            continue
        members = sorted(set(people[va]) | set(people[vb]))
        if len(members) < 2 or set(people[va]) == set(people[vb]):
            continue  # one person's two vehicles tie nobody
        tied.update(_person_pairs(people[va], people[vb]))
        out.append(_row(members, f"{va}|{vb}", events, count, night))
    out.extend(_rotating_convoys(pairs, people, tied))
    return out


def _rotating_convoys(
    pairs: dict[tuple[str, str], list[tuple[datetime, str, str, str, bool]]],
    people: dict[str, list[str]],
    tied: set[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Convoys that recur between two people but never with the same two vehicles.

    A crew rotates its trucks: the lead car runs beside the owner's truck one day, beside the
    truck a member borrowed from him the next, beside a third the crew's case file names the
    week after.  Counted per vehicle pair each is one chance passage; counted per pair of the
    people who hold the vehicles they recur.  Only pairs reached through two or more vehicle
    pairs are added here (one vehicle pair's occasions were counted above), one row per pair
    of people, and a pair a vehicle pair's row already ties is not tied twice.
    """
    by_people: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for va, vb in pairs:
        for pp in _person_pairs(people[va], people[vb]):
            if pp not in tied:
                by_people[pp].append((va, vb))
    out = []
    for (a, b), vpairs in sorted(by_people.items()):
        if len(vpairs) < 2:
            continue
        events = [e for vp in vpairs for e in pairs[vp]]
        count = _occasions(events)
        night = any(e[4] for e in events)
        if count < 2 and not night:
            continue
        vehicles = sorted({v for vp in vpairs for v in vp})
        out.append(_row([a, b], "|".join(vehicles), events, count, night))
    return out


def _person_pairs(pa: list[str], pb: list[str]) -> set[tuple[str, str]]:
    return {(a, b) if a < b else (b, a) for a in pa for b in pb if a != b}


def _row(
    members: list[str], obj: str, events: list[tuple[datetime, str, str, str, bool]], count: int, night: bool
) -> dict[str, Any]:
    docs = sorted({d for e in events for d in (e[2], e[3]) if d})
    return {
        "kind": "checkpoint",
        "members": members,
        "doc": docs[0] if docs else None,
        "docs": docs,
        "time": max(e[0] for e in events).isoformat(sep=" "),
        "object": obj,
        "count": count,
        "night": night,
        "sites": sorted({e[1] for e in events}),
    }


def _occasions(events: list[tuple[datetime, str, str, str, bool]]) -> int:
    """Separate journeys: a new one starts more than `OCCASION_GAP_MIN` after the pair's last
    co-read, wherever that was (one trip past three checkpoints is one occasion, not three)."""
    if not events:
        return 0
    times = sorted(e[0] for e in events)
    return 1 + sum(1 for a, b in zip(times, times[1:]) if (b - a).total_seconds() > OCCASION_GAP_MIN * 60)
