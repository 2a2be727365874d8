"""Reads written once, run by a blocking or an asyncio driver ("sans-IO" plans).

Why: the API serves its hot routes (name search, neighbours) on the event loop, awaiting
the store, because a worker thread per request cost each of them a thread hand-off and
GIL contention among ~25 threads per worker.  The CLI and the analyses call the same
functions and block.  Writing each such function twice would let the two drift; instead
the function is written once as a generator that yields the reads it needs (`Read`) and
receives their rows, and a driver runs it: `run_plan` with `GraphStore.query`,
`arun_plan` with `GraphStore.aquery`.  A store error is thrown into the plan at the
`yield` that asked for the read, so a plan handles it where a blocking function would.

Examples
--------
>>> def count_people(person_name):
...     rows = yield Read("people_named", {"person": person_name})
...     return len(rows)
>>> class FakeStore:
...     def query(self, name, **params):
...         return [{"key": "person:1"}, {"key": "person:2"}]
>>> run_plan(FakeStore(), count_people("王伟"))
2
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from graph_schema.store.port import StoreError

if TYPE_CHECKING:
    from graph_schema.store.port import GraphStore

__all__ = ["Read", "Plan", "run_plan", "arun_plan"]

T = TypeVar("T")


@dataclass(frozen=True)
class Read:
    """One read a plan needs: a named query (`name`), or, for the dialect layer's generated
    statements (full text per label, shortest path), the Cypher text itself (`cypher`)."""

    name: str | None
    params: dict[str, Any] = field(default_factory=dict)
    cypher: str | None = None


Plan = Generator[Read, list[dict[str, Any]], T]


@dataclass(frozen=True)
class _Done:
    value: Any


def _next_read(plan: Plan[Any], rows: list[dict[str, Any]] | None, error: StoreError | None) -> Read | _Done:
    """The plan's next read, given the last one's rows or error; `_Done` with its value once it returns."""
    try:
        return plan.throw(error) if error is not None else plan.send(rows)  # type: ignore[arg-type]
    except StopIteration as done:
        return _Done(done.value)


def run_plan(store: GraphStore, plan: Plan[T]) -> T:
    """Run `plan`, each read through the store's blocking calls; return the plan's value."""
    step = _next_read(plan, None, None)
    while isinstance(step, Read):
        try:
            rows, error = (store.read_cypher(step.cypher, step.params) if step.cypher
                           else store.query(step.name, **step.params)), None  # fmt: skip
        except StoreError as exc:
            rows, error = None, exc
        step = _next_read(plan, rows, error)
    return step.value


async def arun_plan(store: GraphStore, plan: Plan[T]) -> T:
    """Run `plan` on the running event loop, each read awaited (`GraphStore.aquery`)."""
    step = _next_read(plan, None, None)
    while isinstance(step, Read):
        try:
            rows, error = (await store.aread_cypher(step.cypher, step.params) if step.cypher
                           else await store.aquery(step.name, **step.params)), None  # fmt: skip
        except StoreError as exc:
            rows, error = None, exc
        step = _next_read(plan, rows, error)
    return step.value
