"""Reversible merges: move an alias node onto its canonical node, and back.

Why this shape: a wrong merge in an investigation graph silently joins two
people's histories, so every merge must say why it happened and be undoable
exactly.  A merge therefore

* moves every relationship of the alias onto the canonical node, keeping its
  `fact` id and every property, and marks the moved end (`via_head` /
  `via_tail` = the alias key; `via` = the first alias the fact was asserted on);
* appends the alias key to the canonical node's `aliases` and a JSON entry to
  its `merge_log` (alias, the alias node's own properties, reason, evidence
  document keys, method, score, time);
* deletes the alias node.

`split` recreates the alias from the saved properties and moves back exactly
the relationship ends marked with that alias (or one of the aliases it had
absorbed itself).  Relationships are written through `GraphStore.write_batch`,
so their types and labels come only from the schema whitelist.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph_schema.model import GraphBatch, Node, Provenance, Rel
from graph_schema.schema import LABELS, RELATIONS, Method, label_for_key
from graph_schema.store import GraphStore

BOOKKEEPING = ("aliases", "merge_log", "split_log")


class ResolutionError(ValueError):
    """A resolution request that cannot be carried out (unknown key, wrong label …)."""


@dataclass
class MergeRecord:
    alias: str
    canonical: str
    reason: str
    evidence: list[str] = field(default_factory=list)
    method: str = Method.RULE.value
    score: float | None = None
    rule: str = ""
    time: str = ""
    moved: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "canonical": self.canonical,
            "rule": self.rule,
            "reason": self.reason,
            "evidence": self.evidence,
            "method": self.method,
            "score": self.score,
            "time": self.time,
            "moved": self.moved,
        }


class FixedRel(Rel):
    """A relationship written with a given fact id and exact properties.

    Moving a relationship must not change its identity (`fact`): the same
    document asserting the same fact again later must land on the moved
    relationship instead of creating a second one.
    """

    def __init__(self, type_: str, head: str, tail: str, fact: str, props: dict[str, Any]):
        super().__init__(
            type_, head, tail, Provenance(doc=str(props.get("doc", "")), method=str(props.get("method", ""))), {}
        )
        self._fact = fact
        self._props = {k: v for k, v in props.items() if k != "fact" and v is not None}

    @property
    def fact_id(self) -> str:
        return self._fact

    def as_row(self) -> dict[str, Any]:
        return {"head": self.head, "tail": self.tail, "fact": self._fact, "props": dict(self._props)}


# -- reading ---------------------------------------------------------------------
def get_node(store: GraphStore, key: str) -> dict[str, Any] | None:
    rows = store.query("res_node", key=key)
    return rows[0] if rows else None


def _require(store: GraphStore, key: str) -> dict[str, Any]:
    node = get_node(store, key)
    if node is None:
        merged_into = alias_map(store).get(key)
        if merged_into:
            raise ResolutionError(f"节点 {key} 已合并到 {merged_into} / {key} was merged into {merged_into}")
        raise ResolutionError(f"图中没有节点 {key} / no node with key {key!r}")
    return node


def rels_of(store: GraphStore, key: str) -> list[dict[str, Any]]:
    """Every relationship touching `key`, each once (a self-loop is returned once too)."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for row in store.query("res_rels_of", key=key):
        ident = (row["head"], row["type"], row["tail"], row["fact"] or "")
        if ident in seen:
            continue
        seen.add(ident)
        out.append(row)
    return out


def _log(node: dict[str, Any], name: str) -> list[str]:
    return list((node.get("props") or {}).get(name) or [])


