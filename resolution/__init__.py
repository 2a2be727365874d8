"""Entity resolution: normalise, decide (rules), merge reversibly, explain.

resolve(store) -> ResolutionReport
merge(store, alias_key, canonical_key, reason, evidence=()) -> MergeRecord
split(store, canonical_key, alias_key) -> dict
explain(store, key) -> dict
suggestions(store, limit=500) -> list[dict]
alias_map(store) -> dict[str, str]
apply_aliases(batch, alias_map) -> GraphBatch   # before each ingest write
alias_transform(store) -> Callable[[GraphBatch], GraphBatch]  # for etl.ingest.ingest_paths(transform_batch=…)
evaluate_against_truth(store, truth) -> dict
"""

from __future__ import annotations

from pathlib import Path

from graph_schema.store import register_query_dir

QUERY_DIR = Path(__file__).parent / "queries"
register_query_dir(QUERY_DIR)

from resolution.merge import (  # noqa: E402
    MergeRecord,
    MergeRequest,
    ResolutionError,
    alias_map,
    alias_transform,
    apply_aliases,
    merge,
    merge_many,
    split,
)
from resolution.resolver import ResolutionReport, explain, resolve, suggestions  # noqa: E402


def evaluate_against_truth(store, truth):  # noqa: ANN001, ANN201 - thin lazy re-export
    from resolution.evaluate import evaluate_against_truth as _eval

    return _eval(store, truth)


__all__ = [
    "MergeRecord",
    "MergeRequest",
    "ResolutionError",
    "ResolutionReport",
    "alias_map",
    "alias_transform",
    "apply_aliases",
    "evaluate_against_truth",
    "explain",
    "merge",
    "merge_many",
    "resolve",
    "split",
    "suggestions",
]
