"""The post-ingest resolution pass, and the analyst's views of it.

    resolve(store) -> ResolutionReport      # run every rule, merge, suggest
    explain(store, key) -> dict             # why a node is what it is
    suggestions(store, limit=500) -> list   # POSSIBLY_SAME pairs for an analyst

Reads candidates with the named queries in `queries/resolution.cypher`,
decides with `resolution.rules` (pure functions) and carries decisions out
with `resolution.merge` (reversible, logged).  Running it twice changes
nothing the second time: merged aliases are gone and suggestions are keyed by
their (sorted) pair.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph_schema import identifiers as ids
from graph_schema.model import GraphBatch, Node
from graph_schema.schema import LABELS, Method, label_for_key
from graph_schema.store import GraphStore
from resolution import normalize, rules
from resolution.areas import read_document_areas
from resolution.companies import CompanyView, decide_companies, is_agency
from resolution.locate import LocateReport, locate
from resolution.merge import (
    FixedRel,
    MergeRecord,
    MergeRequest,
    ResolutionError,
    alias_map,
    get_node,
    merge_many,
)
from resolution.persons import decide_persons
from resolution.rules import Candidate, Decision
from resolution.sites import SiteView, decide_sites

EDGE_TYPES = sorted(
    {*rules.COMPANY_TIE_TYPES, *rules.COMPANY_HAUL_TIE_TYPES, *rules.PERSON_TIE_TYPES, "INVOLVED_IN", "MENTIONS"}
)
COMPANY_FIELDS = {"产废单位", "运输单位", "接收单位", "所属单位", "涉案单位"}
CODED_SITE_KINDS = {"checkpoint", "segment", "outfall", "station", "grid"}
MAX_ROUNDS = 4


@dataclass
class ResolutionReport:
    merges: list[MergeRecord] = field(default_factory=list)
    suggestions: list[Decision] = field(default_factory=list)
    seconds: float = 0.0
    located: LocateReport | None = None

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: {"merges": 0, "suggestions": 0})
        for m in self.merges:
            out[label_for_key(m.canonical)]["merges"] += 1
        for s in self.suggestions:
            out[label_for_key(s.canonical)]["suggestions"] += 1
        return dict(sorted(out.items()))

    def by_rule(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for m in self.merges:
            out[m.rule] += 1
        return dict(sorted(out.items()))

    def to_dict(self, detail: bool = False, limit: int = 1000) -> dict[str, Any]:
        """Counts; with `detail`, also the first `limit` merges and suggestions."""
        d: dict[str, Any] = {
            "merges": len(self.merges),
            "suggestions": len(self.suggestions),
            "by_label": self.counts(),
            "by_rule": self.by_rule(),
            "seconds": round(self.seconds, 3),
            "located_in": (
                {"by_name": self.located.by_name, "by_coordinates": self.located.by_coordinates}
                if self.located
                else None
            ),
        }
        if detail:
            d["merge_list"] = [m.as_dict() for m in self.merges[:limit]]
            d["suggestion_list"] = [_suggestion_dict(s) for s in self.suggestions[:limit]]
        return d


def _suggestion_dict(s: Decision) -> dict[str, Any]:
    return {"a": s.alias, "b": s.canonical, "rule": s.rule, "reason": s.reason, "score": s.score}


# -- snapshots -------------------------------------------------------------------
def _edge_read(query: str) -> tuple[str, dict[str, Any]]:
    """The read of a label's evidence edges, for `store.query_many` beside its nodes."""
    return query, {"types": EDGE_TYPES}


def _by_key(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["key"]].append(row)
    return out


def _candidate(key: str, props: dict[str, Any], edges: list[dict[str, Any]], label: str) -> Candidate:
    c = Candidate(key=key, props=props, strong=rules.is_strong_key(key))
    for e in edges:
        if e.get("doc"):
            c.docs.add(e["doc"])
        if rules.tie_ok(label, e["type"], e["other"]):
            c.ties.setdefault(e["type"], set()).add(e["other"])
    return c


_USCC_CUT = re.compile(r"[（(，,]|统一社会信用代码|信用代码")


def _company_names(props: dict[str, Any], edges: list[dict[str, Any]]) -> list[str]:
    names = []
    if props.get("name"):
        names.append(str(props["name"]))
    for e in edges:
        if e["type"] == "INVOLVED_IN" and e.get("field") in COMPANY_FIELDS and e.get("quote"):
            q = str(e["quote"]).split("：", 1)[-1]
            q = _USCC_CUT.split(q, maxsplit=1)[0].strip()
            if 2 <= len(q) <= 60:
                names.append(q)
    key_name = props.get("key", "").partition(":")[2]
    if not names and key_name and not ids.normalize_uscc(key_name):
        names.append(key_name)
    return list(dict.fromkeys(names))


def company_views(store: GraphStore) -> list[CompanyView]:
    edge_rows, nodes = store.query_many(_edge_read("res_company_edges"), ("res_companies", {}))
    edges = _by_key(edge_rows)
    out = []
    for row in nodes:
        props = row["props"] or {}
        c = _candidate(row["key"], props, edges.get(row["key"], []), "Company")
        c.names = _company_names(props, edges.get(row["key"], []))
        if any(is_agency(n) for n in c.names):
            continue  # a public body tagged as an organisation: not a company to resolve
        forms = [f for f in (normalize.company_name(n) for n in c.names) if f]
        out.append(CompanyView(c, forms))
    return out


