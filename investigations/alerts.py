"""Alert detectors, run after every ingest (`investigations.pipeline.run_analyses`).

Each detector returns `Alert`s with the evidence documents and a score in
[0, 1]; `run_detectors` replaces the previous alerts of the detectors it ran
with `Alert` nodes and `(:Alert)-[:FLAGS]->(entity)` relationships, so
re-running is idempotent (alert keys are stable: detector + the keys it fired
on).  Detectors:

* `night_dwell` — a vehicle read at night (20:00–05:00) at a checkpoint of a
  sensitive site (mine pit 矿坑/石矿/宕口, river bank 河/溪/港/岸, wetland 湿地),
  scored by dwell (in and out reads at the same checkpoint) and repetition;
  police plates (…警) are exempt.
* `manifest_no_reads`, `manifest_off_route`, `manifest_late`,
  `manifest_short` — the signals the 舟山 and 金华 platforms use: a transfer
  whose truck is never read by any checkpoint on the transfer day although the
  checkpoints were working; read at a sensitive site or at a checkpoint its
  carrier never uses on that producer's route; first read more than 6 h after
  departure; or a declared quantity under 60 % of the producer's median for
  that waste.
* `repeated_complaints` — three or more complaints (hotline, grid) about one
  site or company within 90 days.
* `gang_associate` — a plate read within 10 minutes of a known gang's vehicle
  at the same checkpoint on two or more occasions (needs `detect_gangs` write-back).
* `producer_silent` — a producer whose manifested tonnage in its last 90 days
  falls below half its earlier rate while complaints about it rise.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from investigations.chains import _complaints_index, _short_company, complaints_about
from investigations.common import is_night, paged, parse_time, sensitive_kind

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


@dataclass
class Alert:
    kind: str
    score: float
    title: str
    targets: list[str]
    evidence: list[str]
    time: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            raw = "\x1f".join([self.kind, *sorted(self.targets), str(self.details.get("discriminator", ""))])
            self.key = f"alert:{self.kind}:{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:12]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "score": self.score,
            "title": self.title,
            "targets": self.targets,
            "evidence": self.evidence,
            "time": self.time,
            "details": self.details,
        }


def _iso(t: datetime | None) -> str | None:
    return t.isoformat(sep=" ") if t else None


def _is_police(plate: str) -> bool:
    return plate.endswith("警") or "WJ" in plate.upper()


def _reads(store: GraphStore) -> list[dict[str, Any]]:
    out = []
    for r in paged(store, "inv_all_reads"):
        t = parse_time(r["time"])
        if t is not None:
            r["t"] = t
            out.append(r)
    return out


# --------------------------------------------------------------------------- detectors


def detect_night_dwell(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    sites = ctx["sites"]
    by_vs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ctx["reads"]:
        s = sites.get(r["site"], {})
        kind = sensitive_kind(s.get("name"), s.get("kind"))
        if kind and is_night(r["t"]) and not _is_police(r["vehicle"]):
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
        dwell = max(((vv[-1]["t"] - vv[0]["t"]).total_seconds() / 60 for vv in visits), default=0.0)
        s = sites.get(site, {})
        score = min(1.0, 0.4 + 0.3 * min(1.0, dwell / 60) + 0.15 * min(2, len(visits) - 1))
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
                    "site_kind": sensitive_kind(s.get("name"), s.get("kind")),
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
    # routes: checkpoints each (producer, receiver) pair's trucks pass within a day of a manifest
    route: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    trips: list[tuple[dict[str, Any], str | None, list[dict[str, Any]]]] = []
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
            off = []
            for r in on_trip:
                s = sites.get(r["site"], {})
                seen = route[(m["producer"], m["receiver"])].get(r["site"], 0)
                others = sum(route[(m["producer"], m["receiver"])].values())
                if sensitive_kind(s.get("name"), s.get("kind")) or (others >= 6 and seen <= 1):
                    off.append(r)
            if off:
                night = any(is_night(r["t"]) for r in off)
                sens = any(
                    sensitive_kind(sites.get(r["site"], {}).get("name"), sites.get(r["site"], {}).get("kind"))
                    for r in off
                )
                score = 0.5 + 0.25 * night + 0.2 * sens
                names = "、".join(sorted({sites.get(r["site"], {}).get("name") or r["site"] for r in off}))
                out.append(
                    Alert(
                        "manifest_off_route",
                        round(min(1.0, score), 3),
                        f"联单 {label} 车辆偏离路线：{names}",
                        targets + sorted({r["site"] for r in off}),
                        base_ev + sorted({r["doc"] for r in off if r["doc"]}),
                        _iso(t),
                        {"manifest": m["manifest"], "night": night, "discriminator": m["doc"]},
                    )  # fmt: skip
                )
            first = min(r["t"] for r in on_trip)
            if t is not None and first - t > timedelta(hours=6):
                hours = (first - t).total_seconds() / 3600
                out.append(
                    Alert(
                        "manifest_late",
                        round(min(1.0, 0.4 + hours / 48), 3),
                        f"联单 {label} 车辆出发 {hours:.1f} 小时后才被卡口读到",
                        targets,
                        base_ev + [on_trip[0]["doc"]],
                        _iso(t),
                        {"manifest": m["manifest"], "hours": round(hours, 1), "discriminator": m["doc"]},
                    )  # fmt: skip
                )
        lst = tons.get((m["producer"], str(m["waste_code"] or m["waste"])), [])
        if isinstance(m["tons"], (int, float)) and len(lst) >= 4:
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


def _is_pollution(c: dict[str, Any]) -> bool:
    cat = f"{c.get('category') or ''}{c.get('event_type') or ''}"
    if any(w in cat for w in ("污染", "倾倒", "固废", "排污", "水", "大气", "土壤", "危废")):
        return True
    if cat and any(w in cat for w in ("噪声", "捕捞", "狩猎", "其他")):
        return False
    return any(w in c["alltext"] for w in POLLUTION_WORDS)


def detect_repeated_complaints(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    complaints = [c for c in ctx["complaints"] if _is_pollution(c)]
    about: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in complaints:
        for k in set(c["sites"] or []) | {m for m in (c["mentions"] or []) if m.startswith(("site:", "company:"))}:
            about[k].append(c)
    for comp in ctx["companies"]:
        short = _short_company(comp["name"])
        if not short:
            continue
        for c in complaints:
            if short in c["alltext"] and c not in about[comp["key"]]:
                about[comp["key"]].append(c)
    out = []
    for key, cs in sorted(about.items()):
        cs = sorted(cs, key=lambda c: (c["t"] or datetime.min, c["doc"]))
        best: list[dict[str, Any]] = []
        for i in range(len(cs)):  # the densest 90-day window
            if cs[i]["t"] is None:
                continue
            win = [c for c in cs[i:] if c["t"] is not None and c["t"] - cs[i]["t"] <= timedelta(days=90)]
            if len(win) > len(best):
                best = win
        if len(best) >= 3:
            out.append(
                Alert(
                    "repeated_complaints",
                    round(min(1.0, 0.4 + 0.15 * (len(best) - 2)), 3),
                    f"{key.split(':', 1)[1]} 90 天内被投诉 {len(best)} 次",
                    [key],
                    [c["doc"] for c in best],
                    _iso(best[-1]["t"]),
                    {"count": len(best)},
                )  # fmt: skip
            )
    return out


def detect_gang_associates(store: GraphStore, ctx: dict[str, Any], window_min: int = 10) -> list[Alert]:
    gang_of: dict[str, str] = {}
    for r in store.query("inv_gang_vehicles"):
        gang_of.setdefault(r["vehicle"], r["gang"])
    if not gang_of:
        return []
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
        if len(occasions) < 2:
            continue
        ev = sorted({d for p in pairs for d in (p[0]["doc"], p[1]["doc"]) if d})
        out.append(
            Alert(
                "gang_associate",
                round(min(1.0, 0.4 + 0.15 * len(occasions)), 3),
                f"{v.split(':', 1)[1]} 与团伙车辆同行 {len(occasions)} 次",
                [v, gang],
                ev,
                _iso(max(p[0]["t"] for p in pairs)),
                {"occasions": len(occasions)},
            )  # fmt: skip
        )
    return out


def detect_producer_silent(store: GraphStore, ctx: dict[str, Any]) -> list[Alert]:
    manifests = store.query("inv_manifests", company=None)
    by_prod: dict[str, list[tuple[datetime, float, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for m in manifests:
        t = parse_time(m["time"])
        if t is not None and isinstance(m["tons"], (int, float)):
            by_prod[m["producer"]].append((t, float(m["tons"]), m["doc"]))
            names[m["producer"]] = m["producer_name"]
    if not by_prod:
        return []
    end = max(t for v in by_prod.values() for t, _, _ in v)
    cut = end - timedelta(days=90)
    complaints = [c for c in ctx["complaints"] if _is_pollution(c)]
    out = []
    for prod, ms in sorted(by_prod.items()):
        start = min(t for t, _, _ in ms)
        if start >= cut - timedelta(days=60):
            continue  # too little history
        early = sum(x for t, x, _ in ms if t < cut)
        late = sum(x for t, x, _ in ms if t >= cut)
        rate_early = early / max(1.0, (cut - start).days) * 90
        if rate_early <= 0 or late >= 0.5 * rate_early:
            continue
        about = complaints_about(complaints, {prod}, {names.get(prod) or "", _short_company(names.get(prod)) or ""})
        c_late = [c for c in about if c["t"] and c["t"] >= cut]
        c_early = [c for c in about if c["t"] and c["t"] < cut]
        if len(c_late) < 1 or len(c_late) <= len(c_early) * 90 / max(1.0, (cut - start).days):
            continue
        drop = 1 - late / rate_early
        ev = sorted({d for _, _, d in ms if d and _ >= cut - timedelta(days=120)} | {c["doc"] for c in c_late})
        out.append(
            Alert(
                "producer_silent",
                round(min(1.0, 0.35 + 0.35 * drop + 0.1 * len(c_late)), 3),
                f"{names.get(prod) or prod} 近 90 天转移量降 {drop:.0%}，投诉 {len(c_late)} 起",
                [prod],
                ev,
                _iso(end),
                {
                    "drop": round(drop, 3),
                    "complaints": len(c_late),
                    "tons_recent": late,
                    "tons_expected": round(rate_early, 2),
                },
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


def run_detectors(store: GraphStore, detectors: list[str] | None = None, write: bool = True) -> list[Alert]:
    """Run the detectors (all by default), replace their stored alerts, return them best first."""
    names = detectors or list(DETECTORS)
    for n in names:
        if n not in DETECTORS:
            raise ValueError(f"未知检测器 / unknown detector {n!r}; available: {', '.join(DETECTORS)}")
    ctx = {
        "sites": {r["key"]: r for r in store.query("inv_sites")},
        "reads": _reads(store),
        "complaints": _complaints_index(store),
        "companies": store.query("inv_companies"),
    }
    alerts: list[Alert] = []
    for n in names:
        alerts.extend(DETECTORS[n](store, ctx))
    uniq: dict[str, Alert] = {}
    for a in alerts:
        uniq.setdefault(a.key, a)
    alerts = sorted(uniq.values(), key=lambda a: (-a.score, a.kind, a.key))
    if write:
        kinds = sorted({k for n in names for k in KINDS[n]})
        store.run_write("inv_delete_alerts", detectors=kinds)
        rows, flags = [], []
        for a in alerts:
            rows.append(
                {
                    "key": a.key,
                    "props": {
                        "name": a.title,
                        "detector": a.kind,
                        "kind": a.kind,
                        "score": a.score,
                        "title": a.title,
                        "time": a.time,
                        "evidence": a.evidence,
                        "details_json": json.dumps(a.details, ensure_ascii=False, default=str),
                        "method": "inferred",
                    },
                }
            )
            for t in a.targets:
                flags.append({"alert": a.key, "target": t, "score": a.score, "fact": f"{a.key}|{t}"})
        for i in range(0, len(rows), 5000):
            store.run_write("inv_write_alerts", rows=rows[i : i + 5000])
        for i in range(0, len(flags), 5000):
            store.run_write("inv_write_flags", rows=flags[i : i + 5000])
    return alerts


def list_alerts(
    store: GraphStore, kind: str | None = None, min_score: float = 0.0, limit: int | None = None
) -> list[Alert]:
    """The stored alerts, best first."""
    out = []
    for r in store.query("inv_list_alerts"):
        p = r["props"] or {}
        if kind and p.get("kind") != kind:
            continue
        if float(p.get("score") or 0) < min_score:
            continue
        try:
            details = json.loads(p.get("details_json") or "{}")
        except json.JSONDecodeError:
            details = {}
        out.append(
            Alert(
                p.get("kind") or "",
                float(p.get("score") or 0),
                p.get("title") or "",
                sorted(t for t in r["targets"] if t),
                list(p.get("evidence") or []),
                p.get("time"),
                details,
                key=r["key"],
            )
        )
    out.sort(key=lambda a: (-a.score, a.kind, a.key))
    return out[:limit] if limit else out


def _norm_ident(v: Any) -> set[str]:
    """An identifier from the truth file in the forms our keys use."""
    s = str(v).strip()
    out = {s, s.split(":", 1)[-1]}
    for f in (ids.normalize_plate, ids.normalize_uscc, ids.normalize_vessel, ids.normalize_resident_id):
        n = f(s)
        if n:
            out.add(n)
    return {x for x in out if x}


def alert_precision(alerts: list[Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Precision of our alerts against the generator's `truth["alerts"]`.

    A truth alert (`{"kind", <identifiers…>, "true": bool}`) is matched by an
    alert of ours when every identifier value it names appears among our
    alert's target keys, evidence documents or details.  Precision =
    alerts matching a true planted case / alerts matching any planted case
    (planted decoys marked `true: false` count against us); `strict` counts
    every alert we raised in the denominator.  Recall = true planted alerts matched.
    """
    ours = [a.to_dict() if hasattr(a, "to_dict") else a for a in alerts]
    planted = truth.get("alerts", [])

    def tokens(a: dict[str, Any]) -> set[str]:
        out = set()
        for x in list(a.get("targets", [])) + list(a.get("evidence", [])):
            out |= {x, x.split(":", 1)[-1], x.rsplit(":", 1)[-1]}
        for v in (a.get("details") or {}).values():
            if isinstance(v, (str, int, float)):
                out.add(str(v))
        return out

    def idents(t: dict[str, Any]) -> list[set[str]]:
        out = []
        for k, v in t.items():
            if k in (
                "kind",
                "true",
                "score",
                "note",
                "reason",
                "time",
                "start",
                "end",
                "hours",
                "tons",
                "declared",
                "actual",
            ):
                continue
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, dict):
                    for y in x.values():
                        if isinstance(y, str) and y:
                            out.append(_norm_ident(y))
                elif isinstance(x, str) and x:
                    out.append(_norm_ident(x))
        return out

    matched_true: set[int] = set()
    tp = fp = unmatched = 0
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "unmatched": 0})
    planted_idents = [idents(t) for t in planted]
    for a in ours:
        tok = tokens(a)
        hit = None
        for i, t in enumerate(planted):
            ids_ = planted_idents[i]
            if ids_ and all(any(x in tok or any(x in s for s in tok if len(x) >= 6) for x in forms) for forms in ids_):
                if hit is None or (t.get("true") and not planted[hit].get("true")):
                    hit = i
        if hit is None:
            unmatched += 1
            per_kind[a["kind"]]["unmatched"] += 1
        elif planted[hit].get("true"):
            tp += 1
            matched_true.add(hit)
            per_kind[a["kind"]]["tp"] += 1
        else:
            fp += 1
            per_kind[a["kind"]]["fp"] += 1
    n_true = sum(1 for t in planted if t.get("true"))
    return {
        "alerts": len(ours),
        "true_positive": tp,
        "false_positive": fp,
        "unmatched": unmatched,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "strict_precision": round(tp / len(ours), 4) if ours else None,
        "recall": round(len(matched_true) / n_true, 4) if n_true else None,
        "per_kind": dict(per_kind),
    }


__all__ = ["Alert", "DETECTORS", "run_detectors", "list_alerts", "alert_precision"]
