"""Paths between two entities, bounded by design.

Enumerating every simple path up to six hops between two well-connected
entities is exponential: between two hubs it never ended and kept a core busy
after the client had left.  So:

- **shortest path**: a bidirectional breadth-first search (Pohl 1971), one
  batched neighbour query (`inv_path_step`) per level: both frontiers at once
  while they are small, else the smaller one — a 6-hop search costs at most six
  round trips, a 4-hop one usually two, and the path's hops are fetched with
  the hub check of its meeting point (the one node on it never expanded);
- **alternatives** (`alternatives=True`, the API's `all_simple`): the k shortest
  simple paths (Yen 1971, networkx `shortest_simple_paths`) inside a bounded
  subgraph — the balls of radius ⌈L/2⌉ and ⌊L/2⌋ around the two ends (every
  node and edge of a path of length ≤ L lies in them), capped at `MAX_EDGES`,
  and pruned to the nodes with dist(a) + dist(b) ≤ L before Yen runs;
- **hubs** (degree above `hub_degree`: a receiver of 100k manifests, a busy
  checkpoint) are reached but never expanded, unless `through_hubs` or they are
  an end of the path: "both passed the same busy checkpoint" links everyone;
- **a time budget** (`budget.PATH_S`, 1.5 s by default) over the whole search:
  each store query carries what is left of it as the store's own timeout, and
  the Python loops check it.  When it runs out the answer says so, with what
  was found until then.

The search is written once as a plan (`graph_schema.store.plans`): `find_paths` runs
it blocking (CLI, analyses), `afind_paths` awaits its reads on the event loop (the
API), where a shortest-path request needs no worker thread; alternatives (Yen's loop is
CPU work) run on one.

Links an analyst rejected are never part of a path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import networkx as nx

from graph_schema.store import GraphStore, QueryTimeout, budget
from graph_schema.store.plans import Plan, Read, arun_plan, run_plan
from investigations.common import node_name

MAX_HOPS = 6
HUB_DEGREE = 1000  # neighbours above which a node is a hub
STEP_LIMIT = 20000  # rows one breadth-first step may return
MAX_EDGES = 60000  # relationships fetched for alternatives
JOINT_FRONTIER = 64  # both frontiers expanded in one round trip while together at most this many keys

Edge = tuple[str, str, str, Any]  # head, type, tail, fact


@dataclass
class PathResult:
    a: str
    b: str
    paths: list[dict[str, Any]]
    complete: bool = True  # False: the budget ran out, a step was cut at its limit, or hubs were skipped
    budget_hit: bool = False
    budget_s: float | None = None
    hubs: list[str] = field(default_factory=list)  # hubs met and not expanded
    message: str | None = None
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → {"key","label","name"} on the paths

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "paths": self.paths,
            "complete": self.complete,
            "budget_hit": self.budget_hit,
            "budget_s": self.budget_s,
            "hubs": self.hubs,
            "message": self.message,
            "nodes": list(self.nodes.values()),
        }


class _Stepper:
    """Batched neighbour queries (plans) with the hub rule; remembers truncation and skipped hubs."""

    def __init__(self, ends: list[str], hub_degree: int) -> None:
        self.ends = ends
        self.hub_degree = max(0, int(hub_degree))
        self.truncated = False
        self.hubs: list[str] = []
        self.expanded: set[str] = set()
        self.held: set[str] = set()  # hubs found among nodes reached: no path passes through them

    def _hub_params(self) -> dict[str, Any]:
        """The hub rule's parameters: a store may count a node's links only up to `cap`,
        one more than a hub's threshold, which is all the rule needs to know."""
        return {"hub": self.hub_degree, "cap": self.hub_degree + 1, "force": self.ends}

    def step(self, keys: list[str], limit: int = STEP_LIMIT) -> Plan[list[dict[str, Any]]]:
        budget.check()
        rows = yield Read("inv_path_step", {"keys": keys, "limit": limit, **self._hub_params()})
        self.expanded.update(r["from"] for r in rows)
        if len(rows) >= limit:
            self.truncated = True
        elif self.hub_degree:
            # An expanded node returns at least the link it was reached by; one that returns
            # nothing was held back by the hub rule, or has only rejected links: ask which.
            silent = [k for k in keys if k not in self.expanded]
            if silent:
                yield from self.hubs_among(silent)
        return rows

    def hubs_among(self, keys: list[str]) -> Plan[set[str]]:
        """Hubs among nodes the search reached but did not expand (a meeting point, the
        rim of a ball): a path may not pass through them either."""
        known = self.held.intersection(keys)  # asked already
        keys = self.unchecked(keys)
        if not keys:
            return known
        budget.check()
        found = {r["key"] for r in (yield Read("inv_path_hubs", {"keys": keys, **self._hub_params()}))}
        self.hold(found)
        return found | known

    def unchecked(self, keys: list[str]) -> list[str]:
        """Nodes of a path whose hub status is not known yet: reached, never expanded, not an end."""
        if not self.hub_degree:
            return []
        return [k for k in keys if k not in self.ends and k not in self.expanded and k not in self.held]

    def hold(self, keys: set[str]) -> None:
        """Hubs met and not expanded: reported, and no path may pass through them."""
        self.hubs += sorted(set(keys) - self.held)
        self.held |= set(keys)


