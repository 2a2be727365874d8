"""Pairwise precision/recall of resolution against a generator's ground truth.

    evaluate_against_truth(store, truth) -> dict

`truth["entities"]` maps a kind (`companies`, `vehicles`, optionally `vessels`,
`persons`) to entities `{"true_id", "mentions": [{"doc", "field", "text"}]}`;
`truth["decoys"]` lists masked names `{"name", "docs"}` that denote a
different person in every document.

A mention is located after resolution as the node of the right label that its
document MENTIONS or INVOLVES and whose name (or plate) matches the mention
text — including names the node absorbed by merging.  Pairwise scores over
mentions (Menestrina et al. 2010): precision = pairs correctly together /
pairs put together, recall = pairs correctly together / pairs truly together.
A mention found in no node counts as a singleton (it hurts recall).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from resolution import normalize
from resolution.companies import company_score, is_agency
from resolution.merge import alias_map

KIND_LABEL = {"companies": "Company", "vehicles": "Vehicle", "vessels": "Vessel", "persons": "Person"}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(assignments: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """(true id, predicted cluster) per mention → pairwise precision, recall, F1."""
    cells: Counter[tuple[str, str]] = Counter()
    truth: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    n = 0
    for t, p in assignments:
        cells[(t, p)] += 1
        truth[t] += 1
        pred[p] += 1
        n += 1
    tp = sum(_pairs(c) for c in cells.values())
    pp = sum(_pairs(c) for c in pred.values())
    tpairs = sum(_pairs(c) for c in truth.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tpairs if tpairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "mentions": n,
        "true_pairs": tpairs,
        "predicted_pairs": pp,
        "correct_pairs": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


_STAMPED = re.compile(r"^doc:(anpr|reading):([^:@]+):(\d{14}):(.+)$")


def _alternate_doc_keys(doc: str) -> list[str]:
    """`doc:anpr:<卡口>:<YYYYmmddHHMMSS>:<plate>` → the ETL's `doc:anpr:<卡口>@<ISO time>@<plate>`."""
    m = _STAMPED.match(doc)
    if not m:
        return []
    source, code, stamp, rest = m.groups()
    iso = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:14]}"
    return [f"doc:{source}:{code}@{iso}@{rest}"]


