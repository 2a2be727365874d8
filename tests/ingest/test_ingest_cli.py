"""Drive `ecograph ingest` on the real sample exports, as a user would."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

import pytest

from etl.ingest import ingest_paths
from graph_schema.store import open_store


def test_ingest_samples_counts_add_up_and_quarantine_names_fields(samples_dir, data_dir, cli):
    proc = cli(data_dir, "ingest", str(samples_dir), "--json", "--no-analyse")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["records_read"] == out["records_loaded"] + out["records_quarantined"]
    for f in out["files"]:
        assert f["records_read"] == f["records_loaded"] + f["records_quarantined"], f
    sources = set(out["by_source"])
    assert {"hotline", "grid", "case", "anpr", "manifest", "segment", "outfall", "reading"} <= sources
    quarantined = [json.loads(line) for line in Path(out["quarantine"]).read_text(encoding="utf-8").splitlines()]
    assert len(quarantined) == out["records_quarantined"]
    by_file = {(Path(q["file"]).name, q["row"]): q for q in quarantined}
    assert by_file[("hotline.csv", 9)]["field"] == "来电时间"
    assert "2024-04-31" in by_file[("hotline.csv", 9)]["reason"]
    assert by_file[("grid.csv", 6)]["field"] == "事件编号"
    assert ("hotline.csv", 16) in by_file  # 12 fields instead of 11
    for q in quarantined:
        assert q["raw"], q  # the raw record is kept


def test_ingest_twice_changes_nothing(samples_dir, data_dir, cli):
    first = cli(data_dir, "ingest", str(samples_dir), "--no-analyse", "--json")
    assert first.returncode == 0, first.stderr
    stats1 = json.loads(cli(data_dir, "stats", "--json").stdout)
    second = cli(data_dir, "ingest", str(samples_dir), "--no-analyse", "--json")
    assert second.returncode == 0, second.stderr
    stats2 = json.loads(cli(data_dir, "stats", "--json").stdout)
    assert stats1 == stats2
    assert sum(stats1["nodes"].values()) > 300


def test_summary_is_words_and_a_second_load_creates_nothing(samples_dir, data_dir, cli):
    def summary() -> str:
        proc = cli(data_dir, "ingest", str(samples_dir))
        assert proc.returncode == 0, proc.stderr
        return "".join(proc.stdout.split())  # the table wraps to the terminal; compare without whitespace

    first, second = summary(), summary()
    for out in (first, second):
        assert "导入结果" in out and re.search(r"合计│+400│397│3│0│", out), out
        assert "隔离记录见" in out and "实体消歧" in out and "预警/alerts" in out
        assert '"merges"' not in out  # resolution counts in words, not a JSON dump
    created = re.search(r"图谱新增/created:节点(\d+)，关系(\d+)", first)
    assert created and int(created[1]) > 300 and int(created[2]) > 1000, first
    assert "图谱新增/created:节点0，关系0" in second  # the store said it created nothing
    assert re.search(r"合并(\d+)处（单位\d+、人员\d+", first)
    assert "合并0处" in second  # nothing left to merge


def test_plate_written_three_ways_is_one_vehicle(samples_dir, data_dir, cli):
    proc = cli(data_dir, "ingest", str(samples_dir), "--no-analyse", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(
        cli(data_dir, "query", "relationships_of", "-p", "key=vehicle:浙E5G378", "-p", "limit=500", "--json").stdout
    )["rows"]
    kinds = {r["type"] for r in rows}
    assert {"SEEN_AT", "INVOLVED_IN"} <= kinds  # anpr reads (both spellings) and the case header
    docs = {r["props"]["doc"] for r in rows}
    assert any(d.startswith("doc:manifest:") for d in docs)
    assert any(d.startswith("doc:case:") for d in docs)


def test_another_citys_columns_through_a_mapping_file(tmp_path, data_dir, cli):
    export = tmp_path / "河道.csv"
    export.write_text("编号,名称,下游\nR1,甲河,R2\nR2,乙河,\n", encoding="gb18030")
    mapping = tmp_path / "city.json"
    columns = {"河段编号": "编号", "河段名称": "名称", "下游河段编号": "下游"}
    mapping.write_text(json.dumps({"source": "segment", "columns": columns}, ensure_ascii=False), encoding="utf-8")
    proc = cli(data_dir, "ingest", str(export), "--mapping", str(mapping), "--json", "--no-analyse")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["by_source"]["segment"]["records_loaded"] == 2 and out["records_quarantined"] == 0
    rel = cli(data_dir, "query", "relationships_of", "-p", "key=site:R1", "-p", "limit=10", "--json")
    rows = json.loads(rel.stdout)["rows"]
    assert [(r["type"], r["other"]) for r in rows] == [("FLOWS_INTO", "site:R2")]

    bad = tmp_path / "broken.json"
    bad.write_text('{"来电时间": ', encoding="utf-8")
    proc = cli(data_dir, "ingest", str(export), "--mapping", str(bad))
    assert proc.returncode == 2 and "broken.json" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("broken.json") == 1  # one error, not one per file


def test_a_later_overlapping_export_updates_adds_and_retracts(tmp_path, data_dir, cli):
    head = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"

    def export(name: str, ids: range, status: str, reply: str) -> Path:
        f = tmp_path / name
        rows = "".join(
            f"T{i},2024-05-0{1 + i},王先生,1380000000{i},水污染,荃步村河里有油污,南浔区练市镇,练市镇,{status},,{reply}\n"
            for i in ids
        )
        f.write_text(head + rows, encoding="utf-8")
        return f

    def mentioned(key: str) -> set[str]:
        rel = cli(data_dir, "query", "relationships_of", "-p", f"key={key}", "-p", "limit=50", "--json")
        return {r["other"] for r in json.loads(rel.stdout)["rows"] if r["type"] == "MENTIONS"}

    first = export("jan-may.csv", range(0, 5), "办理中", "经查系湖州金盛化工有限公司偷排废水")
    later = export("mar-jun.csv", range(3, 8), "已办结", "经复核系湖州宏达印染有限公司偷排废水")
    assert cli(data_dir, "ingest", str(first), "--no-analyse").returncode == 0
    assert "company:湖州金盛化工有限公司" in mentioned("doc:hotline:T3")
    proc = cli(data_dir, "ingest", str(later), "--no-analyse")
    assert proc.returncode == 0, proc.stderr
    summary = "".join(proc.stdout.split())
    assert "内容有更新/changedrecords:2条" in summary and "撤回旧版本所述、新版本不再有的事实2条" in summary, summary
    stats = json.loads(cli(data_dir, "stats", "--json").stdout)
    assert stats["nodes"]["Document"] == 8  # T0–T7 once each
    doc = json.loads(cli(data_dir, "query", "node_by_key", "-p", "key=doc:hotline:T3", "--json").stdout)["rows"][0]
    assert doc["props"]["status"] == "已办结" and doc["props"]["reply"] == "经复核系湖州宏达印染有限公司偷排废水"
    assert doc["props"]["file"] == str(later)
    # what only the old reply said is gone; T0–T2, not in the later export, keep theirs
    assert "company:湖州金盛化工有限公司" not in mentioned("doc:hotline:T3")
    assert "company:湖州宏达印染有限公司" in mentioned("doc:hotline:T3")
    assert "company:湖州金盛化工有限公司" in mentioned("doc:hotline:T0")
    kept = json.loads(cli(data_dir, "query", "node_by_key", "-p", "key=doc:hotline:T0", "--json").stdout)["rows"][0]
    assert kept["props"]["status"] == "办理中"

    # a ticket whose status alone changed says the same things: nothing to retract
    closed = export("closed.csv", range(0, 1), "已办结", "经查系湖州金盛化工有限公司偷排废水")
    out = json.loads(cli(data_dir, "ingest", str(closed), "--no-analyse", "--json").stdout)
    assert out["records_changed"] == 0 and out["facts_retracted"] == 0
    doc = json.loads(cli(data_dir, "query", "node_by_key", "-p", "key=doc:hotline:T0", "--json").stdout)["rows"][0]
    assert doc["props"]["status"] == "已办结" and "company:湖州金盛化工有限公司" in mentioned("doc:hotline:T0")


def test_nothing_readable_is_a_one_line_error(tmp_path, data_dir, cli):
    bad = tmp_path / "notes.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    proc = cli(data_dir, "ingest", str(bad))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "notes.csv" in proc.stderr
    missing = cli(data_dir, "ingest", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "nope.csv" in missing.stderr and "Traceback" not in missing.stderr


class _CrashAfter:
    """A store wrapper that dies after `n` committed batches, like a killed process."""

    def __init__(self, store, n):
        self.store, self.n = store, n

    def __getattr__(self, name):
        return getattr(self.store, name)

    def prepare_batch(self, batch, cache=None):
        return self.store.prepare_batch(batch, cache)

    def write_prepared(self, prepared):
        if self.n == 0:
            raise KeyboardInterrupt("simulated crash")
        self.n -= 1
        return self.store.write_prepared(prepared)


def test_crash_mid_file_resumes_from_last_committed_batch(samples_dir, data_dir, tmp_path):
    anpr = samples_dir / "anpr.csv"
    collector = gc.get_threshold()
    with open_store(data_dir=data_dir) as store:
        during: list[tuple[int, int, int]] = []
        with pytest.raises(KeyboardInterrupt):
            ingest_paths(
                _CrashAfter(store, 3), [anpr], data_dir=data_dir, batch_records=25, use_nlp=False,
                progress=lambda f, n: during.append(gc.get_threshold()),
            )  # fmt: skip
        # the load ran with a lazier garbage collector, and a crash puts the process's settings back
        assert during and during[0][0] > collector[0]
        assert gc.get_threshold() == collector and gc.get_freeze_count() == 0
        partial = store.stats()["relationships"].get("SEEN_AT", 0)
        assert 0 < partial < 200
        report = ingest_paths(store, [anpr], data_dir=data_dir, batch_records=25, use_nlp=False)
        f = report.files[0]
        assert f.resumed_from == 75  # three batches of 25 were committed
        assert f.stats.records_read == 200 and f.stats.records_loaded == 200
        resumed = store.stats()
    clean_dir = tmp_path / "clean"
    try:
        with open_store(data_dir=clean_dir) as clean:
            ingest_paths(clean, [anpr], data_dir=clean_dir, batch_records=25, use_nlp=False)
            assert clean.stats() == resumed
    finally:
        from graph_schema.store.falkor_server import stop_server

        stop_server(clean_dir)


def test_schema_command_creates_the_indexes_a_read_only_server_needs(data_dir, cli):
    """A graph bulk-loaded without ecograph (neo4j-admin import) has no indexes: `ecograph schema`."""
    proc = cli(data_dir, "schema")
    assert proc.returncode == 0, proc.stderr
    assert "索引已就绪" in proc.stdout
    with open_store(data_dir=data_dir) as store:
        rows = store.read_cypher("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types", {})
    indexed = {(r["label"], p) for r in rows for p in r["properties"] or []}
    assert ("Entity", "key") in indexed
    assert any("FULLTEXT" in str(r["types"]).upper() for r in rows), rows
    assert cli(data_dir, "schema").returncode == 0  # twice changes nothing