def _edge(r: dict[str, Any]) -> Edge:
    return (r["head"], r["type"], r["tail"], r["fact"])


Candidate = list[tuple[str, Edge | None]]  # a path as [(key, edge into it)]


def _bidirectional(
    stepper: _Stepper, a: str, b: str, max_hops: int, accept: Callable[[Candidate], Plan[Any]]
) -> Plan[Any]:
    """The first shortest path within `max_hops` that `accept` takes: its answer, or None.

    A path is only a candidate until its meeting point is known not to be a hub
    (`_paths_plan` learns that with the path's hops, in the same round trip): `accept` is a
    plan that answers None for a candidate whose meeting point it held (`stepper.held`),
    and the search goes on to the next.

    Both frontiers are expanded in one round trip while together they hold at most
    `JOINT_FRONTIER` keys and both have room to grow; otherwise the smaller one alone.  With
    both balls complete to depths d0 and d1, the common node with the least d0 + d1 lies on
    a shortest path (any path of length L ≤ d0 + d1 has a node within d0 of a and L - d0 of
    b), so the joint step finds what alternating steps would, one round trip sooner.
    """
    if a == b:
        return (yield from accept([(a, None)]))
    dist: list[dict[str, int]] = [{a: 0}, {b: 0}]
    parent: list[dict[str, tuple[str, Edge] | None]] = [{a: None}, {b: None}]
    frontier = [[a], [b]]
    depth = [0, 0]
    while depth[0] + depth[1] < max_hops:
        if not frontier[0] or not frontier[1]:
            return None  # one end's component is exhausted
        room = max_hops - depth[0] - depth[1]
        if room >= 2 and len(frontier[0]) + len(frontier[1]) <= JOINT_FRONTIER:
            sides = [0, 1]
        else:
            sides = [0 if len(frontier[0]) <= len(frontier[1]) else 1]
        keys = list(dict.fromkeys(k for side in sides for k in frontier[side]))
        rows = yield from stepper.step(keys, limit=STEP_LIMIT * len(sides))
        meets: set[str] = set()
        for side in sides:
            own = set(frontier[side])
            nxt: list[str] = []
            for r in rows:
                to = r["to"]
                if r["from"] not in own or to in dist[side]:
                    continue
                dist[side][to] = depth[side] + 1
                parent[side][to] = (r["from"], _edge(r))
                nxt.append(to)
                if to in dist[1 - side]:
                    meets.add(to)
            depth[side] += 1
            frontier[side] = nxt
        for meet in sorted(meets, key=lambda k: (dist[0][k] + dist[1][k], k)):
            if dist[0][meet] + dist[1][meet] > max_hops:
                break
            if meet in stepper.held:
                continue
            answer = yield from accept(_join(parent, meet))
            if answer is not None:
                return answer
    return None


def _join(parent: list[dict[str, Any]], meet: str) -> list[tuple[str, Edge | None]]:
    out: list[tuple[str, Edge | None]] = []
    k: str | None = meet
    while k is not None:  # meet back to a, each key with the edge that reached it
        step = parent[0][k]
        out.append((k, step[1] if step else None))
        k = step[0] if step else None
    out.reverse()
    k = meet
    while parent[1][k] is not None:  # meet on to b
        prev, edge = parent[1][k]
        out.append((prev, edge))
        k = prev
    return out


