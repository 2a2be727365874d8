"""FalkorDB adapter of the store port (the embedded default).

Speaks FalkorDB's native protocol (GRAPH.QUERY over the Unix socket) through
the `falkordb` client.  Its Bolt endpoint is experimental and was seen to
ignore a rollback and crash under batched MERGE, so it is not used.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import weakref
from pathlib import Path
from typing import Any

import redis
import redis.asyncio
import redis.asyncio.retry
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath
from falkordb.query_result import QueryResult
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph_schema.store import budget, dialect
from graph_schema.store.falkor_results import decode_rows
from graph_schema.store.falkor_server import default_data_dir, ensure_server
from graph_schema.store.port import GraphStore, StoreError
from graph_schema.store.values import UnstorableValue, unstorable_reason

GRAPH_NAME = "ecograph"


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """Client objects → plain Python (dicts/lists), so callers never see adapter types.

    Scalars, most of any answer, return first: resolution reads millions of values."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Node):
        return dict(value.properties)
    if isinstance(value, Edge):
        return dict(value.properties)
    if isinstance(value, FPath):
        return {"nodes": [_plain(n) for n in value.nodes()], "edges": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


_KEY_RE = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)":')
_PARAM_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# One encoder for every parameter: `json.dumps` with options builds a new one per call.
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_CTRL_ESCAPE_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\u(00[01][0-9a-fA-F]|007[fF])")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _raw_control(m: re.Match[str]) -> str:
    code = int(m.group(2), 16)
    if code == 0:  # no literal holds it: sent raw it ends the query text, as `\u0000` it stays six characters
        raise UnstorableValue(unstorable_reason("\x00") or "NUL")
    return m.group(1) + chr(code)


def params_header(params: dict[str, Any]) -> str:
    """Render parameters as FalkorDB's `CYPHER k=v …` header, fast.

    The client's renderer walks every value in Python, which dominated bulk
    writes.  Here the C JSON encoder does the work and two regular expressions
    turn JSON into a Cypher literal: map keys (always our own identifiers) get
    backticks — `"name":` with both quotes unescaped can only be a key, since
    quotes inside JSON strings are escaped and only keys are followed by `:` — and `\\u00XX` escapes of control characters, which
    FalkorDB does not decode, become the raw characters.  Strings are data:
    whatever they contain stays inside a quoted literal.  The two kinds of
    string no literal can carry (NUL, lone surrogates: `graph_schema.store.values`)
    raise `UnstorableValue` instead of reaching the server as another query.
    """
    parts = []
    for name, value in params.items():
        if _PARAM_NAME_RE.fullmatch(name) is None:
            raise StoreError(f"bad parameter name {name!r}")
        try:
            text = _to_json(value)
        except (TypeError, ValueError):
            text = _to_json(_jsonable(value))
        # positional rows carry no map keys; skip the scan when no `":` occurs at all
        for key in set(_KEY_RE.findall(text)) if '":' in text else ():
            text = text.replace(f'"{key}":', f"`{key}`:")
        if "\\u00" in text or "\\u007" in text:
            text = _CTRL_ESCAPE_RE.sub(_raw_control, text)
        bad = _SURROGATE_RE.search(text)
        if bad is not None:
            raise UnstorableValue(f"parameter {name}: " + (unstorable_reason(bad.group()) or "surrogate"))
        parts.append(f"{name}={text}")
    return "CYPHER " + " ".join(parts) + " "


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# A server that has not answered one command in this long is hung, not busy: a read is cut by its own
# budget (FalkorDB's TIMEOUT) long before, and the largest write batch takes seconds.  Seen once
# (2026-12-07, FalkorDB 4.16.3): a fresh server deadlocked on its global lock and answered nothing,
# not even PING, and the client waited for ever.  Now the command fails with a clear error.
SERVER_REPLY_TIMEOUT_S = 900.0

# FalkorDB's error for an entity whose attribute set is not allocated (`GraphEntity_GetProperty`):
# on a read, transient (see `FalkorStore._read_again`)
_TRANSIENT_READ_ERROR = "Attempted to access undefined attribute"
# How long opening the store waits for the server to rebuild its indexes after loading
# (`FalkorStore._wait_for_indexes`); a large graph's full-text indexes take a while.
INDEX_BUILD_TIMEOUT_S = 3600.0


def _hung(exc: Exception) -> StoreError:
    return StoreError(
        f"图数据库 {SERVER_REPLY_TIMEOUT_S:.0f} 秒无响应 / FalkorDB did not answer within "
        f"{SERVER_REPLY_TIMEOUT_S:.0f} s (server hung?): {exc}"
    )


