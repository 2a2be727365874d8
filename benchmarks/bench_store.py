"""Write throughput of the embedded store: batched UNWIND upserts vs one MERGE per row.

Elements are nodes + relationships in the shape of plate reads (Vehicle -SEEN_AT-> Site
with full provenance).  The naive loader runs in the same process on a subset and its
rate is reported as measured (not extrapolated to the full size).

    python benchmarks/bench_store.py [--sizes 100000 1000000] [--naive 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ingest import PeakRSS  # noqa: E402
from graph_schema.model import GraphBatch, Provenance  # noqa: E402
from graph_schema.store import open_store  # noqa: E402
from graph_schema.store.falkor_server import stop_server  # noqa: E402
from graph_schema.store.upsert import node_statements, rel_statements  # noqa: E402


def make_batch(start: int, n_reads: int) -> GraphBatch:
    """`n_reads` plate reads: each adds one SEEN_AT; vehicles and sites repeat (2 of 3 elements are new)."""
    b = GraphBatch()
    for i in range(start, start + n_reads):
        v = f"vehicle:浙E{i // 2:05d}"
        s = f"site:KK{i % 500:04d}"
        b.add_node(v, plate=v[8:])
        b.add_node(s, kind="checkpoint", name=f"卡口{i % 500}")
        prov = Provenance(
            doc=f"doc:anpr:{i}", method="structured", quote=v[8:], field="车牌号", seen="2024-05-21T23:36:00"
        )
        b.add_rel("SEEN_AT", v, s, prov, time="2024-05-21T23:36:00")
    return b


def elements(b: GraphBatch) -> int:
    return sum(len(r) for r in b.nodes_by_label().values()) + sum(len(r) for r in b.rels_by_shape().values())


def run_batched(size: int, tmp: Path) -> tuple[int, float, PeakRSS]:
    d = tmp / f"batched-{size}"
    total = 0
    try:
        with open_store(data_dir=d) as store, PeakRSS(d) as mem:
            store.setup_schema()
            reads_per_batch = 20_000
            t = time.perf_counter()
            start = 0
            while total < size:
                b = make_batch(start, reads_per_batch)
                total += elements(b)
                store.write_batch(b)
                start += reads_per_batch
            dt = time.perf_counter() - t
        return total, dt, mem
    finally:
        stop_server(d)


def run_naive(n_elements: int, tmp: Path) -> tuple[int, float]:
    d = tmp / "naive"
    try:
        with open_store(data_dir=d) as store:
            store.setup_schema()
            b = make_batch(0, n_elements // 2)
            nodes, rels = b.nodes_by_label(), b.rels_by_shape()
            t = time.perf_counter()
            done = 0
            for label, rows in nodes.items():
                for row in rows:
                    (stmt,) = node_statements(label, [row], 1)
                    store._write(stmt.cypher, stmt.params)
                    done += 1
            for shape, rows in rels.items():
                for row in rows:
                    (stmt,) = rel_statements(shape, [row], 1)
                    store._write(stmt.cypher, stmt.params)
                    done += 1
            return done, time.perf_counter() - t
    finally:
        stop_server(d)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--naive", type=int, default=5_000, help="elements for the one-row-per-query baseline")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for size in args.sizes:
            n, dt, mem = run_batched(size, tmp)
            rows.append((f"batched UNWIND ({size:,} target)", n, dt, mem.client, mem.server))
        n, dt = run_naive(args.naive, tmp)
        rows.append(("naive: one MERGE per row", n, dt, 0, 0))
    print(
        f"\n{'store write':34} {'elements':>10} {'seconds':>8} {'elements/s':>11} {'client RSS':>11} {'server RSS':>11}"
    )
    for name, n, dt, c, s in rows:
        print(f"{name:34} {n:>10} {dt:>8.1f} {n / dt:>11.0f} {c / 2**20:>9.0f}MB {s / 2**20:>9.0f}MB")


if __name__ == "__main__":
    main()
