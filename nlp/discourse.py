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

The pass is three classes deep: `nlp.antecedents.DiscourseState` (the state
and antecedents), `nlp.rolerules.RoleRules` (roles and lists) and `Discourse`
here (the clause walk, dump sites and actors).
"""

from __future__ import annotations

import re

from nlp.antecedents import ACTORS, ROLE_WORKER, SITE_CLASS_OF, VEHICLE_ANAPHOR, ents_in
from nlp.rolerules import RoleRules

__all__ = ["DUMP_VERB", "Discourse"]

_CLAUSE_RE = re.compile(r"[^，,：:；;。！？!?\n]+")

# dump verbs that need an actor and a place
DUMP_VERB = re.compile(
    r"倾倒|倒入|倒在|倒进|倒到|偷倒|乱倒|倾泻|偷排|直排|排入|排到|排进|排至|排放|抽排至|抽排到|抽入|抽排|"
    r"丢弃|抛弃|弃置|填埋|掩埋|卸入|卸在|卸到|推入|堆放|堆填|倒(?=东西|垃圾|废|桶|渣|污|泥|液)|(?<=内|里)倾?倒"
)
# 兼语: "储某雇用司机蒋卫平驾驶…", "安排工人陆某将…": the hired person acts from here on
_PIVOT = re.compile(r"(?:雇用|雇佣|安排|指使|授意|让|叫|派|组织|唆使)(?:本厂|本公司|公司|厂里)?的?(?:车间|生产|仓库)?")
_SITE_ANAPHOR = re.compile(
    r"(?:上述|前述|该处?|此|这个|那个|这处|那处)(?:废弃的?)?(?P<noun>"
    + "|".join(sorted(SITE_CLASS_OF, key=len, reverse=True))
    + r"|地点|地方|倾倒点|点位|现场|区域|村|镇|港|溪)"
)
# patterns used inside the rules, compiled once
_RELATIONAL = ("PERSON", "ORG", "PLATE", "VESSEL", "LOC", "PHONE")
# a clause without entities still matters when it has one of these (倒入该宕口, 驾船, 二人…)
_CUE = re.compile(
    DUMP_VERB.pattern + r"|驾|开|使用|用|上述|前述|该|其|他|她|[二两三四五]人|伙|同案|交由|委托|受|住|当地"
)
_WORKER_OPT = re.compile("(?:" + ROLE_WORKER.pattern + ")?")
_PIVOT_END = re.compile(_PIVOT.pattern + "(?:" + ROLE_WORKER.pattern + ")?$")
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
# what joins two names of one list of actors: 张三、李四 / 张三和李四 / 张三伙同李四
_COORDINATOR = re.compile(r"、|和|与|及|以及|同|伙同")


class Discourse(RoleRules):
    """One document's state while its clauses are read in order."""

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
                if not ents_in(self.ents, c0, c1, _RELATIONAL) and not _CUE.search(self.text, c0, c1):
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
        ps = ents_in(self.ents, at, c1, ("PERSON",))
        if ps and self.ents[ps[0]].start == at:
            return [ps[0]]
        if _RX3.match(rest):
            return []
        return None

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
            vs = ents_in(ents, v0, min(c1, v0 + 24), ("PLATE", "VESSEL"))
            ana = VEHICLE_ANAPHOR.match(text, v0)
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
                between = ents_in(ents, c0, c0 + m.start(), ("PERSON",))
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
        locs = ents_in(self.ents, c0 + m.end(), c1, ("LOC",))
        return locs[0] if locs and self.ents[locs[0]].start - (c0 + m.end()) <= 2 else None

    def dump_site(self, c0: int, c1: int, v0: int, v1: int) -> tuple[int | None, bool]:
        text, ents = self.text, self.ents
        after = ents_in(ents, v1, c1, ("LOC",))
        ana = _SITE_ANAPHOR.search(text, v1, c1)
        if after and (ana is None or ents[after[0]].start < ana.start()) and ents[after[0]].start - v1 <= 12:
            return after[0], False
        if ana is not None and ana.start() - v1 <= 12:
            return self.site_antecedent(ana.start(), ana.group("noun")), True
        # "运至吴兴区妙西镇肇村一处山坳内倾倒", "在德清县雷甸镇…一处荒地偷倒", "倒入该宕口" before the verb
        before = ents_in(ents, c0, v0, ("LOC",))
        for i in reversed(before):
            lead = text[max(c0, ents[i].start - 3) : ents[i].start]
            if _RX8.search(lead) and not ents_in(ents, ents[i].end, v0):
                return i, False
        ana = None
        for a in _SITE_ANAPHOR.finditer(text, c0, v0):
            ana = a
        if ana is not None and _RX8.search(text[max(c0, ana.start() - 2) : ana.start()]):
            return self.site_antecedent(ana.start(), ana.group("noun")), True
        return None, False

    def sentence_place(self, s0: int, c0: int) -> int | None:
        """Grid style "煤山镇新川村发现渣土车…倾倒": the place that opens the sentence."""
        locs = ents_in(self.ents, s0, c0 + 1, ("LOC",)) or ents_in(self.ents, s0, s0 + 40, ("LOC",))
        if locs and self.ents[locs[0]].start - s0 <= 1:
            tail = self.text[self.ents[locs[0]].end : self.ents[locs[0]].end + 6]
            if _RX9.match(tail):
                return locs[0]
        return None

    def dump_actors(self, c0: int, v: int) -> list[int] | None:
        """The actor written before the verb in its clause (由X卸入, X将…倾倒), or None to use the subject."""
        text, ents = self.text, self.ents
        for i in reversed(ents_in(ents, c0, v)):
            e = ents[i]
            if e.label == "ORG" and self.is_agency(e):
                return []
            lead = text[max(c0, e.start - 2) : e.start]
            if _RX10.search(lead) or _RX11.match(text[e.end : e.end + 2]):
                continue
            if e.label == "PERSON" and _PIVOT_END.search(text[c0 : e.start]):
                return [i, *self.coordinated_after(i, v)]  # "指使车间主任汤某…直排": the instructed person acts
            if _PIVOT.search(text, e.end, v):
                return []  # "老板潘国平让我们…排到": the one who gives the order is not the dumper
            if e.label == "PERSON" and self.subject and i not in self.subject and not _RX12.search(lead):
                # a person named inside the clause after the subject (工人陆某) acts only with 由/as a new subject
                if not _RX13.search(text[max(c0, e.start - 1) : e.start]) and ents[i].start - c0 > 6:
                    continue
            group = [i]
            if e.label in ("PLATE", "VESSEL"):
                owner = ents_in(ents, c0, e.start, ("PERSON",))
                group = owner[-1:] + [i] if owner else [i]
            elif e.label == "PERSON":
                group = self.coordinated_before(c0, i) + [i]
            return group
        return None

    def coordinated_before(self, c0: int, i: int) -> list[int]:
        """The persons joined to person `i` by a conjunction (张三、李四和王五…倾倒): all of them act.

        A list of suspects before one verb is one act by each of them; taking its last name alone
        left the others of a case's list without the place they dumped at."""
        text, ents = self.text, self.ents
        out: list[int] = []
        head = i
        for j in reversed(ents_in(ents, c0, ents[i].start, ("PERSON",))):
            if not _COORDINATOR.fullmatch(text[ents[j].end : ents[head].start]):
                break
            out.append(j)
            head = j
        return out[::-1]

    def coordinated_after(self, i: int, hi: int) -> list[int]:
        """The persons joined after person `i` by a conjunction, before `hi` (让司机李四和王五将…倒在)."""
        text, ents = self.text, self.ents
        out: list[int] = []
        tail = i
        for j in ents_in(ents, ents[i].end, hi, ("PERSON",)):
            if not _COORDINATOR.fullmatch(text[ents[tail].end : ents[j].start]):
                break
            out.append(j)
            tail = j
        return out
