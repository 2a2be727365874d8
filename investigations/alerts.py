"""Alert detectors, run after every ingest (`investigations.pipeline.run_analyses`).

Each detector returns `Alert`s with the evidence documents and a score in
[0, 1]; `run_detectors` replaces the previous alerts of the detectors it ran
with `Alert` nodes and `(:Alert)-[:FLAGS]->(entity)` relationships, so
re-running is idempotent (alert keys are stable: detector + the keys it fired
on).

The detectors themselves (night_dwell, manifest_*, repeated_complaints,
gang_associate, producer_silent) are `investigations.detectors`; the `Alert`
record and the kind names `investigations.alert_model`; the planted-truth
score `investigations.alert_truth`.  This module is the entry point: run the
detectors and store what they find, list the stored alerts.
"""

from __future__ import annotations

import json
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.store import GraphStore
from investigations.alert_model import KIND_NAMES, Alert, kind_name
from investigations.alert_truth import alert_precision, planted_kind_name
from investigations.chains import complaints_index
from investigations.detectors import DETECTORS, KINDS, read_times

# the entry point of the alert layer: the CLI and the API import these names from here
__all__ = [
    "DETECTORS",
    "KIND_NAMES",
    "Alert",
    "alert_precision",
    "kind_name",
    "list_alerts",
    "planted_kind_name",
    "run_detectors",
]


class DetectorContext(dict):
    """What several detectors read (sites, plate reads, complaints), each loaded from the
    store on first use and shared after: running one detector (the companion refresh after a
    gang write-back) reads only what that detector needs."""

    _LOADERS: dict[str, Any] = {
        "sites": lambda store: {r["key"]: r for r in store.query("inv_sites")},
        "reads": read_times,
        "complaints": complaints_index,
    }

    def __init__(self, store: GraphStore) -> None:
        super().__init__()
        self._store = store

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._LOADERS[key](self._store)
        return value


def run_detectors(store: GraphStore, detectors: list[str] | None = None, write: bool = True) -> list[Alert]:
    """Run the detectors (all by default), replace their stored alerts, return them best first."""
    names = detectors or list(DETECTORS)
    for n in names:
        if n not in DETECTORS:
            raise ValueError(f"未知检测器 / unknown detector {n!r}; available: {', '.join(DETECTORS)}")
    ctx = DetectorContext(store)
    alerts: list[Alert] = []
    for n in names:
        alerts.extend(DETECTORS[n](store, ctx))
    uniq: dict[str, Alert] = {}
    for a in alerts:
        uniq.setdefault(a.key, a)
    alerts = sorted(uniq.values(), key=lambda a: (-a.score, a.kind, a.key))
    if write:
        kinds = sorted({k for n in names for k in KINDS[n]})
        store.run_write("inv_delete_alerts", detectors=kinds)
        rows, flags = [], []
        for a in alerts:
            rows.append(
                {
                    "key": a.key,
                    "props": {
                        "name": a.title,
                        "detector": a.kind,
                        "kind": a.kind,
                        "score": a.score,
                        "title": a.title,
                        "time": a.time,
                        "evidence": a.evidence,
                        "details_json": json.dumps(a.details, ensure_ascii=False, default=str),
                        "method": "inferred",
                    },
                }
            )
            for t in a.targets:
                flags.append({"alert": a.key, "target": t, "score": a.score, "fact": f"{a.key}|{t}"})
        for i in range(0, len(rows), 5000):
            store.run_write("inv_write_alerts", rows=rows[i : i + 5000])
        for i in range(0, len(flags), 5000):
            store.run_write("inv_write_flags", rows=flags[i : i + 5000])
    return alerts


def list_alerts(
    store: GraphStore, kind: str | None = None, min_score: float = 0.0, limit: int | None = None
) -> list[Alert]:
    """The stored alerts, best first."""
    out = []
    for r in store.query("inv_list_alerts"):
        p = r["props"] or {}
        if kind and p.get("kind") != kind:
            continue
        if float(p.get("score") or 0) < min_score:
            continue
        try:
            details = json.loads(p.get("details_json") or "{}")
        except json.JSONDecodeError:
            details = {}
        out.append(
            Alert(
                p.get("kind") or "",
                float(p.get("score") or 0),
                p.get("title") or "",
                sorted(t for t in r["targets"] if t),
                list(p.get("evidence") or []),
                p.get("time"),
                details,
                key=r["key"],
            )
        )
    out.sort(key=lambda a: (-a.score, a.kind, a.key))
    return out[:limit] if limit else out
