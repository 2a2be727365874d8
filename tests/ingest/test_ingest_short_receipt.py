"""A report that the receiver weighed in far less than a manifest declares is a short-manifest
alert, driven through the CLI on files as a user would: `ecograph ingest`, then `ecograph alerts`."""

from __future__ import annotations

import json
from pathlib import Path

M1, M2 = "2024330481000022", "2024330483000030"

MANIFESTS = f"""联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,废物名称,废物代码,数量(吨),转移时间
{M1},海宁金远铝业有限公司,913304815159637894,长兴锦康危险货物运输有限公司,浙EV6441,贾庆志,海宁源昌固废处置有限公司,913304810711966969,废碱液,HW35,18.08,2024-03-26 13:06
{M2},海宁金远铝业有限公司,913304815159637894,长兴锦康危险货物运输有限公司,浙EV6441,贾庆志,海宁源昌固废处置有限公司,913304810711966969,废碱液,HW35,17.90,2024-04-19 12:22
"""

GRID = [
    {
        "事件编号": "141-HN-20240331-0006",
        "上报时间": "2024-03-31 13:06:51",
        "上报人": "章兰",
        "所属网格": "周王庙镇龙荡村第2网格",
        "事件类型": "其他",
        "事件描述": f"到海宁源昌固废处置有限公司核对磅单：联单{M1}的废碱液到厂过磅只有5.91吨。",
        "处置状态": "已办结",
    },
    {
        "事件编号": "141-HN-20240425-0002",
        "上报时间": "2024-04-25 09:00:00",
        "上报人": "章兰",
        "所属网格": "周王庙镇龙荡村第2网格",
        "事件类型": "其他",
        "事件描述": f"复核联单{M2}，接收单位入库17.6吨，属正常损耗。",
        "处置状态": "已办结",
    },
]


def test_short_receipt_is_an_alert_through_the_cli(tmp_path: Path, data_dir: Path, cli):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "manifests.csv").write_text(MANIFESTS, encoding="utf-8")
    lines = "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GRID)
    (bundle / "grid.jsonl").write_text(lines, encoding="utf-8")
    proc = cli(data_dir, "ingest", str(bundle), "--json")
    assert proc.returncode == 0, proc.stderr
    out = cli(data_dir, "alerts", "--json")
    assert out.returncode == 0, out.stderr
    short = [a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "manifest_short"]
    # 5.91 t received of 18.08 declared: an alert; 17.6 of 17.90 is weighing loss: none
    assert [a["details"]["manifest"] for a in short] == [M1], short
    (a,) = short
    assert a["details"]["received"] == 5.91 and a["details"]["tons"] == 18.08
    assert any(e.startswith("doc:grid:") for e in a["evidence"]) and f"doc:manifest:{M1}" in a["evidence"]
    assert "5.91" in a["title"] and "18.08" in a["title"]
