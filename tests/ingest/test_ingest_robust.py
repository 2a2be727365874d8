"""One bad byte, one cut file, one crash, one huge field: each costs a record, never the run.

Every test drives `ecograph ingest` in a child process on crafted files (issue 14, Ingest;
issue 13 item 4) and checks the counting rule records_read = loaded + quarantined.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

GRID_HEAD = '{{"事件编号":"{id}","上报时间":"2024-05-01 10:00:00","事件描述":{text}}}\n'


def _ingest(cli, data_dir: Path, *paths: Path, extra: tuple[str, ...] = ("--no-nlp",)) -> dict:
    proc = cli(data_dir, "ingest", *map(str, paths), "--json", "--no-analyse", *extra)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["records_read"] == out["records_loaded"] + out["records_quarantined"]
    for f in out["files"]:
        assert f["records_read"] == f["records_loaded"] + f["records_quarantined"], f
    return out


def _quarantined(data_dir: Path) -> list[dict]:
    """Every quarantine line of every run in the data directory."""
    lines = []
    for f in sorted((data_dir / "quarantine").glob("*.jsonl")):
        lines += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return lines


def _node(cli, data_dir: Path, key: str) -> dict | None:
    proc = cli(data_dir, "query", "node_by_key", "-p", f"key={key}", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    return rows[0]["props"] if rows else None


def _by_name(out: dict) -> dict[str, dict]:
    return {Path(f["file"]).name: f for f in out["files"]}


def test_nul_byte_in_one_csv_field_quarantines_that_row_only(tmp_path, samples_dir, data_dir, cli):
    bundle = tmp_path / "bundle"
    shutil.copytree(samples_dir / "water", bundle)
    (bundle / "河段补充.csv").write_bytes("河段编号,河段名称,下游河段编号\nRX1,甲\x00河,RX2\nRX2,乙河,\n".encode())
    for _run in range(2):  # a re-run loads the same way (it used to fail the same way every time)
        out = _ingest(cli, data_dir, bundle)
        files = _by_name(out)
        assert files["河段补充.csv"]["records_loaded"] == 1 and files["河段补充.csv"]["records_quarantined"] == 1
        assert files["监测.csv"]["records_loaded"] == files["监测.csv"]["records_read"] > 0  # good files beside it
    entries = [q for q in _quarantined(data_dir) if q["file"].endswith("河段补充.csv")]
    assert len(entries) == 2 and entries[0] == entries[1]  # once per run
    entry = entries[0]
    assert entry["row"] == 2 and entry["field"] == "河段名称" and "NUL" in entry["reason"]
    assert entry["raw"] == "RX1,甲\x00河,RX2"  # kept as read
    assert _node(cli, data_dir, "site:RX2")["name"] == "乙河"
    assert _node(cli, data_dir, "site:RX1") is None


def test_any_other_string_round_trips_exactly_and_lone_surrogates_are_quarantined(tmp_path, data_dir, cli):
    awkward = (
        "".join(chr(c) for c in range(1, 32)) + '\x7f\\ \\\\u0000 \\u0041 "quoted" \'q\' `b` "k": $p \u2028 😀 中文'
    )
    rows = [
        GRID_HEAD.format(id="G-OK", text=json.dumps(awkward)),
        GRID_HEAD.format(id="G-NUL", text='"a\\u0000b"'),
        GRID_HEAD.format(id="G-SURR", text='"x\\ud800y"'),
        GRID_HEAD.format(id="G-KEY\\u0000", text='"z"'),
    ]
    f = tmp_path / "grid.jsonl"
    f.write_text("".join(rows), encoding="utf-8")
    out = _ingest(cli, data_dir, f)
    assert (out["records_read"], out["records_loaded"], out["records_quarantined"]) == (4, 1, 3)
    assert _node(cli, data_dir, "doc:grid:G-OK")["text"] == awkward.strip()
    reasons = {q["row"]: q for q in _quarantined(data_dir)}
    assert reasons[2]["field"] == "事件描述" and "U+0000" in reasons[2]["reason"]
    assert reasons[3]["field"] == "事件描述" and "U+D800" in reasons[3]["reason"]
    assert reasons[4]["field"] == "事件编号"


def _cut(src: Path, dst: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def test_truncated_xlsx_docx_json_and_txt_are_each_one_quarantined_record(tmp_path, samples_dir, data_dir, cli):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    cases = samples_dir / "cases"
    _cut(samples_dir / "hotline.xlsx", bundle / "工单.xlsx", 0.5)
    _cut(cases / "aj-2024-00029.docx", bundle / "案件甲.docx", 0.5)
    _cut(cases / "ds-2024-00018.json", bundle / "案件乙.json", 0.5)
    # a text case cut inside a character: the last UTF-8 sequence is incomplete
    text = (cases / "cx-2024-00057.txt").read_bytes()
    cut_at = next(i for i in range(len(text) // 2, len(text)) if text[i] >= 0xC0) + 1
    (bundle / "案件丙.txt").write_bytes(text[:cut_at])
    shutil.copy(samples_dir / "grid.jsonl", bundle / "grid.jsonl")
    out = _ingest(cli, data_dir, bundle)
    files = _by_name(out)
    for name, cause in (("工单.xlsx", "BadZipFile"), ("案件甲.docx", "PackageNotFoundError"), ("案件乙.json", "JSON")):
        f = files[name]
        assert (f["records_read"], f["records_loaded"], f["records_quarantined"]) == (1, 0, 1), f
        assert f["unreadable"] and "无法读取" in f["error"] and cause in f["error"], f
    assert files["案件丙.txt"]["records_read"] == 1  # loaded as far as it goes, or quarantined: counted either way
    assert files["grid.jsonl"]["records_loaded"] > 0
    assert out["records_read"] == 4 + files["grid.jsonl"]["records_read"]
    lines = {Path(q["file"]).name: q for q in _quarantined(data_dir)}
    for name in ("工单.xlsx", "案件甲.docx", "案件乙.json"):
        assert lines[name]["reason"] == files[name]["error"]
        assert lines[name]["raw"]["sha256"] and lines[name]["raw"]["bytes"] > 0  # which version of the file failed
    assert len(_quarantined(data_dir)) == out["records_quarantined"]


def test_a_bundle_of_only_unreadable_files_is_a_one_line_error(tmp_path, samples_dir, data_dir, cli):
    bad = _cut(samples_dir / "hotline.xlsx", tmp_path / "cut.xlsx", 0.3)
    proc = cli(data_dir, "ingest", str(bad), "--no-analyse")
    assert proc.returncode == 2 and "cut.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert "BadZipFile" in proc.stderr
    assert len(_quarantined(data_dir)) == 1  # and it is still quarantined


_CRASH = """
import os, sys
from pathlib import Path
from etl.ingest import ingest_paths
from graph_schema.store import open_store

