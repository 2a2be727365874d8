"""Build an evidence chain between two entities (not an interface: no I/O, no rendering).

A chain is a path through the graph in which every hop is backed by the
source records that assert it: the relation, each source document with its
SHA-256, the quote with the entities marked, time, extraction method,
confidence and whether a person confirmed it.  Links an analyst rejected
never back a hop; a path whose hop has only rejected links is skipped in
favour of the next shortest.  `finalize` adds the case header, the SHA-256 of the
canonical JSON of the content, and (outside that hash) who generated it and when.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from api.export.names import LABEL_NAMES, METHOD_NAMES, REVIEW_NAMES, rel_name
from graph_schema.schema import label_for_key
from graph_schema.store import GraphStore
from investigations.common import node_name


class NoChain(ValueError):
    pass


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def _marks(quote: str, names: list[str]) -> list[dict[str, Any]]:
    """Non-overlapping spans of `names` inside `quote`, longest names first."""
    taken: list[tuple[int, int]] = []
    out = []
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        i = quote.find(name)
        while i >= 0:
            j = i + len(name)
            if all(j <= a or i >= b for a, b in taken):
                taken.append((i, j))
                out.append({"start": i, "end": j, "text": name})
            i = quote.find(name, j)
    return sorted(out, key=lambda m: m["start"])


# Computed or suggested links: never a hop of an evidence chain unless a person confirmed them.
NOT_EVIDENCE = {"POSSIBLY_SAME", "MEMBER_OF", "FLAGS"}


def _counts_as_evidence(rel: dict[str, Any]) -> bool:
    props = rel.get("props") or {}
    review = props.get("review")
    if review == "rejected":
        return False
    if rel["type"] in NOT_EVIDENCE or props.get("method") == "inferred":
        return review == "confirmed"
    return True


def _doc_hash(props: dict[str, Any]) -> tuple[str | None, str]:
    if props.get("sha256"):
        return str(props["sha256"]), "source_record"
    text = props.get("text")
    if text:
        return hashlib.sha256(str(text).encode("utf-8")).hexdigest(), "document_text"
    return None, "missing"


def _candidate_paths(store: GraphStore, a: str, b: str, max_hops: int) -> list[list[str]]:
    """The path search the workbench runs (`investigations.paths`: k shortest, hubs not
    expanded, within the path time budget), never an enumeration of every simple path."""
    from investigations.explore import find_paths

    res = find_paths(store, a, b, max_hops=max_hops, all_simple=True, limit=25)
    if not res.paths and res.message and not res.complete:
        raise NoChain(res.message)
    paths = [p["keys"] for p in res.paths]
    # Prefer chains of facts between entities over hops through a document node
    # (a document is a hop's source, not a link in the chain), then shorter ones.
    paths.sort(key=lambda p: (sum(k.startswith("doc:") for k in p[1:-1]), len(p)))
    seen, out = set(), []
    for p in paths:
        t = tuple(p)
        if t not in seen:
            seen.add(t)
            out.append(p)
    return out


def build_evidence(
    store: GraphStore, a: str, b: str, *, max_hops: int = 4, keys: list[str] | None = None
) -> dict[str, Any]:
    """The evidence chain from `a` to `b` (or along the given node `keys`, e.g. the path the
    workbench already found: no second search)."""
    if keys and (keys[0] != a or keys[-1] != b or len(keys) - 1 > max_hops):
        raise NoChain("给定路径与起止实体不符 / the given path does not run from `from` to `to`")
    candidates = [keys] if keys else _candidate_paths(store, a, b, max_hops)
    if not candidates:
        raise NoChain(f"在 {max_hops} 跳内找不到 {a} 与 {b} 之间的路径 / no path within {max_hops} hops")
    for path in candidates:
        chain = _chain_along(store, path)
        if chain is not None:
            return chain
    raise NoChain("所有路径都经过已否决的关联 / every path crosses a rejected link")


def _chain_along(store: GraphStore, path: list[str]) -> dict[str, Any] | None:
    nodes = {r["key"]: r for r in store.query("nodes_by_keys", keys=list(path))}
    missing = [k for k in path if k not in nodes]
    if missing:
        raise NoChain(f"找不到实体 / no entity with key {missing[0]!r}")

    def nname(k: str) -> str:
        n = nodes[k]
        return node_name(n["label"], k, n["props"])

    hops = []
    doc_keys: set[str] = set()
    rels_per_hop = []
    for x, y in zip(path, path[1:]):
        rels = [r for r in store.query("api_rels_between", a=x, b=y) if _counts_as_evidence(r)]
        if not rels:
            return None
        rels_per_hop.append(rels)
        for r in rels:
            d = (r["props"] or {}).get("doc")
            if d and str(d).startswith("doc:"):
                doc_keys.add(str(d))
    docs = store.documents(sorted(doc_keys))  # Document nodes, or plate reads stored as their SEEN_AT
    for i, ((x, y), rels) in enumerate(zip(zip(path, path[1:]), rels_per_hop), 1):
        # The hop's type: the most-sourced type between the two (ties: name order).
        by_type: dict[str, list[dict[str, Any]]] = {}
        for r in rels:
            by_type.setdefault(r["type"], []).append(r)
        t = sorted(by_type, key=lambda k: (-len(by_type[k]), k))[0]
        chosen = by_type[t]
        names = [nname(x), nname(y)]
        sources = []
        for r in sorted(
            chosen, key=lambda r: (str((r["props"] or {}).get("doc", "")), str((r["props"] or {}).get("fact", "")))
        ):
            p = r["props"] or {}
            dk = str(p.get("doc") or "")
            dprops = docs.get(dk, {})
            sha, basis = _doc_hash(dprops)
            quote = str(p.get("quote") or "")
            text = str(dprops.get("text") or "")
            span = []
            if isinstance(p.get("start"), int) and isinstance(p.get("end"), int) and text:
                span = [text[p["start"] : p["end"]]]
            review = p.get("review") or None
            sources.append(
                {
                    "doc": dk,
                    "doc_title": dprops.get("title"),
                    "doc_source": dprops.get("source"),
                    "record_id": dprops.get("record_id"),
                    "file": dprops.get("file"),
                    "row": dprops.get("row"),
                    "quote": quote,
                    "marks": _marks(quote, names + span),
                    "sha256": sha,
                    "sha256_basis": basis,
                    "time": p.get("time") or p.get("first_seen") or dprops.get("time"),
                    "method": p.get("method"),
                    "method_zh": METHOD_NAMES.get(str(p.get("method")), p.get("method")),
                    "confidence": p.get("confidence"),
                    "review": review,
                    "review_zh": REVIEW_NAMES.get(review, review),
                    "reviewed_by": p.get("reviewed_by"),
                    "review_reason": p.get("review_reason"),
                    "confirmed": review == "confirmed" or p.get("method") == "human",
                    "fact": p.get("fact"),
                }
            )
        head = chosen[0]["head"]
        hops.append(
            {
                "index": i,
                "from": x,
                "to": y,
                "from_name": names[0],
                "to_name": names[1],
                "type": t,
                "type_zh": rel_name(t),
                "direction": "forward" if head == x else "reverse",
                "sources": sources,
            }
        )
    return {
        "title": f"证据链：{nname(path[0])} → {nname(path[-1])}",
        "from": path[0],
        "to": path[-1],
        "from_name": nname(path[0]),
        "to_name": nname(path[-1]),
        "nodes": [
            {
                "key": k,
                "label": nodes[k]["label"],
                "label_zh": LABEL_NAMES.get(nodes[k]["label"] or "", ""),
                "name": nname(k),
            }
            for k in path
        ],
        "hops": hops,
    }


# Who made an export and when is not the evidence: one chain exported as PDF, DOCX and JSON,
# by two people a minute apart, has one content hash.  These keys stay outside it.
UNHASHED = ("sha256", "generated_at", "generated_by", "investigator")
CASE_FIELDS = ("case_no", "case_name", "agency")


def content_sha256(doc: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an export's content (everything but `UNHASHED`)."""
    return hashlib.sha256(canonical_json({k: v for k, v in doc.items() if k not in UNHASHED})).hexdigest()


