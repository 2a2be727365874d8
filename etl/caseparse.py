"""Case files: suspects, companies and vehicles as a case file writes them, and the CaseFile.

Why a module of its own: a case file is the one source whose fields are
prose-like lines or nested JSON objects (`张某某，男，1978年5月生，身份证号…`,
`浙E·K3J21（重型自卸货车，登记车主：张建华）`), each parsed into a typed part
that keeps its line as written; the other sources are flat columns
(`etl.parse`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from etl import caselinks
from etl.fieldparse import FieldReader, text_or_none
from etl.records import CaseCompany, CaseFile, CaseVehicle, Suspect
from graph_schema import identifiers as ids
from nlp.places import ADDRESS_LABELS, longest_first

__all__ = ["case_file", "parse_company_line", "parse_suspect_line", "parse_vehicle_entry"]

_BIRTH_RE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?\s*(?:出生|生)")
_ISO_BIRTH_RE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?)?$")
_ID_RE = re.compile(r"(?:公民)?身份(?:证)?(?:号码|号)?\s*[:：]?\s*([0-9０-９]{17}[0-9０-９Xx])")
_BARE_ID_RE = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])")
_PHONE_RE = re.compile(r"(?:联系电话|电话|手机号码|手机号|手机)\s*[:：]?\s*([0-9０-９\-\*＊xX\s]{7,16}\d)")
# The labels before a suspect's address (nlp.places.ADDRESS_LABELS and the bare 现住, 住 …),
# longest first: 现住址 is a label, not 现住 + an address 址马口村, and 户籍地址 not 户籍地 + 址递铺街道桃墩村
# (2,391 sites named 址… on a 220k bundle).
_ADDR_RE = re.compile(rf"^{longest_first((*ADDRESS_LABELS, '现住', '暂住', '家住', '住')).pattern}\s*[:：]?\s*(.+)$")
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
    name = text_or_none(obj.get("姓名") or obj.get("name"))
    if not name:
        warnings.append(f"嫌疑人: 缺少姓名，已忽略该条 {obj!r} (suspect without a name skipped; see raw)")
        return None
    # the address under whichever label the file uses (formats.md: 住址), the current one first;
    # an address under another label stays in the note
    addr_key = next((k for k in _ADDRESS_KEYS if text_or_none(obj.get(k))), None)
    s = Suspect(
        name=name,
        gender=text_or_none(obj.get("性别")),
        address=text_or_none(obj.get(addr_key)) if addr_key else None,
        line=None,
    )
    birth_raw = text_or_none(obj.get("出生日期"))
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
        f"{k}：{text_or_none(v)}"
        for k, v in obj.items()
        if k not in _SUSPECT_KEYS and k != addr_key and text_or_none(v) and not isinstance(v, dict | list)
    ]
    if rest:
        s.note = "，".join(([s.note] if s.note else []) + rest)
    return s


_SUSPECT_KEYS = {"姓名", "name", "性别", "出生日期", "身份证号", "电话"}
# a JSON suspect's address keys, in the order taken: where the person lives, a bare 地址, then 户籍
_ADDRESS_KEYS = (
    *(k for k in ADDRESS_LABELS if not k.startswith("户籍")),
    "地址",
    *(k for k in ADDRESS_LABELS if k.startswith("户籍")),
)
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


def case_file(c: FieldReader) -> CaseFile:
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
            name = text_or_none(item.get("名称") or item.get("name"))
            if name:
                comp = _company(name, text_or_none(item.get("统一社会信用代码")), w, None)
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
