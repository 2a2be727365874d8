"""Link exploration: k-hop neighbours, paths, timelines, documents (entity search: `investigations.search`).

All reads go through named queries in `queries/investigations.cypher`; the
graph algorithms on the fetched neighbourhoods are networkx's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.keys import doc_key_parts
from graph_schema.schema import LABELS, SEARCH_PROPERTY
from graph_schema.store import GraphStore, StoreError
from graph_schema.store.plans import Plan, Read, arun_plan, run_plan
from investigations import paths
from investigations.common import node_name, parse_time
from investigations.paths import PathResult
from investigations.search import (  # the search's home; its public names stay reachable from here
    SearchHit,
    SearchResult,
    asearch_entities,
    refresh_search_index,
    search_entities,
)

MAX_HOPS = paths.MAX_HOPS
_TIME_PROPS = ("time", "last_seen", "first_seen")


# --------------------------------------------------------------------------- neighbours


@dataclass
class Subgraph:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges, "truncated": self.truncated}


def _rel_time_ok(props: dict[str, Any], since: Any, until: Any) -> bool:
    """A relationship passes the time filter when any of its times falls in [since, until];
    relationships without a time (structure: OWNS, FLOWS_INTO…) always pass."""
    if since is None and until is None:
        return True
    times = [parse_time(props.get(p)) for p in _TIME_PROPS]
    times = [t for t in times if t is not None]
    if not times:
        return True
    lo = parse_time(since) if since is not None else None
    hi = parse_time(until) if until is not None else None
    if until is not None and hi is not None and len(str(until).strip()) <= 10:
        hi = hi.replace(hour=23, minute=59, second=59)
    return any((lo is None or t >= lo) and (hi is None or t <= hi) for t in times)


def _node_row(key: str, label: str | None, props: dict[str, Any] | None) -> dict[str, Any]:
    props = dict(props or {})
    props.pop("text", None)  # documents: the full text is fetched with documents_for
    props.pop("key", None)
    props.pop(SEARCH_PROPERTY, None)
    return {"key": key, "label": label, "name": node_name(label, key, props), **props}


def _get_node(store: GraphStore, key: str) -> dict[str, Any]:
    rows = store.query("node_by_key", key=key)
    if not rows:
        raise ValueError(f"找不到实体 / no entity with key {key!r}")
    return rows[0]


def neighbours(
    store: GraphStore,
    key: str,
    hops: int = 1,
    labels: list[str] | None = None,
    rel_types: list[str] | None = None,
    since: Any = None,
    until: Any = None,
    limit: int = 200,
    include_rejected: bool = False,
) -> Subgraph:
    """The entities within `hops` of `key` and the relationships between them.

    `labels` restricts the walk to nodes of those labels (the start always
    counts); `rel_types` to those relationship types; `since`/`until` keep
    relationships with a time in range (timeless ones always pass).  At most
    `limit` nodes, breadth-first, so hubs cannot flood the answer
    (`truncated` says when it was cut).  Links an analyst rejected are left out
    unless `include_rejected` (the review screen shows them, marked).
    """
    return run_plan(store, _neighbours_plan(key, hops, labels, rel_types, since, until, limit, include_rejected))


async def aneighbours(
    store: GraphStore,
    key: str,
    hops: int = 1,
    labels: list[str] | None = None,
    rel_types: list[str] | None = None,
    since: Any = None,
    until: Any = None,
    limit: int = 200,
    include_rejected: bool = False,
) -> Subgraph:
    """`neighbours` awaited on the running event loop (the API's neighbours route)."""
    return await arun_plan(store, _neighbours_plan(key, hops, labels, rel_types, since, until, limit, include_rejected))


def _neighbours_plan(
    key: str,
    hops: int,
    labels: list[str] | None,
    rel_types: list[str] | None,
    since: Any,
    until: Any,
    limit: int,
    include_rejected: bool,
) -> Plan[Subgraph]:
    """The reads and assembly of `neighbours`, written once for both drivers."""
    if not 1 <= int(hops) <= MAX_HOPS:
        raise ValueError(f"hops 应在 1–{MAX_HOPS} / hops must be 1–{MAX_HOPS}")
    labels = list(labels or [])
    expand = {"types": list(rel_types or []), "labels": labels, "rejected": bool(include_rejected),
              "limit": max(limit * 20, 5000)}  # fmt: skip
    # The start node and its first level in one round trip (it was two: node_by_key, inv_expand).
    first = yield Read("inv_neighbourhood", {"key": key, **expand})
    start = next((r for r in first if r["start"]), None)
    if start is None:
        raise ValueError(f"找不到实体 / no entity with key {key!r}")
    for lab in labels:
        if lab not in LABELS:
            raise ValueError(f"未知类型 / unknown label {lab!r}")
    nodes: dict[str, dict[str, Any]] = {key: _node_row(key, start["to_label"], start["to_props"])}
    edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    frontier = [key]
    truncated = False
    for level in range(int(hops)):
        if not frontier:
            break
        if level == 0:
            rows = [r for r in first if not r["start"]]
        else:
            rows = yield Read("inv_expand", {"keys": frontier, **expand})
        rows.sort(key=lambda r: (r["from"], r["type"], r["to"]))
        nxt = []
        for r in rows:
            if labels and r["to_label"] not in labels:
                continue
            if not _rel_time_ok(r["props"] or {}, since, until):
                continue
            to = r["to"]
            if to not in nodes:
                if len(nodes) >= limit:
                    truncated = True
                    continue
                nodes[to] = _node_row(to, r["to_label"], r["to_props"])
                nxt.append(to)
            props = dict(r["props"] or {})
            ek = (r["head"], r["type"], r["tail"], str(props.get("fact", "")))
            edges[ek] = {"head": r["head"], "type": r["type"], "tail": r["tail"], "props": props}
        frontier = nxt
    return Subgraph(list(nodes.values()), [edges[k] for k in sorted(edges)], truncated)


# --------------------------------------------------------------------------- paths


def shortest_path(store: GraphStore, a: str, b: str, max_hops: int = 4) -> dict[str, Any] | None:
    """One shortest undirected path that crosses no rejected link (`paths.find_paths`):
    `{"keys", "hops", "length"}` or None."""
    res = paths.find_paths(store, a, b, max_hops=max_hops)
    return res.paths[0] if res.paths else None


def find_paths(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 4,
    all_simple: bool = False,
    limit: int = 10,
    **options: Any,
) -> PathResult:
    """Shortest path, or (`all_simple`) up to `limit` shortest alternatives, within a time
    budget, hubs not expanded through: see `investigations.paths` (`options`: `hub_degree`,
    `through_hubs`, `budget_s`).  Simple paths are no longer enumerated: between two hubs
    that never ended."""
    return paths.find_paths(store, a, b, max_hops, alternatives=all_simple, limit=limit, **options)


# --------------------------------------------------------------------------- timeline & documents


@dataclass
class Timeline:
    key: str
    label: str
    name: str
    events: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "name": self.name, "events": self.events}


