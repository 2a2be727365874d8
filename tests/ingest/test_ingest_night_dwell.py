"""A night stay at a village-road checkpoint that leads to a dumping pit raises an alert, and so
does a hazardous-waste transfer whose truck is read there at night.

Checkpoints on village roads are named after the road (`沈墩村机耕路口`), not after the
pit the road leads to; the pit is known from a grid report in the same village.  Driven
through the CLI on files, as a user would: `ecograph ingest`, then `ecograph alerts`.
"""

from __future__ import annotations

import json
from pathlib import Path

ANPR = """过车时间,车牌号,卡口编号,卡口名称,经度,纬度
2024-05-10 23:05:12,浙E3K721,KK330521901,德清县雷甸镇沈墩村机耕路口,120.101,30.551
2024-05-10 23:58:40,浙E3K721,KK330521901,德清县雷甸镇沈墩村机耕路口,120.101,30.551
2024-05-11 10:02:00,浙E7M205,KK330521901,德清县雷甸镇沈墩村机耕路口,120.101,30.551
2024-05-11 10:55:31,浙E7M205,KK330521901,德清县雷甸镇沈墩村机耕路口,120.101,30.551
2024-05-12 22:41:09,浙E5P118,KK330521901,德清县雷甸镇沈墩村机耕路口,120.101,30.551
2024-05-12 23:30:00,浙E9Q460,KK330521777,德清县雷甸镇集镇十字路口,120.140,30.530
2024-05-13 00:20:45,浙E9Q460,KK330521777,德清县雷甸镇集镇十字路口,120.140,30.530
"""

MANIFESTS = """联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,废物名称,废物代码,数量(吨),转移时间
2024330483000901,桐乡隆盛涂装有限公司,91330483MA4D1EGX16,湖州浩润危险品物流有限责任公司,浙E3K721,林龙,湖州隆康环境服务有限公司,913305224368038751,漆渣,HW12,12.5,2024-05-10 21:40
2024330483000902,桐乡隆盛涂装有限公司,91330483MA4D1EGX16,湖州浩润危险品物流有限责任公司,浙E7M205,林龙,湖州隆康环境服务有限公司,913305224368038751,漆渣,HW12,12.5,2024-05-11 09:30
"""

GRID = {
    "事件编号": "141-DQ-20240509-0003",
    "上报时间": "2024-05-09 08:12:00",
    "上报人": "沈建华",
    "上报人电话": "13905721234",
    "所属网格": "雷甸镇沈墩村第2网格",
    "事件类型": "固废倾倒",
    "事件描述": "巡查发现德清县雷甸镇沈墩村东边废弃矿坑内有新倾倒的不明废渣，有刺鼻气味。",
    "处置状态": "已流转",
    "处置结果": "已推送镇执法队。",
}


def test_night_stay_at_a_village_road_checkpoint_by_a_pit_is_an_alert(tmp_path: Path, data_dir: Path, cli):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "anpr.csv").write_text(ANPR, encoding="utf-8")
    (bundle / "manifests.csv").write_text(MANIFESTS, encoding="utf-8")
    (bundle / "grid.jsonl").write_text(json.dumps(GRID, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = cli(data_dir, "ingest", str(bundle), "--json")
    assert proc.returncode == 0, proc.stderr
    out = cli(data_dir, "alerts", "--json")
    assert out.returncode == 0, out.stderr
    dwell = [a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "night_dwell"]
    plates = {e.split(":", 1)[1] for a in dwell for e in a["targets"] if e.startswith("vehicle:")}
    # 53 minutes at night at the pit's road: an alert
    assert "浙E3K721" in plates, dwell
    # the same stay by day, one night pass with no stay, a night stay at the town crossroads: none
    assert not plates & {"浙E7M205", "浙E5P118", "浙E9Q460"}, dwell
    (alert,) = [a for a in dwell if "vehicle:浙E3K721" in a["targets"]]
    assert alert["details"]["site_kind"] == "near_sensitive_site"
    off_route = [a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "manifest_off_route"]
    # the night transfer read at the pit's road is off its route; the daytime one on the same road is not
    assert [a["details"]["manifest"] for a in off_route] == ["2024330483000901"], off_route
    assert "沈墩村机耕路口" in alert["title"] and alert["details"]["dwell_minutes"] > 50
