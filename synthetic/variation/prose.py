"""Case narratives in registers the development templates never use.

Four registers of Chinese police and government writing, each built from its
own sentences: officialese (公文体, 经侦查查明 + numbered facts), an
interview record (询问笔录, 问/答), a press release (警情通报) and a plain
chronology.  They carry the same facts as `synthetic.narrative` (every
suspect's name, the place, the vehicle and who drove it, the vessel, the
company, phone ties) so the truth holds, but with other sentence structures,
other verbs and other orders.
"""

from __future__ import annotations

import random

from synthetic.text import expand

CRIME_WORD = {
    "dump": "污染环境",
    "fishing": "非法捕捞水产品",
    "sea": "非法捕捞水产品",
    "hunting": "非法狩猎",
    "mining": "非法采矿",
}
DEED = {
    "dump": ("偷倒{waste}", "非法处置{waste}", "乱倒{waste}"),
    "fishing": ("用电瓶电鱼", "违规张网捕鱼", "在禁渔区捕鱼"),
    "sea": ("休渔期违规出海捕捞", "驾船越界拖网"),
    "hunting": ("非法猎捕{species}", "张网捕捉野鸟"),
    "mining": ("私挖滥采砂石", "无证开采泥土"),
}
SOURCES = (
    "群众来电",
    "网格巡查",
    "生态环境部门移交线索",
    "卡口预警",
    "无人机巡查",
    "匿名举报信",
    "水质自动站异常数据",
)


