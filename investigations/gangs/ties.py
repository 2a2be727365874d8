"""Tie rows: every piece of evidence in the graph that ties people together, as a hyperedge."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from investigations.common import paged
from investigations.gangs.base import CHECKPOINT_WINDOW_MIN, MENTION_SOURCES, TEXT_KINDS, _no_gc
from investigations.gangs.convoy import checkpoint_rows


@_no_gc
def coffending_rows(store: GraphStore, window_min: int = CHECKPOINT_WINDOW_MIN) -> list[dict[str, Any]]:
    """All tie rows (hyperedges) the graph holds; see the module docstring for kinds."""
    rows: list[dict[str, Any]] = []
    for r in paged(store, "inv_doc_persons"):
        if r["members"]:  # one-suspect cases tie nobody but count for the leader and the evidence
            rows.append(
                {"kind": "case", "members": r["members"], "doc": r["doc"], "time": r["time"], "cause": r["cause"]}
            )
    for r in paged(store, "inv_doc_mentions", sources=MENTION_SOURCES):
        if len(r["members"]) >= 2:
            rows.append({"kind": "mention", "members": r["members"], "doc": r["doc"], "time": r["time"]})
    for r in paged(store, "inv_shared_objects"):
        if len(r["members"]) >= 2:
            kind = {"Vehicle": "vehicle", "Vessel": "vessel", "Phone": "phone"}.get(r["label"], "vehicle")
            docs = sorted(d for d in (r["docs"] or []) if d)
            rows.append(
                {
                    "kind": kind,
                    "members": r["members"],
                    "doc": docs[0] if docs else None,
                    "docs": docs,
                    "time": r["time"],
                    "object": r["object"],
                }
            )
    # the same vehicle or vessel in several cases ties their principals (first named in the narrative)
    principals: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    label_of: dict[str, str] = {}
    for r in paged(store, "inv_case_objects"):
        principals[r["object"]].append((principal(r["members"], r["names"], r["text"]), r["doc"], r["time"]))
        label_of[r["object"]] = r["label"]
    for obj, lst in sorted(principals.items()):
        people = sorted({p for p, _, _ in lst if p})
        if len(lst) >= 2 and len(people) >= 2:
            docs = sorted({d for _, d, _ in lst})
            times = [t for _, _, t in lst if t]
            kind = "vessel" if label_of[obj] == "Vessel" else "vehicle"
            rows.append(
                {
                    "kind": kind,
                    "members": people,
                    "doc": docs[0],
                    "docs": docs,
                    "time": max(times) if times else None,
                    "object": obj,
                }
            )
    for r in paged(store, "inv_co_offender"):
        rows.append({"kind": "co_offender", "members": [r["a"], r["b"]], "doc": r["doc"], "time": r["time"]})
    rows.extend(checkpoint_rows(store, window_min))
    out = []
    for r in rows:
        if r["kind"] in TEXT_KINDS:  # names read from free text count only once tied to an identity
            mem = [m for m in r["members"] if "@" not in m]
        else:
            mem = [m for m in r["members"] if _identified(m)]
        if len(mem) >= 2 or (mem and r["kind"] == "case"):
            out.append({**r, "members": mem})
    return out


def principal(keys: list[str], names: list[str | None], text: str | None) -> str | None:
    """The principal suspect of a case: the one named first in its narrative (Chinese case
    files name the 主犯 first: "张三伙同李四…"); ties and unnamed → key order."""
    text = text or ""
    best = None
    for k, n in sorted(zip(keys, names)):
        pos = text.find(n) if n else -1
        rank = pos if pos >= 0 else len(text) + 1
        if best is None or rank < best[0]:
            best = (rank, k)
    return best[1] if best else None


def _identified(key: str) -> bool:
    """A masked name (王某, 张某某) known only inside one document never joins a gang:
    it cannot be told apart from another 王某 and cannot be cited."""
    if "@" not in key:
        return True
    return not ids.is_masked_name(key.split(":", 1)[1].split("@", 1)[0])
