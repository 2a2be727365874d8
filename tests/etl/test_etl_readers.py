"""Readers on the real sample files: source and encoding detection, the planted mess, counts."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from etl.parse import iter_typed
from etl.readers import detect as detect_mod
from etl.readers import detect_encoding, detect_source, iter_files, iter_records, load_mapping
from etl.records import LoadStats, QuarantineEntry, RawRecord, ReaderError

EXPECTED = {
    # file: (source, encoding or None for binary formats, records read, quarantined)
    "hotline.csv": ("hotline", "utf-8-sig", 25, 2),
    "hotline_gbk.csv": ("hotline", "gb18030", 10, 0),
    "hotline.xlsx": ("hotline", None, 10, 0),
    "grid.jsonl": ("grid", "utf-8", 20, 0),
    "grid.csv": ("grid", "utf-8-sig", 10, 1),
    "anpr.csv": ("anpr", "utf-8", 200, 0),
    "manifests.csv": ("manifest", "utf-8-sig", 30, 0),
    "water/河段.csv": ("segment", "utf-8", 15, 0),
    "water/排口.csv": ("outfall", "utf-8-sig", 12, 0),
    "water/监测.csv": ("reading", "gb18030", 60, 0),
    "cases/cx-2024-00057.txt": ("case", "utf-8", 1, 0),
    "cases/wx-2024-00031-gb18030.txt": ("case", "gb18030", 1, 0),
    "cases/nx-2024-00046.txt": ("case", "utf-8-sig", 1, 0),
    "cases/sn-2024-00012.txt": ("case", "utf-8", 1, 0),
    "cases/dq-2024-00044.docx": ("case", None, 1, 0),
    "cases/aj-2024-00029.docx": ("case", None, 1, 0),
    "cases/ds-2024-00018.json": ("case", "utf-8", 1, 0),
    "cases/gz-2024-00009.json": ("case", "utf-8", 1, 0),
}


def _all(path, **kw):
    return list(iter_records(path, **kw))


def _typed(path, **kw):
    stats = LoadStats(file=str(path))
    items = list(iter_typed(path, stats=stats, **kw))
    return items, stats


def _by_id(items):
    return {i.record_id: i for i in items if not isinstance(i, QuarantineEntry)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_source_encoding_and_counts(samples, name):
    source, encoding, read, quarantined = EXPECTED[name]
    path = samples / name
    assert detect_source(path) == source
    if encoding is not None:
        assert detect_encoding(path) == encoding
    items, stats = _typed(path)
    assert stats.records_read == read
    assert stats.records_quarantined == quarantined
    assert stats.records_read == stats.records_loaded + stats.records_quarantined
    assert len(items) == read
    assert all(i.source == source for i in items if not isinstance(i, QuarantineEntry))


def test_every_sample_file_is_covered(samples):
    found = {str(p.relative_to(samples)) for p in iter_files([samples])}
    assert found == set(EXPECTED)


def test_total_counts_balance(samples):
    total = LoadStats(file="*")
    for p in iter_files([samples]):
        _, s = _typed(p)
        assert s.balanced, p
        total.add(s)
    assert total.records_read == sum(v[2] for v in EXPECTED.values())
    assert total.records_quarantined == 3
    assert total.balanced


def test_hotline_bad_date_quarantined_on_call_time(samples):
    items, _ = _typed(samples / "hotline.csv")
    q = [i for i in items if isinstance(i, QuarantineEntry) and i.field == "来电时间"]
    assert len(q) == 1
    entry = q[0]
    assert entry.row == 9
    assert entry.record_id == "ZJHZ2024043000711"
    assert "2024-04-31 10:05:11" in entry.reason and "无效日期" in entry.reason
    assert entry.raw.startswith("ZJHZ2024043000711,2024-04-31")
    assert "ZJHZ2024043000711" not in _by_id(items)
    line = json.loads(entry.to_json())
    assert set(line) >= {"file", "row", "field", "reason", "raw"}


def test_hotline_field_count_quarantined_naming_the_row(samples):
    items = _all(samples / "hotline.csv")
    q = [i for i in items if isinstance(i, QuarantineEntry)]
    assert len(q) == 1  # the bad date is a parse-stage quarantine, not a reader one
    entry = q[0]
    assert entry.row == 16
    assert "ZJHZ2024052700290" in entry.raw
    assert "12" in entry.reason and "11" in entry.reason and "16" in entry.reason
    assert entry.field is None


def test_grid_csv_empty_key_quarantined(samples):
    items = _all(samples / "grid.csv")
    q = [i for i in items if isinstance(i, QuarantineEntry)]
    assert [(e.row, e.field) for e in q] == [(6, "事件编号")]
    assert "沈家门" in q[0].raw


def test_gb18030_hotline_decoded_and_trailing_blank_row_skipped(samples):
    items, stats = _typed(samples / "hotline_gbk.csv")
    assert stats.encoding == "gb18030"
    t = _by_id(items)["ZJZS2024050300076"]
    assert t.called_at == datetime(2024, 5, 3, 23, 12)
    assert t.caller == "匿名"
    assert "岱山" in t.address
    assert all(i.row <= 11 for i in items)  # header line 1 + 10 tickets; the blank ,,,, row is not a record


def test_xlsx_title_row_excel_datetime_and_whitespace(samples):
    items, _ = _typed(samples / "hotline.xlsx")
    by_id = _by_id(items)
    first = by_id["ZY2024040900031"]
    assert first.row == 3  # merged title row 1, header row 2
    assert first.called_at == datetime(2024, 4, 9, 7, 48, 26)  # the true Excel datetime cell B3
    assert first.caller == "马先生"  # 'C3' has a trailing space
    assert by_id["ZY2024051900208"].status == "已办结"  # ' 已办结' in I8
    assert by_id["ZY2024051900208"].row == 8
    assert by_id["ZY2024041600112"].called_at == datetime(2024, 4, 16, 10, 5)
    assert by_id["ZY2024061800052"].reply is None


def test_grid_jsonl_null_and_missing_coordinates(samples):
    items, _ = _typed(samples / "grid.jsonl")
    by_id = _by_id(items)
    assert by_id["141-CX-20240522-0040"].lon is None and by_id["141-CX-20240522-0040"].lat is None
    assert by_id["141-AJ-20240529-0004"].lon is None
    assert by_id["141-CX-20240404-0012"].lon == pytest.approx(119.6968)
    assert not by_id["141-CX-20240522-0040"].warnings  # missing is not an error


def test_grid_csv_empty_coordinate_cells(samples):
    items, _ = _typed(samples / "grid.csv")
    by_id = _by_id(items)
    empty = by_id["ZY-LZ-20240423-0008"]
    assert empty.lon is None and empty.lat is None and not empty.warnings
    assert by_id["141-DS-20240511-0009"].lat == pytest.approx(30.4428)


def test_outfall_without_coordinates(samples):
    items, _ = _typed(samples / "water/排口.csv")
    o = _by_id(items)["PK-WX-003"]
    assert o.lon is None and o.lat is None
    assert o.segment_id == "HZ-XMG-01"


def test_readings_gb18030_and_exceedances(samples):
    items, _ = _typed(samples / "water/监测.csv")
    assert sum(1 for i in items if i.exceeded) == 8
    ph = [i for i in items if i.station_id == "JC-CX-01" and i.indicator == "pH" and i.value == 3.6]
    assert len(ph) == 1 and ph[0].measured_at == datetime(2024, 5, 22, 8, 0) and ph[0].exceeded is True
    assert ph[0].record_id == "JC-CX-01@2024-05-22T08:00:00@pH"


def test_manifest_mixed_date_formats(samples):
    items, _ = _typed(samples / "manifests.csv")
    m = _by_id(items)["2024330521000039"]
    assert m.transferred_at == datetime(2024, 3, 12, 14, 5)
    assert m.tons == pytest.approx(2.1)
    assert m.waste_code == "HW17"


def test_raw_sha256_is_stable(samples):
    a = [i.sha256 for i in _all(samples / "anpr.csv")]
    b = [i.sha256 for i in _all(samples / "anpr.csv")]
    assert a == b and len(set(a)) == len(a)


def test_source_override_and_unknown_source(samples, tmp_path):
    items = _all(samples / "hotline.csv", source="hotline")
    assert sum(isinstance(i, RawRecord) for i in items) == 24
    with pytest.raises(ReaderError):
        _all(samples / "hotline.csv", source="nonsense")


def test_mapping_canonical_to_city_and_reverse(tmp_path):
    csv_text = "单号,受理时间,诉求人,联系电话,诉求内容\nA1,2024/6/1 8:00,张三,13800000000,河里有油\n"
    f = tmp_path / "other_city.csv"
    f.write_text(csv_text, encoding="utf-8")
    with pytest.raises(ReaderError):
        detect_source(f)
    for mapping in (
        {"工单编号": "单号", "来电时间": "受理时间", "来电人": "诉求人", "来电号码": "联系电话"},
        {"单号": "工单编号", "受理时间": "来电时间", "诉求人": "来电人", "联系电话": "来电号码"},
    ):
        mfile = tmp_path / "map.json"
        mfile.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
        assert load_mapping(mfile)["受理时间"] == "来电时间"
        assert detect_source(f, load_mapping(mfile)) == "hotline"
        (t,), stats = _typed(f, mapping=mfile)
        assert t.ticket_id == "A1" and t.called_at == datetime(2024, 6, 1, 8, 0) and t.caller == "张三"
        assert t.content == "河里有油"


def test_mapping_file_may_name_the_source(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("编号,名称,下游\nR1,甲河,R2\nR2,乙河,\n", encoding="utf-8")
    mfile = tmp_path / "m.json"
    mfile.write_text(
        json.dumps(
            {"source": "segment", "columns": {"河段编号": "编号", "河段名称": "名称", "下游河段编号": "下游"}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    items, stats = _typed(f, mapping=mfile)
    assert [i.segment_id for i in items] == ["R1", "R2"]
    assert items[1].downstream_id is None


def test_encoding_refuses_garbage(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_bytes("工单编号,来电时间\n".encode() + b"\xff\xfe\xfa\xfb\x80\x81" * 10 + b"\n")
    with pytest.raises(ReaderError, match="bad.csv"):
        detect_encoding(f)


def test_utf8_never_read_as_gb18030_and_vice_versa(tmp_path):
    text = "河段编号,河段名称,下游河段编号\nHZ-1,青岭溪（煤山镇青岭村）,\n"
    u = tmp_path / "u.csv"
    u.write_text(text, encoding="utf-8")
    g = tmp_path / "g.csv"
    g.write_bytes(text.encode("gb18030"))
    assert detect_encoding(u) == "utf-8" and detect_encoding(g) == "gb18030"
    assert _typed(u)[0][0].name == _typed(g)[0][0].name == "青岭溪（煤山镇青岭村）"


def test_undecodable_row_after_the_sample_is_quarantined_not_dropped(tmp_path, monkeypatch):
    monkeypatch.setattr(detect_mod, "_SAMPLE", 64)
    head = "河段编号,河段名称,下游河段编号\n" + "".join(f"HZ-{i},河{i},\n" for i in range(10))
    f = tmp_path / "late.csv"
    f.write_bytes(head.encode("utf-8") + b"HZ-X,\xff\xfe,\nHZ-Y,ok,\n")
    assert detect_encoding(f) == "utf-8"
    items, stats = _typed(f)
    q = [i for i in items if isinstance(i, QuarantineEntry)]
    assert len(q) == 1 and q[0].row == 12 and "decod" in q[0].reason
    assert stats.records_read == 12 and stats.records_loaded == 11 and stats.balanced


_HOTLINE_HEAD = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"


def _hotline_row(i: int) -> str:
    return f"T{i},2024-05-01 10:00:00,王先生,13800000000,水污染,练市镇荃步村河里有油污{i},南浔区练市镇,练市镇,已办结,,已处理\n"


@pytest.mark.parametrize(("file_encoding", "odd_encoding"), [("utf-8", "gb18030"), ("gb18030", "utf-8")])
def test_a_row_in_the_other_encoding_is_read_with_a_warning(tmp_path, file_encoding, odd_encoding):
    """Exports stitched from two systems: the file is not refused, the odd row is read right and flagged."""
    rows = [_hotline_row(i) for i in range(30)]
    f = tmp_path / "stitched.csv"
    f.write_bytes(
        _HOTLINE_HEAD.encode(file_encoding)
        + b"".join(r.encode(odd_encoding if i == 7 else file_encoding) for i, r in enumerate(rows))
    )
    assert detect_encoding(f) == file_encoding
    items, stats = _typed(f)
    assert stats.records_read == stats.records_loaded == 30 and stats.records_with_warnings == 1
    odd = _by_id(items)["T7"]
    assert odd.content == "练市镇荃步村河里有油污7" and odd.caller == "王先生"
    assert odd.warnings == [f"第9行按 {odd_encoding} 解码，文件其余为 {file_encoding} (row decoded as {odd_encoding})"]
    assert not _by_id(items)["T8"].warnings


def test_gbk_text_that_is_valid_utf8_is_not_taken_for_utf8(tmp_path):
    """`陆` in GBK is C2BD, a valid two-byte UTF-8 sequence: a GB18030 row is left as it is."""
    f = tmp_path / "g.csv"
    f.write_bytes((_HOTLINE_HEAD + "T1,2024-05-01 10:00:00,陆,,,,,,,,\n").encode("gb18030"))
    assert "陆".encode("gb18030").decode("utf-8") == "½"  # the trap
    (t,), stats = _typed(f)
    assert t.caller == "陆" and not t.warnings and stats.records_with_warnings == 0


def test_a_row_in_neither_encoding_is_quarantined_readably(tmp_path):
    f = tmp_path / "broken.jsonl"
    good = json.dumps({"事件编号": "E1", "上报时间": "2024-05-01 08:00", "事件描述": "河面油膜"}, ensure_ascii=False)
    f.write_bytes((good + "\n").encode() * 12 + b'{"\xe4\xba": "\xff\xfe"}\n')
    assert detect_encoding(f) == "utf-8"
    items, stats = _typed(f, source="grid")
    (q,) = [i for i in items if isinstance(i, QuarantineEntry)]
    assert q.row == 13 and "decod" in q.reason and "\ufffd" in q.raw
    assert json.loads(q.to_json())["row"] == 13  # surrogates would not survive writing
    assert stats.records_read == 13 and stats.records_loaded == 12


def test_trailing_empty_cells_tolerated_short_rows_quarantined(tmp_path):
    f = tmp_path / "seg.csv"
    f.write_text("河段编号,河段名称,下游河段编号\r\nA,甲,B,,\r\nB,乙\r\n,,\r\n\r\n", encoding="utf-8")
    items, stats = _typed(f)
    assert items[0].segment_id == "A" and items[0].downstream_id == "B"
    assert isinstance(items[1], QuarantineEntry) and items[1].row == 3
    assert stats.records_read == 2  # the ,, and empty lines are not records


def test_multiline_quoted_field_keeps_start_line(tmp_path):
    f = tmp_path / "g.csv"
    rows = [
        "事件编号,上报时间,上报人,上报人电话,所属网格,事件类型,事件描述,经度,纬度,处置状态,处置结果",
        'E1,2024-05-01 08:00:00,甲,,网格1,其他,"第一行\n第二行",,,,',
        "E2,2024-05-01 09:00:00,乙,,网格1,其他,单行,,,,",
    ]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    items, _ = _typed(f)
    assert [(i.record_id, i.row) for i in items] == [("E1", 2), ("E2", 4)]
    assert items[0].description == "第一行\n第二行"


def test_xlsx_generated_with_blank_rows_and_serial_dates(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["危险废物转移联单导出"])
    ws.merge_cells("A1:L1")
    ws.append([])
    ws.append(list(detect_mod.HEADERS["manifest"]))
    ws.append(
        [
            "M1",
            "甲公司",
            None,
            "乙运输",
            "浙E·A7615",
            "张三",
            "丙公司",
            None,
            "废酸",
            "HW34",
            3.5,
            datetime(2024, 1, 2, 9, 30),
        ]
    )
    ws.append(["M2", "甲公司", None, "乙运输", "浙EA7615", "张三", "丙公司", None, "废酸", "hw34", "约3吨", 45292.5])
    ws.append([None] * 12)
    ws.append([None] * 12)
    f = tmp_path / "m.xlsx"
    wb.save(f)
    assert detect_source(f) == "manifest"
    items, stats = _typed(f)
    assert stats.records_read == 2 and stats.balanced
    m1, m2 = items
    assert (m1.row, m2.row) == (4, 5)
    assert m1.transferred_at == datetime(2024, 1, 2, 9, 30)
    assert m2.transferred_at == datetime(2024, 1, 1, 12, 0)
    assert m1.plate == m2.plate == "浙EA7615"
    assert m2.tons is None and m2.tons_raw == "约3吨" and m2.warnings
    assert m2.waste_code == "HW34"


def test_case_text_headers_and_multi_paragraph_narrative(samples):
    (dq,) = _typed(samples / "cases/dq-2024-00044.docx")[0]
    assert dq.case_id == "德公(环)立字〔2024〕00044号"
    assert dq.narrative.count("\n") == 1 and dq.narrative.startswith("2024年5月20日") and "经查" in dq.narrative
    assert [s.name for s in dq.suspects] == ["蔡文斌", "汤某"]


def test_case_without_number_uses_file_name(tmp_path):
    f = tmp_path / "case-x.txt"
    f.write_text("案由：非法狩猎罪\n犯罪嫌疑人：李某，男。\n简要案情：某日在山上下套。\n", encoding="utf-8")
    (c,), stats = _typed(f)
    assert c.record_id == "case-x" and any("案件编号" in w for w in c.warnings)
    assert stats.records_loaded == 1


def test_not_a_case_file_is_quarantined(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("随便写的笔记\n没有任何要素\n", encoding="utf-8")
    items, stats = _typed(f, source="case")
    assert isinstance(items[0], QuarantineEntry) and stats.records_quarantined == 1


def test_tab_separated_export(tmp_path):
    f = tmp_path / "seg.tsv"
    f.write_text("\ufeff河段编号\t河段名称\t下游河段编号\r\nA\t甲河\tB\r\nB\t乙河\t\r\n", encoding="utf-8")
    assert detect_source(f) == "segment"
    items, stats = _typed(f)
    assert [(i.segment_id, i.name, i.downstream_id, i.row) for i in items] == [
        ("A", "甲河", "B", 2),
        ("B", "乙河", None, 3),
    ]


def test_detect_source_accepts_a_raw_mapping_dict(tmp_path):
    f = tmp_path / "kk.csv"
    f.write_text("抓拍时间,号牌号码,设备编号\n2024-05-21 22:41:18,浙E5G378,KK1\n", encoding="utf-8")
    raw_mapping = {"过车时间": "抓拍时间", "车牌号": "号牌号码", "卡口编号": "设备编号"}
    assert detect_source(f, raw_mapping) == "anpr"
    ((t,), _) = _typed(f, mapping=raw_mapping)
    assert t.plate == "浙E5G378" and t.checkpoint_id == "KK1"


def test_quarantine_writer_jsonl(samples, tmp_path):
    from etl.records import QuarantineWriter

    out = tmp_path / "q" / "quarantine.jsonl"
    with QuarantineWriter(out) as w:
        for item in iter_typed(samples / "hotline.csv"):
            if isinstance(item, QuarantineEntry):
                w.write(item)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(x["row"] for x in lines) == [9, 16]
    assert {x["field"] for x in lines} == {"来电时间", None}
    assert all(x["file"].endswith("hotline.csv") and x["raw"] and x["reason"] for x in lines)


def test_xlsx_with_wrong_dimension_is_read_in_full(samples, tmp_path):
    """A workbook whose <dimension> claims A1:A1 must not be cut to one cell (openpyxl read-only trusts it)."""
    import re
    import zipfile

    src = samples / "hotline.xlsx"
    dst = tmp_path / "bad_dim.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
            zout.writestr(item, data)
    items, stats = _typed(dst)
    assert stats.records_read == 10 and stats.records_quarantined == 0
    assert _by_id(items)["ZY2024040900031"].reply.startswith("经水务")


def test_unknown_and_duplicate_columns_are_kept(tmp_path):
    from etl.facts import record_to_batch

    f = tmp_path / "h.csv"
    f.write_text(
        "工单编号,来电时间,诉求内容,满意度,满意度,\nT1,2024-06-01 08:00:00,河里有油,满意,很满意,\n",
        encoding="utf-8",
    )
    ((t,), stats) = _typed(f)
    assert stats.records_loaded == 1
    assert t.extra == {"满意度": "满意", "满意度_2": "很满意"}
    doc = [n for n in record_to_batch(t).nodes if n.key == "doc:hotline:T1"][0]
    assert json.loads(doc.props["extra_json"]) == {"满意度": "满意", "满意度_2": "很满意"}


def test_quarantine_writer_keeps_undecodable_bytes_as_escapes(tmp_path):
    from etl.records import QuarantineWriter

    out = tmp_path / "q.jsonl"
    with QuarantineWriter(out) as w:
        w.write(QuarantineEntry(str(tmp_path / "x.txt"), 3, None, "undecodable", "案情\udcff\udcfe", "case"))
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["raw"] == "案情\udcff\udcfe"


def test_case_text_with_a_line_in_the_other_encoding(tmp_path):
    from etl.readers import read_case

    lines = ["案件编号：湖公(环)立字〔2024〕00123号", "案由：污染环境罪"] + [f"第{i}段：无关内容" for i in range(12)]
    narrative = "简要案情：王某某驾驶浙E3K821向河道倾倒废酸。"
    f = tmp_path / "case.txt"
    f.write_bytes("\n".join(lines).encode("utf-8") + b"\n" + narrative.encode("gb18030") + b"\n")
    rec = read_case(f)
    assert isinstance(rec, RawRecord) and rec.encoding == "utf-8"
    assert rec.fields["简要案情"].startswith("王某某驾驶浙E3K821") and rec.warnings == (
        "第15行按 gb18030 解码，文件其余为 utf-8 (row decoded as gb18030)",
    )
