"""The store port: the one interface every layer above writes to and reads from.

Two adapters implement it (`falkor.FalkorStore`, the embedded default, and
`neo4j_store.Neo4jStore`).  Callers never see Cypher of their own making: they
call `write_batch` with a `GraphBatch`, or `query(name, **params)` with a named,
parameterised query from a `.cypher` file.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_schema.keys import doc_key_parts
from graph_schema.model import GraphBatch, record_event_fact
from graph_schema.schema import LABELS, RECORD_EVENT_TYPES, search_props
from graph_schema.store.upsert import ENTITY_LABEL, WriteCache, node_statements, rel_statements  # noqa: F401 (re-exported)

_NAME_RE = re.compile(r"^//\s*name:\s*([A-Za-z_][\w]*)(?:\s*@(\w+))?\s*$")
_SCALAR_REPLY_RE = re.compile(r"^//\s*reply:\s*scalar\s*$")
QUERY_DIR = Path(__file__).parent / "queries"


class StoreError(RuntimeError):
    """A store failure with a message fit for the user (Chinese + English)."""


class UnknownQuery(StoreError):
    pass


@contextmanager
def _naming_failures(name: str) -> Iterator[None]:
    """A plain store failure raised inside carries the named query it came from (`query_name`,
    and at the end of its text), so a rare server error names the query to look at;
    subclasses (a time budget hit, an unknown query) keep their own text."""
    try:
        yield
    except StoreError as exc:
        if type(exc) is StoreError and getattr(exc, "query_name", None) is None:
            exc.query_name = name
            exc.args = (f"{exc.args[0] if exc.args else ''}（命名查询 / named query: {name}）", *exc.args[1:])
        raise


@dataclass
class NamedQuery:
    name: str
    text: str
    dialect: str | None = None  # None: common subset of FalkorDB and Neo4j 5
    source: str = ""
    # `// reply: scalar` in the block: every column is a string, an integer or null, so a
    # store may answer in a reply format without value types (FalkorDB's plain reply).
    scalar_reply: bool = False


@dataclass
class QueryRegistry:
    """Named queries loaded from `.cypher` files.

    File format: blocks introduced by `// name: QUERY_NAME` (common Cypher) or
    `// name: QUERY_NAME @neo4j` / `@falkordb` (a dialect-specific variant that
    wins over the common one on that backend).  Each layer keeps its own file.
    """

    queries: dict[tuple[str, str | None], NamedQuery] = field(default_factory=dict)

    def load_file(self, path: Path) -> None:
        name: str | None = None
        dialect: str | None = None
        lines: list[str] = []
        scalar = False

        def flush() -> None:
            if name is not None:
                text = "\n".join(lines).strip()
                if text:
                    self.queries[(name, dialect)] = NamedQuery(name, text, dialect, str(path), scalar)

        for line in path.read_text(encoding="utf-8").splitlines():
            m = _NAME_RE.match(line.strip())
            if m:
                flush()
                name, dialect, lines, scalar = m.group(1), m.group(2), [], False
            elif name is not None and _SCALAR_REPLY_RE.match(line.strip()):
                scalar = True
            elif name is not None and not line.strip().startswith("//"):
                lines.append(line)
        flush()

    def load_dir(self, directory: Path) -> None:
        for path in sorted(directory.glob("*.cypher")):
            self.load_file(path)

    def get(self, name: str, dialect: str) -> NamedQuery:
        q = self.queries.get((name, dialect)) or self.queries.get((name, None))
        if q is None:
            raise UnknownQuery(f"未知查询 / unknown query: {name!r}; available: {', '.join(sorted(self.names()))}")
        return q

    def names(self) -> set[str]:
        return {n for n, _ in self.queries}

    def all(self) -> Iterator[NamedQuery]:
        yield from self.queries.values()


_REGISTRY: QueryRegistry | None = None
_EXTRA_DIRS: list[Path] = []


def register_query_dir(directory: Path) -> None:
    """Let a layer above (e.g. investigations) add its own `.cypher` folder."""
    directory = Path(directory)
    if directory not in _EXTRA_DIRS:
        _EXTRA_DIRS.append(directory)
        if _REGISTRY is not None:
            _REGISTRY.load_dir(directory)


def registry() -> QueryRegistry:
    global _REGISTRY
    if _REGISTRY is None:
        reg = QueryRegistry()
        reg.load_dir(QUERY_DIR)
        for d in _EXTRA_DIRS:
            reg.load_dir(d)
        _REGISTRY = reg
    return _REGISTRY


def _with_search_property(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the derived name-search property (`schema.search_props`) to rows that carry its source.

    Done here, on every write, so no writer can leave a name unsearchable.  New
    dicts: the write cache keeps the rows as the caller built them.
    """
    out = []
    for row in rows:
        extra = search_props(row["key"], row["props"])
        out.append({"key": row["key"], "props": {**row["props"], **extra}} if extra else row)
    return out


