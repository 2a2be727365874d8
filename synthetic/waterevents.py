"""Water events: a river network with stations and outfalls, and exceedances whose source is one outfall upstream.

`plant_water` writes segments, outfalls and readings; each planted event has
exactly one upstream outfall whose trade emits the pollutant that exceeds,
with decoy outfalls upstream that emit other pollutants, so the upstream
search must trace a reading back to its source (`water_events` in
`truth.json`).
"""

from __future__ import annotations

from datetime import timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS, Checkpoint
from synthetic.manifests import Firms
from synthetic.storykit import on_day
from synthetic.world import Company

__all__ = ["near", "plant_water"]


# ====================================================================== water
def plant_water(b: Block, firms: Firms, wid: str) -> None:
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    city = {"湖州": "HZ", "嘉兴": "JX"}[region.city]
    base = f"{city}-{region.grid_code}{b.index + 1:03d}"
    river = rng.choice(region.rivers)
    # trunk s0 (outlet) <- s1 <- s2 <- s3 ; tributaries join trunk segments
    segs: list[dict] = []

    def seg(name: str, down: str | None) -> dict:
        s = {"id": f"{base}-{len(segs) + 1:02d}", "name": name, "down": down}
        segs.append(s)
        return s

    towns = rng.sample(region.towns, min(4, len(region.towns)))
    trunk = []
    down = None
    for i in range(4):
        s = seg(
            f"{river}（{towns[i % len(towns)]}段）"
            if i
            else f"{river}（入{rng.choice(('太湖', '运河', '干流'))}口段）",
            down,
        )
        trunk.append(s)
        down = s["id"]
    tribs = []
    for _ in range(rng.randint(2, 3)):
        join = rng.choice(trunk[1:])
        t_town = rng.choice(region.towns)
        tv = g.village(region, t_town)
        s1 = seg(f"{tv[:2]}{rng.choice(('溪', '港', '浜', '河'))}（{tv}段）", join["id"])
        tribs.append((s1, t_town, tv))
        if rng.random() < 0.5:
            s2 = seg(f"{tv[:2]}{rng.choice(('溪', '港'))}上游（{tv}以上）", s1["id"])
            tribs.append((s2, t_town, tv))
    for s in segs:
        g.seg.row([s["id"], s["name"], s["down"] or ""])
    parent = {s["id"]: s["down"] for s in segs}

    def upstream_of(sid: str) -> set[str]:
        out = set()
        for s in segs:
            x = s["id"]
            while x:
                if x == sid:
                    out.add(s["id"])
                    break
                x = parent[x]
        return out

    # outfalls: decide the industries first, so each event has exactly one upstream outfall with its pollutant
    all_inds = [i for i, _, _ in V.PRODUCER_INDUSTRIES] + list(V.OTHER_INDUSTRIES)
    outfalls = []
    for s in segs:
        for _ in range(rng.choices((0, 1, 2), weights=(1, 4, 2))[0]):
            outfalls.append({"seg": s["id"], "industry": rng.choice(all_inds)})
    st_segs = rng.sample([s["id"] for s in segs], min(len(segs), rng.randint(2, 3)))
    stations = []
    for sid in st_segs:
        n = g.station_seq.get(region.code, 0) + 1
        g.station_seq[region.code] = n
        sname = next(s["name"] for s in segs if s["id"] == sid).replace("（", "").replace("）", "") + rng.choice(
            ("桥", "断面", "闸", "站", "大桥")
        )
        stations.append(
            {
                "id": f"JC-{region.grid_code}-{n:02d}",
                "name": sname,
                "seg": sid,
                "inds": rng.sample(V.INDICATORS, rng.randint(3, 4)),
            }
        )
    events = []  # (primary station, outfall index, indicator, day, affected stations)
    fixed: set[int] = set()
    for si in rng.sample(range(len(outfalls)), len(outfalls)):
        if len(events) >= 2 or si in fixed:
            continue
        affected = [st for st in stations if outfalls[si]["seg"] in upstream_of(st["seg"])]
        if not affected:
            continue
        affected.sort(key=lambda st: len(upstream_of(st["seg"])))
        primary = affected[0]
        free = [x for x in primary["inds"] if all(e[2] != x for e in events)]
        if not free:
            continue
        ind = rng.choice(free)
        for st in affected:
            if ind not in st["inds"]:
                st["inds"].append(ind)
        outfalls[si]["industry"] = rng.choice([k for k, v in V.INDUSTRY_INDICATOR.items() if v == ind])
        fixed.add(si)
        zone = set().union(*(upstream_of(st["seg"]) for st in affected))
        for j, o in enumerate(outfalls):  # decoys upstream carry other pollutants
            if j != si and o["seg"] in zone and V.INDUSTRY_INDICATOR[o["industry"]] == ind:
                o["industry"] = rng.choice(
                    [k for k, v in V.INDUSTRY_INDICATOR.items() if v != ind and v not in [e[2] for e in events]]
                )
                fixed.add(j)
        day = rng.randrange(30, DAYS - 45) if not events else events[0][3] + rng.randint(4, 20)
        events.append((primary, si, ind, day, affected))
    for o in outfalls:
        comp = g.company(b.reg, region, "other", o["industry"])
        n = g.outfall_seq.get(region.code, 0) + 1
        g.outfall_seq[region.code] = n
        o.update(
            id=f"PK-{region.grid_code}-{n:03d}",
            company=comp,
            indicator=V.INDUSTRY_INDICATOR[o["industry"]],
            kind=rng.choice(("雨水排口", "污水排口", "雨水排放口", "废水总排口", "排放口")),
        )
        o["lon"], o["lat"] = b._near_region(region)
    events = [(st, outfalls[si], ind, day, aff) for st, si, ind, day, aff in events]
    for o in outfalls:
        doc = f"doc:outfall:{o['id']}"
        c = o["company"]
        lon, lat = (f"{o['lon']:.4f}", f"{o['lat']:.4f}") if rng.random() < 0.93 else ("", "")
        line = g.outf.row(
            [
                o["id"],
                f"{c.name if rng.random() < 0.3 else c.core}{o['kind']}",
                b.reg.company_text(c, doc, "所属单位"),
                c.uscc if rng.random() < 0.95 else "",
                o["seg"],
                lon,
                lat,
            ]
        )
        o["line"] = line
    w0 = min((e[3] for e in events), default=60) - 7
    w1 = max((e[3] for e in events), default=60) + 7
    for day in range(w0, w1 + 1):
        when = on_day(day) + timedelta(hours=8)
        for st in stations:
            for ind in st["inds"]:
                val, over = _reading(rng, ind, st, events, day)
                line = g.read.row(
                    [st["id"], st["name"], st["seg"], when.strftime("%Y-%m-%d %H:%M"), ind, val, "是" if over else "否"]
                )
                del line
    for st, src, ind, day, aff in events:
        when = on_day(day) + timedelta(hours=8)
        c: Company = src["company"]
        seg_name = next(s["name"] for s in segs if s["id"] == src["seg"])
        vill = c.village
        place = f"{region.name}{c.town}{vill}"
        t = on_day(day - 1) + timedelta(hours=rng.uniform(18, 31))
        key = b.ticket_id(region, t)
        what = {
            "pH": rng.choice(("smell", "fish")),
            "COD": rng.choice(("color", "foam", "smell")),
            "氨氮": rng.choice(("smell", "fish")),
            "总磷": rng.choice(("color", "pipe", "foam")),
        }[ind]
        content = T.hotline_water(rng, place if rng.random() < 0.5 else f"{vill}", seg_name.split("（")[0], what)
        hk = b.hotline(
            region,
            t,
            "水污染",
            content,
            place,
            b.unit_for(region, "水污染", c.town),
            T.reply_text(rng, rng.choice(("nothing", "referred")), date="次日", police=region.police),
            key=key,
        )
        extra_docs = []
        if rng.random() < 0.6:  # a grid worker finds the discharge near the source, sometimes naming the firm
            gt = when + timedelta(hours=rng.uniform(1, 30))
            gkey = b.grid_id(region, gt)
            near = f"{c.town}{vill}"
            if rng.random() < 0.5:
                near = b.reg.company_text(c, gkey, "事件描述", "text") + rng.choice(
                    ("附近", "厂区外", "东侧", "围墙外")
                )
            desc = T.grid_water(rng, near, seg_name.split("（")[0], what)
            extra_docs.append(b.grid(region, gt, c.town, vill, "水污染", desc, (src["lon"], src["lat"]), key=gkey))
        readings = [f"doc:reading:{st['id']}:{(when + timedelta(days=k)):%Y%m%d%H%M%S}:{ind}" for k in range(2)]
        ups = upstream_of(st["seg"])
        g.truth.add(
            "water_events",
            {
                "id": f"{wid}-{st['id']}",
                "station": st["id"],
                "indicator": ind,
                "source_outfall": src["id"],
                "company": {"uscc": c.uscc, "name": c.name},
                "time": when,
                "segment": st["seg"],
                "source_segment": src["seg"],
                "upstream_outfalls": [o["id"] for o in outfalls if o["seg"] in ups],
                "decoy_outfalls": [o["id"] for o in outfalls if o["seg"] in ups and o is not src],
                "same_pollutant_not_upstream": [
                    o["id"] for o in outfalls if o["seg"] not in ups and o["indicator"] == ind
                ],
                "also_affected_stations": [a["id"] for a in aff[1:]],
                "docs": [hk, *extra_docs, *readings, f"doc:outfall:{src['id']}"],
            },
        )


