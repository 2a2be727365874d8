"""Helpers shared by the tabular readers (CSV, XLSX, JSONL)."""

from __future__ import annotations

import re
from typing import Any

from etl.readers.detect import KEYS
from etl.records import QuarantineEntry, RawRecord

_SURROGATE = re.compile("[\udc80-\udcff]")


def clean_cell(v: Any) -> Any:
    """Strip stray whitespace (and NBSP / ideographic space); empty → None. Non-strings pass through."""
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()  # str.strip() also removes the ideographic space and NBSP
        return s or None
    return v


def unique_headers(cells: list[str]) -> list[str]:
    """Empty header cells become `_col<n>`; a repeated name gets `_2`, `_3` … so no column overwrites another."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(cells, start=1):
        name = c or f"_col{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def has_undecodable(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def make_record(
    source: str,
    file: str,
    row: int,
    fields: dict[str, Any],
    raw: str | dict[str, Any],
    sha: str,
    encoding: str | None,
) -> RawRecord | QuarantineEntry:
    """Check the key fields; a record with an empty key is quarantined naming that field."""
    parts: list[str] = []
    for k in KEYS[source]:
        v = fields.get(k)
        if v is None or (isinstance(v, str) and not v.strip()):
            return QuarantineEntry(
                file=file,
                row=row,
                field=k,
                reason=f"{k}: 主键为空 (empty key field)",
                raw=raw,
                source=source,
            )
        parts.append(v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v).strip())
    return RawRecord(
        source=source,
        file=file,
        row=row,
        record_id="|".join(parts),
        fields=fields,
        raw=raw,
        sha256=sha,
        encoding=encoding,
    )