class CrashAfter:
    '''Dies like kill -9 (no buffers flushed) on the n-th batch write.'''
    def __init__(self, store, n):
        self.store, self.n = store, n
    def __getattr__(self, name):
        return getattr(self.store, name)
    def write_prepared(self, prepared):
        if self.n == 0:
            os._exit(137)
        self.n -= 1
        return self.store.write_prepared(prepared)

data = Path(sys.argv[1])
with open_store(data_dir=data) as store:
    ingest_paths(CrashAfter(store, 3), [sys.argv[2]], data_dir=data, batch_records=10, use_nlp=False)
"""


def test_quarantine_lines_survive_a_crash_and_match_the_report(tmp_path, data_dir, cli):
    head = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"
    rows = [
        f"T{i},{'2024-04-31 10:00:00' if i % 3 == 0 else '2024-05-01 10:00:00'},王先生,13800000000,水污染,"
        f"河里有油污,南浔区,练市镇,办理中,,\n"
        for i in range(60)
    ]
    export = tmp_path / "hotline.csv"
    export.write_text(head + "".join(rows), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run(
        [sys.executable, "-c", _CRASH, str(data_dir), str(export)], env=env, capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 137, child.stderr  # it died mid-file, after three committed batches
    out = _ingest(cli, data_dir, export, extra=("--no-nlp", "--batch", "10"))
    assert out["files"][0]["resumed_from"] == 30
    assert out["records_quarantined"] == 20  # the 20 invalid dates, counted across both runs
    assert len(_quarantined(data_dir)) == out["records_quarantined"]
    assert sorted(q["row"] for q in _quarantined(data_dir)) == [i + 2 for i in range(0, 60, 3)]
    # the report names the interrupted run's quarantine file beside its own: together they hold them all
    (earlier,) = out["quarantine_earlier"]
    named = [Path(earlier), Path(out["quarantine"])]
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) for p in named) == out["records_quarantined"]


def test_a_huge_single_line_case_file_is_cut_with_a_warning_not_a_traceback(tmp_path, data_dir, cli):
    from etl.guard import MAX_FIELD_CHARS

    sentence = "2024年5月3日，王某驾驶浙E·5G378重型罐式货车将湖州金盛化工有限公司的废酸运至青岭村废弃矿坑倾倒。"
    narrative = sentence * (1_200_000 // len(sentence))  # over spaCy's max_length (E088)
    case = tmp_path / "huge.json"
    case.write_text(
        json.dumps({"案件编号": "HUGE-1", "案由": "污染环境", "简要案情": narrative}, ensure_ascii=False),
        encoding="utf-8",
    )
    started = time.monotonic()
    out = _ingest(cli, data_dir, case, extra=())
    assert time.monotonic() - started < 240
    assert "E088" not in json.dumps(out)
    assert (out["records_loaded"], out["files"][0]["records_with_warnings"]) == (1, 1)
    doc = _node(cli, data_dir, "doc:case:HUGE-1")
    assert len(doc["text"]) == MAX_FIELD_CHARS and narrative.startswith(doc["text"])
    assert any("文本过长" in w and "100,000" in w for w in doc["warnings"]), doc["warnings"]
    rel = cli(data_dir, "query", "relationships_of", "-p", "key=doc:case:HUGE-1", "-p", "limit=500", "--json")
    mentions = [r for r in json.loads(rel.stdout)["rows"] if r["type"] == "MENTIONS"]
    assert any(r["other"] == "vehicle:浙E5G378" for r in mentions)  # extraction ran on the kept text


def test_a_value_the_record_check_cannot_see_costs_only_its_record(tmp_path, data_dir):
    """Defence in depth: a NUL that appears only in a derived fact (not in any field) fails
    the batch's encoding; the loader then finds the record and quarantines it alone."""
    from etl.ingest import ingest_paths
    from graph_schema.store import open_store

    head = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"
    export = tmp_path / "hotline.csv"
    export.write_text(
        head + "".join(f"T{i},2024-05-01 10:00:00,王先生,,水污染,油污,南浔区,练市镇,办理中,,\n" for i in range(5)),
        encoding="utf-8",
    )

    def poison(batch):
        for node in batch.nodes:
            if node.key == "doc:hotline:T2":
                node.props["title"] = "derived\x00value"
        return batch

    with open_store(data_dir=data_dir) as store:
        report = ingest_paths(store, [export], data_dir=data_dir, use_nlp=False, transform_batch=poison)
        assert (report.total.records_read, report.total.records_loaded, report.total.records_quarantined) == (5, 4, 1)
        (line,) = Path(report.quarantine).read_text(encoding="utf-8").splitlines()
        entry = json.loads(line)
        assert entry["row"] == 4 and entry["record_id"] == "T2" and "U+0000" in entry["reason"]
        assert store.query("node_by_key", key="doc:hotline:T3") and not store.query("node_by_key", key="doc:hotline:T2")