def _reading(rng, ind: str, st: dict, events, day: int) -> tuple[str, bool]:
    mean, sd = V.INDICATOR_NORMAL[ind]
    v = rng.gauss(mean, sd)
    if ind == "pH":
        v = min(max(v, 6.6), 8.4)
    else:
        v = min(max(v, mean * 0.3), V.INDICATOR_LIMIT[ind] * 0.85)
    for est, _src, eind, eday, aff in events:
        if eind != ind or not (0 <= day - eday <= 2) or st not in aff:
            continue
        k = (1.0, 0.75, 0.45)[day - eday] * (1.0 if est is st else 0.6)
        v = _exceed(ind, k, rng)
    if ind == "pH":
        v = min(max(v, 1.5), 11.0)
        return f"{v:.1f}", v < 6 or v > 9
    v = max(v, 0.01)
    text = f"{v:.0f}" if ind == "COD" else f"{v:.2f}"
    return text, float(text) > V.INDICATOR_LIMIT[ind]


def _exceed(ind: str, k: float, rng) -> float:
    if ind == "pH":
        return 7.3 - k * rng.uniform(3.0, 5.0)
    lim = V.INDICATOR_LIMIT[ind]
    return lim * (1 + k * rng.uniform(0.5, 3.0)) if k >= 0.4 else lim * rng.uniform(0.6, 0.9)


def near(cp: Checkpoint) -> tuple[float, float]:
    return cp.lon, cp.lat
