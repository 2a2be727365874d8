"""Water pollution tracing: from exceedances at a monitoring station to the outfalls upstream.

The river network is a tree of segments (`FLOWS_INTO` downstream); a station
`MONITORS` one segment; outfalls `DISCHARGES_INTO` segments and companies
`OWNS` outfalls.  Candidates are every outfall on the station's segment or up
to 12 segments upstream, ranked by

* **hops** — segments between the outfall's and the station's (0: same
  segment); pollution dilutes and settles with distance:  h = 1 / (1 + hops);
* **pollutant match** — the exceeded indicators against what the owner
  handles: its manifests' waste codes (HW34 废酸 → pH, HW17 表面处理 → 总磷 …)
  and its trade as read from its name (养殖 → 氨氮/总磷/COD, 电镀 → 重金属 …);
  p ∈ [0, 1] = share of exceeded indicators explained;
* **timing** — the owner's manifested waste falls in the 90 days before the
  first exceedance against its earlier monthly mean (waste not shipped went
  somewhere), t ∈ [0, 1];
* **complaints** — hotline tickets and grid events about water (a water
  category, or a river, discharge or dead-fish description: a noise, smoke or
  building complaint says nothing of an outfall) from 30 days before to 7 days
  after the exceedances: one naming or linked to the owner or the outfall counts
  1 (direct evidence); one only within 2 km of it, or placed by its words on a
  stretch of river the outfall's water runs through (`investigations.rivers`:
  "梁家溪…河里翻白的鱼" for an outfall on 梁家溪 or upstream of it), counts ½, and
  all of those together at most 1 — they say there is trouble in the area or on
  the river there, which holds for every outfall there, and an outfall registered
  without coordinates collects them only by its river;
  c = min(1, (direct + min(1, around)) / 2).  A complaint
  dated nearer another exceedance event at the station belongs to that event
  (the earlier event's source collected it) and does not count for this one.

score = 0.45·p + 0.20·c + 0.15·t + 0.20·h.  Best first, ties by key.
With `indicator` / `time` only the exceedances of that pollutant / within
three days of that time count (a station can see two events).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.store import GraphStore
from investigations.chains import ComplaintIndex, _short_company, complaints_index
from investigations.common import parse_time
from investigations.rivers import place_on_stretches, stretches_by_river

# indicator → (waste codes, trades that drive it, trades that may add to it).
# Primary: the pollutant the trade's effluent is known for (acid pickling → pH,
# phosphating / electroplating / farm run-off → 总磷, etchant / leather / food /
# cold-chain → 氨氮, dyes / solvents / paints / wood / paper → COD); secondary
# counts half.  A sewage works is 污水处理 / 水务, never 污水 alone: outfalls are registered
# as `…污水排口` whatever their owner makes, and the outfall's name is read with the trade.
POLLUTANT_SOURCES: dict[str, tuple[set[str], str, str]] = {
    "ph": (
        {"HW34", "HW35", "HW31"},
        r"精细化工|酸洗|酸|碱|蓄电池|极板|铝业|铝材|建材|水泥|砂石|石料|石灰|冶炼",
        r"电镀|表面处理|化工",
    ),
    "cod": (
        # organic wastes: solvents, oils, dyes/paints, resins, pharmaceutical and pesticide residues,
        # distillation residues, phenols, ethers, organic halides
        {"HW02", "HW04", "HW06", "HW08", "HW11", "HW12", "HW13", "HW39", "HW40", "HW45", "HW49"},
        # the high-organic-load trades of the national discharge standards: chemicals, dyeing, paper
        # and pulp, pharmaceuticals and fermentation, brewing, starch, sugar, dairy, food, slaughter
        r"(?<!精细)化工|印染|染整|家具|汽车维修|汽修|新材料|机械|涂装|纺织|竹木|木业|造纸|纸业|制浆|制药|"
        r"发酵|酿造|酒业|酒厂|啤酒|黄酒|白酒|淀粉|糖业|制糖|乳业|乳品|豆制品|调味|味精|油漆|溶剂",
        r"食品|养殖|屠宰|污水处理|水务|皮革|金属制品",
    ),
    "氨氮": (
        {"HW21", "HW22"},
        r"电子电路|线路板|蚀刻|金属制品|皮革|制革|食品|水产|冷冻|屠宰|化肥|焦化",
        r"养殖|生猪|畜|禽|污水处理|水务|制药",
    ),
    "总磷": (
        {"HW17"},
        r"表面处理|磷化|电镀|农业开发|养殖|生猪|畜|禽|洗涤|化肥",
        r"污水处理|水务|食品",
    ),
    "总氮": ({"HW03"}, r"养殖|生猪|化肥|农业开发", r"污水处理|水务|食品"),
    "重金属": (
        {"HW17", "HW21", "HW22", "HW23", "HW24", "HW26", "HW29", "HW31", "HW46", "HW48"},
        r"电镀|电路|线路板|蓄电池|极板|表面处理|冶炼|铅|铬|镍|铜|锌",
        r"金属制品|机械",
    ),
    "石油类": ({"HW08", "HW09"}, r"汽车维修|汽修|机修|码头|船舶|加油|油库", r"机械|金属制品"),
}
_METALS = re.compile(r"铅|铬|镍|铜|锌|镉|汞|砷|重金属|pb|cr|ni|cu|zn|cd|hg", re.I)
NEAR_KM = 2.0
# What a complaint about water says: a water category, or the river, the discharge or what it
# did to the water (compound words, so that the 塘, 港 and 浜 of village names do not count).
_WATER_CATEGORY = re.compile(r"水|排污|河|渔")
_WATER_TEXT = re.compile(
    r"河面|河水|河道|河边|河里|河岸|河段|河沟|水面|水体|水色|水质|溪水|塘水|江面|湖面|沟渠|"
    r"排口|排污|偷排|直排|暗管|污水|废水|死鱼|鱼.{0,4}死|浮头|泡沫|白沫|油花|油污|漂浮|浑浊|发黑|黑臭|变色"
)


def about_water(complaint: dict[str, Any]) -> bool:
    """Whether a hotline ticket or grid event speaks of water: only those are evidence of a
    discharge (a noise or burning complaint near an outfall is not)."""
    category = f"{complaint.get('category') or ''} {complaint.get('event_type') or ''}"
    if _WATER_CATEGORY.search(category):
        return True
    return bool(_WATER_TEXT.search(complaint.get("text") or complaint.get("alltext") or ""))


def indicator_family(indicator: str | None) -> str:
    i = (indicator or "").strip().lower().replace(" ", "")
    if i in ("ph", "ph值"):
        return "ph"
    if "cod" in i or "化学需氧量" in i or "高锰酸盐" in i:
        return "cod"
    # the other measures of organic load: BOD5, TOC, and dissolved oxygen (consumed by it)
    if "bod" in i or "生化需氧量" in i or "toc" in i or "总有机碳" in i or "溶解氧" in i or i == "do":
        return "cod"
    if "氨氮" in i or "nh3" in i or "nh4" in i:
        return "氨氮"
    if "总磷" in i or i in ("tp",):
        return "总磷"
    if "总氮" in i or i in ("tn",):
        return "总氮"
    if "石油" in i or "油" in i:
        return "石油类"
    if _METALS.search(i):
        return "重金属"
    return i


@dataclass
class Candidate:
    outfall: str
    company: dict[str, Any]
    hops: int
    score: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        out = {"outfall": self.outfall, "company": self.company, "hops": self.hops, "score": self.score}
        if detail:
            out["details"] = self.details
        return out


@dataclass
class UpstreamReport:
    station: str
    candidates: list[Candidate]
    exceedances: list[dict[str, Any]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # where the search starts (the station's, or the segment)
    names: dict[str, dict[str, Any]] = field(default_factory=dict)  # site key → {name, kind}, for drawing

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"station": self.station, "candidates": [c.to_dict(detail) for c in self.candidates]}
        if detail:
            out["exceedances"] = self.exceedances
            out["segments"] = self.segments
            out["sites"] = self.names
        return out


def _km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> float | None:
    try:
        lon1, lat1, lon2, lat2 = (float(x) for x in (lon1, lat1, lon2, lat2))
    except (TypeError, ValueError):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _truthy(v: Any) -> bool:
    return v is True or str(v).strip().lower() in ("true", "是", "1", "yes", "y")


def _nearer_other_event(t: Any, own: list[Any], other: list[Any]) -> bool:
    """Whether a complaint dated `t` lies nearer in time to another exceedance event at this
    station than to any exceedance of this one.

    Why: a station sees several events, and the outfall that caused the earlier
    one collects the complaints of its time; counted again for a later event
    they would rank it over the later event's source (a tannery on the
    station's segment, complained of eleven days before a COD event caused two
    segments up).  A complaint as near to both counts for both."""
    if t is None or not own or not other:
        return False

    def gap(times: list[Any]) -> float:
        i = bisect_left(times, t)
        return min(abs((times[j] - t).total_seconds()) for j in (i - 1, i) if 0 <= j < len(times))

    return gap(other) < gap(own)


def upstream_candidates(
    store: GraphStore,
    station_id: str,
    indicator: str | None = None,
    time: Any = None,
    complaints: ComplaintIndex | None = None,
) -> UpstreamReport:
    """Outfalls upstream of a monitoring station, or of a river segment, most likely source
    first (see module doc).  A segment has no readings of its own: its candidates rank
    by distance and complaints unless a station on it saw exceedances."""
    station = station_id if station_id.startswith("site:") else f"site:{station_id.strip()}"
    info = store.query("inv_station", station=station)
    if not info or info[0]["station"] is None:
        raise ValueError(f"找不到监测站点或河段 / no monitoring station or river segment {station_id!r}")
    segments = sorted(info[0]["segments"] or [])
    if not segments:  # a river segment (or a site on none): search upstream of the site itself
        segments = [station]
    readings = store.query("inv_station_readings", station=station)
    exceed = [r for r in readings if _truthy(r["exceeded"])]
    all_times = sorted(t for t in (parse_time(r["time"]) for r in exceed) if t is not None)
    if indicator:
        fam = indicator_family(indicator)
        exceed = [r for r in exceed if indicator_family(r["indicator"]) == fam]
    if time is not None and parse_time(time) is not None:
        t0 = parse_time(time)
        exceed = [
            r for r in exceed if (t := parse_time(r["time"])) is not None and abs((t - t0).total_seconds()) <= 3 * 86400
        ]
    families = {indicator_family(r["indicator"]) for r in exceed}
    times = sorted(t for t in (parse_time(r["time"]) for r in exceed) if t is not None)
    t_first, t_last = (times[0], times[-1]) if times else (None, None)
    rows = store.query("inv_upstream_outfalls", segments=segments)
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        cur = best.get(r["outfall"])
        if cur is None or r["seg_hops"] < cur["seg_hops"] or (cur["company"] is None and r["company"]):
            best[r["outfall"]] = r
    companies = sorted({r["company"] for r in best.values() if r["company"]})
    waste: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if companies:
        for w in store.query("inv_company_waste", keys=companies):
            waste[w["company"]].append(w)
    if complaints is None:  # a caller asking for many stations reads them once (compare_with_truth)
        complaints = complaints_index(store)
    # complaints around the exceedances (all of them when there are none to date the event)
    in_window = (
        complaints if t_first is None else complaints.between(t_first - timedelta(days=30), t_last + timedelta(days=7))
    )
    other_times = sorted(set(all_times) - set(times))
    water_complaints = [
        c for c in in_window if about_water(c) and not _nearer_other_event(c.get("t"), times, other_times)
    ]
    site_keys = {station, *segments, *best, *(k for r in best.values() for k in (r["seg_path"] or []))}
    site_names = {
        r["key"]: {"name": r["name"], "kind": r["kind"]} for r in store.query("inv_site_names", keys=sorted(site_keys))
    }
    rivers = stretches_by_river({k: v["name"] for k, v in site_names.items() if v["kind"] == "segment"})
    placed = {c["doc"]: place_on_stretches(c["alltext"], rivers) for c in water_complaints}
    cands = []
    for o, r in best.items():
        comp = r["company"]
        name = r["company_name"] or ""
        # pollutant match
        codes = {str(w["waste_code"] or "").upper() for w in waste.get(comp, [])}
        wnames = " ".join(str(w["waste"] or "") for w in waste.get(comp, []))
        explained = set()
        p_sum = 0.0
        trade = name + " " + wnames + " " + (r["outfall_name"] or "")
        for fam in families:
            src = POLLUTANT_SOURCES.get(fam)
            if not src:
                continue
            if codes & src[0] or re.search(src[1], trade):
                explained.add(fam)
                p_sum += 1.0
            elif re.search(src[2], trade):
                explained.add(fam)
                p_sum += 0.5
        p = p_sum / len(families) if families else 0.0
        # timing: manifested tons in the 90 days before the first exceedance vs the monthly mean before that
        t_score = 0.0
        if t_first is not None and waste.get(comp):
            recent = earlier = 0.0
            t_min = None
            for w in waste[comp]:
                wt = parse_time(w["time"])
                tons = float(w["tons"] or 0)
                if wt is None or wt > t_first:
                    continue
                t_min = wt if t_min is None or wt < t_min else t_min
                if wt >= t_first - timedelta(days=90):
                    recent += tons
                else:
                    earlier += tons
            if t_min is not None and earlier > 0:
                months_before = max(1.0, (t_first - timedelta(days=90) - t_min).days / 30.0)
                expected = earlier / months_before * 3
                if expected > 0:
                    t_score = max(0.0, min(1.0, 1 - recent / expected))
        # complaints near the outfall, naming the owner or the outfall, around the exceedances
        names = {name, _short_company(name), r["outfall_name"]}
        passes = set(r["seg_path"] or [r["segment"]])  # the stretches its water runs through to the station
        near, direct, around = [], 0.0, 0.0
        for c in water_complaints:
            linked = o in (c["sites"] or []) or (comp and comp in (c["mentions"] or []))
            named = any(n and len(n) >= 3 and n in c["alltext"] for n in names)
            if linked or named:
                near.append(c["doc"])
                direct += 1.0
                continue
            d = _km(r["lon"], r["lat"], c["lon"], c["lat"])
            if (d is not None and d <= NEAR_KM) or placed[c["doc"]] & passes:
                near.append(c["doc"])
                around += 0.5
        c_score = min(1.0, (direct + min(1.0, around)) / 2)
        hops = int(r["seg_hops"])
        h = 1.0 / (1 + hops)
        score = 0.45 * p + 0.20 * c_score + 0.15 * t_score + 0.20 * h
        cands.append(
            Candidate(
                o,
                {"key": comp, "name": r["company_name"]},
                hops,
                round(score, 4),
                {
                    "outfall_name": r["outfall_name"],
                    "segment": r["segment"],
                    "segment_path": list(r["seg_path"] or [r["segment"]]),
                    "pollutant_match": sorted(explained),
                    "timing": round(t_score, 3),
                    "complaints": sorted(near),
                },
            )
        )
    cands.sort(key=lambda c: (-c.score, c.hops, c.outfall))
    exc = [{"doc": r["doc"], "indicator": r["indicator"], "value": r["value"], "time": r["time"]} for r in exceed]
    exc.sort(key=lambda e: (str(e["time"]), str(e["indicator"])))
    return UpstreamReport(station, cands, exc, segments, site_names)


def water_sites(store: GraphStore) -> list[dict[str, Any]]:
    """Monitoring stations (with their count of exceeded readings) and river segments."""
    return store.query("inv_water_sites")


def compare_with_truth(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """For every planted water event: is the planted source outfall ranked first?"""
    rows = []
    events = truth.get("water_events", [])
    complaints = complaints_index(store) if events else None
    for ev in events:
        try:
            cands = upstream_candidates(
                store, ev["station"], ev.get("indicator"), ev.get("time"), complaints
            ).candidates
        except ValueError:
            cands = []
        src = str(ev.get("source_outfall"))
        rank = next((i + 1 for i, c in enumerate(cands) if c.outfall.split(":", 1)[-1] == src.split(":", 1)[-1]), None)
        rows.append(
            {"station": ev["station"], "source": src, "rank": rank, "first": rank == 1, "candidates": len(cands)}
        )
    return {"events": len(rows), "ranked_first": sum(r["first"] for r in rows), "per_event": rows}


__all__ = [
    "Candidate",
    "UpstreamReport",
    "upstream_candidates",
    "water_sites",
    "compare_with_truth",
    "indicator_family",
    "about_water",
]
