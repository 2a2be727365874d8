"""Government and Party units written the way reports write them: by level, not by place.

Work reports, briefings and press releases name the writer's own units by their level:
`市局` (the city public-security bureau), `县公安`, `县委`, `区委`, `县政府`,
`市生态环境局`, `区公安分局`, `县生态环境保护综合行政执法队`, `区河长制办公室`,
`区河湖长制工作领导小组`, `市检察院`.  In context each refers to one unit, so each is an
ORG (see nlp/GUIDELINES.md); `县委县政府` is two, `市生态环境局和区公安分局` two.  A
province or city with its Party committee (`江苏省委`, `湖州市委`) is an ORG, not a place.

Not units: a class of bodies (`公安机关`, `生态环境部门`, `有关单位`), a plural (`各派出所`,
`各县区公安局`), a person's title (`县委书记` stays a title; the unit inside it is left alone).
"""

from __future__ import annotations

import re

from nlp.rules import P_ORG_RULE, Cand

__all__ = ["find_level_agencies"]

_LEVEL = r"(?:省|市|县|区|镇|乡|街道)"
# what a unit's name ends with (longest first within each group)
_UNIT_END = (
    r"(?:人民政府|政府|人民检察院|检察院|人民法院|法院|公安分局|公安局|分局|局|厅|"
    r"领导小组|工作小组|工作专班|专班|小组|委员会办公室|办公室|委员会|管委会|常委会|委|"
    r"执法大队|执法中队|执法支队|执法队|大队|支队|中队|总队|队|中心|站|所|办)"
)
_UNIT_END_RE = re.compile(_UNIT_END)
_LEVEL_RE = re.compile(_LEVEL)
_METONYM_RE = re.compile(rf"{_LEVEL}(?:公安|交警|检察|法院)(?![\u4e00-\u9fff]{{0,2}}(?:局|机关|部门|厅|院|民警|干警))")
_MAX_UNIT = 22
# characters a unit's name never holds
_STOP = set('的了在是有将把被从到向对等个那这其该已并称说和与及或、，。；：（）()“”"')
_VERBS = re.compile(
    r"会同|联合|配合|协助|移送|移交|转办|组织|通报|报告|责令|要求|通知|联系|调查|检查|查处|召开|开展|部署|印发|发布|介绍|表示|"
    r"获悉|开展|建立|推动|推广|督导|指导|抓获|侦破|查获|出具|签订|挂牌|提前|介入|听取|给予|办理|受理|立案|侦办|同比|先后|共|"
    r"成功|高度|重视|专题|深入|全面|认真"
)
_NOT_BEFORE = set("各每多些几等两")
_GENERIC_BODY = re.compile(r"^(?:有关|相关|职能|主管|行政|执法|监管|业务|上级|下级|基层|本级)")
_TITLE_AFTER = re.compile(r"^(?:书记|副书记|常委(?!会)|委员(?!会)|主任|副主任|局长|副局长|县长|市长|区长|镇长|乡长)")


_LEAD_WORDS = re.compile(
    r"(?:联合|会同|配合|协同|协助|报请|提请|告知|通知|移交|移送|经|由|从|向|对|与|和|及|同|在|是|据|被|将|请|交|报|给|由|即)$"
)


_PLACE_TAGS = {"LOC", "ns", "ORG", "nt", "nz"}


def _starts_a_word(text: str, i: int, starts: set[int] | dict[int, str]) -> bool:
    """A level character opens a unit only where a word begins (LAC's segmentation; LAC also
    glues `联合县`, so a conjunction or verb right before counts), or after a non-Han
    character: inside `江北县` the 县 ends a place name."""
    if isinstance(starts, dict) and starts.get(i) in _PLACE_TAGS and "\u4e00" <= text[i - 1] <= "\u9fff":
        return bool(_LEAD_WORDS.search(text, max(0, i - 2), i))  # "递铺" + "街道…": the place goes on
    return (
        i == 0
        or i in starts
        or not ("\u4e00" <= text[i - 1] <= "\u9fff")
        or bool(_LEAD_WORDS.search(text, max(0, i - 2), i))
    )


def _unit_ends(text: str, s: int) -> list[int]:
    """Where a unit that starts at `s` may end: after a unit word (局, 委, 办公室, 大队 …), not
    before a role (`队员`, `局长`) and not past a character no unit name holds."""
    ends = []
    i = s + 1
    limit = min(len(text), s + _MAX_UNIT)
    while i < limit:
        if text[i] in _STOP:
            # "和/与" inside a name (自然资源和规划局, 食品药品与环境犯罪侦查总队), not between
            # two units (市生态环境局和区公安分局): the next unit starts with its level
            if not (text[i] in "和与" and ends == [] and not _LEVEL_RE.match(text, i + 1)):
                break
        m = _UNIT_END_RE.match(text, i)
        if m:
            for j in range(m.end(), i, -1):  # every unit word ending here or inside ("办" and "办公室")
                if _UNIT_END_RE.fullmatch(text, i, j) and _good_end(text, i, j):
                    ends.append(j)
        i += 1
    return sorted(set(ends))


