"""Typing one field: dates, numbers and coordinates, and the per-record `FieldReader`.

Why a module of its own: every source's parser (`etl.parse`, `etl.caseparse`)
types its cells the same way, raising FieldError for an essential field and
keeping the text as written (with a warning) for any other.

Dates accepted: `2024-03-05 21:14:09`, `2024/3/5 21:14`, `2024.3.5`,
`2024年5月23日[ 6时20分]`, ISO `2024-05-21T07:02:44[.123]`, compact
`20240521073044` / `20240521`, date-only forms, Excel datetime cells and Excel
serial numbers.  Times are naive local (China Standard Time).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from etl.readers.detect import HEADERS
from etl.records import FieldError, RawRecord
from graph_schema import identifiers as ids
from graph_schema.identifiers import Phone

__all__ = ["FieldReader", "parse_coord", "parse_date", "parse_datetime", "parse_float", "text_or_none"]

_DT_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*)(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})\s*秒?)?(?:\.\d+)?\s*分?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[\sT]?(\d{2})(\d{2})(\d{2})?)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def text_or_none(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def parse_datetime(value: Any, field: str) -> datetime | None:
    """Typed datetime, None for empty, FieldError for a bad or unrecognised value."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial day number (1900 date system)
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
        raise FieldError(field, f"{field}: 无法识别的日期 {value!r} (unrecognised date)")
    if isinstance(value, str) and len(value) in (10, 16, 19) and value[4:5] == "-":
        try:  # fast path for the common ISO-like forms; anything odd falls through to the regex
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    s = ids.to_halfwidth(str(value)).strip()
    if not s:
        return None
    m = _DT_RE.match(s) or _COMPACT_RE.match(s)
    if not m:
        if re.fullmatch(r"\d{5}(?:\.\d+)?", s):  # an Excel serial stored as text
            return parse_datetime(float(s), field)
        raise FieldError(field, f"{field}: 无法识别的日期格式 '{value}' (unrecognised date format)")
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        raise FieldError(field, f"{field}: 无效日期 '{value}' (invalid date)") from None


def parse_date(value: Any, field: str) -> date | None:
    dt = parse_datetime(value, field)
    return dt.date() if dt else None


_WEIGHT_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(吨|t|公斤|千克|kg)$", re.IGNORECASE)
_PER_TONNE = {"吨": 1.0, "t": 1.0, "公斤": 1000.0, "千克": 1000.0, "kg": 1000.0}


def parse_tons(value: Any, field: str) -> float | None:
    """A weight in tonnes: a number, or one written with its unit (`6.8吨`, `6800kg`, `6800千克`).

    Why: a column headed 数量(吨) still receives the weighbridge's kilograms or a unit typed
    into the cell; read as written they are the same weight, and refusing them loses it."""
    try:
        return parse_float(value, field)
    except FieldError:
        m = _WEIGHT_RE.match(ids.to_halfwidth(str(value)).strip().replace(",", ""))
        if m is None:
            raise
        return float(m.group(1)) / _PER_TONNE[m.group(2).lower()]


def parse_float(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"{field}: 不是数字 {value!r} (not a number)")
    if isinstance(value, int | float):
        return float(value)
    try:
        f = float(value)  # fast path
        if f == f and f not in (float("inf"), float("-inf")):
            return f
    except ValueError:
        pass
    s = ids.to_halfwidth(str(value)).strip().replace(",", "")
    if not s:
        return None
    try:
        f = float(s)
    except ValueError:
        raise FieldError(field, f"{field}: 不是数字 '{value}' (not a number)") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise FieldError(field, f"{field}: 不是有限数字 '{value}' (not a finite number)")
    return f


def parse_coord(value: Any, field: str, lo: float, hi: float) -> float | None:
    f = parse_float(value, field)
    if f is None:
        return None
    if not lo <= f <= hi:
        raise FieldError(field, f"{field}: 坐标超出范围 {f} (out of range {lo}..{hi})")
    return f


_CANON = {src: frozenset(hs) for src, hs in HEADERS.items() if src != "case"}


class FieldReader:
    """Per-record helper: reads fields and collects warnings for kept-but-untyped values."""

    def __init__(self, raw: RawRecord):
        self.raw = raw
        self.f = raw.fields
        self.warnings: list[str] = list(raw.warnings)

    def s(self, name: str) -> str | None:
        return text_or_none(self.f.get(name))

    def required(self, name: str) -> str:
        v = self.s(name)
        if v is None:
            raise FieldError(name, f"{name}: 必填字段为空 (required field is empty)")
        return v

    def dt_required(self, name: str) -> datetime:
        v = parse_datetime(self.f.get(name), name)
        if v is None:
            raise FieldError(name, f"{name}: 时间为空 (required time is empty)")
        return v

    def dt_optional(self, name: str) -> tuple[datetime | None, str | None]:
        try:
            return parse_datetime(self.f.get(name), name), None
        except FieldError as e:
            self.warnings.append(e.reason + "；原值保留 (kept as written)")
            return None, self.s(name)

    def num(self, name: str, parse: Any = None) -> tuple[float | None, str | None]:
        try:
            return (parse or parse_float)(self.f.get(name), name), None
        except FieldError as e:
            self.warnings.append(e.reason + "；原值保留 (kept as written)")
            return None, self.s(name)

    def coord(self, name: str, lo: float, hi: float) -> float | None:
        try:
            return parse_coord(self.f.get(name), name, lo, hi)
        except FieldError as e:
            self.warnings.append(e.reason + "；坐标置空 (coordinate dropped, raw row kept)")
            return None

    def phone(self, name: str, value: Any = None) -> tuple[Phone | None, str | None]:
        text = text_or_none(value) if value is not None else self.s(name)
        if text is None:
            return None, None
        p = ids.parse_phone(text)
        if p is None:
            self.warnings.append(f"{name}: 无法识别的电话号码 '{text}' (unparseable phone, kept as written)")
        return p, text

    def uscc(self, name: str, value: Any = None) -> tuple[str | None, str | None]:
        text = text_or_none(value) if value is not None else self.s(name)
        if text is None:
            return None, None
        code = ids.normalize_uscc(text)
        if code is None:
            self.warnings.append(f"{name}: 统一社会信用代码校验失败 '{text}' (invalid USCC check digit)")
            return None, text
        return code, None

    def base(self) -> dict[str, Any]:
        r = self.raw
        out = {"source": r.source, "file": r.file, "row": r.row, "sha256": r.sha256, "warnings": self.warnings}
        canon = _CANON.get(r.source)
        if canon is not None and not canon.issuperset(self.f):  # keep columns formats.md does not name
            out["extra"] = {k: v for k, v in self.f.items() if k not in canon and v is not None}
        return out
