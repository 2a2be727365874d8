"""A transfer whose truck is last read long after departure is late, also when the same truck
carries another transfer within the day: the reads after the next transfer's departure are the
next trip's, not a late arrival of this one.  Driven through the CLI on files, as a user would."""

from __future__ import annotations

import json
from pathlib import Path

ANPR = """过车时间,车牌号,卡口编号,卡口名称,经度,纬度
2024-03-28 13:50:21,浙E5V289,KK330483002,320国道与洲泉线交叉口,120.486,30.635
2024-03-29 02:44:07,浙E5V289,KK330483003,320国道石门段,120.612,30.603
2024-03-29 11:30:40,浙E5V289,KK330483002,320国道与洲泉线交叉口,120.486,30.635
2024-03-29 12:40:02,浙E5V289,KK330483003,320国道石门段,120.612,30.603
2024-05-10 08:40:00,浙E7M205,KK330483002,320国道与洲泉线交叉口,120.486,30.635
2024-05-10 09:50:00,浙E7M205,KK330483003,320国道石门段,120.612,30.603
2024-05-10 18:30:00,浙E7M205,KK330483002,320国道与洲泉线交叉口,120.486,30.635
2024-05-10 19:10:00,浙E7M205,KK330483003,320国道石门段,120.612,30.603
"""

HEAD = "联单编号,产废单位,产废单位统一社会信用代码,运输单位,运输车牌,驾驶员,接收单位,接收单位统一社会信用代码,废物名称,废物代码,数量(吨),转移时间"
ROW = "{},浙江天发新材料有限公司,91330503MAQYTNCX2Y,湖州和澜危险货物运输有限公司,{},戴平祥,浙江嘉达金属资源再生有限公司,91330483MANEHKX25J,废活性炭,HW49,19.5,{}"
MANIFESTS = "\n".join(
    [HEAD]
    + [
        ROW.format("2024330503000025", "浙E 5V289", "2024/3/28 13:13"),  # last read 13.5 h later: late
        ROW.format("2024330522000025", "浙E5V289", "2024-03-29 10:55"),  # the same truck's next transfer
        ROW.format("2024330503000031", "浙E7M205", "2024-05-10 08:00"),  # arrives by 09:50
        ROW.format("2024330503000032", "浙E7M205", "2024-05-10 18:00"),  # the second trip of that day
    ]
)


def test_a_late_transfer_is_found_beside_the_trucks_next_transfer(tmp_path: Path, data_dir: Path, cli):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "anpr.csv").write_text(ANPR, encoding="utf-8")
    (bundle / "manifests.csv").write_text(MANIFESTS + "\n", encoding="utf-8")
    proc = cli(data_dir, "ingest", str(bundle), "--json")
    assert proc.returncode == 0, proc.stderr
    out = cli(data_dir, "alerts", "--json")
    assert out.returncode == 0, out.stderr
    late = {a["details"]["manifest"]: a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "manifest_late"}
    # 浙E7M205's 19:10 read is its second trip's, not a 11-hour first trip
    assert set(late) == {"2024330503000025"}, late
    assert late["2024330503000025"]["details"]["hours"] == 13.5
