"""JSON Lines reader (grid events): one object per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from etl.readers.common import clean_cell, make_record, reread_row
from etl.readers.detect import detect_encoding, norm_header
from etl.readers.mapping import apply_mapping
from etl.records import QuarantineEntry, RawRecord, sha256_text


def iter_jsonl(
    path: str | Path, source: str, mapping: dict[str, str] | None = None, encoding: str | None = None
) -> Iterator[RawRecord | QuarantineEntry]:
    """`row` is the 1-based line number.  Blank lines are skipped; a line that is not a JSON
    object is quarantined.  JSON `null` and missing keys both read as None."""
    p = Path(path)
    file = str(p)
    enc = encoding or detect_encoding(p)
    with p.open("r", encoding=enc, errors="surrogateescape", newline=None) as fh:
        for lineno, line in enumerate(fh, start=1):
            text = line.rstrip("\r\n")
            if lineno == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            warnings: tuple[str, ...] = ()
            reread = reread_row(text, enc, file, lineno, source)
            if isinstance(reread, QuarantineEntry):
                yield reread
                continue
            if reread is not None:
                text, warnings = reread
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield QuarantineEntry(
                    file, lineno, None, f"第{lineno}行不是有效的 JSON (invalid JSON: {exc.msg})", text, source
                )
                continue
            except RecursionError:  # `[[[[…` thousands deep: this line, not the rest of the file
                yield QuarantineEntry(
                    file, lineno, None, f"第{lineno}行 JSON 嵌套过深 (JSON nested too deep)", text, source
                )
                continue
            if not isinstance(obj, dict):
                yield QuarantineEntry(
                    file, lineno, None, f"第{lineno}行不是 JSON 对象 (not a JSON object)", text, source
                )
                continue
            names = apply_mapping([norm_header(k) for k in obj], mapping)
            fields: dict[str, Any] = {n: clean_cell(v) for n, v in zip(names, obj.values())}
            yield make_record(source, file, lineno, fields, text, sha256_text(text), enc, warnings)
