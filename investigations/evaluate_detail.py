"""Per planted member, chain, water event and file: what the pipeline found, and why it missed.

Aggregates (gang Jaccard, chains found) hide *which* member or chain was lost
and through which route; the variation mode plants members tied by one route
each (synthetic/TRUTH.md), so the report names the route of every miss and
whether the evidence of that route reached the graph at all (the person linked
to the documents of its route) or reached it and was not used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph_schema import identifiers as ids
from graph_schema.store import GraphStore


def _person_docs(store: GraphStore, key: str) -> set[str] | None:
    """Documents linked to a person node, or None when the node is not in the graph."""
    from investigations.explore import documents_for

    try:
        return {d["key"] for d in documents_for(store, key).to_dict()["documents"]}
    except ValueError:
        return None


def _tied_to(store: GraphStore, person: str, via: dict[str, Any] | None) -> bool | None:
    """Is the person one hop from the vehicle or vessel of its route (DRIVES, OWNS, co-involved)?"""
    from graph_schema.keys import vehicle_key, vessel_key
    from investigations.explore import neighbours

    via = via or {}
    if not (via.get("plate") or via.get("vessel")):
        return None
    try:
        target = vehicle_key(via["plate"]) if via.get("plate") else vessel_key(via["vessel"])
        nodes = neighbours(store, person, hops=1, limit=500).to_dict()["nodes"]
    except ValueError:
        return False
    return any(n["key"] == target for n in nodes)


def member_rows(store: GraphStore, gang_report: dict[str, Any], truth: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per planted member: route (truth), found in the best-matching gang or where it went instead."""
    detected: list[tuple[dict[str, Any], dict[str, dict[str, Any]]]] = []
    for g in gang_report["gangs"]:
        by_key: dict[str, dict[str, Any]] = {}
        for m in g["members"]:
            by_key[m["key"]] = m
            idc = ids.normalize_resident_id(m.get("id_card"))
            if idc:
                by_key[f"person:{idc}"] = m
        detected.append((g, by_key))
    rows = []
    for pg in truth.get("gangs", []):
        keys = {f"person:{m['id_card']}" for m in pg["members"]}
        best = max(detected, key=lambda d: len(keys & set(d[1])), default=None)
        if best is not None and not keys & set(best[1]):
            best = None
        for m in pg["members"]:
            k = f"person:{m['id_card']}"
            row: dict[str, Any] = {
                "gang": pg["id"],
                "member": m["name"],
                "key": k,
                "tie": m["tie"],
                "via": m.get("via"),
                "found": bool(best and k in best[1]),
                "detected_gang": best[0]["id"] if best else None,
            }
            if row["found"]:
                row["evidence"] = best[1][k].get("evidence") or best[1][k].get("rules")
            else:
                row["in_other_gang"] = next((g["id"] for g, bk in detected if k in bk), None)
                tie_docs = set(m.get("tie_docs") or [])
                linked = _person_docs(store, k)
                row["in_graph"] = linked is not None
                case_docs = {d for d in tie_docs if d.startswith("doc:case:")}
                row["tie_docs_linked"] = f"{len(case_docs & (linked or set()))}/{len(case_docs)}" if case_docs else None
                row["tied_to_route_vehicle"] = _tied_to(store, k, m.get("via")) if linked is not None else None
            rows.append(row)
    return rows


