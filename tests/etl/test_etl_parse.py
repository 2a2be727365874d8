"""Typed parsing: date formats, per-field policy, identifiers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from etl.caseparse import parse_company_line, parse_suspect_line, parse_vehicle_entry
from etl.fieldparse import parse_coord, parse_datetime
from etl.parse import FieldError, parse_or_quarantine, parse_record
from etl.readers.detect import HEADERS
from etl.records import QuarantineEntry, RawRecord


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-05 21:14:09", datetime(2024, 3, 5, 21, 14, 9)),
        ("2024/3/5 21:14", datetime(2024, 3, 5, 21, 14)),
        ("2024/5/11 6:35", datetime(2024, 5, 11, 6, 35)),
        ("2024年5月23日", datetime(2024, 5, 23)),
        ("2024年5月23日6时20分", datetime(2024, 5, 23, 6, 20)),
        ("2024-05-21T07:02:44.120", datetime(2024, 5, 21, 7, 2, 44)),
        ("2024.5.21", datetime(2024, 5, 21)),
        ("20240521073044", datetime(2024, 5, 21, 7, 30, 44)),
        ("２０２４－０５－２１ ０７：０２", datetime(2024, 5, 21, 7, 2)),
        (datetime(2024, 4, 9, 7, 48, 26), datetime(2024, 4, 9, 7, 48, 26)),
        (date(2024, 4, 9), datetime(2024, 4, 9)),
        (45292.5, datetime(2024, 1, 1, 12, 0)),
        ("45292.5", datetime(2024, 1, 1, 12, 0)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_datetime_formats(text, expected):
    assert parse_datetime(text, "来电时间") == expected


@pytest.mark.parametrize("text", ["2024-04-31 10:05:11", "2024-02-30", "2024-13-01 08:00", "2024-05-21 25:00"])
def test_invalid_dates_name_the_field(text):
    with pytest.raises(FieldError) as exc:
        parse_datetime(text, "过车时间")
    assert exc.value.field == "过车时间"
    assert exc.value.reason.startswith("过车时间:") and "无效日期" in exc.value.reason and text in exc.value.reason


def test_unrecognised_date_format():
    with pytest.raises(FieldError, match="unrecognised"):
        parse_datetime("昨天晚上", "上报时间")


def test_coordinates_range():
    assert parse_coord("119.6968", "经度", -180, 180) == pytest.approx(119.6968)
    assert parse_coord(None, "经度", -180, 180) is None
    with pytest.raises(FieldError, match="纬度"):
        parse_coord("130.5", "纬度", -90, 90)


def _raw(source: str, **fields) -> RawRecord:
    full = {h: None for h in HEADERS[source]}
    full.update(fields)
    return RawRecord(source, "mem.csv", 2, "x", full, "raw text", "0" * 64)


def test_optional_closed_at_invalid_is_kept_raw_with_warning():
    t = parse_record(_raw("hotline", 工单编号="T1", 来电时间="2024-05-01 08:00:00", 办结时间="2024-05-32 10:00"))
    assert t.closed_at is None and t.closed_at_raw == "2024-05-32 10:00"
    assert any("办结时间" in w for w in t.warnings)


def test_masked_and_unparseable_phones():
    t = parse_record(_raw("hotline", 工单编号="T1", 来电时间="2024-05-01 08:00:00", 来电号码="139****2207"))
    assert t.caller_phone.masked and t.caller_phone.digits == "139****2207" and not t.warnings
    t = parse_record(_raw("hotline", 工单编号="T2", 来电时间="2024-05-01 08:00:00", 来电号码="12345"))
    assert t.caller_phone is None and t.caller_phone_raw == "12345" and t.warnings


def test_essential_time_missing_quarantines():
    q = parse_or_quarantine(_raw("grid", 事件编号="E1", 上报时间=None))
    assert isinstance(q, QuarantineEntry) and q.field == "上报时间" and q.raw == "raw text" and q.row == 2


def test_bad_coordinate_is_dropped_with_warning_not_quarantined():
    t = parse_record(_raw("grid", 事件编号="E1", 上报时间="2024-05-01 08:00:00", 经度="abc", 纬度="95"))
    assert t.lon is None and t.lat is None and len(t.warnings) == 2


@pytest.mark.parametrize(
    "plate, normalised",
    [("浙E·5G378", "浙E5G378"), ("浙E5G378", "浙E5G378"), ("浙E 5G378", "浙E5G378"), ("浙E0917警", "浙E0917警")],
)
def test_anpr_plates(plate, normalised):
    t = parse_record(_raw("anpr", 过车时间="2024-05-21 22:41:00", 车牌号=plate, 卡口编号="KK1"))
    assert t.plate == normalised and t.plate_raw == plate
    assert t.record_id == f"KK1@2024-05-21T22:41:00@{normalised}"


def test_anpr_nonstandard_plate_kept_placeholder_quarantined():
    t = parse_record(_raw("anpr", 过车时间="2024-05-21 22:41:00", 车牌号="WJ浙12345", 卡口编号="KK1"))
    assert t.plate is None and t.plate_raw == "WJ浙12345" and t.warnings
    q = parse_or_quarantine(_raw("anpr", 过车时间="2024-05-21 22:41:00", 车牌号="未识别", 卡口编号="KK1"))
    assert isinstance(q, QuarantineEntry) and q.field == "车牌号"
    q = parse_or_quarantine(_raw("anpr", 过车时间="2024-04-31 22:41:00", 车牌号="浙E5G378", 卡口编号="KK1"))
    assert isinstance(q, QuarantineEntry) and q.field == "过车时间"


def test_manifest_invalid_uscc_keeps_company_by_name():
    t = parse_record(
        _raw(
            "manifest",
            联单编号="M1",
            转移时间="2024-01-01",
            产废单位="甲公司",
            产废单位统一社会信用代码="91330522704523184F",
            接收单位统一社会信用代码="91330502MA28C1F60E",
        )
    )
    assert t.producer_uscc is None and t.producer_uscc_invalid == "91330522704523184F"
    assert t.receiver_uscc == "91330502MA28C1F60E"
    assert any("产废单位统一社会信用代码" in w for w in t.warnings)


def test_suspect_line_full():
    w: list[str] = []
    s = parse_suspect_line(
        "周卫东，男，1981年7月15日出生，身份证号341822198107151579，住长兴县煤山镇新川村，联系电话15167231846。", w
    )
    assert (s.name, s.gender, s.birth, s.id_card, s.address) == (
        "周卫东",
        "男",
        "1981-07-15",
        "341822198107151579",
        "长兴县煤山镇新川村",
    )
    assert s.phone.digits == "15167231846" and not w


@pytest.mark.parametrize(
    ("part", "address"),
    [("现住址马口村", "马口村"), ("暂住址：吴兴区织里镇", "吴兴区织里镇"), ("家庭住址长兴县泗安镇", "长兴县泗安镇"),
     ("户籍所在地安徽省广德市", "安徽省广德市"), ("现住长兴县", "长兴县"), ("住马口村", "马口村"),
     ("户籍地址递铺街道桃墩村", "递铺街道桃墩村"), ("户籍地：湖州市安吉县", "湖州市安吉县"),
     ("现居住地址孝丰镇汤圩村", "孝丰镇汤圩村"), ("住所地杭垓镇", "杭垓镇")],
)  # fmt: skip
def test_suspect_address_labels(part: str, address: str):
    s = parse_suspect_line(f"翁祥福；男；身份证号码：330502198010246833；{part}", [])
    assert s.address == address


def test_suspect_with_bad_check_digit_is_kept_without_strong_id():
    w: list[str] = []
    s = parse_suspect_line("周卫东，男，身份证号341822198107151578，住长兴县", w)
    assert s.id_card is None and s.id_card_invalid == "341822198107151578"
    assert s.name == "周卫东" and w and "身份证" in w[0]


def test_suspect_masked_year_only_and_note():
    w: list[str] = []
    s = parse_suspect_line("汤某，男，1985年出生，系该公司生产车间主任。", w)
    assert (s.name, s.birth, s.note, s.id_card) == ("汤某", "1985", "系该公司生产车间主任", None)


def test_suspect_id_ending_in_x():
    s = parse_suspect_line("杨振武，男，身份证号62072519760328179x", [])
    assert s.id_card == "62072519760328179X" and s.birth == "1976-03-28"


def test_company_and_vehicle_lines():
    c = parse_company_line("长兴恒泰精细化工有限公司（统一社会信用代码91330522704523184E）", [])
    assert c.name == "长兴恒泰精细化工有限公司" and c.uscc == "91330522704523184E"
    # brackets inside the name stay; trailing notes and comma tails go
    c = parse_company_line("金盛化工（湖州）有限公司（统一社会信用代码91330522704523184E）", [])
    assert c.name == "金盛化工（湖州）有限公司" and c.uscc == "91330522704523184E"
    assert parse_company_line("某某印染有限公司，法定代表人张某", []).name == "某某印染有限公司"
    assert parse_company_line("某某印染有限公司(法定代表人:张某)", []).name == "某某印染有限公司"
    (v,) = parse_vehicle_entry("浙E·5G378（重型罐式货车）", [])
    assert v.plate == "浙E5G378" and v.kind == "重型罐式货车"
    vs = parse_vehicle_entry("甘G·37615、甘G·2H083", [])
    assert [v.plate for v in vs] == ["甘G37615", "甘G2H083"]
    w: list[str] = []
    (v,) = parse_vehicle_entry("无牌三轮车", w)
    assert v.plate is None and v.written == "无牌三轮车" and w


def test_json_case_fields(samples):
    from etl.readers import iter_records

    (raw,) = iter_records(samples / "cases/ds-2024-00018.json")
    c = parse_record(raw)
    assert c.filed_at == date(2024, 5, 13)
    wang = [s for s in c.suspects if s.name == "王某"][0]
    assert wang.birth == "1980" and wang.id_card is None and wang.phone is None
    assert [v.plate for v in c.vehicles] == ["浙L6C271"]
    assert c.companies[0].uscc == "91330921MA2A3QE578"


@pytest.mark.parametrize(
    ("suspect", "address"),
    [({"住址": "长兴县泗安镇", "户籍地": "安徽省广德市"}, "长兴县泗安镇"), ({"户籍地址": "递铺街道桃墩村"}, "递铺街道桃墩村"),
     ({"现居住地址": "孝丰镇汤圩村"}, "孝丰镇汤圩村"), ({"地址": "杭垓镇"}, "杭垓镇"), ({"住址": " "}, None)],
)  # fmt: skip
def test_json_suspect_address_under_other_labels(suspect, address):
    """A case file written by other hands labels the address 户籍地址, 现居住地址 …; the one not
    taken (户籍地 beside 住址) stays readable in the note."""
    c = parse_record(_raw("case", 案件编号="C1", 嫌疑人=[{"姓名": "翁祥福", **suspect}]))
    (s,) = c.suspects
    assert s.address == address
    rest = [f"{k}：{v}" for k, v in suspect.items() if v.strip() and v != address]
    assert all(r in (s.note or "") for r in rest), s.note


def test_gb18030_case_without_optional_headers(samples):
    from etl.readers import iter_records

    (raw,) = iter_records(samples / "cases/wx-2024-00031-gb18030.txt")
    c = parse_record(raw)
    assert c.filed_at is None and c.vehicles == [] and c.companies == []
    assert [(s.name, s.birth) for s in c.suspects] == [("王某", "1969"), ("张某某", "1975")]
    assert "小梅口" in c.narrative


@pytest.mark.parametrize(
    ("written", "tons"), [("6.80", 6.8), ("6.8吨", 6.8), ("6800kg", 6.8), ("6,800 千克", 6.8), ("6.8 t", 6.8)]
)
def test_manifest_weight_written_with_its_unit_is_read_in_tonnes(written, tons):
    t = parse_record(_raw("manifest", 联单编号="M1", 转移时间="2024-01-01", **{"数量(吨)": written}))
    assert t.tons == pytest.approx(tons) and t.tons_raw is None and not t.warnings


def test_manifest_weight_that_is_no_weight_is_kept_as_written():
    t = parse_record(_raw("manifest", 联单编号="M1", 转移时间="2024-01-01", **{"数量(吨)": "约7车"}))
    assert t.tons is None and t.tons_raw == "约7车" and any("数量(吨)" in w for w in t.warnings)


@pytest.mark.parametrize(
    ("written", "category", "code"),
    [
        ("HW17", "HW17", None),
        ("hw-17", "HW17", None),
        ("336-064-17", "HW17", "336-064-17"),
        ("HW17（336-064-17）", "HW17", "336-064-17"),
        ("900-041-49", "HW49", "900-041-49"),
    ],
)
def test_manifest_waste_code_category_and_national_code(written, category, code):
    t = parse_record(_raw("manifest", 联单编号="M1", 转移时间="2024-01-01", 废物代码=written))
    assert (t.waste_code, t.waste_code_detail) == (category, code)


def test_manifest_naming_two_drivers():
    t = parse_record(_raw("manifest", 联单编号="M1", 转移时间="2024-01-01", 驾驶员="邱海、王军"))
    assert t.drivers == ["邱海", "王军"] and t.driver == "邱海、王军"
    t = parse_record(_raw("manifest", 联单编号="M1", 转移时间="2024-01-01", 驾驶员="欧阳海和王军"))
    assert t.drivers == ["欧阳海", "王军"]
