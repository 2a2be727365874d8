"""Typed parsing of RawRecords: `parse_record(raw) -> TypedRecord`, raising FieldError.

Per-field policy (what happens when a value cannot be typed)
------------------------------------------------------------
*Essential* fields quarantine the record (FieldError naming the field):

| source   | essential fields |
|----------|------------------|
| hotline  | 工单编号, 来电时间 |
| grid     | 事件编号, 上报时间 |
| case     | — (案件编号 falls back to the file name with a warning) |
| anpr     | 过车时间, 车牌号 (empty), 卡口编号 |
| manifest | 联单编号, 转移时间 |
| segment  | 河段编号 |
| outfall  | 排口编号 |
| reading  | 站点编号, 监测时间, 指标 |

Everything else is *kept* when it cannot be typed: the typed attribute is
None, the text as written goes to `<attr>_raw` (dates, numbers, phones) or
`<attr>_invalid` (resident IDs, company codes), and a human-readable note
goes to `record.warnings` (then onto the Document node).  Nothing is dropped
silently:

* 办结时间 / 立案时间 invalid → `closed_at_raw` / `filed_at_raw` + warning.
* 经度 / 纬度 not a number or out of range → None + warning (missing → None, no warning).
* a phone that does not parse → `*_phone_raw` + warning; a masked phone is kept as
  `Phone(masked=True)` (never an identity).
* a resident ID with a bad check digit → the suspect is kept without a strong
  id, `id_card_invalid` holds it, + warning.
* a USCC with a bad check digit → the company is keyed by name, `*_uscc_invalid`.
* a plate read whose plate does not normalise (`WJ浙12345`) → `plate=None`,
  `plate_raw` kept (facts key it by the cleaned text, flagged non-standard);
  a placeholder such as `未识别` / `无牌` is quarantined (it identifies nothing).
* 数量(吨) / 数值 not a number → `tons_raw` / `value_raw` + warning (a weight written with its unit,
  `6.8吨` / `6800kg`, is read in tonnes); 废物代码 `HW17` or `336-064-17` → category + eight-digit code;
  驾驶员 `邱海、王军` → two drivers.

Scalars and the per-record reader are `etl.fieldparse` (with the date forms
accepted); case files' suspects, companies and vehicles are `etl.caseparse`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from etl.caseparse import case_file
from etl.fieldparse import FieldReader, parse_tons
from etl.records import (
    FieldError,
    GridEvent,
    HotlineTicket,
    Manifest,
    Outfall,
    PlateRead,
    QuarantineEntry,
    RawRecord,
    Reading,
    RiverSegment,
    TypedRecord,
)
from graph_schema import identifiers as ids

__all__ = [
    "FieldError",
    "clean_plate_text",
    "iter_typed",
    "parse_or_quarantine",
    "parse_record",
]

# ------------------------------------------------------------------- sources


def _hotline(c: FieldReader) -> HotlineTicket:
    tid = c.required("工单编号")
    called = c.dt_required("来电时间")
    phone, phone_raw = c.phone("来电号码")
    closed, closed_raw = c.dt_optional("办结时间")
    return HotlineTicket(
        **c.base(),
        record_id=tid,
        ticket_id=tid,
        called_at=called,
        caller=c.s("来电人"),
        caller_phone=phone,
        caller_phone_raw=phone_raw,
        category=c.s("诉求类型"),
        content=c.s("诉求内容"),
        address=c.s("事发地址"),
        handling_unit=c.s("承办单位"),
        status=c.s("办理状态"),
        closed_at=closed,
        closed_at_raw=closed_raw,
        reply=c.s("回复内容"),
    )


def _grid(c: FieldReader) -> GridEvent:
    eid = c.required("事件编号")
    phone, phone_raw = c.phone("上报人电话")
    return GridEvent(
        **c.base(),
        record_id=eid,
        event_id=eid,
        reported_at=c.dt_required("上报时间"),
        reporter=c.s("上报人"),
        reporter_phone=phone,
        reporter_phone_raw=phone_raw,
        grid=c.s("所属网格"),
        event_type=c.s("事件类型"),
        description=c.s("事件描述"),
        lon=c.coord("经度", -180, 180),
        lat=c.coord("纬度", -90, 90),
        status=c.s("处置状态"),
        result=c.s("处置结果"),
    )


_PLACEHOLDER_PLATES = {"未识别", "无牌", "无车牌", "无号牌", "未知", "车牌", "无", "-", "--", "0", "NULL", "NONE"}


_SEPARATORS = re.compile(rf"[\s{re.escape(ids.PLATE_SEPARATORS)}]")


def clean_plate_text(text: str) -> str:
    """Spelling-level cleaning of a plate that does not normalise (width, separators, case)."""
    t = ids.to_halfwidth(text).strip()
    t = re.split(r"[（(]", t, maxsplit=1)[0]
    return _SEPARATORS.sub("", t).upper()


def _time_id(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _anpr(c: FieldReader) -> PlateRead:
    kk = c.required("卡口编号")
    seen = c.dt_required("过车时间")
    plate_raw = c.required("车牌号")
    plate = ids.normalize_plate(plate_raw)
    if plate is None:
        cleaned = clean_plate_text(plate_raw)
        if not cleaned or cleaned in _PLACEHOLDER_PLATES or not re.search(r"[0-9A-Z]{3}", cleaned):
            raise FieldError("车牌号", f"车牌号: 未识别的车牌 '{plate_raw}' (no plate read)")
        c.warnings.append(f"车牌号: 非标准车牌 '{plate_raw}' (non-standard plate, kept as written)")
    rid = f"{kk}@{_time_id(seen)}@{plate or clean_plate_text(plate_raw)}"
    return PlateRead(
        **c.base(),
        record_id=rid,
        seen_at=seen,
        plate=plate,
        plate_raw=plate_raw,
        checkpoint_id=kk,
        checkpoint_name=c.s("卡口名称"),
        lon=c.coord("经度", -180, 180),
        lat=c.coord("纬度", -90, 90),
    )


def _manifest(c: FieldReader) -> Manifest:
    mid = c.required("联单编号")
    when = c.dt_required("转移时间")
    p_uscc, p_bad = c.uscc("产废单位统一社会信用代码")
    r_uscc, r_bad = c.uscc("接收单位统一社会信用代码")
    plate_raw = c.s("运输车牌")
    plate = ids.normalize_plate(plate_raw)
    if plate_raw and plate is None:
        c.warnings.append(f"运输车牌: 非标准车牌 '{plate_raw}' (non-standard plate, kept as written)")
    tons, tons_raw = c.num("数量(吨)", parse_tons)
    code = c.s("废物代码")
    category, code8 = ids.normalize_waste_code(code)
    driver = c.s("驾驶员")
    drivers = [
        d for d in re.split(r"[、，,；;/\s]+|(?<=[\u4e00-\u9fff])(?:和|及)(?=[\u4e00-\u9fff]{2})", driver or "") if d
    ]
    return Manifest(
        **c.base(),
        record_id=mid,
        manifest_id=mid,
        producer=c.s("产废单位"),
        producer_uscc=p_uscc,
        producer_uscc_invalid=p_bad,
        carrier=c.s("运输单位"),
        plate=plate,
        plate_raw=plate_raw,
        driver=driver,
        drivers=drivers,
        receiver=c.s("接收单位"),
        receiver_uscc=r_uscc,
        receiver_uscc_invalid=r_bad,
        waste_name=c.s("废物名称"),
        waste_code=category or (ids.to_halfwidth(code).upper().replace(" ", "") if code else None),
        waste_code_detail=code8,
        tons=tons,
        tons_raw=tons_raw,
        transferred_at=when,
    )


def _segment(c: FieldReader) -> RiverSegment:
    sid = c.required("河段编号")
    return RiverSegment(
        **c.base(), record_id=sid, segment_id=sid, name=c.s("河段名称"), downstream_id=c.s("下游河段编号")
    )


def _outfall(c: FieldReader) -> Outfall:
    oid = c.required("排口编号")
    uscc, bad = c.uscc("所属单位统一社会信用代码")
    return Outfall(
        **c.base(),
        record_id=oid,
        outfall_id=oid,
        name=c.s("排口名称"),
        owner=c.s("所属单位"),
        owner_uscc=uscc,
        owner_uscc_invalid=bad,
        segment_id=c.s("排入河段编号"),
        lon=c.coord("经度", -180, 180),
        lat=c.coord("纬度", -90, 90),
    )


_YES = {"是", "超标", "Y", "YES", "TRUE", "1", "√"}
_NO = {"否", "未超标", "达标", "N", "NO", "FALSE", "0", "×"}


def _reading(c: FieldReader) -> Reading:
    st = c.required("站点编号")
    when = c.dt_required("监测时间")
    ind = c.required("指标")
    value, value_raw = c.num("数值")
    flag = c.s("是否超标")
    exceeded: bool | None = None
    if flag is not None:
        up = ids.to_halfwidth(flag).strip().upper()
        if up in _YES:
            exceeded = True
        elif up in _NO:
            exceeded = False
        else:
            c.warnings.append(f"是否超标: 无法识别 '{flag}' (expected 是/否)")
    return Reading(
        **c.base(),
        record_id=f"{st}@{_time_id(when)}@{ind}",
        station_id=st,
        station_name=c.s("站点名称"),
        segment_id=c.s("所在河段编号"),
        measured_at=when,
        indicator=ind,
        value=value,
        value_raw=value_raw,
        exceeded=exceeded,
    )


_PARSERS = {
    "hotline": _hotline,
    "grid": _grid,
    "case": case_file,
    "anpr": _anpr,
    "manifest": _manifest,
    "segment": _segment,
    "outfall": _outfall,
    "reading": _reading,
}


def parse_record(raw: RawRecord) -> TypedRecord:
    """RawRecord → typed record; raises FieldError(field, reason) for an essential field."""
    try:
        parser = _PARSERS[raw.source]
    except KeyError:
        raise FieldError(None, f"未知数据来源 {raw.source!r} (unknown source)") from None
    return parser(FieldReader(raw))


def parse_or_quarantine(raw: RawRecord) -> TypedRecord | QuarantineEntry:
    """parse_record, turning a FieldError into the QuarantineEntry for the record."""
    try:
        return parse_record(raw)
    except FieldError as e:
        return QuarantineEntry(
            file=raw.file,
            row=raw.row,
            field=e.field,
            reason=e.reason,
            raw=raw.raw,
            source=raw.source,
            record_id=raw.record_id,
        )


def iter_typed(
    path: Any,
    source: str | None = None,
    mapping: Any = None,
    stats: Any = None,
) -> Iterator[TypedRecord | QuarantineEntry]:
    """Read + parse one file: typed records and quarantine entries, counted into `stats` (a LoadStats).

    Each yielded item is one record read, so `stats.records_read == stats.records_loaded +
    stats.records_quarantined` holds at every point of the stream.
    """
    from etl.readers import iter_records

    for item in iter_records(path, source=source, mapping=mapping):
        out = item if isinstance(item, QuarantineEntry) else parse_or_quarantine(item)
        if stats is not None:
            stats.records_read += 1
            if isinstance(out, QuarantineEntry):
                stats.records_quarantined += 1
            else:
                stats.records_loaded += 1
                if out.warnings:
                    stats.records_with_warnings += 1
                if stats.source is None:
                    stats.source = out.source
            if not isinstance(item, QuarantineEntry) and stats.encoding is None:
                stats.encoding = item.encoding
        yield out
