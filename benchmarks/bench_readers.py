"""Reader throughput and memory on a generated multi-hundred-MB checkpoint (ANPR) CSV.

    python benchmarks/bench_readers.py                 # 300 MB, read + parse
    python benchmarks/bench_readers.py --mb 1000 --facts --encoding gb18030
    python benchmarks/bench_readers.py --path big.csv  # an existing file

Prints rows/s and resident memory sampled through the run: memory must stay
flat (streaming), i.e. peak RSS barely above the RSS after the first rows,
whatever the file size.  Not a unit test (it takes minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.facts import records_to_batch  # noqa: E402
from etl.parse import iter_typed  # noqa: E402
from etl.records import LoadStats, QuarantineEntry  # noqa: E402

HEADER = "过车时间,车牌号,卡口编号,卡口名称,经度,纬度\n"


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # Linux fallback
        with open(f"/proc/{os.getpid()}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path, mb: int, encoding: str, seed: int = 7) -> int:
    """Write about `mb` MB of plate reads (mixed plate spellings, a few bad rows)."""
    rnd = random.Random(seed)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    plates = ["浙E" + "".join(rnd.choice(letters) for _ in range(5)) for _ in range(20000)]
    checkpoints = [
        (f"KK3305220{i:02d}", f"卡口{i}号路口", f"{119.5 + i / 100:.6f}", f"{30.9 + i / 100:.6f}") for i in range(1, 41)
    ]
    target = mb * 2**20
    written = 0
    rows = 0
    bad_rows = 0
    t0 = 1716220800  # 2024-05-21 00:00 +08
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write(HEADER)
        chunk: list[str] = []
        while written < target:
            for _ in range(10000):
                kk, name, lon, lat = rnd.choice(checkpoints)
                plate = rnd.choice(plates)
                if kk.endswith("05"):
                    plate = plate[:2] + "·" + plate[2:]
                ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 + rows * 0.6))
                chunk.append(f"{ts},{plate},{kk},{name},{lon},{lat}\n")
                rows += 1
            if rows // 500_000 > bad_rows:  # one quarantined row per 500k
                bad_rows += 1
                chunk.append("2024-04-31 10:00:00,浙E12345,KK330522001,坏日期,119.9,30.9\n")  # quarantined
                rows += 1
            text = "".join(chunk)
            fh.write(text)
            written += len(text.encode(encoding))
            chunk.clear()
        fh.write(",,,,,\n\n")  # blank trailing rows
    return rows


def run(path: Path, facts: bool, batch: int) -> None:
    size = path.stat().st_size
    stats = LoadStats(file=str(path))
    start = time.perf_counter()
    base = rss_mb()
    samples: list[tuple[int, float]] = []
    pending = []
    rels = 0
    next_sample = 100_000
    for item in iter_typed(path, stats=stats):
        if facts and not isinstance(item, QuarantineEntry):
            pending.append(item)
            if len(pending) >= batch:
                rels += len(records_to_batch(pending, None).rels)
                pending.clear()
        if stats.records_read >= next_sample:
            samples.append((stats.records_read, rss_mb()))
            next_sample *= 2
    if pending:
        rels += len(records_to_batch(pending, None).rels)
    secs = time.perf_counter() - start
    print(f"file            {path} ({size / 2**20:.0f} MiB, encoding {stats.encoding})")
    print(
        f"records         read {stats.records_read:,}  loaded {stats.records_loaded:,}  quarantined {stats.records_quarantined:,}"
    )
    assert stats.balanced, "records_read != loaded + quarantined"
    print(f"time            {secs:.1f} s  →  {stats.records_read / secs:,.0f} rows/s, {size / 2**20 / secs:.1f} MiB/s")
    if facts:
        print(f"facts           {rels:,} relationships built in batches of {batch}")
    print(f"RSS start       {base:.1f} MiB")
    for n, r in samples:
        print(f"RSS @ {n:>11,} rows  {r:.1f} MiB")
    print(f"peak RSS        {peak_rss_mb():.1f} MiB (process high-water mark)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=300, help="size of the generated CSV (default 300)")
    ap.add_argument("--encoding", default="utf-8", help="utf-8 (default), utf-8-sig or gb18030")
    ap.add_argument("--path", type=Path, help="read this file instead of generating one")
    ap.add_argument("--facts", action="store_true", help="also build graph facts in batches")
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    args = ap.parse_args()
    if args.path:
        run(args.path, args.facts, args.batch)
        return
    tmpdir = Path(tempfile.mkdtemp(prefix="bench_readers_"))
    path = tmpdir / "anpr_big.csv"
    t = time.perf_counter()
    rows = generate(path, args.mb, args.encoding)
    print(f"generated       {rows:,} rows in {time.perf_counter() - t:.1f} s")
    try:
        run(path, args.facts, args.batch)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            tmpdir.rmdir()
        else:
            print(f"kept            {path}")


if __name__ == "__main__":
    main()
