"""Register every layer's named-query folder with the store registry."""

from __future__ import annotations

import importlib
from pathlib import Path

from graph_schema.store import register_query_dir

for _pkg in ("investigations", "resolution", "api"):
    try:
        _mod = importlib.import_module(_pkg)
    except ModuleNotFoundError:
        continue
    for _d in (Path(_mod.__file__).parent / "queries",):
        if _d.is_dir():
            register_query_dir(_d)
