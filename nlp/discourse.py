"""Document-level relation rules: who does what across clauses and sentences.

Case narratives name an actor once and then drop it (`沈建林驾驶…，倾倒于…。
又将…倒入该宕口`), refer back to places (`上述矿坑`, `该地块`), vehicles
(`该车`), companies (`该公司`, `其`) and groups (`二人`).  This pass walks the
clauses (split at ，：；) of each sentence in order and keeps

- the clause subject: the first actor (person, company, vehicle) in subject
  position, a pronoun or group word that refers back (`其`, `该公司`, `二人`),
  or, when the clause starts with a verb, the subject carried over from the
  previous clause or sentence; a non-entity subject (`民警`, `我局`, `经鉴定`)
  or a government body ends the carry-over;
- antecedents for anaphors, found by the site noun's class (`上述鱼塘` → the
  place named right before an earlier `…一处废弃鱼塘`), preferring the fullest
  earlier name of the same site.

Relations found here carry the sentence that states them as evidence, and a
lower confidence than direct ones (0.65 carried subject, 0.6 anaphor, 0.5
both).  The head/tail are entity indices: for an anaphor, the antecedent.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from graph_schema.identifiers import chars_in_order
from nlp.types import Entity

ACTORS = ("PERSON", "ORG", "PLATE", "VESSEL")

_CLAUSE_RE = re.compile(r"[^，,：:；;。！？!?\n]+")

# dump verbs that need an actor and a place
DUMP_VERB = re.compile(
    r"倾倒|倒入|倒在|倒进|倒到|偷倒|乱倒|倾泻|偷排|直排|排入|排到|排进|排至|排放|抽排至|抽排到|抽入|抽排|"
    r"丢弃|抛弃|弃置|填埋|掩埋|卸入|卸在|卸到|推入|堆放|堆填|倒(?=东西|垃圾|废|桶|渣|污|泥|液)|(?<=内|里)倾?倒"
)
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
_GROUP = re.compile(r"^(?:该|上述|这)?(?:兄弟|父子|夫妻|母子)?(?:二|两|三|四|五)人|^上述人员|^上述嫌疑人")
_COMPANY_ANAPHOR = re.compile(
    r"(?:该|上述|涉案|这家|那家|其|他们|他家)(?:公司|厂|企业|单位|合作社|回收站|作坊|砂石场|养殖场|经营部|农家乐)"
)
# 兼语: "储某雇用司机蒋卫平驾驶…", "安排工人陆某将…": the hired person acts from here on
_PIVOT = re.compile(r"(?:雇用|雇佣|安排|指使|授意|让|叫|派|组织|唆使)(?:本厂|本公司|公司|厂里)?的?(?:车间|生产|仓库)?")
_VEHICLE_ANAPHOR = re.compile(
    r"(?:该|上述|涉案|此)(?:车辆|车|罐车|货车|槽罐车|渣土车|农用车|皮卡|半挂车)|(?:该|上述|涉案|此)(?:渔船|船只|船|货船)"
)
_ROLE_OWNER = re.compile(
    r"法定代表人|法人代表|法人|实际控制人|实际经营人|实际经营者|实控人|老板|业主|经营者|负责人|股东"
)
_ROLE_WORKER = re.compile(
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
_CLASS_OF = {w: c for c, ws in _SITE_CLASSES.items() for w in ws.split("|")}
_SITE_ANAPHOR = re.compile(
    r"(?:上述|前述|该处?|此|这个|那个|这处|那处)(?:废弃的?)?(?P<noun>"
    + "|".join(sorted(_CLASS_OF, key=len, reverse=True))
    + r"|地点|地方|倾倒点|点位|现场|区域|村|镇|港|溪)"
)
_CLASS_RE = {c: re.compile(ws) for c, ws in _SITE_CLASSES.items()}
_ADMIN_ONLY = re.compile(r"(?:省|市|县|区|自治县)$")
# what may stand between a place name and its site noun: "青岭村北侧废弃石矿坑", "荻港村附近一废弃鱼塘"
_FILLER = re.compile(r"[^，,。；;：:！？!?\n、]{0,8}")

AddFn = Callable[[int, int, str, float, int, int], None]


def _in(ents: list[Entity], lo: int, hi: int, labels=ACTORS) -> list[int]:
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


# patterns used inside the rules, compiled once
_RELATIONAL = ("PERSON", "ORG", "PLATE", "VESSEL", "LOC", "PHONE")
# a clause without entities still matters when it has one of these (倒入该宕口, 驾船, 二人…)
_CUE = re.compile(
    DUMP_VERB.pattern + r"|驾|开|使用|用|上述|前述|该|其|他|她|[二两三四五]人|伙|同案|交由|委托|受|住|当地"
)
_LEAD_MARKERS = re.compile(
    r"^(?:经查|经调查|经核查|经审查|另查明|查明|据查|此后|随后|其后|之后|后|同时|并且|并|且|又|另|还|再)+"
)
_ROLE_NOUNS = re.compile(r"驾驶员|驾驶人|用户")
_ANY_ROLE = re.compile(r"的?(?:生产|环保)?(?:" + _ROLE_OWNER.pattern + "|" + _ROLE_WORKER.pattern + ")")
_TOGETHER = re.compile(r"一同|一起|共同|[二两三四]人|兄弟|夫妻|父子|均|等人")
_WORKER_OPT = re.compile("(?:" + _ROLE_WORKER.pattern + ")?")
_PIVOT_END = re.compile(_PIVOT.pattern + "(?:" + _ROLE_WORKER.pattern + ")?$")
_HIRE_WORKER = re.compile(
    r"(?:安排|指使|让|叫|雇用|雇佣|授意|派)(?:本厂|本公司|公司|厂里)?的?(?:车间|生产|仓库)?(?:"
    + _ROLE_WORKER.pattern
    + ")"
)
_SYS_OWNER = re.compile(r"系其(" + _ROLE_OWNER.pattern + ")")
_OWNER_LEAD = re.compile(r"(?:其|该公司|该厂|该企业|该单位)?的?(" + _ROLE_OWNER.pattern + r")(?:为|是)?")
_OWNER_AT = re.compile(r"的?(?:" + _ROLE_OWNER.pattern + ")")
_WORKER_AT = re.compile(r"的?(?:" + _ROLE_WORKER.pattern + ")")
_GROUP_ACTS = re.compile(
    r"(?:二|两|三|四|五)人(?:均|都|一起|共同|结伙|明知|先后|多次|非法|已|在|将|使用|于|仍)|兄弟|父子|夫妻"
)
_RX0 = re.compile(r"[。！？!?\n]")
_RX1 = re.compile(r"的?(?:法定代表人|法人代表|实际控制人|实控人|负责人|老板|业主)")
_RX2 = re.compile(r"[、和与及]|与其妻|与其夫|和其妻")
_RX3 = re.compile(r"(?:我们|我|他们|工人|员工|手下|司机|人)")
_RX4 = re.compile(r"驾驶|开着|驾着|开|驾|使用|用")
_RX5 = re.compile(r"运|拉|转运|装")
_RX6 = re.compile(r"伙同|纠集|带领|结伙|与|和|及")
_RX7 = re.compile(r"(?:运至|运到|拉至|拉到|运往|拉往|送至|倒至)")
_RX8 = re.compile(r"(?:至|到|往|在|于|入|向)$")
_RX9 = re.compile(r"(?:第?\d+网格)?(?:：|:)?(?:巡查)?(?:发现|有|附近|一处|一废弃|内|，)")
_RX10 = re.compile(r"(?:将|把|被|交由|委托|给)$")
_RX11 = re.compile(r"(?:产生|生产|的)")
_RX12 = re.compile(r"由$")
_RX13 = re.compile(r"(?:^|，)$")
_RX14 = re.compile(r"受(.{0,24}?)(?:雇用|雇佣|委托|指派|安排)")
_RX15 = re.compile(r"雇用|雇佣|指派|安排")
_RX16 = re.compile(r"交由|交给|委托")
_RX17 = re.compile(r"运输|承运|清运|转运|运至|运走|拉走|处置|处理|倾倒")
_RX18 = re.compile(r"其(?:经营|开办|开设|承包)的")
_RX19 = re.compile(r"法")
_RX20 = re.compile(r"(?:其|该车|该船)?的?(?:驾驶员|司机|驾驶人|船长)(?:为|是)?(?:本村村民|村民)?")
_RX21 = re.compile(r"(?:系|是|为|任|担任)")
_RX22 = re.compile(r"的?(?:法定代表人|法人)")
_RX23 = re.compile(r"的?(?:环保|安全|生产|技术|车间)?(?:负责人|主管)")
_RX24 = re.compile(r"(?:其|他|她)(?:的|使用的)?(?:手机号码|手机号|手机|电话|联系电话|号码)")
_RX25 = re.compile(r"(?:住在|家住|居住在|住于)")
_RX26 = re.compile(r"当地(?:村民|居民|渔民|牧民|人)")
_RX27 = re.compile(r"[、和与及]|与其妻|其妻|和其妻")
_RX28 = re.compile(r"伙同|纠集|结伙|带领|与同伙|同伙|同案(?:参与)?人|同案犯|共犯")
_RX29 = re.compile(r"[，。；]")
_RX30 = re.compile(r"[与和跟同](?!伙)")
_RX31 = re.compile(r"[^，。、；]{0,5}")
_RX32 = re.compile(r"(?:等人)?(?:一同|一起|共同|合伙|结伙|合谋)")


class Discourse:
    """One document's state while its clauses are read in order."""

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
        cls = _CLASS_OF.get(noun)
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
                    if _FILLER.fullmatch(gap) and not _in(ents, ents[j].end, m.start()):
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
        for i in _in(ents, c0, c1, ("TIME",)):
            if text[c0 : ents[i].start].strip() in ("", "于", "自", "在"):
                lead = text[ents[i].end : c1]
                c0 = ents[i].end
                break
        lead_s = _LEAD_MARKERS.sub(
            "",
            lead,
        )
        off = c0 + len(lead) - len(lead_s)
        if _PRONOUN.match(lead_s) and not _COMPANY_ANAPHOR.match(lead_s):
            if lead_s.startswith(("他", "她")) and self.last_person is not None:
                return [self.last_person]
            return self.subject or None
        if _GROUP.match(lead_s):
            return list(self.last_list) or self.subject or None
        m = _COMPANY_ANAPHOR.match(lead_s)
        if m:
            o = self.company_before(off)
            if o is not None:
                role = _RX1.match(lead_s[m.end() :])
                if role:
                    ps = _in(ents, off + m.end() + role.end(), c1, ("PERSON",))
                    if ps and ents[ps[0]].start - (off + m.end() + role.end()) <= 1:
                        return [ps[0]]
                return [o]
        actors = _in(ents, c0, c1)
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
                ps = _in(ents, e.end + r.end(), c1, ("PERSON",))
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

    # ---------------------------------------------------------------- main
    def run(self, sentences: list[tuple[int, int]]) -> None:
        if sum(e.label in _RELATIONAL for e in self.ents) < 2:
            return  # nothing to relate
        for s0, s1 in sentences:
            self.sent_vehicles = []
            clauses = [(s0 + m.start(), s0 + m.end()) for m in _CLAUSE_RE.finditer(self.text[s0:s1])]
            prev_site: int | None = None
            for ci, (c0, c1) in enumerate(clauses):
                subj = self.clause_subject(c0, c1)
                if subj is None:
                    self.carried = True
                else:
                    self.carried = False
                    self.subject = subj
                if len(self.subject) > 1:
                    self.last_list = list(self.subject)
                if not self.carried and self.subject and self.ents[self.subject[0]].label == "PERSON":
                    self.last_person = self.subject[0]
                if not _in(self.ents, c0, c1, _RELATIONAL) and not _CUE.search(self.text, c0, c1):
                    continue  # no argument and no cue word: only the subject bookkeeping above
                prev_site = self.clause(c0, c1, s0, s1, prev_site, clauses[ci + 1 :])
                self.lists(c0, c1, s0, s1)
                pivot = self.pivot(c0, c1)
                if pivot is not None:
                    self.subject, self.carried = pivot, False

    def pivot(self, c0: int, c1: int) -> list[int] | None:
        """The person a clause hires or instructs (雇用司机蒋卫平, 让我们): the next clauses' subject."""
        found = list(_PIVOT.finditer(self.text, c0, c1))
        if not found:
            return None
        m = found[-1]
        rest = self.text[m.end() : c1]
        role = _WORKER_OPT.match(rest)
        at = m.end() + (role.end() if role else 0)
        ps = _in(self.ents, at, c1, ("PERSON",))
        if ps and self.ents[ps[0]].start == at:
            return [ps[0]]
        if _RX3.match(rest):
            return []
        return None

    def conf(self, base: float, anaphor: bool = False) -> float:
        c = base
        if self.carried:
            c -= 0.2
        if anaphor:
            c -= 0.25 if not self.carried else 0.15
        return round(max(0.3, c), 2)

    def clause(
        self, c0: int, c1: int, s0: int, s1: int, prev_site: int | None, rest: list[tuple[int, int]]
    ) -> int | None:
        text, ents, add = self.text, self.ents, self.add
        subj = [i for i in self.subject if ents[i].label in ACTORS]
        persons = [i for i in subj if ents[i].label == "PERSON"]
        seg = text[c0:c1]

        # vehicles the subject drives or uses: 驾驶 X, 开着 X, 使用 X, 驾船 (their vessel), 驾驶该车
        for m in _RX4.finditer(seg):
            v0 = c0 + m.end()
            vs = _in(ents, v0, min(c1, v0 + 24), ("PLATE", "VESSEL"))
            ana = _VEHICLE_ANAPHOR.match(text, v0)
            anaphor = False
            if not vs and ana:
                v = self.vehicle_before(v0, boat="船" in ana.group())
                vs, anaphor = ([v] if v is not None else []), True
            elif not vs and m.group() in ("驾", "开") and text[v0 : v0 + 1] == "船":
                v = self.vehicle_before(v0, boat=True)
                vs, anaphor = ([v] if v is not None else []), True
            if m.group() in ("使用", "用") and not (vs and _RX5.search(text[ents[vs[0]].end : c1])):
                continue
            for v in vs:
                if v not in self.sent_vehicles:
                    self.sent_vehicles.append(v)
                between = _in(ents, c0, c0 + m.start(), ("PERSON",))
                crew = _RX6.search(text[c0 : c0 + m.start()])
                if crew:  # "…伙同船员毛某、何某某驾船": the lead drives
                    between = [p for p in between if ents[p].end <= c0 + crew.start()]
                drivers = [between[-1]] if between else persons[:1]
                base = 0.6 if m.group() in ("使用", "用") else 0.85
                for p in drivers:
                    if p in subj or between:
                        self.carried, was = (p not in between) and self.carried, self.carried
                        add(p, v, "DRIVES", self.conf(base, anaphor), s0, s1)
                        self.carried = was

        # DUMPED_AT: the actor of a dump verb and the place it names
        site = prev_site
        for m in DUMP_VERB.finditer(seg):
            v = c0 + m.start()
            target, anaphor = self.dump_site(c0, c1, v, c0 + m.end())
            if target is None and prev_site is not None:
                target = prev_site
            if target is None:
                target, anaphor = self.sentence_place(s0, c0), True
            if target is None:
                continue
            site = target
            actors = self.dump_actors(c0, v)
            direct = actors is not None
            if actors is None:
                actors = subj + [x for x in self.sent_vehicles if x not in subj]
            was = self.carried
            self.carried = was and not direct
            for a in actors:
                if a != target and not (ents[a].label == "ORG" and self.is_agency(ents[a])):
                    add(a, target, "DUMPED_AT", self.conf(0.85, anaphor), s0, s1)
            self.carried = was
            break

        self.roles(c0, c1, s0, s1, subj, persons)
        return site if site is not None else self.place_ahead(c0, c1)

    def place_ahead(self, c0: int, c1: int) -> int | None:
        """A place the clause moves things to (运至和孚镇) — the site of a dump verb in the next clause."""
        m = _RX7.search(self.text[c0:c1])
        if not m:
            return None
        locs = _in(self.ents, c0 + m.end(), c1, ("LOC",))
        return locs[0] if locs and self.ents[locs[0]].start - (c0 + m.end()) <= 2 else None

    def dump_site(self, c0: int, c1: int, v0: int, v1: int) -> tuple[int | None, bool]:
        text, ents = self.text, self.ents
        after = _in(ents, v1, c1, ("LOC",))
        ana = _SITE_ANAPHOR.search(text, v1, c1)
        if after and (ana is None or ents[after[0]].start < ana.start()) and ents[after[0]].start - v1 <= 12:
            return after[0], False
        if ana is not None and ana.start() - v1 <= 12:
            return self.site_antecedent(ana.start(), ana.group("noun")), True
        # "运至吴兴区妙西镇肇村一处山坳内倾倒", "在德清县雷甸镇…一处荒地偷倒", "倒入该宕口" before the verb
        before = _in(ents, c0, v0, ("LOC",))
        for i in reversed(before):
            lead = text[max(c0, ents[i].start - 3) : ents[i].start]
            if _RX8.search(lead) and not _in(ents, ents[i].end, v0):
                return i, False
        ana = None
        for a in _SITE_ANAPHOR.finditer(text, c0, v0):
            ana = a
        if ana is not None and _RX8.search(text[max(c0, ana.start() - 2) : ana.start()]):
            return self.site_antecedent(ana.start(), ana.group("noun")), True
        return None, False

    def sentence_place(self, s0: int, c0: int) -> int | None:
        """Grid style "煤山镇新川村发现渣土车…倾倒": the place that opens the sentence."""
        locs = _in(self.ents, s0, c0 + 1, ("LOC",)) or _in(self.ents, s0, s0 + 40, ("LOC",))
        if locs and self.ents[locs[0]].start - s0 <= 1:
            tail = self.text[self.ents[locs[0]].end : self.ents[locs[0]].end + 6]
            if _RX9.match(tail):
                return locs[0]
        return None

    def dump_actors(self, c0: int, v: int) -> list[int] | None:
        """The actor written before the verb in its clause (由X卸入, X将…倾倒), or None to use the subject."""
        text, ents = self.text, self.ents
        for i in reversed(_in(ents, c0, v)):
            e = ents[i]
            if e.label == "ORG" and self.is_agency(e):
                return []
            lead = text[max(c0, e.start - 2) : e.start]
            if _RX10.search(lead) or _RX11.match(text[e.end : e.end + 2]):
                continue
            if e.label == "PERSON" and _PIVOT_END.search(text[c0 : e.start]):
                return [i]  # "指使车间主任汤某…直排": the instructed person acts
            if _PIVOT.search(text, e.end, v):
                return []  # "老板潘国平让我们…排到": the one who gives the order is not the dumper
            if e.label == "PERSON" and self.subject and i not in self.subject and not _RX12.search(lead):
                # a person named inside the clause after the subject (工人陆某) acts only with 由/as a new subject
                if not _RX13.search(text[max(c0, e.start - 1) : e.start]) and ents[i].start - c0 > 6:
                    continue
            group = [i]
            if e.label in ("PLATE", "VESSEL"):
                owner = _in(ents, c0, e.start, ("PERSON",))
                group = owner[-1:] + [i] if owner else [i]
            return group
        return None

    def roles(self, c0: int, c1: int, s0: int, s1: int, subj: list[int], persons: list[int]) -> None:
        text, ents, add = self.text, self.ents, self.add
        seg = text[c0:c1]
        # 安排工人陆某 / 指使车间主任邱某 / 让员工何某 / 雇用司机蒋卫平: the subject's company employs them
        for m in _HIRE_WORKER.finditer(
            seg,
        ):
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            boss = persons[0] if persons else None
            org = self.org_of.get(ents[boss].text) if boss is not None else None
            if org is None and subj and ents[subj[0]].label == "ORG":
                org = subj[0]
            if ps and org is not None:
                add(ps[0], org, "WORKS_FOR", self.conf(0.7), s0, s1)
        # 受ORG/该公司…雇用/委托 (清运): the company hires the subject as a carrier
        m = _RX14.search(seg)
        if m and persons:
            orgs = _in(ents, c0 + m.start(1), c0 + m.end(1), ("ORG",))
            org = orgs[0] if orgs else None
            anaphor = False
            if org is None and _COMPANY_ANAPHOR.search(m.group(1)):
                org, anaphor = self.company_before(c0 + m.start(1)), True
            if org is not None and not self.is_agency(ents[org]):
                direct = orgs and not _in(ents, c0 + m.start(1), c0 + m.end(1), ("PERSON",))
                if direct and _RX15.search(m.group()):
                    add(persons[0], org, "WORKS_FOR", self.conf(0.75), s0, s1)
                else:
                    add(org, persons[0], "TRANSPORTS", self.conf(0.75, anaphor), s0, s1)
        # 交由/委托 X 运输/处置 with a person subject who runs a company, or 该公司 in the clause
        for m in _RX16.finditer(seg):
            if subj and ents[subj[0]].label == "ORG":
                head, anaphor = subj[0], False
            elif persons and ents[persons[0]].text in self.org_of:
                head, anaphor = self.org_of[ents[persons[0]].text], True
            else:
                continue
            cs = _in(ents, c0 + m.end(), c1, ("PERSON", "ORG"))
            if cs and ents[cs[0]].start - (c0 + m.end()) <= 12 and _RX17.search(text[ents[cs[0]].end : c1]):
                add(head, cs[0], "TRANSPORTS", self.conf(0.8, anaphor), s0, s1)
        # 在其经营的ORG / 系其实际经营人 / 其法定代表人X
        for m in _RX18.finditer(seg):
            os_ = _in(ents, c0 + m.end(), c0 + m.end() + 2 + 30, ("ORG",))
            if os_ and ents[os_[0]].start - (c0 + m.end()) <= 1 and persons:
                add(persons[0], os_[0], "OWNS", self.conf(0.8), s0, s1)
        m = _SYS_OWNER.search(seg)
        if m and persons:
            org = self.company_before(c0 + m.start())
            if org is not None:
                add(persons[0], org, "REPRESENTS" if "法" in m.group(1) else "OWNS", self.conf(0.7, True), s0, s1)
        m = _OWNER_LEAD.match(seg)
        if m and (subj and ents[subj[0]].label == "ORG" or m.group().startswith(("其", "该"))):
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            org = subj[0] if subj and ents[subj[0]].label == "ORG" else self.company_before(c0)
            if ps and org is not None:
                typ = "REPRESENTS" if _RX19.match(m.group(1)) else "OWNS"
                add(ps[0], org, typ, self.conf(0.7, True), s0, s1)
        # "拦截该车，驾驶员顾某某…": the role names the driver of the vehicle referred back to
        m = _RX20.match(seg)
        if m and m.group():
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            ana = None
            for a in _VEHICLE_ANAPHOR.finditer(text, s0, c0):
                ana = a
            if (
                ps
                and ents[ps[0]].start == c0 + m.end()
                and ana is not None
                and not _in(ents, s0, c0, ("PLATE", "VESSEL"))
            ):
                v = self.vehicle_before(ana.start(), boat="船" in ana.group())
                if v is not None:
                    add(ps[0], v, "DRIVES", 0.6, s0, s1)
        # "…，系湖州…合作社负责人": a carried subject's role in a company
        m = _RX21.match(seg)
        if m and persons and self.carried:
            os_ = _in(ents, c0 + m.end(), c1, ("ORG",))
            if os_ and ents[os_[0]].start == c0 + m.end() and not self.is_agency(ents[os_[0]]):
                role = text[ents[os_[0]].end : c1]
                typ = (
                    "REPRESENTS"
                    if _RX22.match(role)
                    else "WORKS_FOR"
                    if _RX23.match(role) and not role.startswith("负责人")
                    else "OWNS"
                    if _OWNER_AT.match(role)
                    else "WORKS_FOR"
                    if _WORKER_AT.match(role)
                    else None
                )
                if typ:
                    add(persons[0], os_[0], typ, self.conf(0.85), s0, s1)
        # "…砂石场夜间违规采砂，负责人朱某电话…": a bare role names the company of the sentence
        m = _OWNER_LEAD.match(seg)
        if m and not (subj and ents[subj[0]].label == "ORG") and not m.group().startswith(("其", "该")):
            os_ = [o for o in _in(ents, s0, c0, ("ORG",)) if not self.is_agency(ents[o])]
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            if os_ and ps and ents[ps[0]].start == c0 + m.end():
                add(ps[0], os_[-1], "REPRESENTS" if m.group(1).startswith("法") else "OWNS", 0.6, s0, s1)
        # pronoun phone: 其使用的手机号码为…, 他手机是…, 我打过他电话…
        m = _RX24.search(seg)
        if m:
            phones = _in(ents, c0 + m.end(), c1, ("PHONE",))
            owner = persons[0] if persons else None
            if m.group().startswith(("他", "她")) and self.last_person is not None:
                owner = self.last_person
            if owner is None:
                prev = _in(ents, 0, c0 + m.start(), ("PERSON",))
                owner = prev[-1] if prev else None
            if phones and owner is not None and ents[phones[0]].start - (c0 + m.end()) <= 4:
                add(owner, phones[0], "USES_PHONE", self.conf(0.8, True), s0, s1)
        # residence: 住在X / 家住X with the subject; 当地村民X → the place named before
        m = _RX25.search(seg)
        if m and subj:
            locs = _in(ents, c0 + m.end(), c1, ("LOC",))
            if locs and ents[locs[0]].start - (c0 + m.end()) <= 2:
                for p in persons:
                    add(p, locs[0], "LOCATED_AT", self.conf(0.8), s0, s1)
        for m in _RX26.finditer(seg):
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            loc = self.site_antecedent(c0 + m.start(), "地点")
            if ps and loc is not None:
                add(ps[0], loc, "LOCATED_AT", 0.55, s0, s1)

    def lists(self, c0: int, c1: int, s0: int, s1: int) -> None:
        """CO_OFFENDER from 伙同/纠集 lists, 与X一同, 同案X, 二人 over a list, and remember person lists."""
        text, ents, add = self.text, self.ents, self.add
        persons = _in(ents, c0, c1, ("PERSON",))
        # the last run of ≥2 persons joined by 、和与及 in this clause
        run: list[int] = []
        for p in persons:
            if run and _RX27.fullmatch(text[ents[run[-1]].end : ents[p].start]):
                run.append(p)
            else:
                if len(run) >= 2:
                    self.last_list = list(run)
                run = [p]
        if len(run) >= 2:
            self.last_list = list(run)
        seg = text[c0:c1]
        subj = [i for i in self.subject if ents[i].label == "PERSON"]
        m = _RX28.search(seg)
        if m:
            mates = [p for p in persons if ents[p].start >= c0 + m.end()]
            # stop at the first person not listed (…伙同王某等人…，被李某发现)
            listed: list[int] = []
            for p in mates:
                gap = text[(ents[listed[-1]].end if listed else c0 + m.end()) : ents[p].start]
                if len(gap) <= 8 and not _RX29.search(gap):
                    listed.append(p)
                else:
                    break
            before = [p for p in persons if ents[p].end <= c0 + m.start()]
            lead = [before[-1]] if before else subj[:1]
            if not lead or lead[0] in listed:
                # "同案参与人孙某另案处理": the suspect named last before it
                prev = [i for i, e in enumerate(ents) if e.label == "PERSON" and e.end <= c0 + m.start()]
                lead = prev[-1:]
            anaphor = not before
            was = self.carried
            self.carried = anaphor
            crew = lead + listed
            for a in range(len(crew)):
                for b in range(a + 1, len(crew)):
                    add(crew[a], crew[b], "CO_OFFENDER", self.conf(0.85), s0, s1)
            self.carried = was
            if len(crew) >= 2:
                self.last_list = crew
        # A与B一同/一起/共同, A和B一起
        for m in _RX30.finditer(seg):
            ps = _in(ents, c0 + m.end(), c0 + m.end() + 9, ("PERSON",))
            if not ps or not _RX31.fullmatch(text[c0 + m.end() : ents[ps[0]].start]):
                continue
            q = ps[0]
            if not _RX32.match(text[ents[q].end : c1]):
                continue
            before = [p for p in persons if ents[p].end <= c0 + m.start()]
            heads = [before[-1]] if before else subj[:1]
            if (
                not before
                and text[c0 + m.start() - 1 : c0 + m.start()] in ("他", "她")
                and self.last_person is not None
            ):
                heads = [self.last_person]
            for p in heads:
                was = self.carried
                self.carried = not before
                add(p, q, "CO_OFFENDER", self.conf(0.85), s0, s1)
                self.carried = was
            if heads:
                self.last_list = heads + [q]
        # 二人/三人/兄弟二人 … after a list: everyone in it
        if _GROUP.search(seg) and len(self.last_list) >= 2 and _GROUP_ACTS.search(seg):
            crew = self.last_list
            for a in range(len(crew)):
                for b in range(a + 1, len(crew)):
                    add(crew[a], crew[b], "CO_OFFENDER", 0.7, s0, s1)
