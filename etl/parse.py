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
* 数量(吨) / 数值 not a number → `tons_raw` / `value_raw` + warning.

Dates accepted: `2024-03-05 21:14:09`, `2024/3/5 21:14`, `2024.3.5`,
`2024年5月23日[ 6时20分]`, ISO `2024-05-21T07:02:44[.123]`, compact
`20240521073044` / `20240521`, date-only forms, Excel datetime cells and Excel
serial numbers.  Times are naive local (China Standard Time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from etl import caselinks
from etl.readers.detect import HEADERS
from etl.records import (
    CaseCompany,
    CaseFile,
    CaseVehicle,
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
    Suspect,
    TypedRecord,
)
from graph_schema import identifiers as ids
from graph_schema.identifiers import Phone

__all__ = [
    "FieldError",
    "parse_record",
    "parse_or_quarantine",
    "iter_typed",
    "parse_datetime",
    "parse_date",
    "parse_float",
    "parse_coord",
    "parse_suspect_line",
    "parse_company_line",
    "parse_vehicle_entry",
]

# ------------------------------------------------------------------- scalars

_DT_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*)(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})\s*秒?)?(?:\.\d+)?\s*分?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[\sT]?(\d{2})(\d{2})(\d{2})?)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _text(v: Any) -> str | None:
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


class _Ctx:
    """Per-record helper: reads fields and collects warnings for kept-but-untyped values."""

    def __init__(self, raw: RawRecord):
        self.raw = raw
        self.f = raw.fields
        self.warnings: list[str] = list(raw.warnings)

    def s(self, name: str) -> str | None:
        return _text(self.f.get(name))

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

    def num(self, name: str) -> tuple[float | None, str | None]:
        try:
            return parse_float(self.f.get(name), name), None
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
        text = _text(value) if value is not None else self.s(name)
        if text is None:
            return None, None
        p = ids.parse_phone(text)
        if p is None:
            self.warnings.append(f"{name}: 无法识别的电话号码 '{text}' (unparseable phone, kept as written)")
        return p, text

    def uscc(self, name: str, value: Any = None) -> tuple[str | None, str | None]:
        text = _text(value) if value is not None else self.s(name)
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


# ------------------------------------------------------------------- sources


def _hotline(c: _Ctx) -> HotlineTicket:
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


def _grid(c: _Ctx) -> GridEvent:
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


def _anpr(c: _Ctx) -> PlateRead:
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


def _manifest(c: _Ctx) -> Manifest:
    mid = c.required("联单编号")
    when = c.dt_required("转移时间")
    p_uscc, p_bad = c.uscc("产废单位统一社会信用代码")
    r_uscc, r_bad = c.uscc("接收单位统一社会信用代码")
    plate_raw = c.s("运输车牌")
    plate = ids.normalize_plate(plate_raw)
    if plate_raw and plate is None:
        c.warnings.append(f"运输车牌: 非标准车牌 '{plate_raw}' (non-standard plate, kept as written)")
    tons, tons_raw = c.num("数量(吨)")
    code = c.s("废物代码")
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
        driver=c.s("驾驶员"),
        receiver=c.s("接收单位"),
        receiver_uscc=r_uscc,
        receiver_uscc_invalid=r_bad,
        waste_name=c.s("废物名称"),
        waste_code=ids.to_halfwidth(code).upper().replace(" ", "") if code else None,
        tons=tons,
        tons_raw=tons_raw,
        transferred_at=when,
    )


def _segment(c: _Ctx) -> RiverSegment:
    sid = c.required("河段编号")
    return RiverSegment(
        **c.base(), record_id=sid, segment_id=sid, name=c.s("河段名称"), downstream_id=c.s("下游河段编号")
    )


def _outfall(c: _Ctx) -> Outfall:
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


def _reading(c: _Ctx) -> Reading:
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


# --------------------------------------------------------------------- cases