def test_a_file_name_in_no_encoding_is_quarantined_and_its_neighbours_load(tmp_path, data_dir, cli):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    rows = "工单编号,来电时间\n{},2024-05-01 10:00:00\n"
    # a GBK-encoded name on a UTF-8 system: Python sees lone surrogates, no store can hold them
    with open(os.fsencode(bundle) + b"/\xb9\xa4\xb5\xa5.csv", "wb") as fh:
        fh.write(rows.format("T1").encode())
    (bundle / "ok.csv").write_text(rows.format("T2"), encoding="utf-8")
    out = _ingest(cli, data_dir, bundle)
    assert (out["records_read"], out["records_loaded"], out["records_quarantined"]) == (2, 1, 1)
    (entry,) = _quarantined(data_dir)
    assert "文件名" in entry["reason"] and "改名" in entry["reason"]
    assert _node(cli, data_dir, "doc:hotline:T2") is not None


def test_a_json_line_nested_too_deep_costs_that_line_only(tmp_path, data_dir, cli):
    f = tmp_path / "grid.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    f.write_text(
        GRID_HEAD.format(id="G1", text='"a"')
        + f'{{"事件编号":"G2","x":{deep}}}\n'
        + GRID_HEAD.format(id="G3", text='"c"'),
        encoding="utf-8",
    )
    out = _ingest(cli, data_dir, f)
    assert (out["records_read"], out["records_loaded"], out["records_quarantined"]) == (3, 2, 1)
    (entry,) = _quarantined(data_dir)
    assert entry["row"] == 2 and "嵌套过深" in entry["reason"]


def test_a_record_that_breaks_the_mapping_is_quarantined_with_the_cause(tmp_path, data_dir):
    from etl.ingest import ingest_paths
    from graph_schema.store import open_store

    head = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"
    export = tmp_path / "hotline.csv"
    export.write_text(
        head + "".join(f"T{i},2024-05-01 10:00:00,王先生,,水污染,油污,南浔区,练市镇,办理中,,\n" for i in range(5)),
        encoding="utf-8",
    )

    def broken_for_t3(batch):
        if any(n.key == "doc:hotline:T3" for n in batch.nodes):
            raise ValueError("a bug that only this record triggers")
        return batch

    with open_store(data_dir=data_dir) as store:
        report = ingest_paths(store, [export], data_dir=data_dir, use_nlp=False, transform_batch=broken_for_t3)
        assert (report.total.records_loaded, report.total.records_quarantined) == (4, 1)
        (line,) = Path(report.quarantine).read_text(encoding="utf-8").splitlines()
        entry = json.loads(line)
        assert entry["record_id"] == "T3" and "ValueError" in entry["reason"] and "only this record" in entry["reason"]
