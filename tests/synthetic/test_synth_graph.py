from __future__ import annotations

from synthetic import planted_coffending_graph


def test_planted_groups():
    g, truth = planted_coffending_graph(5000, seed=3)
    assert g.number_of_nodes() == 5000
    groups = truth["groups"]
    assert len(groups) > 100
    seen = set()
    for gr in groups:
        ms = gr["members"]
        assert 3 <= len(ms) <= 12
        assert not seen & set(ms)
        seen |= set(ms)
        sub = g.subgraph(ms)
        assert sum(1 for _ in __import__("networkx").connected_components(sub)) == 1
        strength = {m: sub.degree(m, weight="weight") for m in ms}
        assert strength[gr["leader"]] == max(strength.values())
        assert all(g.nodes[m]["group"] == gr["id"] for m in ms)


def test_deterministic():
    a, ta = planted_coffending_graph(2000, seed=9)
    b, tb = planted_coffending_graph(2000, seed=9)
    assert ta == tb and sorted(a.edges(data="weight")) == sorted(b.edges(data="weight"))
