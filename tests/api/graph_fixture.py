"""A small planted graph for the API and browser tests, built with GraphBatch.

A gang of three led by 张建国 (resident ID, phone), their truck 浙E3K821 that
dumped waste acid into 青岭村废弃矿坑; a chemical company whose waste the
truck carried; a second, unrelated case (赵六) that is never shared with the
prosecutor.  Documents carry text, SHA-256 and MENTIONS spans with offsets.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from graph_schema.model import GraphBatch, Provenance

LEADER_ID = "330502198001011234"
LEADER = f"person:{LEADER_ID}"
MEMBER2 = "person:330502198502022345"
MEMBER3 = "person:330502199003033456"
TRUCK = "vehicle:浙E3K821"
DUMP = "site:青岭村废弃矿坑"
CHECKPOINT = "site:卡口:KK-07"
CHEM = "company:湖州某化工有限公司"
PHONE = "phone:13812345678"
CASE1 = "doc:case:AJ2024001"
CASE2 = "doc:case:AJ2024002"
MANIFEST = "doc:manifest:LD2024-0088"
ANPR = "doc:anpr:R000123"
ANPR_TEXT = "2024-05-21 22:41:07,浙E3K821,KK-07"  # the raw CSV row a plate read's sha256 is over
OTHER = "person:赵六@doc:case:AJ2024002"
OTHER_SITE = "site:白沙湿地"
GANG = "gang:g-0001"

CASE1_TEXT = (
    "2024年5月21日23时许，犯罪嫌疑人张建国（身份证号330502198001011234，电话13812345678）伙同李明、王小虎，"
    "驾驶浙E3K821重型货车，将湖州某化工有限公司产生的废酸约12吨倾倒于青岭村废弃矿坑。"
)
CASE2_TEXT = "2024年6月3日，赵六在白沙湿地非法捕捞，被巡查人员当场查获。"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _span(text: str, name: str) -> tuple[int, int]:
    i = text.index(name)
    return i, i + len(name)


def build(store) -> None:
    b = GraphBatch()
    b.add_node(CASE1, source="case", record_id="AJ2024001", title="张建国等非法倾倒危险废物案", time="2024-05-21 23:10:00",
               text=CASE1_TEXT, sha256=_sha(CASE1_TEXT), file="cases/AJ2024001.txt", row=1)  # fmt: skip
    b.add_node(CASE2, source="case", record_id="AJ2024002", title="赵六非法捕捞案", time="2024-06-03 10:00:00",
               text=CASE2_TEXT, sha256=_sha(CASE2_TEXT), file="cases/AJ2024002.txt", row=1)  # fmt: skip
    manifest_text = "转移联单 LD2024-0088：湖州某化工有限公司 废酸 HW34 12吨，承运车辆 浙E3K821。"
    b.add_node(MANIFEST, source="manifest", record_id="LD2024-0088", title="危废转移联单 LD2024-0088",
               time="2024-05-20 09:00:00", text=manifest_text, sha256=_sha(manifest_text))  # fmt: skip
    # a plate read, as the ETL stores it: the SEEN_AT is the record (no Document node)
    anpr_text = ANPR_TEXT
    b.add_node(LEADER, name="张建国", id_card=LEADER_ID, phone="13812345678")
    b.add_node(MEMBER2, name="李明", id_card="330502198502022345")
    b.add_node(MEMBER3, name="王小虎", id_card="330502199003033456")
    b.add_node(OTHER, name="赵六")
    b.add_node(TRUCK, plate="浙E3K821", name="浙E3K821")
    b.add_node(DUMP, name="青岭村废弃矿坑", kind="mine_pit", lon=120.12, lat=30.88)
    b.add_node(CHECKPOINT, name="青岭村村道口卡口", kind="checkpoint", lon=120.10, lat=30.90)
    b.add_node(OTHER_SITE, name="白沙湿地", kind="wetland", lon=120.30, lat=30.70)
    b.add_node(CHEM, name="湖州某化工有限公司")
    b.add_node(PHONE, name="13812345678")
    b.add_node(GANG, name="团伙 g-0001", score=0.92, size=3)

    def prov(doc, text, name, method="rule", conf=0.9, seen="2024-05-21T23:10:00"):
        s, e = _span(text, name)
        # quote: the sentence around the span
        return Provenance(doc=doc, method=method, confidence=conf, quote=text, start=s, end=e, field="text", seen=seen)

    for key, name in [(LEADER, "张建国"), (MEMBER2, "李明"), (MEMBER3, "王小虎"), (TRUCK, "浙E3K821"), (DUMP, "青岭村废弃矿坑"),
                      (CHEM, "湖州某化工有限公司")]:  # fmt: skip
        b.add_rel("MENTIONS", CASE1, key, prov(CASE1, CASE1_TEXT, name))
        if key.startswith("person:"):
            b.add_rel("INVOLVED_IN", key, CASE1, prov(CASE1, CASE1_TEXT, name, "structured", 1.0), role="犯罪嫌疑人")
    b.add_rel("CO_OFFENDER", LEADER, MEMBER2, prov(CASE1, CASE1_TEXT, "李明"))
    b.add_rel("CO_OFFENDER", LEADER, MEMBER3, prov(CASE1, CASE1_TEXT, "王小虎"))
    b.add_rel("DRIVES", LEADER, TRUCK, prov(CASE1, CASE1_TEXT, "浙E3K821", "rule", 0.85))
    b.add_rel("DUMPED_AT", TRUCK, DUMP, prov(CASE1, CASE1_TEXT, "青岭村废弃矿坑", "model", 0.78))
    b.add_rel("USES_PHONE", LEADER, PHONE, prov(CASE1, CASE1_TEXT, "13812345678", "rule", 0.95))
    b.add_rel(
        "TRANSPORTS", TRUCK, CHEM, prov(MANIFEST, manifest_text, "浙E3K821", "structured", 1.0, "2024-05-20T09:00:00")
    )
    anpr_prov = Provenance(doc=ANPR, method="structured", quote="浙E3K821", field="车牌号", seen="2024-05-21T22:41:07")
    b.add_rel("SEEN_AT", TRUCK, CHECKPOINT, anpr_prov,
              time="2024-05-21 22:41:07", file="/exports/anpr.csv", row=124, sha256=_sha(anpr_text))  # fmt: skip
    b.add_rel("MENTIONS", CASE2, OTHER, prov(CASE2, CASE2_TEXT, "赵六", seen="2024-06-03T10:00:00"))
    b.add_rel("INVOLVED_IN", OTHER, CASE2, prov(CASE2, CASE2_TEXT, "赵六", "structured", 1.0, "2024-06-03T10:00:00"))
    b.add_rel("LOCATED_AT", CASE2, OTHER_SITE, prov(CASE2, CASE2_TEXT, "白沙湿地", seen="2024-06-03T10:00:00"))
    for key, leader in [(LEADER, True), (MEMBER2, False), (MEMBER3, False)]:
        b.add_rel(
            "MEMBER_OF", key, GANG, Provenance(doc=GANG, method="inferred", confidence=0.92), score=0.92, leader=leader
        )
    store.write_batch(b)  # the store derives the name-search property


def planted_data_dir(prefix: str = "ega-"):
    """A fresh data dir holding the planted graph and the demo users; yields it, then removes it."""
    # Short path: the FalkorDB Unix socket lives inside it (108-byte limit).
    d = Path(tempfile.mkdtemp(prefix=prefix))
    from graph_schema.store import open_store

    store = open_store("falkordb", d)
    store.wipe()
    build(store)
    store.close()
    from api.security.users import ensure_demo_users, mark_demo_dir

    mark_demo_dir(d)

    ensure_demo_users(d)
    yield d
    from graph_schema.store.falkor_server import stop_server

    stop_server(d)
    shutil.rmtree(d, ignore_errors=True)


def login_as(client, user: str, password: str | None = None) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": user, "password": password or f"{user}1234"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
