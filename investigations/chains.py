"""Waste pollution chains: producer → carrier / driver / vehicle → receiver or dump site.

A *chain* groups the transfer manifests that share producer, carrier,
vehicle, driver name and declared receiver.  Each chain is checked for three
signs of illegal disposal:

* `unlicensed_receiver` — the declared receiver is not a licensed disposal
  company (a `licensed` flag when the data carry one; otherwise its name is not
  that of a disposal / environmental-services firm and it receives from fewer
  than three producers);
* `night_at_sensitive_site` — within a day of a manifest the vehicle is read
  at night (20:00–05:00) at a checkpoint of a mine pit, river bank or wetland,
  or a document says the vehicle / driver / carrier dumped at a site
  (DUMPED_AT).  That site becomes the chain's end;
* `complaints` — hotline tickets or grid events mention the producer, carrier,
  vehicle or dump site (by graph link or by name in the text).

score = 0.45·night + 0.30·unlicensed + 0.25·min(1, complaints/2), in [0, 1].
Without a company or site filter only flagged chains (score > 0) are listed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from investigations.common import is_night, parse_time
from investigations.dumpsites import DumpSites

CARRIER_NAME = re.compile(r"物流|货运|运输|车队|搬运|危货|危险品")
WASTE_CRIME = re.compile(r"污染环境|倾倒|危险废物|废液|废酸|污泥|固废|非法处置")
LICENSED_NAME = re.compile(
    r"环境服务|环保科技|环境科技|环保|固废|危废|处置|资源再生|再生资源|环境工程|水务|污水处理|焚烧|填埋"
)
NIGHT_WINDOW = timedelta(hours=30)  # after the manifest time: the trip and the night that follows
TURNAROUND = timedelta(hours=4)  # in past a checkpoint and out again: the stop lies beyond it
# What a chain's flags say, in the words an analyst reads (CLI tables, exports).
FLAG_NAMES = {
    "night_at_sensitive_site": "夜间经过敏感点位",
    "unlicensed_receiver": "接收单位无处置资质",
    "complaints": "有群众投诉",
    "case": "有立案材料",
}


def flag_name(flag: str) -> str:
    return FLAG_NAMES.get(flag, flag)


@dataclass
class Chain:
    kind: str
    path: list[dict[str, Any]]  # {"key","type","name"} upstream → downstream
    evidence: list[str]
    score: float
    flags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        out = {"kind": self.kind, "path": self.path, "evidence": self.evidence, "score": self.score}
        if detail:
            out["flags"] = self.flags
            out["details"] = self.details
        return out


@dataclass
class ChainReport:
    chains: list[Chain]

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        return {"chains": [c.to_dict(detail) for c in self.chains]}


def _short_company(name: str | None) -> str | None:
    """长兴恒泰精细化工有限公司 → 恒泰精细化工 (what a caller would say)."""
    if not name:
        return None
    n = re.sub(r"(股份)?有限(责任)?公司$|专业合作社$|厂$", "", name)
    n = re.sub(
        r"^(浙江省?|湖州市?|长兴县?|德清县?|安吉县?|吴兴区?|南浔区?|舟山市?|岱山县?|张掖市?|嘉兴市?|杭州市?|宁波市?|绍兴市?|金华市?)+",
        "",
        n,
    )
    return n if len(n) >= 3 else None


def _node(key: str, label: str | None, name: str | None) -> dict[str, Any]:
    return {"key": key, "type": label, "name": name or key.split(":", 1)[-1]}


class ComplaintIndex(list):
    """The county's complaints (hotline tickets, grid events), each a dict, with two lookups built
    once: by linked key (the entities and sites a complaint mentions) and by name (one text of all
    complaints, searched with `str.find`).  The detectors ask `complaints_about` of every producer,
    carrier and dump site; scanning every complaint each time cost seconds at 200k records."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(rows)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        starts, parts, pos = [], [], 0
        for i, c in enumerate(rows):
            for k in c["linked"]:
                self.by_key[k].append(i)
            starts.append(pos)
            parts.append(c["alltext"])
            pos += len(c["alltext"]) + 1
        self.starts = starts
        self.text = "\x1f".join(parts)  # no name holds the separator: a hit never spans two complaints
        dated = sorted((c["t"], i) for i, c in enumerate(rows) if c.get("t") is not None)
        self._times = [t for t, _ in dated]
        self._by_time = [i for _, i in dated]
        self._undated = [i for i, c in enumerate(rows) if c.get("t") is None]

    def between(self, lo: Any, hi: Any) -> list[dict[str, Any]]:
        """Complaints dated from `lo` to `hi` (inclusive), and those without a date, which no
        window excludes: water tracing asks this once per event instead of testing every
        complaint for every candidate outfall."""
        a, b = bisect_left(self._times, lo), bisect_right(self._times, hi)
        return [self[i] for i in sorted(self._by_time[a:b] + self._undated)]

    def about(self, keys: set[str], names: list[str]) -> list[dict[str, Any]]:
        hit: set[int] = set()
        for k in keys:
            hit.update(self.by_key.get(k, ()))
        for n in names:
            at = self.text.find(n)
            while at >= 0:
                i = bisect_right(self.starts, at) - 1
                hit.add(i)
                # the next complaint's text starts after this one's
                nxt = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
                at = self.text.find(n, nxt)
        return [self[i] for i in sorted(hit)]