class _DocIndex:
    """Entities per document, fetched in chunks and cached."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.cache: dict[str, list[dict[str, Any]]] = {}
        self.doc_keys: dict[str, str | None] = {}
        self.aliases: dict[str, str] | None = None

    def doc_key(self, doc: str) -> str | None:
        """The Document key a truth file means (it may spell plate-read and reading ids differently)."""
        if doc in self.doc_keys:
            return self.doc_keys[doc]
        found: str | None = None
        if doc.startswith("doc:"):
            for cand in (doc, *_alternate_doc_keys(doc)):
                if cand == doc and cand in self.cache:
                    found = cand
                    break
                if self.store.documents([cand]):  # a Document node, or a plate read's SEEN_AT
                    found = cand
                    break
        else:
            rows = self.store.query("res_documents_like", suffix=":" + doc)
            found = rows[0]["key"] if len(rows) == 1 else None
        self.doc_keys[doc] = found
        return found

    def prefetch(self, docs: Iterable[str]) -> None:
        todo = sorted({d for d in docs if d.startswith("doc:") and d not in self.doc_keys})
        cands = {d: [d, *_alternate_doc_keys(d)] for d in todo}
        flat = sorted({c for cs in cands.values() for c in cs})
        present: set[str] = set()
        for i in range(0, len(flat), 1000):
            present |= set(self.store.documents(flat[i : i + 1000]))
        for d, cs in cands.items():
            self.doc_keys[d] = next((c for c in cs if c in present), None)
        keys = sorted({k for k in (self.doc_key(d) for d in docs) if k and k not in self.cache})
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            for k in chunk:
                self.cache[k] = []
            for row in self.store.query("res_doc_entities", docs=chunk):
                self.cache[row["doc"]].append(row)

    def asserts(self, key: str, doc: str) -> str | None:
        """`key` (or the node it was merged into) if it carries a fact from `doc`."""
        if self.aliases is None:
            self.aliases = alias_map(self.store)
        key = self.aliases.get(key, key)
        doc_key = self.doc_key(doc)
        if doc_key is None:
            return None
        rows = self.store.query("res_facts_from_doc", key=key, doc=doc_key)
        return key if rows and rows[0]["facts"] else None

    def resolve_key(self, key: str) -> str | None:
        """The node `key` lives in now (itself, or its canonical node), or None if absent."""
        if self.aliases is None:
            self.aliases = alias_map(self.store)
        key = self.aliases.get(key, key)
        return key if self.store.query("res_node", key=key) else None

    def entities(self, doc: str, label: str) -> list[dict[str, Any]]:
        key = self.doc_key(doc)
        if key is None:
            return []
        if key not in self.cache:
            self.prefetch([key])
        return [r for r in self.cache[key] if r["label"] == label]


def _names(row: dict[str, Any]) -> set[str]:
    out = set()
    if row.get("name"):
        out.add(str(row["name"]))
    for raw in row.get("merge_log") or []:
        try:
            name = (json.loads(raw).get("alias_props") or {}).get("name")
        except (TypeError, json.JSONDecodeError):
            continue
        if name:
            out.add(str(name))
    prefix, _, rest = row["key"].partition(":")
    if prefix == "company" and not ids.normalize_uscc(rest):
        out.add(rest)
    if prefix == "person" and "@" in rest:
        out.add(rest.split("@", 1)[0])
    return out


def _locate(index: _DocIndex, kind: str, doc: str, text: str) -> str | None:
    label = KIND_LABEL.get(kind)
    if label is None:
        return None
    rows = {r["key"]: r for r in index.entities(doc, label)}
    text = (text or "").strip()
    if label == "Vehicle":
        plate = ids.normalize_plate(text)
        if plate and f"vehicle:{plate}" in rows:
            return f"vehicle:{plate}"
        if plate:  # plate reads link the vehicle to its read by provenance only
            found = index.asserts(f"vehicle:{plate}", doc)
            if found:
                return found
        for key, r in rows.items():
            absorbed = {a.partition(":")[2] for a in _aliases(r)}
            if plate and plate in {ids.normalize_plate(a) for a in absorbed}:
                return key
        return None
    if not rows:
        return None
    if label == "Vessel":
        v = ids.normalize_vessel(text)
        return f"vessel:{v}" if v and f"vessel:{v}" in rows else None
    if label == "Company":
        want = normalize.company_name(text)
        if want is None:
            return None
        best: tuple[float, str] | None = None
        for key, r in rows.items():
            names = _names(r)
            if any(is_agency(n) for n in names):
                continue  # a police or government unit tagged as an organisation
            quote = r.get("quote") or ""
            if want.full in {ids.normalize_company_name(n) for n in names}:
                score = 200.0
            else:
                forms = [f for f in (normalize.company_name(n) for n in names) if f]
                score = max((company_score(want, f)[0] for f in forms), default=0.0)
                if text and text in quote:
                    score = max(score, 90.0)
            if best is None or score > best[0]:
                best = (score, key)
        return best[1] if best and best[0] >= 80.0 else None
    # persons: the name as written, or a compatible one
    for key, r in rows.items():
        if text in _names(r):
            return key
    hits = [k for k, r in rows.items() if any(normalize.names_compatible(text, n) for n in _names(r))]
    return hits[0] if len(hits) == 1 else None


def _aliases(row: dict[str, Any]) -> list[str]:
    out = []
    for raw in row.get("merge_log") or []:
        try:
            out.append(json.loads(raw).get("alias", ""))
        except (TypeError, json.JSONDecodeError):
            continue
    return out


def evaluate_against_truth(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """Pairwise precision/recall per entity kind, plus merges of masked-name decoys."""
    index = _DocIndex(store)
    entities = truth.get("entities") or {}
    all_docs = [m["doc"] for ents in entities.values() for e in ents for m in e.get("mentions", [])]
    all_docs += [d for dec in truth.get("decoys") or [] for d in dec.get("docs", [])]
    index.prefetch(all_docs)
    out: dict[str, Any] = {}
    for kind, ents in entities.items():
        if kind not in KIND_LABEL:
            continue
        assignments = []
        unresolved = []
        seen: set[tuple[str, str, str]] = set()
        for e in ents:
            tid = str(e.get("true_id"))
            for m in e.get("mentions", []):
                ident = (tid, m.get("doc", ""), m.get("text", ""))
                if ident in seen:
                    continue
                seen.add(ident)
                node = _locate(index, kind, m.get("doc", ""), m.get("text", ""))
                if node is None:
                    unresolved.append({"true_id": tid, **m})
                    node = f"?unresolved:{len(unresolved)}"
                assignments.append((tid, node))
        res = pairwise(assignments)
        res["unresolved"] = len(unresolved)
        res["unresolved_examples"] = unresolved[:10]
        res["errors"] = _errors(assignments)
        out[kind] = res
    out["decoys"] = _decoys(index, truth.get("decoys") or [])
    if truth.get("people"):
        out["person_merges"] = _person_merges(store, index, truth["people"], truth.get("decoys") or [])
    return out


def _person_merges(
    store: GraphStore, index: _DocIndex, people: list[dict[str, Any]], decoys: list[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Judge every person merge against the truth's people (resident ID, name, documents).

    A merged `person:<name>@<doc>` is *right* when the truth puts that name in
    that document for the person the canonical node stands for, *wrong* when it
    puts it there for someone else (or lists it as a masked decoy); when the truth does not list the document
    (it lists case files only) a name held by exactly that one truth person is
    *right_by_unique_name*, anything else is not judged.
    """
    by_id = {p["id_card"]: p for p in people if p.get("id_card")}
    by_name_doc: dict[tuple[str, str], str] = {}
    name_count: Counter[str] = Counter(p.get("name", "") for p in by_id.values())
    for p in by_id.values():
        for d in p.get("docs") or []:
            by_name_doc[(p.get("name", ""), index.doc_key(d) or d)] = p["id_card"]
    # a masked decoy in a document is someone the truth does not identify: merging it anywhere is wrong
    decoy_mentions = {(d.get("name", ""), index.doc_key(doc) or doc) for d in decoys for doc in d.get("docs", [])}
    counts: Counter[str] = Counter()
    wrong_examples = []
    for row in store.query("res_person_merge_logs"):
        canon = row["key"]
        rest = canon.partition(":")[2]
        if "@" in rest:
            true_canon = by_name_doc.get(tuple(rest.split("@", 1)))  # type: ignore[arg-type]
        else:
            true_canon = rest if rest in by_id else None
        for raw in row["merge_log"] or []:
            try:
                alias = json.loads(raw).get("alias", "")
            except (TypeError, json.JSONDecodeError):
                continue
            a_rest = alias.partition(":")[2]
            if "@" not in a_rest:
                counts["not_judged"] += 1
                continue
            a_name, a_doc = a_rest.split("@", 1)
            if (a_name, a_doc) in decoy_mentions:
                counts["wrong"] += 1
                wrong_examples.append({"alias": alias, "canonical": canon, "truth": "decoy"})
                continue
            said = by_name_doc.get((a_name, a_doc))
            if said is not None:
                ok = said == true_canon
                counts["right" if ok else "wrong"] += 1
                if not ok:
                    wrong_examples.append({"alias": alias, "canonical": canon, "truth": said})
            elif true_canon and by_id[true_canon].get("name") == a_name and name_count[a_name] == 1:
                counts["right_by_unique_name"] += 1
            else:
                counts["not_judged"] += 1
    judged = counts["right"] + counts["right_by_unique_name"] + counts["wrong"]
    return {
        **{k: counts[k] for k in ("right", "right_by_unique_name", "wrong", "not_judged")},
        "precision": round((judged - counts["wrong"]) / judged, 4) if judged else None,
        "wrong_examples": wrong_examples[:10],
    }