_BIRTH_RE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?\s*(?:出生|生)")
_ISO_BIRTH_RE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?)?$")
_ID_RE = re.compile(r"(?:公民)?身份(?:证)?(?:号码|号)?\s*[:：]?\s*([0-9０-９]{17}[0-9０-９Xx])")
_BARE_ID_RE = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])")
_PHONE_RE = re.compile(r"(?:联系电话|电话|手机号码|手机号|手机)\s*[:：]?\s*([0-9０-９\-\*＊xX\s]{7,16}\d)")
_ADDR_RE = re.compile(r"^(?:住址|住|户籍地|户籍所在地|现住|暂住)\s*[:：]?\s*(.+)$")
_GENDER = {"男", "女"}


def _birth_from(text: str | None) -> str | None:
    if not text:
        return None
    m = _ISO_BIRTH_RE.match(ids.to_halfwidth(text).strip())
    if not m:
        return None
    y, mo, d = m.groups()
    if not mo:
        return y
    try:
        return date(int(y), int(mo), int(d or 1)).isoformat() if d else f"{y}-{int(mo):02d}"
    except ValueError:
        return None


def parse_suspect_line(line: str, warnings: list[str]) -> Suspect | None:
    """`周卫东，男，1981年7月15日出生，身份证号341822…，住长兴县…，联系电话151…。` → Suspect."""
    text = line.strip().rstrip("。.；;")
    if not text:
        return None
    parts = [p.strip() for p in re.split(r"[，,；;]", text) if p.strip()]
    name = re.sub(r"[（(].*$", "", parts[0]).strip() if parts else ""
    if not name:
        return None
    s = Suspect(name=name, line=line)
    rest: list[str] = []
    for part in parts[1:]:
        if part in _GENDER:
            s.gender = part
            continue
        m = _BIRTH_RE.search(part)
        if m and s.birth is None:
            y, mo, d = m.groups()
            if mo and d:
                try:
                    s.birth = date(int(y), int(mo), int(d)).isoformat()
                except ValueError:
                    warnings.append(f"犯罪嫌疑人 {name}: 无效出生日期 '{part}' (invalid birth date)")
                    s.birth = y
            else:
                s.birth = f"{y}-{int(mo):02d}" if mo else y
            continue
        m = _ID_RE.search(part) or (_BARE_ID_RE.search(part) if re.search(r"\d{17}", part) else None)
        if m:
            _set_id(s, m.group(1), warnings)
            continue
        m = _PHONE_RE.search(part)
        if m:
            _set_phone(s, m.group(1), warnings)
            continue
        m = _ADDR_RE.match(part)
        if m and s.address is None:
            s.address = m.group(1).strip()
            continue
        rest.append(part)
    if rest:
        s.note = "，".join(rest)
    if s.birth is None and s.id_card:
        s.birth = f"{s.id_card[6:10]}-{s.id_card[10:12]}-{s.id_card[12:14]}"
    return s


def _set_id(s: Suspect, text: str, warnings: list[str]) -> None:
    t = ids.to_halfwidth(str(text)).strip().upper()
    if not t:
        return
    valid = ids.normalize_resident_id(t)
    if valid:
        s.id_card = valid
    else:
        s.id_card_invalid = t
        warnings.append(f"犯罪嫌疑人 {s.name}: 身份证号校验失败 '{t}' (invalid resident ID, kept without a strong id)")


def _set_phone(s: Suspect, text: str, warnings: list[str]) -> None:
    t = str(text).strip()
    if not t:
        return
    p = ids.parse_phone(t)
    s.phone, s.phone_raw = p, t
    if p is None:
        warnings.append(f"犯罪嫌疑人 {s.name}: 无法识别的电话 '{t}' (unparseable phone, kept as written)")


