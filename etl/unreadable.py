"""A file, or the rest of one, that cannot be read: one record read and quarantined.

Why a record and not a skipped file: the counting rule `records_read =
records_loaded + records_quarantined` must equal what a bundle holds, and a
truncated case file (JSON, DOCX, TXT) or a cut XLSX was written as data.
Skipping it hid it: the held-out bundles came out three records short with
nothing in the quarantine, and a cut XLSX or DOCX stopped the whole run with a
traceback.  Whatever a reader raises — a damaged ZIP container, a JSON
document cut mid-object, bytes in no known encoding, a header nobody knows —
becomes one quarantine line naming the file, with a reason an analyst reads
(Chinese) and the technical cause beside it.  An empty file holds no record
and is only reported as skipped.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.records import QuarantineEntry, RawRecord, ReaderError
from graph_schema.store.values import unstorable_reason

_SINGLE_RECORD_SUFFIXES = {".docx": "case"}  # a source the extension alone settles


@dataclass(frozen=True)
class Unreadable:
    """What a reader raised, after `after_row` (None: before any record of the file)."""

    exc: BaseException
    after_row: int | None


def guarded(records: Iterator[RawRecord | QuarantineEntry]) -> Iterator[RawRecord | QuarantineEntry | Unreadable]:
    """The reader's records, then an `Unreadable` instead of the exception that stopped it.

    Only the reader's own work runs inside the `try`: the loader's store
    writes happen between items, outside it, so a store failure still stops
    the run (a failed write is not the file's fault).
    """
    last_row: int | None = None
    while True:
        try:
            item = next(records)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - any reader failure is the file's, and must not stop the run
            yield Unreadable(exc, last_row)
            return
        last_row = item.row
        yield item


def is_empty(path: Path) -> bool:
    """A file with nothing in it but whitespace (or a BOM): no record to count."""
    try:
        size = path.stat().st_size
        if size > 4096:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return not data.replace(b"\xef\xbb\xbf", b"").strip()


class UnstorableName(ReaderError):
    """A file name the store cannot hold (bytes in no encoding): every record would carry it."""


def display_name(path: Path) -> str:
    """The path as text any terminal and JSON reader takes: undecodable name bytes as `\\xb9` escapes."""
    text = str(path)
    return (
        text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if unstorable_reason(text) else text
    )


def check_name(path: Path) -> None:
    """Raise UnstorableName for a path with NUL or undecodable bytes (lone surrogates in Python)."""
    why = unstorable_reason(str(path))
    if why:
        raise UnstorableName(f"{display_name(path)}: 文件名{why}，请改名后再导入 (rename the file)")


def source_from_suffix(path: Path) -> str | None:
    return _SINGLE_RECORD_SUFFIXES.get(path.suffix.lower())


def reason(path: Path, exc: BaseException, after_row: int | None = None) -> str:
    """`无法读取…：<why, in Chinese> (<exception type>: <message>)`."""
    kind = path.suffix.lower().lstrip(".").upper() or "文件"
    if isinstance(exc, ReaderError):
        why = str(exc).removeprefix(f"{path}: ").removeprefix(f"{display_name(path)}: ")
    elif isinstance(exc, (zipfile.BadZipFile, EOFError, zlib.error)) or type(exc).__name__ == "PackageNotFoundError":
        why = f"文件已损坏或不完整（可能被截断），不是有效的 {kind} 文件"
    elif isinstance(exc, json.JSONDecodeError):
        why = "不是有效的 JSON（可能被截断）"
    elif isinstance(exc, UnicodeError):
        why = "含无法解码的字节"
    elif isinstance(exc, (KeyError, ValueError)) and kind in ("XLSX", "XLSM", "DOCX"):
        why = f"{kind} 文件内容不完整或格式错误"
    elif isinstance(exc, RecursionError):
        why = "嵌套层数过深"
    else:
        why = "读取出错"
    where = "整个文件无法读取" if after_row is None else f"第{after_row}行之后的内容无法读取"
    if isinstance(exc, ReaderError):  # our own message: Chinese, with the English cause in brackets already
        return f"{where}：{why}"
    detail = str(exc)
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return f"{where}：{why} ({type(exc).__name__}: {detail})"


def entry(path: Path, source: str | None, exc: BaseException, after_row: int | None = None) -> QuarantineEntry:
    """The quarantine line for an unreadable file (or its unreadable rest): file identity, no content."""
    return QuarantineEntry(
        file=display_name(path),
        row=after_row,
        field=None,
        reason=reason(path, exc, after_row),
        raw=_identity(path),
        source=source,
    )


def _identity(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of the file as it was, so the quarantine names the exact version that failed."""
    h = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
                size += len(block)
    except OSError as exc:
        return {"file": display_name(path), "error": str(exc)}
    return {"file": display_name(path), "bytes": size, "sha256": h.hexdigest()}
