"""Who plays which role for whom, and who acted together: the role and list rules of the discourse pass.

Owners and workers of companies (`其法定代表人张某`, `安排工人陆某`, `受某公司
雇用`), drivers of vehicles, phones and residences of persons (`其手机号`,
`家住…`), and co-offenders from lists (`伙同`, `纠集`, `与X一同`, `二人`).
Why apart from `nlp.discourse`: these read one clause against the discourse
state without moving it; the main pass decides what a clause is about.
"""

from __future__ import annotations

import re

from nlp.antecedents import (
    COMPANY_ANAPHOR,
    GROUP,
    ROLE_OWNER,
    ROLE_WORKER,
    VEHICLE_ANAPHOR,
    DiscourseState,
    ents_in,
)

__all__ = ["RoleRules"]

_HIRE_WORKER = re.compile(
    r"(?:安排|指使|让|叫|雇用|雇佣|授意|派)(?:本厂|本公司|公司|厂里)?的?(?:车间|生产|仓库)?(?:"
    + ROLE_WORKER.pattern
    + ")"
)
_SYS_OWNER = re.compile(r"系其(" + ROLE_OWNER.pattern + ")")
_OWNER_LEAD = re.compile(r"(?:其|该公司|该厂|该企业|该单位)?的?(" + ROLE_OWNER.pattern + r")(?:为|是)?")
_OWNER_AT = re.compile(r"的?(?:" + ROLE_OWNER.pattern + ")")
_WORKER_AT = re.compile(r"的?(?:" + ROLE_WORKER.pattern + ")")
_GROUP_ACTS = re.compile(
    r"(?:二|两|三|四|五)人(?:均|都|一起|共同|结伙|明知|先后|多次|非法|已|在|将|使用|于|仍)|兄弟|父子|夫妻"
)
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


