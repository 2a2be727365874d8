"""What a record must satisfy before it is written, checked once per record in the loader.

Why here and not in each reader: the hazards are the same whatever the format
(a NUL byte in a CSV cell, a JSON `"\\u0000"` or `"\\ud800"`, a 50 MB
narrative) and one bad record must cost that record, never the run:

- a string the store cannot hold (`graph_schema.store.values`) quarantines the
  record with a reason naming the field, before it can fail a whole batch;
- an oversized text field is cut to `MAX_FIELD_CHARS` with a warning on the
  record: the graph holds a case file's summary for search and extraction, the
  file itself stays the evidence (its SHA-256 is of the full record).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from etl.records import QuarantineEntry, RawRecord
from graph_schema.store.values import UNSTORABLE, find_unstorable

# 100k characters is ~50 pages of Chinese prose, many times the longest
# narrative of a real case summary (简要案情); beyond that a field is an export
# fault (a whole file pasted into a cell), and extraction over it took minutes.
# Extracting 100k characters takes ~3 s (in chunks, etl.textchunks).
MAX_FIELD_CHARS = 100_000
# A record id is a ticket or case number; one longer than this is a cut or shifted
# column, and as a node key it would be copied into every fact of the record.
MAX_KEY_CHARS = 1_000


def admit(raw: RawRecord) -> RawRecord | QuarantineEntry:
    """The record ready to parse (long texts cut, with warnings), or its quarantine entry."""
    if _plainly_fine(raw):
        return raw
    bad = unstorable_entry(raw)
    if bad is not None:
        return bad
    if raw.record_id is not None and len(raw.record_id) > MAX_KEY_CHARS:
        reason = (
            f"记录编号过长（{len(raw.record_id):,} 字），疑似列错位 (record id of {len(raw.record_id):,} characters)"
        )
        return QuarantineEntry(raw.file, raw.row, None, reason, raw.raw, raw.source)
    return cap_fields(raw)


def _plainly_fine(raw: RawRecord) -> bool:
    """One regex over names and values joined: nearly every record passes here.

    Runs for every record of a load (a plate read costs ~40 µs in all); the
    field-by-field walk that names the culprit cost 6 µs, this ~1.5 µs.
    """
    parts = list(raw.fields)
    for v in raw.fields.values():
        cls = v.__class__
        if cls is str:
            parts.append(v)
        elif cls is dict or cls is list:
            return False  # nested (a case's suspects): the full walk
    joined = "".join(parts)
    if len(joined) > MAX_FIELD_CHARS or UNSTORABLE.search(joined) is not None:
        return False
    rid = raw.record_id
    return rid is None or len(rid) <= MAX_KEY_CHARS  # the file name is checked once per file (etl.ingest)


def unstorable_entry(raw: RawRecord) -> QuarantineEntry | None:
    """The record quarantined, naming the field, when a value in it cannot be stored."""
    for name, value in raw.fields.items():
        found = find_unstorable(name, f"列名 {name!r}") or find_unstorable(value, name)
        if found:
            where, reason = found
            return QuarantineEntry(
                file=raw.file,
                row=raw.row,
                field=name,
                reason=f"{where}: {reason}",
                raw=raw.raw,
                source=raw.source,
                record_id=raw.record_id,
            )
    return None


def cap_fields(raw: RawRecord, limit: int = MAX_FIELD_CHARS) -> RawRecord:
    """The record with every text longer than `limit` cut to it, a warning per field cut."""
    warnings: list[str] = []
    fields: dict[str, Any] = {}
    for name, value in raw.fields.items():
        fields[name] = _cap(value, limit, name, warnings)
    if not warnings:
        return raw
    return dataclasses.replace(raw, fields=fields, warnings=(*raw.warnings, *warnings))


def _cap(value: Any, limit: int, name: str, warnings: list[str]) -> Any:
    if isinstance(value, str):
        if len(value) <= limit:
            return value
        warnings.append(
            f"{name}: 文本过长（{len(value):,} 字），只保存并分析前 {limit:,} 字，全文见原文件 "
            f"(text of {len(value):,} characters cut to {limit:,})"
        )
        return value[:limit]
    if isinstance(value, dict):
        return {k: _cap(v, limit, f"{name}.{k}", warnings) for k, v in value.items()}
    if isinstance(value, list):
        return [_cap(v, limit, f"{name}[{i}]", warnings) for i, v in enumerate(value)]
    return value
