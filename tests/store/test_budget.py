"""Time budgets are enforced by the store itself, on every backend (graph_schema/store/budget.py)."""

from __future__ import annotations

import time

import pytest

from graph_schema.model import GraphBatch
from graph_schema.store import QueryTimeout, budget, deadline

# A cartesian product the store evaluates row by row for seconds (25M rows), in the common subset.
SLOW = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y WITH x, y WHERE x * y = -1 RETURN count(*) AS n"


def _one_node(store) -> None:
    b = GraphBatch()
    b.add_node("site:卡口A", name="卡口A")
    store.write_batch(b)


def _running_queries(store) -> list:
    """Queries the FalkorDB server is executing right now (GRAPH.INFO)."""
    info = store._db.connection.execute_command("GRAPH.INFO", "RunningQueries")
    return list(info[1])


def test_query_over_its_deadline_is_stopped_by_the_store(store):
    _one_node(store)
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout) as err, deadline(0.3):
        store.read_cypher(SLOW, {})
    elapsed = time.monotonic() - t0
    assert elapsed < 2.0, elapsed  # the store ended it at its budget, not after the 25M rows
    assert err.value.budget_s == pytest.approx(0.3)
    assert "查询超出时间预算 (0.3 秒)" in str(err.value)
    if store.dialect == "falkordb":
        assert _running_queries(store) == []  # nothing left running in the server


def test_store_default_budget_bounds_reads_outside_any_deadline(store):
    _one_node(store)
    store.read_budget_s = 0.2
    try:
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout):
            store.read_cypher(SLOW, {})
        assert time.monotonic() - t0 < 2.0
    finally:
        del store.read_budget_s  # back to the class default
    assert store.read_budget_s == budget.INVESTIGATION_S


def test_reads_within_budget_and_writes_are_untouched(store):
    _one_node(store)
    with deadline(5):
        assert store.query("node_by_key", key="site:卡口A")[0]["key"] == "site:卡口A"
        b = GraphBatch()
        b.add_node("site:卡口B", name="卡口B")
        assert store.write_batch(b)["nodes_created"] == 1


def test_spent_deadline_sends_nothing_and_inner_deadline_only_shortens(store):
    _one_node(store)
    with deadline(0.05):
        time.sleep(0.06)
        with pytest.raises(QueryTimeout):
            budget.check()
        with pytest.raises(QueryTimeout):
            store.query("node_by_key", key="site:卡口A")
    with deadline(0.05), deadline(60):  # the inner, longer budget does not extend the outer one
        time.sleep(0.06)
        with pytest.raises(QueryTimeout) as err:
            budget.check()
        assert err.value.budget_s == pytest.approx(0.05)


def test_store_time_is_recorded_per_block(store):
    _one_node(store)
    with budget.timing() as t:
        store.query("node_by_key", key="site:卡口A")
        store.query("node_by_key", key="site:卡口A")
    assert t.queries == 2 and t.seconds > 0


def test_reads_run_together_keep_order_timing_and_deadline(store):
    """`query_many` runs reads on threads: answers in the order asked, store time counted in
    the caller's block, and the caller's deadline still bounds each read."""
    b = GraphBatch()
    b.add_node("site:卡口A", name="卡口A")
    b.add_node("person:P1", name="王某")
    store.write_batch(b)
    with budget.timing() as t:
        site, person, none = store.query_many(
            ("node_by_key", {"key": "site:卡口A"}),
            ("node_by_key", {"key": "person:P1"}),
            ("node_by_key", {"key": "x:y"}),
        )
    assert [r["key"] for r in site] == ["site:卡口A"] and [r["key"] for r in person] == ["person:P1"]
    assert none == [] and t.queries == 3
    with deadline(0.05):
        time.sleep(0.06)
        with pytest.raises(QueryTimeout):
            store.query_many(("node_by_key", {"key": "site:卡口A"}), ("node_by_key", {"key": "person:P1"}))
