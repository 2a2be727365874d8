"""Case-file reader: one record per .txt / .docx / .json file.

Text and docx cases are header lines `键：值` (full- or half-width colon) then
the narrative after `简要案情：`, which may run over several lines or
paragraphs.  Any header may be missing and 犯罪嫌疑人 / 涉案车辆 / 涉案单位 may
repeat, so those three are lists.  The JSON form is passed through with its
own field names (嫌疑人 objects, 涉案车辆 strings, 涉案单位 objects).

Without 案件编号 the file name (stem) becomes the record id and the record
carries `_id_from_filename` (etl.caseparse turns it into a warning): a case file is
too valuable to quarantine for a missing number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from etl.readers.common import clean_cell, reread_row
from etl.readers.detect import detect_encoding, norm_header
from etl.readers.mapping import apply_mapping
from etl.records import QuarantineEntry, RawRecord, sha256_text

MULTI = ("犯罪嫌疑人", "涉案车辆", "涉案船舶", "涉案单位")
# other names written for a multi-valued header (涉案船只 is as common as 涉案船舶)
_HEADER_ALIASES = {"涉案船只": "涉案船舶", "涉案渔船": "涉案船舶", "嫌疑人": "犯罪嫌疑人"}
SINGLE = ("案件编号", "案由", "立案时间", "办案单位")
NARRATIVE = "简要案情"
_KNOWN = set(MULTI) | set(SINGLE) | {NARRATIVE}
_LINE = re.compile(r"^\s*([\u4e00-\u9fffA-Za-z（）()]{2,12})\s*[:：]\s*(.*)$", re.S)


def _read_text(p: Path) -> tuple[str, str | None]:
    if p.suffix.lower() == ".docx":
        import docx

        d = docx.Document(str(p))
        lines = [para.text for para in d.paragraphs]
        for table in d.tables:  # header lines laid out as a two-column table
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells]
                if len(cells) >= 2 and cells[0]:
                    lines.append(f"{cells[0]}：{cells[1]}")
        return "\n".join(lines), None
    enc = detect_encoding(p)
    return p.read_bytes().decode(enc, errors="surrogateescape"), enc


def parse_case_text(text: str, mapping: dict[str, str] | None = None) -> dict[str, Any]:
    """Header lines → fields; everything after 简要案情 is the narrative (until a known header line)."""
    fields: dict[str, Any] = {k: [] for k in MULTI}
    extra: dict[str, str] = {}
    narrative: list[str] | None = None
    preamble: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n"):
        if not line.strip():
            continue
        m = _LINE.match(line)
        key = apply_mapping([norm_header(m.group(1))], mapping)[0] if m else None
        key = _HEADER_ALIASES.get(key, key) if key else key
        if m and key in _KNOWN:
            value = m.group(2).strip()
            if key != NARRATIVE and narrative is not None:
                # a known header after the narrative ends it (e.g. a trailing 涉案单位 line)
                fields[NARRATIVE] = "\n".join(narrative) or None
                narrative = None
            if key == NARRATIVE:
                narrative = [value] if value else []
            elif key in MULTI:
                fields[key].append(value)
            elif not fields.get(key):
                fields[key] = value or None
            continue
        if narrative is not None:
            narrative.append(line.strip())
        elif m:
            extra[m.group(1).strip()] = m.group(2).strip()
        else:
            preamble.append(line.strip())
    if narrative is not None:
        fields[NARRATIVE] = "\n".join(narrative) or None
    if preamble:
        extra["_preamble"] = "\n".join(preamble)
    if extra:
        fields["_extra"] = extra
    return fields


def read_case(path: str | Path, mapping: dict[str, str] | None = None) -> RawRecord | QuarantineEntry:
    p = Path(path)
    file = str(p)
    text, enc = _read_text(p)
    warnings: list[str] = []
    if enc is not None:  # lines in the other encoding: read right, or the file quarantined readably
        lines = text.split("\n")
        for i, line in enumerate(lines):
            reread = reread_row(line, enc, file, i + 1, "case")
            if isinstance(reread, QuarantineEntry):
                return reread
            if reread is not None:
                lines[i], (warning,) = reread
                warnings.append(warning)
        text = "\n".join(lines) if warnings else text
    raw: str | dict[str, Any] = text
    if p.suffix.lower() == ".json" or text.lstrip("\ufeff").lstrip().startswith("{"):
        try:
            obj = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            return QuarantineEntry(file, 1, None, f"不是有效的 JSON (invalid JSON: {exc.msg})", text, "case")
        if not isinstance(obj, dict):
            return QuarantineEntry(file, 1, None, "不是 JSON 对象 (not a JSON object)", text, "case")
        names = apply_mapping([norm_header(k) for k in obj], mapping)
        fields = {n: clean_cell(v) for n, v in zip(names, obj.values())}
        raw = obj
    else:
        fields = parse_case_text(text, mapping)
    has_content = any(fields.get(k) for k in (*SINGLE, *MULTI, NARRATIVE, "嫌疑人"))
    if not has_content:
        return QuarantineEntry(file, 1, None, "未找到案件要素 (no case header lines or 简要案情 found)", raw, "case")
    case_id = fields.get("案件编号")
    if not isinstance(case_id, str) or not case_id.strip():
        case_id = p.stem
        fields["_id_from_filename"] = True
    return RawRecord(
        source="case",
        file=file,
        row=1,
        record_id=case_id.strip(),
        fields=fields,
        raw=raw,
        sha256=sha256_text(text),
        encoding=enc,
        warnings=tuple(warnings),
    )
