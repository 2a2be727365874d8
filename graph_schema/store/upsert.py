"""Batched upsert statements in positional form, and a per-run cache of what was written.

Why positional: the first version sent each row as a map
(`{key: …, props: {…}}`) and ran `SET n += row.props`.  Profiling a plate-read
load showed that rendering and parsing those maps cost as much as the MERGE
itself: map keys repeat in every row, and FalkorDB parses the `CYPHER` header
as Cypher literals.  Here rows of one label (or one relationship shape) are
grouped by the set of property names they carry; each group becomes one
statement whose rows are plain lists (`[key, v1, v2, …]`) and whose `SET`
clause names each property once.  Values shared by every row of a chunk
(the source file, the extraction method) travel once, as `$c0`, `$c1`, ….

Property names become part of the statement text, so they are checked
against a strict identifier pattern; labels and types are checked against
the schema.  Values are always parameters: text from a file is data.

Semantics match `SET n += row.props`: a row sets the properties it carries
and leaves the others alone (rows are grouped by the names they carry, so no
row ever sends a null it did not have).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from graph_schema.keys import is_record_scoped
from graph_schema.schema import LABELS, RELATIONS

ENTITY_LABEL = "Entity"  # every node carries it, so lookups by key use one index
_PROP_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnsafeName(ValueError):
    """A label, type or property name that may not be spliced into Cypher text."""


@dataclass(frozen=True)
class Statement:
    """One parameterised write: Cypher text and its parameters."""

    cypher: str
    params: dict[str, Any]
    rows: int


def _schema_name(name: str, allowed: Iterable[str]) -> str:
    if name not in allowed:
        raise UnsafeName(f"not a schema name: {name!r}")
    return name


def _prop_name(name: str) -> str:
    if not _PROP_RE.match(name):
        raise UnsafeName(f"not a safe property name: {name!r}")
    return name


def _shared_props(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> set[str]:
    """Property names whose value is the same in every row.

    Types are compared too (`True == 1 == 1.0` in Python, but a property keeps
    its type).  Written as plain loops: this runs over every cell of a load.
    """
    if len(rows) < 2:
        return set()
    head = rows[0]["props"]
    out: set[str] = set()
    for name in names:
        h = head[name]
        t = type(h)
        for r in rows:
            v = r["props"][name]
            if v is not h and (type(v) is not t or v != h):
                break
        else:
            out.add(name)
    return out


def _group_by_names(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        # Insertion order, not sorted: rows built by the same code share it, and a
        # different order only costs an extra statement.
        groups.setdefault(tuple(row["props"]), []).append(row)
    return groups


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _statement(
    head: str | Callable[[Callable[[str], str]], str],
    var: str,
    ids: tuple[str, ...],
    names: Sequence[str],
    part: list[dict[str, Any]],
) -> Statement:
    """`UNWIND $rows AS row <head> SET v.a = row[i], v.b = $cN`.

    Each row is a list: the identity fields `ids` (key, or head/tail/fact)
    used by `head`, then the properties that vary between rows.  Properties
    with one value across the chunk leave the rows and become `$cN`.
    """
    shared = _shared_props(part, names)
    varying = [n for n in names if n not in shared]
    params: dict[str, Any] = {}
    refs: list[tuple[str, str]] = []
    for name in names:
        if name in shared:
            ref = f"$c{len(params)}"
            params[ref[1:]] = part[0]["props"][name]
        else:
            ref = f"row[{len(ids) + varying.index(name)}]"
        refs.append((_prop_name(name), ref))
    params["rows"] = _table(part, ids, varying)

    def assignments(v: str) -> str:
        return ", ".join(f"{v}.{name} = {ref}" for name, ref in refs)

    if callable(head):  # a statement that sets the properties in more than one place
        return Statement("UNWIND $rows AS row " + head(assignments), params, len(part))
    set_clause = (" SET " + assignments(var)) if refs else ""
    return Statement("UNWIND $rows AS row " + head + set_clause, params, len(part))


def _table(part: list[dict[str, Any]], ids: tuple[str, ...], varying: list[str]) -> list[tuple[Any, ...]]:
    """Rows as tuples (JSON arrays): identities, then varying properties.  itemgetter keeps it in C."""
    get_ids = itemgetter(*ids) if len(ids) > 1 else (lambda r, k=ids[0]: (r[k],))
    if not varying:
        return [get_ids(r) for r in part]
    if len(varying) == 1:
        name = varying[0]
        return [(*get_ids(r), r["props"][name]) for r in part]
    get_props = itemgetter(*varying)
    return [get_ids(r) + get_props(r["props"]) for r in part]


def node_statements(label: str, rows: list[dict[str, Any]], chunk: int) -> Iterator[Statement]:
    """MERGE nodes of one label by key, setting the properties each row carries."""
    label = _schema_name(label, LABELS)
    head = f"MERGE (n:{label}:{ENTITY_LABEL} {{key: row[0]}})"
    for names, group in _group_by_names(rows).items():
        for part in _chunks(group, chunk):
            yield _statement(head, "n", ("key",), names, part)


def rel_statements(shape: tuple[str, str, str], rows: list[dict[str, Any]], chunk: int) -> Iterator[Statement]:
    """Upsert relationships of one (type, head label, tail label) on (head, tail, fact id)."""
    rel_type = _schema_name(shape[0], RELATIONS)
    head_label = _schema_name(shape[1], LABELS)
    tail_label = _schema_name(shape[2], LABELS)

    # Not `MERGE (a)-[r:T {fact: …}]->(b)`: MERGE finds an existing relationship by
    # walking every relationship between a and b, so a truck read at the same
    # checkpoint 2,000 times cost 420 µs per read in the store instead of 27
    # (quadratic over a history load).  The `fact` index (dialect.schema_statements)
    # finds it directly; identity stays (head, tail, fact), as with MERGE.
    def head(assignments: Callable[[str], str]) -> str:
        # an existing relationship gets its properties set; a missing one is created with them
        update, create = assignments("old"), assignments("r")
        return (
            f"OPTIONAL MATCH ()-[old:{rel_type}]->() "
            f"WHERE old.fact = row[2] AND startNode(old).key = row[0] AND endNode(old).key = row[1] "
            + (f"FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END | SET {update}) " if update else "")
            + f"WITH row, old WHERE old IS NULL "
            f"MATCH (a:{head_label} {{key: row[0]}}) MATCH (b:{tail_label} {{key: row[1]}}) "
            f"CREATE (a)-[r:{rel_type} {{fact: row[2]}}]->(b)" + (f" SET {create}" if create else "")
        )

    for names, group in _group_by_names(rows).items():
        for part in _chunks(group, chunk):
            yield _statement(head, "r", ("head", "tail", "fact"), names, part)


def _same_types(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(type(v) is type(a[k]) for k, v in b.items())


@dataclass
class WriteCache:
    """Node upserts already sent by this writer, so identical ones are not sent again.

    A plate seen 50 times in a file is one Vehicle upsert with the same
    properties 50 times; a checkpoint, thousands.  Within one ingest run the
    writer is the only one changing these nodes, so an upsert identical to one
    it already sent is a no-op and can be skipped.  Rows are remembered when
    they are let through; a failed write must call `forget`.  Bounded: when
    full it starts over, which only costs repeated (harmless) upserts.
    A record's own nodes (its Document, people named only in it) are never
    sent twice, so they are not remembered: remembering them made the client
    grow by ~2.7 KB per manifest, with the file (benchmarks/bench_ingest.py).
    """

    max_entries: int = 1_000_000
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> props as last sent
    skipped: int = 0

    def fresh(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows still worth sending; they are remembered as sent."""
        out: list[dict[str, Any]] = []
        get = self.nodes.get
        for row in rows:
            props = row["props"]
            known = get(row["key"])
            # A bare endpoint stub for a node already written, or the very same upsert again
            # (same values of the same types: `True == 1` in Python, not in the store).
            if known is not None and (not props or (known == props and _same_types(known, props))):
                continue
            out.append(row)
        self.skipped += len(rows) - len(out)
        shared = [row for row in out if not is_record_scoped(row["key"])]
        if len(self.nodes) + len(shared) > self.max_entries:
            self.nodes.clear()
        self.nodes.update((row["key"], row["props"]) for row in shared)
        return out

    def forget(self) -> None:
        """After a failed write: nothing remembered can be trusted to be in the store."""
        self.nodes.clear()
