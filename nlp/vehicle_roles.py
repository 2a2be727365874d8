"""Who owns and who drives a vehicle or vessel, from narrative sentences.

Police narratives state ownership and use of a vehicle in a handful of ways,
and the registered owner is often not the one who drove it:

* the registered owner / owner / actual controller: `该车登记车主为韩立新`,
  `浙E·K3J21的所有人是韩立新`, `车辆系韩立新所有`, `该车归鼎盛公司所有`,
  `登记在韩立新名下`, `韩立新名下的浙E·K3J21`, `其所有的货船`,
  `由韩立新实际控制`, `船主俞某` → **OWNS** (`basis` registered / owner / controller);
* the borrower, renter, driver, actual user: `系邵春明借用`, `邵春明向韩立新借用
  浙E·K3J21`, `邵春明借用韩立新的浙E·K3J21` (and 韩立新 OWNS it), `韩立新将该车借给
  邵春明使用`, `实际由邵春明驾驶`, `驾驶人为邵春明`, `实际使用人系邵春明`
  → **DRIVES** (a borrower drives; owning is not driving).

The rules work on a *masked* sentence: every person/company mention becomes one
holder character, every plate/vessel (and every vehicle anaphor such as 该车,
该船, 涉案车辆, 上述货车) one vehicle character, and `其` before a possessive or
a borrowing verb stands for the person named last.  Regular expressions over
that string read like the Chinese they match and cannot straddle a name.  A
statement without a vehicle in its sentence (`车主为韩立新`, `系邵春明借用`)
refers to the last vehicle named within the two sentences before, or to the
caller's `default_vehicle` (the one vehicle a case file lists).

The module is pure Python (no spaCy), so ETL can run it on a case narrative
with the case's own suspect names when NLP found no plate.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

_H = "\ue000"  # a person or company
_V = "\ue001"  # a vehicle or vessel (or an anaphor of one)
_Q = "\ue002"  # 其 standing for the last person named
H = f"[{_H}{_Q}]"
V = _V

_SENT_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")

VEHICLE_ANAPHOR = re.compile(
    r"(?:该|上述|涉案|此|这辆|这艘|那辆)(?:重型|中型|轻型)?"
    r"(?:自卸车|自卸货车|货车|罐车|槽罐车|渣土车|农用车|三轮车|皮卡车|皮卡|半挂车|挂车|车辆|机动车|车|"
    r"渔船|货船|运输船|船舶|船只|船)"
)
_BOAT = re.compile(r"船")

_OWNER_WORD = (
    r"(?P<word>登记车主|登记所有人|机动车所有人|登记船东|登记船主|船舶所有人|所有权人|实际所有人|实际车主|实际船主|"
    r"实际控制人|实控人|所有人|车主|船主|船东)"
)
_DRIVER_WORD = r"(?:实际驾驶人|实际驾驶员|实际使用人|驾驶人|驾驶员|使用人|借用人|承租人|司机|船长|船老大)"
_IS = r"(?:为|是|系|：|:)?(?:犯罪嫌疑人|嫌疑人|本案嫌疑人|(?:本村|当地|外地|同村)?(?:村民|居民|渔民|男子|女子))?"
_GAP = rf"[^，,。；;！？\n{_H}{_V}{_Q}]{{0,8}}?"  # a few characters inside one clause, no name
_BORROW = r"(?:借用|借来|借走|借去|租用|租借|租来|借(?![口款钱助机故此据]))"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # PERSON | ORG | PLATE | VESSEL
    ref: Hashable  # what the caller wants back (an entity index, a key)


@dataclass(frozen=True)
class Statement:
    type: str  # OWNS | DRIVES
    holder: Hashable
    vehicle: Hashable
    confidence: float
    sentence_start: int
    sentence_end: int
    basis: str | None = None  # OWNS only: registered / owner / controller
    rule: str = ""


def _basis(word: str | None, text: str) -> str:
    if word and ("登记" in word):
        return "registered"
    if (word and "控制" in word) or "控制" in text or "实控" in text:
        return "controller"
    if "登记" in text or "名下" in text:
        return "registered"
    return "owner"


# (name, type, pattern, holder group, vehicle group or None for the carried vehicle, confidence)
# Holder groups are named h / h2; vehicle groups v.  Each pattern is one way the domain says it.
_RULES: tuple[tuple[str, str, re.Pattern[str], str, str | None, float], ...] = tuple(
    (name, typ, re.compile(rx), h, v, conf)
    for name, typ, rx, h, v, conf in (
        # ---- owner
        ("owner_word_after_vehicle", "OWNS", rf"(?P<v>{V})(?:的)?{_GAP}{_OWNER_WORD}{_IS}(?P<h>{H})", "h", "v", 0.85),
        ("owner_word_carried", "OWNS", rf"(?<![{_V}]){_OWNER_WORD}{_IS}(?P<h>{H})", "h", None, 0.7),
        (
            "vehicle_belongs_to",
            "OWNS",
            rf"(?P<v>{V}){_GAP}(?:系|为|归|属于?|是)(?P<h>{H})(?:本人|个人|一人)?(?:所有|名下|实际控制|控制|的)",
            "h",
            "v",
            0.85,
        ),
        (
            "belongs_to_carried",
            "OWNS",
            rf"(?:车辆|车|船)?(?:系|归|属于?)(?P<h>{H})(?:本人|个人)?(?:所有|名下|实际控制)",
            "h",
            None,
            0.65,
        ),
        (
            "registered_in_name",
            "OWNS",
            rf"(?P<v>{V})?{_GAP}(?:登记|挂靠|落户)(?:在|于)(?P<h>{H})(?:名下)?",
            "h",
            "v",
            0.8,
        ),
        (
            "holder_owned_vehicle",
            "OWNS",
            rf"(?P<h>{H})(?:本人|个人|自己|家)?(?:所有|名下|自有|实际控制|控制|出资购买|购买|购置|拥有)的{_GAP}(?P<v>{V})",
            "h",
            "v",
            0.85,
        ),
        ("controlled_by", "OWNS", rf"(?P<v>{V})?{_GAP}由(?P<h>{H})(?:实际)?控制", "h", "v", 0.75),
        # ---- borrower / driver (and the lender owns)
        (
            "borrow_from_holder",
            "DRIVES",
            rf"(?P<h>{H}){_GAP}(?:向|从|找|跟)(?P<h2>{H})(?:处)?{_BORROW}(?:了)?{_GAP}(?P<v>{V})?",
            "h",
            "v",
            0.85,
        ),
        (
            "borrow_holders_vehicle",
            "DRIVES",
            rf"(?<![向从找跟])(?P<h>{H}){_GAP}{_BORROW}(?:了)?{_GAP}(?P<h2>{H})(?:的|家的|名下的|所有的){_GAP}(?P<v>{V})?",
            "h",
            "v",
            0.85,
        ),
        (
            "borrow_vehicle",
            "DRIVES",
            rf"(?<![向从找跟])(?P<h>{H}){_GAP}{_BORROW}(?:了)?{_GAP}(?P<v>{V})",
            "h",
            "v",
            0.8,
        ),
        (
            "lend_to",
            "DRIVES",
            rf"(?P<h2>{H})?{_GAP}(?:将|把)?(?P<v>{V})?{_GAP}(?:借给|出借给|借予|租给)(?P<h>{H})(?:使用|驾驶|开|用)?",
            "h",
            "v",
            0.8,
        ),
        (
            "hand_vehicle_to",  # 交给/交由 need the vehicle itself: 将废酸交由周卫东运输 hands over waste
            "DRIVES",
            rf"(?:将|把)(?P<v>{V}){_GAP}(?:交给|交由)(?P<h>{H})(?:使用|驾驶|开|用)",
            "h",
            "v",
            0.75,
        ),
        (
            "by_holder_used",
            "DRIVES",
            rf"(?:系|由|被|为|是)(?P<h>{H})(?:本人)?(?:实际|长期|平时|一直)?"
            rf"(?:借用|借走|借去|租用|驾驶|使用|驾|开走|开)(?:着|了)?(?P<v>{V})?",
            "h",
            "v",
            0.75,
        ),
        (
            "driver_word",
            "DRIVES",
            rf"(?:(?P<v>{V})(?:的)?{_GAP}|(?:^|(?<=[，,：:]))(?:其|该车的?|该船的?)?){_DRIVER_WORD}{_IS}(?P<h>{H})",
            "h",
            "v",
            0.8,
        ),
        (
            "holder_drives_anaphor",
            "DRIVES",
            rf"(?<![向从找跟将把])(?P<h>{H})(?:平时|长期|一直|实际|多次|先后)?(?:驾驶|驾乘|驾着|开着|使用|驾|开)(?:着)?(?P<v>{V})",
            "h",
            "v",
            0.8,
        ),
    )
)
# the lender in borrow_from_holder / borrow_holders_vehicle / lend_to owns the vehicle
_LENDER_OWNS = {"borrow_from_holder": 0.75, "borrow_holders_vehicle": 0.8, "lend_to": 0.75}


def _mask(text: str, s0: int, s1: int, mentions: Sequence[Mention], anaphors: list[tuple[int, int, bool]]):
    """The sentence with each mention replaced by one marker; returns (masked, refs per masked index)."""
    items: list[tuple[int, int, str, object]] = []
    for m in mentions:
        if m.start >= s0 and m.end <= s1:
            items.append((m.start, m.end, _V if m.kind in ("PLATE", "VESSEL") else _H, m))
    for a0, a1, boat in anaphors:
        if a0 >= s0 and a1 <= s1 and not any(i[0] < a1 and a0 < i[1] for i in items):
            items.append((a0, a1, _V, ("anaphor", boat, a0)))
    for q in re.finditer(r"其(?=本人|个人|自己|所有|名下|自有|实际控制|借用|借来|租用|将|把|向|从)", text[s0:s1]):
        p = s0 + q.start()
        if not any(i[0] <= p < i[1] for i in items):
            items.append((p, p + 1, _Q, ("pronoun", p)))
    items.sort(key=lambda i: i[0])
    out, refs, pos = [], {}, s0
    for a, b, ch, ref in items:
        if a < pos:
            continue
        out.append(text[pos:a])
        refs[sum(len(x) for x in out)] = ref
        out.append(ch)
        pos = b
    out.append(text[pos:s1])
    return "".join(out), refs


@dataclass
class _Resolver:
    """Turns the markers of one sentence back into the caller's references."""

    vehicles: list[Mention]
    persons: list[Mention]
    window: int  # start of the earliest sentence a carried vehicle or 其 may come from
    default_vehicle: Hashable | None
    default_is_boat: bool

    def last_vehicle(self, before: int, boat: bool | None = None) -> Hashable | None:
        cands = [
            m
            for m in self.vehicles
            if self.window <= m.start and m.end <= before and (boat is None or (m.kind == "VESSEL") == boat)
        ]
        if cands:
            return cands[-1].ref
        if self.default_vehicle is not None and (boat is None or boat == self.default_is_boat):
            return self.default_vehicle
        return None

    def __call__(self, ref: object) -> Hashable | None:
        if isinstance(ref, Mention):
            return ref.ref
        if isinstance(ref, tuple) and ref[0] == "anaphor":
            return self.last_vehicle(ref[2], ref[1])
        if isinstance(ref, tuple) and ref[0] == "pronoun":
            before = [m for m in self.persons if m.end <= ref[1] and m.start >= self.window]
            return before[-1].ref if before else None
        return None