def _errors(assignments: list[tuple[str, str]], limit: int = 10) -> dict[str, list[Any]]:
    """Examples: nodes holding several true entities (false merges), entities split over nodes."""
    by_node: dict[str, set[str]] = defaultdict(set)
    by_true: dict[str, set[str]] = defaultdict(set)
    for t, p in assignments:
        by_node[p].add(t)
        by_true[t].add(p)
    return {
        "false_merges": [{"node": n, "true_ids": sorted(ts)} for n, ts in by_node.items() if len(ts) > 1][:limit],
        "splits": [{"true_id": t, "nodes": sorted(ps)} for t, ps in by_true.items() if len(ps) > 1][:limit],
    }


def _decoys(index: _DocIndex, decoys: list[dict[str, Any]]) -> dict[str, Any]:
    merges = 0
    fused = []
    located = 0
    for dec in decoys:
        name = str(dec.get("name", ""))
        nodes: dict[str, list[str]] = defaultdict(list)
        for doc in dec.get("docs", []):
            doc_key = index.doc_key(doc) or doc
            # the mention is `person:<name>@<doc>`, or the node that absorbed exactly that key
            key = index.resolve_key(f"person:{name}@{doc_key}")
            if key is None:
                continue
            nodes[key].append(doc)
            located += 1
        for key, docs in nodes.items():
            if len(set(docs)) > 1:
                merges += _pairs(len(set(docs)))
                fused.append({"name": name, "node": key, "docs": sorted(set(docs))})
    return {"decoys": len(decoys), "located": located, "merges": merges, "fused": fused[:20]}


