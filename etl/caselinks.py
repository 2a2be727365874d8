"""Who owns and who drives what a case file's structured fields name.

Case files written by hand put more than a plate in 涉案车辆 / 涉案船舶:
`浙E·K3J21（重型自卸货车，登记车主：张建华，实际使用人李国强）`,
`苏湖州货1203 船主 沈某某`; a JSON export may give the vehicle as an object
(`{"车牌号": …, "登记车主": …, "驾驶人": …}`); a suspect line may end with
`系浙E·K3J21实际使用人` or `系长兴顺远货运有限公司驾驶员`.  These are
statements of the record itself, so they become `structured` facts with the
field and the text as written as their quote:

* the registered owner, the owner and the actual controller OWN the vehicle or
  vessel (`OWNS`, `basis` registered / owner / controller);
* the driver, the skipper, the actual user and the borrower DRIVE it (`DRIVES`);
* a suspect's role in a case company is REPRESENTS / OWNS / WORKS_FOR.

Why here and not in NLP: these fields are read even when the NLP layer is
absent (ETL's rules-only fallback), and the phrases are short labelled
statements, not prose.  Narrative sentences are the NLP layer's
(`nlp.vehicle_roles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph_schema import identifiers as ids
from graph_schema import keys
from graph_schema.model import Provenance
from graph_schema.schema import Method
from nlp.vehicle_roles import Mention, vehicle_roles

# role words of a vehicle/vessel field, longest first so 登记车主 wins over 车主
_OWNER_WORDS = {
    "登记车主": "registered",
    "登记所有人": "registered",
    "登记船东": "registered",
    "登记船主": "registered",
    "机动车所有人": "registered",
    "船舶所有人": "owner",
    "所有权人": "owner",
    "所有人": "owner",
    "车主": "owner",
    "船主": "owner",
    "船东": "owner",
    "实际控制人": "controller",
    "实际所有人": "controller",
    "实际车主": "controller",
    "实际船主": "controller",
    "实控人": "controller",
}
_DRIVER_WORDS = (
    "实际驾驶人",
    "实际驾驶员",
    "实际使用人",
    "驾驶人",
    "驾驶员",
    "使用人",
    "借用人",
    "司机",
    "船长",
    "船老大",
)
_ROLE_ALT = "|".join(sorted([*_OWNER_WORDS, *_DRIVER_WORDS], key=len, reverse=True))
_ROLE_RE = re.compile(rf"({_ROLE_ALT})\s*(?:为|是|系|[:：])?\s*")
_NAME_END = re.compile(r"[，,；;、。\s（()）/]")
_ORG_SUFFIX = re.compile(r"(?:公司|厂|合作社|经营部|商行|中心|站|场|店|队)$")

# JSON object keys for the plate / vessel number, and for owner / driver
PLATE_KEYS = ("车牌", "车牌号", "车牌号码", "号牌", "号牌号码", "车辆号牌")
VESSEL_KEYS = ("船名", "船号", "船名号", "船名船号", "船舶名称", "船舶编号", "船舶号")
KIND_KEYS = ("车辆类型", "类型", "车型", "船舶类型", "种类")


@dataclass(frozen=True)
class RoleStatement:
    """One labelled statement: `role` owner/driver, the name as written, the owner basis."""

    role: str  # "owner" | "driver"
    name: str
    basis: str | None = None  # registered / owner / controller (owners only)


def role_of(word: str) -> tuple[str, str | None]:
    """(role, basis) of a role word: ("owner", "registered") for 登记车主, ("driver", None) for 驾驶人."""
    if word in _OWNER_WORDS:
        return "owner", _OWNER_WORDS[word]
    return "driver", None


def role_statements(text: str | None) -> list[RoleStatement]:
    """`重型自卸货车，登记车主：张建华，实际使用人李国强` → owner 张建华 (registered), driver 李国强."""
    out: list[RoleStatement] = []
    if not text:
        return out
    t = ids.to_halfwidth(text)
    for m in _ROLE_RE.finditer(t):
        rest = t[m.end() :]
        cut = _NAME_END.search(rest)
        name = (rest[: cut.start()] if cut else rest).strip()
        name = re.sub(r"^(?:犯罪嫌疑人|嫌疑人|本案嫌疑人)", "", name)
        if not name or not re.fullmatch(r"[\u4e00-\u9fff·]{2,30}", name):
            continue
        if not _ORG_SUFFIX.search(name) and len(name) > 4:
            continue  # a person's name is short; anything longer is prose, not a label
        role, basis = role_of(m.group(1))
        out.append(RoleStatement(role, name, basis))
    for m in _BY_NAME.finditer(t):
        if m.group("drv"):
            out.append(RoleStatement("driver", m.group("name")))
        else:
            basis = "registered" if "登记" in m.group(0) else "owner"
            out.append(RoleStatement("owner", m.group("name2"), basis))
    return list(dict.fromkeys(out))


# the name before the verb: 由李国强驾驶, 系李国强借用, 实际由李国强使用, 登记在张建华名下, 归张建华所有
_BY_NAME = re.compile(
    r"(?:由|系|为|被)(?P<name>[\u4e00-\u9fff]{2,4}?)(?:实际)?(?P<drv>借用|驾驶|使用|驾)"
    r"|(?:登记在|登记于|挂靠在|归|系|为)"
    r"(?P<name2>[\u4e00-\u9fff]{2,4}?|[\u4e00-\u9fff（）()]{2,28}?(?:公司|厂|合作社|经营部|商行|中心))(?:名下|所有)"
)


def is_org_name(name: str) -> bool:
    return bool(_ORG_SUFFIX.search(name)) and len(name) >= 4


def split_top_level(entry: str) -> list[str]:
    """Split a field at 、，；, but not inside brackets (`浙E·K3J21（货车，车主张某）、浙E·5G378`)."""
    out, depth, cur = [], 0, []
    for ch in entry:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;":
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return [p.strip().rstrip("。") for p in out if p.strip().rstrip("。")]


def find_plate(text: str) -> tuple[str | None, int, int]:
    """The first plate written in `text`: (normalised, start, end), or (None, -1, -1)."""
    for m in ids.PLATE_IN_TEXT.finditer(text):
        norm = ids.normalize_plate(m.group())
        if norm:
            return norm, m.start(), m.end()
    return None, -1, -1


def find_vessel(text: str) -> tuple[str | None, int, int]:
    """The first vessel number written in `text` (nearest province character before its type word)."""
    for m in ids.VESSEL_CORE_IN_TEXT.finditer(text):
        for k in range(1, 5):
            s = m.start() - k
            if s < 0 or not ("\u4e00" <= text[s] <= "\u9fff"):
                break
            if text[s] in ids.PROVINCE_CHARS:
                norm = ids.normalize_vessel(text[s : m.end()])
                if norm:
                    return norm, s, m.end()
    return None, -1, -1


def first_text(obj: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for n in names:
        v = obj.get(n)
        if v is not None and str(v).strip():
            return str(v).strip()
    return None


def roles_from_object(obj: dict[str, Any]) -> list[RoleStatement]:
    """Owner/driver keys of a JSON vehicle object (`登记车主`, `驾驶人`, `船长` …)."""
    out = []
    for key, value in obj.items():
        if value is None or not str(value).strip() or not isinstance(key, str):
            continue
        word = key.strip()
        if word in _OWNER_WORDS or word in _DRIVER_WORDS:
            role, basis = role_of(word)
            for name in re.split(r"[、，,；;]", str(value)):
                if name.strip():
                    out.append(RoleStatement(role, name.strip(), basis))
    return out


# a suspect's role towards a vehicle named in their own line: 系浙E·K3J21登记车主 / 驾驶浙E·K3J21
_SUSPECT_OWNER = re.compile(r"车主|所有人|船主|船东|实际控制|所有的|名下")
_SUSPECT_DRIVER = re.compile(r"驾驶|司机|使用人|借用|船长|船老大|驾")

# a suspect's role in a company named in their own line
_REPR = re.compile(r"法定代表人|法人代表|法人")
_OWNS_ORG = re.compile(r"实际控制人|实际经营人|实际经营者|实控人|老板|业主|经营者|投资人|股东|负责人|承包人")
_WORKS = re.compile(
    r"员工|职工|工人|雇员|司机|驾驶员|押运员|经理|厂长|主管|主任|保安|会计|出纳|技术员|操作工|安全员|环保专员|仓库管理员"
)


def suspect_vehicle_role(note: str, start: int, end: int) -> tuple[str, str | None] | None:
    """The role a suspect's note gives them towards the vehicle written at [start, end), or None."""
    around = note[max(0, start - 12) : start] + "|" + note[end : end + 10]
    if re.search(r"借用|借来|借给", around):
        return "driver", None
    if _SUSPECT_OWNER.search(around):
        basis = "registered" if "登记" in around else "controller" if "实际控制" in around else "owner"
        return "owner", basis
    if _SUSPECT_DRIVER.search(around):
        return "driver", None
    return None


