"""Gang detection: a weighted co-offending network of people, small communities in it,
scored, ranked and written back to the graph.

Pipeline (`detect_gangs`):

1. **Projection** (`coffending_rows` → `project_coffending`).  Every piece of
   evidence that ties people together becomes a *tie row* — a hyperedge
   `{"kind", "members", "doc", "time", "object"}`:

   =============  ==========================================================  ======
   kind           evidence                                                    base w
   =============  ==========================================================  ======
   co_offender    an explicit CO_OFFENDER relationship (伙同, 共同)              3.0
   case           co-suspects / co-parties of one case (INVOLVED_IN)           2.0
   vehicle        people who drive or own the same vehicle                     1.5
   vessel         people who skipper or own the same vessel                    1.5
   phone          people who use the same (unmasked) phone                     1.2
   checkpoint     their plates read at one checkpoint within minutes,          0.6
                  repeatedly (or once, at night, at a sensitive site)
   mention        named together in a hotline ticket or grid event             0.5
   =============  ==========================================================  ======

   Each row adds, to every pair of its n members,
   ``w = base(kind) / (n - 1) × 0.5 ** (age_days / HALF_LIFE_DAYS)``.

   *Why 1/(n−1)*: Newman's collaboration weighting (M. E. J. Newman,
   "Scientific collaboration networks. II", Phys. Rev. E 64, 016132, 2001):
   a person spends one unit of tie strength per document, shared among its
   co-parties, so a 30-defendant sweep does not outweigh a three-person crew.
   *Why recency*: ties decay with a one-year half-life counted back from the
   newest evidence in the data (never the wall clock, so reruns agree); a
   crew active last month matters more than one that met five years ago.
   *Why these bases*: a stated joint offence is the strongest evidence;
   co-suspects in one case nearly as strong; sharing a truck, boat or phone
   is an operational tie; plate co-reads and co-mentions in complaints are
   circumstantial, kept weak so they can join people only with help from
   other evidence.  Repeated evidence adds up.

2. **Communities** (`detect_communities`).  Leiden (V. A. Traag, L. Waltman,
   N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", Sci. Rep. 9, 5233, 2019) optimising the Constant Potts Model
   (Traag, Van Dooren, Nesterov, "Narrow scope for resolution-limit-free
   community detection", Phys. Rev. E 84, 016114, 2011).  Modularity
   (Louvain: Blondel et al., J. Stat. Mech. 2008, P10008) has a resolution
   limit (Fortunato & Barthélemy, PNAS 104, 36, 2007): on 100k people in ~13k
   groups of 3–12 it merges them into ~480 communities.  CPM's resolution γ
   is a density threshold independent of the graph's size: a group stays
   together when its internal tie weight beats γ per member pair, so the same
   γ finds 3-person crews in a town or in a province.  Communities larger
   than `max_size` are split again at doubled γ.  Deterministic: vertices in
   key order, edges sorted, fixed seed.

   Then three clean-ups: `reassign_to_strongest` (a member goes to the
   group it is most tied to), `absorb_fragments` (a pair left beside the
   crew it offended with joins it), and `prune_periphery` (a person tied to
   one member only, never to the leader, is an incidental contact).

3. **Scoring** — prior cases, distinct crime types, internal density,
   recency; **leader** = the member with the highest degree in the two-mode
   person–case network (the number of case files naming them as suspect:
   Freeman degree centrality, Soc. Networks 1, 215, 1978, on affiliation
   data as in Borgatti & Everett, Soc. Networks 19, 243, 1997), ties broken
   by weighted degree inside the gang (strength, Barrat et al., PNAS 101,
   3747, 2004), then degree, then key order.  Why: the organiser is the
   constant of the crew's files — members come and go case by case, the
   leader is in most of them, including the cases he was caught alone;
   one-mode strength alone over-rates a pair of members who co-offended
   intensely once, and betweenness inside a 3–15 person group is mostly zero.

4. **Write-back** — `Gang {key, score, rank, size, leader}` nodes and
   `(:Person)-[:MEMBER_OF {score}]->(:Gang)`.  Gang ids are stable: `gang:` + SHA-1 of the sorted member
   keys, so an analyst can cite a gang in a file.

Engines: networkx is the API (`project_coffending` returns an `nx.Graph`,
`detect_communities` takes one); the work runs on igraph's C Leiden (or
leidenalg), and, when `engine="networkx"`, on `networkx.community.louvain_communities`
(dispatchable to nx-cugraph on a GPU).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx
import numpy as np

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from investigations.common import is_night, paged, parse_time, sensitive_kind

KIND_WEIGHTS: dict[str, float] = {
    "co_offender": 3.0,
    "case": 2.0,
    "vehicle": 1.5,
    "vessel": 1.5,
    "phone": 1.2,
    "checkpoint": 0.6,
    "mention": 0.5,
}
WEAK_KINDS = {"mention"}
OBJECT_KINDS = {"vehicle", "vessel", "phone"}  # shared objects: weight 1/√(n−1), not 1/(n−1)
TEXT_KINDS = {"mention", "co_offender"}  # ties read by NLP from free text  # a group tied only by these is not reported
HALF_LIFE_DAYS = 365.0
DEFAULT_RESOLUTION = 0.05  # CPM γ, tuned on synthetic truth (see tests/investigations)
DEFAULT_SEED = 42
CHECKPOINT_WINDOW_MIN = 10
MAX_WINDOW_VEHICLES = 6  # a checkpoint window busier than this is traffic, not a convoy
MENTION_SOURCES = ["hotline", "grid"]


# --------------------------------------------------------------------------- projection


def _no_gc(func):
    """Pause the cyclic garbage collector: these phases build millions of small
    containers and hold no cycles, and gen-2 collections over a heap of a million
    tie rows otherwise cost more than the work itself."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return wrapper


