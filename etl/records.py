"""ETL boundary dataclasses.

Flow: a reader (`etl.readers.iter_records`) turns a file into `RawRecord`s (and
`QuarantineEntry`s for rows it cannot even split into fields); `etl.parse`
turns each `RawRecord` into one typed record below (or a `QuarantineEntry`);
`etl.facts` turns typed records into `graph_schema.model.GraphBatch`es.

Counting rule (per file and in total)::

    records_read == records_loaded + records_quarantined

A blank row is not a record (it is neither read nor quarantined).  Data that is
kept but could not be typed (an invalid optional date, a resident ID with a bad
check digit …) stays on the record as `*_raw` / `*_invalid` and is listed in
`warnings`, so nothing is ever dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from graph_schema.identifiers import Phone

SOURCES = ("hotline", "grid", "case", "anpr", "manifest", "segment", "outfall", "reading")


def sha256_text(text: str) -> str:
    """Stable digest of a record as read (UTF-8 of the decoded text; undecodable bytes kept as-is)."""
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def sha256_obj(obj: Any) -> str:
    """Stable digest of a structured record (JSON line, XLSX row): canonical JSON."""
    return sha256_text(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":")))


# --------------------------------------------------------------------- boundary


@dataclass
class RawRecord:
    """One record as read, fields keyed by canonical header names (after mapping)."""

    source: str  # one of SOURCES
    file: str
    row: int  # 1-based: file line (CSV/JSONL, first line of a multi-line row), sheet row (XLSX), 1 for a case file
    record_id: str | None  # the key as written (composite `a|b|c` for anpr and reading)
    fields: dict[str, Any]
    raw: str | dict[str, Any]  # the row text as read, or the JSON object / XLSX row / case text
    sha256: str
    encoding: str | None = None
    warnings: tuple[str, ...] = ()  # what the reader had to do to read it (a row in another encoding)


# Valid raw inside a JSON string, but str.splitlines() (and editors) break lines there.
_JSON_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


@dataclass
class QuarantineEntry:
    """A record that could not be loaded. Written as one JSON line."""

    file: str
    row: int | None
    field: str | None  # the canonical field at fault, or None for the whole row (field count, bad JSON)
    reason: str  # human-readable, names the field: `来电时间: 无效日期 '2024-04-31 10:05:11' (invalid date)`
    raw: str | dict[str, Any] | None
    source: str | None = None
    record_id: str | None = None

    def to_json(self) -> str:
        """One line whatever the record holds: the characters other line splitters break on are escaped too."""
        return json.dumps(asdict(self), ensure_ascii=False, default=str).translate(_JSON_LINE_BREAKS)


class FieldError(ValueError):
    """Raised by `etl.parse` when an essential field cannot be typed; becomes a QuarantineEntry."""

    def __init__(self, field: str | None, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


class ReaderError(RuntimeError):
    """A whole file cannot be read (unknown encoding, no recognisable header, unknown source)."""


@dataclass
class LoadStats:
    """Per-file (or total) counters. Invariant: read == loaded + quarantined."""

    file: str = ""
    source: str | None = None
    encoding: str | None = None
    records_read: int = 0
    records_loaded: int = 0
    records_quarantined: int = 0
    records_with_warnings: int = 0

    @property
    def balanced(self) -> bool:
        return self.records_read == self.records_loaded + self.records_quarantined

    def add(self, other: LoadStats) -> None:
        self.records_read += other.records_read
        self.records_loaded += other.records_loaded
        self.records_quarantined += other.records_quarantined
        self.records_with_warnings += other.records_with_warnings

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class QuarantineWriter:
    """Append QuarantineEntry lines to a JSONL file (opened lazily)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fh: IO[str] | None = None
        self.count = 0

    def write(self, entry: QuarantineEntry) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # a raw row with undecodable bytes keeps them as \udcXX escapes (valid JSON), not a crash
            self._fh = self.path.open("a", encoding="utf-8", errors="backslashreplace")
        self._fh.write(entry.to_json() + "\n")
        self.count += 1

    def sync(self) -> None:
        """Flush and fsync what was written: the loader calls it before a checkpoint counts these lines."""
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------- typed records


@dataclass(kw_only=True)
class TypedRecord:
    source: str = ""
    file: str = ""
    row: int = 0
    record_id: str = ""  # canonical record id; the Document key is `doc:<source>:<record_id>`
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # columns / header lines / JSON fields not in formats.md

    @property
    def time(self) -> datetime | date | None:  # the record's own time (provenance `seen`)
        return None


@dataclass(kw_only=True)
class HotlineTicket(TypedRecord):
    ticket_id: str
    called_at: datetime
    caller: str | None = None
    caller_phone: Phone | None = None
    caller_phone_raw: str | None = None
    category: str | None = None
    content: str | None = None  # 诉求内容 (free text)
    address: str | None = None
    handling_unit: str | None = None
    status: str | None = None
    closed_at: datetime | None = None
    closed_at_raw: str | None = None  # kept when 办结时间 is present but invalid
    reply: str | None = None  # 回复内容 (free text)

    @property
    def time(self) -> datetime:
        return self.called_at