_COMPANY_PEOPLE = {
    "法定代表人": "REPRESENTS",
    "法人代表": "REPRESENTS",
    "法人": "REPRESENTS",
    "实际控制人": "OWNS",
    "实际经营人": "OWNS",
    "实际经营者": "OWNS",
    "实控人": "OWNS",
    "负责人": "OWNS",
    "经营者": "OWNS",
    "投资人": "OWNS",
    "股东": "OWNS",
    "老板": "OWNS",
}
_COMPANY_PEOPLE_RE = re.compile(
    "("
    + "|".join(sorted(_COMPANY_PEOPLE, key=len, reverse=True))
    + r")\s*(?:为|是|系|[:：])?\s*([\u4e00-\u9fff·]{2,4})"
    r"(?=$|[，,；;、。\s（()）])"
)


def company_people(text: str) -> list[tuple[str, str]]:
    """`（统一社会信用代码…，法定代表人：罗永年）` → [("REPRESENTS", "罗永年")] (OWNS for 实际控制人 …)."""
    return list(dict.fromkeys((_COMPANY_PEOPLE[m.group(1)], m.group(2)) for m in _COMPANY_PEOPLE_RE.finditer(text)))


def company_people_from_object(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """`{"名称": …, "法定代表人": "罗永年", "实际控制人": …}` → the same pairs."""
    out = []
    for key, value in obj.items():
        if isinstance(key, str) and key.strip() in _COMPANY_PEOPLE and value is not None and str(value).strip():
            out.append((_COMPANY_PEOPLE[key.strip()], str(value).strip()))
    return out


def company_role(text: str) -> str | None:
    """REPRESENTS / OWNS / WORKS_FOR for the role words after a company name in a suspect's note."""
    if _REPR.search(text):
        return "REPRESENTS"
    if re.search(r"(?:环保|安全|生产|技术|车间|仓库|财务|销售)(?:负责人|主管)", text):
        return "WORKS_FOR"
    if _OWNS_ORG.search(text):
        return "OWNS"
    if _WORKS.search(text):
        return "WORKS_FOR"
    return None


# ------------------------------------------------------------------ facts


def case_facts(x: Any, t: Any) -> None:
    """The links of a case file's structured fields (`x` an `etl.factbuilder.FactBuilder`, `t` a CaseFile).

    Called after the suspects, vehicles and companies are written: every suspect's phone is
    MENTIONED by the case as well as used by the suspect; a suspect's address is where they
    live (`LOCATED_AT`, role residence); each vehicle/vessel entry's owner and driver
    statements, and a suspect's own `系浙E·K3J21实际使用人` / `系…公司驾驶员`, become
    OWNS / DRIVES / REPRESENTS / WORKS_FOR with the field and the text as written.
    """
    suspect_keys: list[tuple[Any, str, str]] = []
    for s in t.suspects:
        key = x.persons.get(s.name)
        if key is None:
            continue
        field = "犯罪嫌疑人" if s.line else "嫌疑人"
        suspect_keys.append((s, key, field))
        ph = x.phone(s.phone)
        if ph and ph not in x.mentioned:
            x.rel("MENTIONS", x.doc, ph, x.prov(field, s.phone_raw), count=1)
            x.mentioned[ph] = x.b.rels[-1].props
        if s.address:
            site = x.site(s.address, "place", name=s.address)
            if site:
                x.rel("LOCATED_AT", key, site, x.prov(field, s.line or s.address), role="residence")
    for v in t.vehicles:
        obj = _vehicle_key(x, keys, v.plate, v.vessel, v.kind)
        if obj is None:
            continue
        for role, name, basis in v.roles:
            holder = _party(x, name, v.source_field, v.written)
            if holder is None:
                continue
            if role == "owner":
                x.rel("OWNS", holder, obj, x.prov(v.source_field, v.written), basis=basis)
            elif holder.startswith("person:"):
                x.rel("DRIVES", holder, obj, x.prov(v.source_field, v.written))
    for c in t.companies:
        norm = ids.normalize_company_name(c.name)
        company = x.companies.get(norm) if norm else None
        for typ, name in c.people if company else ():
            person = _party(x, name, "涉案单位", c.line or c.name)
            if person and person.startswith("person:") and not x.asserts(typ, person, company):
                x.rel(typ, person, company, x.prov("涉案单位", c.line or f"{c.name} {name}"))
    for s, key, field in suspect_keys:
        note = s.note or ""
        if not note:
            continue
        _suspect_vehicles(x, keys, key, field, s.line or note, note)
        _suspect_companies(x, key, field, s.line or note, note, t.companies)


def _vehicle_key(x: Any, keys: Any, plate: str | None, vessel: str | None, kind: str | None) -> str | None:
    if plate:
        return x.vehicle(plate)
    if vessel:
        key = keys.vessel_key(vessel)
        x.b.add_node(key, name=vessel)
        return key
    return None


def _party(x: Any, name: str, field: str, quote: str) -> str | None:
    """The suspect, company or (else) document-local person a structured statement names."""
    name = name.strip()
    if name in x.persons:
        return x.persons[name]
    if is_org_name(name):
        norm = ids.normalize_company_name(name)
        if norm in x.companies:
            return x.companies[norm]
        hits = {k for n, k in x.structured_companies.items() if norm and n.endswith(norm)}
        if len(hits) == 1:
            return hits.pop()
        key = x.company(name, None, field)
    else:
        key = x.local_person(name)
    if key and key not in x.mentioned:
        x.rel("MENTIONS", x.doc, key, x.prov(field, quote), count=1)
        x.mentioned[key] = x.b.rels[-1].props
    return key


def _suspect_vehicles(x: Any, keys: Any, person: str, field: str, quote: str, note: str) -> None:
    """`系浙E·K3J21登记车主` / `驾驶浙E·K3J21` / `借用浙E·K3J21` in a suspect's own line."""
    for finder, role_name in ((find_plate, "vehicle"), (find_vessel, "vessel")):
        pos = 0
        while pos < len(note):
            number, start, end = finder(note[pos:])
            if number is None:
                break
            start, end = start + pos, end + pos
            pos = end
            obj = _vehicle_key(x, keys, number if role_name == "vehicle" else None, number, None)
            if obj is None:
                continue
            if not x.asserts("INVOLVED_IN", obj, x.doc):  # a vehicle the case's own fields do not list
                x.rel("INVOLVED_IN", obj, x.doc, x.prov(field, quote), role=role_name)
            found = suspect_vehicle_role(note, start, end)
            if found is None:
                continue
            role, basis = found
            if x.asserts("OWNS" if role == "owner" else "DRIVES", person, obj):
                continue  # the vehicle field said it already, with confidence 1
            if role == "owner":
                x.rel("OWNS", person, obj, x.prov(field, quote, confidence=0.9), basis=basis)
            else:
                x.rel("DRIVES", person, obj, x.prov(field, quote, confidence=0.9))


def _suspect_companies(x: Any, person: str, field: str, quote: str, note: str, companies: list[Any]) -> None:
    """`系长兴恒泰精细化工有限公司生产副总经理` (or `系该公司法定代表人` with one case company)."""
    text = ids.to_halfwidth(note)
    for c in companies:
        norm = ids.normalize_company_name(c.name)
        key = x.companies.get(norm) if norm else None
        if key is None:
            continue
        at = text.find(norm) if norm else -1
        if at < 0 and len(companies) == 1:
            m = re.search(r"该(?:公司|厂|企业|单位|合作社)", text)
            at, end = (m.start(), m.end()) if m else (-1, -1)
        else:
            end = at + len(norm or "")
        if at < 0:
            continue
        typ = company_role(text[end : end + 12])
        if typ:
            x.rel(typ, person, key, x.prov(field, quote, confidence=0.9))


def narrative_facts(x: Any, t: Any) -> None:
    """Owner/borrower/driver statements of the narrative about the case's own people and vehicles.

    The NLP layer reads the same sentences, but `该车登记车主为韩立新，系邵春明借用` names no
    plate: the vehicle is the one the case lists in 涉案车辆.  Here the people are the case's
    suspects (found by their names as written in the header) and its companies, the vehicle
    an anaphor refers to is the case's only vehicle (or only vessel), and the rules are
    `nlp.vehicle_roles` (pure Python, so this runs without the NLP pipeline too).
    """
    text = t.narrative
    if not text or not (t.vehicles or ids.PLATE_IN_TEXT.search(text)):
        return
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    names = sorted({s.name for s in t.suspects if s.name in x.persons and len(s.name) >= 2}, key=len, reverse=True)
    for name in names:  # longest first: 王某某 is not 王某
        for m in re.finditer(re.escape(name), text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                mentions.append(Mention(m.start(), m.end(), "PERSON", x.persons[name]))
                taken.append(m.span())
    for c in t.companies:
        norm = ids.normalize_company_name(c.name)
        key = x.companies.get(norm) if norm else None
        for m in re.finditer(re.escape(c.name), text) if key else ():
            mentions.append(Mention(m.start(), m.end(), "ORG", key))
    for m in ids.PLATE_IN_TEXT.finditer(text):
        plate = ids.normalize_plate(m.group())
        if plate:
            mentions.append(Mention(m.start(), m.end(), "PLATE", keys.vehicle_key(plate)))
    pos = 0
    while True:
        number, start, end = find_vessel(text[pos:])
        if number is None:
            break
        mentions.append(Mention(pos + start, pos + end, "VESSEL", keys.vessel_key(number)))
        pos += end
    if not any(m.kind in ("PERSON", "ORG") for m in mentions):
        return
    plates = {keys.vehicle_key(v.plate) for v in t.vehicles if v.plate}
    vessels = {keys.vessel_key(v.vessel) for v in t.vehicles if v.vessel and not v.plate}
    mentions.sort(key=lambda m: m.start)
    default_vehicle = next(iter(plates)) if len(plates) == 1 else None
    default_vessel = next(iter(vessels)) if len(vessels) == 1 else None
    for st in vehicle_roles(text, mentions, default_vehicle, default_vessel):
        if st.type == "DRIVES" and not str(st.holder).startswith("person:"):
            continue
        if x.asserts(st.type, st.holder, st.vehicle):
            continue  # a structured field said it, or an earlier sentence did
        if st.vehicle.startswith("vehicle:"):
            x.vehicle(st.vehicle.split(":", 1)[1])
        else:
            x.b.add_node(st.vehicle, name=st.vehicle.split(":", 1)[1])
        prov = Provenance(
            doc=x.doc,
            method=Method.RULE.value,
            confidence=st.confidence,
            quote=text[st.sentence_start : st.sentence_end].strip(),
            start=st.sentence_start,
            end=st.sentence_end,
            field="简要案情",
            seen=x.seen,
        )
        x.rel(st.type, st.holder, st.vehicle, prov, **({"basis": st.basis} if st.type == "OWNS" else {}))
