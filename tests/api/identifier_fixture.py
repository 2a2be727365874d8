"""The planted graph (graph_fixture) plus people, phones and a hotline ticket that write
resident IDs and phone numbers every way people type them: grouped with hyphens or spaces,
full-width, with +86 / 86, an 18-digit ID grouped 6-8-4, a 15-digit legacy ID, a landline,
and a phone stored as a number (a spreadsheet cell).  `SECRETS` are the identifiers (ASCII
digits) that a role seeing masked data must never receive, in any form."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import graph_fixture as G

from graph_schema.model import GraphBatch, Provenance

QIAN_ID = "330481197501052713"
QIAN = f"person:{QIAN_ID}"
SUN_ID15 = "330481750105271"  # GB 11643-1989: area 330481, born 1975-01-05, sequence 271
SUN = f"person:{SUN_ID15}"
MOBILE2 = "13812345679"
MOBILE3 = "13987654321"
MOBILE4 = "13612345678"  # stored as an int property
LANDLINE = "05722345678"
PHONE2, PHONE3, PHONE_LAND = f"phone:{MOBILE2}", f"phone:{MOBILE3}", f"phone:{LANDLINE}"
TICKET = "doc:hotline:RX2024-0601"
ISLAND = "site:孤岛渔港"  # linked to nothing: no path leads there
TICKET_TEXT = (
    "来电人反映：钱七（身份证330481 19750105 2713，电话138-1234-5678，备用138 1234 5679）"
    "和孙八（老身份证330481750105271，手机＋86 139 8765 4321，微信号８６１３６１２３４５６７８）"
    "夜间在白沙湿地倾倒废液，联系座机0572-2345678，全角号码１３８１２３４５６７８。"
)

SECRETS = [
    G.LEADER_ID, "330502198502022345", "330502199003033456", "13812345678",
    QIAN_ID, SUN_ID15, MOBILE2, MOBILE3, MOBILE4, LANDLINE,
]  # fmt: skip


def build(store) -> None:
    G.build(store)
    b = GraphBatch()
    b.add_node(TICKET, source="hotline", record_id="RX2024-0601", title="白沙湿地夜间倾倒举报", time="2024-06-01 21:00:00",
               text=TICKET_TEXT, sha256=hashlib.sha256(TICKET_TEXT.encode()).hexdigest())  # fmt: skip
    b.add_node(QIAN, name="钱七", id_card=QIAN_ID, phone="138-1234-5678")
    b.add_node(SUN, name="孙八", id_card=SUN_ID15, phone=int(MOBILE4), landline="0572-2345678")
    b.add_node(ISLAND, name="孤岛渔港", kind="port")
    b.add_node(PHONE2, name=MOBILE2)
    b.add_node(PHONE3, name="+86 139 8765 4321")
    b.add_node(PHONE_LAND, name="0572-2345678")

    def prov(name: str) -> Provenance:
        i = TICKET_TEXT.index(name)
        return Provenance(doc=TICKET, method="rule", confidence=0.9, quote=TICKET_TEXT, start=i, end=i + len(name),
                          field="text", seen="2024-06-01T21:00:00")  # fmt: skip

    for key, name in [(QIAN, "钱七"), (SUN, "孙八"), (PHONE2, "138 1234 5679"), (PHONE3, "＋86 139 8765 4321"),
                      (PHONE_LAND, "0572-2345678"), (G.OTHER_SITE, "白沙湿地")]:  # fmt: skip
        b.add_rel("MENTIONS", TICKET, key, prov(name))
    b.add_rel("USES_PHONE", QIAN, PHONE2, prov("138 1234 5679"))
    b.add_rel("USES_PHONE", SUN, PHONE3, prov("＋86 139 8765 4321"))
    b.add_rel("USES_PHONE", SUN, PHONE_LAND, prov("0572-2345678"))
    b.add_rel("CO_OFFENDER", QIAN, SUN, prov("孙八"))
    b.add_rel("CO_OFFENDER", QIAN, G.LEADER, prov("钱七"))
    store.write_batch(b)


def data_dir(prefix: str = "egm-"):
    """A fresh data dir holding this graph and the demo users; yields it, then removes it."""
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
