"""Reads awaited on an event loop (`GraphStore.aquery`) and plans run by either driver
(`graph_schema.store.plans`): the same rows, budgets, timing and recovery as the blocking reads."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.model import GraphBatch, Provenance
from graph_schema.store import QueryTimeout, StoreError, budget, deadline, open_store
from graph_schema.store.falkor_server import server_pid, stop_server
from graph_schema.store.plans import Read, arun_plan, run_plan
from investigations import explore, paths

NODE = "MATCH (n:Person {key: $k}) RETURN n"
SLOW = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y WITH x, y WHERE x * y = -1 RETURN count(*) AS n"


def _batch() -> GraphBatch:
    b = GraphBatch()
    b.add_node("person:330502198001011234", name="俞海波", id_card="330502198001011234")
    b.add_node("person:王海波@doc:case:X1", name="王海波")
    b.add_node("company:长兴恒泰精细化工有限公司", name="长兴恒泰精细化工有限公司")
    b.add_rel("DRIVES", "person:王海波@doc:case:X1", "vehicle:浙E3K821", Provenance(doc="doc:case:X1", method="rule"))
    b.add_rel("SEEN_AT", "vehicle:浙E3K821", "site:KK1", Provenance(doc="doc:anpr:1", method="structured"))
    return b


def test_awaited_reads_give_the_blocking_reads_rows(store, run_async):
    store.write_batch(_batch())

    async def both():
        scalar = await store.aquery("inv_search_props", keys=["person:王海波@doc:case:X1"])  # compact (a map)
        search = await explore.asearch_entities(store, "海波")
        near = await explore.aneighbours(store, "vehicle:浙E3K821", hops=2)
        node = await store.aread_cypher(NODE, {"k": "person:王海波@doc:case:X1"})  # decoded by the client
        return scalar, search, near, node

    scalar, search, near, node = run_async(both())
    assert node == store.read_cypher(NODE, {"k": "person:王海波@doc:case:X1"}) and len(node) == 1
    assert scalar == store.query("inv_search_props", keys=["person:王海波@doc:case:X1"])
    assert scalar[0]["props"]["name"] == "王海波"
    assert search.to_dict() == explore.search_entities(store, "海波").to_dict()
    assert {h.key for h in search.hits} >= {"person:330502198001011234", "person:王海波@doc:case:X1"}
    assert near.to_dict() == explore.neighbours(store, "vehicle:浙E3K821", hops=2).to_dict()
    assert {n["key"] for n in near.nodes} == {"vehicle:浙E3K821", "person:王海波@doc:case:X1", "site:KK1"}


def test_an_awaited_path_search_answers_as_the_blocking_one(store, run_async):
    """Paths are a plan too (investigations.paths): the API awaits a shortest path's reads on the
    event loop, and alternatives run on a worker thread; each answers what the CLI's blocking
    call answers, unknown keys included."""
    store.write_batch(_batch())
    a, b = "person:王海波@doc:case:X1", "site:KK1"

    async def awaited():
        shortest = await paths.afind_paths(store, a, b, max_hops=4)
        alternatives = await paths.afind_paths(store, a, b, max_hops=4, alternatives=True, limit=5)
        try:
            await paths.afind_paths(store, a, "person:nobody", max_hops=4)
        except ValueError as exc:
            return shortest, alternatives, str(exc)
        return shortest, alternatives, None

    shortest, alternatives, unknown = run_async(awaited())
    assert shortest.paths and shortest.paths[0]["keys"] == [a, "vehicle:浙E3K821", b]
    assert shortest.to_dict() == explore.find_paths(store, a, b, max_hops=4).to_dict()
    assert alternatives.to_dict() == explore.find_paths(store, a, b, max_hops=4, all_simple=True, limit=5).to_dict()
    assert unknown is not None and "person:nobody" in unknown


def test_awaited_reads_keep_the_deadline_timing_and_errors(store, run_async):
    store.write_batch(_batch())

    async def slow():
        with deadline(0.3):
            await store.aread_cypher(SLOW, {})

    t0 = time.monotonic()
    with pytest.raises(QueryTimeout) as err:
        run_async(slow())
    assert time.monotonic() - t0 < 2.0 and err.value.budget_s == pytest.approx(0.3)

    async def timed():
        with budget.timing() as t:
            await store.aquery("inv_search_props", keys=["person:王海波@doc:case:X1"])
            await store.aquery("inv_search_props", keys=[])
        return t

    t = run_async(timed())
    assert t.queries == 2 and t.seconds > 0
    with pytest.raises(StoreError) as bad:
        run_async(store.aread_cypher("MATCH (n RETURN n", {}))
    assert "查询失败" in str(bad.value)
    with pytest.raises(ValueError, match="找不到实体"):
        run_async(explore.aneighbours(store, "vehicle:浙X00000"))


def test_an_awaited_read_restarts_a_killed_server(tmp_path, run_async):
    """The API's loop holds its asyncio connections for its life: when the embedded server dies
    under them, the next awaited read starts it again and answers (as a blocking read does)."""
    data_dir = tmp_path / "d"
    try:
        store = open_store(data_dir=data_dir)
        store.write_batch(_batch())
        time.sleep(1.5)  # appendfsync everysec

        async def reads():
            first = await store.aquery("inv_search_props", keys=["person:王海波@doc:case:X1"])
            old = server_pid(data_dir)
            os.kill(old, signal.SIGKILL)
            end = time.monotonic() + 10
            while server_pid(data_dir) == old and time.monotonic() < end:
                await asyncio.sleep(0.05)
            again = await store.aquery("inv_search_props", keys=["person:王海波@doc:case:X1"])
            return old, first, again

        old, first, again = run_async(reads())
        assert again == first and first
        assert server_pid(data_dir) not in (None, old)
        store.close()
    finally:
        stop_server(data_dir)


class _ScriptedStore:
    """Answers named reads from a dict; a name mapped to an exception raises it."""

    def __init__(self, answers):
        self.answers, self.asked = answers, []

    def _answer(self, name):
        self.asked.append(name)
        a = self.answers[name]
        if isinstance(a, Exception):
            raise a
        return a

    def query(self, name, **params):
        return self._answer(name)

    async def aquery(self, name, **params):
        await asyncio.sleep(0)
        return self._answer(name)


def _plan_with_fallback():
    """Asks `first`; when the store refuses it, asks `fallback` instead."""
    try:
        rows = yield Read("first")
    except StoreError:
        rows = yield Read("fallback")
    more = yield Read("second")
    return [r["k"] for r in rows + more]


@pytest.mark.parametrize("driver", ["blocking", "asyncio"])
def test_a_plan_sees_store_errors_where_it_asked_and_both_drivers_agree(driver, run_async):
    def run(answers):
        s = _ScriptedStore(answers)
        plan = _plan_with_fallback()
        out = run_plan(s, plan) if driver == "blocking" else run_async(arun_plan(s, plan))
        return out, s.asked

    ok = {"first": [{"k": 1}], "fallback": [{"k": 9}], "second": [{"k": 2}]}
    assert run(ok) == ([1, 2], ["first", "second"])
    refused = {**ok, "first": StoreError("no such index")}
    assert run(refused) == ([9, 2], ["first", "fallback", "second"])
    with pytest.raises(StoreError, match="down"):
        run({**ok, "second": StoreError("down")})  # not handled by the plan: the caller's error


def test_a_hung_server_fails_an_awaited_read_once_with_a_clear_error(data_dir, run_async, monkeypatch):
    """A server that answers nothing (seen once: a deadlock on its global lock) fails the read
    after the reply timeout, awaited as blocking, and is not asked the same read again (which
    would hold the request as long once more)."""
    from graph_schema.store import falkor

    monkeypatch.setattr(falkor, "SERVER_REPLY_TIMEOUT_S", 0.5)
    store = open_store(data_dir=data_dir)
    store.write_batch(_batch())

    async def client_timeout():
        return store._async_client().connection_pool.connection_kwargs.get("socket_timeout")

    assert run_async(client_timeout()) is None  # the bound is the read's own (asyncio.timeout), not a wait_for a send
    pid = server_pid(data_dir)
    os.kill(pid, signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="无响应"):
            run_async(store.aquery("inv_search_props", keys=["person:王海波@doc:case:X1"]))
        assert time.monotonic() - t0 < 1.5
        with pytest.raises(StoreError, match="无响应"):
            store.query("inv_search_props", keys=["person:王海波@doc:case:X1"])
    finally:
        os.kill(pid, signal.SIGCONT)
    store.close()
