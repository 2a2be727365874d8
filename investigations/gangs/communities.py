"""Small dense groups in the co-offending graph: Leiden-CPM, then reassignment and fragment absorption."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np

from investigations.gangs.base import DEFAULT_RESOLUTION, DEFAULT_SEED, MAX_GANG_SIZE, _no_gc


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
    max_size: int | None = MAX_GANG_SIZE,
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
    max_size: int | None = MAX_GANG_SIZE,
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
    max_size: int | None = MAX_GANG_SIZE,
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
    max_size: int | None = MAX_GANG_SIZE,
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
