"""Readers for every input format in shared/formats.md.

    detect_source(path, mapping=None) -> str
    detect_encoding(path) -> str
    iter_records(path, source=None, mapping=None) -> Iterator[RawRecord | QuarantineEntry]
    iter_files(paths) -> Iterator[Path]           # expands directories
    load_mapping(spec) -> dict[str, str] | None   # city header → canonical

Sources: hotline, grid, case, anpr, manifest, segment, outfall, reading (the
three water-network CSVs are the last three).  Everything streams: CSV through
the csv module over a text stream, XLSX through openpyxl read-only, JSONL line
by line; a case file is one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from etl.readers.casefile import read_case
from etl.readers.csvfile import iter_csv
from etl.readers.detect import HEADERS, KEYS, detect_encoding, detect_source
from etl.readers.jsonl import iter_jsonl
from etl.readers.mapping import load_mapping, mapping_source
from etl.readers.xlsxfile import iter_xlsx
from etl.records import SOURCES, QuarantineEntry, RawRecord, ReaderError

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".json", ".docx")

# `--source water` is accepted as a family name: each file is then detected among the three water tables.
SOURCE_ALIASES = {"water": None, "plate": "anpr", "plates": "anpr", "cases": "case", "manifests": "manifest"}


def iter_records(
    path: str | Path,
    source: str | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
) -> Iterator[RawRecord | QuarantineEntry]:
    """Stream one file as RawRecords (and QuarantineEntries for rows that cannot be split into fields).

    `source` overrides detection; `mapping` is a mapping file path or dict (see
    `etl.readers.mapping`).  Raises ReaderError for a file that cannot be read
    at all (unknown encoding, no header, unknown source).
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderError(f"{p}: 文件不存在 (no such file)")
    cmap = load_mapping(mapping)
    if source is None:
        source = mapping_source(mapping) if mapping is not None and not isinstance(mapping, dict) else None
        if source is None and isinstance(mapping, dict):
            source = mapping.get("source") if isinstance(mapping.get("source"), str) else None
    if source is not None:
        source = SOURCE_ALIASES.get(source, source)
    if source is None:
        source = detect_source(p, cmap)
    if source not in SOURCES:
        raise ReaderError(f"{p}: 未知数据来源 {source!r} (unknown source; one of {', '.join(SOURCES)})")
    ext = p.suffix.lower()
    if source == "case":
        yield read_case(p, cmap)
    elif ext in (".xlsx", ".xlsm"):
        yield from iter_xlsx(p, source, cmap)
    elif ext == ".jsonl" or (ext == ".json" and source != "case"):
        yield from iter_jsonl(p, source, cmap)
    else:
        enc = detect_encoding(p)
        with p.open("r", encoding=enc, errors="replace") as fh:
            first = fh.readline().lstrip("\ufeff").lstrip()
        if first.startswith("{"):
            yield from iter_jsonl(p, source, cmap, enc)
        else:
            yield from iter_csv(p, source, cmap, enc)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to read: each path itself, or a directory's supported files (recursive, sorted)."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith((".", "~$")):
                    yield f
        else:
            yield p


__all__ = [
    "HEADERS",
    "KEYS",
    "ReaderError",
    "detect_encoding",
    "detect_source",
    "iter_files",
    "iter_records",
    "load_mapping",
    "read_case",
]
