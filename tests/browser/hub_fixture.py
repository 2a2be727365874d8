"""A transport company with 120 drivers (WORKS_FOR, each from its own manifest): the hub an analyst
expands to check that the chart stays readable past a hundred neighbours."""

from __future__ import annotations

import hashlib

from graph_schema.model import GraphBatch, Provenance

HUB = "company:91330500HUB0000001"
HUB_NAME = "湖州顺达危险废物运输有限公司"
N_DRIVERS = 120
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "建国",
    "志强",
    "海燕",
    "秀英",
    "国华",
    "明",
    "伟",
    "芳",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
]


def driver_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + ("" if i < len(SURNAMES) else GIVEN[i % 5])


def build_hub(store) -> None:
    b = GraphBatch()
    b.add_node(HUB, name=HUB_NAME, uscc="91330500HUB0000001")
    for i in range(N_DRIVERS):
        doc = f"doc:manifest:HUB-{i:04d}"
        name = driver_name(i)
        text = f"转移联单 HUB-{i:04d}：承运单位 {HUB_NAME}，驾驶员 {name}。"
        b.add_node(doc, source="manifest", record_id=f"HUB-{i:04d}", title=f"危废转移联单 HUB-{i:04d}",
                   time=f"2024-0{1 + i % 9}-{1 + i % 27:02d} 09:00:00", text=text,
                   sha256=hashlib.sha256(text.encode()).hexdigest())  # fmt: skip
        person = f"person:{name}@{doc}"
        b.add_node(person, name=name)
        s = text.index(name)
        prov = Provenance(doc=doc, method="structured", confidence=1.0, quote=text, start=s, end=s + len(name),
                          field="驾驶员", seen=f"2024-0{1 + i % 9}-{1 + i % 27:02d}T09:00:00")  # fmt: skip
        b.add_rel("WORKS_FOR", person, HUB, prov)
        b.add_rel("MENTIONS", doc, person, prov)
    store.write_batch(b)
