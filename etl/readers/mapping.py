"""Column mappings for other cities' exports (`--mapping FILE`).

File format (JSON, UTF-8)::

    {"来电时间": "受理时间", "来电号码": "联系电话"}

i.e. **canonical header → the city's header**.  The reverse direction
(`{"受理时间": "来电时间"}`) is also accepted: the direction is decided by which
side holds canonical header names (formats.md).  Optionally wrapped as
`{"source": "hotline", "columns": {...}}`; the `source` then acts like
`--source`.  Headers not named in the mapping keep their own name, so a
mapping only needs the columns that differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from etl.readers.detect import HEADERS, norm_header
from etl.records import ReaderError

_CANONICAL = {h for hs in HEADERS.values() for h in hs} | {"嫌疑人"}


def _mapping_object(spec: str | Path | dict[str, Any]) -> Any:
    if isinstance(spec, dict):
        return spec
    try:
        return json.loads(Path(spec).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReaderError(f"{spec}: 无法读取列映射文件 (cannot read mapping: {exc})") from exc


def load_mapping(spec: str | Path | dict[str, Any] | None) -> dict[str, str] | None:
    """Return a normalised **city header → canonical header** dict (or None)."""
    if spec is None:
        return None
    obj = _mapping_object(spec)
    if isinstance(obj, dict) and isinstance(obj.get("columns"), dict):
        obj = obj["columns"]
    if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items()):
        raise ReaderError(
            f"{spec}: 列映射必须是 {{标准列名: 本地列名}} 的 JSON 对象 (mapping must be a JSON object of strings)"
        )
    pairs = [(norm_header(k), norm_header(v)) for k, v in obj.items()]
    keys_canon = sum(k in _CANONICAL for k, _ in pairs)
    vals_canon = sum(v in _CANONICAL for _, v in pairs)
    if keys_canon >= vals_canon:  # canonical → city (the documented direction)
        return {city: canon for canon, city in pairs}
    return {city: canon for city, canon in pairs}


def mapping_source(spec: str | Path | dict[str, Any] | None) -> str | None:
    """The optional `source` named in a wrapped mapping file."""
    if spec is None:
        return None
    obj = _mapping_object(spec)
    src = obj.get("source") if isinstance(obj, dict) else None
    return src if isinstance(src, str) else None


def apply_mapping(cells: list[str], mapping: dict[str, str] | None) -> list[str]:
    """Translate normalised header cells to canonical names."""
    if not mapping:
        return cells
    return [mapping.get(c, c) for c in cells]
