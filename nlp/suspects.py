"""Who the text itself calls a suspect: role words, lists they head, arrests.

A case file names its suspects in its header (`犯罪嫌疑人：…` lines, the JSON
`嫌疑人` list), but any header line may be missing (`../shared/formats.md`):
a judgment-style narrative (`被告人钱某某伙同被告人孙某、李某甲…`), a police
briefing (`船上4人——船老大乐某、船员邬某、陈某某、虞某当场被控制`) or a
clerk's summary then states them only in prose.  This pass marks a PERSON as
a suspect where the sentence says so in one of three ways:

* a suspect role word right before the name — 犯罪嫌疑人, 被告人, 违法行为人 …;
* an arrest or coercive measure whose object is the name — `将王某抓获`,
  `王某被民警当场查获`, `抓获犯罪嫌疑人王某`, `对王某依法刑事拘留`, `王某到案`;
* a list of names (joined by 、 和 与 及, each optionally with a crew or trade
  word: 船老大乐某、船员邬某) that one of the above governs as a whole.

A name with another role right before it (民警, 被害人, 证人, 举报人 …) is never
made a suspect, nor listed with one.  Each role carries the sentence that
states it, so the fact the ETL builds from it cites its own evidence.

*Why rules and not the statistical model*: the cue words are closed classes
of the criminal-procedure vocabulary (the 刑事诉讼法's own terms for parties
and coercive measures), and a wrong suspect costs an analyst a false gang
member: each rule needs its cue inside the same clause as the name.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from nlp.relations import sentences
from nlp.types import Entity, PersonRole

__all__ = ["SUSPECT_WORDS", "suspect_roles"]

# The parties the procedure law and the administrative-penalty law call offenders.
SUSPECT_WORDS = (
    r"(?:犯罪嫌疑人|违法犯罪嫌疑人|违法嫌疑人|嫌疑人|被告人|违法行为人|涉案人员|同案犯|同案人|被不起诉人|罪犯)"
)
# Roles that make a name someone else than an offender.
_OTHER_ROLE = re.compile(
    r"(?:民警|辅警|警官|干警|警察|检察官|法官|审判长|书记员|证人|被害人|受害人|举报人|报案人|来电人|网格员|记者|"
    r"律师|辩护人|鉴定人|局长|所长|队长|大队长|支队长|科长|主任|书记|镇长|村长|县长|市长|站长|执法人员|工作人员)[：:]?$"
)
# A crew, trade or kin word a list member may carry (船老大乐某、船员邬某、其妻韩某).
_MEMBER_WORD = (
    r"(?:船老大|船长|船东|船主|船员|渔民|货车司机|司机|驾驶员|押运员|装卸工|工人|员工|老板|车主|货主|股东|"
    r"其?(?:妻子|丈夫|儿子|女儿|女婿|父亲|弟弟|哥哥|姐夫|妹夫|侄子|表弟|妻|夫|子|父|弟|兄|侄)|男子|女子|村民)?"
)
_LIST_JOIN = re.compile(r"[、，,]?(?:和|与|及|以及)?" + _MEMBER_WORD + r"$")
_ROLE_BEFORE = re.compile(
    r"(?:"
    + SUSPECT_WORDS
    + r"(?:[：:]|为|是|还有|有)?|团伙[，,]?(?:的)?(?:其他|其余|主要)?成员(?:包括|有|为|是)?[：:]?)"
    + _MEMBER_WORD
    + r"$"
)
# "抓获犯罪嫌疑人王某", "刑事拘留了李某": the verb governs the name right after it.
_MEASURE = r"(?:抓获|抓捕|查获|控制|刑事拘留|刑拘|行政拘留|逮捕|拘传|传唤|取保候审|监视居住|羁押|起诉|判处)"
_VERB_BEFORE = re.compile(_MEASURE + r"了?(?:" + SUSPECT_WORDS + r")?[：:]?" + _MEMBER_WORD + r"$")
# "将王某(等3人)(当场)抓获", "对王某(依法)(予以)刑事拘留 / 采取刑事强制措施".
# the object may carry a short description: "将正在倾倒的货车驾驶员范某…抓获"
_JIANG_BEFORE = re.compile(r"(?:将|把|对)(?:[^，。；;！？、]{0,10}?)(?:" + SUSPECT_WORDS + r")?" + _MEMBER_WORD + r"$")
# "以王某为首的(犯罪)团伙": the head of a gang
_HEADS_AFTER = re.compile(r"为首")
_COUNT = r"(?:等(?:\d+|[一二两三四五六七八九十]+)?名?人?|[二两三四五六七八九十\d]+人|二人|两人)?"
_JIANG_AFTER = re.compile(
    _COUNT + r"(?:当场|依法|先后|一并|分别|全部|均)*(?:予以|采取了?|进行)?(?:" + _MEASURE + r"|刑事强制措施|强制措施)"
)
# "王某(等3人)(在倾倒时)被(巡查民警)(当场)抓获", "王某到案 / 投案自首 / 落网".
_PASSIVE_AFTER = re.compile(
    _COUNT
    + r"(?:均|都|也|已|随后|后)*(?:[^，。；;！？、]{0,10}?被[^，。；;！？、]{0,8}?"
    + _MEASURE
    + r"|(?:主动)?(?:到案|投案|落网))"
)
_SUSPECT_RE = re.compile(SUSPECT_WORDS)
_MEASURE_RE = re.compile(_MEASURE + r"|刑事强制措施|强制措施|到案|投案|落网")


def _role_word(cue: str) -> str:
    """The role word of a matched cue (被告人 of 被告人：船员, 团伙成员 of 团伙，成员包括)."""
    m = _SUSPECT_RE.search(cue)
    return m.group() if m else "团伙成员"


def _sentence(sents: list[tuple[int, int]], starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of the sentences (`nlp.relations.sentences`, as relations quote them; `starts`
    their start offsets) from the one holding `start` to the one holding `end`."""
    first = max(0, bisect_right(starts, start) - 1)
    last = max(first, bisect_left(starts, end) - 1)
    return sents[first][0], sents[last][1]