def _checked(reply: list[Any]) -> list[Any]:
    """The reply, or the failure the server reports inside it, first or last (as QueryResult reads it)."""
    if reply and isinstance(reply[0], redis.exceptions.ResponseError):
        raise reply[0]
    if reply and isinstance(reply[-1], redis.exceptions.ResponseError):
        raise reply[-1]
    return reply


class FalkorStore(GraphStore):
    dialect = "falkordb"
    read_budget_s = budget.INVESTIGATION_S

    def __init__(self, data_dir: Path | None = None, graph_name: str = GRAPH_NAME) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.graph_name = graph_name
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis] = (
            weakref.WeakKeyDictionary()
        )
        self.started_server = self._connect()
        self._schema_ready = False

    def _connect(self) -> bool:
        """(Re)start the embedded server if none answers, and connect; True when we started it."""
        try:
            sock, started = ensure_server(self.data_dir)
        except RuntimeError as exc:
            raise StoreError(str(exc)) from exc
        self._sock = sock
        # No retries in the client (redis-py 8 retries a command 10 times, backing off, on a
        # timeout or a lost connection): a hung server would hold a command for eleven reply
        # timeouts, and a dead one is restarted by `_execute`, which asks once more itself.
        self._db = FalkorDB(
            unix_socket_path=str(sock), socket_timeout=SERVER_REPLY_TIMEOUT_S, retry=Retry(NoBackoff(), 0)
        )
        self._graph = self._db.select_graph(self.graph_name)
        self._wait_for_indexes(time.monotonic() + INDEX_BUILD_TIMEOUT_S)
        return started

    def _wait_for_indexes(self, deadline: float) -> None:
        """Return once no index of the graph is under construction.

        *Why*: a server that has just loaded its files rebuilds every index in the background,
        and until a full-text index is built a name search finds nothing, without an error
        (seen on the demo store: the first searches after a restart answered no hits).  An
        analyst would take that for "no such person"; opening the store waits instead."""
        while True:
            try:  # the raw round trip: `_execute` would reconnect, and reconnecting waits here
                reply = self._raw_reply("CALL db.indexes() YIELD status RETURN status", True, None, compact=False)
            except redis.exceptions.ResponseError:
                return  # no graph yet (nothing ingested): no index to wait for
            statuses = [str(r["status"]) for r in self._decode(reply, compact=False)]
            building = [status for status in statuses if "UNDER CONSTRUCTION" in status.upper()]
            if not building:
                return
            if time.monotonic() > deadline:
                raise StoreError(
                    "图数据库仍在重建索引，请稍后再试 / FalkorDB is still building its indexes; try again shortly: "
                    + ", ".join(map(str, building[:3]))
                )
            time.sleep(0.05)

    # -- adapter hooks -------------------------------------------------------
    def _execute(self, text: str, read_only: bool, compact: bool = True) -> list[Any]:
        """One round trip; a read carries FalkorDB's per-query `TIMEOUT` (see `budget`).

        Returns the compact reply itself (errors raised as the client raises them): reads
        decode it with `falkor_results.decode_rows`, writes read its statistics through the
        client's `QueryResult`."""
        timeout_s, budget_s = budget.read_timeout(self.read_budget_s) if read_only else (None, None)
        t0 = time.perf_counter()
        try:
            ms = None if timeout_s is None else max(1, int(timeout_s * 1000))
            return self._raw_reply(text, read_only, ms, compact)
        except redis.exceptions.ResponseError as exc:
            if "timed out" in str(exc).lower() and budget_s is not None:
                raise budget.QueryTimeout(budget_s) from exc
            if read_only and _TRANSIENT_READ_ERROR in str(exc):
                return self._read_again(text, ms, compact, exc)
            raise StoreError(f"查询失败 / query failed: {exc}") from exc
        except redis.exceptions.TimeoutError as exc:
            raise _hung(exc) from exc
        except redis.exceptions.ConnectionError as exc:
            # The embedded server died (killed, OOM, a reboot of its host process): start it
            # again from its files and, for a read, ask once more.  A write is not repeated
            # here (it may have applied); the caller sees the error and the next call works.
            try:
                self._connect()
            except StoreError:
                raise StoreError(f"图数据库连接中断且无法重启 / lost the FalkorDB connection: {exc}") from exc
            if not read_only:
                raise StoreError(f"图数据库连接中断，已重启，请重试 / lost the FalkorDB connection: {exc}") from exc
            try:
                return self._raw_reply(text, True, None, compact)
            except redis.exceptions.RedisError as again:
                raise StoreError(f"图数据库连接中断 / lost the FalkorDB connection: {again}") from again
        finally:
            budget.record(time.perf_counter() - t0)

    def _read_again(self, text: str, timeout_ms: int | None, compact: bool, first: Exception) -> list[Any]:
        """A read the engine failed on an entity without its attribute set, asked once more.

        Seen once in an evaluation run (2026-12-07): one of three whole-graph reads run at once
        (`res_person_doc_vehicles`) right after resolution's merges deleted nodes failed with
        "Attempted to access undefined attribute"; the same run repeated passed.  FalkorDB raises
        it for an entity whose attribute set is not allocated — a deleted node still listed,
        for a moment, where the read looked.  A read changes nothing, so asking again is safe;
        a second failure is the caller's error."""
        time.sleep(0.05)
        try:
            return self._raw_reply(text, True, timeout_ms, compact)
        except redis.exceptions.ResponseError as again:
            raise StoreError(f"查询失败 / query failed: {again}") from first

    def _command(self, text: str, read_only: bool, timeout_ms: int | None, compact: bool) -> list[Any]:
        """GRAPH.QUERY / GRAPH.RO_QUERY in compact form, as `falkordb.Graph._query` sends it, or
        (`compact=False`) in the plain form: each value as itself, without its type."""
        command: list[Any] = ["GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", self.graph_name, text]
        if compact:
            command.append("--compact")
        if timeout_ms is not None:
            command += ["timeout", timeout_ms]
        return command

    def _raw_reply(self, text: str, read_only: bool, timeout_ms: int | None, compact: bool = True) -> list[Any]:
        return _checked(self._graph.execute_command(*self._command(text, read_only, timeout_ms, compact)))

    def _run(self, cypher: str, params: dict[str, Any], read_only: bool, compact: bool = True) -> list[dict[str, Any]]:
        return self._decode(
            self._execute((params_header(params) if params else "") + cypher, read_only, compact), compact
        )

    def _decode(self, reply: list[Any], compact: bool) -> list[dict[str, Any]]:
        """Rows of a reply: plain, compact decoded here, or by the client (`_client_rows`)."""
        if not compact:  # plain reply: [names, rows, statistics], each value as itself
            if len(reply) < 3:
                return []
            names = [h if isinstance(h, str) else h.decode() for h in reply[0]]
            return [dict(zip(names, row)) for row in reply[1]]
        rows = decode_rows(reply)
        return rows if rows is not None else self._client_rows(reply)

    def _client_rows(self, reply: list[Any]) -> list[dict[str, Any]]:
        """A compact reply `decode_rows` cannot read alone (nodes, edges, paths): the client
        knows their schema, and may ask the server for label and property names."""
        res = QueryResult(self._graph, reply)
        header = [h[1] if isinstance(h, (list, tuple)) else h for h in (res.header or [])]
        return [dict(zip(header, (_plain(v) for v in row))) for row in res.result_set]

    def _encode(self, cypher: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # Render the CYPHER header here, on the preparing thread; sending is then pure I/O.
        return (params_header(params) if params else "") + cypher, {}

    def _send_encoded(self, payload: tuple[str, dict[str, Any]]) -> tuple[int, int]:
        if not self._schema_ready:
            self.setup_schema()
        res = QueryResult(self._graph, self._execute(payload[0], read_only=False))
        return int(res.nodes_created), int(res.relationships_created)  # the client parses them as floats

    def _write(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if not self._schema_ready:
            self.setup_schema()
        return self._run(cypher, params, read_only=False)

    def _read(self, cypher: str, params: dict[str, Any], compact: bool = True) -> list[dict[str, Any]]:
        try:
            return self._run(cypher, params, read_only=True, compact=compact)
        except StoreError as exc:
            if "Invalid graph operation on empty key" in str(exc) or "empty key" in str(exc):
                return []  # nothing ingested yet
            raise

    def _read_scalar(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A read of strings, integers and nulls in FalkorDB's plain reply (`[names, rows,
        statistics]`, each value as itself): the compact reply's `[type, value]` pair per cell
        cost a name search (200 candidates × 7 columns) 0.6 ms more client CPU to parse and
        decode, and the server 0.7 ms more to write.  Doubles, booleans, lists and maps come
        as text in that form, so only queries marked `// reply: scalar` use it."""
        return self._read(cypher, params, compact=False)

    def read_cypher(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """For the dialect layer's generated reads (shortest path, full-text)."""
        return self._read(cypher, params)

    async def _aread(self, cypher: str, params: dict[str, Any], scalar: bool) -> list[dict[str, Any]]:
        """One read awaited on the running loop through redis' asyncio client (one per loop).

        The same command, time budget and errors as the blocking read.  What the blocking
        path knows how to recover from — a lost connection (it restarts the embedded server
        and asks again), FalkorDB's transient read error, a reply holding nodes whose label
        names the client must fetch — is handed to it, on a worker thread."""
        compact = not scalar
        timeout_s, budget_s = budget.read_timeout(self.read_budget_s)
        ms = None if timeout_s is None else max(1, int(timeout_s * 1000))
        text = (params_header(params) if params else "") + cypher
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(SERVER_REPLY_TIMEOUT_S):  # the client has no socket timeout
                reply = _checked(await self._async_client().execute_command(*self._command(text, True, ms, compact)))
        except redis.exceptions.ResponseError as exc:
            budget.record(time.perf_counter() - t0)
            msg = str(exc)
            if "timed out" in msg.lower() and budget_s is not None:
                raise budget.QueryTimeout(budget_s) from exc
            if "empty key" in msg:
                return []  # nothing ingested yet
            if _TRANSIENT_READ_ERROR not in msg:
                raise StoreError(f"查询失败 / query failed: {exc}") from exc
            return await super()._aread(cypher, params, scalar)
        except (redis.exceptions.TimeoutError, TimeoutError) as exc:  # TimeoutError: before OSError, its base
            raise _hung(exc) from exc  # not asked again: a hung server would hold it as long once more
        except (redis.exceptions.ConnectionError, OSError):
            return await super()._aread(cypher, params, scalar)
        budget.record(time.perf_counter() - t0)
        rows = decode_rows(reply) if compact else self._decode(reply, compact)
        if rows is not None:
            return rows
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self._client_rows, reply)  # it may ask the server: not on the loop

    def _async_client(self) -> redis.asyncio.Redis:
        """This loop's asyncio client of the server (a client belongs to the loop it was made on)."""
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            # No socket timeout here: with one, the client wraps every send in `asyncio.wait_for`,
            # a task and two more turns of the loop per command (~22 µs of CPU of ~90 a read);
            # `_aread` bounds the whole command by `SERVER_REPLY_TIMEOUT_S` with `asyncio.timeout`.
            client = self._async_clients[loop] = redis.asyncio.Redis(
                unix_socket_path=str(self._sock),
                decode_responses=True,
                socket_timeout=None,  # said outright: redis-py's default is 5 s, shorter than an analysis read
                retry=redis.asyncio.retry.Retry(NoBackoff(), 0),  # as the blocking client (`_connect`)
            )
        return client

    def explain(self, cypher: str, params: dict[str, Any]) -> list[str]:
        """FalkorDB's execution plan of a statement (`GRAPH.EXPLAIN`: planned, not run), one
        operation per line, children indented below their parent and run before it."""
        text = (params_header(params) if params else "") + cypher
        try:
            plan = self._db.connection.execute_command("GRAPH.EXPLAIN", self.graph_name, text)
        except redis.exceptions.ResponseError as exc:
            raise StoreError(f"查询计划失败 / explain failed: {exc}") from exc
        return [line.decode() if isinstance(line, bytes) else str(line) for line in plan]

    def setup_schema(self) -> None:
        existing = self._existing_indexes()
        for stmt in dialect.schema_statements(self.dialect):
            if _index_signature(stmt) in existing:
                continue
            self._try(stmt)
        for stmt in dialect.falkor_fulltext_statements():
            self._try(stmt)
        self._schema_ready = True

    def _existing_indexes(self) -> set[tuple[str, str]]:
        try:
            rows = self._run("CALL db.indexes() YIELD label, properties RETURN label, properties", {}, True)
        except StoreError:
            return set()
        return {(r["label"], p) for r in rows for p in (r["properties"] or [])}

    def _try(self, stmt: str) -> None:
        try:
            self._graph.query(stmt)
        except redis.exceptions.ResponseError as exc:
            msg = str(exc).lower()
            if "already" not in msg and "exists" not in msg:
                raise StoreError(f"建立索引失败 / schema setup failed: {stmt}: {exc}") from exc

    def wipe(self) -> None:
        try:
            self._graph.delete()
        except redis.exceptions.ResponseError:
            pass  # graph did not exist
        self._schema_ready = False
        self.setup_schema()

    def close(self) -> None:
        try:
            self._db.connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection is fine
            pass


def _index_signature(stmt: str) -> tuple[str, str] | None:
    import re

    m = re.match(r"CREATE INDEX FOR (?:\(n:(\w+)\)|\(\)-\[r:(\w+)\]-\(\)) ON \([nr]\.(\w+)\)", stmt)
    return (m.group(1) or m.group(2), m.group(3)) if m else None
