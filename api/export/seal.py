"""Seal an exported file and verify it: `ecograph export verify FILE`.

Every export carries two hashes:

- the **content hash** (`sha256` in the JSON, printed in the PDF and DOCX): SHA-256 of the
  canonical JSON of the evidence and case header, identical for the JSON, PDF and DOCX of
  one chain (who exported it and when are outside it);
- the **file seal**: the SHA-256 of the file's own bytes, stored in the file where readers
  ignore it — a `%` comment line after the PDF's `%%EOF`, the ZIP archive comment of a
  DOCX — with the content hash beside it.  A JSON export needs none: it is re-rendered
  from what it holds and must come out byte for byte.

*Why a seal as well as a content hash*: a court copy is a file; a changed byte in the
PDF's text that the content hash cannot see (the PDF does not hold the JSON) must still
be found.  The seal proves integrity, not origin: that comes from the audit log, which
records both hashes of every export under a key (`verify_file(..., audit=...)`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SealReport", "seal", "verify_bytes", "verify_file"]

_PDF_SEAL_RE = re.compile(rb"\n%ECOGRAPH-SEAL (\{[^\n]*\})\n\Z")
_ZIP_SEAL_PREFIX = b"ECOGRAPH-SEAL "


@dataclass
class SealReport:
    ok: bool
    format: str
    content_sha256: str | None = None
    file_sha256: str | None = None
    problems: list[str] = field(default_factory=list)
    audit: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "format": self.format,
            "content_sha256": self.content_sha256,
            "file_sha256": self.file_sha256,
            "problems": self.problems,
            "audit": self.audit,
        }


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def seal(body: bytes, fmt: str, content_sha256: str) -> bytes:
    """Return `body` with its seal (PDF, DOCX); a JSON export is returned as it is."""
    if fmt == "pdf":
        stamp = json.dumps({"content_sha256": content_sha256, "body_sha256": _sha(body)}, separators=(",", ":"))
        return body + b"\n%ECOGRAPH-SEAL " + stamp.encode() + b"\n"
    if fmt == "docx":
        if _zip_comment(body):
            raise ValueError("DOCX already carries an archive comment")
        stamp = json.dumps({"content_sha256": content_sha256, "body_sha256": _sha(body)}, separators=(",", ":"))
        comment = _ZIP_SEAL_PREFIX + stamp.encode()
        # The end-of-central-directory record is the last 22 bytes of a comment-less archive;
        # its last two bytes are the comment length.
        return body[:-2] + struct.pack("<H", len(comment)) + comment
    return body


def _zip_comment(body: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return z.comment
    except zipfile.BadZipFile:
        return b""


def _verify_json(body: bytes, report: SealReport) -> None:
    from api.export.evidence import content_sha256
    from api.export.render import render_json

    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.problems.append(f"不是完整的 JSON 导出：{exc}")
        return
    report.content_sha256 = doc.get("sha256")
    if content_sha256(doc) != doc.get("sha256"):
        report.problems.append("内容被改动：内容哈希与记载的 sha256 不符")
    if render_json(doc) != body:
        report.problems.append("文件被改动：与导出时的排版不一致（多出、缺少或改动了字节）")


def _verify_stamped(body: bytes, stamp: dict[str, Any], report: SealReport) -> None:
    report.content_sha256 = stamp.get("content_sha256")
    if stamp.get("body_sha256") != _sha(body):
        report.problems.append("文件被改动：文件内容与导出时的封存哈希不符")


def verify_bytes(body: bytes) -> SealReport:
    """Check a sealed export held in memory; the format is told by its first bytes."""
    if body.startswith(b"%PDF"):
        report = SealReport(False, "pdf", file_sha256=_sha(body))
        m = _PDF_SEAL_RE.search(body)
        if not m:
            report.problems.append("找不到导出封存信息（不是 ecograph 导出的 PDF，或文件末尾被改动）")
        else:
            try:
                _verify_stamped(body[: m.start()], json.loads(m.group(1)), report)
            except json.JSONDecodeError:
                report.problems.append("导出封存信息已损坏")
    elif body.startswith(b"PK"):
        report = SealReport(False, "docx", file_sha256=_sha(body))
        comment = _zip_comment(body)
        if not comment.startswith(_ZIP_SEAL_PREFIX):
            report.problems.append("找不到导出封存信息（不是 ecograph 导出的 DOCX，或文件已损坏）")
        else:
            unsealed = body[: -len(comment) - 2] + b"\x00\x00"
            try:
                _verify_stamped(unsealed, json.loads(comment[len(_ZIP_SEAL_PREFIX) :]), report)
            except json.JSONDecodeError:
                report.problems.append("导出封存信息已损坏")
            try:
                with zipfile.ZipFile(io.BytesIO(body)) as z:
                    bad = z.testzip()
                if bad:
                    report.problems.append(f"文件被改动：{bad} 校验失败")
            except zipfile.BadZipFile as exc:
                report.problems.append(f"文件已损坏：{exc}")
    else:
        report = SealReport(False, "json", file_sha256=_sha(body))
        _verify_json(body, report)
    report.ok = not report.problems
    return report


def verify_file(path: Path | str, audit_entries: list[dict[str, Any]] | None = None) -> SealReport:
    """Verify `path`; with the audit log's export lines, also say who exported this very file."""
    body = Path(path).read_bytes()
    report = verify_bytes(body)
    if audit_entries is not None and report.ok:
        match = next((e for e in audit_entries if e.get("file_sha256") == report.file_sha256), None)
        same_content = [e for e in audit_entries if e.get("content_sha256") == report.content_sha256]
        report.audit = {
            "file_exported": bool(match),
            "by": (match or {}).get("user"),
            "at": (match or {}).get("time"),
            "exports_of_same_content": len(same_content),
        }
    return report