def complaints_index(store: GraphStore) -> ComplaintIndex:
    """Every complaint of the county, read once; a caller asking about many sites, producers or
    stations passes it on instead of reading them again for each (seconds each at 220k records)."""
    out = []
    for r in store.query("inv_complaints"):
        text = " ".join(str(r.get(k) or "") for k in ("text", "reply", "result", "address"))
        text = text.replace("\x1f", " ")
        linked = frozenset((r.get("mentions") or []) + (r.get("sites") or []))
        out.append({**r, "alltext": text, "linked": linked, "t": parse_time(r["time"])})
    return ComplaintIndex(out)


def complaints_about(complaints: list[dict[str, Any]], keys: set[str], names: set[str]) -> list[dict[str, Any]]:
    """Complaints linked to any of `keys` or naming any of `names` (3 characters or more) in their
    text, in their order."""
    names_ = [n for n in names if n and len(n) >= 3 and "\x1f" not in n]
    if isinstance(complaints, ComplaintIndex):
        return complaints.about(keys, names_)
    hits = []
    for c in complaints:
        linked = c.get("linked") or frozenset((c.get("mentions") or []) + (c.get("sites") or []))
        if not linked.isdisjoint(keys) or any(n in c["alltext"] for n in names_):
            hits.append(c)
    return hits


def _licensed(key: str, props: dict[str, Any], producers_of: dict[str, set[str]]) -> bool:
    for p in ("licensed", "hw_license", "license", "许可证"):
        if p in props and props[p] not in (None, ""):
            return bool(props[p]) and str(props[p]).lower() not in ("false", "否", "0", "no")
    if LICENSED_NAME.search(props.get("name") or ""):
        return True
    return len(producers_of.get(key, ())) >= 3


