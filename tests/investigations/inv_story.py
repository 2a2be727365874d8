"""A small graph in the shapes `etl.facts` writes, for unit tests without ETL.

Three crews (cases with suspects by resident ID, a shared truck, a shared
phone), two masked `王某` in two unrelated cases, one weak co-mention between
crews, a waste manifest whose truck goes to a mine pit at night, and a river
tree with two outfalls.
"""

from __future__ import annotations

from graph_schema import identifiers as ids
from graph_schema.model import GraphBatch, Provenance


def pid(n: int) -> str:
    first17 = f"33052219800101{n:03d}"
    return first17 + ids.resident_id_check_char(first17)


def prov(doc: str, seen: str | None = None, quote: str = "") -> Provenance:
    return Provenance(doc=doc, method="structured", quote=quote, seen=seen)


def build() -> GraphBatch:
    b = GraphBatch()

    def case(doc: str, time: str, cause: str, suspects: list[str], vehicles=(), quote=""):
        b.add_node(doc, source="case", time=time, title=f"案件 {doc}", cause=cause, text=quote)
        for p in suspects:
            b.add_rel("INVOLVED_IN", p, doc, prov(doc, time, quote or p), role="suspect")
        for v in vehicles:
            b.add_rel("INVOLVED_IN", v, doc, prov(doc, time), role="vehicle")

    crew_a = [f"person:{pid(i)}" for i in (1, 2, 3, 4)]
    crew_b = [f"person:{pid(i)}" for i in (11, 12, 13)]
    crew_c = [f"person:{pid(i)}" for i in (21, 22, 23, 24, 25)]
    names = ["周卫东", "沈国梁", "钱小明", "吴大伟", "李四", "张三", "王五", "赵六", "孙七", "陈八", "刘九", "何十"]
    for k, p in enumerate(crew_a + crew_b + crew_c):
        b.add_node(p, name=names[k % len(names)], id_card=p.split(":")[1])
    case(
        "doc:case:A1", "2024-05-23T00:00:00", "污染环境罪", crew_a[:3], ["vehicle:浙E5G378"], "周卫东伙同沈国梁倾倒废酸"
    )
    case("doc:case:A2", "2024-03-02T00:00:00", "污染环境罪", [crew_a[0], crew_a[3]])
    b.add_rel("CO_OFFENDER", crew_a[0], crew_a[1], prov("doc:case:A1", "2024-05-23T00:00:00", "伙同"))
    case("doc:case:B1", "2024-04-11T00:00:00", "非法捕捞水产品罪", crew_b)
    b.add_node("vessel:浙岱渔07215", name="浙岱渔07215")
    for p in crew_b[:2]:
        b.add_rel("DRIVES", p, "vessel:浙岱渔07215", prov("doc:case:B1", "2024-04-11T00:00:00"))
    case("doc:case:C1", "2024-02-01T00:00:00", "非法采矿罪", crew_c[:3])
    case("doc:case:C2", "2024-06-01T00:00:00", "非法采矿罪", [crew_c[0], crew_c[3], crew_c[4]])
    b.add_node("phone:13800000001", number="13800000001")
    for p in (crew_c[1], crew_c[4]):
        b.add_rel("USES_PHONE", p, "phone:13800000001", prov("doc:case:C2", "2024-06-01T00:00:00"))
    # masked-name decoys: two 王某 in two unrelated cases, each with one real person
    for doc, other in (("doc:case:W1", pid(31)), ("doc:case:W2", pid(32))):
        w = f"person:王某@{doc}"
        b.add_node(w, name="王某", masked_name=True)
        b.add_node(f"person:{other}", name="某人", id_card=other)
        case(doc, "2024-01-05T00:00:00", "非法捕捞水产品罪", [w, f"person:{other}"])
    # a weak tie between crews A and C: both named in one hotline ticket
    b.add_node("doc:hotline:H1", source="hotline", time="2024-05-10T21:00:00", title="12345工单 H1", text="……")
    for p in (crew_a[2], crew_c[2]):
        b.add_rel("MENTIONS", "doc:hotline:H1", p, prov("doc:hotline:H1", "2024-05-10T21:00:00"))

    # waste: producer → carrier / driver / truck; truck read at the pit at night
    prod, carrier, recv = "company:91330522704523184E", "company:长兴顺远货运有限公司", "company:91330502MA28C1F60E"
    b.add_node(prod, name="长兴恒泰精细化工有限公司")
    b.add_node(carrier, name="长兴顺远货运有限公司")
    b.add_node(recv, name="湖州弘净环境服务有限公司")
    man = "doc:manifest:2024330522000204"
    t = "2024-05-21T21:30:00"
    b.add_node(man, source="manifest", time=t, title="危废转移联单 2024330522000204 废盐酸")
    driver = f"person:周卫东@{man}"
    b.add_node(driver, name="周卫东")
    b.add_node("vehicle:浙E5G378", plate="浙E5G378")
    for key, role in (
        (prod, "producer"),
        (carrier, "carrier"),
        (recv, "receiver"),
        ("vehicle:浙E5G378", "vehicle"),
        (driver, "driver"),
    ):
        b.add_rel("INVOLVED_IN", key, man, prov(man, t), role=role)
    b.add_rel(
        "TRANSFERRED_WASTE",
        prod,
        recv,
        prov(man, t),
        waste="废盐酸",
        waste_code="HW34",
        tons=12.5,
        time=t,
        manifest="2024330522000204",
    )
    b.add_rel("TRANSPORTS", carrier, prod, prov(man, t))
    b.add_rel("TRANSPORTS", "vehicle:浙E5G378", prod, prov(man, t))
    b.add_rel("DRIVES", driver, "vehicle:浙E5G378", prov(man, t))
    b.add_node("site:KK330522006", kind="checkpoint", name="煤山镇青岭村村道口（矿坑方向）")
    b.add_node("site:KK330522002", kind="checkpoint", name="104国道李家巷段（青山路口）")
    for site, tt in (
        ("site:KK330522002", "2024-05-21T22:41:00"),
        ("site:KK330522006", "2024-05-21T23:36:00"),
        ("site:KK330522006", "2024-05-22T01:48:00"),
    ):
        doc = f"doc:anpr:{site[5:]}@{tt}@浙E5G378"
        b.add_node(doc, source="anpr", time=tt)
        b.add_rel("SEEN_AT", "vehicle:浙E5G378", site, prov(doc, tt), time=tt)
    # water: QLX-01 → HXG-01 → CXG-01; outfall PK-1 (acid maker) on QLX-01, PK-2 (farm) on HXG-01
    for seg, down in (("site:HZ-QLX-01", "site:HZ-HXG-01"), ("site:HZ-HXG-01", "site:HZ-CXG-01")):
        b.add_node(seg, kind="segment")
        b.add_node(down, kind="segment")
        b.add_rel("FLOWS_INTO", seg, down, prov("doc:segment:x"))
    b.add_node("site:PK-1", kind="outfall", name="恒泰雨水排口", lon=119.80, lat=31.00)
    b.add_node("site:PK-2", kind="outfall", name="绿牧养殖排口", lon=119.90, lat=31.10)
    b.add_node("company:93330522MA2B00000X", name="长兴绿牧生猪养殖专业合作社")
    b.add_rel("DISCHARGES_INTO", "site:PK-1", "site:HZ-QLX-01", prov("doc:outfall:PK-1"))
    b.add_rel("DISCHARGES_INTO", "site:PK-2", "site:HZ-HXG-01", prov("doc:outfall:PK-2"))
    b.add_rel("OWNS", prod, "site:PK-1", prov("doc:outfall:PK-1"))
    b.add_rel("OWNS", "company:93330522MA2B00000X", "site:PK-2", prov("doc:outfall:PK-2"))
    b.add_node("site:JC-1", kind="station", name="合溪港断面")
    b.add_rel("MONITORS", "site:JC-1", "site:HZ-HXG-01", prov("doc:reading:r1"))
    for i, (ind, val, exc) in enumerate((("pH", 3.6, True), ("COD", 12, False))):
        d = f"doc:reading:r{i}"
        b.add_node(d, source="reading", time="2024-05-22T08:00:00", indicator=ind, value=val, exceeded=exc)
        b.add_rel("LOCATED_AT", d, "site:JC-1", prov(d, "2024-05-22T08:00:00"))
    return b


CREWS = {
    "A": [f"person:{pid(i)}" for i in (1, 2, 3, 4)],
    "B": [f"person:{pid(i)}" for i in (11, 12, 13)],
    "C": [f"person:{pid(i)}" for i in (21, 22, 23, 24, 25)],
}
