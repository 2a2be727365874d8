"""Time budgets for store reads, enforced by the store itself, and per-request store timing.

Why in the store: a query the client gives up on keeps running in the database
(a request cancelled by the browser, a worker thread nobody waits for).  Only a
timeout the store enforces — FalkorDB's per-query `TIMEOUT` (milliseconds, on
`GRAPH.RO_QUERY`), Neo4j's transaction timeout (`unit_of_work(timeout=…)`) —
ends it.  Every read gets one: the remaining time of the innermost `deadline`
(an API request, a path search), else the store's own default for its kind of
work (`GraphStore.read_budget_s`).  Writes are not bounded: a batch cut off
half-way would leave the caller unsure what was stored (FalkorDB does not abort
writes on timeout anyway).

Python loops between queries (path enumeration, breadth-first steps) call
`check()` so they stop at the same deadline.  The deadline lives in a context
variable: Starlette copies the context into the worker thread of a request, so
each request has its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from graph_schema.store.port import StoreError

# Default budgets (seconds) per kind of work; None: unbounded.
INTERACTIVE_S = 5.0  # one API request (search, neighbours, entity, timeline …)
PATH_S = 1.5  # a path search inside a request: answers within 2 s, found or not
ANALYSIS_S = 60.0  # an API request that runs a whole-graph analysis (gang detection, chains, upstream, export)
INVESTIGATION_S = 600.0  # CLI and batch investigations (gangs, chains, alerts) over the whole graph
WRITE_S: float | None = None


def _fmt(seconds: float) -> str:
    return f"{seconds:g}"


class QueryTimeout(StoreError):
    """A read ran past its time budget and the store ended it."""

    def __init__(self, budget_s: float, detail: str = "") -> None:
        self.budget_s = float(budget_s)
        self.detail = detail
        super().__init__(
            f"查询超出时间预算 ({_fmt(self.budget_s)} 秒)，已在数据库中终止；请缩小范围（更少跳数、更具体的实体）后重试"
            f" / query exceeded its time budget of {_fmt(self.budget_s)} s and was stopped"
            + (f" ({detail})" if detail else "")
        )


@dataclass
class _Deadline:
    at: float  # time.monotonic() when the budget runs out
    budget_s: float  # the budget as given, for messages


_DEADLINE: ContextVar[_Deadline | None] = ContextVar("ecograph_deadline", default=None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Every store read (and `check()`) inside ends within `seconds` from now.

    Nested deadlines keep the earlier end: an inner budget can shorten an
    outer one, never extend it.  `None` adds no bound.
    """
    if seconds is None:
        yield
        return
    outer = _DEADLINE.get()
    mine = _Deadline(time.monotonic() + float(seconds), float(seconds))
    token = _DEADLINE.set(mine if outer is None or mine.at < outer.at else outer)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current() -> _Deadline | None:
    return _DEADLINE.get()


def check() -> None:
    """Raise `QueryTimeout` when the current deadline has passed (for loops in Python)."""
    d = _DEADLINE.get()
    if d is not None and time.monotonic() >= d.at:
        raise QueryTimeout(d.budget_s)


def read_timeout(default_s: float | None) -> tuple[float | None, float | None]:
    """(seconds the store may spend on the next read, budget to name if it runs out).

    The smaller of the deadline's remaining time and the store's default.
    Raises `QueryTimeout` when nothing is left, so no query is even sent.
    """
    d = _DEADLINE.get()
    if d is None:
        return default_s, default_s
    left = d.at - time.monotonic()
    if left <= 0.001:
        raise QueryTimeout(d.budget_s)
    if default_s is not None and default_s < left:
        return default_s, default_s
    return left, d.budget_s


# --------------------------------------------------------------------------- timing


@dataclass
class StoreTiming:
    """Wall time spent waiting on the store, and round trips, within one `timing()` block."""

    seconds: float = 0.0
    queries: int = 0


_TIMING: ContextVar[StoreTiming | None] = ContextVar("ecograph_store_timing", default=None)


@contextmanager
def timing() -> Iterator[StoreTiming]:
    """Collect store time for the code inside (the API's per-request profile)."""
    t = StoreTiming()
    token = _TIMING.set(t)
    try:
        yield t
    finally:
        _TIMING.reset(token)


def record(seconds: float) -> None:
    """Adapters call this after every round trip."""
    t = _TIMING.get()
    if t is not None:
        t.seconds += seconds
        t.queries += 1