def case_header(store: GraphStore, chain: dict[str, Any], **given: str | None) -> dict[str, str]:
    """Case number, case name and agency of the first case file the chain's sources cite,
    each replaced by what the user gave (`case_no=`, `case_name=`, `agency=`).

    *Why from the sources*: an export for court belongs to a case; when the evidence comes
    from a case file its own 案件编号 / 案由 / 办案单位 are the header, and the user can
    override any of them."""
    keys = sorted({s["doc"] for h in chain.get("hops", []) for s in h.get("sources", []) if s.get("doc")})
    cases = [k for k in keys if k.startswith("doc:case:")]
    out: dict[str, Any] = {}
    if cases:
        props = store.documents(cases[:1]).get(cases[0], {})
        out = {
            "case_no": props.get("case_id") or props.get("record_id") or cases[0].split(":", 2)[-1],
            "case_name": props.get("cause"),
            "agency": props.get("unit"),
        }
    out.update({k: v for k, v in given.items() if k in CASE_FIELDS and v})
    return {k: str(v) for k, v in out.items() if v}


def finalize(
    chain: dict[str, Any],
    generated_by: str | None = None,
    *,
    header: dict[str, str | None] | None = None,
    investigator: str | None = None,
) -> dict[str, Any]:
    """Add the case header (hashed with the content), then time and author (outside the hash)."""
    out = {k: v for k, v in chain.items() if k not in UNHASHED}
    for k in CASE_FIELDS:
        if header and header.get(k):
            out[k] = str(header[k])
    out["sha256"] = content_sha256(out)
    out["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if generated_by:
        out["generated_by"] = generated_by
    if investigator:
        out["investigator"] = investigator
    return out


def verify_export(doc: dict[str, Any]) -> bool:
    return content_sha256(doc) == doc.get("sha256")


__all__ = [
    "NoChain",
    "build_evidence",
    "case_header",
    "content_sha256",
    "finalize",
    "verify_export",
    "canonical_json",
    "label_for_key",
]