def _subgraph(stepper: _Stepper, a: str, b: str, max_hops: int) -> Plan[nx.Graph]:
    """The balls around both ends, as an undirected graph whose edges list their relationships.

    Level by level, both balls' frontiers in one round trip while together they hold at most
    `JOINT_FRONTIER` keys (a 4-hop search: two round trips, was three), else each on its own;
    the graph is the same either way."""
    G = nx.Graph()
    G.add_nodes_from([a, b])
    ends = list(dict.fromkeys((a, b)))
    radius = {a: math.ceil(max_hops / 2), b: max_hops // 2}
    seen = {end: {end} for end in ends}
    frontier = {end: [end] for end in ends}
    edges = 0
    for level in range(max(radius.values())):
        growing = [end for end in ends if level < radius[end] and frontier[end]]
        level_keys = list(dict.fromkeys(k for end in growing for k in frontier[end]))
        joint = len(level_keys) <= JOINT_FRONTIER
        for batch, keys in [(growing, level_keys)] if joint else [([end], frontier[end]) for end in growing]:
            if edges >= MAX_EDGES:
                return G
            rows = yield from stepper.step(keys, limit=min(STEP_LIMIT * len(batch), MAX_EDGES - edges + 1))
            edges += len(rows)
            for r in rows:
                x, y = r["from"], r["to"]
                if G.has_edge(x, y):
                    rels = G.edges[x, y]["rels"]
                    if _edge(r) not in rels:
                        rels.append(_edge(r))
                else:
                    G.add_edge(x, y, rels=[_edge(r)])
            for end in batch:
                own, nxt = set(frontier[end]), []
                for r in rows:
                    y = r["to"]
                    if r["from"] in own and y not in seen[end]:
                        seen[end].add(y)
                        nxt.append(y)
                frontier[end] = nxt
    return G


def _k_shortest(stepper: _Stepper, G: nx.Graph, a: str, b: str, max_hops: int, limit: int) -> Plan[list[Candidate]]:
    """Up to `limit` shortest simple paths of at most `max_hops`, shortest first (Yen)."""
    if a not in G or b not in G:
        return []
    da = nx.single_source_shortest_path_length(G, a, cutoff=max_hops)
    db = nx.single_source_shortest_path_length(G, b, cutoff=max_hops)
    keep = {n for n in da if n in db and da[n] + db[n] <= max_hops}
    keep -= yield from stepper.hubs_among(sorted(keep))
    H = G.subgraph(keep)
    if a not in H or b not in H:
        return []
    out = []
    try:
        for nodes in nx.shortest_simple_paths(H, a, b):
            if len(nodes) - 1 > max_hops:
                break
            out.append(
                [(nodes[0], None)] + [(y, min(H.edges[x, y]["rels"], key=str)) for x, y in zip(nodes, nodes[1:])]
            )
            if len(out) >= limit:
                break
            budget.check()
    except nx.NetworkXNoPath:
        pass
    return out


def _with_props(
    found: list[Candidate], check: Sequence[str] = (), hub_degree: int = 0
) -> Plan[tuple[list[dict[str, Any]], dict[str, dict[str, Any]], set[str]]]:
    """Found paths in the API's shape, each hop with its relationship's properties, the nodes
    on them (`{key: {"key","label","name"}}`) and the hubs (degree above `hub_degree`) among
    `check`, in one query."""
    wanted = {e for p in found for _, e in p if e is not None}
    props: dict[Edge, dict[str, Any]] = {}
    nodes: dict[str, dict[str, Any]] = {}
    hubs: set[str] = set()
    if wanted:
        hops = [{"head": h, "type": t, "tail": tl, "fact": f} for h, t, tl, f in sorted(wanted, key=str)]
        for r in (yield Read("inv_path_hops", {"hops": hops, "check": list(check), "cap": hub_degree + 1})):
            props.setdefault((r["head"], r["type"], r["tail"], r["fact"]), r["props"] or {})
            props.setdefault((r["head"], r["type"], r["tail"], None), r["props"] or {})
            for end in ("head", "tail"):
                label, end_props = r[f"{end}_label"], r[f"{end}_props"] or {}
                nodes[r[end]] = {"key": r[end], "label": label, "name": node_name(label, r[end], end_props)}
                if r[end] in check and (r[f"{end}_degree"] or 0) > hub_degree:
                    hubs.add(r[end])
    out = []
    for p in found:
        hops = [
            {"head": e[0], "type": e[1], "tail": e[2], "props": props.get(e) or props.get((*e[:3], None)) or {}}
            for _, e in p[1:]
            if e is not None
        ]
        out.append({"keys": [k for k, _ in p], "hops": hops, "length": len(hops)})
    return out, nodes, hubs


def find_paths(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 4,
    alternatives: bool = False,
    limit: int = 10,
    *,
    hub_degree: int = HUB_DEGREE,
    through_hubs: bool = False,
    budget_s: float | None = budget.PATH_S,
) -> PathResult:
    """The shortest path between `a` and `b` (or up to `limit` shortest alternatives), at most
    `max_hops` long, found within `budget_s` seconds or reported as not found in time.

    Each path is `{"keys": [...], "hops": [{"head","type","tail","props"}], "length": n}`,
    shortest first.  Raises ValueError for a bad hop count or an unknown key.
    """
    plan = _paths_plan(a, b, max_hops, alternatives, limit, hub_degree, through_hubs, budget_s)
    return run_plan(store, plan)


async def afind_paths(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 4,
    alternatives: bool = False,
    limit: int = 10,
    *,
    hub_degree: int = HUB_DEGREE,
    through_hubs: bool = False,
    budget_s: float | None = budget.PATH_S,
) -> PathResult:
    """`find_paths` for the event loop: a shortest path's reads awaited on it; alternatives
    on a worker thread (Yen's loop over the subgraph is CPU work the loop must not wait on)."""
    if alternatives:
        import anyio.to_thread

        run = partial(find_paths, store, a, b, max_hops, True, limit, hub_degree=hub_degree,
                      through_hubs=through_hubs, budget_s=budget_s)  # fmt: skip
        return await anyio.to_thread.run_sync(run)
    return await arun_plan(store, _paths_plan(a, b, max_hops, False, limit, hub_degree, through_hubs, budget_s))


def _paths_plan(
    a: str,
    b: str,
    max_hops: int,
    alternatives: bool,
    limit: int,
    hub_degree: int,
    through_hubs: bool,
    budget_s: float | None,
) -> Plan[PathResult]:
    """The reads and the search of `find_paths`, written once for both drivers."""
    if not 1 <= int(max_hops) <= MAX_HOPS:
        raise ValueError(f"max_hops 应在 1–{MAX_HOPS} / max_hops must be 1–{MAX_HOPS}")
    stepper = _Stepper([a, b], 0 if through_hubs else hub_degree)
    found: list[Candidate] = []
    answered = None  # the shortest path's answer, fetched with its meeting point's hub check
    res = PathResult(a, b, [], budget_s=budget_s)

    def accept(p: Candidate) -> Plan[Any]:
        """A candidate's hops and the hub check of its nodes never expanded, in one read;
        None when it met the other side at a hub (held: the search goes on)."""
        paths, nodes, hubs = yield from _with_props([p], stepper.unchecked([k for k, _ in p]), stepper.hub_degree)
        if hubs:
            stepper.hold(hubs)
            return None
        return [p], (paths, nodes)

    try:
        with budget.deadline(budget_s):
            if alternatives:
                G = yield from _subgraph(stepper, a, b, int(max_hops))
                found = yield from _k_shortest(stepper, G, a, b, int(max_hops), int(limit))
            else:
                first = yield from _bidirectional(stepper, a, b, int(max_hops), accept)
                if first is not None:
                    found, answered = first
    except QueryTimeout as exc:
        res.budget_hit = True
        res.budget_s = exc.budget_s
    res.paths, res.nodes = answered if answered is not None else (yield from _with_props(found))[:2]
    if not res.paths or a == b:  # a found path proves both ends exist; otherwise ask
        known = {r["key"]: r for r in (yield Read("nodes_by_keys", {"keys": [a, b]}))}
        for k in (a, b):
            if k not in known:
                raise ValueError(f"找不到实体 / no entity with key {k!r}")
        if a == b:
            res.nodes = {
                a: {"key": a, "label": known[a]["label"], "name": node_name(known[a]["label"], a, known[a]["props"])}
            }
    res.hubs = sorted(set(stepper.hubs))[:50]
    res.complete = not (res.budget_hit or stepper.truncated or stepper.hubs)
    res.message = _message(res, int(max_hops))
    return res


def _message(res: PathResult, max_hops: int) -> str | None:
    """What the analyst should know about an answer that may be partial (Chinese first)."""
    if res.budget_hit:
        what = "已返回预算内找到的路径" if res.paths else "未找到路径"
        return (
            f"路径查找超出时间预算 ({res.budget_s:g} 秒)，{what}；可减少跳数或指定更具体的实体"
            f" / path search hit its time budget of {res.budget_s:g} s"
        )
    if res.paths:
        return None
    if res.hubs:
        return (
            f"{max_hops} 跳内未找到路径；{len(res.hubs)} 个枢纽节点（关联过多）未展开，可设置 through_hubs=true"
            f" / no path within {max_hops} hops; {len(res.hubs)} hub(s) were not expanded"
        )
    if not res.complete:
        return f"{max_hops} 跳内未找到路径（搜索范围已达上限）/ no path within {max_hops} hops (search capped)"
    return f"{max_hops} 跳内没有路径 / no path within {max_hops} hops"