@dataclass(kw_only=True)
class GridEvent(TypedRecord):
    event_id: str
    reported_at: datetime
    reporter: str | None = None
    reporter_phone: Phone | None = None
    reporter_phone_raw: str | None = None
    grid: str | None = None
    event_type: str | None = None
    description: str | None = None  # 事件描述 (free text)
    lon: float | None = None
    lat: float | None = None
    status: str | None = None
    result: str | None = None  # 处置结果 (free text)

    @property
    def time(self) -> datetime:
        return self.reported_at


@dataclass(kw_only=True)
class Suspect:
    name: str
    gender: str | None = None
    birth: str | None = None  # ISO date `1981-07-15`, or a year `1980`
    id_card: str | None = None  # valid resident ID only
    id_card_invalid: str | None = None  # as written, when the check digit / form is wrong
    address: str | None = None
    phone: Phone | None = None
    phone_raw: str | None = None
    note: str | None = None  # remaining text of the line, e.g. 系该公司生产车间主任
    line: str | None = None  # the header line / JSON object as written


@dataclass(kw_only=True)
class CaseCompany:
    name: str
    uscc: str | None = None  # valid code only
    uscc_invalid: str | None = None
    line: str | None = None
    # (relationship type, person's name) the entry states: ("REPRESENTS", "罗永年") from
    # `（法定代表人：罗永年）` or a JSON `"法定代表人"` key; OWNS for 实际控制人 / 负责人 …
    people: list[tuple[str, str]] = field(default_factory=list)


@dataclass(kw_only=True)
class CaseVehicle:
    written: str  # as in the file: `浙E·5G378（重型罐式货车）`
    plate: str | None = None  # normalised plate
    vessel: str | None = None  # normalised vessel number, when the entry is a boat
    kind: str | None = None  # bracketed vehicle type: 重型罐式货车
    source_field: str = "涉案车辆"  # the case field it came from (涉案车辆 / 涉案船舶)
    # (role, name, basis) statements of the entry itself: ("owner", "张建华", "registered"),
    # ("driver", "李国强", None) — from `登记车主：张建华`, `实际使用人李国强`, JSON keys
    roles: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass(kw_only=True)
class CaseFile(TypedRecord):
    case_id: str
    cause: str | None = None  # 案由
    filed_at: date | None = None  # 立案时间
    filed_at_raw: str | None = None
    unit: str | None = None  # 办案单位
    suspects: list[Suspect] = field(default_factory=list)
    vehicles: list[CaseVehicle] = field(default_factory=list)
    companies: list[CaseCompany] = field(default_factory=list)
    narrative: str | None = None  # 简要案情 (free text)

    @property
    def time(self) -> date | None:
        return self.filed_at


@dataclass(kw_only=True)
class PlateRead(TypedRecord):
    seen_at: datetime
    plate: str | None  # normalised; None when the plate as written is not a standard plate
    plate_raw: str
    checkpoint_id: str
    checkpoint_name: str | None = None
    lon: float | None = None
    lat: float | None = None

    @property
    def time(self) -> datetime:
        return self.seen_at


@dataclass(kw_only=True)
class Manifest(TypedRecord):
    manifest_id: str
    producer: str | None = None
    producer_uscc: str | None = None
    producer_uscc_invalid: str | None = None
    carrier: str | None = None
    plate: str | None = None
    plate_raw: str | None = None
    driver: str | None = None
    receiver: str | None = None
    receiver_uscc: str | None = None
    receiver_uscc_invalid: str | None = None
    waste_name: str | None = None
    waste_code: str | None = None  # `HW34`
    waste_code_detail: str | None = None  # the national list's eight-digit code `900-300-34`, when written
    drivers: list[str] = field(default_factory=list)  # 驾驶员 may name two: `邱海、王军`
    tons: float | None = None
    tons_raw: str | None = None
    transferred_at: datetime

    @property
    def time(self) -> datetime:
        return self.transferred_at


@dataclass(kw_only=True)
class RiverSegment(TypedRecord):
    segment_id: str
    name: str | None = None
    downstream_id: str | None = None  # None at an outlet


@dataclass(kw_only=True)
class Outfall(TypedRecord):
    outfall_id: str
    name: str | None = None
    owner: str | None = None
    owner_uscc: str | None = None
    owner_uscc_invalid: str | None = None
    segment_id: str | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass(kw_only=True)
class Reading(TypedRecord):
    station_id: str
    station_name: str | None = None
    segment_id: str | None = None
    measured_at: datetime
    indicator: str
    value: float | None = None
    value_raw: str | None = None  # kept when not a number (`<0.01`, `未检出`)
    exceeded: bool | None = None

    @property
    def time(self) -> datetime:
        return self.measured_at


TYPED_BY_SOURCE: dict[str, type[TypedRecord]] = {
    "hotline": HotlineTicket,
    "grid": GridEvent,
    "case": CaseFile,
    "anpr": PlateRead,
    "manifest": Manifest,
    "segment": RiverSegment,
    "outfall": Outfall,
    "reading": Reading,
}
