"""One place, one Site: `ecograph ingest` on records that write their places in different forms (issue 13).

tests/data/places/README.md describes the files: a case txt, a hotline csv, a grid jsonl and
an anpr csv, in which one abandoned pit is written 长兴县林城镇桑园村废弃矿坑 / 桑园村废弃石矿 /
桑园村村废矿坑, checkpoints are named after the village they stand in, and three waste
stories end at a pit, a field and a river bank.
"""

from __future__ import annotations

import json
from pathlib import Path

from graph_schema.store import open_store

PLACES = Path(__file__).resolve().parents[1] / "data" / "places"
PIT = "site:长兴县林城镇桑园村废弃矿坑"


def _rows(data_dir: Path, cypher: str) -> list[dict]:
    store = open_store("falkordb", data_dir=data_dir)
    try:
        return store._read(cypher, {})  # test-only raw read
    finally:
        store.close()


def test_one_site_per_place_located_in_and_chains_end_at_the_dump_site(data_dir, cli):
    proc = cli(data_dir, "ingest", str(PLACES), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["records_read"] == out["records_loaded"] == 17
    sites = {r["k"]: r for r in _rows(data_dir, "MATCH (n:Site) RETURN n.key AS k, n.kind AS kind, n.aliases AS al")}
    # the pit, written three ways in three sources, is one Site carrying its other spellings
    pits = [k for k in sites if "桑园村" in k and ("矿" in k)]
    assert pits == [PIT], pits
    # (the hotline's 桑园村那个废弃的矿坑 is a fourth spelling: 桑园村废弃矿坑)
    assert set(sites[PIT]["al"]) == {"site:桑园村废弃石矿", "site:桑园村村废矿坑", "site:桑园村废弃矿坑"}
    # another town's 桑园村 stays its own place, and so does a 桑园村 written without its town
    assert "site:长兴县泗安镇桑园村鱼塘" in sites
    ties = {
        (r["a"], r["b"], r["rule"])
        for r in _rows(data_dir, "MATCH (a)-[r:LOCATED_IN]->(b) RETURN a.key AS a, b.key AS b, r.rule AS rule")
    }
    village = next(b for a, b, _ in ties if a == PIT)
    assert ("site:KK-T01", village, "name") in ties  # 林城镇桑园村矿区道路口 stands in 桑园村
    assert ("site:林城镇桑园村第1网格", village, "name") in ties
    assert ("doc:grid:141-CX-20240611-0007", village, "coordinates") in ties  # 40 m from the checkpoint
    assert not any(a == "site:长兴县泗安镇桑园村鱼塘" and b == village for a, b, _ in ties)
    assert not any(a == "site:桑园村" for a, _, _ in ties)  # two towns have a 桑园村: no guess
    assert not any(a == "site:KK-T09" for a, _, _ in ties)  # a road junction in no village
    # every chain ends where the waste was dumped, never at the checkpoint or the village
    proc = cli(data_dir, "chains", "--json")
    assert proc.returncode == 0, proc.stderr
    ends = {c["path"][-2]["key"]: c["path"][-1]["key"] for c in json.loads(proc.stdout)["chains"]}
    assert ends == {
        "vehicle:浙ET1234": PIT,
        "vehicle:浙ET5678": "site:吴兴区八里店镇潘店村东侧农田",
        "vehicle:浙ET9012": "site:南浔区练市镇荃步村河滩",
    }