_OFFICE_BAN = set("水长农态防治明查政委府环")  # 治水办, 河长办, 农办, 生态办, 海防办 …
_NOT_UNIT_AFTER = set("员长托理")  # 队员, 局长, 委托, 办理
_VERB_BAN = re.compile(r"(?:侦|承|督|主|举|协|代|交|查|转|兴|创|开|申)办$")


def _good_end(text: str, i: int, j: int) -> bool:
    """Is text[i:j] a unit word ending a name, not part of a verb or a role?"""
    if text[j : j + 1] in _NOT_UNIT_AFTER:
        return False
    word = text[i:j]
    if word == "办":
        return text[i - 1 : i] in _OFFICE_BAN and not _VERB_BAN.search(text, 0, j)
    if word == "所":
        return text[i - 1 : i] not in set("场住厕处诊") and text[j : j + 1] not in set("以谓有属在得")
    if word == "站":
        return text[j : j + 1] not in set("在起上")
    return True


def _choose_end(text: str, s: int, ends: list[int]) -> int | None:
    """The first end, extended while what follows continues the same unit: `区河长制办` →
    `区河长制办公室`, `县公安局` → `县公安局环境犯罪侦查大队`; not into the next unit
    (`县委` | `县政府`) nor into a title (`市局` | `党委书记`)."""
    if not ends:
        return None
    end = ends[0]
    for nxt in ends[1:]:
        if _LEVEL_RE.match(text, end) or _VERBS.search(text, end, nxt) or _TITLE_AFTER.match(text[end : end + 3]):
            break
        if _TITLE_AFTER.match(text[nxt : nxt + 3]):
            break
        end = nxt
    return end


def find_level_agencies(text: str, words: list[tuple[int, int, str]]) -> list[Cand]:
    """Units named by level (`市局`, `县委`, `区公安分局`, `县公安`) and Party committees of a
    named place (`江苏省委`).

    Parameters
    ----------
    text : str
    words : list of (start, end, tag)
        LAC's segmentation of `text`: where words start.

    Returns
    -------
    list of Cand
        ORG candidates at the rule priority, method "agency" (reported as "rule").
    """
    starts: dict[int, str] = {w[0]: "" for w in words}
    for w in words:  # the tag of the word that ends where another starts
        if w[1] in starts:
            starts[w[1]] = w[2]
    out: list[Cand] = []
    taken = bytearray(len(text))
    for m in _LEVEL_RE.finditer(text):
        s = m.start()
        if taken[s] or not _starts_a_word(text, s, starts) or (s > 0 and text[s - 1] in _NOT_BEFORE):
            continue  # "各派出所", "多县区": a class of units
        if _LEVEL_RE.match(text, m.end()) or (
            m.group() in ("镇", "乡", "街道")
            and s > 0
            and not _LEAD_WORDS.search(text, max(0, s - 2), s)
            and "\u4e00" <= text[s - 1] <= "\u9fff"
            and text[s - 1] not in "，。、；：）"
        ):
            continue  # "练市镇…": the level ends a place name; a town-level unit needs a clear start
        e = _choose_end(text, s, _unit_ends(text, m.end() - 1))
        if e is None:
            mm = _METONYM_RE.match(text, s)
            if not mm:
                continue
            e = mm.end()
        body = text[m.end() : e]
        if _VERBS.search(body) or _GENERIC_BODY.match(body):
            continue
        if text[e - 1] == "委" and _TITLE_AFTER.match(text[e : e + 3]):
            continue  # "县委书记": a title
        out.append(Cand(s, e, "ORG", "agency", P_ORG_RULE + 1, 0.8))
        taken[s:e] = b"\1" * (e - s)
        starts[e] = ""  # "县委" | "县政府": the next unit starts where this one ends
    for ws, we, _tag in words:
        # "江苏省委", "湖州市委": a place's Party committee (LAC gives one word, or the place then 委)
        w = text[ws:we]
        if len(w) >= 3 and w[-1] == "委" and w[-2] in "省市县区" and not taken[ws]:
            e = we
        elif (
            len(w) >= 3
            and w[-1] in "省市县区"
            and text[we : we + 1] == "委"
            and text[we + 1 : we + 2] not in ("员", "托")
        ):
            e = we + 1
        else:
            continue
        if any(taken[ws:e]) or _TITLE_AFTER.match(text[e : e + 3]):
            continue
        out.append(Cand(ws, e, "ORG", "agency", P_ORG_RULE + 1, 0.8))
        taken[ws:e] = b"\1" * (e - ws)
    return out
