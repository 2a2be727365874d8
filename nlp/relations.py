"""Rule-based relation extraction between recognised entities.

Two passes.  The sentence pass finds relations whose two arguments are written
in one sentence (split at 。！？； and line ends); the confidence falls with
the number of characters between them.  The document pass (`nlp.discourse`)
follows clause subjects across clauses and sentences and resolves anaphors
(上述矿坑, 该车, 该公司, 其, 二人) — DUMPED_AT is found there only.  Every
relation carries the sentence that states it as evidence.
"""

from __future__ import annotations

import re

from nlp.discourse import Discourse
from nlp.types import Entity, Relation
from nlp.vehicle_roles import Mention, vehicle_roles

_SENT_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_CLAUSE_SPLIT = re.compile(r"[，,、：:（）()]")

# 车主/船主 (the owner) are OWNS, found by nlp.vehicle_roles: owning a vehicle is not driving it
T_DRIVE = re.compile(r"驾驶|驾乘|开着|开车|开的|驾车|所驾|驾|开|司机|驾驶员|驾驶人|船长|船老大|操纵|驶")
T_OWNS = re.compile(
    r"实际控制人|实际经营者|实际经营人|实控人|老板|业主|经营者|投资人|股东|承包人|负责人|开办|开设|出资"
)
T_REPR = re.compile(r"法定代表人|法人代表|法人")
T_WORK = re.compile(
    r"员工|职工|工人|雇员|司机|驾驶员|押运员|经理|总经理|副总经理|厂长|副厂长|主管|主任|保安|会计|出纳|技术员|车间主任|操作工|"
    r"安全员|环保专员|环保负责人|受雇|雇佣|雇用|聘用|任职|就职|上班|工作"
)
T_STAFF_HEAD = re.compile(r"(?:环保|安全|生产|技术|车间|仓库|财务|销售)(?:负责人|主管)")
T_PHONE = re.compile(r"电话|手机|号码|联系方式|手机号")
T_CO = re.compile(r"伙同|共同|一起|一同|合伙|同伙|纠集|结伙|同案|与.{0,8}(?:一起|共同|合谋)|和.{0,8}一起")
T_DUMP = re.compile(
    r"倾倒|倒入|倒在|倒进|倒|偷排|直排|排放|排入|排到|排进|排至|丢弃|抛弃|抛洒|堆放|堆在|填埋|掩埋|卸入|卸在|卸|弃置|偷倒|乱倒|倾泻|流入|流到"
)
T_TRANS = re.compile(r"交由|交给|委托|转交|承运|运输|清运|拉走|运走|转运|代为处置|处置")
# what a collector does at the producer's: "从X(处)(非法)收集/收购/拉运…"
T_COLLECT = re.compile(
    r"(?:处|那里|那儿|手中|手里|厂内|厂区|仓库)?(?:以每吨[^，。；]{1,12}的价格)?(?:非法|低价|先后|多次|分批)*"
    r"(?:收集|收购|回收|收运|拉运|装运|运走|拉走|接收|承接|购买|购入|收取|清运|转运)"
)
T_LOC_ORG = re.compile(r"位于|地处|坐落|设在|厂址|地址|注册地|经营地")
# "海宁籍男子杨伟东", "江苏宜兴人储某", "肃南县牧民安某某", "长涂镇的吴某某", "金华籍货车司机吴某"
T_NATIVE = re.compile(r"的|(?:籍|人|的)?(?:男子|女子|村民|居民|渔民|牧民|农民|人)|籍(?:货车|渣土车)?(?:司机|驾驶员)?")
T_LOC_PER = re.compile(r"住址|住|家住|居住|户籍|现住|暂住")

VEHICLE = ("PLATE", "VESSEL")
# kin words that join a list of co-offenders: "许某与其妻子吴某、其弟许某乙结伙"
_KIN = r"其?(?:妻子|丈夫|儿子|女儿|女婿|父亲|母亲|哥哥|弟弟|姐姐|妹妹|姐夫|妹夫|侄子|表弟|表哥|堂弟|堂兄|妻|夫|子|父|弟|兄)"
_AGENCY_END = re.compile(
    r"(?:局|分局|派出所|公安|政府|管委会|委员会|中队|大队|支队|总队|执法队|站|办|检察院|法院|海警|海事处|中心)$"
)
_COREF_ORG = re.compile(r"(?:该公司|该厂|该企业|该单位|该合作社|该场|其公司|其厂)(?:的)?$")


