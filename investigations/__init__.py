"""Investigations: link exploration, gang detection, pollution chains, water, alerts.

Every public function takes a `GraphStore` (or plain rows) and returns a report
object with `to_dict()` giving the JSON shape the CLI and the API print.
"""

from __future__ import annotations

from pathlib import Path

from graph_schema.store import register_query_dir

QUERY_DIR = Path(__file__).parent / "queries"
register_query_dir(QUERY_DIR)

__all__ = ["QUERY_DIR"]
