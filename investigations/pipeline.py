"""Ingest followed by the analyses that must follow every ingest.

Why here and not in ETL: resolution and alert detectors sit above ETL in the
layer order, so the sequence "load → resolve → detect" belongs to the top
layer, where every interface (CLI, API, demo) can reuse it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from etl.allocation import bulk_allocation_gc
from etl.ingest import IngestReport, ingest_paths
from graph_schema.store import GraphStore
from investigations.explore import refresh_search_index
from resolution import alias_transform, resolve


class PipelineReport:
    def __init__(self, ingest: IngestReport, analysis: dict[str, Any]):
        self.ingest = ingest
        self.analysis = analysis

    def to_dict(self) -> dict[str, Any]:
        return {**self.ingest.to_dict(), "analysis": self.analysis}


def ingest_and_analyse(
    store: GraphStore, paths: list[Path], *, data_dir: Path, analyse: bool = True, **ingest_options: Any
) -> PipelineReport:
    # Resolved keys on the way in; the store derives the name-search property itself.
    report = ingest_paths(store, paths, data_dir=data_dir, transform_batch=alias_transform(store), **ingest_options)
    analysis: dict[str, Any] = {}
    if analyse and report.total.records_loaded:
        analysis = run_analyses(store)
    return PipelineReport(report, analysis)


def run_analyses(store: GraphStore) -> dict[str, Any]:
    """Entity resolution, then the alert detectors; returns their counts and the seconds each
    stage took (`seconds`), so a slow ingest says which stage it was.  Nodes that
    resolution (or an older ingest) wrote without the name-search property get it."""
    with bulk_allocation_gc():  # millions of rows read back, almost no cycles among them
        return _timed_analyses(store)


def _timed_analyses(store: GraphStore) -> dict[str, Any]:
    from investigations.alerts import run_detectors

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    out: dict[str, Any] = {"resolution": resolve(store).to_dict()}
    seconds["resolution"] = time.perf_counter() - t
    t = time.perf_counter()
    out["alerts"] = len(run_detectors(store))
    seconds["alerts"] = time.perf_counter() - t
    t = time.perf_counter()
    out["search_indexed"] = refresh_search_index(store)
    seconds["search_index"] = time.perf_counter() - t
    out["seconds"] = {k: round(v, 2) for k, v in seconds.items()}
    return out