def find_waste_chains(
    store: GraphStore, company: str | None = None, site: str | None = None, include_all: bool | None = None
) -> ChainReport:
    """Waste chains, best (most suspicious) first.

    `company`: only chains in which that company is producer, carrier or
    receiver; `site`: only chains ending at that site, or whose truck was read
    there at night on the way (a checkpoint: `details["checkpoints"]`).  With either filter
    every chain is listed (flagged or not), else only flagged ones unless
    `include_all`.
    """
    manifests = store.query("inv_manifests", company=None)
    producers_of: dict[str, set[str]] = defaultdict(set)
    for m in manifests:
        producers_of[m["receiver"]].add(m["producer"])
    docs = sorted({m["doc"] for m in manifests if m["doc"]})
    parties: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for i in range(0, len(docs), 2000):
        for r in store.query("inv_doc_parties", docs=docs[i : i + 2000]):
            parties[r["doc"]].setdefault(r["role"] or "", r)
    # group manifests into chains
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for m in manifests:
        p = parties.get(m["doc"], {})
        carrier = p.get("carrier", {}).get("key")
        vehicle = p.get("vehicle", {}).get("key")
        driver = p.get("driver", {})
        groups[(m["producer"], carrier, vehicle, driver.get("name"), m["receiver"])].append({**m, "parties": p})
    vehicles = sorted({k[2] for k in groups if k[2]})
    reads: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(vehicles), 2000):
        for r in store.query("inv_vehicle_reads", keys=vehicles[i : i + 2000]):
            r["t"] = parse_time(r["time"])
            reads[r["vehicle"]].append(r)
    dumped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.query("inv_dumped"):
        dumped[r["who"]].append(r)
    complaints = complaints_index(store)
    dumps = DumpSites(store)
    chains = []
    for (producer, carrier, vehicle, _driver_name, receiver), ms in groups.items():
        ms.sort(key=lambda m: (str(m["time"] or ""), m["doc"] or ""))
        first = ms[0]
        p = first["parties"]
        flags = []
        evidence = {m["doc"] for m in ms if m["doc"]}
        # dump site: night read at a sensitive checkpoint after a manifest (or one in a village with a
        # dump site), or DUMPED_AT; a checkpoint or recycling station leads on to its village's dump site
        candidates: list[str] = []
        night_reads = []
        trips = []
        for m in ms:
            t = parse_time(m["time"])
            if t is None or not vehicle or "警" in vehicle:
                continue
            trip = sorted(
                (r for r in reads.get(vehicle, []) if r["t"] and t - timedelta(hours=2) <= r["t"] <= t + NIGHT_WINDOW),
                key=lambda r: (r["t"], r["site"]),
            )
            trips.append(trip)
            for r in trip:
                if is_night(r["t"]) and dumps.sensitive(r["site"], r["site_name"], r["site_kind"]):
                    night_reads.append(r)
        if night_reads:
            night_reads.sort(key=lambda r: (r["t"], r["site"]))
            candidates.append(trip_destination(trips, {r["site"] for r in night_reads}, night_reads))
            evidence.update(r["doc"] for r in night_reads if r["doc"])
        for who in (vehicle, p.get("driver", {}).get("key"), carrier):
            for d in dumped.get(who or "", []):
                candidates.append(d["site"])
                if d["doc"]:
                    evidence.add(d["doc"])
        dump_key = dumps.choose(candidates)
        dump = dumps.node(dump_key) if dump_key else None
        if dump is not None:
            flags.append("night_at_sensitive_site")
        rec_props = {**(first.get("receiver_props") or {}), "name": first.get("receiver_name")}
        if first.get("receiver_label") != "Company" or not _licensed(receiver, rec_props, producers_of):
            flags.append("unlicensed_receiver")
        # complaints about the truck, the carrier or the dump site flag the chain; complaints about
        # the producer alone (a smelly plant) only add weight to a chain flagged otherwise
        names: set[str] = set()
        if carrier:
            names |= {p.get("carrier", {}).get("name") or "", _short_company(p.get("carrier", {}).get("name")) or ""}
        ckeys = {carrier or "", vehicle or ""}
        if vehicle:
            names.add(vehicle.split(":", 1)[1])
        if dump is not None:
            ckeys.add(dump["key"])
        about = complaints_about(complaints, ckeys - {""}, {n for n in names if n})
        about_prod = complaints_about(
            complaints, {producer}, {first.get("producer_name") or "", _short_company(first.get("producer_name")) or ""}
        )
        if about:
            flags.append("complaints")
            evidence.update(c["doc"] for c in about)
            dump = _dump_from_docs(dumps, dump, [c["doc"] for c in about])
        score = 0.45 * ("night_at_sensitive_site" in flags) + 0.30 * ("unlicensed_receiver" in flags)
        score += 0.25 * min(1.0, len(about) / 2)
        if score > 0 and about_prod:
            score += 0.10 * min(1.0, len(about_prod) / 2)
            evidence.update(c["doc"] for c in about_prod)
        score = min(1.0, score)
        path = [_node(producer, "Company", first.get("producer_name"))]
        if carrier:
            path.append(_node(carrier, "Company", p["carrier"].get("name")))
        if p.get("driver"):
            path.append(_node(p["driver"]["key"], "Person", p["driver"].get("name")))
        if vehicle:
            path.append(_node(vehicle, "Vehicle", p.get("vehicle", {}).get("plate") or vehicle.split(":", 1)[1]))
        if dump is not None:
            path.append(dump)
        else:
            path.append(_node(receiver, first.get("receiver_label") or "Company", first.get("receiver_name")))
        tons = [m["tons"] for m in ms if isinstance(m.get("tons"), (int, float))]
        chains.append(
            Chain(
                "waste",
                path,
                sorted(evidence),
                round(score, 4),
                flags,
                {
                    "manifests": [m["manifest"] for m in ms],
                    "declared_receiver": receiver,
                    "checkpoints": sorted({r["site"] for r in night_reads}),
                    "tons": round(sum(tons), 3),
                    "first": first["time"],
                    "last": ms[-1]["time"],
                },
            )
        )
    chains.extend(_case_chains(store, chains, manifests, reads, dumped, complaints, dumps))
    if company:
        ck = company if ":" in company else f"company:{ids.normalize_uscc(company) or company}"
        chains = [c for c in chains if any(n["key"] == ck for n in c.path) or c.details["declared_receiver"] == ck]
    if site:
        sk = site if site.startswith("site:") else f"site:{site}"
        chains = [c for c in chains if c.path[-1]["key"] == sk or sk in c.details.get("checkpoints", ())]
    if not (company or site or include_all):
        chains = [c for c in chains if c.score > 0]
    chains.sort(key=lambda c: (-c.score, [n["key"] for n in c.path]))
    return ChainReport(chains)


