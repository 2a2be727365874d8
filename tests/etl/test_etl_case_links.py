"""Case-file evidence links (etl.caselinks) and plates / vessel numbers in every written form,
on the crafted case files in tests/data/case_links (txt, docx, json) — no NLP pipeline here:
`record_to_batch` without extractions, or with ETL's identifier-only `rules_extract`."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.caseparse import parse_vehicle_entry
from etl.facts import record_to_batch, records_to_batch
from etl.idrules import rules_extract
from etl.parse import iter_typed
from etl.records import QuarantineEntry
from graph_schema import identifiers as ids

DATA = Path(__file__).resolve().parents[1] / "data" / "case_links"
WX = "doc:case:湖吴公(环)立字〔2025〕00101号"
WX2 = "doc:case:湖吴公(环)立字〔2025〕00117号"
DQ = "doc:case:德公(环)立字〔2025〕00023号"
HAN = "person:330502197902030419"  # registered owner
SHAO = "person:330503198506111234"  # borrower / driver
JIANG = "person:330522196811201551"
LUO = "person:330525197204080835"
PAN = "person:342523198009152018"
TRUCK = "vehicle:浙EK3J21"
BARGE = "vessel:浙湖州货01234"


def case(name: str):
    (rec,) = [r for r in iter_typed(DATA / name) if not isinstance(r, QuarantineEntry)]
    return rec


def rels(batch, type_, head=None, tail=None):
    return [
        r
        for r in batch.rels
        if r.type == type_ and (head is None or r.head == head) and (tail is None or r.tail == tail)
    ]


@pytest.mark.parametrize(
    "written",
    [
        "浙E·K3J21",
        "浙EK3J21",
        "浙E K3J21",
        "浙Ｅ·Ｋ３Ｊ２１",
        "浙e-k3j21",
        "浙e·k3j21",
        "浙E—K3J21",
        "浙E‧K3J21",
        "浙 E．K3J21",
    ],
)
def test_every_written_form_of_a_plate_is_one_plate(written):
    assert ids.normalize_plate(written) == "浙EK3J21"
    # and free text finds it as written (ETL's fallback rules share the pattern with NLP)
    (ex,) = rules_extract([f"经查，{written}重型货车多次进出矿区。"])
    assert [(e.label, e.text, e.normalized) for e in ex.entities] == [("PLATE", written, "浙EK3J21")]


@pytest.mark.parametrize(
    "written", ["浙湖州货01234", "浙湖州货 01234", "浙湖州货０１２３４", "浙湖州货01234号", "“浙湖州货01234”"]
)
def test_every_written_form_of_a_vessel_number(written):
    assert ids.normalize_vessel(written) == "浙湖州货01234"


def test_o_and_i_typed_for_zero_and_one_in_the_serial():
    assert ids.normalize_plate("浙E·O3K2I") == "浙E03K21"  # GA 36 serials have no O or I
    assert ids.normalize_plate("浙AIRBUS") is None  # letters only: not a plate typed wrong


@pytest.mark.parametrize("written", ["黄浙E·K3J21", "蓝牌浙EK3J21", "浙EK3J21黄", "黄色浙Ｅ·Ｋ３Ｊ２１", "黑浙EK3J21"])
def test_a_checkpoint_exports_colour_before_or_after_the_plate(written):
    assert ids.normalize_plate(written) == "浙EK3J21"


def test_heilongjiangs_black_is_a_province_not_a_colour():
    assert ids.normalize_plate("黑A·12345") == "黑A12345"
    assert ids.normalize_plate("黄") is None and ids.normalize_plate("蓝牌") is None


def test_not_a_plate_stays_none():
    assert ids.normalize_plate("浙E·K3J2") is None  # too short
    assert ids.normalize_plate("黔C·7W2J9") is None  # 黔 is not a plate's province character (贵 is)
    assert ids.normalize_vessel("浙湖州01234") is None  # no vessel type word


def test_vehicle_entry_notes_become_owner_and_driver_statements():
    w: list[str] = []
    (v,) = parse_vehicle_entry("浙e-k3j21（重型自卸货车，登记车主：韩立新，实际使用人邵春明）", w)
    assert (v.plate, v.kind) == ("浙EK3J21", "重型自卸货车")
    assert v.roles == [("owner", "韩立新", "registered"), ("driver", "邵春明", None)]
    (v,) = parse_vehicle_entry("浙E K3J21，系邵春明借用", w)  # a statement joined to the entry before
    assert v.plate == "浙EK3J21" and v.roles == [("driver", "邵春明", None)]
    (v,) = parse_vehicle_entry("浙Ｅ·Ｋ３Ｊ２１ 重型自卸货车 登记在长兴顺远货运有限公司名下", w)
    assert v.kind == "重型自卸货车" and v.roles == [("owner", "长兴顺远货运有限公司", "registered")]
    (v,) = parse_vehicle_entry("浙湖州货01234号（船主：钱某某）", w, "涉案船舶")
    assert (v.plate, v.vessel, v.source_field) == (None, "浙湖州货01234", "涉案船舶")
    assert v.roles == [("owner", "钱某某", "owner")]
    assert w == []


def test_text_case_file_links_every_structured_field():
    rec = case("wx-2025-00101.txt")
    assert [(v.plate, v.vessel) for v in rec.vehicles] == [("浙EK3J21", None), (None, "浙湖州货01234")]
    b = record_to_batch(rec)
    # vehicle and vessel (涉案船只 is 涉案船舶) are parties to the case, with the field as written
    (truck,) = rels(b, "INVOLVED_IN", TRUCK, WX)
    assert truck.props["role"] == "vehicle" and truck.provenance.field == "涉案车辆"
    assert truck.provenance.quote == "浙Ｅ·Ｋ３Ｊ２１（重型自卸货车，登记车主：韩立新）"
    (barge,) = rels(b, "INVOLVED_IN", BARGE, WX)
    assert barge.props["role"] == "vessel" and barge.provenance.field == "涉案船舶"
    # the registered owner OWNS the truck, structured, confidence 1
    (owns,) = rels(b, "OWNS", HAN, TRUCK)
    p = owns.provenance
    assert (p.doc, p.field, p.method, p.confidence, owns.props["basis"]) == (
        WX,
        "涉案车辆",
        "structured",
        1.0,
        "registered",
    )
    # the vessel's owner is a person named only in the field: doc-local, mentioned by the case
    qian = f"person:钱某某@{WX}"
    assert rels(b, "OWNS", qian, BARGE) and rels(b, "MENTIONS", WX, qian)
    assert not rels(b, "INVOLVED_IN", qian)  # not a suspect: no co-suspect tie for gangs
    # the narrative's 该车…系邵春明向韩立新借用 (no plate written) is about the case's one vehicle
    (drives,) = rels(b, "DRIVES", SHAO, TRUCK)
    assert drives.provenance.method == "rule" and "借用" in drives.provenance.quote
    assert drives.provenance.field == "简要案情" and drives.provenance.quote in rec.narrative
    assert not rels(b, "DRIVES", HAN)  # the lender does not drive
    # each suspect's phone is used by them and mentioned by the case; the address is where they live
    assert rels(b, "USES_PHONE", HAN, "phone:13905721188") and rels(b, "MENTIONS", WX, "phone:13905721188")
    (home,) = rels(b, "LOCATED_AT", HAN, "site:吴兴区八里店镇尹家圩村")
    assert home.props["role"] == "residence" and home.provenance.field == "犯罪嫌疑人"
    # 系湖州鼎盛建材有限公司驾驶员 in the suspect's own line
    (job,) = rels(b, "WORKS_FOR", SHAO, "company:91330502MA2B7XK30D")
    assert job.provenance.field == "犯罪嫌疑人" and "驾驶员" in job.provenance.quote


def test_json_case_vehicle_objects_and_narrative_plate():
    rec = case("dq-2025-00023.json")
    b = records_to_batch([rec], rules_extract)
    (drives,) = rels(b, "DRIVES", PAN, TRUCK)  # {"车牌号": "浙E K3J21", "实际使用人": "潘志刚"}
    assert drives.provenance.method == "structured" and drives.provenance.quote == "浙E K3J21"
    assert rels(b, "INVOLVED_IN", BARGE, DQ)  # 涉案船舶 in full-width digits: the same vessel
    # the borrowed pickup is named only in the narrative (浙f·2m705): borrower drives, owner owns
    pickup = "vehicle:浙F2M705"
    (d,) = rels(b, "DRIVES", PAN, pickup)
    (o,) = rels(b, "OWNS", LUO, pickup)
    assert d.provenance.quote == o.provenance.quote and "借用" in d.provenance.quote
    assert rels(b, "MENTIONS", DQ, pickup)
    assert not rels(b, "INVOLVED_IN", pickup)  # named in the story, not listed as the case's vehicle


def test_docx_case_and_plate_forms_across_cases():
    recs = [case("wx-2025-00101.txt"), case("wx-2025-00117.docx"), case("dq-2025-00023.json")]
    b = records_to_batch(recs, rules_extract)
    trucks = {r.head for r in rels(b, "INVOLVED_IN") if r.head.startswith("vehicle:")}
    assert trucks == {TRUCK}  # 浙Ｅ·Ｋ３Ｊ２１, 浙e-k3j21 and 浙E K3J21 are one vehicle
    assert {r.tail for r in rels(b, "INVOLVED_IN", TRUCK)} == {WX, WX2, DQ}
    # …由蒋文辉驾驶 after 涉案自卸车: the docx case's one vehicle
    (d,) = rels(b, "DRIVES", JIANG, TRUCK)
    assert d.provenance.doc == WX2 and "蒋文辉驾驶" in d.provenance.quote
    # a phone written with dashes is still the number
    assert rels(b, "USES_PHONE", JIANG, "phone:13757208899")


def test_json_suspect_fields_name_their_company_and_vehicle(tmp_path):
    obj = {
        "案件编号": "安公(环)立字〔2025〕00007号",
        "嫌疑人": [
            {
                "姓名": "罗永年",
                "身份证号": "330525197204080835",
                "工作单位": "湖州鼎盛建材有限公司",
                "职务": "法定代表人",
            },
            {"姓名": "潘志刚", "身份证号": "342523198009152018", "驾驶车辆": "浙e·k3j21", "备注": "无驾驶证"},
        ],
        "涉案单位": [{"名称": "湖州鼎盛建材有限公司", "统一社会信用代码": "91330502MA2B7XK30D"}],
        "涉案船只": [{"船名号": "浙湖州货01234", "船长": "罗永年"}],
    }
    path = tmp_path / "aj.json"
    path.write_text(__import__("json").dumps(obj, ensure_ascii=False), encoding="utf-8")
    (rec,) = list(iter_typed(path))
    b = record_to_batch(rec)
    doc = "doc:case:安公(环)立字〔2025〕00007号"
    (rep,) = rels(b, "REPRESENTS", LUO, "company:91330502MA2B7XK30D")
    assert rep.provenance.doc == doc and "法定代表人" in rep.provenance.quote
    (drv,) = rels(b, "DRIVES", PAN, TRUCK)
    assert drv.provenance.field == "嫌疑人" and "浙e·k3j21" in drv.provenance.quote
    assert rels(b, "INVOLVED_IN", TRUCK, doc)  # a vehicle only a suspect's record names is still the case's
    (skipper,) = rels(b, "DRIVES", LUO, BARGE)  # {"船名号": …, "船长": "罗永年"}
    assert skipper.provenance.field == "涉案船只" and skipper.provenance.method == "structured"
    assert not rels(b, "DRIVES", LUO, TRUCK) and not rels(b, "REPRESENTS", PAN)


def test_company_entry_names_its_representative_and_controller(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(
        "案件编号：安公(环)立字〔2025〕00008号\n"
        "犯罪嫌疑人：罗永年，男，身份证号330525197204080835。\n"
        "涉案单位：湖州鼎盛建材有限公司（统一社会信用代码91330502MA2B7XK30D，法定代表人：罗永年，实际控制人韩某某）\n"
        "简要案情：该公司将废料交由他人处置。\n",
        encoding="utf-8",
    )
    (rec,) = list(iter_typed(path))
    b = record_to_batch(rec)
    doc = "doc:case:安公(环)立字〔2025〕00008号"
    company = "company:91330502MA2B7XK30D"
    (rep,) = rels(b, "REPRESENTS", LUO, company)
    assert rep.provenance.field == "涉案单位" and rep.provenance.method == "structured"
    boss = f"person:韩某某@{doc}"  # named only in the company entry: doc-local, mentioned
    assert rels(b, "OWNS", boss, company) and rels(b, "MENTIONS", doc, boss)
    assert not rels(b, "INVOLVED_IN", boss)
