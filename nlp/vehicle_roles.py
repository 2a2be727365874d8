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
caller's `default_vehicle` / `default_vessel` (the one a case file lists).

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
    r"(?=[该上涉此这那])(?:该|上述|涉案|此|这辆|这艘|那辆)(?:重型|中型|轻型)?"
    r"(?:自卸车|自卸货车|货车|罐车|槽罐车|渣土车|农用车|三轮车|皮卡车|皮卡|半挂车|挂车|车辆|机动车|车|"
    r"渔船|货船|运输船|船舶|船只|船)"
)
_BOAT = re.compile(r"船")

_OWNER_WORD = (
    r"(?P<word>登记车主|登记所有人|机动车所有人|登记船东|登记船主|船舶所有人|所有权人|实际所有人|实际车主|实际船主|"
    r"实际控制人|实控人|所有人|车主|船主|船东)"
)
_DRIVER_WORD = r"(?:实际驾驶人|实际驾驶员|实际使用人|驾驶人|驾驶员|使用人|借用人|承租人|司机|船长|船老大)"
_MARKS = f"{_H}{_V}{_Q}"
# a short descriptor between a verb and a name: 其姐夫, 外甥, 杭州富阳人, 当地村民, 犯罪嫌疑人
_FILL = rf"[^，,。；;！？\n{_MARKS}]{{0,7}}?"
_IS = rf"(?P<is>[却也就都仍均]?(?:为|是|系|：|:))?{_FILL}"
_NOUN = r"自卸货车|自卸车|货车|罐车|槽罐车|渣土车|农用车|三轮车|皮卡车|皮卡|轿车|面包车|车辆|渔船|货船|运输船|船只|船"
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
            rf"(?P<v>{V}){_GAP}(?:系|为|归|属于?|是){_FILL}(?P<h>{H})(?:本人|个人|一人)?(?:所有|名下|实际控制|控制|的)",
            "h",
            "v",
            0.85,
        ),
        ("vehicle_belongs_plain", "OWNS", rf"(?P<v>{V}){_GAP}(?:属于|归属于?){_FILL}(?P<h>{H})", "h", "v", 0.8),
        (
            "belongs_to_carried",
            "OWNS",
            rf"(?:车辆|车|船)?(?:系|归|属于?){_FILL}(?P<h>{H})(?:本人|个人)?(?:所有|名下|实际控制)",
            "h",
            None,
            0.65,
        ),
        (
            "registered_in_name",
            "OWNS",
            rf"(?P<v>{V})?{_GAP}(?:登记|挂靠|落户)(?:在|于){_FILL}(?P<h>{H})(?:名下)?",
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
        (
            "holder_possessive",  # 韩立新的浙E·K3J21 / 钱某某的货船: weaker, 的 also says "the one he uses"
            "OWNS",
            rf"(?<![向从找跟借用租])(?P<h>{H})(?:家|本人|自己)?的(?:(?P<v>{V})|(?:重型|中型|轻型)?(?P<noun>{_NOUN}))",
            "h",
            "v",
            0.6,
        ),
        ("controlled_by", "OWNS", rf"(?P<v>{V})?{_GAP}由{_FILL}(?P<h>{H})(?:实际)?控制", "h", "v", 0.75),
        # ---- borrower / driver (and the lender owns)
        (
            "borrow_from_holder",  # the borrower may be 我 / 其 (no name): the lender still owns
            "DRIVES",
            rf"(?:(?P<h>{H}){_GAP})?(?:向|从|找|跟){_FILL}(?P<h2>{H})(?:处|那里|那儿)?{_BORROW}(?:了)?(?:{_GAP}(?P<v>{V}))?",
            "h",
            "v",
            0.85,
        ),
        (
            "borrow_holders_vehicle",
            "DRIVES",
            rf"(?<![向从找跟])(?P<h>{H}){_GAP}{_BORROW}(?:了)?{_FILL}(?P<h2>{H})(?:的|家的|名下的|所有的)(?:{_GAP}(?P<v>{V}))?",
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
            rf"(?:(?P<h2>{H})[^，,。；;！？\n{_MARKS}]{{0,10}}?)?(?:(?P<v>{V}){_GAP})?"
            rf"(?:借给|出借给|借予|租给|租借给){_FILL}(?P<h>{H})",
            "h",
            "v",
            0.8,
        ),
        (
            "hand_vehicle_to",  # 交给/交由 need the vehicle itself: 将废酸交由周卫东运输 hands over waste
            "DRIVES",
            rf"(?:将|把)(?P<v>{V}){_GAP}(?:交给|交由){_FILL}(?P<h>{H})(?:使用|驾驶|开|用)",
            "h",
            "v",
            0.75,
        ),
        (
            "by_holder_used",
            "DRIVES",
            rf"(?:系|由|被|为|是)(?:{H}[^，,。；;！？\n{_MARKS}向从找跟]{{1,3}}?|(?:公司|单位|厂里)?的?(?:司机|驾驶员|驾驶人|员工|工人|职工))?(?P<h>{H})(?:本人)?(?:实际|长期|平时|一直)?(?:在|来)?"
            rf"(?:承包经营|承包|经营使用|经营|借用|借走|借去|租用|驾驶|使用|驾|开走|开)(?:着|了)?(?P<v>{V})?",
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
            "holder_is_driver",  # 邵强仅是司机 / 冉启明系该车驾驶员: the vehicle of the sentence
            "DRIVES",
            rf"(?P<h>{H})(?:仅|只|就|也|即)?(?:是|系|为|担任)(?:该车|该船|车辆|船舶|其)?的?{_DRIVER_WORD}",
            "h",
            None,
            0.7,
        ),
        (
            "holder_drives_anaphor",
            "DRIVES",
            rf"(?<![向从找跟将把])(?P<h>{H})[^，,。；;！？\n{_MARKS}将把让叫派指使雇]{{0,4}}?"
            rf"(?:驾驶|驾乘|驾着|开着|使用|驾|开)(?:着)?(?P<v>{V})",
            "h",
            "v",
            0.8,
        ),
    )
)
_OWNER_TRIGGER = r"车主|所有人|船主|船东|控制人|实控人|所有权人"
_DRIVER_TRIGGER = r"驾驶人|驾驶员|使用人|借用人|承租人|司机|船长|船老大"
# words a rule cannot match without: a sentence lacking them skips the rule (most sentences
# of a hotline ticket lack all of them), which keeps the pass cheap
_TRIGGERS: dict[str, re.Pattern[str]] = {
    name: re.compile(rx)
    for name, rx in {
        "owner_word_after_vehicle": _OWNER_TRIGGER,
        "owner_word_carried": _OWNER_TRIGGER,
        "vehicle_belongs_to": V,
        "vehicle_belongs_plain": r"属于|归属",
        "belongs_to_carried": r"所有|名下|控制",
        "registered_in_name": r"登记|挂靠|落户",
        "holder_owned_vehicle": V,
        "holder_possessive": "的",
        "controlled_by": "控制",
        "borrow_from_holder": "借|租",
        "borrow_holders_vehicle": "借|租",
        "borrow_vehicle": "借|租",
        "lend_to": "借给|出借给|借予|租给",
        "hand_vehicle_to": "交给|交由",
        "by_holder_used": "借|租|驾|使用|开|经营|承包",
        "driver_word": _DRIVER_TRIGGER,
        "holder_is_driver": _DRIVER_TRIGGER,
        "holder_drives_anaphor": "驾|开|使用",
    }.items()
}
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
    out, refs, pos, n = [], {}, s0, 0
    for a, b, ch, ref in items:
        if a < pos:
            continue
        out.append(text[pos:a])
        n += a - pos
        refs[n] = ref
        out.append(ch)
        n += 1
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
    default_vessel: Hashable | None

    def last_vehicle(self, before: int, boat: bool | None = None) -> Hashable | None:
        cands = [
            m
            for m in self.vehicles
            if self.window <= m.start and m.end <= before and (boat is None or (m.kind == "VESSEL") == boat)
        ]
        if cands:
            return cands[-1].ref
        if boat is None:  # a carried statement (车主为X) without a noun: only when the case has one kind
            return (
                self.default_vehicle
                if self.default_vessel is None
                else (self.default_vessel if self.default_vehicle is None else None)
            )
        return self.default_vessel if boat else self.default_vehicle

    def only_vehicle(self, before: int, boat: bool) -> Hashable | None:
        """The vehicle a bare noun (`钱某某的货船`) can only mean: the single one of its kind named
        in the sentences before, else the case's.  One named in the same sentence is another
        vehicle (`浙E·K3J21与张某的货车相撞`), and with two in view it means neither."""
        refs = {
            m.ref for m in self.vehicles if self.window <= m.start and m.end <= before and (m.kind == "VESSEL") == boat
        }
        if len(refs) == 1:
            return refs.pop()
        if refs:
            return None
        return self.default_vessel if boat else self.default_vehicle

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
    default_vessel: Hashable | None = None,
) -> list[Statement]:
    """OWNS and DRIVES statements of `text` between the mentions given (see the module docstring).

    `default_vehicle` / `default_vessel`: what 该车 / 该船 refer to when the text names no
    plate / vessel before them (a case file that lists exactly one of each).
    """
    vehicles = sorted((m for m in mentions if m.kind in ("PLATE", "VESSEL")), key=lambda m: m.start)
    if not vehicles and default_vehicle is None and default_vessel is None:
        return []  # nothing a statement could be about
    anaphors = [(m.start(), m.end(), bool(_BOAT.search(m.group()))) for m in VEHICLE_ANAPHOR.finditer(text)]
    persons = sorted((m for m in mentions if m.kind == "PERSON"), key=lambda m: m.start)
    out: list[Statement] = []
    seen: set[tuple] = set()
    sents = [(m.start(), m.end()) for m in _SENT_RE.finditer(text) if m.group().strip()]
    for si, (s0, s1) in enumerate(sents):
        masked, refs = _mask(text, s0, s1, mentions, anaphors)
        if _V not in masked and not re.search(r"车|船|" + _BORROW, masked):
            continue
        resolve = _Resolver(vehicles, persons, sents[max(0, si - 2)][0], default_vehicle, default_vessel)
        for name, typ, rx, hg, vg, conf in _RULES:
            if not _TRIGGERS[name].search(masked):
                continue
            for m in rx.finditer(masked):
                if not _plausible(name, masked, m):
                    continue
                holder = resolve(refs.get(m.start(hg))) if m.group(hg) else None
                lender = resolve(refs.get(m.start("h2"))) if m.groupdict().get("h2") else None
                if holder is None and (lender is None or name not in _LENDER_OWNS):
                    continue
                vpos = m.start(vg) if vg and m.group(vg) else -1
                vehicle = resolve(refs.get(vpos)) if vpos >= 0 else None
                noun = m.groupdict().get("noun")
                if noun:  # 钱某某的货船: the one vessel (or vehicle) in view, or the case's one
                    vehicle = resolve.only_vehicle(s0, "船" in noun)
                    if vehicle is None:
                        continue
                if vehicle is None:
                    vehicle = _sentence_vehicle(masked, refs, m.start(), resolve)
                if vehicle is None:
                    vehicle = resolve.last_vehicle(s0)
                if vehicle is None or vehicle == holder:
                    continue
                c = conf if vpos >= 0 else round(conf - 0.1, 2)
                basis = _basis(m.groupdict().get("word"), m.group()) if typ == "OWNS" else None
                if holder is not None:
                    _add(out, seen, Statement(typ, holder, vehicle, c, s0, s1, basis, name))
                if name in _LENDER_OWNS and lender is not None and lender != holder:
                    _add(out, seen, Statement("OWNS", lender, vehicle, _LENDER_OWNS[name], s0, s1, "owner", name))
    return out