def _case_chains(
    store: GraphStore,
    chains: list[Chain],
    manifests: list[dict[str, Any]],
    reads: dict[str, list[dict[str, Any]]],
    dumped: dict[str, list[dict[str, Any]]],
    complaints: list[dict[str, Any]],
    dumps: DumpSites,
) -> list[Chain]:
    """Chains from waste-crime case files (a producer that stopped filing manifests leaves none).

    A case naming a company and a vehicle gives producer → carrier → driver →
    vehicle → dump site: the producer is the company that files manifests as
    producer, or the one whose name is not a haulier's; the carrier the haulier;
    the driver the suspect who drives the vehicle (or is named first); the dump
    site where the vehicle dwells at night at a sensitive site, or where a
    document says it dumped.  A case already covered by a manifest chain with
    the same producer and vehicle only adds its evidence there.
    """
    from investigations.common import is_night as _night
    from investigations.gangs import principal

    producers = {m["producer"] for m in manifests}
    cases = [c for c in store.query("inv_case_docs") if WASTE_CRIME.search(f"{c['cause'] or ''}{c['text'] or ''}")]
    if not cases:
        return []
    docs = [c["doc"] for c in cases]
    parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(docs), 2000):
        for r in store.query("inv_doc_parties", docs=docs[i : i + 2000]):
            parties[r["doc"]].append(r)
    dumps.in_docs(docs)  # read every case's sites in one pass
    drives: dict[str, set[str]] = defaultdict(set)
    for r in store.query("inv_drives"):
        drives[r["vehicle"]].add(r["person"])
    missing = sorted({p["key"] for ps in parties.values() for p in ps if p["label"] == "Vehicle"} - set(reads))
    for i in range(0, len(missing), 2000):
        for r in store.query("inv_vehicle_reads", keys=missing[i : i + 2000]):
            r["t"] = parse_time(r["time"])
            reads[r["vehicle"]].append(r)
    by_pv = {(c.path[0]["key"], n["key"]): c for c in chains for n in c.path if n["type"] == "Vehicle"}
    out = []
    for c in cases:
        ps = parties.get(c["doc"], [])
        comps = [p for p in ps if p["label"] == "Company"]
        vehicles = sorted({p["key"] for p in ps if p["label"] == "Vehicle"})
        suspects = [p for p in ps if p["label"] == "Person" and p["role"] == "suspect"]
        if not comps or not vehicles:
            continue
        comps.sort(key=lambda p: (p["key"] not in producers, bool(CARRIER_NAME.search(p["name"] or "")), p["key"]))
        producer = comps[0]
        carrier = next((p for p in comps[1:] if CARRIER_NAME.search(p["name"] or "")), None) or (
            comps[1] if len(comps) > 1 else None
        )
        for v in vehicles:
            existing = by_pv.get((producer["key"], v))
            if existing is not None:
                existing.evidence = sorted(set(existing.evidence) | {c["doc"]})
                if "case" not in existing.flags:
                    existing.flags.append("case")
                    existing.score = round(min(1.0, existing.score + 0.2), 4)
                _case_dump_site(existing, c["doc"], [v, *(s["key"] for s in suspects)], dumped, dumps)
                continue
            flags = ["case"]
            evidence = {c["doc"]}
            drv = [s for s in suspects if s["key"] in drives.get(v, set())]
            if not drv and suspects:
                first = principal([s["key"] for s in suspects], [s["name"] for s in suspects], c["text"])
                drv = [s for s in suspects if s["key"] == first]
            # dump site: where this case says it dumped; else where the vehicle dwells at night at a
            # sensitive site (or in a village with a dump site) most often; else where another document
            # says it dumped, or a dump site this case names
            count: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for r in reads.get(v, []):
                if r["t"] and _night(r["t"]) and dumps.sensitive(r["site"], r["site_name"], r["site_kind"]):
                    count[r["site"]].append(r)
            said_here: list[str] = []
            said_elsewhere: list[str] = []
            for who in [v] + [s["key"] for s in suspects] + [producer["key"]] + ([carrier["key"]] if carrier else []):
                for d in dumped.get(who, []):
                    (said_here if d["doc"] == c["doc"] else said_elsewhere).append(d["site"])
                    if d["doc"]:
                        evidence.add(d["doc"])
            dwell: list[str] = []
            if count:
                site_key = max(sorted(count), key=lambda k: len(count[k]))
                dwell.append(site_key)
                evidence.update(r["doc"] for r in count[site_key] if r["doc"])
            dump_key = dumps.choose(said_here + dwell + said_elsewhere + dumps.in_docs([c["doc"]]))
            dump = dumps.node(dump_key) if dump_key else None
            if dump is not None:
                flags.append("night_at_sensitive_site")
            names = {producer["name"], _short_company(producer["name"]), v.split(":", 1)[1]}
            keys = {producer["key"], v} | ({dump["key"]} if dump else set()) | ({carrier["key"]} if carrier else set())
            if carrier:
                names |= {carrier["name"], _short_company(carrier["name"])}
            about = complaints_about(complaints, keys, {n for n in names if n})
            if about:
                flags.append("complaints")
                evidence.update(x["doc"] for x in about)
                dump = _dump_from_docs(dumps, dump, [x["doc"] for x in about])
            score = 0.30 + 0.45 * ("night_at_sensitive_site" in flags) + 0.25 * min(1.0, len(about) / 2)
            path = [_node(producer["key"], "Company", producer["name"])]
            if carrier:
                path.append(_node(carrier["key"], "Company", carrier["name"]))
            if drv:
                path.append(_node(drv[0]["key"], "Person", drv[0]["name"]))
            vp = next((p for p in ps if p["key"] == v), {})
            path.append(_node(v, "Vehicle", vp.get("plate") or v.split(":", 1)[1]))
            if dump is not None:
                path.append(dump)
            chains_out = Chain("waste", path, sorted(evidence), round(min(1.0, score), 4), flags,
                               {"manifests": [], "declared_receiver": None, "case": c["doc"], "first": c["time"], "last": c["time"], "checkpoints": sorted(count)})  # fmt: skip
            out.append(chains_out)
            by_pv[(producer["key"], v)] = chains_out
    return out


