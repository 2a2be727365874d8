"""Received quantities that reports state for a transfer manifest (联单申报量与入库量比对).

A manifest declares what left the producer; what the receiver weighed in (入库, 过磅,
签收) is not in the manifest export.  Inspectors who compare the two write it down in a
grid report or a case file: `核对磅单，联单2024330481000022申报18.08吨，实际入库仅5.91吨`.
Waste that leaves a producer and never reaches the receiver went somewhere else, so a
receipt well under the declaration is the "short manifest" signal of the provincial
platforms.  Here a text counts only when it names a manifest number the graph holds, and
a quantity counts as received only when a receiving word stands right before it; the
declared quantity is the manifest's own, the text's figure only where the export has none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SHORTFALL", "Receipt", "stated_receipts"]

SHORTFALL = 0.9  # a receipt under 90 % of the declaration: beyond weighing and moisture loss
_RECEIVED_WORDS = ("入库", "签收", "过磅", "磅单", "实收", "接收", "收到", "到厂", "称重", "实际", "实到")
_DECLARED_WORDS = ("申报", "填报", "联单数量", "转移数量", "开具", "载明")
_QTY_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(吨|t(?![a-z])|T(?![a-zA-Z])|公斤|千克|kg|KG|Kg)")
_NUMBER_RE = re.compile(r"\d{10,20}")
_LOOKBACK = 10  # characters before a quantity searched for the word that says what it is


@dataclass(frozen=True)
class Receipt:
    """One text's statement about one manifest: the received tonnes and the declared ones it gives."""

    manifest: str
    received_t: float
    declared_t: float | None
    doc: str
    quote: str


def _tonnes(value: str, unit: str) -> float:
    v = float(value)
    return v / 1000.0 if unit in ("公斤", "千克", "kg", "KG", "Kg") else v


def _word_before(text: str, start: int) -> str | None:
    """ "received" / "declared" by the nearest such word in the `_LOOKBACK` characters before
    `start`, not reaching back past another number."""
    window = text[max(0, start - _LOOKBACK) : start]
    digits = [i for i, ch in enumerate(window) if ch.isdigit()]
    if digits:
        window = window[digits[-1] + 1 :]
    best, kind = -1, None
    for words, name in ((_RECEIVED_WORDS, "received"), (_DECLARED_WORDS, "declared")):
        for w in words:
            i = window.rfind(w)
            if i > best:
                best, kind = i, name
    return kind


def stated_receipts(texts: Iterable[tuple[str, str]], manifests: set[str]) -> list[Receipt]:
    """Receipts stated in `texts` ((document key, text) pairs) for the manifest numbers in `manifests`.

    Each quantity belongs to the manifest named last before it (or, before any, the first
    one the text names); a text may report several transfers.

    Examples
    --------
    >>> r = stated_receipts([("doc:grid:1", "比对联单2024330481000022：申报18.08吨，入库5.91吨。")],
    ...                     {"2024330481000022"})
    >>> (r[0].received_t, r[0].declared_t)
    (5.91, 18.08)
    """
    out = []
    for doc, raw in texts:
        if not raw:
            continue
        text = unicodedata.normalize("NFKC", raw)
        named = [(m.start(), m.group()) for m in _NUMBER_RE.finditer(text) if m.group() in manifests]
        if not named:
            continue
        got: dict[str, dict[str, float]] = {}
        for q in _QTY_RE.finditer(text):
            if any(s <= q.start() < s + len(n) for s, n in named):
                continue
            kind = _word_before(text, q.start())
            if kind is None:
                continue
            before = [n for s, n in named if s < q.start()]
            owner = before[-1] if before else named[0][1]
            got.setdefault(owner, {}).setdefault(kind, _tonnes(q.group(1), q.group(2)))
        for number, kinds in got.items():
            if "received" in kinds:
                start = next(s for s, n in named if n == number)
                quote = text[max(0, start - 20) : start + 80]
                out.append(Receipt(number, kinds["received"], kinds.get("declared"), doc, quote))
    return out