def _join(rng: random.Random, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + rng.choice(("、", "与", "以及")) + names[-1]


def _deed(rng: random.Random, crime: str, s: dict) -> str:
    return expand(rng, rng.choice(DEED[crime]), waste=s.get("waste") or "废液", species=s.get("species") or "野生动物")


def _officialese(rng: random.Random, crime: str, s: dict, who: str, lead: str, crew: str) -> list[str]:
    out = [
        expand(
            rng,
            "[根据|依据]{src}，{county}公安局于{d0}[受理|立案审查]一起{cw}案件。经侦查查明：",
            src=rng.choice(SOURCES),
            county=s["county"],
            d0=s["d0"],
            cw=CRIME_WORD[crime],
        )
    ]
    facts = [
        expand(
            rng,
            "犯罪嫌疑人{who}自{since}[始|开始]，在{place}{deed}，[累计|合计]{n}次，[涉及数量|数量]约{qty}[吨|立方米|公斤]",
            who=who,
            since=s["since"],
            place=s["place"],
            deed=_deed(rng, crime, s),
            n=s["times"],
            qty=s["qty"],
        )
    ]
    if crew:
        facts.append(expand(rng, "{lead}[系|为]该团伙[组织者|召集人]，{crew}[负责|参与]具体实施", lead=lead, crew=crew))
    if s.get("plate"):
        facts.append(
            expand(rng, "作案[所用|使用]车辆为{plate}，[由|系]{driver}驾驶", plate=s["plate"], driver=s["driver"])
        )
    if s.get("vessel"):
        facts.append(expand(rng, "作案船只为{vessel}", vessel=s["vessel"]))
    if s.get("company"):
        facts.append(expand(rng, "涉案物品[来源于|出自]{company}", company=s["company"]))
    out.append("；".join(f"{i + 1}.{f}" for i, f in enumerate(facts)) + "。")
    out.append(expand(rng, "[违法所得|非法获利]{gain}元。", gain=s["gain"]))
    return out


def _interview(rng: random.Random, crime: str, s: dict, who: str, lead: str, crew: str) -> list[str]:
    out = [
        expand(rng, "（询问笔录摘录）问：[你叫什么名字|说一下你的基本情况]？答：我叫{lead}。", lead=lead),
        expand(
            rng,
            "问：你们在{place}做了什么？答：{since}[起|开始]，我[和|跟]{crew}[一起|一同]在那里{deed}，[大概|前后]{n}次。"
            if crew
            else "问：你在{place}做了什么？答：{since}[起|开始]，我[一个人|自己]在那里{deed}，[大概|前后]{n}次。",
            place=s["place"],
            since=s["since"],
            crew=crew,
            deed=_deed(rng, crime, s),
            n=s["times"],
        ),
    ]
    if s.get("plate"):
        out.append(
            expand(
                rng,
                "问：用什么[车|交通工具]？答：[用的是|开的是]{plate}，[是|由]{driver}开的。",
                plate=s["plate"],
                driver=s["driver"],
            )
        )
    if s.get("vessel"):
        out.append(expand(rng, "问：船是哪条？答：{vessel}。", vessel=s["vessel"]))
    if s.get("company"):
        out.append(expand(rng, "问：东西从哪来的？答：[是|从]{company}[拉出来的|那边来的]。", company=s["company"]))
    out.append(expand(rng, "问：[赚了多少|得了多少钱]？答：[大概|一共]{gain}元。", gain=s["gain"]))
    if len(s["names"]) > 1:
        out.append(expand(rng, "（同案[人员|嫌疑人]：{who}）", who=who))
    return out


def _press(rng: random.Random, crime: str, s: dict, who: str, lead: str, crew: str) -> list[str]:
    out = [
        expand(
            rng,
            "[近日|日前]，{county}[警方|公安机关][成功|]破获一起{cw}案，抓获犯罪嫌疑人{k}名。",
            county=s["county"],
            cw=CRIME_WORD[crime],
            k=len(s["names"]),
        ),
        expand(
            rng,
            "[据|经]警方[介绍|通报]，{since}以来，以{lead}为首的{k}人{deed}，地点位于{place}。"
            if crew
            else "[据|经]警方[介绍|通报]，{since}以来，{lead}[独自|一人]{deed}，地点位于{place}。",
            since=s["since"],
            lead=lead,
            k=len(s["names"]),
            deed=_deed(rng, crime, s),
            place=s["place"],
        ),
    ]
    if crew:
        out.append(expand(rng, "[同案|其余]嫌疑人为{crew}。", crew=crew))
    if s.get("plate"):
        out.append(
            expand(
                rng,
                "民警[查明|发现]，{driver}[驾驶|开着]{plate}[往返|多次]运输。",
                plate=s["plate"],
                driver=s["driver"],
            )
        )
    if s.get("vessel"):
        out.append(expand(rng, "涉案渔船{vessel}已被[扣押|查扣]。", vessel=s["vessel"]))
    if s.get("company"):
        out.append(expand(rng, "[经溯源|溯源发现]，涉案物品[出自|来自]{company}。", company=s["company"]))
    out.append(expand(rng, "{d1}，{who}[已被|均被]依法[刑事拘留|采取强制措施]。", d1=s["d1"], who=who))
    return out


def _chronology(rng: random.Random, crime: str, s: dict, who: str, lead: str, crew: str) -> list[str]:
    out = [
        expand(
            rng,
            "{since}至{d1}，{who}[多次|先后{n}次]在{place}{deed}。",
            since=s["since"],
            d1=s["d1"],
            who=who,
            n=s["times"],
            place=s["place"],
            deed=_deed(rng, crime, s),
        ),
    ]
    if s.get("plate"):
        out.append(
            expand(
                rng, "[其间|这段时间]，{plate}[一直|始终]由{driver}[驾驶|开]。", plate=s["plate"], driver=s["driver"]
            )
        )
    if s.get("vessel"):
        out.append(expand(rng, "[所用|使用的]船只[为|是]{vessel}。", vessel=s["vessel"]))
    if s.get("company"):
        out.append(expand(rng, "{company}[明知|知道]对方无资质仍[交付|交给其处理]。", company=s["company"]))
    out.append(expand(rng, "{d0}案发，[获利|得款]{gain}元。", d0=s["d0"], gain=s["gain"]))
    return out


STYLES = {"officialese": _officialese, "interview": _interview, "press": _press, "chronology": _chronology}


def narrative(rng: random.Random, crime: str, s: dict) -> str:
    """The 简要案情 of a case in one of four registers; `s` holds the same slots as `synthetic.narrative`."""
    names = list(s["names"])
    lead = names[0]
    who = _join(rng, names)
    crew = _join(rng, names[1:])
    s = {**s, "driver": s.get("driver") or lead}
    style = rng.choice(tuple(STYLES))
    parts = STYLES[style](rng, crime, s, who, lead, crew)
    for name, phone in s.get("phones", []):
        parts.append(
            expand(
                rng,
                rng.choice(
                    (
                        "[通话记录|话单]显示，{name}[名下|所用]号码{phone}在案发前后与同伙[频繁联系|多次通话]。",
                        "{name}的手机号为{phone}，[作案期间|案发期间]用于[联络|调度]。",
                    )
                ),
                name=name,
                phone=phone,
            )
        )
    parts.extend(s.get("extra", []))
    parts.extend(s.get("ties", []))
    return "".join(parts)
