"""Neo4j's own linter over every statement the Neo4j adapter can send (Neo4j itself cannot run here)."""

from __future__ import annotations

import shutil

import pytest

from graph_schema.store import lint

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_linter_catches_errors():
    report = lint.run_lint(
        [
            {"id": "syntax", "text": "MATCH (n RETURN n"},
            {"id": "falkor_only", "text": "CALL db.idx.fulltext.queryNodes('Person', $q) YIELD node RETURN node"},
            {"id": "ok", "text": "MATCH (n:Entity {key: $key}) RETURN n.key AS key"},
        ]
    )
    by_id = {r["id"]: r for r in report["results"]}
    assert by_id["syntax"]["errors"]
    assert by_id["falkor_only"]["errors"]
    assert by_id["ok"]["errors"] == []
    assert report["errors"] >= 2


def test_every_neo4j_statement_lints_clean():
    statements = lint.neo4j_statements()
    ids = [s["id"] for s in statements]
    assert any(i.startswith("schema[") for i in ids) and any(i.startswith("wipe[") for i in ids)
    assert any(i.startswith("query ") for i in ids) and any(i.startswith("rel_upsert[") for i in ids)
    report = lint.run_lint(statements)
    assert report["statements"] == len(statements)
    text = {s["id"]: s["text"] for s in statements}
    failures = [f"{r['id']}: {e['message']}\n    {text[r['id']]}" for r in report["results"] for e in r["errors"]]
    assert not failures, "\n".join(failures)
