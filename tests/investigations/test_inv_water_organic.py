"""Upstream ranking on an organic-load event (COD / BOD5): the trades and measures of organic pollution."""

from __future__ import annotations

import pytest

from graph_schema.model import GraphBatch, Provenance
from investigations import water


def _p(doc: str, seen: str | None = None) -> Provenance:
    return Provenance(doc=doc, method="structured", quote="", seen=seen)


@pytest.mark.parametrize("indicator", ["COD", "化学需氧量", "BOD5", "五日生化需氧量", "TOC", "溶解氧"])
def test_organic_load_measures_are_one_family(indicator: str) -> None:
    assert water.indicator_family(indicator) == "cod"


def test_a_brewery_two_segments_up_outranks_a_plater_on_the_station_segment(empty_store) -> None:
    """COD at the station; the plater next to it explains heavy metals and phosphorus, not organic load;
    the brewery upstream (a high-COD trade) is the source."""
    b = GraphBatch()
    segs = ["site:S-1", "site:S-2", "site:S-3"]
    for up, down in zip(segs, segs[1:]):
        b.add_node(up, kind="segment")
        b.add_node(down, kind="segment")
        b.add_rel("FLOWS_INTO", up, down, _p("doc:segment:s"))
    for code, seg, owner, name in (
        ("site:PK-A", "site:S-3", "company:甲电镀有限公司", "甲电镀有限公司"),
        ("site:PK-B", "site:S-1", "company:乙酒业有限公司", "乙酒业有限公司"),
        ("site:PK-C", "site:S-2", "company:丙物流有限公司", "丙物流有限公司"),
    ):
        b.add_node(code, kind="outfall", name=f"{name}排口")
        b.add_node(owner, name=name)
        b.add_rel("DISCHARGES_INTO", code, seg, _p(f"doc:outfall:{code}"))
        b.add_rel("OWNS", owner, code, _p(f"doc:outfall:{code}"))
    b.add_node("site:JC-9", kind="station", name="断面")
    b.add_rel("MONITORS", "site:JC-9", "site:S-3", _p("doc:reading:x"))
    for i, ind in enumerate(("COD", "BOD5")):
        d = f"doc:reading:o{i}"
        b.add_node(d, source="reading", time="2024-07-01T08:00:00", indicator=ind, value=80, exceeded=True)
        b.add_rel("LOCATED_AT", d, "site:JC-9", _p(d, "2024-07-01T08:00:00"))
    empty_store.write_batch(b)
    cands = water.upstream_candidates(empty_store, "JC-9").candidates
    assert [c.outfall for c in cands][:2] == ["site:PK-B", "site:PK-A"]
    assert cands[0].details["pollutant_match"] == ["cod"]
