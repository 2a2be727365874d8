"""Neo4j 5 adapter of the store port (`ECOGRAPH_BACKEND=neo4j`).

Connection from the environment: `NEO4J_URI` (e.g. `neo4j://host:7687`),
`NEO4J_USERNAME` (default `neo4j`), `NEO4J_PASSWORD`, `NEO4J_DATABASE`
(default: the server's default database).

Writes are the port's `UNWIND $rows … MERGE` batches, each in a managed
transaction (`session.execute_write`), which the driver retries on transient
errors (deadlocks, leader switches) with back-off.  Reads go through
`execute_read`.  DDL and the batched wipe (`CALL … IN TRANSACTIONS`) must run
in auto-commit transactions, so they use `session.run`.  Every statement this
module can send is linted with Neo4j's own linter in CI
(`graph_schema.store.lint`, `tools/cypher-lint`).
"""

from __future__ import annotations

import os
import time
from typing import Any

from graph_schema.store import budget, dialect
from graph_schema.store.port import GraphStore, StoreError

# Statements of this adapter's own (besides dialect.py and the port); listed so the linter sees them.
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout)"
PING = "RETURN 1 AS ok"
ADAPTER_STATEMENTS = (AWAIT_INDEXES, PING)


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def _plain(value: Any) -> Any:
    """Driver objects → plain Python, the same shapes `falkor._plain` gives."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, (Node, Relationship)):
        return dict(value.items())
    if isinstance(value, Path):
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time.Date/DateTime/Time/Duration
        return value.iso_format()
    return value


def _clean_params(value: Any) -> Any:
    """Same rules as the FalkorDB adapter: a None inside a map means "no property", NaN/inf have no value."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {str(k): _clean_params(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_clean_params(v) for v in value]
    return value