def timeline(store: GraphStore, key: str, limit: int = 5000) -> Timeline:
    """Everything dated that touches the entity, oldest first.

    One event per relationship with a time: its own `time` (plate reads,
    manifests) or the time of the document it stands on (`first_seen`, or the
    Document's `time` for INVOLVED_IN / MENTIONS).  Events:
    `{"time", "type", "direction", "other": {"key","label","name"}, "doc", "quote", "props"}`.
    """
    node = _get_node(store, key)
    rows = store.query("inv_node_rels", key=key, limit=limit)
    events = []
    for r in rows:
        props = dict(r["props"] or {})
        t = (
            props.get("time")
            or (r["other_time"] if r["other_label"] == "Document" else None)
            or props.get("first_seen")
        )
        if not t:
            continue
        pt = parse_time(t)
        other_props = {"name": r["other_name"], "title": r["other_title"]}
        events.append(
            {
                "time": pt.isoformat(sep=" ") if pt else str(t),
                "type": r["type"],
                "direction": "out" if r["head"] == key else "in",
                "other": {
                    "key": r["other"],
                    "label": r["other_label"],
                    "name": node_name(r["other_label"], r["other"], other_props),
                },
                "doc": props.get("doc") or (r["other"] if r["other_label"] == "Document" else None),
                "quote": props.get("quote", ""),
                "props": {k: v for k, v in props.items() if k not in ("quote", "doc")},
            }
        )
    events.sort(key=lambda e: (e["time"], e["type"], e["other"]["key"]))
    return Timeline(key, node["label"], node_name(node["label"], key, node["props"]), events)


@dataclass
class DocumentList:
    key: str
    documents: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "documents": self.documents}


def documents_for(store: GraphStore, key: str, limit: int = 2000) -> DocumentList:
    """The documents that mention or involve the entity, each with the quoted sentences.

    A document counts when it is linked to the entity directly (MENTIONS,
    INVOLVED_IN, LOCATED_AT) or stands behind one of the entity's
    relationships (provenance `doc`); `quotes` lists the distinct quotes, with
    the relationship type each supports.  Newest first.
    """
    _get_node(store, key)
    rows = store.query("inv_node_rels", key=key, limit=limit)
    per_doc: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        props = r["props"] or {}
        dk = r["other"] if r["other_label"] == "Document" else props.get("doc")
        if not dk or not str(dk).startswith("doc:"):
            continue
        q = {
            "type": r["type"],
            "quote": props.get("quote", "") or "",
            "start": props.get("start"),
            "end": props.get("end"),
        }
        lst = per_doc.setdefault(dk, [])
        if q["quote"] and q not in lst:
            lst.append(q)
    docs = store.documents(sorted(per_doc))  # Document nodes, or plate reads stored as their SEEN_AT
    out = []
    for dk, d in docs.items():
        out.append(
            {
                "key": dk,
                "source": d.get("source"),
                "title": d.get("title"),
                "time": d.get("time"),
                "quotes": per_doc.get(dk, []),
            }
        )
    known = {d["key"] for d in out}
    for dk in sorted(set(per_doc) - known):  # provenance names a document not (yet) in the graph
        out.append(
            {
                "key": dk,
                "source": doc_key_parts(dk)[0],
                "title": None,
                "time": None,
                "quotes": per_doc[dk],
            }
        )
    out.sort(key=lambda d: (str(d["time"] or ""), d["key"]), reverse=True)
    return DocumentList(key, out)


__all__ = [
    "SearchHit",
    "SearchResult",
    "Subgraph",
    "PathResult",
    "Timeline",
    "DocumentList",
    "StoreError",
    "search_entities",
    "asearch_entities",
    "refresh_search_index",
    "neighbours",
    "aneighbours",
    "find_paths",
    "timeline",
    "documents_for",
]