def run_on_bundle(seed: int, *, scale: int = 1, use_nlp: bool = True, workdir: str | None = None) -> dict[str, Any]:
    """Generate a synthetic bundle, ingest it into a fresh store, resolve, evaluate.

    `python -m resolution.evaluate --seed 1` — what the tuning and the held-out test run.
    """
    import shutil
    import tempfile
    import time
    from pathlib import Path

    import synthetic
    from etl.ingest import ingest_paths
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server
    from resolution.merge import alias_transform
    from resolution.resolver import resolve

    tmp = Path(workdir or tempfile.mkdtemp(prefix=f"res_eval_{seed}_"))
    bundle = tmp / "bundle"
    synthetic.generate_bundle(bundle, seed=seed, scale=scale)
    truth = json.loads((bundle / "truth.json").read_text(encoding="utf-8"))
    store = open_store("falkordb", data_dir=tmp / "data")
    try:
        t0 = time.monotonic()
        ingest_paths(store, [bundle], data_dir=tmp / "data", use_nlp=use_nlp, transform_batch=alias_transform(store))
        t1 = time.monotonic()
        report = resolve(store)
        t2 = time.monotonic()
        result = evaluate_against_truth(store, truth)
        result["resolution"] = report.to_dict()
        result["seconds"] = {"ingest": round(t1 - t0, 1), "resolve": round(t2 - t1, 1)}
        result["seed"] = seed
        return result
    finally:
        store.close()
        stop_server(tmp / "data")
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="resolution precision/recall on a synthetic bundle")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--no-nlp", action="store_true")
    ap.add_argument("--workdir", default=None, help="keep the bundle and the store here")
    args = ap.parse_args()
    res = run_on_bundle(args.seed, scale=args.scale, use_nlp=not args.no_nlp, workdir=args.workdir)
    print(json.dumps(res, ensure_ascii=False, indent=1, default=str))
