"""Name search: exact identifiers, the bigram full-text index, typo tolerance, rapidfuzz ranking.

`search_entities` (blocking: CLI, analyses) and `asearch_entities` (awaited: the API's
search route) run the one plan `_search_plan` (see `graph_schema.store.plans`).  Reads
are the named queries `inv_search` and `inv_search_props` in `queries/investigations.cypher`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.schema import LABELS, PREFIX_TO_LABEL, SEARCH_PROPERTY, search_normalize, search_text
from graph_schema.store import GraphStore, StoreError, dialect
from graph_schema.store.plans import Plan, Read, arun_plan, run_plan
from investigations.common import node_name

__all__ = [
    "EXACT_NAME_LABELS",
    "FT_CANDIDATES_PER_HIT",
    "FT_SCAN_PER_HIT",
    "SearchHit",
    "SearchResult",
    "search_entities",
    "asearch_entities",
    "refresh_search_index",
]


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


FT_CANDIDATES_PER_HIT = 3  # full-text candidates shipped per hit shown, per label (`_search_rows`)
FT_SCAN_PER_HIT = 10  # full-text matches read per hit shown, per label, before the shortest are kept
LOOSE_SCAN = 5_000  # matches of the typo-tolerant query read per label (its score picks among them)
# People and companies named exactly as the query are looked up by their name's range index
# (inv_search's exact part), whatever the full-text scan cap leaves out: their names are not
# their keys (resident ID, USCC), while a site's name and a vehicle's plate are (`_exact_keys`).
EXACT_NAME_LABELS = ("Person", "Company")
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
    # A query without ASCII characters shares none with an ASCII field (its lower case is
    # ASCII too): a resident ID, a USCC, most keys score 0 without being looked at.
    skip_ascii = not any(c.isascii() for c in qn)
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
                s = seen[f] = 0.0 if skip_ascii and f.isascii() else _field_score(qn, f, qset)
            if s >= 100.0:
                best = 100.0
                break
            if s > best:
                best = s
        else:
            tail = key.split(":", 1)[-1]
            s = 0.0 if skip_ascii and tail.isascii() else _field_score(qn, tail, qset)
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
    if qn in fn:  # most candidates: the full text found them by the query's bigrams
        # fuzz.ratio is 100 · (1 − indel distance / total length), and a substring's indel
        # distance is the length difference: the same value, without aligning the two.
        q, n = len(qn), len(fn)
        return max(100.0 * (1.0 - (n - q) / (q + n)), 80.0 + 15.0 * q / n)
    s = fuzz.ratio(qn, fn)
    if len(qn) >= 2:
        s = max(s, 0.9 * fuzz.partial_ratio(qn, fn))
        if ids.chars_in_order(qn, fn):  # 恒泰化工 in 长兴恒泰精细化工有限公司
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
    dialect_name: str,
    q: str,
    keys: list[str],
    ft_labels: list[str],
    text: str | None,
    small: list[str],
    limit: int,
    hit_limit: int,
    loose: bool = False,
) -> Plan[list[dict[str, Any]]]:
    """`inv_search`: exact keys, exact names, full text and small vocabularies in one query.

    The plain full-text query (every bigram of `q` present) reads the first
    `FT_SCAN_PER_HIT` × `hit_limit` matches of each label and ships the
    `FT_CANDIDATES_PER_HIT` × `hit_limit` shortest names of them: its matches all contain
    the query's bigrams, so the shortest are what rapidfuzz ranks first, and the index's own
    score cannot tell them from long names holding the same bigrams.  The scan cap bounds a
    query that half the graph holds (a surname, 有限公司); names written exactly as the
    query come by their range index beside it (`EXACT_NAME_LABELS`), so a common name's
    holders are never lost behind the cap.  The typo-tolerant query (`loose`) ships its
    2 × `limit` best-scored of up to `LOOSE_SCAN` matches a label: its score counts the
    runs of bigrams a node holds, a coarser guide, so it keeps the larger pool (it runs
    only when the plain query found fewer than `hit_limit`)."""
    ft_limit = 2 * limit if loose else FT_CANDIDATES_PER_HIT * hit_limit
    scan_limit = LOOSE_SCAN if loose else max(ft_limit, FT_SCAN_PER_HIT * hit_limit)
    written = q.strip()
    exact = [] if loose else list(dict.fromkeys((written, ids.to_halfwidth(written).strip())))
    params = {"keys": keys, "ft_labels": ft_labels, "q": text or "", "small": small,
              "needle": ids.to_halfwidth(q).lower(), "limit": limit, "ft_limit": ft_limit,
              "scan_limit": scan_limit, "by_score": loose, "exact": exact,
              "exact_labels": [lab for lab in ft_labels if lab in EXACT_NAME_LABELS]}  # fmt: skip
    try:
        return (yield Read("inv_search", params))
    except StoreError as exc:
        if not _no_index(exc):
            raise
    # A label without an index yet (nothing of it ingested): ask label by label.
    out = yield Read("inv_search", {**params, "ft_labels": []})
    for lab in ft_labels:
        out += yield from _fulltext(dialect_name, lab, text or "", ft_limit)
    return out


def _no_index(exc: StoreError) -> bool:
    msg = str(exc).lower()
    return "no such index" in msg or "not found" in msg or "does not exist" in msg


def _fulltext(dialect_name: str, label: str, text: str, limit: int) -> Plan[list[dict[str, Any]]]:
    try:
        return (yield Read(None, {"q": text, "limit": limit}, cypher=dialect.fulltext_cypher(dialect_name, label)))
    except StoreError as exc:
        if _no_index(exc):
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
    return run_plan(store, _search_plan(store.dialect, q, labels, limit))


async def asearch_entities(store: GraphStore, q: str, labels: list[str] | None = None, limit: int = 20) -> SearchResult:
    """`search_entities` awaited on the running event loop (the API's search route)."""
    return await arun_plan(store, _search_plan(store.dialect, q, labels, limit))


def _search_plan(dialect_name: str, q: str, labels: list[str] | None, limit: int) -> Plan[SearchResult]:
    """The reads and ranking of `search_entities`, written once for both drivers (`graph_schema.store.plans`)."""
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
    text = dialect.search_query_text(dialect_name, q)
    small = [lab for lab in ("WasteType", "Species") if lab in labels]
    # One round trip for keys, full text over every label and the small vocabularies
    # (it was one query per label: nine on a search).
    found = yield from _search_rows(dialect_name, q, _exact_keys(q), ft_labels if text else [], text, small,
                                    cand_limit, limit)  # fmt: skip
    for r in found:
        if r["label"] in labels:
            rows.setdefault(r["key"], r)
    loose = _loose_query(dialect_name, q) if text else None
    if loose and len(rows) < limit:
        for r in (yield from _search_rows(dialect_name, q, [], ft_labels, loose, [], cand_limit, limit, loose=True)):
            rows.setdefault(r["key"], r)
    ranked = _rank_candidates(_query_norm(q), rows)[:limit]
    best = [(score, rows[key]) for score, key in ranked]
    props_of = yield from _hit_props([r["key"] for _s, r in best if "props" not in r])
    hits = []
    for score, r in best:
        props = {k: v for k, v in ((r["props"] if "props" in r else props_of.get(r["key"])) or {}).items()
                 if k != SEARCH_PROPERTY}  # fmt: skip
        hits.append(SearchHit(r["key"], r["label"], node_name(r["label"], r["key"], props), score, props))
    return SearchResult(q, hits)


def _hit_props(keys: list[str]) -> Plan[dict[str, dict[str, Any]]]:
    """The properties of the hits kept (`inv_search_props`), in one round trip."""
    if not keys:
        return {}
    return {r["key"]: r["props"] for r in (yield Read("inv_search_props", {"keys": keys}))}


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
