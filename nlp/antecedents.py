"""A document's discourse state and its antecedents: the clause subject, and what an anaphor refers back to.

`nlp.discourse` reads a document clause by clause; this base class holds what
it remembers between clauses (the subject, carried over or written; the last
person; the last list of persons) and finds antecedents: the company before
`该公司`/`其`, the vehicle before `该车`, the place a site anaphor (`上述鱼塘`)
names, preferring the fullest earlier name of the same site.  The patterns
shared by the rule modules (role words, anaphors, `ents_in`) live here too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from graph_schema.identifiers import chars_in_order
from nlp.types import Entity

__all__ = [
    "ACTORS",
    "COMPANY_ANAPHOR",
    "GROUP",
    "ROLE_OWNER",
    "ROLE_WORKER",
    "SITE_CLASS_OF",
    "VEHICLE_ANAPHOR",
    "AddFn",
    "DiscourseState",
    "ents_in",
]

ACTORS = ("PERSON", "ORG", "PLATE", "VESSEL")
# words before an actor that make it an object, not the subject of its clause
_NOT_SUBJECT = re.compile(
    r"将|把|被|由|让|叫|安排|指使|授意|雇用|雇佣|委托|交由|交给|伙同|纠集|带领|与|和|同|跟|向|对|给|从|"
    r"查获|抓获|发现|联系|受|接|举报|反映|拦截|控制|约谈|处罚|移交|出售|卖给|收购|来自|租用|询问|核实|"
    r"提醒|劝|通知|告诉|经营|有|驾驶|驾|开着|使用|用|乘|以|^(?:系|是|为|任|担任)"
)
# clause openers whose subject is not an entity: police, agencies, tests, citizens
_OTHER_SUBJECT = re.compile(
    r"^(?:民警|我局|我队|我所|执法人员|渔政|巡逻|工作人员|公安|派出所|经鉴定|经检测|经监测|经溯源|经调取|经比对|"
    r"经测量|经价格|经现场|群众|市民|来电|网格员|我们|我(?!举报)|有人|大家|目前|现场查|共|经县|经市|县|市)"
)
_PRONOUN = re.compile(r"^(?:其|他|她)")
GROUP = re.compile(r"^(?:该|上述|这)?(?:兄弟|父子|夫妻|母子)?(?:二|两|三|四|五)人|^上述人员|^上述嫌疑人")
COMPANY_ANAPHOR = re.compile(
    r"(?:该|上述|涉案|这家|那家|其|他们|他家)(?:公司|厂|企业|单位|合作社|回收站|作坊|砂石场|养殖场|经营部|农家乐)"
)
VEHICLE_ANAPHOR = re.compile(
    r"(?:该|上述|涉案|此)(?:车辆|车|罐车|货车|槽罐车|渣土车|农用车|皮卡|半挂车)|(?:该|上述|涉案|此)(?:渔船|船只|船|货船)"
)
ROLE_OWNER = re.compile(
    r"法定代表人|法人代表|法人|实际控制人|实际经营人|实际经营者|实控人|老板|业主|经营者|负责人|股东"
)
ROLE_WORKER = re.compile(
    r"员工|职工|工人|雇员|司机|驾驶员|押运员|经理|厂长|主管|主任|保安|会计|技术员|操作工|安全员|环保专员|仓库管理员"
)

# site anaphora: the class nouns an anaphor may name, and the words that name the same kind of site
_SITE_CLASSES: dict[str, str] = {
    "pit": r"石矿坑|废矿坑|矿坑|宕口|采石场|石矿|矿山|砖窑|渗坑",
    "plot": r"农用地块|地块|空地|荒地|闲置地|场地",
    "pond": r"鱼塘|废塘|水塘|山塘|池塘|养殖塘",
    "water": r"河道|河段|支流|溪流|河沟|水沟|沟渠|河浜|水域",
    "plant": r"厂区|厂房|仓库|院内|院子|作坊",
    "gully": r"山坳|山沟|山谷|后山",
}
SITE_CLASS_OF = {w: c for c, ws in _SITE_CLASSES.items() for w in ws.split("|")}
_CLASS_RE = {c: re.compile(ws) for c, ws in _SITE_CLASSES.items()}
_ADMIN_ONLY = re.compile(r"(?:省|市|县|区|自治县)$")
# what may stand between a place name and its site noun: "青岭村北侧废弃石矿坑", "荻港村附近一废弃鱼塘"
_FILLER = re.compile(r"[^，,。；;：:！？!?\n、]{0,8}")

AddFn = Callable[[int, int, str, float, int, int], None]


def ents_in(ents: list[Entity], lo: int, hi: int, labels=ACTORS) -> list[int]:
    """Indices of the entities with `labels` inside [lo, hi) (entities come sorted by start)."""
    out = []
    for i in range(bisect_left(ents, lo, key=_start), len(ents)):
        e = ents[i]
        if e.start >= hi:
            break
        if e.end <= hi and e.label in labels:
            out.append(i)
    return out


def _start(e: Entity) -> int:
    return e.start


_LEAD_MARKERS = re.compile(
    r"^(?:经查|经调查|经核查|经审查|另查明|查明|据查|此后|随后|其后|之后|后|同时|并且|并|且|又|另|还|再)+"
)
_ROLE_NOUNS = re.compile(r"驾驶员|驾驶人|用户")
_ANY_ROLE = re.compile(r"的?(?:生产|环保)?(?:" + ROLE_OWNER.pattern + "|" + ROLE_WORKER.pattern + ")")
_TOGETHER = re.compile(r"一同|一起|共同|[二两三四]人|兄弟|夫妻|父子|均|等人")
_RX0 = re.compile(r"[。！？!?\n]")
_RX1 = re.compile(r"的?(?:法定代表人|法人代表|实际控制人|实控人|负责人|老板|业主)")
_RX2 = re.compile(r"[、和与及]|与其妻|与其夫|和其妻")


class DiscourseState:
    """One document's state while its clauses are read in order, and its antecedents."""

    def __init__(self, text: str, ents: list[Entity], add: AddFn, is_agency: Callable[[Entity], bool]):
        self.text = text
        self.ents = ents
        self.add = add
        self.is_agency = is_agency
        self.subject: list[int] = []  # entity indices (several for a group)
        self.carried = False  # subject not written in the current clause
        self.last_list: list[int] = []  # the last list of two or more persons
        self.org_of: dict[str, int] = {}  # person name → the company they own/represent/work for
        self.sent_vehicles: list[int] = []  # vehicles the subject drives/uses in this sentence
        self.last_person: int | None = None  # the last person written as a subject (for 他/她/其)

    def conf(self, base: float, anaphor: bool = False) -> float:
        c = base
        if self.carried:
            c -= 0.2
        if anaphor:
            c -= 0.25 if not self.carried else 0.15
        return round(max(0.3, c), 2)

    # ---------------------------------------------------------------- antecedents
    def company_before(self, pos: int) -> int | None:
        """The nearest non-agency company named before `pos` (for 该公司, 其, 该厂)."""
        best = None
        for i, e in enumerate(self.ents):
            if e.label == "ORG" and e.end <= pos and not self.is_agency(e):
                if best is None or e.end > self.ents[best].end:
                    best = i
        return best

    def vehicle_before(self, pos: int, boat: bool) -> int | None:
        labels = ("VESSEL",) if boat else ("PLATE",)
        cands = [i for i, e in enumerate(self.ents) if e.label in labels and e.end <= pos]
        return max(cands, key=lambda i: self.ents[i].end) if cands else None

    def site_antecedent(self, pos: int, noun: str) -> int | None:
        """The place an anaphor at `pos` (上述矿坑, 该地块, 该村, 上述地点) refers back to."""
        text, ents = self.text, self.ents
        locs = [i for i, e in enumerate(ents) if e.label == "LOC" and e.end <= pos]
        if not locs:
            return None
        cls = SITE_CLASS_OF.get(noun)
        found: int | None = None
        fallback: int | None = None
        if cls is not None:
            rx = _CLASS_RE[cls]
            for m in sorted(rx.finditer(text, 0, pos), key=lambda m: -m.start()):
                inside = [i for i in locs if ents[i].start <= m.start() and m.end() <= ents[i].end]
                if inside:
                    found = inside[0]
                    break
                before = [i for i in locs if ents[i].end <= m.start()]
                if before:
                    j = max(before, key=lambda i: ents[i].end)
                    gap = text[ents[j].end : m.start()]
                    if _FILLER.fullmatch(gap) and not ents_in(ents, ents[j].end, m.start()):
                        found = j
                        break
                    if fallback is None and not _RX0.search(gap):
                        fallback = j  # "煤山镇新川村网格员…上报：村东侧废弃矿坑": the sentence's place
            if found is None:
                found = fallback
        elif noun in ("村", "镇", "港", "溪"):
            named = [i for i in locs if ents[i].text.endswith(noun)]
            found = max(named, key=lambda i: ents[i].end) if named else None
        else:  # 上述地点, 该处, 现场: the last place that is more than a county or city
            named = [i for i in locs if not _ADMIN_ONLY.search(ents[i].text)] or locs
            found = max(named, key=lambda i: ents[i].end)
        if found is None:
            return None
        # a later short form (青岭村矿坑) of an earlier full name (煤山镇青岭村北侧废弃石矿坑): take the full one
        short = ents[found].text
        for i in sorted(locs, key=lambda i: ents[i].start):
            full = ents[i].text
            if i != found and len(full) > len(short) and chars_in_order(short, full):
                return i
        return found

    # ---------------------------------------------------------------- subjects
    def clause_subject(self, c0: int, c1: int) -> list[int] | None:
        """The subject written in clause [c0, c1): entity indices, [] for a non-entity subject, None if omitted."""
        text, ents = self.text, self.ents
        lead = text[c0:c1]
        # strip a leading time expression and discourse markers
        for i in ents_in(ents, c0, c1, ("TIME",)):
            if text[c0 : ents[i].start].strip() in ("", "于", "自", "在"):
                lead = text[ents[i].end : c1]
                c0 = ents[i].end
                break
        lead_s = _LEAD_MARKERS.sub(
            "",
            lead,
        )
        off = c0 + len(lead) - len(lead_s)
        if _PRONOUN.match(lead_s) and not COMPANY_ANAPHOR.match(lead_s):
            if lead_s.startswith(("他", "她")) and self.last_person is not None:
                return [self.last_person]
            return self.subject or None
        if GROUP.match(lead_s):
            return list(self.last_list) or self.subject or None
        m = COMPANY_ANAPHOR.match(lead_s)
        if m:
            o = self.company_before(off)
            if o is not None:
                role = _RX1.match(lead_s[m.end() :])
                if role:
                    ps = ents_in(ents, off + m.end() + role.end(), c1, ("PERSON",))
                    if ps and ents[ps[0]].start - (off + m.end() + role.end()) <= 1:
                        return [ps[0]]
                return [o]
        actors = ents_in(ents, c0, c1)
        if not actors:
            return [] if _OTHER_SUBJECT.match(lead_s) else None
        first = actors[0]
        pre = text[off : ents[first].start] if ents[first].start >= off else ""
        if _OTHER_SUBJECT.match(lead_s):
            return []
        if _NOT_SUBJECT.search(_ROLE_NOUNS.sub("", pre)):
            return None  # the clause opens with a verb: its subject is carried over
        e = ents[first]
        if e.label == "ORG" and self.is_agency(e):
            return []
        if e.label == "ORG":  # "…公司法定代表人蔡文斌为…": the person is the subject
            after = text[e.end : c1]
            r = _ANY_ROLE.match(after)
            if r:
                ps = ents_in(ents, e.end + r.end(), c1, ("PERSON",))
                if ps and ents[ps[0]].start == e.end + r.end():
                    return [ps[0]]
        # a list "A、B" or "A与B(一同)" in subject position is a group
        group = [first]
        k = first
        for j in actors[1:]:
            gap = text[ents[k].end : ents[j].start]
            if ents[j].label == "PERSON" and ents[first].label == "PERSON" and _RX2.fullmatch(gap):
                group.append(j)
                k = j
            else:
                break
        if len(group) > 1 and not _TOGETHER.match(text[ents[k].end : c1]):
            # "A与B": a pair only when they act together
            if text[ents[group[0]].end : ents[group[1]].start] in ("与", "和"):
                group = group[:1]
        return group