def _suspect_from_obj(obj: dict[str, Any], warnings: list[str]) -> Suspect | None:
    name = _text(obj.get("姓名") or obj.get("name"))
    if not name:
        warnings.append(f"嫌疑人: 缺少姓名，已忽略该条 {obj!r} (suspect without a name skipped; see raw)")
        return None
    s = Suspect(
        name=name, gender=_text(obj.get("性别")), address=_text(obj.get("住址") or obj.get("户籍地")), line=None
    )
    birth_raw = _text(obj.get("出生日期"))
    s.birth = _birth_from(birth_raw)
    if birth_raw and s.birth is None:
        warnings.append(f"嫌疑人 {name}: 无法识别的出生日期 '{birth_raw}' (unrecognised birth date)")
        s.note = f"出生日期 {birth_raw}"
    if obj.get("身份证号"):
        _set_id(s, obj["身份证号"], warnings)
    if obj.get("电话"):
        _set_phone(s, obj["电话"], warnings)
    if s.birth is None and s.id_card:
        s.birth = f"{s.id_card[6:10]}-{s.id_card[10:12]}-{s.id_card[12:14]}"
    # other keys (工作单位, 职务, 驾驶车辆, 备注 …) stay readable as the suspect's note, where
    # etl.caselinks finds their role in a case company or towards a vehicle
    rest = [
        f"{k}：{_text(v)}"
        for k, v in obj.items()
        if k not in _SUSPECT_KEYS and _text(v) and not isinstance(v, dict | list)
    ]
    if rest:
        s.note = "，".join(([s.note] if s.note else []) + rest)
    return s


_SUSPECT_KEYS = {"姓名", "name", "性别", "住址", "户籍地", "出生日期", "身份证号", "电话"}
_USCC_IN_TEXT = re.compile(r"(?:统一社会信用代码|信用代码|代码)\s*[:：]?\s*([0-9A-Za-z０-９Ａ-Ｚ]{18})")


def parse_company_line(line: str, warnings: list[str]) -> CaseCompany | None:
    """`长兴恒泰精细化工有限公司（统一社会信用代码91330522704523184E）` → CaseCompany."""
    text = line.strip().rstrip("。；;")
    if not text:
        return None
    name = _company_name_part(text)
    m = _USCC_IN_TEXT.search(text)
    code = ids.to_halfwidth(m.group(1)).upper() if m else None
    if not name:
        return None
    comp = _company(name, code, warnings, line)
    comp.people = caselinks.company_people(text[len(name) :])
    return comp


_TRAILING_GROUP = re.compile(r"\s*[（(][^（()）]*[）)]?\s*$")


def _company_name_part(text: str) -> str:
    """The name in `金盛化工（湖州）有限公司（统一社会信用代码…）`: drop what follows a comma and
    trailing bracketed notes, but keep brackets inside the name (`（湖州）有限公司`)."""
    name = re.split(r"[，,；;]", text, maxsplit=1)[0].strip()
    while True:
        cut = _TRAILING_GROUP.sub("", name)
        if cut == name or not cut:
            return name
        name = cut


def _company(name: str, code: str | None, warnings: list[str], line: str | None) -> CaseCompany:
    comp = CaseCompany(name=name, line=line)
    if code:
        valid = ids.normalize_uscc(code)
        if valid:
            comp.uscc = valid
        else:
            comp.uscc_invalid = code
            warnings.append(f"涉案单位 {name}: 统一社会信用代码校验失败 '{code}' (invalid USCC, keyed by name)")
    return comp


def parse_vehicle_entry(entry: str, warnings: list[str], field: str = "涉案车辆") -> list[CaseVehicle]:
    """`浙E·5G378（重型罐式货车）` (several may be joined by 、) → CaseVehicle(s).

    The plate or vessel number may be written in any form (`浙e-5g378`, `浙Ｅ·５Ｇ３７８`,
    `浙岱渔07215号`) and be followed by notes: `（重型自卸货车，登记车主张建华，实际使用人李国强）`
    or `船主 沈某某` become the entry's owner/driver statements (etl.caselinks).
    """
    out: list[CaseVehicle] = []
    for piece in caselinks.split_top_level(entry):
        v = CaseVehicle(written=piece, source_field=field)
        v.plate = ids.normalize_plate(piece)
        start = end = -1
        if v.plate is None:
            v.plate, start, end = caselinks.find_plate(piece)
        if v.plate is None:
            v.vessel = ids.normalize_vessel(piece)
            if v.vessel is None:
                v.vessel, start, end = caselinks.find_vessel(piece)
        rest = piece[end:] if end >= 0 else re.sub(r"^[^（(]*", "", piece)
        notes = re.sub(r"[（()）]", "，", rest).strip("，, ")
        roles = [(r.role, r.name, r.basis) for r in caselinks.role_statements(notes if end >= 0 or rest else piece)]
        if v.plate is None and v.vessel is None and roles and out:
            # `浙E K3J21，系李国强借用`: a statement about the entry before, not a vehicle of its own
            out[-1].roles = list(dict.fromkeys(out[-1].roles + roles))
            out[-1].written += "，" + piece
            continue
        v.roles = roles
        kind = re.split(r"[，,；;\s]", notes, maxsplit=1)[0].strip("“”\"'号 ") if notes else ""
        if kind and not caselinks.role_statements(kind) and len(kind) <= 16:
            v.kind = kind
        if v.plate is None and v.vessel is None:
            warnings.append(f"{field}: 无法识别的车牌 '{piece}' (unrecognised plate, kept as written)")
        out.append(v)
    return out