class Neo4jStore(GraphStore):
    dialect = "neo4j"
    read_budget_s = budget.INVESTIGATION_S

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str | None = None,
        *,
        connect_timeout: float = 15.0,
    ) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

        self.uri = uri
        self.database = database or None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=connect_timeout,
                max_transaction_retry_time=30.0,
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"Neo4j 地址无效 / invalid NEO4J_URI {uri!r}: {_one_line(exc)}") from exc
        try:
            self._driver.verify_connectivity()
        except AuthError as exc:
            self._driver.close()
            raise StoreError(
                f"Neo4j 认证失败 / Neo4j authentication failed for user {user!r} at {uri}: check NEO4J_USERNAME/NEO4J_PASSWORD"
            ) from exc
        except (ServiceUnavailable, OSError) as exc:
            self._driver.close()
            raise StoreError(f"无法连接 Neo4j / cannot reach Neo4j at {uri}: {_one_line(exc)}") from exc
        except Neo4jError as exc:
            self._driver.close()
            raise StoreError(f"Neo4j 连接失败 / Neo4j refused the connection at {uri}: {_one_line(exc)}") from exc
        except Exception as exc:  # noqa: BLE001 - any driver failure at connect time is "unreachable" to the user
            self._driver.close()
            raise StoreError(f"无法连接 Neo4j / cannot reach Neo4j at {uri}: {_one_line(exc)}") from exc
        self._schema_ready = False

    @classmethod
    def from_env(cls) -> Neo4jStore:
        uri = os.environ.get("NEO4J_URI", "").strip()
        if not uri:
            raise StoreError("未设置 NEO4J_URI / NEO4J_URI is not set (e.g. neo4j://localhost:7687)")
        return cls(
            uri,
            os.environ.get("NEO4J_USERNAME") or os.environ.get("NEO4J_USER") or "neo4j",
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE") or None,
        )

    # -- plumbing --------------------------------------------------------------
    def _session(self):
        return self._driver.session(database=self.database) if self.database else self._driver.session()

    def _errors(self, exc: Exception, cypher: str, budget_s: float | None = None) -> StoreError:
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

        code = str(getattr(exc, "code", "") or "")
        if budget_s is not None and ("TransactionTimedOut" in code or "Transaction.Terminated" in code):
            return budget.QueryTimeout(budget_s)
        if isinstance(exc, AuthError):
            return StoreError(f"Neo4j 认证失败 / Neo4j authentication failed at {self.uri}")
        if isinstance(exc, (ServiceUnavailable, SessionExpired)):
            return StoreError(f"Neo4j 连接中断 / lost the Neo4j connection at {self.uri}: {_one_line(exc)}")
        if isinstance(exc, Neo4jError):
            code = getattr(exc, "code", "") or ""
            return StoreError(f"查询失败 / query failed: {code} {_one_line(exc)}".replace("  ", " "))
        return StoreError(f"查询失败 / query failed: {_one_line(exc)}")

    @staticmethod
    def _rows(result) -> list[dict[str, Any]]:
        keys = list(result.keys())
        return [dict(zip(keys, (_plain(v) for v in record.values()))) for record in result]

    def _managed(self, cypher: str, params: dict[str, Any], write: bool) -> list[dict[str, Any]]:
        return self._in_transaction(cypher, params, write, self._rows)

    def _in_transaction(self, cypher: str, params: dict[str, Any], write: bool, take):
        """Run `cypher` in a managed (retried) transaction; `take` reads its result inside it.

        A read carries a transaction timeout (see `budget`): the server ends it
        there, whether or not anyone still waits for the answer.
        """
        import neo4j
        from neo4j.exceptions import DriverError, Neo4jError

        clean = _clean_params(params)
        timeout_s, budget_s = (None, None) if write else budget.read_timeout(self.read_budget_s)

        def work(tx):
            return take(tx.run(cypher, clean))

        if timeout_s is not None:
            work = neo4j.unit_of_work(timeout=timeout_s)(work)
        t0 = time.perf_counter()
        try:
            with self._session() as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except (Neo4jError, DriverError) as exc:
            raise self._errors(exc, cypher, budget_s) from exc
        finally:
            budget.record(time.perf_counter() - t0)

    def _autocommit(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """DDL and `CALL … IN TRANSACTIONS` cannot run inside a managed transaction."""
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            with self._session() as session:
                return self._rows(session.run(cypher, _clean_params(params or {})))
        except (Neo4jError, DriverError) as exc:
            raise self._errors(exc, cypher) from exc

    # -- adapter hooks -----------------------------------------------------------
    def _send_encoded(self, payload: tuple[str, dict[str, Any]]) -> tuple[int, int]:
        if not self._schema_ready:
            self.setup_schema()

        def created(result) -> tuple[int, int]:
            counters = result.consume().counters
            return counters.nodes_created, counters.relationships_created

        return self._in_transaction(payload[0], payload[1], True, created)

    def _write(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if not self._schema_ready:
            self.setup_schema()
        return self._managed(cypher, params, write=True)

    def _read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._managed(cypher, params, write=False)

    def read_cypher(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """For the dialect layer's generated reads (shortest path, full-text)."""
        return self._read(cypher, params)

    def setup_schema(self) -> None:
        """Constraints and indexes, idempotent (`IF NOT EXISTS`); waits until they are online."""
        for stmt in dialect.schema_statements(self.dialect):
            self._autocommit(stmt)
        self._autocommit(AWAIT_INDEXES, {"timeout": 300})
        self._schema_ready = True

    def shortest_path(
        self, a: str, b: str, max_hops: int = 4, frontier_limit: int = 20000, step_query: str = "expand_frontier"
    ) -> dict[str, Any] | None:
        """Neo4j's own `shortestPath`, undirected and bounded; same result shape as the port's BFS.

        A caller's own step query (e.g. one that skips rejected links) cannot be
        expressed in `shortestPath`, so it gets the port's breadth-first search.
        """
        if step_query != "expand_frontier":
            return super().shortest_path(a, b, max_hops, frontier_limit, step_query)
        if a == b:
            return {"keys": [a], "hops": []}
        rows = self._read(dialect.shortest_path_cypher(max_hops), {"a": a, "b": b})
        if not rows:
            return None
        row = rows[0]
        keys = row["keys"]
        hops = []
        for i, (typ, props, head) in enumerate(zip(row["types"], row["rels"], row["heads"])):
            x, y = keys[i], keys[i + 1]
            hops.append({"head": head, "type": typ, "tail": y if head == x else x, "props": props})
        return {"keys": keys, "hops": hops}

    def wipe(self) -> None:
        """Delete every node and relationship in batches; constraints and indexes stay."""
        for stmt in dialect.wipe_statements(self.dialect):
            self._autocommit(stmt)
        self.setup_schema()

    def ping(self) -> bool:
        return self._autocommit(PING) == [{"ok": 1}]

    def close(self) -> None:
        try:
            self._driver.close()
        except Exception:  # noqa: BLE001 - closing a dead driver is fine
            pass
