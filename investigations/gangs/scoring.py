"""Groups → gangs: periphery pruning, leaders, evidence and score."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np

from investigations.gangs.base import HALF_LIFE_DAYS, WEAK_KINDS, _no_gc
from investigations.gangs.projection import Projection, _buckets


def gang_id(member_keys: Iterable[str]) -> str:
    """Stable gang id: SHA-1 of the sorted member keys."""
    raw = "\x1f".join(sorted(member_keys))
    return "gang:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def _one_person(keys: list[str], group: list[int]) -> bool:
    """Doc-local copies of one unresolved person (`person:陆红英@doc:grid:…` ×4, tied by
    their shared phone) are not a gang: every member has the same name and none an ID."""
    names = set()
    for v in group:
        k = keys[v]
        if "@" not in k:
            return False
        names.add(k.split(":", 1)[1].split("@", 1)[0])
    return len(names) == 1


def _internal(proj: Projection, gid: np.ndarray, n_groups: int):
    """Strength, degree, edges per group and leader per group of the ties inside groups."""
    n = len(proj.keys)
    inside = (gid[proj.src] >= 0) & (gid[proj.src] == gid[proj.dst])
    si, di, wi = proj.src[inside], proj.dst[inside], proj.weight[inside]
    strength = np.round(np.bincount(si, weights=wi, minlength=n) + np.bincount(di, weights=wi, minlength=n), 9)
    degree = np.bincount(si, minlength=n) + np.bincount(di, minlength=n)
    n_edges = np.bincount(gid[si], minlength=n_groups) if n_groups else np.zeros(0, dtype=np.int64)
    cases = proj.case_counts()
    # leader per group: most cases, then largest strength, then degree, then lowest vertex (= key order)
    members_v = np.nonzero(gid >= 0)[0]
    order = np.lexsort((members_v, -degree[members_v], -strength[members_v], -cases[members_v], gid[members_v]))
    ordered = members_v[order]
    firsts = np.ones(len(ordered), dtype=bool)
    firsts[1:] = gid[ordered][1:] != gid[ordered][:-1]
    leaders = np.full(n_groups, -1, dtype=np.int64)
    leaders[gid[ordered][firsts]] = ordered[firsts]
    return si, di, strength, degree, n_edges, leaders


def prune_periphery(proj: Projection, gid: np.ndarray, n_groups: int, passes: int = 10) -> np.ndarray:
    """Drop members tied to a single other member who is not the leader.

    A person who appears once, beside one crew member and never beside the
    leader or anyone else (a passenger, a relative in one file), is an
    incidental contact, not a member; CPM keeps them because one strong tie
    beats γ per pair.  Members with a tie to the leader, or ties to two or
    more members, stay.  Returns the pruned group index per vertex.
    """
    gid = gid.copy()
    n = len(proj.keys)
    for _ in range(passes):
        si, di, _s, degree, _e, leaders = _internal(proj, gid, n_groups)
        is_lead = np.zeros(n, dtype=bool)
        is_lead[leaders[leaders >= 0]] = True
        adj = np.zeros(n, dtype=bool)
        adj[di[is_lead[si]]] = True
        adj[si[is_lead[di]]] = True
        drop = (gid >= 0) & ~is_lead & ~adj & (degree < 2)
        if not drop.any():
            break
        gid[drop] = -1
    return gid


@_no_gc
def score_groups(
    proj: Projection, groups: list[list[int]], min_size: int = 3, max_size: int = 15
) -> list[dict[str, Any]]:
    """Leader, evidence and score of each group of the right size (vertex indices),
    after `prune_periphery`.

    score = 0.35·(1 − e^(−cases/2)) + 0.15·min(1, crime types/3) + 0.25·density + 0.25·recency,
    where cases are distinct case documents with two or more members, density
    the share of member pairs with any tie, recency 0.5^(age/365 d) of the
    newest evidence.
    """
    n = len(proj.keys)
    gid = np.full(n, -1, dtype=np.int64)
    cand = [g for g in groups if min_size <= len(g) <= max_size and not _one_person(proj.keys, g)]
    for i, g in enumerate(cand):
        gid[g] = i
    pruned = prune_periphery(proj, gid, len(cand))
    gl = pruned.tolist()
    kept = []
    for i, g in enumerate(cand):
        g2 = [v for v in g if gl[v] == i]
        if len(g2) >= min_size:
            kept.append(g2)
    gid = np.full(n, -1, dtype=np.int64)
    for i, g in enumerate(kept):
        gid[g] = i
    _si, _di, strength_r, _deg, n_edges_arr, leaders = _internal(proj, gid, len(kept))
    strength = strength_r.tolist()
    leader_of = dict(enumerate(leaders.tolist()))
    n_edges = n_edges_arr.tolist()
    # evidence: rows with two or more members in one group
    evidence: dict[int, set[str]] = defaultdict(set)
    cases: dict[int, set[str]] = defaultdict(set)
    causes: dict[int, set[str]] = defaultdict(set)
    last: dict[int, datetime] = {}
    kinds: dict[int, set[str]] = defaultdict(set)
    if kept:
        pairs: list[np.ndarray] = []
        for _n, idx, M in _buckets(proj.flat, proj.offsets):
            key = np.sort(gid[M] * n + M, axis=1)  # sort by (group, member)
            G, V = key // n, key % n
            eq = (G[:, 1:] == G[:, :-1]) & (G[:, 1:] >= 0) & (V[:, 1:] != V[:, :-1])
            ri, ci = np.nonzero(eq)
            pairs.append(idx[ri] * len(kept) + G[:, 1:][ri, ci])
        lens = np.diff(proj.offsets)
        solo = np.nonzero(lens == 1)[0]  # a member's own case file is evidence of the gang too
        if len(solo):
            gs = gid[proj.flat[proj.offsets[solo]]]
            ok = gs >= 0
            pairs.append(solo[ok] * len(kept) + gs[ok])
        hits = np.unique(np.concatenate(pairs)) if pairs else np.zeros(0, dtype=np.int64)
        rows, times = proj.rows, proj.row_times
        for ri, g in zip((hits // len(kept)).tolist(), (hits % len(kept)).tolist()):
            r = rows[ri]
            kinds[g].add(r["kind"])
            docs = r.get("docs")
            if docs:
                evidence[g].update(docs)
            elif r.get("doc"):
                evidence[g].add(r["doc"])
            if r["kind"] == "case" and r.get("doc"):
                cases[g].add(r["doc"])
                if r.get("cause"):
                    causes[g].add(r["cause"])
            t = times[ri]
            if t is not None and (g not in last or t > last[g]):
                last[g] = t
    out = []
    for i, g in enumerate(kept):
        if proj.rows and not kinds[i] - WEAK_KINDS:
            continue  # only co-mentions: names in one complaint are not a crew
        leader = leader_of[i]
        size = len(g)
        density = n_edges[i] / (size * (size - 1) / 2)
        rec = 0.0
        if i in last and proj.ref_time is not None:
            rec = 0.5 ** (max(0.0, (proj.ref_time - last[i]).total_seconds() / 86400.0) / HALF_LIFE_DAYS)
        n_cases = len(cases[i])
        score = 0.35 * (1 - math.exp(-n_cases / 2)) + 0.15 * min(1.0, len(causes[i]) / 3) + 0.25 * density + 0.25 * rec
        members = sorted(proj.keys[v] for v in g)
        out.append(
            {
                "id": gang_id(members),
                "members": members,
                "leader": proj.keys[leader],
                "score": round(score, 4),
                "evidence": sorted(evidence[i]),
                "cases": n_cases,
                "crime_types": sorted(causes[i]),
                "density": round(density, 4),
                "recency": round(rec, 4),
                "strength": {proj.keys[v]: strength[v] for v in g},
            }
        )
    out.sort(key=lambda x: (-x["score"], x["id"]))
    return out
