"""Every Cypher statement the Neo4j adapter can send, and Neo4j's own linter over them.

Neo4j cannot run on our machines, so CI checks the text instead: the
statements are fed to `tools/cypher-lint/lint.mjs`, which runs
`lintCypherQuery` from `@neo4j-cypher/language-support` and fails on any
error-severity diagnostic.  `python -m graph_schema.store.lint` does the same
from the command line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from graph_schema.schema import LABELS, PROVENANCE_PROPS, RELATIONS
from graph_schema.store import dialect
from graph_schema.store.port import ENTITY_LABEL, registry
from graph_schema.store.upsert import node_statements, rel_statements

LINT_DIR = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"


def neo4j_statements() -> list[dict[str, str]]:
    """`[{"id", "text"}]` for every statement `Neo4jStore` can send."""
    import api.cli.registry_setup  # noqa: F401  (registers every layer's .cypher folder)
    from graph_schema.store.neo4j_store import ADAPTER_STATEMENTS

    out: list[dict[str, str]] = []
    for i, stmt in enumerate(dialect.schema_statements("neo4j")):
        out.append({"id": f"schema[{i}]", "text": stmt})
    # Two rows with one shared and one differing property: both `row[i]` and `$cN` forms appear.
    sample = [{"name": "甲", "time": "2024-01-01"}, {"name": "乙", "time": "2024-01-01"}]
    for label in LABELS:
        rows = [{"key": f"k{i}", "props": p} for i, p in enumerate(sample)]
        for stmt in node_statements(label, rows, 10):
            out.append({"id": f"node_upsert[{label}]", "text": stmt.cypher})
    for spec in RELATIONS.values():
        for head in spec.heads:
            for tail in spec.tails:
                rows = [{"head": "a", "tail": "b", "fact": f"f{i}", "props": p} for i, p in enumerate(sample)]
                for stmt in rel_statements((spec.type, head, tail), rows, 10):
                    out.append({"id": f"rel_upsert[{spec.type},{head},{tail}]", "text": stmt.cypher})
    for hops in (1, 4, 10):
        out.append({"id": f"shortest_path[{hops}]", "text": dialect.shortest_path_cypher(hops)})
    for label in LABELS:
        out.append({"id": f"fulltext[{label}]", "text": dialect.fulltext_cypher("neo4j", label)})
    for i, stmt in enumerate(dialect.wipe_statements("neo4j")):
        out.append({"id": f"wipe[{i}]", "text": stmt})
    for i, stmt in enumerate(ADAPTER_STATEMENTS):
        out.append({"id": f"neo4j_store[{i}]", "text": stmt})
    reg = registry()
    for name in sorted(reg.names()):
        q = reg.get(name, "neo4j")
        where = f"{Path(q.source).name}" + (f" @{q.dialect}" if q.dialect else "")
        out.append({"id": f"query {name} ({where})", "text": q.text})
    return out


def schema_hints() -> dict[str, list[str]]:
    """Labels, relationship types and property keys, so the linter can warn on a misspelt one."""
    props = {"key", "fact", "field", *PROVENANCE_PROPS}
    for spec in LABELS.values():
        props.update({spec.name_property, *spec.indexed, *spec.fulltext})
    for rel in RELATIONS.values():
        props.update(rel.props)
    return {
        "labels": sorted({ENTITY_LABEL, *LABELS}),
        "relationshipTypes": sorted(RELATIONS),
        "propertyKeys": sorted(props),
    }


class LintUnavailable(RuntimeError):
    pass


def ensure_linter() -> Path:
    """`npm ci` in tools/cypher-lint when its node_modules is missing (a clean checkout)."""
    if shutil.which("node") is None:
        raise LintUnavailable("node is not installed")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            raise LintUnavailable("npm is not installed")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=LINT_DIR, check=True, capture_output=True)
    return LINT_DIR / "lint.mjs"


def run_lint(statements: list[dict[str, str]] | list[str], timeout: float = 300) -> dict[str, Any]:
    """Lint `statements`; returns `{"results": [{"id", "errors", "warnings"}], "errors": n, "statements": n}`."""
    script = ensure_linter()
    payload = json.dumps({"statements": statements, "schema": schema_hints()}, ensure_ascii=False)
    proc = subprocess.run(
        ["node", str(script), "--json"],
        input=payload.encode("utf-8"),
        capture_output=True,
        cwd=LINT_DIR,
        timeout=timeout,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"cypher-lint crashed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(proc.stdout.decode("utf-8"))


def main() -> int:
    statements = neo4j_statements()
    report = run_lint(statements)
    text = {s["id"]: s["text"] for s in statements}
    for r in report["results"]:
        for e in r["errors"]:
            print(f"ERROR   {r['id']}: {e['message']}\n        {text[r['id']]}")
    print(f"{report['statements']} statements linted, {report['errors']} errors")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
