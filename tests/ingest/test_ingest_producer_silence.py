"""A producer that stops filing transfer manifests while complaints about it come in is an alert,
also when it filed only twice before it fell silent (one interval is its usual rhythm).

Driven through the CLI on files, as a user would: `ecograph ingest`, then `ecograph alerts`.
"""

from __future__ import annotations

import json
from pathlib import Path

HEADER = "联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,废物名称,废物代码,数量(吨),转移时间\n"
RECEIVER = "湖州鸿丰再生资源有限公司,91330522435463223H"
SILENT = "湖州鑫丰金属制品有限责任公司,91330523884789886M"
QUIET = "安吉恒达五金制品有限公司,91330523MA2B3C4D5M"
STEADY = "长兴华宇涂装有限公司,91330522MA28D6E7F3"


def _manifest(no: int, producer: str, tons: float, when: str) -> str:
    return f"2024330523000{no:03d},{producer},长兴锦康危险货物运输有限公司,浙E409E7,郑军辉,{RECEIVER},废乳化液,HW09,{tons},{when}\n"


def _ticket(no: int, when: str, text: str) -> str:
    return f"ZJHZ20240{no:08d},{when},王先生,138****0000,水污染,{text},安吉县杭垓镇南埠村,安吉县杭垓镇人民政府,已办结,{when},已转交。\n"


def test_a_producer_silent_after_two_manifests_with_complaints_after_is_an_alert(tmp_path: Path, data_dir, cli):
    rows = [_manifest(1, SILENT, 20.6, "2024-03-02 14:06"), _manifest(2, SILENT, 17.9, "2024-03-21 15:32")]
    # the same two filings, no complaint afterwards: a plant that closed, not one dumping
    rows += [_manifest(3, QUIET, 8.0, "2024-03-04 10:00"), _manifest(4, QUIET, 7.5, "2024-03-25 10:00")]
    # a producer that files every two weeks to the end of the data
    rows += [_manifest(10 + i, STEADY, 12.0, f"2024-{3 + i // 2:02d}-{1 + 14 * (i % 2):02d} 09:00") for i in range(8)]
    hotline = "工单编号,来电时间,来电人,来电号码,诉求类型,诉求内容,事发地址,承办单位,办理状态,办结时间,回复内容\n"
    hotline += _ticket(1, "2024-05-07 07:45:00", "湖州鑫丰金属制品有限责任公司最近晚上偷偷排污水，南埠村一带都受影响")
    hotline += _ticket(2, "2024-06-15 22:31:43", "鑫丰金属制品有限公司这段时间晚上偷偷排污水，杭垓镇南埠村一带都闻得到")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "manifests.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (bundle / "hotline.csv").write_text(hotline, encoding="utf-8")
    proc = cli(data_dir, "ingest", str(bundle), "--json")
    assert proc.returncode == 0, proc.stderr
    ingested = json.loads(proc.stdout)
    assert ingested["records_loaded"] == len(rows) + 2 and ingested["records_quarantined"] == 0, ingested
    out = cli(data_dir, "alerts", "--json")
    assert out.returncode == 0, out.stderr
    silent = [a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "producer_silent"]
    assert [a["targets"] for a in silent] == [["company:91330523884789886M"]], silent
    (a,) = silent
    assert a["details"]["stopped"] and a["details"]["complaints"] == 2
    assert "湖州鑫丰金属制品有限责任公司" in a["title"]
