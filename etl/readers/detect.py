"""Canonical headers per source, header matching, encoding and source detection."""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from etl.records import ReaderError

# Canonical headers (formats.md).  `KEYS` are the fields that make the record id.
HEADERS: dict[str, tuple[str, ...]] = {
    "hotline": (
        "工单编号",
        "来电时间",
        "来电人",
        "来电号码",
        "诉求类型",
        "诉求内容",
        "事发地址",
        "承办单位",
        "办理状态",
        "办结时间",
        "回复内容",
    ),
    "grid": (
        "事件编号",
        "上报时间",
        "上报人",
        "上报人电话",
        "所属网格",
        "事件类型",
        "事件描述",
        "经度",
        "纬度",
        "处置状态",
        "处置结果",
    ),
    "anpr": ("过车时间", "车牌号", "卡口编号", "卡口名称", "经度", "纬度"),
    "manifest": (
        "联单编号",
        "产废单位",
        "产废单位统一社会信用代码",
        "运输单位",
        "运输车牌",
        "驾驶员",
        "接收单位",
        "接收单位统一社会信用代码",
        "废物名称",
        "废物代码",
        "数量(吨)",
        "转移时间",
    ),
    "segment": ("河段编号", "河段名称", "下游河段编号"),
    "outfall": ("排口编号", "排口名称", "所属单位", "所属单位统一社会信用代码", "排入河段编号", "经度", "纬度"),
    "reading": ("站点编号", "站点名称", "所在河段编号", "监测时间", "指标", "数值", "是否超标"),
    "case": ("案件编号", "案由", "立案时间", "办案单位", "犯罪嫌疑人", "涉案车辆", "涉案单位", "简要案情"),
}

KEYS: dict[str, tuple[str, ...]] = {
    "hotline": ("工单编号",),
    "grid": ("事件编号",),
    "anpr": ("卡口编号", "过车时间", "车牌号"),
    "manifest": ("联单编号",),
    "segment": ("河段编号",),
    "outfall": ("排口编号",),
    "reading": ("站点编号", "监测时间", "指标"),
    "case": ("案件编号",),
}

# Headers that must all be present for a tabular source to be recognised.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "hotline": ("工单编号", "来电时间"),
    "grid": ("事件编号", "上报时间"),
    "anpr": ("过车时间", "车牌号", "卡口编号"),
    "manifest": ("联单编号", "转移时间"),
    "segment": ("河段编号", "下游河段编号"),
    "outfall": ("排口编号", "排入河段编号"),
    "reading": ("站点编号", "监测时间", "指标"),
}
TABULAR_SOURCES = tuple(_REQUIRED)


def norm_header(h: Any) -> str:
    """Header cell → comparable form: NFKC (full-width brackets → ASCII), no whitespace, no BOM."""
    if h is None:
        return ""
    s = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "")
    return re.sub(r"\s+", "", s)


def score_headers(cells: list[str]) -> tuple[str | None, float]:
    """Best tabular source for a header row: (source, fraction of its canonical headers present)."""
    present = set(cells)
    best: tuple[str | None, float] = (None, 0.0)
    for source, required in _REQUIRED.items():
        if not all(r in present for r in required):
            continue
        frac = sum(h in present for h in HEADERS[source]) / len(HEADERS[source])
        if frac > best[1]:
            best = (source, frac)
    return best


# ------------------------------------------------------------------ encoding

_SAMPLE = 1 << 20  # bytes decoded strictly to decide the encoding
_ASCII_SCAN_LIMIT = 64 << 20  # keep scanning an all-ASCII head this far for the first non-ASCII byte
_MIXED_LINES_TOLERATED = 10  # at most 1 line in 10 of the sample may be in another encoding


def _decodes(data: bytes, encoding: str, final: bool) -> bool:
    dec = codecs.getincrementaldecoder(encoding)("strict")
    try:
        dec.decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path) -> str:
    """`utf-8-sig` (BOM), `utf-16` (BOM), `utf-8` or `gb18030` — or ReaderError.

    BOM first; otherwise a strict UTF-8 decode of the first MiB (an all-ASCII
    head is scanned further, up to 64 MiB, for the first non-ASCII bytes),
    else a strict GB18030 decode.  UTF-8 is tried first because GBK text is
    almost never valid UTF-8, while UTF-8 text often *is* decodable as GB18030
    (as mojibake).  If neither decodes cleanly the file is refused with an
    error naming it, never guessed.
    """
    p = Path(path)
    with p.open("rb") as fh:
        head = fh.read(_SAMPLE)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        sample = head
        scanned = len(head)
        while sample.isascii() and len(sample) == _SAMPLE and scanned < _ASCII_SCAN_LIMIT:
            sample = fh.read(_SAMPLE)
            scanned += len(sample)
        final = len(sample) < _SAMPLE  # the sample reaches EOF: a cut multi-byte char is an error
    if sample.isascii():
        return "utf-8"
    if _decodes(sample, "utf-8", final):
        return "utf-8"
    if _decodes(sample, "gb18030", final):
        return "gb18030"
    # Neither decodes the whole sample: an export stitched from two systems has a few rows
    # in the other encoding.  The encoding nearly every line decodes in is the file's; the
    # reader then re-decodes or quarantines the odd rows, each one named (`redecode_row`).
    lines = [ln for ln in (sample if final else sample[: sample.rfind(b"\n") + 1]).split(b"\n") if ln.strip()]
    for enc in ("utf-8", "gb18030"):
        failing = sum(not _decodes(ln, enc, True) for ln in lines)
        if lines and failing * _MIXED_LINES_TOLERATED <= len(lines):
            return enc
    raise ReaderError(f"{p}: 无法识别文件编码，既不是 UTF-8 也不是 GB18030 (encoding is neither UTF-8 nor GB18030)")


