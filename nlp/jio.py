"""jionlp, loaded once and quietly (it prints a banner to stdout on import, which would end up
inside `nlp extract`'s JSON Lines)."""

from __future__ import annotations

import contextlib
import io
from functools import lru_cache

__all__ = ["jionlp"]


@lru_cache(maxsize=1)
def jionlp():
    """The jionlp module, or None when it cannot be imported (the callers fall back)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp as module
        return module
    except Exception:  # noqa: BLE001 - any import failure means: do without
        return None
