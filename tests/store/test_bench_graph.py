"""The API benchmark's graph (benchmarks/bench_setup.py) has the shape its figures assume:
two hubs of the intended degree, persons of different cases 4 hops apart.  A builder that
drifted would make issue 17's numbers measure another graph."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_setup  # noqa: E402

from graph_schema.store import open_store  # noqa: E402
from investigations.paths import find_paths  # noqa: E402

N = 2000


@pytest.fixture
def graph(data_dir):
    return bench_setup.ensure_graph(data_dir, N, quiet=True)


def test_size_and_hubs(graph, data_dir):
    sh = bench_setup.shape(N)
    assert N <= graph.nodes <= N * 1.01
    assert 2.5 * N <= graph.relationships <= 2.9 * N  # ~2.6 per node, plus the hubs' links
    assert graph.units == sh["units"]
    assert graph.hub_degrees == {
        bench_setup.HUB_CHECKPOINT: sh["hub_degree"],
        bench_setup.HUB_RECEIVER: sh["hub_degree"],
    }
    store = open_store("falkordb", data_dir)
    try:
        # The checkpoint read that many distinct vehicles; the receiver got that many manifests.
        rows = store._read(
            "MATCH (v:Vehicle)-[r:SEEN_AT]->(:Site {key: $k}) RETURN count(r) AS reads, count(DISTINCT v) AS vehicles",
            {"k": bench_setup.HUB_CHECKPOINT},
        )
        assert rows[0]["reads"] == rows[0]["vehicles"] == sh["hub_degree"]
        rows = store._read(
            "MATCH (:Company)-[r:TRANSFERRED_WASTE]->(:Company {key: $k}) RETURN count(DISTINCT r.manifest) AS n",
            {"k": bench_setup.HUB_RECEIVER},
        )
        assert rows[0]["n"] == sh["hub_degree"]
        # A hub stands out: an ordinary site has a handful of links.
        busiest = store._read(
            "MATCH (s:Site) WHERE s.key <> $k RETURN max(size([(s)--() | 1])) AS d", {"k": bench_setup.HUB_CHECKPOINT}
        )[0]["d"]
        assert busiest * 3 < sh["hub_degree"]
    finally:
        store.close()


def test_persons_four_hops_apart(graph, data_dir):
    assert graph.pairs
    a, b = graph.pairs[0]
    assert a.startswith("person:") and b.startswith("person:") and a != b
    store = open_store("falkordb", data_dir)
    try:
        assert not find_paths(store, a, b, max_hops=3, hub_degree=150, budget_s=None).paths
        res = find_paths(store, a, b, max_hops=4, hub_degree=150, budget_s=None)
    finally:
        store.close()
    assert res.paths, res.message
    keys = res.paths[0]["keys"]
    assert len(keys) == 5 and keys[0] == a and keys[-1] == b
    assert keys[1].startswith("vehicle:") and keys[3].startswith("vehicle:")
    assert bench_setup.HUB_CHECKPOINT not in keys  # through an ordinary site or company, not the hub


def test_reuse_keeps_the_graph(graph, data_dir):
    again = bench_setup.ensure_graph(data_dir, N, quiet=True)  # reused, hubs not written twice
    assert (again.nodes, again.relationships, again.hub_degrees) == (
        graph.nodes,
        graph.relationships,
        graph.hub_degrees,
    )


def test_million_node_shape():
    sh = bench_setup.shape(1_000_000)
    assert sh == {"sites": 10_000, "companies": 5_000, "units": 197_000, "hub_degree": 5_000}
