"""Run every benchmark in this folder, one after another, each printing its own table
(benchmarks/README.md lists them).  On a shared host, hold the lock:
`flock /tmp/ecograph-bench.lock python benchmarks/run_all.py --quick`.

python benchmarks/run_all.py            # all, at their default sizes
python benchmarks/run_all.py --quick    # small sizes, for a smoke run
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_ARGS = {
    "bench_store.py": ["--sizes", "20000"],
    "bench_ingest.py": ["--reads", "20000", "--manifests", "2000", "--naive", "500", "--big-gb", "0.05"],
    "bench_ingest_mixed.py": ["--records", "5000"],
    "bench_readers.py": [],
    "bench_nlp.py": [],
    "bench_gangs.py": [],
    "bench_api.py": ["--nodes", "40000", "--clients", "10", "--requests", "2", "--workers", "1"],
    "bench_web.py": ["--nodes", "40000", "--tries", "5"],
}
NOT_BENCHMARKS = {"bench_setup.py"}  # shared setup of bench_api and bench_web, not a benchmark


def main() -> int:
    quick = "--quick" in sys.argv
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if script.name in NOT_BENCHMARKS:
            continue
        args = QUICK_ARGS.get(script.name, []) if quick else []
        print(f"\n=== {script.name} {' '.join(args)}", flush=True)
        rc = subprocess.call([sys.executable, str(script), *args])
        if rc:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