def _vehicle_from_obj(obj: dict[str, Any], warnings: list[str], field: str) -> list[CaseVehicle]:
    """A JSON vehicle / vessel object: `{"车牌号": "浙E·K3J21", "车辆类型": …, "登记车主": …, "驾驶人": …}`."""
    number = caselinks.first_text(obj, caselinks.PLATE_KEYS) or caselinks.first_text(obj, caselinks.VESSEL_KEYS)
    if not number:
        warnings.append(f"{field}: 缺少车牌或船号 {obj!r} (entry without a number skipped; see raw)")
        return []
    vs = parse_vehicle_entry(number, warnings, field)
    kind = caselinks.first_text(obj, caselinks.KIND_KEYS)
    roles = [(r.role, r.name, r.basis) for r in caselinks.roles_from_object(obj)]
    for v in vs:
        v.kind = kind or v.kind
        v.roles = list(dict.fromkeys(v.roles + roles))
    return vs


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, list):
        return v
    return [v]


def _case(c: _Ctx) -> CaseFile:
    f = c.f
    w = c.warnings
    if f.get("_id_from_filename"):
        w.append(f"案件编号: 缺失，以文件名 '{c.raw.record_id}' 作为编号 (missing case number; file name used)")
    filed, filed_raw = c.dt_optional("立案时间")
    suspects: list[Suspect] = []
    for item in _as_list(f.get("犯罪嫌疑人")) + _as_list(f.get("嫌疑人")):
        s = _suspect_from_obj(item, w) if isinstance(item, dict) else parse_suspect_line(str(item), w)
        if s:
            suspects.append(s)
    vehicles: list[CaseVehicle] = []
    for fname in ("涉案车辆", "涉案船舶", "涉案船只"):
        for item in _as_list(f.get(fname)):
            if isinstance(item, dict):
                vehicles.extend(_vehicle_from_obj(item, w, fname))
            elif item is not None and str(item).strip():
                vehicles.extend(parse_vehicle_entry(str(item), w, fname))
    companies: list[CaseCompany] = []
    for item in _as_list(f.get("涉案单位")):
        if isinstance(item, dict):
            name = _text(item.get("名称") or item.get("name"))
            if name:
                comp = _company(name, _text(item.get("统一社会信用代码")), w, None)
                comp.people = caselinks.company_people_from_object(item)
                companies.append(comp)
            else:
                w.append(f"涉案单位: 缺少名称 {item!r} (company without a name skipped; see raw)")
        else:
            comp = parse_company_line(str(item), w)
            if comp:
                companies.append(comp)
    known = {
        *("案件编号", "案由", "立案时间", "办案单位", "犯罪嫌疑人", "嫌疑人"),
        *("涉案车辆", "涉案船舶", "涉案船只", "涉案单位", "简要案情"),
    }
    extra = dict(f.get("_extra") or {})
    extra.update({k: v for k, v in f.items() if k not in known and not k.startswith("_") and v is not None})
    narrative = f.get("简要案情")
    return CaseFile(
        **c.base(),
        record_id=c.raw.record_id or "",
        case_id=c.raw.record_id or "",
        cause=c.s("案由"),
        filed_at=filed.date() if filed else None,
        filed_at_raw=filed_raw,
        unit=c.s("办案单位"),
        suspects=suspects,
        vehicles=vehicles,
        companies=companies,
        narrative=str(narrative).strip() if narrative else None,
        extra=extra,
    )


_PARSERS = {
    "hotline": _hotline,
    "grid": _grid,
    "case": _case,
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
    return parser(_Ctx(raw))


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