def person_candidates(store: GraphStore) -> tuple[list[Candidate], list[Candidate]]:
    edge_rows, doc_vehicles, nodes = store.query_many(
        _edge_read("res_person_edges"), ("res_person_doc_vehicles", {}), ("res_persons", {})
    )
    edges = _by_key(edge_rows)
    co_involved: dict[str, set[str]] = defaultdict(set)
    for row in doc_vehicles:
        if rules.is_strong_key(row["other"]):
            co_involved[row["key"]].add(row["other"])
    strong, local = [], []
    for row in nodes:
        key, props = row["key"], row["props"] or {}
        c = _candidate(key, props, edges.get(key, []), "Person")
        name = props.get("name")
        if not name and "@" in key:
            name = key.partition(":")[2].split("@", 1)[0]
        c.names = [str(name).strip()] if name else []
        if c.strong:
            for row in co_involved.get(key, ()):
                c.ties.setdefault(rules.CO_INVOLVED, set()).add(row)
            strong.append(c)
        elif "@" in key:
            local.append(c)
    return strong, local


def site_views(store: GraphStore) -> list[SiteView]:
    # a ticket's or a person's address (LOCATED_AT) is a document of the place too: it says where the place is
    edge_rows, nodes = store.query_many(("res_site_edges", {"types": [*EDGE_TYPES, "LOCATED_AT"]}), ("res_sites", {}))
    edges = _by_key(edge_rows)
    out = []
    for row in nodes:
        key, props = row["key"], row["props"] or {}
        if props.get("code") or props.get("kind") in CODED_SITE_KINDS:
            continue
        name = props.get("name") or key.partition(":")[2]
        form = normalize.site_name(str(name))
        if form is None:
            continue
        out.append(SiteView(_candidate(key, props, edges.get(key, []), "Site"), form))
    _add_document_areas(store, out)
    return out


def _add_document_areas(store: GraphStore, views: list[SiteView]) -> None:
    """The area the documents of a name without its town are about (`resolution.areas`)."""
    townless = [v for v in views if v.form.village and not v.form.town and v.cand.docs]
    areas = read_document_areas(
        store, {v.key: v.cand.docs for v in townless}, {v.key: v.form.village for v in townless}
    )
    for v in townless:
        v.area = areas[v.key]


