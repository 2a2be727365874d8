"""Identifier-only extraction: the fallback when the NLP layer is absent or fails.

Resident IDs, phones, plates, vessels and HW codes, found by pattern and
validated by graph_schema.identifiers — enough for the structured keys to meet
the free text without a model.  `etl.facts.records_to_batch` falls back to it
when `extract` raises; `etl.facts.default_extract` returns it when
`nlp.extract_texts` does not import.
"""

from __future__ import annotations

import re

from graph_schema import identifiers as ids
from nlp.types import Entity, Extraction

__all__ = ["rules_extract"]

_P = ids.PROVINCE_CHARS
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ID_CARD", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")),
    ("PHONE", re.compile(r"(?<!\d)(?:1[3-9]\d{9}|1[3-9]\d[\*＊]{4}\d{4}|0\d{2,3}-\d{7,8})(?!\d)")),
    ("PLATE", ids.PLATE_IN_TEXT),
    (
        "VESSEL",
        re.compile(rf"[{_P}][\u4e00-\u9fff]{{1,3}}?" + ids.VESSEL_CORE_IN_TEXT.pattern),
    ),
    ("WASTE", re.compile(r"(?<![A-Za-z])HW\d{2}(?!\d)")),
)


def rules_extract(texts: list[str]) -> list[Extraction]:
    """Identifiers only (resident IDs, phones, plates, vessels, HW codes), validated by graph_schema.identifiers."""
    out = []
    for text in texts:
        ents: list[Entity] = []
        taken: list[tuple[int, int]] = []
        for label, rx in _RULES:
            for m in rx.finditer(text):
                s, e = m.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                raw = m.group(0)
                if label == "ID_CARD":
                    norm = ids.normalize_resident_id(raw)
                elif label == "PHONE":
                    p = ids.parse_phone(raw)
                    norm = p.digits if p else None
                elif label == "PLATE":
                    norm = ids.normalize_plate(raw)
                elif label == "VESSEL":
                    norm = ids.normalize_vessel(raw)
                else:
                    norm = raw.upper()
                if not norm:
                    continue
                taken.append((s, e))
                ents.append(Entity(s, e, label, raw, "rule", 1.0 if label in ("ID_CARD", "WASTE") else 0.95, norm))
        ents.sort(key=lambda en: en.start)
        out.append(Extraction(text=text, entities=ents))
    return out
