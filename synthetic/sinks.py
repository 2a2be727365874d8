"""Streaming writers for every output file, with line bookkeeping, and the streamed truth file."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from etl.readers.detect import HEADERS

# The generator writes exactly the default headers the readers accept (one table, in etl.readers).
HOTLINE_HEADERS = list(HEADERS["hotline"])
GRID_HEADERS = list(HEADERS["grid"])
ANPR_HEADERS = list(HEADERS["anpr"])
MANIFEST_HEADERS = list(HEADERS["manifest"])
SEGMENT_HEADERS = list(HEADERS["segment"])
OUTFALL_HEADERS = list(HEADERS["outfall"])
READING_HEADERS = list(HEADERS["reading"])

FIXED_ZIP_TIME = (2024, 7, 1, 0, 0, 0)
FIXED_ISO = "2024-07-01T00:00:00Z"


class CsvSink:
    """A CSV file written row by row; knows the physical line each row starts on."""

    def __init__(self, path: Path, headers: list[str], encoding: str, newline: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.encoding = encoding
        self.newline = newline
        self.fh = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self.buf = io.StringIO()
        self.w = csv.writer(self.buf, lineterminator=newline)
        self.line = 1  # next line number to be written (1-based)
        self.records = 0
        self._write_row(headers)
        self.records = 0

    def _write_row(self, row: list[Any]) -> int:
        self.buf.seek(0)
        self.buf.truncate()
        self.w.writerow(["" if v is None else v for v in row])
        return self.raw(self.buf.getvalue())

    def raw(self, text: str) -> int:
        """Write pre-formatted text (one record); returns the line it starts on."""
        start = self.line
        self.fh.write(text)
        self.line += text.count(self.newline) if self.newline != "\n" else text.count("\n")
        self.records += 1
        return start

    def row(self, row: list[Any]) -> int:
        return self._write_row(row)

    def fast(self, fields: list[str]) -> int:
        """Fields known to need no quoting (ANPR)."""
        return self.raw(",".join(fields) + self.newline)

    def blank_tail(self) -> None:
        self.fh.write(self.newline)

    def close(self) -> None:
        self.fh.close()


class JsonlSink:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.line = 1
        self.records = 0
        self.encoding = "utf-8"
        self.newline = "\n"

    def row(self, obj: dict[str, Any]) -> int:
        start = self.line
        self.fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.line += 1
        self.records += 1
        return start

    def close(self) -> None:
        self.fh.close()


class XlsxSink:
    """Hotline XLSX as the 张掖/嘉兴 export: merged title row 1, header row 2, rows from 3."""

    def __init__(self, path: Path, title: str, headers: list[str]) -> None:
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("工单")
        from openpyxl.utils import get_column_letter

        self.ws.merged_cells.add(f"A1:{get_column_letter(len(headers))}1")
        self.ws.append([title] + [None] * (len(headers) - 1))
        self.ws.append(headers)
        self.line = 3
        self.records = 0
        self.encoding = "xlsx"
        self.newline = ""

    def row(self, row: list[Any]) -> int:
        start = self.line
        self.ws.append(row)
        self.line += 1
        self.records += 1
        return start

    def close(self) -> None:
        self.wb.properties.creator = "ecograph-synthetic"
        self.wb.save(self.path)
        normalize_zip(self.path)


def normalize_zip(path: Path) -> None:
    """Rewrite an OOXML zip with fixed timestamps and fixed core-property dates (byte-identical output)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{FIXED_ISO}\g<2>", text
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    tmp.replace(path)


# ------------------------------------------------------------------ docx, hand-written (deterministic, fast)
_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>办案民警</dc:creator>"
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_ISO}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_ISO}</dcterms:modified>'
    "</cp:coreProperties>"
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_TAIL = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'


def write_docx(path: Path, paragraphs: list[str], title: str, table: list[tuple[str, str]] | None = None) -> None:
    """A minimal DOCX: an optional two-column table (键 | 值, how some offices lay out a case header), then paragraphs."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    if table:
        cell = '<w:tc><w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>'
        rows = "".join(f"<w:tr>{cell.format(escape(k))}{cell.format(escape(v))}</w:tr>" for k, v in table)
        body = f"<w:tbl>{rows}</w:tbl>" + body
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _RELS),
            ("docProps/core.xml", _CORE.format(title=escape(title))),
            ("word/document.xml", _DOC_HEAD + body + _DOC_TAIL),
        ):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))


# ------------------------------------------------------------------ truth
@dataclass
class TruthSink:
    """Streams list sections to temporary JSONL files, then assembles `truth.json`."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ecograph-truth-"))
        self.handles: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    def add(self, section: str, item: dict[str, Any]) -> None:
        fh = self.handles.get(section)
        if fh is None:
            fh = self.handles[section] = open(self.tmp / f"{len(self.handles)}.jsonl", "w", encoding="utf-8")  # noqa: SIM115
            self.counts[section] = 0
        fh.write(json.dumps(item, ensure_ascii=False, default=_json_default) + "\n")
        self.counts[section] += 1

    def close(self, order: list[str]) -> None:
        for fh in self.handles.values():
            fh.close()
        with open(self.path, "w", encoding="utf-8", newline="\n") as out:
            out.write("{\n")
            for k, v in self.meta.items():
                out.write(
                    f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False, default=_json_default)},\n"
                )
            sections = order + [s for s in self.handles if s not in order]
            written = []
            for s in sections:
                parts = s.split(".")
                written.append(parts)
            _write_nested(out, sections, self.handles, self.tmp)
            out.write("}\n")
        shutil.rmtree(self.tmp, ignore_errors=True)


def _write_nested(out, sections: list[str], handles: dict[str, Any], tmp: Path) -> None:
    """Write sections; dotted names (`entities.companies`) become nested objects."""
    groups: dict[str, list[str]] = {}
    for s in sections:
        groups.setdefault(s.split(".")[0], []).append(s)
    keys = list(groups)
    for gi, g in enumerate(keys):
        last = gi == len(keys) - 1
        subs = groups[g]
        if len(subs) == 1 and "." not in subs[0]:
            out.write(f"  {json.dumps(g, ensure_ascii=False)}: ")
            _write_list(out, handles.get(subs[0]), "  ")
        else:
            out.write(f"  {json.dumps(g, ensure_ascii=False)}: {{\n")
            for si, s in enumerate(subs):
                out.write(f"    {json.dumps(s.split('.', 1)[1], ensure_ascii=False)}: ")
                _write_list(out, handles.get(s), "    ")
                out.write(",\n" if si < len(subs) - 1 else "\n")
            out.write("  }")
        out.write("\n" if last else ",\n")


def _write_list(out, fh, indent: str) -> None:
    if fh is None:
        out.write("[]")
        return
    out.write("[")
    first = True
    with open(fh.name, encoding="utf-8") as src:
        for line in src:
            out.write(("\n" if first else ",\n") + indent + "  " + line.rstrip("\n"))
            first = False
    out.write("]" if first else "\n" + indent + "]")


def _json_default(o: Any) -> Any:
    if isinstance(o, datetime):
        return o.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(o, date):
        return o.isoformat()
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(type(o))