@dataclass
class PreparedBatch:
    """A batch turned into adapter-encoded statements, ready to send (see `GraphStore.prepare_batch`)."""

    payloads: list[Any] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0
    cache: WriteCache | None = None


class GraphStore(abc.ABC):
    """Batched upserts, named read queries, schema setup, stats, wipe."""

    dialect: str = ""
    batch_size: int = 5000
    # Seconds a read may run when no `budget.deadline` is in force (adapters set
    # `budget.INVESTIGATION_S`; the API runs each request under a shorter deadline).
    read_budget_s: float | None = None

    # -- writing -------------------------------------------------------------
    def write_batch(self, batch: GraphBatch, cache: WriteCache | None = None) -> dict[str, int]:
        """Upsert every node, then every relationship, of `batch`.

        Relationship endpoints missing from the batch are created as bare
        nodes first, so a fact is never dropped because its node came in an
        earlier batch or file.  With a `WriteCache` (one per ingest run), node
        upserts identical to ones this writer already sent are skipped.
        Returns counts of rows in the batch (skipped ones included) and of the
        nodes and relationships the store says it created.
        """
        return self.write_prepared(self.prepare_batch(batch, cache))

    def prepare_batch(self, batch: GraphBatch, cache: WriteCache | None = None) -> PreparedBatch:
        """All the CPU work of a write (grouping, statements, wire encoding), none of the I/O.

        Split from `write_prepared` so a loader can prepare batch N+1 on its
        own thread while another thread only waits on the store for batch N:
        both halves in one Python thread would fight over the GIL.
        """
        nodes = batch.nodes_by_label()
        rels = batch.rels_by_shape()
        present = {row["key"] for rows in nodes.values() for row in rows}
        for (_, head_label, tail_label), rows in rels.items():
            for row in rows:
                for key, label in ((row["head"], head_label), (row["tail"], tail_label)):
                    if key not in present:
                        nodes.setdefault(label, []).append({"key": key, "props": {}})
                        present.add(key)
        out = PreparedBatch(cache=cache)
        for label, rows in nodes.items():
            out.nodes += len(rows)
            if cache is not None:
                rows = cache.fresh(rows)  # forgotten by write_prepared if the write fails
            if LABELS[label].search_source:
                rows = _with_search_property(rows)
            out.payloads += [self._encode(s.cypher, s.params) for s in node_statements(label, rows, self.batch_size)]
        for shape, rows in rels.items():
            out.relationships += len(rows)
            out.payloads += [self._encode(s.cypher, s.params) for s in rel_statements(shape, rows, self.batch_size)]
        return out

    def write_prepared(self, prepared: PreparedBatch) -> dict[str, int]:
        """Send a prepared batch, statement by statement, in order."""
        nodes_created = relationships_created = 0
        try:
            for payload in prepared.payloads:
                created = self._send_encoded(payload)
                nodes_created += created[0]
                relationships_created += created[1]
        except BaseException:
            if prepared.cache is not None:
                prepared.cache.forget()  # it may name nodes that never reached the store
            raise
        return {
            "nodes": prepared.nodes,
            "relationships": prepared.relationships,
            # what the store itself reports: 0 and 0 when the batch was already there
            "nodes_created": nodes_created,
            "relationships_created": relationships_created,
        }

    def _encode(self, cypher: str, params: dict[str, Any]) -> Any:
        """Adapter hook: a statement in the form `_send_encoded` takes (default: unchanged)."""
        return (cypher, params)

    def _send_encoded(self, payload: Any) -> tuple[int, int]:
        """Adapter hook: run one encoded write; return (nodes created, relationships created)."""
        raise NotImplementedError

    def run_write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named write query (e.g. write-back of gang ids)."""
        with _naming_failures(name):
            return self._write(registry().get(name, self.dialect).text, params)

    # -- reading -------------------------------------------------------------
    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named read query; rows come back as plain dicts."""
        with _naming_failures(name):
            q = registry().get(name, self.dialect)
            return self._read_scalar(q.text, params) if q.scalar_reply else self._read(q.text, params)

    async def aquery(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """`query` for code on an event loop (the API's hot routes, `plans.arun_plan`): the
        same rows, the same errors, awaited instead of blocking the loop."""
        with _naming_failures(name):
            q = registry().get(name, self.dialect)
            return await self._aread(q.text, params, q.scalar_reply)

    async def aread_cypher(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """`read_cypher`, awaited."""
        return await self._aread(cypher, params, False)

    async def _aread(self, cypher: str, params: dict[str, Any], scalar: bool) -> list[dict[str, Any]]:
        """Adapter hook: one read, awaited.  By default the blocking read on a worker thread
        (which inherits the caller's context: its time budget and store timing); an adapter
        with an asyncio client overrides it."""
        import anyio.to_thread

        read = self._read_scalar if scalar else self._read
        return await anyio.to_thread.run_sync(read, cypher, params)

    def query_many(self, *requests: tuple[str, dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Several named reads (`(name, params)`), answered in order, run at the same time.

        Why: a whole-graph analysis (entity resolution) reads a few large answers in a
        row, and run one after another the database computes while this process waits,
        then this process parses while the database idles.  Each read runs on its own
        thread, in a copy of the caller's context (its time budget, its store timing).
        """
        if len(requests) < 2:
            return [self.query(name, **params) for name, params in requests]
        import contextvars
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(requests), thread_name_prefix="store-read") as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, self.query, name, **params) for name, params in requests
            ]
            return [f.result() for f in futures]

    def shortest_path(
        self, a: str, b: str, max_hops: int = 4, frontier_limit: int = 20000, step_query: str = "expand_frontier"
    ) -> dict[str, Any] | None:
        """One shortest undirected path between two keys, at most `max_hops` long.

        Bidirectional breadth-first search (Pohl 1971) over the named query
        `step_query` (`$keys`, `$limit` → rows `from`, `to`, `type`, `head`,
        `props`; a layer may name its own, e.g. one that skips links an analyst
        rejected): each step expands the smaller frontier with one query, so a
        4-hop search costs at most four round trips.  Returns
        `{"keys": [...], "hops": [{"head", "type", "tail", "props"}]}` or None.
        """
        if a == b:
            return {"keys": [a], "hops": []}
        from graph_schema.store import budget

        parents: list[dict[str, tuple[str, dict[str, Any]] | None]] = [{a: None}, {b: None}]
        frontiers = [[a], [b]]
        for _ in range(max_hops):
            budget.check()
            side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            if not frontiers[side]:
                return None
            rows = self.query(step_query, keys=frontiers[side], limit=frontier_limit)
            nxt: list[str] = []
            meet: str | None = None
            for row in rows:
                to = row["to"]
                if to in parents[side]:
                    continue
                parents[side][to] = (row["from"], {"type": row["type"], "head": row["head"], "props": row["props"]})
                nxt.append(to)
                if to in parents[1 - side]:
                    meet = to
                    break
            if meet is not None:
                return _join_path(parents, meet)
            frontiers[side] = nxt
        return None

    def documents_asserting_otherwise(self, docs: list[tuple[str, str, str]]) -> set[str]:
        """Keys of stored Documents whose new version asserts other facts.

        `docs` holds (key, facts_digest, sha256) of the incoming versions; a
        Document stored before digests existed compares its SHA-256 instead.
        """
        if not docs:
            return set()
        return {r["key"] for r in self.query("documents_asserting_otherwise", docs=[list(d) for d in docs])}

    def retract_stale_facts(self, facts_by_doc: dict[str, list[str]]) -> int:
        """Delete what earlier versions of these records asserted and their new versions do not.

        Run before the new version is written: if the load dies in between, the
        stored record still has its old SHA-256, so the next run retracts again.
        Entities that no relationship names any more go with them.  Returns the
        number of relationships deleted.
        """
        if not facts_by_doc:
            return 0
        docs = [{"key": k, "facts": sorted(v)} for k, v in sorted(facts_by_doc.items())]
        rows = self.run_write("retract_stale_facts", docs=docs)
        ends = sorted({r[end] for r in rows for end in ("head", "tail")})
        if ends:
            self.run_write("delete_orphans", keys=ends)
        return len(rows)

    def documents(self, keys: list[str], chunk: int = 1000) -> dict[str, dict[str, Any]]:
        """The source records behind document keys: key → the record's properties.

        A record is a Document node, or a record-event relationship (a plate
        read's SEEN_AT, `schema.RelSpec.record_event`) whose fact id the key
        gives (`model.record_event_fact`);
        then its properties are the relationship's, plus `source` and
        `record_id` read from the key and `event_type`/`event_head`/`event_tail`
        naming the relationship.  Keys that name neither are left out.
        """
        wanted = sorted({k for k in keys if k})
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(wanted), chunk):
            part = wanted[i : i + chunk]
            for r in self.query("documents_by_keys", keys=part):
                out[r["key"]] = dict(r["props"] or {})
            missing = {k for k in part if k not in out}
            if not missing:
                continue
            facts = [record_event_fact(t, k) for k in sorted(missing) for t in RECORD_EVENT_TYPES]
            for r in self.query("record_events_by_facts", facts=facts):
                if r["key"] in out or r["key"] not in missing:
                    continue
                source, record_id = doc_key_parts(r["key"])
                out[r["key"]] = {
                    **(r["props"] or {}),
                    "key": r["key"],
                    "source": source,
                    "record_id": record_id,
                    "event_type": r["type"],
                    "event_head": r["head"],
                    "event_tail": r["tail"],
                }
        return out

    def stats(self) -> dict[str, dict[str, int]]:
        labels = {r["label"]: r["count"] for r in self.query("count_nodes_by_label")}
        rels = {r["type"]: r["count"] for r in self.query("count_relationships_by_type")}
        return {"nodes": dict(sorted(labels.items())), "relationships": dict(sorted(rels.items()))}

    # -- adapter hooks -------------------------------------------------------
    @abc.abstractmethod
    def setup_schema(self) -> None: ...

    @abc.abstractmethod
    def wipe(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def _write(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def _read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    def _read_scalar(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A read whose columns are all strings, integers or nulls (`// reply: scalar`); a store
        with a cheaper reply format for those overrides it."""
        return self._read(cypher, params)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _join_path(parents: list[dict[str, Any]], meet: str) -> dict[str, Any]:
    left: list[tuple[str, dict[str, Any] | None]] = []
    k: str | None = meet
    while k is not None:
        step = parents[0][k]
        left.append((k, step[1] if step else None))
        k = step[0] if step else None
    left.reverse()
    keys = [k for k, _ in left]
    edges = [e for _, e in left[1:]]
    k = meet
    while parents[1][k] is not None:
        prev, edge = parents[1][k]
        keys.append(prev)
        edges.append(edge)
        k = prev
    hops = []
    for i, e in enumerate(edges):
        x, y = keys[i], keys[i + 1]
        tail = y if e["head"] == x else x
        hops.append({"head": e["head"], "type": e["type"], "tail": tail, "props": e["props"]})
    return {"keys": keys, "hops": hops}
