"""Registers the named-query folders the API reads (its own and the investigations layer's)."""

from __future__ import annotations

from pathlib import Path

import investigations  # noqa: F401  (registers investigations/queries)
from graph_schema.store import register_query_dir

API_QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
register_query_dir(API_QUERY_DIR)