def _lists(text: str, persons: list[int], ents: list[Entity]) -> list[list[int]]:
    """Runs of persons joined only by list separators and member words (a crew, a pair)."""
    runs: list[list[int]] = []
    for i in persons:
        if runs:
            prev = ents[runs[-1][-1]]
            gap = text[prev.end : ents[i].start]
            own_role = _OTHER_ROLE.search(text[max(0, ents[i].start - 12) : ents[i].start])
            if len(gap) <= 8 and _LIST_JOIN.fullmatch(gap) and not own_role:
                runs[-1].append(i)
                continue
        runs.append([i])
    return runs


def suspect_roles(text: str, ents: list[Entity]) -> list[PersonRole]:
    """The PERSON entities `text` names as suspects, each with its cue and sentence.

    Parameters
    ----------
    text : str
        The free text, as the entities' offsets read it.
    ents : list of Entity
        The text's entities in order of their start.

    Returns
    -------
    list of PersonRole
        One per suspect mention (`role` "suspect"), in text order.

    Examples
    --------
    >>> from nlp.types import Entity
    >>> t = "民警将王某、李某抓获。"
    >>> es = [Entity(3, 5, "PERSON", "王某"), Entity(6, 8, "PERSON", "李某")]
    >>> [(r.entity, r.cue) for r in suspect_roles(t, es)]
    [(0, '将…抓获'), (1, '将…抓获')]
    """
    persons = [i for i, e in enumerate(ents) if e.label == "PERSON"]
    out: dict[int, PersonRole] = {}
    sents = sentences(text) if persons else []
    starts = [a for a, _b in sents]
    for run in _lists(text, persons, ents):
        first, last = ents[run[0]], ents[run[-1]]
        before = text[max(0, first.start - 24) : first.start]
        after = text[last.end : last.end + 30]
        cue = None
        if _OTHER_ROLE.search(before):
            members = run[1:] if len(run) > 1 else []
            before = ""  # the first name is a police officer's or a witness's; the rest inherit nothing
        else:
            members = run
        if not members:
            continue
        if m := _ROLE_BEFORE.search(before):
            cue, conf = _role_word(m.group()), 0.9
        elif m := _VERB_BEFORE.search(before):
            cue, conf = m.group(), 0.85
        elif (j := _JIANG_BEFORE.search(before)) and (m := _JIANG_AFTER.match(after)):
            cue, conf = f"{j.group()[0]}…{_MEASURE_RE.search(m.group()).group()}", 0.85
        elif m := _PASSIVE_AFTER.match(after):
            cue, conf = _MEASURE_RE.search(m.group()).group(), 0.8
        elif before.endswith("以") and _HEADS_AFTER.match(after):
            cue, conf = "以…为首", 0.85
        if cue is None:
            # one member of the list with its own role word: that member only
            for i in run:
                b = text[max(0, ents[i].start - 12) : ents[i].start]
                if (m := _ROLE_BEFORE.search(b)) and not _OTHER_ROLE.search(b):
                    s0, s1 = _sentence(sents, starts, ents[i].start, ents[i].end)
                    out.setdefault(i, PersonRole(i, "suspect", _role_word(m.group()), 0.9, s0, s1))
            continue
        s0, s1 = _sentence(sents, starts, first.start, last.end)
        for i in members:
            out.setdefault(i, PersonRole(i, "suspect", cue.strip(), conf, s0, s1))
    return [out[i] for i in sorted(out)]
