"""Gang detection end to end at scale: projection, communities, scoring, write-back.

    python benchmarks/bench_gangs.py --people 100000 1000000 [--louvain-max 1000000] [--no-store]

Input: a planted co-offending graph (`synthetic.planted_coffending_graph`
when present, else the local generator below, same shape: groups of 3–12 with
cases, shared vehicles and phones, CO_OFFENDER ties, plus weak noise ties
between groups).  Each planted edge becomes a tie row, so the timed pipeline is
exactly `detect_gangs`' (rows → projection → Leiden-CPM → scoring → write-back
into an embedded FalkorDB holding the Person nodes).  Beside it, in the same
run, plain networkx Louvain (modularity, default resolution) on the same graph.
Prints time and peak memory (RSS high-water mark of the process for each
phase, and tracemalloc-free psutil sampling) and recovery against the plant.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from investigations import gangs  # noqa: E402


class PeakRSS:
    """Sample the process RSS every 20 ms; `peak` is the high-water mark inside the block."""

    def __enter__(self):
        self.proc = psutil.Process(os.getpid())
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        self.t0 = time.perf_counter()
        return self

    def _run(self):
        while not self._stop:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self._stop = True
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def local_planted(n_people: int, seed: int = 7):
    """Groups of 3–12 people tied by cases, vehicles, phones, CO_OFFENDER; weak noise between groups.

    Returns (rows, truth) with truth = {"gangs": [{"id","members":[key…],"leader"}]}.
    """
    rng = random.Random(seed)
    rows = []
    truth = []
    i = 0
    g = 0
    while i < n_people:
        size = min(rng.randint(3, 12), n_people - i)
        if size < 3:
            break
        mem = [f"person:P{j:08d}" for j in range(i, i + size)]
        leader = mem[0]
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 22:00:00"
        # two or three cases: the leader plus a subset
        for c in range(rng.randint(2, 3)):
            k = rng.randint(2, size)
            sub = [leader] + rng.sample(mem[1:], k - 1)
            rows.append(
                {"kind": "case", "members": sub, "doc": f"doc:case:G{g}C{c}", "time": day, "cause": "污染环境罪"}
            )
        # everyone is tied to the leader by something
        for m in mem[1:]:
            kind = rng.choice(["co_offender", "vehicle", "phone"])
            rows.append({"kind": kind, "members": [leader, m], "doc": f"doc:case:G{g}T{m[-4:]}", "time": day})
        truth.append({"id": f"G{g}", "members": mem, "leader": leader})
        i += size
        g += 1
    n = i
    for _ in range(n // 3):  # weak noise: co-mentions / co-reads between random people
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            rows.append(
                {
                    "kind": rng.choice(["mention", "checkpoint"]),
                    "members": [f"person:P{a:08d}", f"person:P{b:08d}"],
                    "doc": None,
                    "time": "2024-06-01 12:00:00",
                }
            )
    return rows, {"gangs": truth}, n


def planted(n_people: int, seed: int = 7, source: str = "etl"):
    """Rows and truth from `synthetic.planted_coffending_graph` (each weighted edge becomes
    one co-suspect tie row with `count` = its weight), else from `local_planted`."""
    if source == "etl":
        try:
            from synthetic import planted_coffending_graph
        except ImportError:
            source = "local"
    if source == "local":
        return local_planted(n_people, seed)
    G, truth = planted_coffending_graph(n_people, seed)
    group = nx.get_node_attributes(G, "group")
    # A group member's one incidental tie to a background person is a co-mention: were it a
    # shared case file, that person would be a co-suspect of a member, and a member
    # (investigations/README.md, "Membership").
    rows = [
        {
            "kind": "mention"
            if group.get(u, -1) != group.get(v, -1) and -1 in (group.get(u), group.get(v))
            else "case",
            "members": [f"person:P{u:08d}", f"person:P{v:08d}"],
            "doc": None,
            "time": None,
            "count": d.get("weight", 1),
        }
        for u, v, d in G.edges(data=True)
    ]
    tg = [
        {"id": t["id"], "members": [f"person:P{m:08d}" for m in t["members"]], "leader": f"person:P{t['leader']:08d}"}
        for t in truth["groups"]
    ]
    return rows, {"gangs": tg}, G.number_of_nodes()


def recovery(groups_keys: list[set[str]], truth: dict, leaders: list[str] | None = None) -> dict:
    """Planted groups recovered at Jaccard ≥ 0.8, leaders right, and the share of
    found groups (3 to `gangs.MAX_GANG_SIZE` people) that match a planted one."""
    where = {}
    for i, g in enumerate(groups_keys):
        for k in g:
            where[k] = i
    ok = lead = 0
    matched: set[int] = set()
    for t in truth["gangs"]:
        tk = set(t["members"])
        cand = {where[k] for k in tk if k in where}
        best, bi = 0.0, None
        for c in cand:
            j = len(tk & groups_keys[c]) / len(tk | groups_keys[c])
            if j > best:
                best, bi = j, c
        if best >= 0.8:
            ok += 1
            matched.add(bi)
            if leaders is not None and leaders[bi] == t["leader"]:
                lead += 1
    sized = [i for i, g in enumerate(groups_keys) if 3 <= len(g) <= gangs.MAX_GANG_SIZE]
    return {
        "planted": len(truth["gangs"]),
        "recovered": ok,
        "leaders": lead if leaders is not None else None,
        "found": len(sized),
        "found_matching": sum(1 for i in sized if i in matched),
    }


def run(n_people: int, louvain_max: int, use_store: bool, source: str = "etl") -> list[dict]:
    rows, truth, n = planted(n_people, source=source)
    out = []
    store = tmp = None
    if use_store:
        from graph_schema.store import open_store

        tmp = tempfile.mkdtemp(prefix="bench_gangs_")
        store = open_store(data_dir=tmp)
        keys = sorted({m for r in rows for m in r["members"]})
        for i in range(0, len(keys), 50000):  # the people exist before detection (not timed)
            store._write("UNWIND $rows AS k CREATE (:Person:Entity {key: k})", {"rows": keys[i : i + 50000]})
        store.setup_schema()
    gc.collect()
    phases = {}
    with PeakRSS() as total:
        with PeakRSS() as m:
            proj = gangs.project(rows)
        phases["projection"] = m
        with PeakRSS() as m:
            groups = gangs.communities_from_arrays(len(proj.keys), proj.src, proj.dst, proj.weight)
        phases["communities"] = m
        with PeakRSS() as m:
            scored = gangs.score_groups(proj, groups)
        phases["scoring"] = m
        if store is not None:
            with PeakRSS() as m:
                gangs.write_gangs(store, scored)
            phases["write-back"] = m
    rec = recovery([set(g["members"]) for g in scored], truth, [g["leader"] for g in scored])
    out.append(
        {
            "n": n,
            "method": "Leiden-CPM (igraph) end to end",
            "seconds": total.seconds,
            "peak_mb": total.peak / 2**20,
            "phases": {k: round(v.seconds, 2) for k, v in phases.items()},
            **rec,
        }
    )
    if store is not None:
        store.close()
        from graph_schema.store.falkor_server import stop_server

        stop_server(Path(tmp))
        shutil.rmtree(tmp, ignore_errors=True)
    if n <= louvain_max:
        import networkx as nx

        gc.collect()
        with PeakRSS() as m:
            G = proj.to_networkx()
            comms = nx.community.louvain_communities(G, weight="weight", seed=42)
        rec = recovery([set(c) for c in comms], truth)
        out.append(
            {
                "n": n,
                "method": "networkx Louvain (modularity)",
                "seconds": m.seconds,
                "peak_mb": m.peak / 2**20,
                "phases": {},
                **rec,
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--louvain-max", type=int, default=1_000_000, help="skip networkx Louvain above this size")
    ap.add_argument("--no-store", action="store_true", help="skip the write-back phase")
    ap.add_argument(
        "--source", choices=["etl", "local"], default="etl", help="planted graph: synthetic or the local generator"
    )
    args = ap.parse_args()
    print(f"generator: {args.source}")
    print(
        f"{'people':>9} {'method':<34} {'seconds':>8} {'peak MB':>8} {f'groups 3-{gangs.MAX_GANG_SIZE}':>11} {'of which planted':>16} "
        f"{'recovered/planted':>18} {'leaders':>8}  phases"
    )
    for n in args.people:
        for r in run(n, args.louvain_max, not args.no_store, args.source):
            print(
                f"{r['n']:>9} {r['method']:<34} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} {r['found']:>11} "
                f"{r['found_matching']:>16} {r['recovered']:>8}/{r['planted']:<9} {r['leaders'] if r['leaders'] is not None else '-':>8}  {r['phases']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
