"""The alert detectors: each reads the graph (and the shared context `run_detectors` builds) and returns `Alert`s.

Each detector returns `Alert`s with the evidence documents and a score in
[0, 1]; `investigations.alerts.run_detectors` runs them and stores what they
found.  Detectors (`DETECTORS`, and the alert kinds each writes in `KINDS`):

* `night_dwell` — a vehicle read in and out (≥ 10 minutes apart, within 4 h)
  at night (20:00–05:00) at a checkpoint of a sensitive site (mine pit
  矿坑/石矿/宕口, river bank 河/溪/港/岸, wetland 湿地 — by the checkpoint's own
  name, or by the site or village it stands in, or within 1 km of one:
  `investigations.checkpoints.sensitive_checkpoints`), scored by dwell and
  repetition; a single read is a car passing; police plates (…警) are exempt.
* `manifest_no_reads`, `manifest_off_route`, `manifest_late`,
  `manifest_short` — the signals the 舟山 and 金华 platforms use: a transfer
  whose truck is never read by any checkpoint on the transfer day although the
  checkpoints were working; read at a checkpoint named after a sensitive site, or
  at night at one that guards such a site by where it stands; last read of the trip (before
  the truck's next transfer) more than 6 h after departure; or a declared quantity under 60 % of the producer's median for
  that waste, or a grid report, ticket or case file stating that the receiver took in
  under 90 % of what the manifest declares (`investigations.receipts`).
* `repeated_complaints` — three or more complaints (hotline, grid) about one
  site or company within 90 days.
* `gang_associate` — a plate read within 10 minutes of a known gang's vehicle
  at the same checkpoint on two or more occasions (needs `detect_gangs` write-back); a
  car whose driver joined the gang by that co-travel alone still counts as a companion,
  and for such a car one pass at night at a checkpoint that guards a sensitive site is
  enough.
* `producer_silent` — a producer whose manifested tonnage in its last 90 days
  falls below half its earlier rate while complaints about it rise.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.store import GraphStore
from investigations.alert_model import Alert
from investigations.chains import _short_company, complaints_about
from investigations.checkpoints import sensitive_checkpoints
from investigations.common import is_night, paged, parse_time, sensitive_kind
from investigations.receipts import SHORTFALL, Receipt, stated_receipts

__all__ = [
    "DETECTORS",
    "KINDS",
    "detect_gang_associates",
    "detect_manifest_anomalies",
    "detect_night_dwell",
    "detect_producer_silent",
    "detect_repeated_complaints",
    "read_times",
]

LATE_AFTER = timedelta(hours=6)
DWELL_MIN = timedelta(minutes=10)  # a transfer inside the province arrives within hours
NEAR_SENSITIVE = "near_sensitive_site"  # night_dwell site_kind of a checkpoint sensitive by where it stands
SITE_COMPLAINT = ("固废", "倾倒", "水污染", "环境污染", "土壤", "危废", "排污", "偷排")
AGENCY = re.compile(r"(局|所|队|中心|政府|委员会|办公室|法院|检察院|大队|支队|派出所)$")
POLLUTION_WORDS = (
    "污染",
    "倾倒",
    "排放",
    "偷排",
    "废",
    "臭",
    "味",
    "死鱼",
    "水质",
    "酸",
    "油",
    "固废",
    "污水",
    "黑水",
    "白水",
)


def _iso(t: datetime | None) -> str | None:
    return t.isoformat(sep=" ") if t else None


def _is_police(plate: str) -> bool:
    return plate.endswith("警") or "WJ" in plate.upper()


def read_times(store: GraphStore) -> list[dict[str, Any]]:
    """Every plate read with a readable time, by checkpoint, then time as written, then vehicle."""
    out = []
    for r in store.query("inv_all_reads"):
        t = parse_time(r["time"])
        if t is not None:
            r["t"] = t
            out.append(r)
    out.sort(key=lambda r: (r["site"], str(r["time"]), r["vehicle"]))
    return out


def _guarded_checkpoints(store: GraphStore, ctx: dict[str, Any]) -> set[str]:
    """The checkpoints of the reads that guard a sensitive site (`investigations.checkpoints`:
    by name or kind, by the site or village they stand in, within 1 km), once per run."""
    if "guarded" not in ctx:
        ctx["guarded"] = sensitive_checkpoints(store, {r["site"] for r in ctx["reads"]}, ctx["sites"])
    return ctx["guarded"]


def _off_route(read: dict[str, Any], sites: dict[str, Any], guarded: set[str]) -> bool:
    """A read a transfer should not have: at a pit, bank or wetland by the checkpoint's own
    name; or, at night, at a checkpoint that guards one by where it stands (by day, the road
    past a pit's village is often just the road)."""
    s = sites.get(read["site"], {})
    if sensitive_kind(s.get("name"), s.get("kind")):
        return True
    return read["site"] in guarded and is_night(read["t"])


# --------------------------------------------------------------------------- detectors


def detect_night_dwell(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    """Vehicles that stay at night at a checkpoint of a sensitive site (see the module docstring).

    A checkpoint is "of a sensitive site" as convoy co-travel defines it
    (`investigations.checkpoints.sensitive_checkpoints`): by its own name or kind, or by
    the site or village it stands in, or within a kilometre of a dump or sensitive site.
    Checkpoints on village roads are named after the road (`沈墩村机耕路口`), not the pit
    the road leads to: by name alone, no dwell at them was ever seen.
    """
    sites = ctx["sites"]
    guarded = _guarded_checkpoints(store, ctx)
    by_vs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ctx["reads"]:
        if r["site"] in guarded and not _is_police(r["vehicle"]):
            by_vs[(r["vehicle"], r["site"])].append(r)
    out = []
    for (v, site), reads in sorted(by_vs.items()):
        reads.sort(key=lambda r: r["t"])
        # visits: reads of the same vehicle at the site within 4 h belong to one visit
        visits: list[list[dict[str, Any]]] = []
        for r in reads:
            if visits and (r["t"] - visits[-1][-1]["t"]) <= timedelta(hours=4):
                visits[-1].append(r)
            else:
                visits.append([r])
        # a dwell is an in-read and an out-read at least DWELL_MIN apart; one read is a car passing
        visits = [vv for vv in visits if is_night(vv[0]["t"]) and (vv[-1]["t"] - vv[0]["t"]) >= DWELL_MIN]
        if not visits:
            continue
        reads = [r for vv in visits for r in vv]
        dwell = max((vv[-1]["t"] - vv[0]["t"]).total_seconds() / 60 for vv in visits)
        s = sites.get(site, {})
        score = min(1.0, 0.5 + 0.3 * min(1.0, dwell / 60) + 0.1 * min(2, len(visits) - 1))
        out.append(
            Alert(
                "night_dwell",
                round(score, 3),
                f"{v.split(':', 1)[1]} 夜间在{s.get('name') or site}停留 {dwell:.0f} 分钟（{len(visits)} 次）",
                [v, site],
                sorted({r["doc"] for r in reads if r["doc"]}),
                _iso(reads[0]["t"]),
                {
                    "dwell_minutes": round(dwell, 1),
                    "visits": len(visits),
                    "site_kind": sensitive_kind(s.get("name"), s.get("kind")) or NEAR_SENSITIVE,
                },
            )
        )
    return out


def detect_manifest_anomalies(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    manifests = store.query("inv_manifests", company=None)
    docs = sorted({m["doc"] for m in manifests if m["doc"]})
    parties: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for i in range(0, len(docs), 2000):
        for r in store.query("inv_doc_parties", docs=docs[i : i + 2000]):
            parties[r["doc"]].setdefault(r["role"] or "", r)
    reads_by_v: dict[str, list[dict[str, Any]]] = defaultdict(list)
    read_days: set = set()
    for r in ctx["reads"]:
        reads_by_v[r["vehicle"]].append(r)
        read_days.add(r["t"].date())
    sites = ctx["sites"]
    guarded = _guarded_checkpoints(store, ctx)
    # routes: checkpoints each (producer, receiver) pair's trucks pass within a day of a manifest
    route: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    trips: list[tuple[dict[str, Any], str | None, list[dict[str, Any]]]] = []
    trips_of: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for m in manifests:
        trips_of[parties.get(m["doc"], {}).get("vehicle", {}).get("key")].append(m)
    for m in manifests:
        t = parse_time(m["time"])
        v = parties.get(m["doc"], {}).get("vehicle", {}).get("key")
        on_trip = []
        if t is not None and v:
            on_trip = [r for r in reads_by_v.get(v, []) if t - timedelta(hours=1) <= r["t"] <= t + timedelta(hours=24)]
            for site in {r["site"] for r in on_trip}:
                route[(m["producer"], m["receiver"])][site] += 1
        trips.append((m, v, on_trip))
    # declared quantities per producer and waste code
    tons: dict[tuple[str, str], list[float]] = defaultdict(list)
    for m in manifests:
        if isinstance(m["tons"], (int, float)):
            tons[(m["producer"], str(m["waste_code"] or m["waste"]))].append(float(m["tons"]))
    receipts = _short_receipts(store, ctx, manifests)
    out = []
    for m, v, on_trip in trips:
        t = parse_time(m["time"])
        label = m["manifest"] or m["doc"]
        targets = [k for k in (m["producer"], v) if k]
        base_ev = [m["doc"]] if m["doc"] else []
        if t is not None and v and not on_trip and t.date() in read_days and reads_by_v.get(v):
            out.append(
                Alert(
                    "manifest_no_reads",
                    0.55,
                    f"联单 {label} 车辆 {v.split(':', 1)[1]} 当日未经任何卡口",
                    targets,
                    base_ev,
                    _iso(t),
                    {"manifest": m["manifest"], "discriminator": m["doc"]},
                )  # fmt: skip
            )
        if on_trip:
            off = [r for r in on_trip if _off_route(r, sites, guarded)]
            if off:
                night = any(is_night(r["t"]) for r in off)
                score = 0.6 + 0.3 * night
                names = "、".join(sorted({sites.get(r["site"], {}).get("name") or r["site"] for r in off}))
                out.append(
                    Alert(
                        "manifest_off_route",
                        round(min(1.0, score), 3),
                        f"联单 {label} 车辆驶向敏感点位：{names}",
                        targets + sorted({r["site"] for r in off}),
                        base_ev + sorted({r["doc"] for r in off if r["doc"]}),
                        _iso(t),
                        {"manifest": m["manifest"], "night": night, "discriminator": m["doc"]},
                    )  # fmt: skip
                )
            # late: the last read of the trip (arrival side) long after departure.  A later transfer
            # of the same truck within the day ends this trip's reads an hour before it departs
            # (the on-trip window's own lead): what is read after that is the next trip's.  After
            # an earlier transfer of the day (or one at the same time) no read is this trip's for
            # sure — a late earlier trip's arrival would read as this one's — so none is judged.
            near = [
                tt
                for x in trips_of[v]
                if x is not m and (tt := parse_time(x["time"])) is not None and abs(tt - t) < timedelta(hours=24)
            ]
            later = [tt for tt in near if tt > t]
            cut = min(later) - timedelta(hours=1) if later else None
            arrival = [r for r in on_trip if cut is None or r["t"] < cut]
            last_r = max(arrival, key=lambda r: r["t"]) if arrival and len(later) == len(near) else None
            if t is not None and not off and last_r is not None and last_r["t"] - t > LATE_AFTER:
                hours = (last_r["t"] - t).total_seconds() / 3600
                out.append(
                    Alert(
                        "manifest_late",
                        round(min(1.0, 0.5 + hours / 48), 3),
                        f"联单 {label} 车辆出发 {hours:.1f} 小时后才到达",
                        targets,
                        base_ev + [last_r["doc"]],
                        _iso(t),
                        {"manifest": m["manifest"], "hours": round(hours, 1), "discriminator": m["doc"]},
                    )  # fmt: skip
                )
        lst = tons.get((m["producer"], str(m["waste_code"] or m["waste"])), [])
        got = receipts.get(m["manifest"])
        if got is not None:
            declared = got.declared_t
            out.append(
                Alert(
                    "manifest_short",
                    round(min(1.0, 0.5 + (1 - got.received_t / declared) * 0.5), 3),
                    f"联单 {label} 申报 {declared:g} 吨，接收单位实收 {got.received_t:g} 吨",
                    targets,
                    base_ev + [got.doc],
                    _iso(t),
                    {
                        "manifest": m["manifest"],
                        "tons": declared,
                        "received": got.received_t,
                        "quote": got.quote,
                        "discriminator": m["doc"],
                    },
                )  # fmt: skip
            )
        elif isinstance(m["tons"], (int, float)) and len(lst) >= 4:
            med = statistics.median(lst)
            if med > 0 and m["tons"] < 0.6 * med:
                ratio = m["tons"] / med
                out.append(
                    Alert(
                        "manifest_short",
                        round(min(1.0, 0.4 + (1 - ratio) * 0.6), 3),
                        f"联单 {label} 申报 {m['tons']} 吨，远低于该单位常量 {med:.1f} 吨",
                        [m["producer"]],
                        base_ev,
                        _iso(t),
                        {"manifest": m["manifest"], "tons": m["tons"], "median": med, "discriminator": m["doc"]},
                    )  # fmt: skip
                )
    return out


def _short_receipts(store: GraphStore, ctx: dict[str, Any], manifests: list[dict[str, Any]]) -> dict[str, Receipt]:
    """Manifest number → a report's statement that the receiver took in well under what the
    manifest declares (`investigations.receipts`), from grid reports, hotline tickets and case
    files; its `declared_t` is the manifest's own tonnage, the text's only where the export has none."""
    declared = {str(m["manifest"]): m["tons"] for m in manifests if m["manifest"]}
    if not declared:
        return {}
    texts = [(c["doc"], c["alltext"]) for c in ctx["complaints"]]
    texts += [(r["doc"], r["text"]) for r in store.query("inv_case_docs")]
    out: dict[str, Receipt] = {}
    for r in stated_receipts(texts, set(declared)):
        tons = declared[r.manifest]
        base = float(tons) if isinstance(tons, (int, float)) else r.declared_t
        if base and r.received_t < SHORTFALL * base and r.manifest not in out:
            out[r.manifest] = dataclasses.replace(r, declared_t=base)
    return out


def _is_pollution(c: dict[str, Any]) -> bool:
    cat = f"{c.get('category') or ''}{c.get('event_type') or ''}"
    if any(w in cat for w in ("污染", "倾倒", "固废", "排污", "水", "大气", "土壤", "危废")):
        return True
    if cat and any(w in cat for w in ("噪声", "捕捞", "狩猎", "其他")):
        return False
    return any(w in c["alltext"] for w in POLLUTION_WORDS)


def _site_complaint(c: dict[str, Any]) -> bool:
    """A citizen's complaint about a place being polluted (not a smelly plant, noise, fishing)."""
    if c.get("source") != "hotline":
        return False
    cat = c.get("category") or ""
    if cat:
        return any(w in cat for w in SITE_COMPLAINT)
    return any(w in c["alltext"] for w in ("倾倒", "倒了", "偷排", "废液", "死鱼", "废料"))


def detect_repeated_complaints(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    """Three or more hotline complaints about one site within 90 days (grid visits are evidence only).

    A complaint is about a site when it is located at it or names it; when a
    town or village and a place inside it both qualify on mostly the same tickets,
    the more specific place is kept.
    """
    complaints = [c for c in ctx["complaints"] if _site_complaint(c)]
    about: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in complaints:
        for k in set(c["sites"] or []) | {m for m in (c["mentions"] or []) if m.startswith("site:")}:
            about[k].append(c)
    found: dict[str, list[dict[str, Any]]] = {}
    for key, cs in sorted(about.items()):
        cs = sorted({c["doc"]: c for c in cs}.values(), key=lambda c: (c["t"] or datetime.min, c["doc"]))
        best: list[dict[str, Any]] = []
        for i in range(len(cs)):  # the densest 90-day window
            if cs[i]["t"] is None:
                continue
            win = [c for c in cs[i:] if c["t"] is not None and c["t"] - cs[i]["t"] <= timedelta(days=90)]
            if len(win) > len(best):
                best = win
        if len(best) >= 3:
            found[key] = best
    out = []
    for key, best in found.items():
        docs = {c["doc"] for c in best}
        name = key.split(":", 1)[1]
        # a place inside this one names it (`屠甸镇` in `嘉兴市桐乡市屠甸镇西渚村村后荒地`, with
        # or without the city and county before it)
        inner = [k for k in found if k != key and name in k.split(":", 1)[1]]
        if any(len(docs & {c["doc"] for c in found[k]}) * 2 >= len(docs) for k in inner):
            continue  # a town or village whose complaints are mostly about one place in it
        out.append(
            Alert(
                "repeated_complaints",
                round(min(1.0, 0.5 + 0.1 * (len(best) - 2)), 3),
                f"{name} 90 天内被投诉 {len(best)} 次",
                [key],
                [c["doc"] for c in best],
                _iso(best[-1]["t"]),
                {"count": len(best)},
            )  # fmt: skip
        )
    return out


def _gang_vehicles(store: GraphStore) -> tuple[dict[str, str], set[str]]:
    """Vehicle key → the stored gang it works for, and the gangs' convoy cars.

    The gang's vehicles are `Gang.vehicles` (its members' and its cases'), less those that
    reach it only through a member whom co-travel alone admitted (MEMBER_OF.rules =
    checkpoint): such a car is the companion the alert is about — counted as the gang's
    own, the convoy that put its driver in the gang would never be shown as one.  Those
    cars are the second value."""
    gang_of: dict[str, str] = {}
    for r in store.query("inv_gang_vehicles"):
        gang_of.setdefault(r["vehicle"], r["gang"])
    if not gang_of:
        return gang_of, set()
    convoy_only: dict[str, set[str]] = defaultdict(set)  # vehicle → gangs it reaches by co-travel alone
    by_others: set[tuple[str, str]] = set()  # (vehicle, gang) held by a member admitted otherwise
    for r in paged(store, "inv_gang_member_vehicles"):
        only_convoy = set(r["rules"] or ()) == {"checkpoint"}
        for v in (*(r["own"] or ()), *(r["cased"] or ())):
            if only_convoy:
                convoy_only[v].add(r["gang"])
            else:
                by_others.add((v, r["gang"]))
    convoy_cars = set()
    for v, gangs in convoy_only.items():
        if gang_of.get(v) in gangs and (v, gang_of[v]) not in by_others:
            del gang_of[v]
            convoy_cars.add(v)
    return gang_of, convoy_cars


def detect_gang_associates(store: GraphStore, ctx: dict[str, Any], window_min: int = 10) -> list[Alert]:
    """Vehicles read beside a gang's vehicle (same checkpoint, within `window_min`) on two or
    more occasions (day and checkpoint); or once, at night at a checkpoint that guards a
    sensitive site, when the car is one whose driver gang detection admitted by that co-travel
    (its convoy tie, `investigations.gangs.convoy`, weighs the single night pass together with
    everything else known of the driver).  A lead car runs with a dumping truck to a pit once
    per job and a second job may never be read; but an unknown car's single night pass beside
    a gang truck is chance: at 220k records (tuning seed 9606, variation mode) 189 of 191 such
    alerts matched no planted companion."""
    gang_of, convoy_cars = _gang_vehicles(store)
    if not gang_of:
        return []
    guarded = _guarded_checkpoints(store, ctx)
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ctx["reads"]:
        by_site[r["site"]].append(r)
    hits: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    win = timedelta(minutes=window_min)
    for reads in by_site.values():
        reads.sort(key=lambda r: r["t"])
        lo = 0
        for hi, r in enumerate(reads):
            while reads[hi]["t"] - reads[lo]["t"] > win:
                lo += 1
            for o in reads[lo:hi]:
                for a, b in ((r, o), (o, r)):
                    if a["vehicle"] in gang_of and b["vehicle"] not in gang_of and not _is_police(b["vehicle"]):
                        hits[(b["vehicle"], gang_of[a["vehicle"]])].append((b, a))
    out = []
    for (v, gang), pairs in sorted(hits.items()):
        occasions = {(p[0]["t"].date(), p[0]["site"]) for p in pairs}
        night = any(p[0]["site"] in guarded and (is_night(p[0]["t"]) or is_night(p[1]["t"])) for p in pairs)
        if len(occasions) < 2 and not (night and v in convoy_cars):
            continue
        ev = sorted({d for p in pairs for d in (p[0]["doc"], p[1]["doc"]) if d})
        title = f"{v.split(':', 1)[1]} 与团伙车辆同行 {len(occasions)} 次" + ("（夜间，敏感点位）" if night else "")
        out.append(
            Alert(
                "gang_associate",
                round(min(1.0, 0.4 + 0.15 * len(occasions) + (0.15 if night else 0.0)), 3),
                title,
                [v, gang],
                ev,
                _iso(max(p[0]["t"] for p in pairs)),
                {"occasions": len(occasions), "night_at_sensitive_site": night},
            )  # fmt: skip
        )
    return out


def detect_producer_silent(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    """A producer whose manifests stop (or collapse) while complaints about it come in.

    Stopped: no manifest for more than 2.5 × its usual interval (and 30 days)
    before the end of the data — two manifests already give an interval (a small
    plant files a transfer every few weeks; one that filed twice and then nothing
    for months while complaints come in is the pattern); collapsed: the last 90 days carry under half
    its earlier rate.  Complaints: hotline tickets or grid events linked to or
    naming the producer after its last regular manifest.  A plant that stops
    without complaints (closed down) or is complained about while filing
    normally is not flagged.
    """
    manifests = store.query("inv_manifests", company=None)
    by_prod: dict[str, list[tuple[datetime, float, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for m in manifests:
        t = parse_time(m["time"])
        if t is not None:
            by_prod[m["producer"]].append(
                (t, float(m["tons"] or 0) if isinstance(m["tons"], (int, float)) else 0.0, m["doc"])
            )
            names[m["producer"]] = m["producer_name"]
    if not by_prod:
        return []
    end = max(t for v in by_prod.values() for t, _, _ in v)
    out = []
    for prod, ms in sorted(by_prod.items()):
        ms.sort()
        if len(ms) < 2:
            continue
        gaps = [(b[0] - a[0]).total_seconds() / 86400 for a, b in zip(ms, ms[1:])]
        usual = statistics.median(gaps)
        last = ms[-1][0]
        silent_days = (end - last).total_seconds() / 86400
        stopped = silent_days > max(30.0, 2.5 * usual)
        cut = end - timedelta(days=90)
        early = [x for t, x, _ in ms if t < cut]
        late = sum(x for t, x, _ in ms if t >= cut)
        span = max(1.0, (cut - ms[0][0]).total_seconds() / 86400)
        rate = sum(early) / span * 90 if early else 0.0
        collapsed = rate > 0 and late < 0.5 * rate and ms[0][0] < cut - timedelta(days=30)
        if not (stopped or collapsed):
            continue
        since = last if stopped else cut
        about = complaints_about(
            ctx["complaints"], {prod}, {names.get(prod) or "", _short_company(names.get(prod)) or ""}
        )
        after = [c for c in about if c["t"] and c["t"] > since]
        if not after:
            continue
        drop = 1.0 if stopped else 1 - late / rate
        ev = [d for _, _, d in ms[-3:] if d] + sorted(c["doc"] for c in after)
        title = (
            f"{names.get(prod) or prod} 自 {last:%Y-%m-%d} 起未再转移危废，其后投诉 {len(after)} 起"
            if stopped
            else f"{names.get(prod) or prod} 近 90 天转移量降 {drop:.0%}，投诉 {len(after)} 起"
        )
        out.append(
            Alert(
                "producer_silent",
                round(min(1.0, 0.5 + 0.2 * drop + 0.1 * len(after)), 3),
                title,
                [prod],
                ev,
                _iso(end),
                {"stopped": stopped, "last_manifest": _iso(last), "drop": round(drop, 3), "complaints": len(after)},
            )  # fmt: skip
        )
    return out


DETECTORS: dict[str, Callable[[GraphStore, dict[str, Any]], list[Alert]]] = {
    "night_dwell": detect_night_dwell,
    "manifest": detect_manifest_anomalies,
    "repeated_complaints": detect_repeated_complaints,
    "gang_associate": detect_gang_associates,
    "producer_silent": detect_producer_silent,
}
KINDS = {
    "night_dwell": ["night_dwell"],
    "manifest": ["manifest_no_reads", "manifest_off_route", "manifest_late", "manifest_short"],
    "repeated_complaints": ["repeated_complaints"],
    "gang_associate": ["gang_associate"],
    "producer_silent": ["producer_silent"],
}
