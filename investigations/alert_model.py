"""What an alert is: the `Alert` record, and the name an analyst reads for each kind.

Apart from the detectors (`investigations.detectors`) and the runner
(`investigations.alerts`) so that both, and the planted-truth scoring
(`investigations.alert_truth`), share it without importing each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KIND_NAMES", "Alert", "kind_name"]

# What an analyst reads for each kind (CLI, web workbench, demo).
KIND_NAMES = {
    "night_dwell": "夜间敏感点位滞留",
    "manifest_no_reads": "联单车辆无过车记录",
    "manifest_off_route": "联单车辆偏离路线",
    "manifest_late": "联单车辆迟到",
    "manifest_short": "联单申报量偏低",
    "repeated_complaints": "同一对象反复被投诉",
    "gang_associate": "与团伙车辆同行",
    "producer_silent": "产废单位转移骤减",
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


@dataclass
class Alert:
    kind: str
    score: float
    title: str
    targets: list[str]
    evidence: list[str]
    time: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            raw = "\x1f".join([self.kind, *sorted(self.targets), str(self.details.get("discriminator", ""))])
            self.key = f"alert:{self.kind}:{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:12]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "kind_name": kind_name(self.kind),
            "score": self.score,
            "title": self.title,
            "targets": self.targets,
            "evidence": self.evidence,
            "time": self.time,
            "details": self.details,
        }