_VEHICLE_OWNER_WORD = re.compile(r"车主|船主|船东|登记所有人|机动车所有人|船舶所有人")
_COMPANY_WORD = re.compile(r"公司|厂|企业|单位|合作社|经营部|作坊|站|场")


_ROLE_END = re.compile("(?:" + _OWNER_WORD.replace("?P<word>", "?:") + "|" + _DRIVER_WORD + ")$")
_AFTER_NAME = re.compile(r"$|[，,。；;、（(：:将把驾开借系称于在已因及和与也持均为是的不拒说表承供未没等]")


def _plausible(name: str, masked: str, m: re.Match[str]) -> bool:
    """Checks a pattern cannot say alone.

    * A role word written straight before a name (`车主唐某，`) needs the name to end there or
      go on with a verb or particle: `车主尚未查明` is no name (a tagger may think so).
    * The borrower is not the one borrowed from: `从表弟温少华处借来` makes 温少华 the lender.
    * A role word with no vehicle of its own (`实际控制人为X`) is about a vehicle only when the
      clause speaks of one: `该公司实际控制人X` is the company's controller, not the truck's.
    """
    h = m.start("h") if m.groupdict().get("h") else -1
    if name in ("owner_word_after_vehicle", "owner_word_carried", "driver_word") and h >= 0:
        if _ROLE_END.search(masked, 0, h) and not _AFTER_NAME.match(masked, h + 1):
            return False
    if name in ("borrow_vehicle", "holder_drives_anaphor") and h >= 0:
        if re.search(r"[向从找跟]", masked[max(0, h - 5) : h]) or masked[h + 1 : h + 2] == "处":
            return False
    if name == "by_holder_used" and re.search("经营|承包", m.group()) and _V not in masked:
        return False  # 由X经营 is about a business unless the sentence names a vehicle
    if name != "owner_word_carried":
        return True
    clause = re.split(r"[，,：:]", masked[: m.start()])[-1]
    if _H in clause or _COMPANY_WORD.search(clause):
        return False
    # 冀E·5R3T8虽挂靠运输公司，实际控制人却是车伟民: the sentence's vehicle
    return bool(
        _VEHICLE_OWNER_WORD.search(m.group("word")) or re.search(rf"车|船|{_V}", clause) or _V in masked[: m.start()]
    )


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