def member_recall(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_tie: dict[str, list[int]] = {}
    for r in rows:
        by_tie.setdefault(r["tie"], [0, 0])
        by_tie[r["tie"]][0] += r["found"]
        by_tie[r["tie"]][1] += 1
    found = sum(r["found"] for r in rows)
    return {
        "recall": round(found / len(rows), 4) if rows else None,
        "found": found,
        "planted": len(rows),
        "by_tie": {t: f"{f}/{n}" for t, (f, n) in sorted(by_tie.items())},
    }


def _site_names(truth: dict[str, Any], name: str) -> set[str]:
    for s in truth.get("sites", []):
        if s["name"] == name:
            return {name, *s.get("aliases", [])}
    return {name}


def _same_place(a: str, b: str) -> bool:
    """The same place written two ways: the same village (county and town where both give them),
    the same position and the same kind of site (a quarry pit is a pit however it is called:
    废弃矿坑, 石矿, 石矿宕口).  Used to judge where a chain ends, not to merge anything."""
    from resolution.places import parse_address

    x, y = parse_address(a), parse_address(b)
    if not (x.village and x.village == y.village and x.type and y.type):
        return False
    if any(u and v and u != v for u, v in ((x.county, y.county), (x.town, y.town), (x.position, y.position))):
        return False
    return x.type.canonical == y.type.canonical or x.type.sensitivity == y.type.sensitivity == "mine_pit"


def chain_rows(store: GraphStore, chain_report: dict[str, Any], truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Per planted chain: found (producer + vehicle), where it ends, and whether that is the true dump site."""
    rows = []
    for p in truth.get("waste_chains", []):
        prod = f"company:{ids.normalize_uscc(p['producer'].get('uscc')) or p['producer'].get('uscc')}"
        veh = f"vehicle:{ids.normalize_plate(p.get('vehicle')) or p.get('vehicle')}"
        mine = [c for c in chain_report["chains"] if prod in {n["key"] for n in c["path"]}]
        found = next((c for c in mine if veh in {n["key"] for n in c["path"]}), mine[0] if mine else None)
        names = _site_names(truth, p["dump_site"])
        end = found["path"][-1] if found else None
        right = False
        if end:
            aliases = set()
            node = store.query("node_by_key", key=end["key"])
            if node:
                props = node[0].get("props") or {}
                aliases = {str(a) for a in (props.get("aliases") or [])} | {str(props.get("name") or "")}
            right = (
                end["key"] == f"site:{p['checkpoint']}"
                or str(end.get("name")) in names
                or bool(aliases & names)
                or p["dump_site"] in str(end.get("name"))
                or any(_same_place(str(end.get("name") or ""), n) for n in names)
            )
        rows.append(
            {
                "chain": p["id"],
                "producer": p["producer"]["name"],
                "vehicle": p.get("vehicle"),
                "found": found is not None,
                "with_vehicle": bool(found and veh in {n["key"] for n in found["path"]}),
                "dump_site": p["dump_site"],
                "ends_at": f"{end['type']} {end.get('name')} ({end['key']})" if end else None,
                "ends_right": right,
            }
        )
    return rows


def water_rows(store: GraphStore, truth: dict[str, Any]) -> list[dict[str, Any]]:
    from investigations.chains import complaints_index
    from investigations.water import upstream_candidates

    rows = []
    events = truth.get("water_events", [])
    complaints = complaints_index(store) if events else None  # once, not once per event
    for ev in events:
        try:
            cands = upstream_candidates(
                store, ev["station"], ev.get("indicator"), ev.get("time"), complaints=complaints
            ).candidates
        except ValueError:
            cands = []
        src = str(ev.get("source_outfall")).split(":", 1)[-1]
        tails = [c.outfall.split(":", 1)[-1] for c in cands]
        rank = tails.index(src) + 1 if src in tails else None
        rows.append(
            {
                "event": ev.get("id"),
                "station": ev["station"],
                "indicator": ev.get("indicator"),
                "source": src,
                "rank": rank,
                "candidates": len(cands),
                "ranked_first_instead": tails[0] if tails and rank != 1 else None,
            }
        )
    return rows


def record_counts(ingest: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """records_read vs records written; each broken case file read and quarantined, or where it went."""
    quarantined_files: set[str] = set()
    q = ingest.get("quarantine")
    if q and Path(q).is_file():
        for line in Path(q).read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                quarantined_files.add(Path(str(json.loads(line).get("file", ""))).name)
            except (json.JSONDecodeError, AttributeError):
                continue
    skipped = {Path(str(s.get("file") or s.get("path") or "")).name: s for s in ingest.get("skipped", [])}
    broken = []
    for b in truth.get("broken_files", []):
        name = Path(b["file"]).name
        where = "quarantined" if name in quarantined_files else ("skipped" if name in skipped else "nowhere")
        broken.append({"file": b["file"], "reason": b["reason"], "outcome": where})
    written = truth.get("records_written") or sum(f["records"] for f in truth.get("files", {}).values())
    return {
        "records_written": written,
        "records_read": ingest.get("records_read"),
        "records_loaded": ingest.get("records_loaded"),
        "records_quarantined": ingest.get("records_quarantined"),
        "equal": ingest.get("records_read") == written,
        "skipped_files": len(ingest.get("skipped", [])),
        "broken_files": broken,
    }


def format_detail(d: dict[str, Any]) -> str:
    """The per-member, per-chain, per-event and per-file lines of a detailed evaluation."""
    out = []
    mr = d["member_recall"]
    out.append(f"  members: recall {mr['recall']} ({mr['found']}/{mr['planted']}); by route {mr['by_tie']}")
    for r in d["members"]:
        if r["found"]:
            ev = r.get("evidence")
            ev_s = json.dumps(ev, ensure_ascii=False)[:160] if ev else "（报告未给出成员证据 / no per-member evidence）"
            out.append(f"    found  {r['gang']} {r['member']} [{r['tie']}] in {r['detected_gang']}: {ev_s}")
        else:
            where = f"in {r['in_other_gang']}" if r["in_other_gang"] else "in no gang"
            graph = "person in graph" if r["in_graph"] else "person NOT in graph"
            docs = f", linked to {r['tie_docs_linked']} case docs of its route" if r["tie_docs_linked"] else ""
            if r.get("tied_to_route_vehicle") is not None:
                docs += (
                    f", {'one hop from' if r['tied_to_route_vehicle'] else 'NOT linked to'} its route's vehicle/vessel"
                )
            out.append(
                f"    MISSED {r['gang']} {r['member']} [{r['tie']} {json.dumps(r['via'], ensure_ascii=False)}]: "
                f"{where}; {graph}{docs}"
            )
    for r in d["chains"]:
        state = "ends at dump site" if r["ends_right"] else f"ENDS ELSEWHERE: {r['ends_at']}"
        found = "found" if r["found"] else "NOT FOUND"
        out.append(
            f"  chain {r['chain']} {found}{'' if r['with_vehicle'] else ' (without its vehicle)'}: {state}; true site {r['dump_site']}"
        )
    for r in d["water"]:
        extra = f" (first: {r['ranked_first_instead']})" if r["ranked_first_instead"] else ""
        out.append(
            f"  water {r['event']} {r['station']} {r['indicator']}: source {r['source']} rank {r['rank']}/{r['candidates']}{extra}"
        )
    rc = d["records"]
    out.append(
        f"  records: read {rc['records_read']} vs written {rc['records_written']} "
        f"(loaded {rc['records_loaded']}, quarantined {rc['records_quarantined']}, files skipped {rc['skipped_files']})"
    )
    for b in rc["broken_files"]:
        out.append(f"    broken {b['file']} ({b['reason']}): {b['outcome']}")
    return "\n".join(out)