@_no_gc
def coffending_rows(store: GraphStore, window_min: int = CHECKPOINT_WINDOW_MIN) -> list[dict[str, Any]]:
    """All tie rows (hyperedges) the graph holds; see the module docstring for kinds."""
    rows: list[dict[str, Any]] = []
    for r in paged(store, "inv_doc_persons"):
        if r["members"]:  # one-suspect cases tie nobody but count for the leader and the evidence
            rows.append(
                {"kind": "case", "members": r["members"], "doc": r["doc"], "time": r["time"], "cause": r["cause"]}
            )
    for r in paged(store, "inv_doc_mentions", sources=MENTION_SOURCES):
        if len(r["members"]) >= 2:
            rows.append({"kind": "mention", "members": r["members"], "doc": r["doc"], "time": r["time"]})
    for r in paged(store, "inv_shared_objects"):
        if len(r["members"]) >= 2:
            kind = {"Vehicle": "vehicle", "Vessel": "vessel", "Phone": "phone"}.get(r["label"], "vehicle")
            docs = sorted(d for d in (r["docs"] or []) if d)
            rows.append(
                {
                    "kind": kind,
                    "members": r["members"],
                    "doc": docs[0] if docs else None,
                    "docs": docs,
                    "time": r["time"],
                    "object": r["object"],
                }
            )
    # the same vehicle or vessel in several cases ties their principals (first named in the narrative)
    principals: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    label_of: dict[str, str] = {}
    for r in paged(store, "inv_case_objects"):
        principals[r["object"]].append((principal(r["members"], r["names"], r["text"]), r["doc"], r["time"]))
        label_of[r["object"]] = r["label"]
    for obj, lst in sorted(principals.items()):
        people = sorted({p for p, _, _ in lst if p})
        if len(lst) >= 2 and len(people) >= 2:
            docs = sorted({d for _, d, _ in lst})
            times = [t for _, _, t in lst if t]
            kind = "vessel" if label_of[obj] == "Vessel" else "vehicle"
            rows.append(
                {
                    "kind": kind,
                    "members": people,
                    "doc": docs[0],
                    "docs": docs,
                    "time": max(times) if times else None,
                    "object": obj,
                }
            )
    for r in paged(store, "inv_co_offender"):
        rows.append({"kind": "co_offender", "members": [r["a"], r["b"]], "doc": r["doc"], "time": r["time"]})
    rows.extend(checkpoint_rows(store, window_min))
    out = []
    for r in rows:
        if r["kind"] in TEXT_KINDS:  # names read from free text count only once tied to an identity
            mem = [m for m in r["members"] if "@" not in m]
        else:
            mem = [m for m in r["members"] if _identified(m)]
        if len(mem) >= 2 or (mem and r["kind"] == "case"):
            out.append({**r, "members": mem})
    return out


def principal(keys: list[str], names: list[str | None], text: str | None) -> str | None:
    """The principal suspect of a case: the one named first in its narrative (Chinese case
    files name the 主犯 first: "张三伙同李四…"); ties and unnamed → key order."""
    text = text or ""
    best = None
    for k, n in sorted(zip(keys, names)):
        pos = text.find(n) if n else -1
        rank = pos if pos >= 0 else len(text) + 1
        if best is None or rank < best[0]:
            best = (rank, k)
    return best[1] if best else None


