"""Helpers shared by the tabular readers (CSV, XLSX, JSONL)."""

from __future__ import annotations

import re
from typing import Any

from etl.readers.detect import KEYS, redecode_row, utf8_row_in_gb18030
from etl.records import QuarantineEntry, RawRecord

_SURROGATE = re.compile("[\udc80-\udcff]")
ReRead = tuple[str, tuple[str, ...]] | QuarantineEntry | None


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


def reread_row(text: str, encoding: str, file: str, row: int, source: str) -> ReRead:
    """A row in another encoding than its file's (exports stitched from two systems).

    None when the row reads right as it is; else the row decoded in the other Chinese
    encoding with a warning saying so, or a QuarantineEntry that keeps it readable.
    Runs on every row: the common case returns after one cheap test.
    """
    if encoding == "gb18030":
        if text.isascii():
            return None
        try:
            data = text.encode("gb18030")
        except UnicodeEncodeError:  # surrogate escapes: bytes GB18030 could not decode
            data = None
        if data is not None:  # decoded cleanly, but it may be a UTF-8 row read as mojibake
            utf8 = utf8_row_in_gb18030(data)
            return None if utf8 is None else _reread(utf8, "utf-8", encoding, row)
    elif not has_undecodable(text):
        return None
    redecoded = redecode_row(text, encoding)
    if redecoded is None:
        readable = text.encode(encoding.removesuffix("-sig"), "surrogateescape").decode(encoding, "replace")
        reason = f"第{row}行含无法按 {encoding} 或另一种中文编码解码的字节 (undecodable bytes for {encoding})"
        return QuarantineEntry(file, row, None, reason, readable, source)
    return _reread(*redecoded, encoding, row)


def _reread(text: str, row_encoding: str, encoding: str, row: int) -> tuple[str, tuple[str, ...]]:
    return text, (f"第{row}行按 {row_encoding} 解码，文件其余为 {encoding} (row decoded as {row_encoding})",)


def make_record(
    source: str,
    file: str,
    row: int,
    fields: dict[str, Any],
    raw: str | dict[str, Any],
    sha: str,
    encoding: str | None,
    warnings: tuple[str, ...] = (),
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
        warnings=warnings,
    )
