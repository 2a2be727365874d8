"""Domain repairs after merging: post-filters on the chosen spans, and names propagated through a document.

The finders (`nlp.orgs`, `nlp.places`, `nlp.persons`) propose spans; once
the merger has chosen among them, these rules drop what the domain says is no
entity (case numbers, generic places, vague times, durations) and trim what
runs too far (a lead word, a title after a town), then give every later
occurrence of a recognised name the same label.
"""

from __future__ import annotations

import re

from nlp.places import ADDRESS_LABEL_RE, GENERIC_PLACE, LEAD_STRIP, UNIT_CHARS
from nlp.rules import Cand
from nlp.times import keep_time

__all__ = ["postfilter", "propagate"]

_ORGISH_END = re.compile(
    r"(?:公司|厂|局|所|队|院|会|委|办|站|中心|社|部|处|科|行|店|馆|场|集团|银行|学校|政府|法院|检察院|协会|联社|合作社|管委会|基地)$"
)
_VAGUE_TIME = set(
    "雨后 雨前 饭后 现在 目前 当时 之前 以前 以后 之后 最近 近期 这两天 两天 这几天 几天 这个月 这段时间 平时 每次 有时 经常 一直 刚才 后来 以往 往年 今后 将来 随后 此前".split()
)
_CASE_NO_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[（(][\u4e00-\u9fff]{1,2}[）)][\u4e00-\u9fff]{0,3}字?[〔\[【(（]?\d{4}")
_IDENT_LABELS = {"PLATE", "VESSEL", "PHONE", "ID_CARD"}
_ORG_LEAD_WORDS = re.compile(
    r"(?:产废单位|运输单位|接收单位|涉案单位|涉事单位|涉事企业|涉案企业|承运单位|处置单位|单位|企业|涉事|涉案|所属|隔壁|对面|附近)"
)
_GENERIC_ORG_START = re.compile(
    r"^(?:[镇县村乡区市](?![\u4e00-\u9fff]{0,1}(?:县|市|区))|上游|下游|沿湖|沿河|沿江|附近|周边|国家公园|本村|本镇|该|这家|那家|一家|某)"
)
_WASTE_NOT_BEFORE = re.compile(
    r"^(?:仓库|库房|暂存|贮存|堆场|车|经营许可证|经营许可|经营资质|许可证|处置中心|处置资质|收集|鉴定|名录|池|罐车|运输资质|产生单位|"
    r"转移联单|联单|转移电子联单|管理计划|台账)"
)


def propagate(text: str, chosen: list[Cand]) -> list[Cand]:
    """A name recognised once is the same name elsewhere in the document: "实际控制人马永福 …
    将马永福抓获"."""
    names = {text[c.start : c.end]: c for c in chosen if c.label in ("PERSON", "ORG") and c.end - c.start >= 2}
    if not names:
        return chosen
    occupied = bytearray(len(text))
    for c in chosen:
        occupied[c.start : c.end] = b"\1" * (c.end - c.start)
    extra = []
    for name in sorted(names, key=len, reverse=True):
        c = names[name]
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            # not inside a longer name: "王某" in "王某某", "周卫东" in "小周卫东"
            if not any(occupied[pos:end]) and text[end : end + 1] not in ("某", "甲", "乙", "丙"):
                extra.append(c._replace(start=pos, end=end, confidence=round(c.confidence * 0.95, 2)))
                occupied[pos:end] = b"\1" * (end - pos)
            pos = text.find(name, end)
    return sorted(chosen + extra, key=lambda x: x.start) if extra else chosen


def postfilter(text: str, chosen: list[Cand]) -> list[Cand]:
    out = []
    # case numbers "长公(环)立字〔2024〕00057号": no names or places inside
    blocked = [(m.start(), m.end()) for m in _CASE_NO_RE.finditer(text)]
    for c in chosen:
        seg = text[c.start : c.end]
        if seg != seg.strip():  # never start or end an entity on whitespace
            lead = len(seg) - len(seg.lstrip())
            seg = seg.strip()
            if not seg:
                continue
            c = c._replace(start=c.start + lead, end=c.start + lead + len(seg))
        if blocked and c.label not in _IDENT_LABELS and any(c.start < b and c.end > a for a, b in blocked):
            continue
        if c.label == "PERSON":
            if len(seg) < 2 or re.search(r"[0-9A-Za-z]", seg):
                continue
            if (c.method == "model" and text[max(0, c.start - 1) : c.start] == "姓") or seg[0] == "姓":
                continue  # "姓吴", "我姓陈": a surname given, not a name
            if c.method == "model" and re.match(r"期间|季节|时节|以来|以后|时期|前后", text[c.end : c.end + 2]):
                continue
            if seg == "张网":
                continue  # "张网作业的渔船": setting stake nets, the fishing method (张 is a surname)
            if re.search(r"夜间|夜里|深夜|凌晨|晚上|傍晚|白天|清晨|上午|下午|中午|半夜|午夜", seg):
                continue  # "伙同于夜间开车": a preposition and a time, not a name (于 is a surname)
            if (
                len(seg) >= 3
                and seg[0] in "为是系"
                and re.search(r"[人者员主长]$", text[max(0, c.start - 1) : c.start])
            ):
                # "其余嫌疑人为宋涛": the copula after a role word, not a surname
                c = c._replace(start=c.start + 1)
                seg = seg[1:]
            if (
                seg[-1] in "均都也"
                and re.match(r"[被已在将于因到是系为]", text[c.end : c.end + 1])
                and (len(seg) == 4 or (len(seg) >= 3 and "某" in seg[1:-1]))
            ):
                # "施梁金均被依法刑事拘留", "王某均已到案": the adverb 均 glued to the name
                c = c._replace(end=c.end - 1)
                seg = seg[:-1]
        elif c.label in ("LOC", "ORG"):
            if len(seg) < 2 or seg in GENERIC_PLACE:
                continue
            lead = _ORG_LEAD_WORDS.match(seg) if c.label == "ORG" else None
            if lead and len(seg) - lead.end() >= 4:
                c = c._replace(start=c.start + lead.end())
                seg = seg[lead.end() :]
            if c.label == "ORG" and c.method != "agency" and _GENERIC_ORG_START.match(seg):
                continue  # "镇农办", "上游生猪养殖合作社": a kind of body, not a named one
            if c.label == "ORG" and c.method == "model" and re.search(r"(?:办|局|队|所|站)(?:和|及|与)", seg):
                continue  # "海防办和执法大队": two generic bodies joined
            label = ADDRESS_LABEL_RE.match(seg) if c.label == "LOC" else None
            if label and len(seg) - label.end() < 2:
                continue  # "户籍地址": the label of an address, not a place
            if label:  # "户籍地址递铺街道桃墩村": the place after its label
                c = c._replace(start=c.start + label.end())
                seg = seg[label.end() :]
            if c.label == "LOC" and seg[-1] in "艇船车机":
                continue
            if c.label == "LOC" and text[c.end : c.end + 1] == "长" and seg[-1] in "镇乡村县市区":
                # "长乐镇原副镇" + "长": the chain ran into a title (原副镇长, 镇长)
                cut = re.search(r"(?:原|前)?(?:常务)?副?[镇乡村县市区]$", seg)
                rest = seg[: cut.start()] if cut else seg
                if len(rest) < 2:
                    continue
                c = c._replace(end=c.start + len(rest))
                seg = rest
            if c.label == "LOC" and (seg[0] in "各每全" or seg.endswith(("专案组", "工作组", "专班", "领导小组"))):
                continue  # "各乡镇": a class of places; "专案组": a team, not a place
            if c.label == "LOC" and len(seg) == 2 and seg[0] in "里内" and seg[1] not in UNIT_CHARS:
                continue  # "厂里拉东西": a position word and a verb
            if c.label == "LOC" and c.start > 0 and text[c.start - 1] == "以" and seg[0] in "东西南北":
                # "马蹄寺以西山沟": 以西 is a direction, the rest a generic place
                rest = seg[1:]
                if len(rest) < 2 or rest in GENERIC_PLACE or rest in ("海", "海域", "山沟", "山"):
                    continue
                c = c._replace(start=c.start + 1)
                seg = rest
            if seg[0] in "座个条块片处家" or (len(seg) == 2 and seg[0] in LEAD_STRIP):
                continue
            if c.label == "ORG" and c.method == "model" and not _ORGISH_END.search(seg):
                continue
        elif c.label == "TIME":
            if seg in _VAGUE_TIME or len(seg) < 2:
                continue
            kept = keep_time(text, c)
            if kept is None:
                continue  # a duration, a frequency, a vague word, an age
            c = kept
            if c.method == "model" and re.match(
                r"^(?:[一两几数多半]|这一?)个?(?:礼拜|星期|月|小时|钟头|年|天|周)", seg
            ):
                continue  # durations, not points in time
            if (
                c.start > 0
                and text[c.start - 1] in "一整每"
                and seg in ("晚上", "夜", "天", "上午", "下午", "夜里", "早上")
            ):
                continue
        elif c.label == "WASTE":
            if _WASTE_NOT_BEFORE.match(text[c.end : c.end + 6]) and not re.fullmatch(r"HW\d\d", seg, re.I):
                continue
        out.append(c)
    # contiguous time expressions are one TIME: "4月13日至15日" + "每日傍晚"
    merged: list[Cand] = []
    for c in out:
        if merged and c.label == "TIME" and merged[-1].label == "TIME" and merged[-1].end == c.start:
            merged[-1] = merged[-1]._replace(end=c.end, method="rule")
        else:
            merged.append(c)
    return merged