def vehicle_roles(
    text: str,
    mentions: Sequence[Mention],
    default_vehicle: Hashable | None = None,
    default_is_boat: bool = False,
) -> list[Statement]:
    """OWNS and DRIVES statements of `text` between the mentions given (see the module docstring)."""
    if not re.search(r"车|船|" + _BORROW + "|所有|名下|控制|驾|开", text):
        return []
    anaphors = [(m.start(), m.end(), bool(_BOAT.search(m.group()))) for m in VEHICLE_ANAPHOR.finditer(text)]
    vehicles = sorted((m for m in mentions if m.kind in ("PLATE", "VESSEL")), key=lambda m: m.start)
    persons = sorted((m for m in mentions if m.kind == "PERSON"), key=lambda m: m.start)
    out: list[Statement] = []
    seen: set[tuple] = set()
    sents = [(m.start(), m.end()) for m in _SENT_RE.finditer(text) if m.group().strip()]
    for si, (s0, s1) in enumerate(sents):
        masked, refs = _mask(text, s0, s1, mentions, anaphors)
        if _V not in masked and not re.search(r"车|船|" + _BORROW, masked):
            continue
        resolve = _Resolver(vehicles, persons, sents[max(0, si - 2)][0], default_vehicle, default_is_boat)
        for name, typ, rx, hg, vg, conf in _RULES:
            for m in rx.finditer(masked):
                holder = resolve(refs.get(m.start(hg)))
                if holder is None or not _plausible(name, masked, m):
                    continue
                vpos = m.start(vg) if vg and m.group(vg) else -1
                vehicle = resolve(refs.get(vpos)) if vpos >= 0 else None
                if vehicle is None:
                    vehicle = _sentence_vehicle(masked, refs, m.start(), resolve)
                if vehicle is None:
                    vehicle = resolve.last_vehicle(s0)
                if vehicle is None or vehicle == holder:
                    continue
                c = conf if vpos >= 0 else round(conf - 0.1, 2)
                basis = _basis(m.groupdict().get("word"), m.group()) if typ == "OWNS" else None
                _add(out, seen, Statement(typ, holder, vehicle, c, s0, s1, basis, name))
                if name in _LENDER_OWNS and m.groupdict().get("h2"):
                    lender = resolve(refs.get(m.start("h2")))
                    if lender is not None and lender != holder:
                        st = Statement("OWNS", lender, vehicle, _LENDER_OWNS[name], s0, s1, "owner", name)
                        _add(out, seen, st)
    return out