_OTHER_ENCODING = {"utf-8": "gb18030", "utf-8-sig": "gb18030", "gb18030": "utf-8"}


def utf8_row_in_gb18030(data: bytes) -> str | None:
    """The bytes of a row of a GB18030 file, as UTF-8 if that is what they are, else None.

    GB18030 decodes UTF-8 bytes as mojibake, often without an error, so the row is
    tested the other way round: its bytes must be valid UTF-8 whose non-ASCII
    characters are all CJK-range (U+2000 and up).  GBK text that happens to be valid
    UTF-8 decodes to U+0080–U+07FF (Latin, Greek, Cyrillic), never to Chinese.
    """
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if all(c < "\x80" or c >= "\u2000" for c in decoded) else None


def redecode_row(text: str, encoding: str) -> tuple[str, str] | None:
    """A row read with undecodable bytes (surrogate escapes), decoded in the other encoding.

    Returns (text, that encoding), or None when it does not decode there either.
    """
    other = _OTHER_ENCODING.get(encoding)
    if other is None:
        return None
    try:
        return text.encode(encoding.removesuffix("-sig"), "surrogateescape").decode(other), other
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


# ------------------------------------------------------------------- source

_CASE_LINE = re.compile(r"^\s*(案件编号|案由|立案时间|办案单位|犯罪嫌疑人|涉案车辆|涉案单位|简要案情)\s*[:：]")


def _first_line(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        for line in fh:
            if line.strip():
                return line
    return ""


def sniff_delimiter(header_line: str) -> str:
    """Comma, unless the header line is tab- (TSV) or semicolon-separated and has no comma."""
    if "," in header_line:
        return ","
    for d in ("\t", ";", "|"):
        if d in header_line:
            return d
    return ","


def detect_source(path: str | Path, mapping: dict[str, str] | None = None) -> str:
    """hotline/grid/case/anpr/manifest/segment/outfall/reading from the file's headers or structure.

    `mapping` is a city→canonical header mapping (see `etl.readers.mapping`), applied before matching.
    """
    from etl.readers.mapping import apply_mapping, load_mapping

    mapping = load_mapping(mapping)  # accepts a mapping file, either direction; idempotent
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".docx":
        return "case"
    if ext in (".xlsx", ".xlsm"):
        import openpyxl

        from etl.readers.xlsxfile import find_header

        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                found = find_header(ws, mapping)
                if found:
                    return found[0]
        finally:
            wb.close()
        raise ReaderError(f"{p}: 未找到可识别的表头 (no known header row in any sheet)")
    encoding = detect_encoding(p)
    first = _first_line(p, encoding)
    stripped = first.lstrip("\ufeff").strip()
    if ext in (".json", ".jsonl") or stripped.startswith(("{", "[")):
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                obj = json.loads(stripped)
            except json.JSONDecodeError:
                obj = None
            if isinstance(obj, dict):  # one object per line: JSONL
                keys = [norm_header(k) for k in obj]
                keys = apply_mapping(keys, mapping)
                src, _ = score_headers(keys)
                if src:
                    return src
                if any(k in keys for k in ("案件编号", "简要案情", "嫌疑人")):
                    return "case"
        # a pretty-printed JSON document: a case file
        with p.open("r", encoding=encoding) as fh:
            try:
                obj = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ReaderError(f"{p}: 不是有效的 JSON (invalid JSON: {exc})") from exc
        if isinstance(obj, dict):
            keys = apply_mapping([norm_header(k) for k in obj], mapping)
            if any(k in keys for k in ("案件编号", "简要案情", "嫌疑人", "犯罪嫌疑人")):
                return "case"
        raise ReaderError(f"{p}: 无法识别的 JSON 结构 (unrecognised JSON structure)")
    if _CASE_LINE.match(stripped):
        return "case"
    # CSV (or a .txt export that is really CSV)
    import csv

    try:
        cells = next(csv.reader([stripped], delimiter=sniff_delimiter(stripped)))
    except (csv.Error, StopIteration):
        cells = []
    cells = apply_mapping([norm_header(c) for c in cells], mapping)
    src, _ = score_headers(cells)
    if src:
        return src
    raise ReaderError(f"{p}: 无法识别数据来源，表头为 {cells[:12]} (unknown source; pass --source or --mapping)")
