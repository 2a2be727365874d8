"""The investigations queries parse as Neo4j 5 Cypher (Neo4j's own linter) and load in the registry."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from graph_schema.store.port import QueryRegistry

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "cypher-lint" / "lint.mjs"


def _queries():
    r = QueryRegistry()
    r.load_dir(ROOT / "investigations" / "queries")
    return list(r.all())


def test_registry_loads_every_query():
    import investigations  # noqa: F401
    from graph_schema.store import registry

    names = {q.name for q in _queries()}
    assert {
        "inv_search_small",
        "inv_search_missing",
        "inv_write_gangs",
        "inv_upstream_outfalls",
        "inv_list_alerts",
    } <= names
    assert names <= registry().names()


@pytest.mark.skipif(
    not (shutil.which("node") and (LINT.parent / "node_modules").is_dir()), reason="cypher lint not installed"
)
def test_queries_lint_as_neo4j_cypher():
    stmts = [{"id": q.name, "text": q.text} for q in _queries() if q.dialect != "falkordb"]
    out = subprocess.run(
        ["node", str(LINT), "--json"], input=json.dumps(stmts), capture_output=True, text=True, timeout=120
    )
    res = json.loads(out.stdout)
    assert res["errors"] == 0, [r for r in res["results"] if r["errors"]]
