"""Every named query's FalkorDB plan, checked for whole-graph scans.

Why: FalkorDB plans a `MATCH` from the node that carries a filter.  A label test
such as `(v:Vehicle OR v:Vessel)` in the `WHERE` of a pattern whose other end is
found by key makes it start from `v` with an All Node Scan — and under an
`UNWIND` of 5,000 case keys that is 5,000 scans of the whole graph: the query
ran for over seven minutes at 220k records, where it answers in milliseconds
at the 7k records the other tests use.  Plans do not depend on the data, so an
empty store shows it.
"""

from __future__ import annotations

import re

import pytest

import api.cli.registry_setup  # noqa: F401  (registers every layer's .cypher folder)
from graph_schema.store import registry
from graph_schema.store.falkor import FalkorStore

# Queries that must read every node once, by design (one scan, never one per row).
WHOLE_GRAPH_BY_DESIGN = {
    "count_nodes_by_label": "counts every node",
    "count_relationships_by_type": "counts every relationship, from every node",
}
_PER_ROW_FEEDS = ("Unwind", "Argument")  # operations that run their parent once per incoming row
_INT_PARAMS = re.compile(r"(limit|skip|hops|depth|min_|max_|window|days|minutes|seconds|size|offset|top|k|cap)$")
_TYPE_MISMATCH = re.compile(r"expected (\w+) but was (\w+)")


def _guess_params(text: str) -> dict[str, object]:
    """A value of a plausible type for each `$param`: lists where the query unwinds or tests
    membership, integers for limits and counts, strings otherwise."""
    names = set(re.findall(r"\$(\w+)", text))
    lists = {a or b for a, b in re.findall(r"UNWIND \$(\w+)|IN \$(\w+)", text)}
    out: dict[str, object] = {}
    for n in names:
        if n in lists:
            out[n] = ["x"]
        elif _INT_PARAMS.search(n):
            out[n] = 10
        else:
            out[n] = "x"
    return out


def _plan(store: FalkorStore, text: str) -> list[str]:
    """The plan, retrying with booleans (or lists) for parameters the guess typed wrongly."""
    params = _guess_params(text)
    tried: set[tuple[str, str]] = set()
    while True:
        try:
            return store.explain(text, params)
        except Exception as exc:  # noqa: BLE001 - the store's message tells which type it wanted
            m = _TYPE_MISMATCH.search(str(exc))
            if not m:
                raise
            want = {"Boolean": True, "List": ["x"], "Integer": 10, "String": "x"}.get(m.group(1))
            got_type = {"String": str, "Integer": int, "List": list, "Boolean": bool}.get(m.group(2))
            cands = [n for n, v in params.items() if type(v) is got_type and (n, m.group(1)) not in tried]
            if want is None or not cands:
                raise
            tried.add((cands[0], m.group(1)))
            params[cands[0]] = want


def _whole_graph_scans(plan: list[str]) -> list[tuple[int, bool]]:
    """(line, per_row) of each scan of every node, or of every node of a label; per_row when
    an Unwind or Argument feeds it (an operation indented below the scan, before the next
    line at the scan's depth).  A label scan once per query is how analyses read; per row
    it is the same quadratic cost as an All Node Scan."""
    out = []
    for i, line in enumerate(plan):
        if "All Node Scan" not in line and "Node By Label Scan" not in line:
            continue
        depth = len(line) - len(line.lstrip())
        per_row = False
        for below in plan[i + 1 :]:
            if len(below) - len(below.lstrip()) <= depth:
                break
            per_row = per_row or any(op in below for op in _PER_ROW_FEEDS)
        out.append((i, per_row))
    return out


@pytest.fixture(scope="module")
def falkor(falkor_dir):
    s = FalkorStore(falkor_dir)
    s.wipe()  # the graph and its indexes exist: plans use them
    yield s
    s.close()


def _falkor_queries():
    reg = registry()
    return [reg.get(name, "falkordb") for name in sorted(reg.names())]


def test_detector_sees_a_per_row_scan(falkor):
    """The check fails on the form that ran for minutes."""
    slow = (
        "UNWIND $docs AS dk MATCH (v)-[r:INVOLVED_IN]->(d:Document {key: dk}) "
        "WHERE (v:Vehicle OR v:Vessel) RETURN dk, v.key"
    )
    assert [per_row for _, per_row in _whole_graph_scans(_plan(falkor, slow))] == [True]
    fixed = (
        "UNWIND $docs AS dk MATCH (d:Document {key: dk})<-[r:INVOLVED_IN]-(v) WITH dk, v "
        "WHERE (v:Vehicle OR v:Vessel) RETURN dk, v.key"
    )
    assert _whole_graph_scans(_plan(falkor, fixed)) == []
    per_label = (
        "UNWIND $keys AS k MATCH (seg:Site {key: k}) MATCH p = (up:Site)-[:FLOWS_INTO*0..12]->(seg) "
        "WHERE all(f IN relationships(p) WHERE f.review IS NULL) "
        "MATCH (o:Site)-[:DISCHARGES_INTO]->(up) RETURN o.key"
    )
    assert [per_row for _, per_row in _whole_graph_scans(_plan(falkor, per_label))] == [True]


def test_no_named_query_scans_the_whole_graph(falkor):
    queries = _falkor_queries()
    assert len(queries) > 80  # every layer's folder was registered
    problems = []
    for q in queries:
        if q.name.startswith(("wipe", "delete")):
            continue
        plan = _plan(falkor, q.text)
        for line, per_row in _whole_graph_scans(plan):
            if per_row:
                problems.append(f"{q.name}: a whole-graph or whole-label scan once per row\n" + "\n".join(plan))
            elif "All Node Scan" in plan[line] and q.name not in WHOLE_GRAPH_BY_DESIGN:
                problems.append(f"{q.name}: an All Node Scan (start from a label or a key)\n" + "\n".join(plan))
    assert not problems, "\n\n".join(problems)