def _case_dump_site(
    chain: Chain, doc: str, who: list[str], dumped: dict[str, list[dict[str, Any]]], dumps: DumpSites
) -> None:
    """A manifest chain that ends short of a dump site ends where the case about its truck says the waste went."""
    if dumps.is_dump(chain.path[-1]["key"]):
        return
    said = [d["site"] for k in who for d in dumped.get(k, []) if d["doc"] == doc]
    key = dumps.choose(said + dumps.in_docs([doc]))
    if not key or not dumps.is_dump(key):
        return
    if chain.path[-1]["type"] == "Site" or chain.path[-1]["key"] == chain.details.get("declared_receiver"):
        chain.path[-1] = dumps.node(key)
    else:
        chain.path.append(dumps.node(key))
    if "night_at_sensitive_site" not in chain.flags:
        chain.flags.append("night_at_sensitive_site")
        chain.score = round(min(1.0, chain.score + 0.45), 4)


def trip_destination(trips: list[list[dict[str, Any]]], eligible: set[str], night_reads: list[dict[str, Any]]) -> str:
    """The checkpoint a truck's trips lead to, of those in `eligible` (read at night, at or near
    a sensitive site).

    A truck on its way to dump passes several checkpoints; the first one it passes is only on
    the road.  Where it turned round is where it went: the same checkpoint read twice in a row
    (in, then out again) within `TURNAROUND` hours, with no other checkpoint between.  Without a
    turnaround, the eligible checkpoint read most often over the trips (a dump is returned to),
    and among those the one first reached latest (further along the road out).

    Parameters
    ----------
    trips : one list of plate reads per manifest, each sorted by time (`t`, `site`)
    eligible : checkpoints that may be the destination
    night_reads : the trips' reads at eligible checkpoints, sorted by time
    """
    turned: dict[str, int] = defaultdict(int)
    for trip in trips:
        for a, b in zip(trip, trip[1:]):
            if a["site"] == b["site"] and a["site"] in eligible and b["t"] - a["t"] <= TURNAROUND:
                turned[a["site"]] += 1
    if turned:
        return max(sorted(turned), key=lambda s: turned[s])
    count: dict[str, int] = defaultdict(int)
    first: dict[str, Any] = {}
    for r in night_reads:
        count[r["site"]] += 1
        first.setdefault(r["site"], r["t"])
    return max(sorted(count), key=lambda s: (count[s], first[s]))


