"""Streaming XLSX reader (openpyxl read-only): merged title rows, Excel date cells, blank rows."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from etl.readers.common import clean_cell, make_record, unique_headers
from etl.readers.detect import KEYS, norm_header, score_headers
from etl.readers.mapping import apply_mapping
from etl.records import QuarantineEntry, RawRecord, ReaderError, sha256_obj

_HEADER_SCAN_ROWS = 20
log = logging.getLogger(__name__)


def find_header(
    ws: Any, mapping: dict[str, str] | None, source: str | None = None
) -> tuple[str, int, list[str]] | None:
    """(source, 1-based header row, canonical header cells) within the sheet's first rows, or None.

    Title rows (a merged A1:K1 banner, an export timestamp) sit above the
    header; the header is the first row whose cells match a known source.
    """
    if hasattr(ws, "reset_dimensions"):
        # exports often carry a wrong <dimension> (A1, or A1:K1048576); trusting it would cut rows silently
        ws.reset_dimensions()
    for i, values in enumerate(ws.iter_rows(max_row=_HEADER_SCAN_ROWS, values_only=True), start=1):
        cells = apply_mapping([norm_header(v) for v in values], mapping)
        if source is not None:
            if source in KEYS and all(k in cells for k in KEYS[source]) or score_headers(cells)[0] == source:
                return source, i, cells
            continue
        found, _ = score_headers(cells)
        if found:
            return found, i, cells
    return None


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    return v


def iter_xlsx(
    path: str | Path, source: str | None, mapping: dict[str, str] | None = None
) -> Iterator[RawRecord | QuarantineEntry]:
    """Yield one record per non-blank data row of every sheet that has a matching header.

    `row` is the sheet row number (the header of the sample is row 2, its first
    ticket row 3).  Cells keep their Excel type: a true datetime cell arrives as
    `datetime`, numbers as int/float; `etl.parse` types them.  `file` is the
    path, with `#<sheet>` appended when the workbook has several sheets.
    """
    import openpyxl

    p = Path(path)
    wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    try:
        matched = False
        many = len(wb.worksheets) > 1
        for ws in wb.worksheets:
            found = find_header(ws, mapping, source)
            if not found:
                if ws.max_row:  # a notes / summary sheet; say so rather than skip it silently
                    log.warning("%s: sheet %r has no %s header row; not read", p, ws.title, source or "known")
                continue
            matched = True
            src, header_row, header = found
            header = unique_headers(header)
            file = f"{p}#{ws.title}" if many else str(p)
            for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
                cells = [clean_cell(v) for v in values]
                if all(c is None for c in cells):
                    continue  # blank row
                fields: dict[str, Any] = {}
                raw: dict[str, Any] = {}  # the cells as read (unstripped), for quarantine and sha256
                for i, c in enumerate(cells):
                    name = header[i] if i < len(header) else f"_col{i + 1}"
                    if name.startswith("_col") and c is None:
                        continue
                    fields[name] = c
                    raw[name] = _jsonable(values[i])
                yield make_record(src, file, r, fields, raw, sha256_obj(raw), None)
        if not matched:
            raise ReaderError(f"{p}: 未找到可识别的表头 (no {source or 'known'} header row in any sheet)")
    finally:
        wb.close()
