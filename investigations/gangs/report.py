"""`detect_gangs`: rows → projection → communities → scored gangs with names, objects and evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore, budget
from investigations.gangs.base import DEFAULT_RESOLUTION, DEFAULT_SEED, MAX_GANG_SIZE
from investigations.gangs.communities import communities_from_arrays
from investigations.gangs.evidence import fold_evidence
from investigations.gangs.projection import project
from investigations.gangs.scoring import gang_id, score_groups
from investigations.gangs.ties import coffending_rows
from investigations.gangs.writeback import write_gangs


@dataclass
class Gang:
    id: str
    score: float
    members: list[dict[str, Any]]  # {"key","name","id_card","evidence": [{"rule","label","docs","with"}]}
    leader: dict[str, Any]  # {"key","name"}
    vehicles: list[str]
    vessels: list[str]
    evidence: list[str]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "members": self.members,
            "leader": self.leader,
            "vehicles": self.vehicles,
            "vessels": self.vessels,
            "evidence": self.evidence,
        }


@dataclass
class GangReport:
    gangs: list[Gang]
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"gangs": [g.to_dict() for g in self.gangs]}


def _id_card_of(key: str, props: dict[str, Any]) -> str | None:
    if props.get("id_card"):
        return props["id_card"]
    tail = key.split(":", 1)[-1]
    return tail if ids.is_valid_resident_id(tail) else None


def _fold_aliases(
    scored: list[dict[str, Any]], people: dict[str, dict[str, Any]], min_size: int
) -> list[dict[str, Any]]:
    """A member known only inside one file (`person:倪昌@doc…`, e.g. its resident ID had a
    bad check digit) who is an identified member of the same gang is listed once, under
    the identified key (`aliases` keeps the other): when the names are equal, or when the
    copy's name (two characters or more) begins the member's and that file names the
    member too — a name cut at a word boundary (`徐飞刚开着…` read as 徐飞 + 刚开着; Chinese
    writes no space after a name)."""
    out = []
    for g in scored:
        named: dict[str, list[str]] = defaultdict(list)
        for m in sorted(g["members"]):
            name = people.get(m, {}).get("name")
            if "@" not in m and name:
                named[name].append(m)
        ev = g.get("member_evidence") or {}
        alias: dict[str, str] = {}
        for m in g["members"]:
            if "@" not in m or m == g["leader"]:
                continue
            name, doc = m.split(":", 1)[1].split("@", 1)
            if named.get(name):
                alias[m] = named[name][0]
                continue
            if len(name) < 2:
                continue
            cands = [
                k
                for full, keys in named.items()
                if len(full) > len(name) and full.startswith(name)
                for k in keys
                if any(doc in e["docs"] for e in ev.get(k, []))
            ]
            if len(cands) == 1:
                alias[m] = cands[0]
        if alias:
            g = {**g, "aliases": sorted(alias), "members": [m for m in g["members"] if m not in alias]}
            if len(g["members"]) < min_size:
                continue
            g["id"] = gang_id(g["members"])
            if ev:
                g["member_evidence"] = fold_evidence(ev, alias)
        out.append(g)
    out.sort(key=lambda x: (-x["score"], x["id"]))
    return out


def detect_gangs(
    store: GraphStore,
    min_size: int = 3,
    max_size: int = MAX_GANG_SIZE,
    write_back: bool = True,
    resolution: float = DEFAULT_RESOLUTION,
    seed: int = DEFAULT_SEED,
    rows: list[dict[str, Any]] | None = None,
) -> GangReport:
    """Project, detect, score, name leaders, write back; gangs best first.

    Writing back also refreshes the gang-companion alerts, which read the stored gangs."""
    # Between the phases (and inside the long ones) the request's time budget is checked: the
    # store's reads end by it on their own, the Python work in between would run on past it
    # (a whole-graph detection over 570k people answered its 60 s budget after 101 s).
    rows = coffending_rows(store) if rows is None else rows
    budget.check()
    proj = project(rows)
    budget.check()
    groups = communities_from_arrays(
        len(proj.keys), proj.src, proj.dst, proj.weight, resolution, seed, max_size, min_size=min_size
    )
    budget.check()
    scored = score_groups(proj, groups, min_size, max_size)
    budget.check()
    people: dict[str, dict[str, Any]] = {}
    objects: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"Vehicle": set(), "Vessel": set()})
    keys = [m for g in scored for m in g["members"]]
    for i in range(0, len(keys), 5000):
        chunk = keys[i : i + 5000]
        for r in store.query("inv_people_by_keys", keys=chunk):
            people[r["key"]] = r
        for r in store.query("inv_person_objects", keys=chunk):
            objects[r["person"]][r["label"]].add(r["object"])
    scored = _fold_aliases(scored, people, min_size)
    case_objects: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"Vehicle": set(), "Vessel": set()})
    docs = sorted({d for g in scored for d in g["evidence"] if d.startswith("doc:case:")})
    for i in range(0, len(docs), 5000):
        for r in store.query("inv_case_vehicles", docs=docs[i : i + 5000]):
            case_objects[r["doc"]][r["label"]].add(r["object"])
    gangs = []
    for i, g in enumerate(scored):
        if i % 1024 == 0:
            budget.check()
        members = []
        for m in g["members"]:
            p = people.get(m, {})
            name = p.get("name") or (m.split(":", 1)[1].split("@")[0] if "@" in m else None)
            ev = g.get("member_evidence", {}).get(m, [])
            members.append({"key": m, "name": name, "id_card": _id_card_of(m, p), "evidence": ev})
        lp = people.get(g["leader"], {})
        veh = {o for m in g["members"] for o in objects[m]["Vehicle"]}
        ves = {o for m in g["members"] for o in objects[m]["Vessel"]}
        for d in g["evidence"]:
            if d in case_objects:
                veh |= case_objects[d]["Vehicle"]
                ves |= case_objects[d]["Vessel"]
        vehicles = sorted(o.split(":", 1)[1] for o in veh)
        vessels = sorted(o.split(":", 1)[1] for o in ves)
        g["vehicles"], g["vessels"] = vehicles, vessels
        gangs.append(
            Gang(
                g["id"],
                g["score"],
                members,
                {
                    "key": g["leader"],
                    "name": lp.get("name") or next((x["name"] for x in members if x["key"] == g["leader"]), None),
                },
                vehicles,
                vessels,
                g["evidence"],
                {k: g[k] for k in ("cases", "crime_types", "density", "recency")},
            )
        )
    stats = {"people": len(proj.keys), "ties": int(len(proj.src)), "rows": len(rows), "communities": len(groups)}
    if write_back:
        stats.update(write_gangs(store, scored))
        stats["companion_alerts"] = _refresh_companion_alerts(store)
    return GangReport(gangs, stats)


def _refresh_companion_alerts(store: GraphStore) -> int:
    """The gang-companion alerts read the stored gangs: the ingest raised them before any gang
    was written (so none), and a new write-back changes them; recompute that detector's
    alerts now, so `ecograph alerts` shows the companions of the gangs just written."""
    from investigations.alerts import run_detectors  # alerts → detectors → … : imported late

    return len(run_detectors(store, ["gang_associate"]))
