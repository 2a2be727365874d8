"""Structured-record ingest throughput into the embedded store, and memory on a big CSV.

Prints a table: plate reads and manifests per second through the real ingest
runner (readers → parse → facts → batched UNWIND writes) beside a naive
row-at-a-time loader (one store write per record) in the same process, and
the peak resident memory while streaming a large CSV (default 1 GB).

    python benchmarks/bench_ingest.py [--reads 200000] [--manifests 20000] [--big-gb 1.0]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.ingest import ingest_paths  # noqa: E402
from graph_schema.store import open_store  # noqa: E402
from graph_schema.store.falkor_server import server_pid, stop_server  # noqa: E402

ANPR_HEADER = "过车时间,车牌号,卡口编号,卡口名称,经度,纬度\n"
MANIFEST_HEADER = (
    "联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,"
    "废物名称,废物代码,数量(吨),转移时间\n"
)
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
TARGET_PER_S = 20_000  # structured records into the embedded store on the 2-core machine (issue 3)


def write_anpr(
    path: Path, rows: int, seed: int = 1, target_bytes: int | None = None, vehicles: int = 20000, checkpoints: int = 199
) -> int:
    """Plate reads of `vehicles` plates at `checkpoints` checkpoints, chosen at random."""
    rnd = random.Random(seed)
    plates = [
        "浙" + rnd.choice("ABCDEFGHJKL") + "".join(rnd.choice(LETTERS + "0123456789") for _ in range(5))
        for _ in range(vehicles)
    ]
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(ANPR_HEADER)
        written = 0
        while (target_bytes is None and n < rows) or (target_bytes is not None and written < target_bytes):
            kk = rnd.randrange(1, checkpoints + 1)
            t = 1716220800 + n * 3
            line = (
                f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t))},{rnd.choice(plates)},KK330522{kk:03d},"
                f"卡口{kk}号,{119.9 + kk / 1000:.6f},{31.0 + kk / 1000:.6f}\n"
            )
            fh.write(line)
            written += len(line.encode())
            n += 1
    return n


def write_manifests(path: Path, rows: int, seed: int = 2) -> int:
    from graph_schema.identifiers import org_code_check_char, uscc_check_char

    rnd = random.Random(seed)

    def uscc(i: int) -> str:
        org = f"{i:08d}"
        org += org_code_check_char(org)
        first17 = "91330522" + org
        return first17 + uscc_check_char(first17)

    with path.open("w", encoding="utf-8-sig") as fh:
        fh.write(MANIFEST_HEADER)
        for i in range(rows):
            p, r = rnd.randrange(2000), rnd.randrange(50)
            plate = "浙E" + "".join(rnd.choice(LETTERS + "0123456789") for _ in range(5))
            fh.write(
                f"2024{i:012d},化工厂{p}有限公司,{uscc(10000 + p)},运输公司{p % 300}有限公司,{plate},司机{p % 500},"
                f"处置中心{r}有限公司,{uscc(90000 + r)},废盐酸,HW34,{rnd.uniform(1, 30):.2f},2024-05-{1 + i % 28:02d} 10:15\n"
            )
    return rows


class PeakRSS:
    """Sample RSS of this process and of the FalkorDB server while a block runs."""

    def __init__(self, data_dir: Path | None = None):
        self.data_dir = data_dir
        self.client = 0
        self.server = 0
        self._stop = threading.Event()

    def __enter__(self):
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            self.client = max(self.client, me.memory_info().rss)
            pid = server_pid(self.data_dir) if self.data_dir else None
            if pid:
                try:
                    self.server = max(self.server, psutil.Process(pid).memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.2)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def _cpu_seconds(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def bench_runner(path: Path, data_dir: Path) -> tuple[int, int, float, PeakRSS, float, float]:
    """The real runner; also CPU seconds of this process and of the server, to show where the time goes."""
    with open_store(data_dir=data_dir) as store, PeakRSS(data_dir) as mem:
        store.setup_schema()
        me, server = psutil.Process(), psutil.Process(server_pid(data_dir))
        c0, s0 = _cpu_seconds(me), _cpu_seconds(server)
        t = time.perf_counter()
        rep = ingest_paths(store, [path], data_dir=data_dir, batch_records=5000, use_nlp=False)
        dt = time.perf_counter() - t
        client_cpu, server_cpu = _cpu_seconds(me) - c0, _cpu_seconds(server) - s0
    elements = rep.nodes_written + rep.relationships_written
    return rep.total.records_loaded, elements, dt, mem, client_cpu, server_cpu


def bench_naive(path: Path, data_dir: Path, limit: int) -> tuple[int, float]:
    """One record at a time: parse, map, and one write per record (what a simple loader does)."""
    from etl.facts import record_to_batch
    from etl.parse import parse_or_quarantine
    from etl.readers import iter_records

    n = 0
    with open_store(data_dir=data_dir) as store:
        t = time.perf_counter()
        for raw in iter_records(path):
            rec = parse_or_quarantine(raw)
            store.write_batch(record_to_batch(rec))
            n += 1
            if n >= limit:
                break
        dt = time.perf_counter() - t
    return n, dt


def bench_stream_memory(path: Path) -> tuple[int, float, int]:
    """Readers → parse → facts over a big file without a store: flat memory is the point."""
    from etl.facts import records_to_batch
    from etl.parse import parse_or_quarantine
    from etl.readers import iter_records

    n = 0
    chunk = []
    with PeakRSS() as mem:
        t = time.perf_counter()
        for raw in iter_records(path):
            chunk.append(parse_or_quarantine(raw))
            n += 1
            if len(chunk) >= 5000:
                records_to_batch(chunk)
                chunk = []
        dt = time.perf_counter() - t
    return n, dt, mem.client


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reads", type=int, default=200_000)
    ap.add_argument("--manifests", type=int, default=20_000)
    ap.add_argument("--naive", type=int, default=3_000, help="records for the naive loader")
    ap.add_argument("--big-gb", type=float, default=1.0, help="size of the streaming-memory CSV (0 to skip)")
    args = ap.parse_args()
    rows = []
    cpu_rows: list[tuple[str, float, float, float]] = []
    target_rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        anpr, man = tmp / "anpr.csv", tmp / "manifests.csv"
        write_anpr(anpr, args.reads)
        write_manifests(man, args.manifests)
        # the same trucks past the same checkpoints day after day: ~2,000 reads per pair at 200k
        routine = tmp / "anpr-routine.csv"
        write_anpr(routine, args.reads, vehicles=20, checkpoints=5)
        runs = (("plate reads", anpr), ("plate reads, 20 trucks x 5 kk", routine), ("manifests", man))
        for i, (name, path) in enumerate(runs):
            d = tmp / f"store-{i}"
            try:
                n, elements, dt, mem, ccpu, scpu = bench_runner(path, d)
                rows.append((f"{name}: batched runner", n, dt, n / dt, elements / n, mem.client, mem.server))
                cpu_rows.append((name, ccpu / n * 1e6, scpu / n * 1e6, elements / n))
                target_rows.append((name, n / dt))
            finally:
                stop_server(d)
            if path == routine:
                continue  # the naive loader's rate does not depend on the mix
            d = tmp / f"naive-{i}"
            try:
                n, dt = bench_naive(path, d, args.naive)
                rows.append((f"{name}: naive row-at-a-time", n, dt, n / dt, None, 0, 0))
            finally:
                stop_server(d)
        if args.big_gb > 0:
            big = tmp / "big.csv"
            n = write_anpr(big, 0, seed=3, target_bytes=int(args.big_gb * (1 << 30)))
            n, dt, peak = bench_stream_memory(big)
            rows.append((f"stream {args.big_gb:g} GB CSV (no store)", n, dt, n / dt, None, peak, 0))
    # elements: node and relationship rows written per record (a plate read: its SEEN_AT and, once per
    # batch, its vehicle and checkpoint; a manifest: its Document, parties and ~14 relationships)
    print(
        f"\n{'benchmark':42} {'records':>10} {'seconds':>9} {'records/s':>11} {'elements/rec':>12} "
        f"{'elements/s':>11} {'client RSS':>11} {'server RSS':>11}"
    )
    for name, n, dt, rate, per, c, s in rows:
        el = f"{per:>12.1f} {rate * per:>11.0f}" if per else f"{'':>12} {'':>11}"
        print(f"{name:42} {n:>10} {dt:>9.1f} {rate:>11.0f} {el} {c / 2**20:>9.0f}MB {s / 2**20:>9.0f}MB")
    print(
        f"\n{'CPU per record (batched runner)':42} {'client µs':>10} {'server µs':>10} {'2-core bound/s':>15} "
        f"{'server µs/element':>18} {'server bound/s':>15}"
    )
    for name, c, sv, per in cpu_rows:
        # 2-core bound: both processes busy at once, a perfect overlap; server bound: a client that cost nothing
        print(f"{name:42} {c:>10.1f} {sv:>10.1f} {2e6 / (c + sv):>15.0f} {sv / per:>18.1f} {1e6 / sv:>15.0f}")
    print(f"\n{'target: >= ' + format(TARGET_PER_S, ',') + ' records/s':42} {'records/s':>11} {'met':>5}")
    for name, rate in target_rows:
        print(f"{name:42} {rate:>11.0f} {'yes' if rate >= TARGET_PER_S else 'NO':>5}")
    print(
        f"(max RSS of this process over the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