def _is_agency(e: Entity) -> bool:
    return (
        e.label == "ORG"
        and bool(_AGENCY_END.search(e.text))
        and not re.search(r"公司|厂|合作社|回收站|经营部|砂石场|养殖场|农家乐", e.text)
    )


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT_RE.finditer(text) if m.group().strip()]


def _between(text: str, a: Entity, b: Entity) -> str:
    lo, hi = (a, b) if a.start < b.start else (b, a)
    return text[lo.end : hi.start]


def _conf(base: float, gap: int) -> float:
    return round(max(0.3, min(0.99, base - 0.01 * max(0, gap - 4))), 2)


def extract_relations(text: str, ents: list[Entity]) -> list[Relation]:
    rels: list[Relation] = []
    seen: set[tuple] = set()
    disc: Discourse | None = None

    def add(h: int, t: int, typ: str, conf: float, s0: int, s1: int) -> None:
        a, b = ents[h].text, ents[t].text
        if typ == "CO_OFFENDER":
            a, b = min(a, b), max(a, b)
        key, said = (h, t, typ), (a, b, typ, s0)  # one statement per sentence, whichever mention
        if h == t or a == b or key in seen or said in seen:
            return
        seen.update((key, said))
        rels.append(Relation(h, t, typ, conf, s0, s1))
        if typ in ("OWNS", "REPRESENTS", "WORKS_FOR") and disc is not None:
            disc.org_of.setdefault(ents[h].text, t)

    sents = sentences(text)
    disc = Discourse(text, ents, add, _is_agency)
    for s0, s1 in sents:
        idx = [i for i, e in enumerate(ents) if e.start >= s0 and e.end <= s1]
        if len(idx) < 2:
            continue
        by = {
            lab: [i for i in idx if ents[i].label == lab]
            for lab in ("PERSON", "ORG", "LOC", "PHONE", "PLATE", "VESSEL")
        }
        persons, orgs, locs = by["PERSON"], by["ORG"], by["LOC"]
        vehicles = by["PLATE"] + by["VESSEL"]

        # DRIVES: person … 驾驶 … vehicle, or vehicle（驾驶员 person）
        for p in persons:
            for v in vehicles:
                gap = _between(text, ents[p], ents[v])
                if len(gap) > 30:
                    continue
                if ents[p].start < ents[v].start and re.match(r"[，,]", gap):
                    continue  # "…伙同施某、朱某某，驾驶…": the clause subject drives (nlp.discourse)
                if (
                    T_DRIVE.search(gap)
                    or (ents[v].start < ents[p].start and re.search(r"驾驶员|司机|驾驶人|船长|船老大", gap))
                    or (
                        re.fullmatch(r"系(?:渔船|货船|船舶|车辆)?|是", gap)
                        and re.match(r"(?:的)?(?:船长|船老大|驾驶员|司机)", text[ents[v].end : s1])
                    )
                ):
                    # another person between the two takes the vehicle instead
                    if any(
                        ents[q].start > min(ents[p].end, ents[v].end)
                        and ents[q].end < max(ents[p].start, ents[v].start)
                        for q in persons
                        if q != p
                    ):
                        continue
                    add(p, v, "DRIVES", _conf(0.9, len(gap)), s0, s1)

        # person – company: REPRESENTS / OWNS / WORKS_FOR.  The role word sits between
        # "公司 + 法定代表人 + 张三", or right after "张三系 + 公司 + 驾驶员".
        for p in persons:
            for o in orgs:
                pe, oe = ents[p], ents[o]
                lo, hi = (oe, pe) if oe.start < pe.start else (pe, oe)
                if any(lo.end <= ents[q].start and ents[q].end <= hi.start for q in persons + orgs if q not in (p, o)):
                    continue
                gap = text[lo.end : hi.start]
                if oe.start < pe.start:
                    if len(gap) > 14:
                        continue
                    role = gap
                else:
                    if len(gap) > 10 or not re.search(r"系|是|为|任|在|担任|受雇于|就职于|^$|，", gap):
                        continue
                    # role words right after the company belong to a person named right after them
                    taken = any(oe.end <= ents[q].start <= oe.end + 8 for q in persons)
                    role = gap + ("" if taken else text[oe.end : min(s1, oe.end + 8)])
                if T_REPR.search(role):
                    add(p, o, "REPRESENTS", _conf(0.9, len(gap)), s0, s1)
                elif T_STAFF_HEAD.search(role):
                    add(p, o, "WORKS_FOR", _conf(0.85, len(gap)), s0, s1)
                elif T_OWNS.search(role):
                    add(p, o, "OWNS", _conf(0.85, len(gap)), s0, s1)
                elif T_WORK.search(role):
                    add(p, o, "WORKS_FOR", _conf(0.85, len(gap)), s0, s1)

        # "该公司实际控制人鲁建平": the company is the nearest one named before
        for p in persons:
            m = re.search(
                r"(?:该公司|该厂|该企业|该单位|该合作社|其公司|其厂)的?([\u4e00-\u9fff]{0,8})$",
                text[max(s0, ents[p].start - 16) : ents[p].start],
            )
            if not m:
                continue
            before = [
                o
                for o, e in enumerate(ents)
                if e.label == "ORG" and e.end <= ents[p].start - len(m.group()) and not _is_agency(e)
            ]
            if not before:
                continue
            o = max(before, key=lambda i: ents[i].end)
            if ents[p].start - ents[o].end > 200:
                continue
            role = m.group(1)
            if any(ents[p].start - len(m.group()) <= e.start < ents[p].start for e in ents if e.label == "PERSON"):
                continue  # "该厂业主沈金宝系沈某…": the role belongs to the person in between
            typ = (
                "REPRESENTS"
                if T_REPR.search(role)
                else "OWNS"
                if T_OWNS.search(role)
                else "WORKS_FOR"
                if T_WORK.search(role)
                else None
            )
            if typ:
                add(p, o, typ, 0.7, s0, s1)

        # USES_PHONE: nearest person before the phone in the sentence
        for ph in by["PHONE"]:
            before = [p for p in persons if ents[p].end <= ents[ph].start]
            if before:
                p = max(before, key=lambda i: ents[i].end)
                gap = text[ents[p].end : ents[ph].start]
                if len(gap) <= 40 and (T_PHONE.search(gap) or len(gap) <= 3) and not re.search(r"对方|他|她|其", gap):
                    add(p, ph, "USES_PHONE", _conf(0.95, len(gap) - 10), s0, s1)

        # CO_OFFENDER: "A 伙同 B", or a list "A、B(、C) … 共同/一起 …"
        for a_i, p in enumerate(persons):
            for q in persons[a_i + 1 :]:
                gap = _between(text, ents[p], ents[q])
                if len(gap) > 15:
                    continue
                if re.search(r"伙同|纠集|结伙|伙", gap) and not any(
                    ents[p].end <= ents[r].start and ents[r].end <= ents[q].start for r in persons
                ):
                    add(p, q, "CO_OFFENDER", _conf(0.85, len(gap)), s0, s1)
                    continue
                # only separators, roles and other listed persons between the two
                inner = gap
                for r in persons:
                    if ents[p].end <= ents[r].start and ents[r].end <= ents[q].start:
                        inner = inner.replace(ents[r].text, "")
                if re.fullmatch(
                    r"(?:[、，,和与及同]|" + _KIN + r"|生产厂长|厂长|经理|副总经理|员工|司机|船员)*", inner
                ):
                    after = text[ents[q].end : s1][:12]
                    if T_CO.search(after) or re.match(r"(?:[二两三四五六]人|等人|兄弟|夫妻|父子)", after):
                        add(p, q, "CO_OFFENDER", _conf(0.85, len(gap)), s0, s1)
        # TRANSPORTS: company … 交由/委托 … carrier (company or person)
        for m in re.finditer(r"交由|交给|委托|雇用|雇佣|找来", text[s0:s1]):
            tpos = s0 + m.start()
            heads = [o for o in orgs if ents[o].end <= tpos and not _is_agency(ents[o])]
            carriers = [
                c for c in orgs + persons if ents[c].start >= tpos + len(m.group()) and ents[c].start - tpos <= 20
            ]
            if heads and carriers:
                o = max(heads, key=lambda i: ents[i].end)
                c = min(carriers, key=lambda i: ents[i].start)
                if re.search(r"运输|承运|清运|转运|运至|运到|拉走|运走|处置|倾倒", text[ents[c].end : s1][:20]):
                    add(o, c, "TRANSPORTS", _conf(0.85, (tpos - ents[o].end) // 3), s0, s1)
        for o in orgs:
            if _is_agency(ents[o]):
                continue
            for c in orgs + persons:
                if c == o or ents[c].start < ents[o].end or _is_agency(ents[c]):
                    continue
                gap = text[ents[o].end : ents[c].start]
                if len(gap) <= 40 and re.search(r"交由|交给|委托|由.{0,12}(?:承运|运输|清运|转运)|承运", gap):
                    add(o, c, "TRANSPORTS", _conf(0.8, len(gap)), s0, s1)
                elif (
                    len(gap) <= 30
                    and re.search(r"运输|承运|清运|转运", text[ents[c].end : ents[c].end + 6])
                    and re.search(r"交由|交给|委托|由", gap)
                ):
                    add(o, c, "TRANSPORTS", _conf(0.8, len(gap)), s0, s1)

        # TRANSPORTS, told from the collector's side: "(钱某某…)从鑫达电镀有限公司收集含铜污泥" —
        # the producer follows 从/向, the collector is the sentence's first party before it
        for o in orgs:
            if _is_agency(ents[o]) or not re.search(r"(?:从|向|自)$", text[max(s0, ents[o].start - 1) : ents[o].start]):
                continue
            if not T_COLLECT.match(text, ents[o].end, s1):
                continue
            parties = [c for c in persons + orgs if ents[c].end <= ents[o].start and not _is_agency(ents[c])]
            if parties:
                c = min(parties, key=lambda i: ents[i].start)
                add(o, c, "TRANSPORTS", _conf(0.8, (ents[o].start - ents[c].end) // 4), s0, s1)

        # LOCATED_AT: person 住 LOC, company 位于 LOC, LOC + company
        for a in persons + orgs:
            for loc in locs:
                gap = _between(text, ents[a], ents[loc])
                trig = T_LOC_PER if ents[a].label == "PERSON" else T_LOC_ORG
                if (
                    ents[loc].start >= ents[a].end
                    and len(gap) <= 30
                    and trig.search(gap)
                    and not T_DUMP.search(gap)
                    and not re.search(r"[他她其]", gap)
                ):
                    add(a, loc, "LOCATED_AT", _conf(0.8, len(gap)), s0, s1)
                elif ents[a].label == "ORG" and ents[loc].end == ents[a].start:
                    add(a, loc, "LOCATED_AT", 0.7, s0, s1)
                elif ents[a].label == "PERSON" and ents[loc].end <= ents[a].start and T_NATIVE.fullmatch(gap):
                    add(a, loc, "LOCATED_AT", 0.75, s0, s1)
    disc.run(sents)
    _vehicle_roles(text, ents, add)
    return rels


def _vehicle_roles(text: str, ents: list[Entity], add) -> None:
    """Owner, borrower and driver statements (nlp.vehicle_roles): OWNS from a person or company,
    DRIVES from a person only."""
    mentions = [
        Mention(e.start, e.end, e.label, i)
        for i, e in enumerate(ents)
        if e.label in ("PERSON", "PLATE", "VESSEL") or (e.label == "ORG" and not _is_agency(e))
    ]
    if not any(m.kind in ("PERSON", "ORG") for m in mentions):
        return
    for st in vehicle_roles(text, mentions):
        if st.type == "DRIVES" and ents[st.holder].label != "PERSON":
            continue
        if ents[st.vehicle].label not in VEHICLE:
            continue
        add(st.holder, st.vehicle, st.type, st.confidence, st.sentence_start, st.sentence_end)