# -- carrying decisions out ------------------------------------------------------
class _Applier:
    def __init__(self, store: GraphStore, report: ResolutionReport):
        self.store = store
        self.report = report
        self.moved: dict[str, str] = {}
        self.vetoed = split_pairs(store)

    def target(self, key: str) -> str:
        seen = set()
        while key in self.moved and key not in seen:
            seen.add(key)
            key = self.moved[key]
        return key

    def apply(self, decisions: list[Decision]) -> int:
        requests: list[MergeRequest] = []
        create: list[Node] = []
        for d in decisions:
            if d.kind != "merge":
                continue
            alias, canon = self.target(d.alias), self.target(d.canonical)
            if alias == canon or alias != d.alias:
                continue
            if frozenset((alias, canon)) in self.vetoed:
                continue  # an analyst split this pair: never merge it again automatically
            if d.rule == "identifier_normalisation" and get_node(self.store, canon) is None:
                create.append(Node(canon, _identifier_props(canon)))
            requests.append(MergeRequest(alias, canon, d.reason, list(d.evidence), d.rule, score=d.score))
        if create:
            self.store.write_batch(GraphBatch(nodes=create))
        records = merge_many(self.store, requests)
        for rec in records:
            self.moved[rec.alias] = rec.canonical
        self.report.merges.extend(records)
        return len(records)

    def suggest(self, decisions: list[Decision]) -> None:
        rels = []
        seen = set()
        for d in decisions:
            if d.kind != "suggest":
                continue
            a, b = sorted((self.target(d.alias), self.target(d.canonical)))
            if a == b or (a, b) in seen:
                continue
            seen.add((a, b))
            fact = hashlib.sha1(f"POSSIBLY_SAME\x1f{a}\x1f{b}".encode()).hexdigest()[:20]
            props = {
                "doc": "",
                "method": Method.RULE.value,
                "confidence": round(d.score / 100.0, 3),
                "quote": d.reason,
                "score": float(d.score),
                "reason": d.reason,
                "rule": d.rule,
                "evidence": list(d.evidence),
                "suggested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            rels.append(FixedRel("POSSIBLY_SAME", a, b, fact, props))
            self.report.suggestions.append(d)
        if rels:
            self.store.write_batch(GraphBatch(rels=rels))


def split_pairs(store: GraphStore) -> set[frozenset[str]]:
    """Pairs an analyst has split apart (`split_log`); resolution never re-merges them."""
    out: set[frozenset[str]] = set()
    for row in store.query("res_split_logs"):
        for raw in row["split_log"] or []:
            try:
                alias = json.loads(raw).get("alias")
            except (TypeError, json.JSONDecodeError):
                continue
            if alias:
                out.add(frozenset((alias, row["key"])))
    return out


def _identifier_props(key: str) -> dict[str, Any]:
    prefix, _, rest = key.partition(":")
    return {"vehicle": {"plate": rest}, "vessel": {"name": rest}, "phone": {"number": rest}}.get(prefix, {})


# -- the pass --------------------------------------------------------------------
def resolve(store: GraphStore, *, companies: bool = True, persons: bool = True, sites: bool = True) -> ResolutionReport:
    """Run every resolution rule over the whole graph; merges are logged and reversible."""
    started = time.monotonic()
    report = ResolutionReport()
    ap = _Applier(store, report)
    pending_suggestions: list[Decision] = []

    keys_ = [r["key"] for r in store.query("res_identifier_keys")]
    ap.apply(rules.identifier_fixes(keys_))

    if companies:
        for _ in range(MAX_ROUNDS):
            decisions = decide_companies(company_views(store))
            if ap.apply(decisions) == 0:
                pending_suggestions += decisions
                break
    if persons:
        for _ in range(MAX_ROUNDS):
            strong, local = person_candidates(store)
            decisions = decide_persons(strong, local)
            if ap.apply(decisions) == 0:
                pending_suggestions += decisions
                break
    if sites:
        decisions = decide_sites(site_views(store))
        ap.apply(decisions)
        pending_suggestions += decisions
        report.located = locate(store)
    ap.suggest(pending_suggestions)
    report.seconds = time.monotonic() - started
    return report


# -- analyst views ---------------------------------------------------------------
_IDENTIFIER_PROPS = ("id_card", "uscc", "plate", "number", "code")


def explain(store: GraphStore, key: str) -> dict[str, Any]:
    """Why `key` is what it is: identity rule, identifiers, merged aliases and their reasons, suggestions."""
    node = get_node(store, key)
    merged_into = None
    if node is None:
        merged_into = alias_map(store).get(key)
        if merged_into is None:
            raise ResolutionError(f"图中没有节点 {key} / no node with key {key!r}")
        node = get_node(store, merged_into)
        if node is None:
            raise ResolutionError(f"图中没有节点 {merged_into} / no node with key {merged_into!r}")
    props = dict(node["props"] or {})
    label = node["label"]
    spec = LABELS.get(label)
    cur = node["key"]
    strong_key = rules.is_strong_key(cur)
    aliases = []
    for raw in props.get("merge_log") or []:
        try:
            e = json.loads(raw)
        except (TypeError, json.JSONDecodeError):
            continue
        aliases.append(
            {
                "alias": e.get("alias"),
                "name": (e.get("alias_props") or {}).get("name"),
                "rule": e.get("rule"),
                "reason": e.get("reason"),
                "score": e.get("score"),
                "evidence": e.get("evidence") or [],
                "method": e.get("method"),
                "time": e.get("time"),
                "absorbed": (e.get("alias_props") or {}).get("aliases") or [],
            }
        )
    splits = []
    for raw in props.get("split_log") or []:
        try:
            splits.append(json.loads(raw))
        except (TypeError, json.JSONDecodeError):
            continue
    counts = store.query("res_explain_counts", key=cur)
    n_rels = counts[0]["rels"] if counts else 0
    n_docs = counts[0]["docs"] if counts else 0
    linked = [r["key"] for r in store.query("res_linked_identifiers", key=cur, limit=50)]
    linked = [k for k in linked if rules.is_strong_key(k)]
    suggestions = [
        {"other": s["other"], "name": s["other_name"], "score": s["score"], "reason": s["reason"]}
        for s in store.query("res_possibly_same_of", key=cur)
    ]
    identity = (
        "强标识键 / keyed by a strong identifier"
        if strong_key
        else ("仅在本文书内标识 / identifies only within its document" if "@" in cur else "按名称 / keyed by name")
    )
    return {
        "key": cur,
        "asked": key,
        "merged_into": merged_into,
        "label": label,
        "display": spec.display if spec else label,
        "name": props.get(spec.name_property if spec else "name") or props.get("name"),
        "identity_rule": spec.identity if spec else "",
        "identity": identity,
        "strong_key": strong_key,
        "identifiers": {p: props[p] for p in _IDENTIFIER_PROPS if props.get(p)},
        "linked_identifiers": linked,
        "aliases": aliases,
        "splits": splits,
        "possibly_same": suggestions,
        "source_documents": n_docs,
        "relationships": n_rels,
    }


def suggestions(store: GraphStore, limit: int = 500) -> list[dict[str, Any]]:
    """Open POSSIBLY_SAME pairs, best first, for an analyst to confirm (merge) or dismiss."""
    return [
        {
            "a": r["a"],
            "a_name": r["a_name"],
            "b": r["b"],
            "b_name": r["b_name"],
            "label": r["label"],
            "score": r["score"],
            "reason": r["reason"],
            "evidence": r["evidence"] or [],
        }
        for r in store.query("res_possibly_same", limit=int(limit))
    ]