class RoleRules(DiscourseState):
    """Role and list relations of one clause (mixed into `nlp.discourse.Discourse`)."""

    def roles(self, c0: int, c1: int, s0: int, s1: int, subj: list[int], persons: list[int]) -> None:
        text, ents, add = self.text, self.ents, self.add
        seg = text[c0:c1]
        # 安排工人陆某 / 指使车间主任邱某 / 让员工何某 / 雇用司机蒋卫平: the subject's company employs them
        for m in _HIRE_WORKER.finditer(
            seg,
        ):
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            boss = persons[0] if persons else None
            org = self.org_of.get(ents[boss].text) if boss is not None else None
            if org is None and subj and ents[subj[0]].label == "ORG":
                org = subj[0]
            if ps and org is not None:
                add(ps[0], org, "WORKS_FOR", self.conf(0.7), s0, s1)
        # 受ORG/该公司…雇用/委托 (清运): the company hires the subject as a carrier
        m = _RX14.search(seg)
        if m and persons:
            orgs = ents_in(ents, c0 + m.start(1), c0 + m.end(1), ("ORG",))
            org = orgs[0] if orgs else None
            anaphor = False
            if org is None and COMPANY_ANAPHOR.search(m.group(1)):
                org, anaphor = self.company_before(c0 + m.start(1)), True
            if org is not None and not self.is_agency(ents[org]):
                direct = orgs and not ents_in(ents, c0 + m.start(1), c0 + m.end(1), ("PERSON",))
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
            cs = ents_in(ents, c0 + m.end(), c1, ("PERSON", "ORG"))
            if cs and ents[cs[0]].start - (c0 + m.end()) <= 12 and _RX17.search(text[ents[cs[0]].end : c1]):
                add(head, cs[0], "TRANSPORTS", self.conf(0.8, anaphor), s0, s1)
        # 在其经营的ORG / 系其实际经营人 / 其法定代表人X
        for m in _RX18.finditer(seg):
            os_ = ents_in(ents, c0 + m.end(), c0 + m.end() + 2 + 30, ("ORG",))
            if os_ and ents[os_[0]].start - (c0 + m.end()) <= 1 and persons:
                add(persons[0], os_[0], "OWNS", self.conf(0.8), s0, s1)
        m = _SYS_OWNER.search(seg)
        if m and persons:
            org = self.company_before(c0 + m.start())
            if org is not None:
                add(persons[0], org, "REPRESENTS" if "法" in m.group(1) else "OWNS", self.conf(0.7, True), s0, s1)
        m = _OWNER_LEAD.match(seg)
        if m and (subj and ents[subj[0]].label == "ORG" or m.group().startswith(("其", "该"))):
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            org = subj[0] if subj and ents[subj[0]].label == "ORG" else self.company_before(c0)
            if ps and org is not None:
                typ = "REPRESENTS" if _RX19.match(m.group(1)) else "OWNS"
                add(ps[0], org, typ, self.conf(0.7, True), s0, s1)
        # "拦截该车，驾驶员顾某某…": the role names the driver of the vehicle referred back to
        m = _RX20.match(seg)
        if m and m.group():
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            ana = None
            for a in VEHICLE_ANAPHOR.finditer(text, s0, c0):
                ana = a
            if (
                ps
                and ents[ps[0]].start == c0 + m.end()
                and ana is not None
                and not ents_in(ents, s0, c0, ("PLATE", "VESSEL"))
            ):
                v = self.vehicle_before(ana.start(), boat="船" in ana.group())
                if v is not None:
                    add(ps[0], v, "DRIVES", 0.6, s0, s1)
        # "…，系湖州…合作社负责人": a carried subject's role in a company
        m = _RX21.match(seg)
        if m and persons and self.carried:
            os_ = ents_in(ents, c0 + m.end(), c1, ("ORG",))
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
            os_ = [o for o in ents_in(ents, s0, c0, ("ORG",)) if not self.is_agency(ents[o])]
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            if os_ and ps and ents[ps[0]].start == c0 + m.end():
                add(ps[0], os_[-1], "REPRESENTS" if m.group(1).startswith("法") else "OWNS", 0.6, s0, s1)
        # pronoun phone: 其使用的手机号码为…, 他手机是…, 我打过他电话…
        m = _RX24.search(seg)
        if m:
            phones = ents_in(ents, c0 + m.end(), c1, ("PHONE",))
            owner = persons[0] if persons else None
            if m.group().startswith(("他", "她")) and self.last_person is not None:
                owner = self.last_person
            if owner is None:
                prev = ents_in(ents, 0, c0 + m.start(), ("PERSON",))
                owner = prev[-1] if prev else None
            if phones and owner is not None and ents[phones[0]].start - (c0 + m.end()) <= 4:
                add(owner, phones[0], "USES_PHONE", self.conf(0.8, True), s0, s1)
        # residence: 住在X / 家住X with the subject; 当地村民X → the place named before
        m = _RX25.search(seg)
        if m and subj:
            locs = ents_in(ents, c0 + m.end(), c1, ("LOC",))
            if locs and ents[locs[0]].start - (c0 + m.end()) <= 2:
                for p in persons:
                    add(p, locs[0], "LOCATED_AT", self.conf(0.8), s0, s1)
        for m in _RX26.finditer(seg):
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 4, ("PERSON",))
            loc = self.site_antecedent(c0 + m.start(), "地点")
            if ps and loc is not None:
                add(ps[0], loc, "LOCATED_AT", 0.55, s0, s1)

    def lists(self, c0: int, c1: int, s0: int, s1: int) -> None:
        """CO_OFFENDER from 伙同/纠集 lists, 与X一同, 同案X, 二人 over a list, and remember person lists."""
        text, ents, add = self.text, self.ents, self.add
        persons = ents_in(ents, c0, c1, ("PERSON",))
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
            ps = ents_in(ents, c0 + m.end(), c0 + m.end() + 9, ("PERSON",))
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
        if GROUP.search(seg) and len(self.last_list) >= 2 and _GROUP_ACTS.search(seg):
            crew = self.last_list
            for a in range(len(crew)):
                for b in range(a + 1, len(crew)):
                    add(crew[a], crew[b], "CO_OFFENDER", 0.7, s0, s1)
