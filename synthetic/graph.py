"""A large weighted person graph with planted co-offending groups (gang-detection benchmarks)."""

from __future__ import annotations

import random

import networkx as nx


def planted_coffending_graph(n_people: int, seed: int, group_share: float = 0.3) -> tuple[nx.Graph, dict]:
    """Build `n_people` nodes (ints 0..n-1) where about `group_share` of them sit in planted groups of 3–12.

    Inside a group the leader is tied to every member (weight 2–5, as repeated
    co-suspects) and members are tied along a random spanning path plus a few
    chords (weight 1–3).  The rest are background people with sparse random
    ties (weight 1); about one group member in twenty also has one incidental
    tie to a background person.  Truth: ``{"groups": [{"id", "members",
    "leader"}], "n_people", "seed"}``; node attribute ``group`` holds the group
    id or -1.
    """
    if n_people < 3:
        raise ValueError("n_people must be at least 3")
    rng = random.Random(seed)
    order = list(range(n_people))
    rng.shuffle(order)
    n_grouped = int(n_people * group_share)
    groups: list[dict] = []
    edges: list[tuple[int, int, int]] = []
    i = 0
    sizes = range(3, 13)
    weights = (6, 6, 5, 4, 3, 3, 2, 2, 1, 1)
    while i + 3 <= n_grouped:
        k = min(rng.choices(sizes, weights)[0], n_grouped - i)
        if k < 3:
            break
        members = order[i : i + k]
        i += k
        leader = members[0]
        for m in members[1:]:
            edges.append((leader, m, rng.randint(2, 5)))
        path = members[1:]
        rng.shuffle(path)
        for a, b in zip(path, path[1:]):
            edges.append((a, b, rng.randint(1, 3)))
        for _ in range(k // 3):
            a, b = rng.sample(path, 2) if len(path) >= 2 else (path[0], leader)
            edges.append((a, b, 1))
        groups.append({"id": len(groups), "members": sorted(members), "leader": leader})
    background = order[i:]
    nb = len(background)
    if nb >= 2:
        for _ in range(int(nb * 0.8)):
            a = background[rng.randrange(nb)]
            b = background[rng.randrange(nb)]
            if a != b:
                edges.append((a, b, 1))
        for gr in groups:
            if rng.random() < 0.25:
                edges.append((rng.choice(gr["members"][1:]), background[rng.randrange(nb)], 1))
    group_of = [-1] * n_people
    for gr in groups:
        for m in gr["members"]:
            group_of[m] = gr["id"]
    graph = nx.Graph()
    graph.add_nodes_from((i, {"group": group_of[i]}) for i in range(n_people))
    graph.add_weighted_edges_from(edges)
    return graph, {"groups": groups, "n_people": n_people, "seed": seed, "group_share": group_share}
