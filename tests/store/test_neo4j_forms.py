"""Scale-out stays real: the Neo4j forms of the interactive (hot) queries parse as Neo4j 5 Cypher.

A deployment that outgrows one machine moves its graph to Neo4j (graph_schema/store/README.md)
and keeps the same API.  That only works if what the API sends on that backend — the named
queries as the registry hands them to the Neo4j adapter, and what `dialect.py` generates for
it (full-text search across labels, bounded `shortestPath`) — is Neo4j Cypher.  Neo4j cannot
run here, so Neo4j's own linter (`tools/cypher-lint`, `graph_schema.store.lint`) checks the
text; broken controls in the same run show that it does reject a broken form.
"""

from __future__ import annotations

import re
import shutil

import pytest

import api.cli.registry_setup  # noqa: F401  (registers every layer's .cypher folder)
from graph_schema.schema import SEARCH_PROPERTY
from graph_schema.store import dialect, lint
from graph_schema.store.port import registry

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# What an analyst's clicks send, by route: search, neighbours / entity, paths, key resolution.
HOT = {
    "inv_search": "investigations.cypher",  # name search across labels, one round trip
    "inv_expand": "investigations.cypher",  # neighbours, k hops
    "inv_neighbourhood": "investigations.cypher",  # neighbours, one hop in one round trip
    "inv_node_rels": "investigations.cypher",  # an entity's relationships, timelines
    "inv_path_step": "investigations.cypher",  # path search: one breadth-first step, hubs held back
    "inv_path_hubs": "investigations.cypher",
    "inv_path_hops": "investigations.cypher",  # the found path's hops with properties
    "expand_frontier": "store.cypher",  # the port's own breadth-first step
    "node_by_key": "store.cypher",
    "nodes_by_keys": "store.cypher",
    "relationships_of": "store.cypher",
    "api_keys_like": "api.cypher",  # a masked key typed back by an analyst
}
MAX_HOPS = range(1, 7)  # the API's /api/paths allows 1–6


def hot_forms() -> list[dict[str, str]]:
    reg = registry()
    out = [{"id": f"query {name}", "text": reg.get(name, "neo4j").text} for name in HOT]
    out += [{"id": f"shortest_path[{h}]", "text": dialect.shortest_path_cypher(h)} for h in MAX_HOPS]
    out += [
        {"id": f"fulltext[{lab}]", "text": dialect.fulltext_cypher("neo4j", lab)} for lab in dialect.search_labels()
    ]
    out += [{"id": "fulltext_ddl", "text": _fulltext_ddl()}]
    return out


def broken_controls() -> list[dict[str, str]]:
    """Forms that must fail: the FalkorDB search, and hot forms cut or misspelt."""
    reg = registry()
    path = dialect.shortest_path_cypher(4)
    return [
        {"id": "falkordb inv_search", "text": reg.get("inv_search", "falkordb").text},
        {
            "id": "shortest cut",
            "text": path[: path.index("MATCH p")] + "MATCH p = shortestPath((a)-[*..4]-(b) RETURN p",
        },
        {"id": "expand misspelt", "text": reg.get("inv_expand", "neo4j").text.replace("UNWIND", "UNWIN", 1)},
        {"id": "fulltext old procedure", "text": dialect.fulltext_cypher("falkordb", "Person")},
    ]


def _fulltext_ddl() -> str:
    ddl = [s for s in dialect.schema_statements("neo4j") if s.startswith("CREATE FULLTEXT INDEX")]
    assert len(ddl) == 1, ddl
    return ddl[0]


@pytest.fixture(scope="module")
def report():
    forms, controls = hot_forms(), broken_controls()
    rep = lint.run_lint(forms + controls)
    by_id = {r["id"]: r for r in rep["results"]}
    return {"forms": forms, "controls": controls, "by_id": by_id}


def test_hot_forms_parse_as_neo4j_5(report):
    failures = [
        f"{f['id']}: {e['message']}\n    {f['text']}"
        for f in report["forms"]
        for e in report["by_id"][f["id"]]["errors"]
    ]
    assert not failures, "\n".join(failures)
    assert len(report["forms"]) == len(HOT) + len(MAX_HOPS) + len(dialect.search_labels()) + 1


def test_linter_rejects_broken_forms(report):
    for c in report["controls"]:
        assert report["by_id"][c["id"]]["errors"], f"the linter accepted a broken form: {c['id']}"


def test_hot_queries_are_the_neo4j_variants():
    reg = registry()
    for name, source in HOT.items():
        q = reg.get(name, "neo4j")
        assert q.source.endswith(source), (name, q.source)
        assert "db.idx." not in q.text, name  # FalkorDB's procedures never reach Neo4j
        assert q.dialect in (None, "neo4j"), name
    search = reg.get("inv_search", "neo4j")
    assert search.dialect == "neo4j"  # Neo4j has its own variant: one index over every label
    assert f"db.index.fulltext.queryNodes('{dialect.FULLTEXT_INDEX}'" in search.text
    assert "$ft_labels" in search.text  # filtered to the labels asked for


def test_fulltext_index_covers_the_searched_labels():
    ddl = _fulltext_ddl()
    m = re.match(r"CREATE FULLTEXT INDEX (\w+) IF NOT EXISTS FOR \(n:([\w|]+)\) ON EACH \[([^\]]+)\]", ddl)
    assert m, ddl
    name, labels, props = m.group(1), set(m.group(2).split("|")), m.group(3)
    assert name == dialect.FULLTEXT_INDEX  # the name the search queries use
    assert set(dialect.search_labels()) <= labels
    assert f"n.{SEARCH_PROPERTY}" in props
    assert "`fulltext.analyzer`: 'cjk'" in ddl  # Chinese bigrams, as the FalkorDB side indexes them
    for lab in dialect.search_labels():
        assert f"queryNodes('{dialect.FULLTEXT_INDEX}', $q)" in dialect.fulltext_cypher("neo4j", lab)


def test_shortest_path_is_bounded_and_undirected():
    for h in MAX_HOPS:
        text = dialect.shortest_path_cypher(h)
        assert f"shortestPath((a)-[*..{h}]-(b))" in text
    with pytest.raises(ValueError):
        dialect.shortest_path_cypher(11)
    with pytest.raises(ValueError):
        dialect.shortest_path_cypher(0)