def _identified(key: str) -> bool:
    """A masked name (王某, 张某某) known only inside one document never joins a gang:
    it cannot be told apart from another 王某 and cannot be cited."""
    if "@" not in key:
        return True
    return not ids.is_masked_name(key.split(":", 1)[1].split("@", 1)[0])


def checkpoint_rows(store: GraphStore, window_min: int = CHECKPOINT_WINDOW_MIN) -> list[dict[str, Any]]:
    """Plates read at one checkpoint within `window_min` minutes of each other → their people.

    A single co-read at a busy road is chance; a pair counts when it recurs
    (two or more distinct windows) or when it happened once at night at a
    sensitive site (mine pit, river bank, wetland).  Windows holding more than
    MAX_WINDOW_VEHICLES plates are traffic and ignored.
    """
    people: dict[str, list[str]] = {}
    for r in paged(store, "inv_vehicle_people"):
        people[r["vehicle"]] = r["people"]
    if not people:
        return []
    sites = {r["key"]: r for r in store.query("inv_sites")}
    by_site: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for r in paged(store, "inv_checkpoint_reads"):
        t = parse_time(r["time"])
        if t is not None and r["vehicle"] in people:
            by_site[r["site"]].append((t, r["vehicle"], r["doc"]))
    win = window_min * 60
    pairs: dict[tuple[str, str], list[tuple[datetime, str, bool]]] = defaultdict(list)
    for site, reads in by_site.items():
        reads.sort()
        s = sites.get(site, {})
        sens = sensitive_kind(s.get("name"), s.get("kind")) is not None
        lo = 0
        for hi in range(len(reads)):
            while (reads[hi][0] - reads[lo][0]).total_seconds() > win:
                lo += 1
            window = reads[lo : hi + 1]
            if len({v for _, v, _ in window}) > MAX_WINDOW_VEHICLES:
                continue
            t1, v1, d1 = reads[hi]
            for _t0, v0, _ in window[:-1]:
                if v0 != v1:
                    pairs[tuple(sorted((v0, v1)))].append((t1, d1, sens and is_night(t1)))
    out = []
    for (va, vb), events in sorted(pairs.items()):
        distinct = {(e[0].date(), e[0].hour) for e in events}
        if len(distinct) < 2 and not any(e[2] for e in events):
            continue
        members = sorted(set(people[va]) | set(people[vb]))
        if len(members) < 2:
            continue
        last = max(e[0] for e in events)
        out.append(
            {
                "kind": "checkpoint",
                "members": members,
                "doc": sorted(e[1] for e in events if e[1])[0] if any(e[1] for e in events) else None,
                "docs": sorted({e[1] for e in events if e[1]}),
                "time": last.isoformat(sep=" "),
                "object": f"{va}|{vb}",
                "count": len(distinct),
            }
        )
    return out


@dataclass
class Projection:
    """The weighted co-offending graph in arrays (fast path) — `to_networkx()` for the API.

    `flat[offsets[i]:offsets[i+1]]` are the vertex indices of tie row `i`.
    """

    keys: list[str]  # vertex index → person key, sorted
    src: np.ndarray  # int64, src < dst
    dst: np.ndarray
    weight: np.ndarray  # float64
    rows: list[dict[str, Any]] = field(default_factory=list)  # the tie rows (evidence)
    ref_time: datetime | None = None
    flat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    row_times: list[datetime | None] = field(default_factory=list)
    _case_counts: np.ndarray | None = field(default=None, repr=False)

    def case_counts(self) -> np.ndarray:
        """Number of case files naming each vertex as suspect (a row's `count` says how many files it stands for)."""
        if self._case_counts is None:
            cnt = np.fromiter(
                (float(r.get("count", 1)) if r["kind"] == "case" else 0.0 for r in self.rows),
                dtype=np.float64,
                count=len(self.rows),
            )
            lens = np.diff(self.offsets)
            per = np.repeat(cnt, lens) if len(lens) else np.zeros(0)
            self._case_counts = np.bincount(self.flat, weights=per, minlength=len(self.keys))
        return self._case_counts

    @property
    def row_members(self) -> list[list[int]]:
        f, o = self.flat.tolist(), self.offsets.tolist()
        return [sorted(set(f[o[i] : o[i + 1]])) for i in range(len(o) - 1)]

    def to_networkx(self) -> nx.Graph:
        G = nx.Graph()
        G.add_nodes_from(self.keys)
        k = self.keys
        G.add_weighted_edges_from(
            (k[a], k[b], w) for a, b, w in zip(self.src.tolist(), self.dst.tolist(), self.weight.tolist())
        )
        return G


