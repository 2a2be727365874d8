"""Chinese display names of labels and relationship types (exports and the web UI)."""

from __future__ import annotations

from graph_schema.schema import LABELS

REL_NAMES = {
    "MENTIONS": "提及",
    "INVOLVED_IN": "涉及",
    "DRIVES": "驾驶",
    "OWNS": "拥有/实际控制",
    "REPRESENTS": "代表",
    "WORKS_FOR": "受雇于",
    "USES_PHONE": "使用电话",
    "CO_OFFENDER": "共同作案",
    "SEEN_AT": "经过",
    "LOCATED_AT": "位于",
    "LOCATED_IN": "地处",
    "TRANSFERRED_WASTE": "转移危废",
    "TRANSPORTS": "承运",
    "DUMPED_AT": "倾倒于",
    "DISCHARGES_INTO": "排入",
    "FLOWS_INTO": "流入",
    "MONITORS": "监测",
    "HANDLES": "经手废物",
    "INVOLVES_SPECIES": "涉及物种",
    "POSSIBLY_SAME": "疑似同一",
    "MEMBER_OF": "团伙成员",
    "FLAGS": "预警指向",
}

METHOD_NAMES = {
    "structured": "结构化字段",
    "rule": "规则抽取",
    "model": "模型抽取",
    "human": "人工录入",
    "inferred": "推断",
}

# record sources (Document `source`; `doc:<source>:…` keys)
SOURCE_NAMES = {
    "hotline": "12345热线工单",
    "grid": "网格事件",
    "case": "案件",
    "anpr": "卡口过车",
    "manifest": "危废转移联单",
    "outfall": "排口登记",
    "segment": "河段登记",
    "reading": "水质监测",
}

REVIEW_NAMES = {"confirmed": "已人工确认", "rejected": "已否决", None: "未复核", "": "未复核"}

LABEL_NAMES = {label: spec.display for label, spec in LABELS.items()}


def rel_name(t: str) -> str:
    return REL_NAMES.get(t, t)