def _entries(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for raw in _log(node, "merge_log"):
        try:
            out.append(json.loads(raw))
        except (TypeError, json.JSONDecodeError):
            continue
    return out


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _fallback_fact(row: dict[str, Any]) -> str:
    raw = "\x1f".join((row["head"], row["type"], row["tail"], json.dumps(row["props"], sort_keys=True, default=str)))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


# -- merge -----------------------------------------------------------------------
@dataclass
class MergeRequest:
    alias: str
    canonical: str
    reason: str
    evidence: list[str] = field(default_factory=list)
    rule: str = ""
    method: str = Method.RULE.value
    score: float | None = None


def merge(
    store: GraphStore,
    alias_key: str,
    canonical_key: str,
    reason: str,
    evidence: Iterable[str] = (),
    *,
    rule: str = "",
    method: str = Method.RULE.value,
    score: float | None = None,
) -> MergeRecord:
    """Fuse `alias_key` into `canonical_key`, recording why; undo with `split`."""
    if alias_key == canonical_key:
        raise ResolutionError(f"不能把节点合并到自身 / cannot merge {alias_key} into itself")
    alias = _require(store, alias_key)
    canon = _require(store, canonical_key)
    if alias["label"] != canon["label"]:
        raise ResolutionError(
            f"类型不同，不能合并 / cannot merge a {alias['label']} ({alias_key}) into a {canon['label']} ({canonical_key})"
        )
    req = MergeRequest(alias_key, canonical_key, reason, list(evidence), rule, method, score)
    return merge_many(store, [req])[0]


def merge_many(store: GraphStore, requests: list[MergeRequest], chunk: int = 500) -> list[MergeRecord]:
    """Carry out many merges with a handful of queries per chunk.

    Chains inside the list (A→B, B→C) are flattened to their final canonical
    node; requests whose nodes are missing, of different labels or that would
    merge a node into itself are skipped.
    """
    final: dict[str, MergeRequest] = {}
    for r in requests:
        if r.alias != r.canonical and r.alias not in final:
            final[r.alias] = r
    target: dict[str, str] = {}

    def resolve_target(key: str) -> str:
        seen = set()
        while key in final and key not in seen:
            seen.add(key)
            key = final[key].canonical
        return key

    for a in final:
        target[a] = resolve_target(a)
    items = [(r, target[a]) for a, r in final.items() if target[a] != a]
    out: list[MergeRecord] = []
    for i in range(0, len(items), chunk):
        out += _merge_chunk(store, items[i : i + chunk])
    return out


def _merge_chunk(store: GraphStore, items: list[tuple[MergeRequest, str]]) -> list[MergeRecord]:
    keys = sorted({r.alias for r, _ in items} | {c for _, c in items})
    nodes = {n["key"]: n for n in store.query("res_nodes", keys=keys)}
    mapping: dict[str, str] = {}
    valid: list[tuple[MergeRequest, str]] = []
    for r, canon in items:
        a, c = nodes.get(r.alias), nodes.get(canon)
        if a is None or c is None or a["label"] != c["label"]:
            continue
        mapping[r.alias] = canon
        valid.append((r, canon))
    if not valid:
        return []
    seen: set[tuple[str, str, str, str]] = set()
    moved: list[FixedRel] = []
    counts: dict[str, int] = defaultdict(int)
    for row in store.query("res_rels_of_many", keys=sorted(mapping)):
        ident = (row["head"], row["type"], row["tail"], row["fact"] or "")
        if ident in seen:
            continue
        seen.add(ident)
        props = dict(row["props"] or {})
        fact = row["fact"] or _fallback_fact(row)
        head, tail = row["head"], row["tail"]
        if head in mapping:
            props["via_head"] = props.get("via_head") or head
            props["via"] = props.get("via") or head
            counts[head] += 1
            head = mapping[head]
        if tail in mapping:
            props["via_tail"] = props.get("via_tail") or tail
            props["via"] = props.get("via") or tail
            if tail != row["head"]:
                counts[tail] += 1
            tail = mapping[tail]
        moved.append(FixedRel(row["type"], head, tail, fact, props))
    if moved:
        store.write_batch(GraphBatch(rels=moved))

    stamp = _now()
    records: list[MergeRecord] = []
    state: dict[str, dict[str, list[str]]] = {}
    for r, canon in valid:
        c = nodes[canon]
        st = state.setdefault(canon, {"aliases": _log(c, "aliases"), "merge_log": _log(c, "merge_log")})
        alias_props = dict(nodes[r.alias]["props"] or {})
        rec = MergeRecord(
            alias=r.alias,
            canonical=canon,
            reason=r.reason,
            evidence=sorted(set(r.evidence)),
            method=r.method,
            score=r.score,
            rule=r.rule,
            time=stamp,
            moved=counts[r.alias],
        )
        entry = {**rec.as_dict(), "alias_props": alias_props}
        for a in [r.alias, *(alias_props.get("aliases") or [])]:
            if a not in st["aliases"]:
                st["aliases"].append(a)
        st["merge_log"].append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
        records.append(rec)
    store.run_write(
        "res_set_merge_state_many",
        rows=[{"key": k, "aliases": v["aliases"], "merge_log": v["merge_log"]} for k, v in state.items()],
    )
    store.run_write("res_delete_nodes", keys=sorted(mapping))
    return records


# -- split -----------------------------------------------------------------------
def split(store: GraphStore, canonical_key: str, alias_key: str, *, reason: str = "") -> dict[str, Any]:
    """Undo the merge of `alias_key` into `canonical_key`.

    Recreates the alias node with its saved properties and moves back every
    relationship end marked with the alias (or with a key the alias had itself
    absorbed before it was merged).  Returns what was restored.
    """
    canon = _require(store, canonical_key)
    entries = _entries(canon)
    entry = next((e for e in reversed(entries) if e.get("alias") == alias_key), None)
    if entry is None:
        known = ", ".join(e.get("alias", "?") for e in entries) or "无 / none"
        raise ResolutionError(
            f"{canonical_key} 没有合并过 {alias_key}（已合并：{known}） / {alias_key} is not an alias of {canonical_key}"
        )
    if get_node(store, alias_key) is not None:
        raise ResolutionError(f"节点 {alias_key} 已存在，无法拆分 / {alias_key} already exists")
    alias_props = dict(entry.get("alias_props") or {})
    own = {alias_key, *(alias_props.get("aliases") or [])}

    store.write_batch(GraphBatch(nodes=[Node(alias_key, alias_props)]))
    back: list[FixedRel] = []
    old: list[dict[str, str]] = []
    for row in rels_of(store, canonical_key):
        props = dict(row["props"] or {})
        vh, vt = props.get("via_head"), props.get("via_tail")
        to_head = row["head"] == canonical_key and vh in own
        to_tail = row["tail"] == canonical_key and vt in own
        if not (to_head or to_tail):
            continue
        head = alias_key if to_head else row["head"]
        tail = alias_key if to_tail else row["tail"]
        if to_head and vh == alias_key:
            props.pop("via_head", None)
        if to_tail and vt == alias_key:
            props.pop("via_tail", None)
        remaining = props.get("via_head") or props.get("via_tail")
        if not remaining:
            props.pop("via", None)
        elif props.get("via") not in (props.get("via_head"), props.get("via_tail")):
            props["via"] = remaining
        fact = row["fact"] or _fallback_fact(row)
        back.append(FixedRel(row["type"], head, tail, fact, props))
        old.append({"head": row["head"], "tail": row["tail"], "fact": fact})
    if back:
        store.write_batch(GraphBatch(rels=back))
        store.run_write("res_delete_rels", rows=old)

    remaining_entries = [e for e in entries if e is not entry]
    aliases = [a for a in _log(canon, "aliases") if a not in own]
    split_entry = {
        "alias": alias_key,
        "reason": reason or "analyst split",
        "undid": {k: entry.get(k) for k in ("rule", "reason", "time", "evidence")},
        "time": _now(),
        "method": Method.HUMAN.value,
    }
    store.run_write(
        "res_set_merge_state",
        key=canonical_key,
        aliases=aliases,
        merge_log=[json.dumps(e, ensure_ascii=False, sort_keys=True) for e in remaining_entries],
        split_log=[*_log(canon, "split_log"), json.dumps(split_entry, ensure_ascii=False, sort_keys=True)],
    )
    return {"canonical": canonical_key, "alias": alias_key, "restored_relationships": len(back)}


# -- aliases at ingest -----------------------------------------------------------
def alias_map(store: GraphStore) -> dict[str, str]:
    """Every merged-away key → the key of the node it lives in now."""
    out: dict[str, str] = {}
    for row in store.query("res_aliased_nodes"):
        for a in row["aliases"] or []:
            out[a] = row["key"]
    return out


def apply_aliases(batch: GraphBatch, aliases: dict[str, str]) -> GraphBatch:
    """Rewrite a batch so that merged-away keys go to their canonical node.

    The alias node's own properties are dropped (they would overwrite the
    canonical name); its relationships keep the fact id they would have had,
    and are marked `via_head`/`via_tail`/`via` as if they had been merged, so
    re-ingesting a document is idempotent and `split` can still undo the merge.
    """
    if not aliases:
        return batch
    out = GraphBatch()
    for node in batch.nodes:
        if node.key in aliases:
            out.nodes.append(Node(aliases[node.key], {}))
        else:
            out.nodes.append(node)
    for rel in batch.rels:
        h, t = aliases.get(rel.head), aliases.get(rel.tail)
        if h is None and t is None:
            out.rels.append(rel)
            continue
        row = rel.as_row()
        props = dict(row["props"])
        if h is not None:
            props["via_head"] = rel.head
        if t is not None:
            props["via_tail"] = rel.tail
        props["via"] = rel.head if h is not None else rel.tail
        out.rels.append(FixedRel(rel.type, h or rel.head, t or rel.tail, row["fact"], props))
    return out


def alias_transform(store: GraphStore):
    """A `transform_batch` for `etl.ingest.ingest_paths`: reads the alias map once per run."""
    aliases = alias_map(store)

    def transform(batch: GraphBatch) -> GraphBatch:
        return apply_aliases(batch, aliases)

    return transform


def label_spec(key: str):
    return LABELS[label_for_key(key)]


__all__ = [
    "BOOKKEEPING",
    "MergeRequest",
    "merge_many",
    "FixedRel",
    "MergeRecord",
    "RELATIONS",
    "ResolutionError",
    "alias_map",
    "alias_transform",
    "apply_aliases",
    "get_node",
    "merge",
    "rels_of",
    "split",
]