def _dump_from_docs(dumps: DumpSites, dump: dict[str, Any] | None, docs: list[str]) -> dict[str, Any] | None:
    """A chain that ends short of a dump site ends where the complaints about it say the waste is."""
    if dump is not None and dumps.is_dump(dump["key"]):
        return dump
    found = dumps.in_docs(docs)
    key = dumps.choose(found)
    return dumps.node(key) if key and dumps.is_dump(key) else dump


def compare_with_truth(result: ChainReport | dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Planted waste chains found: a chain naming the planted producer and its vehicle (or dump site)."""
    data = result.to_dict() if hasattr(result, "to_dict") else result
    rows = []
    for p in truth.get("waste_chains", []):
        prod = f"company:{ids.normalize_uscc(p['producer'].get('uscc')) or p['producer'].get('uscc')}"
        veh = f"vehicle:{ids.normalize_plate(p.get('vehicle')) or p.get('vehicle')}" if p.get("vehicle") else None
        carrier_name = (p.get("carrier") or {}).get("name")
        found = None
        for c in data["chains"]:
            keys = {n["key"] for n in c["path"]}
            names = " ".join(str(n.get("name") or "") for n in c["path"])
            if (prod in keys or p["producer"]["name"] in names) and (
                (veh and veh in keys) or (p.get("dump_site") and p["dump_site"] in names)
            ):
                found = c
                break
        rows.append(
            {
                "producer": p["producer"]["name"],
                "vehicle": p.get("vehicle"),
                "found": found is not None,
                "carrier_right": bool(
                    found
                    and (
                        (carrier_name and carrier_name in " ".join(str(n["name"]) for n in found["path"]))
                        or f"company:{(p.get('carrier') or {}).get('uscc')}" in {n["key"] for n in found["path"]}
                    )
                ),
                "dump_right": bool(
                    found
                    and (
                        (p.get("checkpoint") and found["path"][-1]["key"] == f"site:{p['checkpoint']}")
                        or (p.get("dump_site") and p["dump_site"] in str(found["path"][-1]["name"]))
                    )
                ),
                "driver_right": bool(
                    found
                    and (p.get("driver") or {}).get("name")
                    and any(n["type"] == "Person" and n["name"] == p["driver"]["name"] for n in found["path"])
                ),
                "rank": data["chains"].index(found) + 1 if found else None,
            }
        )
    return {
        "planted": len(rows),
        "found": sum(r["found"] for r in rows),
        "carrier_right": sum(r["carrier_right"] for r in rows),
        "dump_right": sum(r["dump_right"] for r in rows),
        "driver_right": sum(r["driver_right"] for r in rows),
        "chains": len(data["chains"]),
        "per_chain": rows,
    }


__all__ = [
    "Chain",
    "ChainReport",
    "FLAG_NAMES",
    "find_waste_chains",
    "flag_name",
    "compare_with_truth",
    "complaints_about",
    "complaints_index",
    "ComplaintIndex",
]