def _buckets(flat: np.ndarray, offsets: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(row size n, row indices, n-column matrix of their members) for every size ≥ 2."""
    lens = np.diff(offsets)
    for n in np.unique(lens).tolist():
        if n < 2:
            continue
        idx = np.nonzero(lens == n)[0]
        yield n, idx, flat[offsets[idx][:, None] + np.arange(n)]


@_no_gc
def project(rows: Iterable[dict[str, Any]], ref_time: datetime | None = None) -> Projection:
    """Tie rows → arrays of (src, dst, summed weight); see the module docstring.

    People are factorised once (a dict), pairs are generated per hyperedge
    size with numpy (`triu_indices`) and summed with `np.unique` + `bincount`,
    so a million people take seconds.  Vertex order is the sorted keys, so the
    input order of rows never changes the result.
    """
    rows = list(rows)
    tcache: dict[Any, datetime | None] = {}
    row_times: list[datetime | None] = []
    for r in rows:
        tv = r.get("time")
        if tv in tcache:
            t = tcache[tv]
        else:
            t = tcache[tv] = parse_time(tv)
        row_times.append(t)
    if ref_time is None:
        known = [t for t in tcache.values() if t is not None]
        ref_time = max(known) if known else None
    dcache: dict[datetime | None, float] = {}

    def decay(t: datetime | None) -> float:
        f = dcache.get(t)
        if f is None:
            f = 1.0
            if ref_time is not None and t is not None:
                f = 0.5 ** (max(0.0, (ref_time - t).total_seconds() / 86400.0) / HALF_LIFE_DAYS)
            dcache[t] = f
        return f

    seen: dict[str, int] = {}
    sd = seen.setdefault
    flat_list = [sd(m, len(seen)) for r in rows for m in r["members"]]
    first = list(seen)
    order = sorted(range(len(first)), key=first.__getitem__)
    keys = [first[i] for i in order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    flat = rank[np.asarray(flat_list, dtype=np.int64)] if flat_list else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(r["members"]) for r in rows), dtype=np.int64, count=len(rows)), out=offsets[1:])
    rw = np.fromiter(
        (
            KIND_WEIGHTS.get(r["kind"], 0.5)
            * (float(r.get("count", 1)) if r["kind"] == "checkpoint" else 1.0)
            * decay(t)
            for r, t in zip(rows, row_times)
        ),
        dtype=np.float64,
        count=len(rows),
    )
    # documents split one unit among their parties (1/(n−1)); a shared object only 1/√(n−1)
    is_obj = np.fromiter((r["kind"] in OBJECT_KINDS for r in rows), dtype=bool, count=len(rows))
    share = [(lambda k: math.sqrt(k - 1)) if o else (lambda k: float(k - 1)) for o in is_obj.tolist()]
    a_parts: list[np.ndarray] = []
    b_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    for n, idx, M in _buckets(flat, offsets):
        M = np.sort(M, axis=1)
        dup = (M[:, 1:] == M[:, :-1]).any(axis=1)
        if dup.any():  # a person listed twice in one row: pairs of the distinct members
            for i in np.nonzero(dup)[0].tolist():
                mem = sorted(set(M[i].tolist()))
                k = len(mem)
                for x in range(k):
                    for y in range(x + 1, k):
                        a_parts.append(np.asarray([mem[x]]))
                        b_parts.append(np.asarray([mem[y]]))
                        w_parts.append(np.asarray([rw[idx[i]] / share[idx[i]](k)]))
            M, idx = M[~dup], idx[~dup]
        iu, ju = np.triu_indices(n, k=1)
        a_parts.append(M[:, iu].ravel())
        b_parts.append(M[:, ju].ravel())
        div = np.where(is_obj[idx], math.sqrt(n - 1), float(n - 1))
        w_parts.append(np.repeat(rw[idx] / div, len(iu)))
    e = np.zeros(0, dtype=np.int64)
    if not a_parts:
        return Projection(keys, e, e.copy(), np.zeros(0), rows, ref_time, flat, offsets, row_times)
    a = np.concatenate(a_parts)
    b = np.concatenate(b_parts)
    w = np.concatenate(w_parts)
    nk = max(1, len(keys))
    uniq, inv = np.unique(a * nk + b, return_inverse=True)
    wsum = np.bincount(inv, weights=w)
    return Projection(keys, uniq // nk, uniq % nk, wsum, rows, ref_time, flat, offsets, row_times)


def project_coffending(source: GraphStore | Iterable[dict[str, Any]], ref_time: datetime | None = None) -> nx.Graph:
    """The co-offending network as a weighted `networkx.Graph` (edge attribute `weight`).

    `source` is a store (tie rows are read from it) or tie rows themselves.
    """
    rows = coffending_rows(source) if isinstance(source, GraphStore) else source
    return project(rows, ref_time).to_networkx()


# --------------------------------------------------------------------------- communities


def _leiden_membership(
    n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, resolution: float, seed: int, engine: str
) -> list[int]:
    import igraph as ig

    g = ig.Graph(n=n, edges=list(zip(src.tolist(), dst.tolist())), directed=False)
    if engine == "leidenalg":
        import leidenalg as la

        part = la.find_partition(
            g, la.CPMVertexPartition, weights=w.tolist(), resolution_parameter=resolution, seed=seed, n_iterations=2
        )
        return list(part.membership)
    random.seed(seed)  # igraph's C core draws from Python's `random` module
    ig.set_random_number_generator(random)
    # two Leiden iterations below half a million people, one above (the reassignment
    # pass that follows recovers what a second iteration would; measured on the plant)
    iterations = 2 if n < 500_000 else 1
    cl = g.community_leiden(
        objective_function="CPM", weights=w.tolist(), resolution=resolution, n_iterations=iterations
    )
    return list(cl.membership)


def reassign_to_strongest(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    membership: list[int],
    max_size: int | None = 15,
    passes: int = 3,
) -> list[int]:
    """Move each person to the group they have the most tie weight to.

    CPM charges γ for every member pair, so in a 12-person crew a member tied
    to the leader by one phone (1.2 < 11γ) is cheaper outside, and lands in a
    3-person group through one co-mention (0.5 > 3γ).  This pass (a weighted
    label-propagation step, Raghavan, Albert & Kumara, Phys. Rev. E 76, 036106,
    2007, applied to the Leiden result) sends such a member home.  A person
    moves only to a strictly stronger group that is below `max_size`; ties
    keep the current group.  Vectorised; a few passes.
    """
    m = np.asarray(membership, dtype=np.int64)
    if len(src) == 0:
        return m.tolist()
    s2 = np.concatenate([src, dst])
    d2 = np.concatenate([dst, src])
    w2 = np.concatenate([w, w])
    for _ in range(passes):
        K = int(m.max()) + 1
        c2 = m[d2]
        same = c2 == m[s2]
        own = np.bincount(s2[same], weights=w2[same], minlength=n)
        cross = ~same
        if not cross.any():
            break
        # weight of each person to each other group (cross-group ties are few)
        uniq, inv = np.unique(s2[cross] * K + c2[cross], return_inverse=True)
        tot = np.bincount(inv, weights=w2[cross])
        node, comm = uniq // K, uniq % K
        order = np.lexsort((comm, -tot, node))  # per person: strongest other group first, ties by id
        first = np.ones(len(order), dtype=bool)
        first[1:] = node[order][1:] != node[order][:-1]
        best = order[first]
        bn, bc, bw = node[best], comm[best], tot[best]
        sizes = np.bincount(m, minlength=K)
        move = bw > own[bn] + 1e-9
        if max_size:
            move &= sizes[bc] < max_size
        if not move.any():
            break
        # move in person order, respecting max_size as groups fill up
        for v, c in zip(bn[move].tolist(), bc[move].tolist()):
            if max_size and sizes[c] >= max_size:
                continue
            sizes[m[v]] -= 1
            sizes[c] += 1
            m[v] = c
    return m.tolist()


@_no_gc
def absorb_fragments(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    membership: list[int],
    min_size: int = 3,
    max_size: int | None = 15,
) -> list[int]:
    """Merge a group smaller than `min_size` into the group it is most tied to, when
    that tie is at least as strong as the fragment's own internal ties.

    Two accomplices who appear only in one old case with the leader of a nine-person
    crew are cheaper for CPM as a pair (their two ties to the leader, decayed,
    do not pay γ × 2 × 9); as a pair they are no gang at all.  Absorbing them
    keeps them with the crew they offended with.  Capped at `max_size`.
    """
    m = np.asarray(membership, dtype=np.int64)
    if len(src) == 0:
        return m.tolist()
    K = int(m.max()) + 1
    sizes = np.bincount(m, minlength=K)
    ca, cb = m[src], m[dst]
    small = sizes < min_size
    sel = (ca != cb) & (small[ca] | small[cb])
    if not sel.any():
        return m.tolist()
    internal = np.bincount(ca[ca == cb], weights=w[ca == cb], minlength=K)
    # weight between (fragment, other group), both directions
    fa = np.concatenate([ca[sel], cb[sel]])
    fb = np.concatenate([cb[sel], ca[sel]])
    ww = np.concatenate([w[sel], w[sel]])
    keep = small[fa]
    fa, fb, ww = fa[keep], fb[keep], ww[keep]
    uniq, inv = np.unique(fa * K + fb, return_inverse=True)
    tot = np.bincount(inv, weights=ww)
    frag, other = uniq // K, uniq % K
    order = np.lexsort((other, -tot, frag))
    first = np.ones(len(order), dtype=bool)
    first[1:] = frag[order][1:] != frag[order][:-1]
    target = {}
    for f, o, t in zip(frag[order][first].tolist(), other[order][first].tolist(), tot[order][first].tolist()):
        if t + 1e-9 >= internal[f] and not small[o]:
            target[f] = o
    if not target:
        return m.tolist()
    remap = np.arange(K, dtype=np.int64)
    for f in sorted(target):
        o = target[f]
        if max_size and sizes[o] + sizes[f] > max_size:
            continue
        remap[f] = o
        sizes[o] += sizes[f]
        sizes[f] = 0
    return remap[m].tolist()


def communities_from_arrays(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    resolution: float = DEFAULT_RESOLUTION,
    seed: int = DEFAULT_SEED,
    max_size: int | None = 15,
    engine: str = "igraph",
    reassign: bool = True,
    min_size: int = 3,
) -> list[list[int]]:
    """Leiden-CPM on an edge list, then `reassign_to_strongest`; groups above
    `max_size` are re-split at doubled γ.

    Returns groups of vertex indices, each sorted, ordered by first vertex.
    """
    if engine == "networkx":
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), w.tolist()))
        kwargs: dict[str, Any] = {}
        try:  # networkx dispatch: nx-cugraph runs the same call on a GPU when it is installed
            import nx_cugraph  # type: ignore  # noqa: F401

            kwargs["backend"] = "cugraph"
        except ImportError:
            pass
        comms = nx.community.louvain_communities(G, weight="weight", resolution=1.0, seed=seed, **kwargs)
        return sorted((sorted(c) for c in comms), key=lambda c: c[0])
    membership = _leiden_membership(n, src, dst, w, resolution, seed, engine)
    if reassign:
        membership = reassign_to_strongest(n, src, dst, w, membership, max_size)
        membership = absorb_fragments(n, src, dst, w, membership, min_size, max_size)
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(membership):
        groups[c].append(v)
    out: list[list[int]] = []
    big: list[list[int]] = []
    for g in groups.values():
        (big if max_size and len(g) > max_size and resolution < 64 else out).append(g)
    if big:
        in_big = np.full(n, -1, dtype=np.int64)
        for gi, g in enumerate(big):
            in_big[g] = gi
        same = (in_big[src] >= 0) & (in_big[src] == in_big[dst])
        for gi, g in enumerate(big):
            sel = same & (in_big[src] == gi)
            local = {v: i for i, v in enumerate(g)}
            s = np.asarray([local[v] for v in src[sel].tolist()], dtype=np.int64)
            d = np.asarray([local[v] for v in dst[sel].tolist()], dtype=np.int64)
            for sub in communities_from_arrays(
                len(g), s, d, w[sel], resolution * 2, seed, max_size, engine, reassign, min_size
            ):
                out.append([g[i] for i in sub])
    return sorted((sorted(g) for g in out), key=lambda c: c[0])


def detect_communities(
    G: nx.Graph,
    resolution: float = DEFAULT_RESOLUTION,
    seed: int = DEFAULT_SEED,
    max_size: int | None = 15,
    engine: str = "igraph",
) -> list[set]:
    """Small, dense groups of a weighted networkx graph (Leiden on the Constant Potts Model).

    Traag, Waltman & van Eck (2019), Sci. Rep. 9, 5233 — Leiden;
    Traag, Van Dooren & Nesterov (2011), Phys. Rev. E 84, 016114 — CPM.
    `engine`: "igraph" (C Leiden, default), "leidenalg", or "networkx"
    (modularity Louvain, for comparison: it merges small groups).
    Nodes are taken in sorted order so equal input gives equal output.
    """
    nodes = sorted(G.nodes, key=str)
    index = {v: i for i, v in enumerate(nodes)}
    src, dst, w = [], [], []
    for u, v, d in G.edges(data=True):
        a, b = sorted((index[u], index[v]))
        src.append(a)
        dst.append(b)
        w.append(float(d.get("weight", 1.0)))
    order = np.lexsort((np.asarray(dst), np.asarray(src))) if src else np.zeros(0, dtype=np.int64)
    S = np.asarray(src, dtype=np.int64)[order]
    D = np.asarray(dst, dtype=np.int64)[order]
    W = np.asarray(w, dtype=np.float64)[order]
    groups = communities_from_arrays(len(nodes), S, D, W, resolution, seed, max_size, engine)
    return [{nodes[i] for i in g} for g in groups]


# --------------------------------------------------------------------------- report


def gang_id(member_keys: Iterable[str]) -> str:
    """Stable gang id: SHA-1 of the sorted member keys."""
    raw = "\x1f".join(sorted(member_keys))
    return "gang:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


@dataclass
class Gang:
    id: str
    score: float
    members: list[dict[str, Any]]  # {"key","name","id_card"}
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


def _fold_aliases(
    scored: list[dict[str, Any]], people: dict[str, dict[str, Any]], min_size: int
) -> list[dict[str, Any]]:
    """A member known only inside one file (`person:倪昌@doc…`, e.g. its resident ID had a
    bad check digit) who bears the name of an identified member of the same gang is that
    member: listed once, under the identified key (`aliases` keeps the other)."""
    out = []
    for g in scored:
        named = {people.get(m, {}).get("name") for m in g["members"] if "@" not in m}
        dup = [
            m for m in g["members"] if "@" in m and m.split(":", 1)[1].split("@", 1)[0] in named and m != g["leader"]
        ]
        if dup:
            g = {**g, "aliases": dup, "members": [m for m in g["members"] if m not in dup]}
            if len(g["members"]) < min_size:
                continue
            g["id"] = gang_id(g["members"])
        out.append(g)
    out.sort(key=lambda x: (-x["score"], x["id"]))
    return out


@_no_gc
def write_gangs(store: GraphStore, scored: list[dict[str, Any]], batch: int = 10000) -> dict[str, int]:
    """Replace every Gang node and MEMBER_OF relationship with `scored` (ids are stable).

    One query per batch creates the Gang nodes and their members' MEMBER_OF
    {score = member strength / leader strength, leader} edges.
    """
    store.run_write("inv_delete_gangs")
    rows = []
    n_members = 0
    for rank, g in enumerate(scored, 1):
        top = max(g["strength"].values()) if g.get("strength") else 0.0
        members = g["members"]
        n_members += len(members)
        rows.append(
            {
                "key": g["id"],
                "name": f"团伙 {g['id'][5:]}",
                "score": g["score"],
                "rank": rank,
                "size": len(members),
                "leader": g["leader"],
                "cases": g.get("cases", 0),
                "vehicles": g.get("vehicles", []),
                "vessels": g.get("vessels", []),
                "members": members,
                "ms": [round(g["strength"].get(m, 0.0) / top, 4) if top else 0.0 for m in members],
            }
        )
    chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    if len(chunks) <= 1:
        for c in chunks:
            store.run_write("inv_write_gangs", gangs=c)
    else:
        # two writers: the client renders one batch's parameters while the server runs the other's
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in pool.map(lambda c: store.run_write("inv_write_gangs", gangs=c), chunks):
                pass
    return {"gangs": len(rows), "memberships": n_members}


def detect_gangs(
    store: GraphStore,
    min_size: int = 3,
    max_size: int = 15,
    write_back: bool = True,
    resolution: float = DEFAULT_RESOLUTION,
    seed: int = DEFAULT_SEED,
    rows: list[dict[str, Any]] | None = None,
) -> GangReport:
    """Project, detect, score, name leaders, write back; gangs best first."""
    rows = coffending_rows(store) if rows is None else rows
    proj = project(rows)
    groups = communities_from_arrays(
        len(proj.keys), proj.src, proj.dst, proj.weight, resolution, seed, max_size, min_size=min_size
    )
    scored = score_groups(proj, groups, min_size, max_size)
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
    for g in scored:
        members = []
        for m in g["members"]:
            p = people.get(m, {})
            name = p.get("name") or (m.split(":", 1)[1].split("@")[0] if "@" in m else None)
            members.append({"key": m, "name": name, "id_card": _id_card_of(m, p)})
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
    return GangReport(gangs, stats)


# --------------------------------------------------------------------------- truth comparison


def _truth_keys(members: list[Any]) -> tuple[set[str], list[str]]:
    """Planted members → (person keys by resident ID, names of members without one)."""
    keys, names = set(), []
    for m in members:
        if isinstance(m, str):
            m = {"id_card": m} if ids.normalize_resident_id(m) else {"key": m}
        idc = ids.normalize_resident_id(m.get("id_card"))
        if idc:
            keys.add(f"person:{idc}")
        elif m.get("key"):
            keys.add(m["key"])
        elif m.get("name"):
            names.append(m["name"])
    return keys, names


def compare_with_truth(result: GangReport | dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Planted gangs vs detected: recovery at member Jaccard ≥ 0.8, leaders, fusions.

    Members are matched by resident ID (`person:<id>`); a planted member
    without one (a masked 王某) matches a detected member of that name in the
    same detected gang.  A *fusion* is a detected gang holding members of two
    planted gangs; a *decoy fusion* one holding a masked-name decoy
    (`truth["decoys"]`: people planted to look alike across cases) together
    with people of a planted gang or of another decoy's case.
    """
    data = result.to_dict() if hasattr(result, "to_dict") else result
    detected = []
    for g in data["gangs"]:
        keys = {m["key"] for m in g["members"]}
        for m in g["members"]:
            idc = ids.normalize_resident_id(m.get("id_card"))
            if idc:
                keys.add(f"person:{idc}")
        detected.append((g, keys))
    owner: dict[str, str] = {}
    per = []
    for pg in truth.get("gangs", []):
        tk, tnames = _truth_keys(pg["members"])
        for k in tk:
            owner[k] = pg["id"]
        best, best_j = None, 0.0
        for g, keys in detected:
            named = [m for m in g["members"] if m["key"] not in tk and m.get("name") in tnames]
            inter = len(tk & keys) + min(len(named), len(tnames))
            if not inter:
                continue
            det_size = len(g["members"])
            j = inter / (len(tk) + len(tnames) + det_size - inter)
            if j > best_j:
                best, best_j = g, j
        leader = pg.get("leader")
        lk = None
        if leader:
            lk = (
                f"person:{ids.normalize_resident_id(leader) or leader}"
                if not str(leader).startswith("person:")
                else leader
            )
        best_keys = next((k for g, k in detected if best is not None and g is best), set())
        per.append(
            {
                "id": pg["id"],
                "missing": sorted(tk - best_keys),
                "extra": sorted(
                    k
                    for k in best_keys - tk
                    if not any(m["key"] == k and m.get("name") in tnames for m in best["members"])
                )
                if best
                else [],
                "size": len(tk) + len(tnames),
                "jaccard": round(best_j, 4),
                "recovered": best_j >= 0.8,
                "leader_right": bool(best and lk and best["leader"]["key"] == lk),
                "detected": best["id"] if best else None,
            }
        )
    fused = []
    for g, keys in detected:
        owners = sorted({owner[k] for k in keys if k in owner})
        if len(owners) >= 2:
            fused.append({"gang": g["id"], "planted": owners})
    decoy_fusions = []
    for d in truth.get("decoys", []):
        dk: set[str] = set()
        for v in d.values() if isinstance(d, dict) else [d]:
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, dict):
                    k, _ = _truth_keys([x])
                    dk |= k
                    if x.get("doc"):
                        dk.add(str(x["doc"]))
                elif isinstance(x, str):
                    dk.add(x)
        for g, keys in detected:
            hit = {k for k in keys if any(x and (k == x or k.endswith("@" + x) or x in k) for x in dk)}
            if len(hit) >= 2 and len({k.split("@", 1)[-1] for k in hit}) >= 2:
                decoy_fusions.append({"gang": g["id"], "decoy": hit and sorted(hit)})
    n = len(per)
    return {
        "planted": n,
        "detected": len(detected),
        "recovered": sum(p["recovered"] for p in per),
        "leaders_right": sum(p["leader_right"] for p in per),
        "fusions": len(fused),
        "decoy_fusions": len(decoy_fusions),
        "mean_jaccard": round(sum(p["jaccard"] for p in per) / n, 4) if n else None,
        "per_gang": per,
        "fused": fused + decoy_fusions,
    }


__all__ = [
    "KIND_WEIGHTS",
    "HALF_LIFE_DAYS",
    "DEFAULT_RESOLUTION",
    "Gang",
    "GangReport",
    "Projection",
    "coffending_rows",
    "checkpoint_rows",
    "project",
    "project_coffending",
    "detect_communities",
    "communities_from_arrays",
    "score_groups",
    "write_gangs",
    "detect_gangs",
    "gang_id",
    "compare_with_truth",
]
