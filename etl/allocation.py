"""How the cyclic garbage collector runs while a bulk job allocates.

Why a module: the ingest runner and the analyses after it (resolution, alert
detectors: `investigations.pipeline`) both build millions of short-lived
containers with almost no reference cycles, and both pay for Python's default
collector thresholds in the same way.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["bulk_allocation_gc"]

_GC_LOCK = threading.Lock()
_gc_depth = 0  # loads running in this process (the API may run several): the first tunes, the last restores
_gc_saved: tuple[int, ...] = gc.get_threshold()


@contextmanager
def bulk_allocation_gc(gen0_threshold: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a load allocates.

    A load, or an analysis reading a whole graph back, creates millions of
    short-lived dicts and tuples, almost none in reference cycles, and with Python's default threshold (a young collection
    every 700 allocations, a full one every 100 young ones) the collector
    walked the whole heap — the write cache, a loaded NLP model — over and
    over: ~40% of the time spent mapping plate reads to facts
    (benchmarks/bench_ingest.py: 20.8k → 23.7k reads/s).  Objects alive
    before the run are frozen out of collections meanwhile; all of it is put
    back as it was afterwards.
    """
    global _gc_depth, _gc_saved
    with _GC_LOCK:
        _gc_depth += 1
        if _gc_depth == 1:
            _gc_saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(gen0_threshold, *_gc_saved[1:])
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.set_threshold(*_gc_saved)
                gc.unfreeze()
