"""Hand-built graphs for resolution tests."""

from __future__ import annotations

from typing import Any

from graph_schema.model import GraphBatch, Provenance


class G:
    """A tiny builder: documents, entities and facts with provenance."""

    def __init__(self) -> None:
        self.b = GraphBatch()

    def doc(self, key: str, **props: Any) -> str:
        self.b.add_node(key, source=key.split(":")[1], **props)
        return key

    def node(self, key: str, **props: Any) -> str:
        self.b.add_node(key, **props)
        return key

    def rel(self, type_: str, head: str, tail: str, doc: str, quote: str = "", field: str = "", **props: Any) -> None:
        self.b.add_rel(type_, head, tail, Provenance(doc=doc, method="structured", quote=quote, field=field), **props)

    def company(self, key: str, name: str, doc: str, field: str = "涉案单位", **props: Any) -> str:
        uscc = key.partition(":")[2] if key[8:9].isdigit() and len(key) == 26 else None
        self.node(key, name=name, uscc=uscc, **props)
        self.rel("INVOLVED_IN", key, doc, doc, quote=name, field=field, role="company")
        self.rel("MENTIONS", doc, key, doc, quote=name)
        return key

    def person(self, key: str, name: str, doc: str, **props: Any) -> str:
        self.node(key, name=name, **props)
        self.rel("INVOLVED_IN", key, doc, doc, quote=name, role="suspect")
        self.rel("MENTIONS", doc, key, doc, quote=name)
        return key

    def write(self, store) -> None:  # noqa: ANN001
        store.write_batch(self.b)


def snapshot(store) -> set[tuple]:  # noqa: ANN001
    """Every relationship as (head, type, tail, fact, sorted props) — for exact round-trip checks."""
    rows = store._read(  # test-only: a raw read of the whole graph
        "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.key AS h, type(r) AS t, b.key AS tl, properties(r) AS p", {}
    )
    return {(r["h"], r["t"], r["tl"], tuple(sorted((k, str(v)) for k, v in r["p"].items()))) for r in rows}


def node_props(store, key: str) -> dict | None:  # noqa: ANN001
    rows = store.query("res_node", key=key)
    return rows[0]["props"] if rows else None
