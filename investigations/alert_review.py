"""How analysts judged the alerts: the precision of the alert system by their decisions.

The planted-truth precision (`alert_truth.alert_precision`) exists only for synthetic data; on real
data the measure is what analysts decide.  An alert acknowledged or assigned for follow-up was
worth raising; one dismissed with a reason was not; an open one is not judged yet.  Precision
by decision = (acknowledged + assigned) / (acknowledged + assigned + dismissed), overall and per
detector, so a detector that analysts keep dismissing shows up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["review_summary"]

_KEPT = ("acknowledged", "assigned")


def _count(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = {"acknowledged": 0, "assigned": 0, "dismissed": 0, "open": 0}
    for a in rows:
        status = a.get("status") or "open"
        n[status if status in n else "open"] += 1
    judged = n["acknowledged"] + n["assigned"] + n["dismissed"]
    kept = n["acknowledged"] + n["assigned"]
    return {**n, "judged": judged, "precision": round(kept / judged, 3) if judged else None}


def review_summary(alerts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts of analysts' decisions and the precision they imply, overall and by alert kind.

    Parameters
    ----------
    alerts : iterable of dict
        Alerts with their `kind` and, once decided, `status` (acknowledged, assigned,
        dismissed; absent or `open` when not decided).

    Returns
    -------
    dict
        `{"acknowledged", "assigned", "dismissed", "open", "judged", "precision", "by_kind"}`.

    Examples
    --------
    >>> review_summary([{"kind": "night_dwell", "status": "acknowledged"}, {"kind": "night_dwell", "status": "dismissed"}])["precision"]
    0.5
    """
    rows = list(alerts)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for a in rows:
        by_kind.setdefault(str(a.get("kind") or ""), []).append(a)
    return {**_count(rows), "by_kind": {k: _count(v) for k, v in sorted(by_kind.items())}}