_VEHICLE_OWNER_WORD = re.compile(r"车主|船主|船东|登记所有人|机动车所有人|船舶所有人")
_COMPANY_WORD = re.compile(r"公司|厂|企业|单位|合作社|经营部|作坊|站|场")


def _plausible(name: str, masked: str, m: re.Match[str]) -> bool:
    """A role word with no vehicle of its own (`实际控制人为X`) is about a vehicle only when the
    clause speaks of one: `该公司实际控制人X` is the company's controller, not the truck's."""
    if name != "owner_word_carried":
        return True
    clause = re.split(r"[，,：:]", masked[: m.start()])[-1]
    if _H in clause or _COMPANY_WORD.search(clause):
        return False
    return bool(_VEHICLE_OWNER_WORD.search(m.group("word")) or re.search(r"车|船", clause))


def _sentence_vehicle(masked: str, refs: dict, before: int, resolve: _Resolver) -> Hashable | None:
    """The last vehicle written in the sentence before the statement (`浙E·K3J21，系邵春明借用`)."""
    best = masked.rfind(_V, 0, before)
    return resolve(refs.get(best)) if best >= 0 else None


def _add(out: list[Statement], seen: set[tuple], st: Statement) -> None:
    key = (st.type, st.holder, st.vehicle, st.sentence_start)
    if key in seen:
        return
    seen.add(key)
    out.append(st)
