"""Groups → gangs: who is admitted, periphery pruning, leaders, evidence and score.

Membership rules on top of the communities (`score_groups`):

* **Admitted by evidence.**  A member tied to another member of the group by any
  evidence but a co-mention (a shared case file, a stated joint offence, a shared or
  borrowed vehicle or vessel, a shared phone, convoy reads) is never pruned as
  periphery.  Why: each issue of lost members traced back to one route of exactly
  one such tie — a co-suspect listed beside a member who is not the leader, a
  borrower of a member's truck — and a co-suspect of one case is the strongest
  evidence there is.
* **Pruned.**  A member tied only by co-mentions, to one member who is not the
  leader, is an incidental contact (`prune_periphery`).
* **Attached.**  A person left outside every reported gang (Leiden-CPM and the
  reassignment passes may leave a one-tie person in a fragment that is dropped) who
  is tied by such evidence to a member joins the gang they are most tied to, while it
  is below `max_size` (`attach_tied`).  Not transitive: only ties to the members the
  communities found count, so a 30-suspect sweep cannot chain crews together; the one
  step further is a co-suspect the communities left in a pair with the person taken
  (`attach_fragments`).
* **Co-suspects stay together.**  A group that shares at least as many case
  files with a larger group as it has of its own joins it (`merge_dependent`):
  CPM can cut three co-suspects of one case off their leader.
* **A star joins its hub's crew; another crew leaves** (`investigations.gangs.crews`):
  one man's separate pair cases are not a crew of their own, and a pair with a case
  of its own that crossed the crew at a checkpoint is not part of it.
* **A gang holds a case.**  A group without a single case file or stated joint
  offence among its members (only shared objects, co-reads or co-mentions: a
  haulage firm's drivers, a family's car) is not reported.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np

from graph_schema.store import budget
from investigations.gangs.base import (
    ATTACH_MAX_PARTIES,
    HALF_LIFE_DAYS,
    MAX_GANG_SIZE,
    OBJECT_KINDS,
    WEAK_KINDS,
    GroupMerger,
    _no_gc,
)
from investigations.gangs.crews import attach_fragments, detach_independent, join_cut_crews, join_stars
from investigations.gangs.evidence import gang_evidence
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
    # leader per group: most cases, then largest strength, then degree, then named first in joint-offence
    # statements (伙同), then lowest vertex (= key order)
    members_v = np.nonzero(gid >= 0)[0]
    first = proj.named_first()
    order = np.lexsort(
        (members_v, -first[members_v], -degree[members_v], -strength[members_v], -cases[members_v], gid[members_v])
    )
    ordered = members_v[order]
    firsts = np.ones(len(ordered), dtype=bool)
    firsts[1:] = gid[ordered][1:] != gid[ordered][:-1]
    leaders = np.full(n_groups, -1, dtype=np.int64)
    leaders[gid[ordered][firsts]] = ordered[firsts]
    return si, di, strength, degree, n_edges, leaders


CRIME_KINDS = {"case", "co_offender"}  # a reported gang holds at least one of these


def _strong_rows(proj: Projection) -> np.ndarray:
    """Rows whose evidence admits a member (everything but co-mentions)."""
    return np.fromiter((r["kind"] not in WEAK_KINDS for r in proj.rows), dtype=bool, count=len(proj.rows))


def cohits(proj: Projection, gid: np.ndarray, row_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(row, vertex) pairs: the vertex is in a group and the row holds another member of that group."""
    R: list[np.ndarray] = []
    V: list[np.ndarray] = []
    for n, idx, M in _buckets(proj.flat, proj.offsets):
        if row_mask is not None:
            sel = row_mask[idx]
            idx, M = idx[sel], M[sel]
        G = gid[M]
        sel = (G >= 0).sum(axis=1) >= 2
        if not sel.any():
            continue
        idx, M, G = idx[sel], M[sel], G[sel]
        hit = np.zeros(M.shape, dtype=bool)
        for c in range(n):
            hit[:, c] = ((G == G[:, c : c + 1]) & (M != M[:, c : c + 1])).any(axis=1)
        hit &= G >= 0
        r, c = np.nonzero(hit)
        R.append(idx[r])
        V.append(M[r, c])
    if not R:
        e = np.zeros(0, dtype=np.int64)
        return e, e.copy()
    return np.concatenate(R), np.concatenate(V)


