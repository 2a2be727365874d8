"""Streaming CSV reader: constant memory, exact file line numbers, the raw row text."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from etl.readers.common import make_record, reread_row, unique_headers
from etl.readers.detect import HEADERS, KEYS, detect_encoding, norm_header, score_headers, sniff_delimiter
from etl.readers.mapping import apply_mapping
from etl.records import QuarantineEntry, RawRecord, ReaderError, sha256_text

csv.field_size_limit(1 << 30)

_HEADER_SCAN_ROWS = 10  # title lines a CSV converted from a spreadsheet may carry above the header


def _header_ok(cells: list[str], source: str) -> bool:
    if source in KEYS and all(k in cells for k in KEYS[source]):
        return True
    return score_headers(cells)[0] == source


def iter_csv(
    path: str | Path,
    source: str,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
) -> Iterator[RawRecord | QuarantineEntry]:
    """Yield one RawRecord / QuarantineEntry per non-blank data row.

    `row` is the 1-based file line on which the record starts (the header is
    line 1 in a plain export).  Blank rows (every cell empty, e.g. trailing
    `,,,,` rows) are skipped and are not records.  A row whose field count
    differs from the header is quarantined (an unquoted comma in free text is
    the usual cause), except that surplus *empty* trailing cells are ignored.
    """
    p = Path(path)
    file = str(p)
    enc = encoding or detect_encoding(p)
    with p.open("r", encoding=enc, errors="surrogateescape", newline="") as fh:
        buf: list[str] = []

        def lines() -> Iterator[str]:
            for line in fh:
                buf.append(line)
                yield line

        first = ""
        for line in fh:  # the delimiter comes from the first non-blank line, which is then re-read
            if line.strip():
                first = line
                break
        fh.seek(0)
        delimiter = sniff_delimiter(first)
        reader = csv.reader(lines(), delimiter=delimiter)
        consumed = 0
        header: list[str] | None = None
        scanned = 0
        while True:
            start = consumed + 1
            try:
                cells = next(reader)
                err: str | None = None
            except StopIteration:
                break
            except csv.Error as exc:
                cells, err = [], str(exc)
            raw = "".join(buf).rstrip("\r\n")
            consumed += len(buf)
            buf.clear()
            if err is not None:
                yield QuarantineEntry(file, start, None, f"CSV 格式错误 (malformed CSV: {err})", raw, source)
                continue
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                norm = apply_mapping([norm_header(c) for c in cells], mapping)
                if _header_ok(norm, source):
                    while norm and not norm[-1]:  # `a,b,c,` — a trailing empty header cell is no column
                        norm.pop()
                    header = unique_headers(norm)
                    continue
                scanned += 1
                if scanned >= _HEADER_SCAN_ROWS:
                    break
                continue
            if not any(c.strip() for c in cells):
                continue  # blank row: not a record
            warnings: tuple[str, ...] = ()
            reread = reread_row(raw, enc, file, start, source)
            if isinstance(reread, QuarantineEntry):
                yield reread
                continue
            if reread is not None:
                raw, warnings = reread
                cells = next(csv.reader(raw.splitlines(keepends=True), delimiter=delimiter), [])
            n = len(header)
            if len(cells) > n and not any(c.strip() for c in cells[n:]):
                cells = cells[:n]
            if len(cells) != n:
                yield QuarantineEntry(
                    file,
                    start,
                    None,
                    f"第{start}行字段数 {len(cells)} 与表头 {n} 不符 (row has {len(cells)} fields, header has {n}; "
                    "unquoted comma?)",
                    raw,
                    source,
                )
                continue
            # clean_cell inlined (CSV cells are always str): this line runs for every cell of a load
            fields = {h: c.strip() or None for h, c in zip(header, cells)}
            yield make_record(source, file, start, fields, raw, sha256_text(raw), enc, warnings)
        if header is None and scanned:  # an empty file is just empty; a file of unknown rows is an error
            raise ReaderError(
                f"{file}: 未找到 {source} 的表头 {list(HEADERS.get(source, ()))[:4]}… (no {source} header row found)"
            )
