"""Tie rows → the weighted co-offending graph, in arrays."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx
import numpy as np

from graph_schema.store import GraphStore
from investigations.common import parse_time
from investigations.gangs.base import HALF_LIFE_DAYS, KIND_WEIGHTS, OBJECT_KINDS, _no_gc
from investigations.gangs.ties import coffending_rows


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
    row_weight: np.ndarray | None = None  # base weight × decay (× occasions) of each row, before sharing
    _case_counts: np.ndarray | None = field(default=None, repr=False)
    _row_members: list[list[int]] | None = field(default=None, repr=False)
    _named_first: np.ndarray | None = field(default=None, repr=False)

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

    def named_first(self) -> np.ndarray:
        """How often each vertex is the one a case file or a joint-offence statement names first:
        Chinese case files name the principal (主犯) before those who acted with him (张三伙同李四、
        王五; the first 犯罪嫌疑人 line).  Computed once: every pruning pass asks for the leaders."""
        if self._named_first is None:
            index = {k: i for i, k in enumerate(self.keys)}
            out = np.zeros(len(self.keys), dtype=np.float64)
            for r in self.rows:
                if len(r["members"]) < 2:
                    continue
                first = r["members"][0] if r["kind"] == "co_offender" else r.get("principal")
                if first in index:
                    out[index[first]] += 1.0
            self._named_first = out
        return self._named_first

    @property
    def row_members(self) -> list[list[int]]:
        """Each tie row's distinct vertices, sorted (computed once: the membership passes of
        `crews` each walk every row)."""
        if self._row_members is None:
            f, o = self.flat.tolist(), self.offsets.tolist()
            self._row_members = [sorted(set(f[o[i] : o[i + 1]])) for i in range(len(o) - 1)]
        return self._row_members

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
        return Projection(keys, e, e.copy(), np.zeros(0), rows, ref_time, flat, offsets, row_times, rw)
    a = np.concatenate(a_parts)
    b = np.concatenate(b_parts)
    w = np.concatenate(w_parts)
    nk = max(1, len(keys))
    uniq, inv = np.unique(a * nk + b, return_inverse=True)
    wsum = np.bincount(inv, weights=w)
    return Projection(keys, uniq // nk, uniq % nk, wsum, rows, ref_time, flat, offsets, row_times, rw)


def project_coffending(source: GraphStore | Iterable[dict[str, Any]], ref_time: datetime | None = None) -> nx.Graph:
    """The co-offending network as a weighted `networkx.Graph` (edge attribute `weight`).

    `source` is a store (tie rows are read from it) or tie rows themselves.
    """
    rows = coffending_rows(source) if isinstance(source, GraphStore) else source
    return project(rows, ref_time).to_networkx()