def prune_periphery(
    proj: Projection, gid: np.ndarray, n_groups: int, passes: int = 10, keep: np.ndarray | None = None
) -> np.ndarray:
    """Drop members tied to a single other member who is not the leader, unless `keep`.

    A person who appears once, beside one crew member and never beside the
    leader or anyone else (named with him in one complaint), is an incidental
    contact, not a member; CPM keeps them because one tie beats γ per pair.
    Members with a tie to the leader, ties to two or more members, or a `keep`
    flag (`score_groups` keeps everyone admitted by evidence other than a
    co-mention) stay.  Returns the pruned group index per vertex.
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
        if keep is not None:
            drop &= ~keep
        if not drop.any():
            break
        gid[drop] = -1
    return gid


def attach_tied(
    proj: Projection, gid: np.ndarray, sizes: list[int], max_size: int | None = MAX_GANG_SIZE
) -> np.ndarray:
    """Outsiders (gid −1) tied to members by admitting evidence join the group they are most tied to.

    Tie strength per (outsider, group) is the projection's: each row's weight shared
    among its parties, summed over the group's members in it; rows naming more than
    `ATTACH_MAX_PARTIES` people do not attach.  Strongest first; a group stops taking
    people at `max_size`.  Returns the new group index per vertex.
    """
    gid = gid.copy()
    if proj.row_weight is None or not len(proj.rows):
        return gid
    strong = _strong_rows(proj)
    is_obj = np.fromiter((r["kind"] in OBJECT_KINDS for r in proj.rows), dtype=bool, count=len(proj.rows))
    pull: dict[tuple[int, int], float] = defaultdict(float)
    for _n, idx, M in _buckets(proj.flat, proj.offsets):
        G = gid[M]
        sel = strong[idx] & (G >= 0).any(axis=1) & (G < 0).any(axis=1)
        for i in np.nonzero(sel)[0].tolist():
            mem = M[i].tolist()
            gs = G[i].tolist()
            k = len(set(mem))
            if k < 2 or k > ATTACH_MAX_PARTIES:
                continue
            r = int(idx[i])
            w = float(proj.row_weight[r]) / (math.sqrt(k - 1) if is_obj[r] else float(k - 1))
            inside: dict[int, set[int]] = defaultdict(set)
            for v, g in zip(mem, gs):
                if g >= 0:
                    inside[g].add(v)
            for v, g in zip(mem, gs):
                if g < 0:
                    for g2, vs in inside.items():
                        pull[(v, g2)] += w * len(vs)
    if not pull:
        return gid
    best: dict[int, tuple[float, int]] = {}
    for (v, g), w in pull.items():
        b = best.get(v)
        if b is None or w > b[0] + 1e-12 or (abs(w - b[0]) <= 1e-12 and g < b[1]):
            best[v] = (w, g)
    size = list(sizes)
    for v, (_w, g) in sorted(best.items(), key=lambda x: (-x[1][0], x[0])):
        if max_size and size[g] >= max_size:
            continue
        gid[v] = g
        size[g] += 1
    return gid


def merge_dependent(
    proj: Projection, gid: np.ndarray, sizes: list[int], max_size: int | None = MAX_GANG_SIZE
) -> np.ndarray:
    """A group that offended with a larger crew at least as often as on its own joins it.

    Co-suspects of one case stay together: Leiden-CPM may cut a case file's suspects
    off their leader when the file is their only tie (three co-suspects of one case
    are cheaper for CPM as a trio than inside a crew of eleven), and report the trio
    as a gang without its organiser.  Counted in case files — every crime row one
    document states, its suspects and the joint offenders its narrative names — a
    group's *own* files name two or more of its members and nobody of another group;
    its *shared* files with another group name members of both (and at most
    `ATTACH_MAX_PARTIES` people: a sweep is no crew's file).  A group joins the
    larger group it shares the most files with when those are at least as many as
    its own (none, for the cut-off trio), within `max_size`; smallest groups first.
    Returns the new group index per vertex.
    """
    gid = gid.copy()
    if not proj.rows or not sizes:
        return gid
    K = len(sizes)
    # one file per document (rows without one stand alone); per file its distinct people
    doc_ids: dict[Any, int] = {}
    fid = np.fromiter(
        (
            doc_ids.setdefault(r.get("doc") or ("row", i), len(doc_ids)) if r["kind"] in CRIME_KINDS else -1
            for i, r in enumerate(proj.rows)
        ),
        dtype=np.int64,
        count=len(proj.rows),
    )
    lens = np.diff(proj.offsets)
    f_of = np.repeat(fid, lens)
    ok = f_of >= 0
    fv = np.unique(f_of[ok] * len(proj.keys) + proj.flat[ok])  # distinct (file, person)
    files, people = fv // max(1, len(proj.keys)), fv % max(1, len(proj.keys))
    n_people = np.bincount(files, minlength=len(doc_ids))
    g_of = gid[people]
    inside = g_of >= 0
    fg, cnt = np.unique(files[inside] * K + g_of[inside], return_counts=True)  # (file, group) → members
    f2, g2 = fg // K, fg % K
    n_groups = np.bincount(f2, minlength=len(doc_ids))
    single = n_groups[f2] == 1
    own = np.bincount(g2[single & (cnt >= 2)], minlength=K)
    share: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    multi = ~single & (n_people[f2] <= ATTACH_MAX_PARTIES)
    by_file: dict[int, list[int]] = defaultdict(list)
    for f, g in zip(f2[multi].tolist(), g2[multi].tolist()):
        by_file[f].append(g)
    for gs in by_file.values():
        for g in gs:
            for o in gs:
                if o != g:
                    share[g][o] += 1
    groups = GroupMerger(sizes)
    size = groups.size
    for g in sorted(share, key=lambda g: (size[g], g)):
        if size[g] == 0:
            continue
        best: dict[int, int] = defaultdict(int)
        for o, n in share[g].items():
            best[groups.root(o)] += n
        cands = [(n, size[o], -o) for o, n in best.items() if o != g and size[o] >= size[g] and n >= own[g]]
        if not cands:
            continue
        _n, _s, neg = max(cands)
        o = -neg
        if max_size and size[o] + size[g] > max_size:
            continue
        groups.merge(o, g)
    return groups.remap(gid)


@_no_gc
def score_groups(
    proj: Projection, groups: list[list[int]], min_size: int = 3, max_size: int = MAX_GANG_SIZE
) -> list[dict[str, Any]]:
    """Leader, evidence and score of each group of the right size (vertex indices),
    after `prune_periphery` and `attach_tied` (see the module docstring).

    score = 0.35·(1 − e^(−cases/2)) + 0.15·min(1, crime types/3) + 0.25·density + 0.25·recency,
    where cases are distinct case documents with two or more members, density
    the share of member pairs with any tie, recency 0.5^(age/365 d) of the
    newest evidence.  Each gang carries `member_evidence`: per member, the rules
    and documents that tie them to the others (`investigations.gangs.evidence`).
    """
    n = len(proj.keys)
    gid = np.full(n, -1, dtype=np.int64)
    cand = [g for g in groups if min_size <= len(g) <= max_size and not _one_person(proj.keys, g)]
    for i, g in enumerate(cand):
        gid[g] = i
    strong = _strong_rows(proj)
    keep = np.zeros(n, dtype=bool)
    keep[cohits(proj, gid, strong)[1]] = True
    pruned = prune_periphery(proj, gid, len(cand), keep=keep)
    budget.check()  # the caller's time budget, between the steps (report.detect_gangs)
    gl = pruned.tolist()
    kept = []
    for i, g in enumerate(cand):
        g2 = [v for v in g if gl[v] == i]
        if len(g2) >= min_size:
            kept.append(g2)
    gid = np.full(n, -1, dtype=np.int64)
    for i, g in enumerate(kept):
        gid[g] = i
    if proj.rows:  # a gang holds a case file or a stated joint offence
        crime = np.fromiter((r["kind"] in CRIME_KINDS for r in proj.rows), dtype=bool, count=len(proj.rows))
        lens = np.diff(proj.offsets)
        has = np.zeros(len(kept), dtype=bool)
        in_g = gid[proj.flat]
        ok = np.repeat(crime, lens) & (in_g >= 0)
        has[in_g[ok]] = True
        kept = [g for i, g in enumerate(kept) if has[i]]
        gid = np.full(n, -1, dtype=np.int64)
        for i, g in enumerate(kept):
            gid[g] = i
        gid = merge_dependent(proj, gid, [len(g) for g in kept], max_size)
        budget.check()
        gid = join_cut_crews(proj, gid, max_size)
        budget.check()
        gid = join_stars(proj, gid, np.bincount(gid[gid >= 0], minlength=len(kept)).tolist(), max_size)
        sizes = np.bincount(gid[gid >= 0], minlength=len(kept)).tolist()
        before = gid
        gid = attach_tied(proj, gid, sizes, max_size)
        budget.check()
        gid = attach_fragments(proj, before, gid, groups, min_size, max_size)
        budget.check()
        gid = detach_independent(proj, gid, min_size)
        budget.check()
        members_of: dict[int, list[int]] = defaultdict(list)
        for v in np.nonzero(gid >= 0)[0].tolist():
            members_of[int(gid[v])].append(v)
        kept = [sorted(members_of[i]) for i in sorted(members_of) if len(members_of[i]) >= min_size]
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
    gang_rows: dict[int, dict[int, list[int]]] = defaultdict(dict)  # group → row → its members in the group
    if kept:
        hit_r, hit_v = cohits(proj, gid)
        for r, v, g in zip(hit_r.tolist(), hit_v.tolist(), gid[hit_v].tolist()):
            gang_rows[g].setdefault(r, []).append(v)
        pairs: list[np.ndarray] = [hit_r * len(kept) + gid[hit_v]]
        lens = np.diff(proj.offsets)
        solo = np.nonzero(lens == 1)[0]  # a member's own case file is evidence of the gang too
        if len(solo):
            gs = gid[proj.flat[proj.offsets[solo]]]
            ok = gs >= 0
            pairs.append(solo[ok] * len(kept) + gs[ok])
        hits = np.unique(np.concatenate(pairs))
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
        if i % 1024 == 0:
            budget.check()
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
                "member_evidence": {
                    **{m: [] for m in members},
                    **gang_evidence(proj.rows, [(ri, [proj.keys[v] for v in vs]) for ri, vs in gang_rows[i].items()]),
                },
            }
        )
    out.sort(key=lambda x: (-x["score"], x["id"]))
    return out
