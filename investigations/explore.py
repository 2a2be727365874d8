"""Link exploration: entity search, k-hop neighbours, paths, timelines, documents.

All reads go through named queries in `queries/investigations.cypher`; the
graph algorithms on the fetched neighbourhoods are networkx's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.keys import doc_key_parts
from graph_schema.schema import LABELS, PREFIX_TO_LABEL, SEARCH_PROPERTY, search_normalize, search_text
from graph_schema.store import GraphStore, StoreError, dialect
from investigations import paths
from investigations.common import node_name, parse_time
from investigations.paths import PathResult

MAX_HOPS = paths.MAX_HOPS
_TIME_PROPS = ("time", "last_seen", "first_seen")


# --------------------------------------------------------------------------- search


@dataclass
class SearchHit:
    key: str
    label: str
    name: str
    score: float
    props: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, without its deep copy of every property value
        # (a few per cent of a search's Python time); the props dict itself is still a copy.
        return {"key": self.key, "label": self.label, "name": self.name, "score": self.score, "props": dict(self.props)}


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "hits": [h.to_dict() for h in self.hits]}


_SEPARATORS = re.compile(r"[\s·•・.\-]")


def _query_norm(q: str) -> str:
    """The query as `_rank_candidates` compares it (computed once per search, not per candidate)."""
    return _SEPARATORS.sub("", ids.to_halfwidth(q)).lower()


FT_CANDIDATES_PER_HIT = 3  # full-text candidates shipped per hit shown (explore._search_rows)
_MATCH_FIELDS = ("name", "title", "plate", "uscc", "id_card")  # what a search is matched against (inv_search)


def _rank_candidates(qn: str, rows: dict[str, dict[str, Any]]) -> list[tuple[float, str]]:
    """(score, key) of every candidate scoring 40 or more, best first (ties by key).

    A candidate's score is the best `_field_score` over its name fields, then its key.
    One loop over all candidates rather than a call per candidate: a common name has
    200 of them and most of their names repeat, so each written form is scored once per
    query (`seen`); the name fields come first because an exact name (most of a common
    name's candidates) ends the loop before the key, which is unique to each candidate.
    """
    seen: dict[str, float] = {}
    qset = frozenset(qn)
    scored: list[tuple[float, str]] = []
    for key, r in rows.items():
        fields = (r["props"] if "props" in r else r) or {}
        best = 0.0
        for name in _MATCH_FIELDS:
            value = fields.get(name)
            if not value:
                continue
            f = value if type(value) is str else str(value)
            s = seen.get(f)
            if s is None:
                s = seen[f] = _field_score(qn, f, qset)
            if s >= 100.0:
                best = 100.0
                break
            if s > best:
                best = s
        else:
            s = _field_score(qn, key.split(":", 1)[-1], qset)
            best = 100.0 if s >= 100.0 else max(best, s)
        if best >= 40:
            scored.append((-round(best, 2), key))
    scored.sort()
    return [(-neg, key) for neg, key in scored]


def _field_score(qn: str, f: str, qset: frozenset[str]) -> float:
    """How well the normalised query `qn` (its characters `qset`) matches one written field."""
    fl = f.lower()
    if qset.isdisjoint(fl):
        return 0.0  # no character in common: every measure below is 0 (an ID key against a name)
    fn = _SEPARATORS.sub("", fl)
    if not fn:
        return 0.0
    if fn == qn:
        return 100.0
    s = fuzz.ratio(qn, fn)
    if qn in fn:
        s = max(s, 80.0 + 15.0 * len(qn) / len(fn))
    else:
        s = max(s, 0.9 * fuzz.partial_ratio(qn, fn) if len(qn) >= 2 else 0)
        if len(qn) >= 2 and ids.chars_in_order(qn, fn):  # 恒泰化工 in 长兴恒泰精细化工有限公司
            s = max(s, 70.0 + 15.0 * len(qn) / len(fn))
    return s


def _exact_keys(q: str) -> list[str]:
    """Keys the query may name outright: a key itself, or an identifier normalised the way
    ETL keys it (plate, vessel number, USCC, resident ID, unmasked phone, company / site name)."""
    q = q.strip()
    out: list[str] = []
    prefix = q.split(":", 1)[0]
    if ":" in q and prefix in PREFIX_TO_LABEL:
        out.append(q)
    half = ids.to_halfwidth(q).strip()
    for label, norm in (
        ("vehicle", ids.normalize_plate(half)),
        ("vessel", ids.normalize_vessel(half)),
        ("company", ids.normalize_uscc(half)),
        ("person", ids.normalize_resident_id(half)),
        ("company", ids.normalize_company_name(half)),
        ("site", ids.normalize_site_name(half)),
        ("site", half),
    ):
        if norm:
            out.append(f"{label}:{norm}")
    phone = ids.parse_phone(half)
    if phone and not phone.masked:
        out.append(f"phone:{phone.digits}")
    compact = re.sub(r"[\s·•・.\-]", "", half).upper()
    if re.fullmatch(r"[0-9A-Z]{6,20}", compact):  # an identifier whose check digit fails still keys its node
        out += [f"person:{compact}", f"company:{compact}", f"phone:{compact}"]
    return list(dict.fromkeys(out))


def _loose_query(dialect_name: str, q: str) -> str | None:
    """Typo-tolerant variant of the bigram query.  Six or more bigrams: the query's
    bigrams in three contiguous runs, any run wholly present — one wrong character
    spoils at most two adjacent bigrams, so at least one run survives it
    (`91330522704523184F` still finds …184E).  Two to five: any bigram (恒泰化工 finds
    长兴恒泰精细化工有限公司); the index's score puts rare shared bigrams first."""
    t = search_normalize(q)
    grams = [t[i : i + 2] for i in range(len(t) - 1)]
    n = len(grams)
    if n < 2:
        return None
    if n < 6:
        runs = [[g] for g in dict.fromkeys(grams)]
    else:
        runs = [list(dict.fromkeys(grams[i * n // 3 : (i + 1) * n // 3])) for i in range(3)]
    if dialect_name == "neo4j":
        return f"{SEARCH_PROPERTY}:(" + " OR ".join("(" + " AND ".join(r) + ")" for r in runs) + ")"
    return f"@{SEARCH_PROPERTY}:(" + "|".join("(" + " ".join(r) + ")" for r in runs) + ")"


def _search_rows(
    store: GraphStore,
    q: str,
    keys: list[str],
    ft_labels: list[str],
    text: str | None,
    small: list[str],
    limit: int,
    hit_limit: int,
    loose: bool = False,
) -> list[dict[str, Any]]:
    """`inv_search`: exact keys, full text and small vocabularies in one query.

    The plain full-text query (every bigram of `q` present) ships the
    `FT_CANDIDATES_PER_HIT` × `hit_limit` shortest names: its matches all contain the query's
    bigrams, so the shortest are what rapidfuzz ranks first, and the index's own score
    cannot tell them from long names holding the same bigrams.  The typo-tolerant query
    (`loose`) ships its 2 × `limit` best-scored: its score counts the runs of bigrams a
    node holds, a coarser guide, so it keeps the larger pool (it runs only when the plain
    query found fewer than `hit_limit`)."""
    ft_limit = 2 * limit if loose else FT_CANDIDATES_PER_HIT * hit_limit
    params = {"keys": keys, "ft_labels": ft_labels, "q": text or "", "small": small,
              "needle": ids.to_halfwidth(q).lower(), "limit": limit, "ft_limit": ft_limit,
              "by_score": loose}  # fmt: skip
    try:
        return store.query("inv_search", **params)
    except StoreError as exc:
        msg = str(exc).lower()
        if "no such index" in msg or "not found" in msg or "does not exist" in msg:
            # A label without an index yet (nothing of it ingested): ask label by label.
            out = store.query("inv_search", **{**params, "ft_labels": []})
            for lab in ft_labels:
                out += _fulltext(store, lab, text or "", ft_limit)
            return out
        raise


def _fulltext(store: GraphStore, label: str, text: str, limit: int) -> list[dict[str, Any]]:
    try:
        return store.read_cypher(dialect.fulltext_cypher(store.dialect, label), {"q": text, "limit": limit})
    except StoreError as exc:
        msg = str(exc).lower()
        if "no such index" in msg or "not found" in msg or "does not exist" in msg:
            return []  # nothing of that label ingested yet
        raise


def search_entities(store: GraphStore, q: str, labels: list[str] | None = None, limit: int = 20) -> SearchResult:
    """Entity search by name, plate, vessel number, company code, resident ID or phone.

    Index-backed: the keys the query names outright (an identifier normalised as
    ETL keys it) are looked up by key; names, plates and codes go to the full-text
    index through the character-bigram property (`schema.SEARCH_PROPERTY`), so any
    substring of two or more characters finds its node (海波 → 俞海波); when that
    finds fewer than `limit`, a typo-tolerant variant (`_loose_query`) runs too.  The small WasteType and Species labels are scanned.
    rapidfuzz's Levenshtein ratio ranks the candidates.
    """
    q = (q or "").strip()
    if not q:
        raise ValueError("搜索词为空 / empty search query")
    labels = list(labels or [])
    for lab in labels:
        if lab not in LABELS:
            raise ValueError(f"未知类型 / unknown label {lab!r}")
    if not labels:  # computed nodes are found through their own commands
        labels = [lab for lab in LABELS if lab not in ("Document", "Alert", "Gang")]
    cand_limit = max(100, limit * 5)
    rows: dict[str, dict[str, Any]] = {}
    ft_labels = [lab for lab in dialect.search_labels() if lab in labels]
    text = dialect.search_query_text(store.dialect, q)
    small = [lab for lab in ("WasteType", "Species") if lab in labels]
    # One round trip for keys, full text over every label and the small vocabularies
    # (it was one query per label: nine on a search).
    for r in _search_rows(store, q, _exact_keys(q), ft_labels if text else [], text, small, cand_limit, limit):
        if r["label"] in labels:
            rows.setdefault(r["key"], r)
    loose = _loose_query(store.dialect, q) if text else None
    if loose and len(rows) < limit:
        for r in _search_rows(store, q, [], ft_labels, loose, [], cand_limit, limit, loose=True):
            rows.setdefault(r["key"], r)
    ranked = _rank_candidates(_query_norm(q), rows)[:limit]
    best = [(score, rows[key]) for score, key in ranked]
    props_of = _hit_props(store, [r["key"] for _s, r in best if "props" not in r])
    hits = []
    for score, r in best:
        props = {k: v for k, v in ((r["props"] if "props" in r else props_of.get(r["key"])) or {}).items()
                 if k != SEARCH_PROPERTY}  # fmt: skip
        hits.append(SearchHit(r["key"], r["label"], node_name(r["label"], r["key"], props), score, props))
    return SearchResult(q, hits)


def _hit_props(store: GraphStore, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The properties of the hits kept (`inv_search_props`), in one round trip."""
    if not keys:
        return {}
    return {r["key"]: r["props"] for r in store.query("inv_search_props", keys=keys)}


def refresh_search_index(store: GraphStore, batch: int = 20000) -> int:
    """Write the bigram search property on nodes that lack it (written before it existed,
    or by a writer that does not derive it); returns how many were written."""
    from graph_schema.model import GraphBatch, Node

    total = 0
    while True:
        rows = store.query("inv_search_missing", limit=batch)
        if not rows:
            break
        nodes = [Node(r["key"], {SEARCH_PROPERTY: search_text(r["label"], r["key"], r["value"])}) for r in rows]
        store.write_batch(GraphBatch(nodes=nodes))
        total += len(rows)
        if len(rows) < batch:
            break
    return total


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
    if not 1 <= int(hops) <= MAX_HOPS:
        raise ValueError(f"hops 应在 1–{MAX_HOPS} / hops must be 1–{MAX_HOPS}")
    labels = list(labels or [])
    expand = {"types": list(rel_types or []), "labels": labels, "rejected": bool(include_rejected),
              "limit": max(limit * 20, 5000)}  # fmt: skip
    # The start node and its first level in one round trip (it was two: node_by_key, inv_expand).
    first = store.query("inv_neighbourhood", key=key, **expand)
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
        rows = (
            [r for r in first if not r["start"]] if level == 0 else store.query("inv_expand", keys=frontier, **expand)
        )
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
    "refresh_search_index",
    "neighbours",
    "find_paths",
    "timeline",
    "documents_for",
]
