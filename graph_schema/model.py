"""Boundary dataclasses: what every layer hands to the graph store.

A `GraphBatch` is the unit of writing: nodes and relationships with their
provenance, grouped so the store can send one `UNWIND $rows` per (label) or
(type, head label, tail label).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from graph_schema.schema import LABELS, RECORD_EVENT_TYPES, RELATIONS, label_for_key


@dataclass
class Provenance:
    """Where a fact came from. Stored as properties on the relationship."""

    doc: str  # document key
    method: str  # graph_schema.schema.Method value
    confidence: float = 1.0
    quote: str = ""
    start: int | None = None  # character offsets of the quote's entity span in the field text
    end: int | None = None
    field: str = ""  # which field of the source record
    seen: str | None = None  # ISO time of the source record (first_seen/last_seen)

    def as_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "doc": self.doc,
            "method": self.method,
            "confidence": float(self.confidence),
            "quote": self.quote,
            "field": self.field,
        }
        if self.start is not None:
            props["start"] = int(self.start)
        if self.end is not None:
            props["end"] = int(self.end)
        if self.seen:
            props["first_seen"] = self.seen
            props["last_seen"] = self.seen
        return props


def record_event_fact(type_: str, doc: str) -> str:
    """The fact id of a record event (schema.RelSpec.record_event): the record is the fact.

    Derived from the document key alone, so the store finds a record by its key
    through the `fact` index (`GraphStore.documents`), and moving the event to a
    merged vehicle keeps its identity.
    """
    return hashlib.sha1(f"{type_}\x1f{doc}".encode()).hexdigest()[:20]


@dataclass
class Node:
    key: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return label_for_key(self.key)


@dataclass
class Rel:
    """A relationship asserted by one source document (its provenance).

    Identity: (head, type, tail, provenance.doc, props.get('fact')) — the same
    document asserting the same fact twice is one relationship; two documents
    asserting it are two, so each keeps its own quote.  A record event (a plate
    read's SEEN_AT) is identified by its type and document alone.
    """

    type: str
    head: str
    tail: str
    provenance: Provenance
    props: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in RELATIONS:
            raise ValueError(f"unknown relationship type {self.type!r}")

    @property
    def fact_id(self) -> str:
        if self.type in RECORD_EVENT_TYPES:
            return record_event_fact(self.type, self.provenance.doc)
        extra = str(self.props.get("fact", ""))
        raw = "\x1f".join((self.head, self.type, self.tail, self.provenance.doc, extra))
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]

    def as_row(self) -> dict[str, Any]:
        props = {**self.props, **self.provenance.as_props()}
        props.pop("fact", None)
        return {"head": self.head, "tail": self.tail, "fact": self.fact_id, "props": props}


@dataclass
class GraphBatch:
    nodes: list[Node] = field(default_factory=list)
    rels: list[Rel] = field(default_factory=list)

    def add_node(self, key: str, **props: Any) -> str:
        self.nodes.append(Node(key, {k: v for k, v in props.items() if v is not None}))
        return key

    def add_rel(self, type_: str, head: str, tail: str, provenance: Provenance, **props: Any) -> None:
        self.rels.append(Rel(type_, head, tail, provenance, {k: v for k, v in props.items() if v is not None}))

    def extend(self, other: GraphBatch) -> None:
        self.nodes.extend(other.nodes)
        self.rels.extend(other.rels)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.rels)

    def nodes_by_label(self) -> dict[str, list[dict[str, Any]]]:
        """Merge duplicate node rows (later props win) and group by label."""
        merged: dict[str, dict[str, Any]] = {}
        for n in self.nodes:
            merged.setdefault(n.key, {}).update(n.props)
        out: dict[str, list[dict[str, Any]]] = {}
        for key, props in merged.items():
            label = label_for_key(key)
            out.setdefault(label, []).append({"key": key, "props": props})
        return out

    def rels_by_shape(self) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
        out: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]] = {}
        for r in self.rels:
            shape = (r.type, label_for_key(r.head), label_for_key(r.tail))
            row = r.as_row()
            out.setdefault(shape, {})[(r.head, r.tail, row["fact"])] = row  # the store's identity
        return {shape: list(rows.values()) for shape, rows in out.items()}


__all__ = ["Provenance", "Node", "Rel", "GraphBatch", "LABELS", "RELATIONS"]
