"""A serving worker's heap, settled once the app has started.

*Why*: CPython's cyclic collector re-scans every tracked object of the oldest generation
on each full collection.  A started worker holds ~100,000 of them that live as long as
the process (modules, FastAPI's routes and models, the schema, the message catalogue),
so under load a full collection came every half second and stopped the worker for
20–90 ms (measured on the 1M-node benchmark, 2 workers on 2 cores).  Worse, a stopped
worker whose audit thread holds the audit log's cross-process lock (group commit,
`api.security.audit`) stalls the other worker too: one in twenty requests waited
100–150 ms for nothing.  `gc.freeze()` moves what exists at start-up into the permanent
generation, which collections skip; objects made per request are collected as before.

The young generation's threshold is raised for the same reason: a request allocates a
few thousand container objects (rows, dicts, response models), so CPython's default of
700 ran a young collection for nearly every request.

References
----------
.. [1] Python documentation, `gc.freeze`:
   https://docs.python.org/3/library/gc.html#gc.freeze
.. [2] Instagram Engineering, "Dismissing Python Garbage Collection at Instagram" (2017).
"""

from __future__ import annotations

import gc

__all__ = ["settle_heap", "YOUNG_THRESHOLD"]

YOUNG_THRESHOLD = 10_000  # allocations (net) between young collections; CPython's default is 700


def settle_heap(young_threshold: int = YOUNG_THRESHOLD) -> int:
    """Collect once, freeze what survives, and make young collections rarer.

    Call it once per worker process, after start-up and before the first request.  Not
    for processes that build many apps (the test suite): objects frozen are never
    collected as cycles, so repeated freezing there would only keep garbage alive.

    Parameters
    ----------
    young_threshold : int
        Generation 0's threshold; the older generations' are kept.

    Returns
    -------
    int
        How many objects are now frozen (`gc.get_freeze_count()`).

    Examples
    --------
    >>> import gc
    >>> frozen = settle_heap()
    >>> frozen > 0 and gc.get_threshold()[0] == YOUNG_THRESHOLD
    True
    >>> gc.unfreeze()  # doctest only: leave the interpreter as it was
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, older, oldest)
    return gc.get_freeze_count()
