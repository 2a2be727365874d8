"""How well the alerts find what a synthetic bundle planted: `alert_precision` against its `truth.json`.

Only synthetic data has a planted truth; on real data the analysts' reviews
(`investigations.alert_review`) say which alerts held.  Apart from the runner
because nothing at ingest time needs it: the evaluation, the demo and the CLI do.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph_schema import identifiers as ids
from investigations.alert_model import KIND_NAMES, kind_name

__all__ = ["TRUTH_KIND", "alert_precision", "planted_kind_name"]

TRUTH_KIND = {
    "night_dwell": "night_dwell",
    "gang_associate": "gang_companion",
    "manifest_no_reads": "manifest_anomaly",
    "manifest_late": "manifest_anomaly",
    "manifest_off_route": "manifest_anomaly",
    "manifest_short": "manifest_anomaly",
    "repeated_complaints": "repeated_complaints",
    "producer_silent": "producer_silence",
}


def planted_kind_name(planted: str) -> str:
    """Display name of a planted alert kind of a synthetic bundle (`manifest_anomaly:late` …)."""
    base, _, anomaly = planted.partition(":")
    if base == "manifest_anomaly":
        return KIND_NAMES.get(f"manifest_{anomaly}", "联单异常")
    kinds = [k for k, t in TRUTH_KIND.items() if t == base]
    return kind_name(kinds[0]) if kinds else planted


def _plate(x: Any) -> str:
    s = str(x or "")
    s = s.split(":", 1)[1] if s.startswith("vehicle:") else s
    return ids.normalize_plate(s) or s


def _matches(a: dict[str, Any], t: dict[str, Any]) -> bool:
    kind = a["kind"]
    targets = a.get("targets", [])
    details = a.get("details") or {}
    if kind == "night_dwell":
        plates = {_plate(x) for x in targets if x.startswith("vehicle:")}
        return _plate(t.get("plate")) in plates and f"site:{t.get('checkpoint')}" in targets
    if kind == "gang_associate":
        return _plate(t.get("plate")) in {_plate(x) for x in targets if x.startswith("vehicle:")}
    if kind.startswith("manifest_"):
        return bool(t.get("manifest")) and str(details.get("manifest")) == str(t["manifest"])
    if kind == "repeated_complaints":
        return _about_site(targets, str(t.get("site") or ""))
    if kind == "producer_silent":
        comp = t.get("company") or {}
        return f"company:{ids.normalize_uscc(comp.get('uscc')) or comp.get('uscc')}" in targets
    return False


def _about_site(targets: list[str], planted: str) -> bool:
    """An alert's site is the planted one however the place is written: its key, a fuller
    name of it (the city or county prefixed), or the same place by `evaluate_detail._same_place`
    (one village, position and kind of site) — the test the chain report uses for where a
    chain ends."""
    from graph_schema.keys import site_key
    from investigations.evaluate_detail import _same_place

    try:
        if site_key(planted) in targets:
            return True
    except ValueError:
        return False
    names = [t.split(":", 1)[1] for t in targets if t.startswith("site:")]
    return any(planted in n or _same_place(n, planted) for n in names)


def alert_precision(alerts: list[Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Precision and recall of our alerts against the generator's `truth["alerts"]`.

    Each alert of ours is matched, by kind, to the planted alerts it is about:
    night dwell by plate and checkpoint, gang companion by plate, manifest
    anomalies by manifest number, repeated complaints by site, silent
    producers by company.  It is a true positive when it matches a planted
    alert marked `true`, a false positive when it matches only decoys
    (`true: false`: daytime work at a pit, a one-off co-read, a plant that
    stopped without complaints …), and *unmatched* when the generator planted
    nothing there (background traffic).  `precision` = TP / (TP + FP);
    `strict_precision` also counts unmatched alerts as false.  `recall` =
    planted true alerts matched / planted true alerts.
    """
    ours = [a.to_dict() if hasattr(a, "to_dict") else a for a in alerts]
    planted = truth.get("alerts", [])
    by_kind: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for i, t in enumerate(planted):
        by_kind[t.get("kind", "")].append((i, t))
    matched_true: set[int] = set()
    tp = fp = unmatched = 0
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "unmatched": 0})
    for a in ours:
        cands = [(i, t) for i, t in by_kind.get(TRUTH_KIND.get(a["kind"], a["kind"]), []) if _matches(a, t)]
        trues = [i for i, t in cands if t.get("true")]
        if trues:
            tp += 1
            matched_true.update(trues)
            per_kind[a["kind"]]["tp"] += 1
        elif cands:
            fp += 1
            per_kind[a["kind"]]["fp"] += 1
        else:
            unmatched += 1
            per_kind[a["kind"]]["unmatched"] += 1
    n_true = sum(1 for t in planted if t.get("true"))
    missed = defaultdict(int)
    for i, t in enumerate(planted):
        if t.get("true") and i not in matched_true:
            missed[t.get("kind", "") + (f":{t['anomaly']}" if t.get("anomaly") else "")] += 1
    return {
        "alerts": len(ours),
        "true_positive": tp,
        "false_positive": fp,
        "unmatched": unmatched,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "strict_precision": round(tp / len(ours), 4) if ours else None,
        "recall": round(len(matched_true) / n_true, 4) if n_true else None,
        "per_kind": dict(per_kind),
        "missed": dict(missed),
    }
