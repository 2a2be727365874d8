"""Write the graph as CSV files for `neo4j-admin database import full`.

Why: a first load of hundreds of millions of records through Cypher MERGE
takes days; neo4j-admin's offline importer takes hours.  This writer
implements the same `write_batch` as a store, so the ETL can stream straight
into CSVs, or an existing embedded graph can be dumped page by page.

Format (Neo4j 5 import tool): every batch becomes one file per label / type
with its own header line, so each file is its own `--nodes` / `--relationships`
group and columns can differ between batches.  Node ids live in the `Entity`
id space (`key:ID(Entity)`); duplicates across batches are expected and
handled by `--skip-duplicate-nodes=true` in the generated `import.sh`.
"""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path
from typing import Any

from graph_schema.model import GraphBatch
from graph_schema.store.port import ENTITY_LABEL
from graph_schema.store.upsert import WriteCache

_ARRAY_DELIM = "\x1f"


def _column(name: str, values: list[Any]) -> str:
    """Header entry with a type hint the importer understands."""
    sample = [v for v in values if v is not None]
    if sample and all(isinstance(v, bool) for v in sample):
        return f"{name}:boolean"
    if sample and all(isinstance(v, int) and not isinstance(v, bool) for v in sample):
        return f"{name}:long"
    if sample and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in sample):
        return f"{name}:double"
    if sample and all(isinstance(v, list) for v in sample):
        return f"{name}:string[]"
    return name


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _ARRAY_DELIM.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Neo4jImportWriter:
    def __init__(self, out_dir: Path, database: str = "neo4j"):
        self.out = Path(out_dir)
        (self.out / "nodes").mkdir(parents=True, exist_ok=True)
        (self.out / "relationships").mkdir(parents=True, exist_ok=True)
        self.database = database
        self._n = 0
        self.node_files: list[tuple[str, Path]] = []
        self.rel_files: list[tuple[str, Path]] = []
        self.nodes_written = 0
        self.rels_written = 0

    def prepare_batch(self, batch: GraphBatch, cache: WriteCache | None = None) -> tuple[GraphBatch, WriteCache | None]:
        """The loader's two-phase protocol (see `GraphStore.prepare_batch`); CSV writing is all one phase."""
        return batch, cache

    def write_prepared(self, prepared: tuple[GraphBatch, WriteCache | None]) -> dict[str, int]:
        return self.write_batch(*prepared)

    def documents_asserting_otherwise(self, docs: list[tuple[str, str, str]]) -> set[str]:
        """The files start empty: no record is stored in another version (the loader protocol)."""
        return set()

    def retract_stale_facts(self, facts_by_doc: dict[str, list[str]]) -> int:
        return 0

    def write_batch(self, batch: GraphBatch, cache: WriteCache | None = None) -> dict[str, int]:
        """Append the batch as CSV files; with a `WriteCache`, node rows already written unchanged are skipped."""
        self._n += 1
        n_nodes = n_rels = 0
        for label, rows in batch.nodes_by_label().items():
            if cache is not None:
                rows = cache.fresh(rows)
                if not rows:
                    continue
            cols = sorted({k for r in rows for k in r["props"] if k != "key"})
            path = self.out / "nodes" / f"{label}_{self._n:06d}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["key:ID(Entity)", ":LABEL"] + [_column(c, [r["props"].get(c) for r in rows]) for c in cols])
                for r in rows:
                    w.writerow([r["key"], f"{label};{ENTITY_LABEL}"] + [_cell(r["props"].get(c)) for c in cols])
            self.node_files.append((label, path))
            n_nodes += len(rows)
        for (rel_type, _, _), rows in batch.rels_by_shape().items():
            cols = sorted({k for r in rows for k in r["props"]})
            path = self.out / "relationships" / f"{rel_type}_{self._n:06d}_{len(self.rel_files):06d}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(
                    [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "fact"]
                    + [_column(c, [r["props"].get(c) for r in rows]) for c in cols]
                )
                for r in rows:
                    w.writerow([r["head"], r["tail"], rel_type, r["fact"]] + [_cell(r["props"].get(c)) for c in cols])
            self.rel_files.append((rel_type, path))
            n_rels += len(rows)
        # endpoints referenced but not in this batch still need a node row somewhere
        present = {r["key"] for rows in batch.nodes_by_label().values() for r in rows}
        missing = GraphBatch()
        for rows in batch.rels_by_shape().values():
            for r in rows:
                for k in (r["head"], r["tail"]):
                    if k not in present:
                        missing.add_node(k)
                        present.add(k)
        if missing.nodes:
            self.write_batch(missing)
        self.nodes_written += n_nodes
        self.rels_written += n_rels
        # every row is new to the files; neo4j-admin drops repeated node keys at import
        return {"nodes": n_nodes, "relationships": n_rels, "nodes_created": n_nodes, "relationships_created": n_rels}

    def close(self) -> Path:
        """Write `import.sh` with the neo4j-admin command for every file; return its path."""
        args = ["neo4j-admin", "database", "import", "full", self.database]
        args += ["--overwrite-destination=true", "--skip-duplicate-nodes=true", "--skip-bad-relationships=false"]
        args += [f"--array-delimiter=U+{ord(_ARRAY_DELIM):04X}", "--multiline-fields=true"]
        args += [f"--nodes={label}={p.relative_to(self.out)}" for label, p in self.node_files]
        args += [f"--relationships={t}={p.relative_to(self.out)}" for t, p in self.rel_files]
        script = self.out / "import.sh"
        script.write_text(
            "#!/usr/bin/env bash\n# Generated by ecograph: offline bulk import into Neo4j 5 (stop the database first).\n"
            'set -euo pipefail\ncd "$(dirname "$0")"\n' + " \\\n  ".join(shlex.quote(a) for a in args) + "\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
        return script


def export_store(store: Any, out_dir: Path, page: int = 5000) -> dict[str, Any]:
    """Dump an existing graph (any backend) into neo4j-admin import CSVs."""
    from graph_schema.model import Node, Provenance, Rel

    writer = Neo4jImportWriter(out_dir)
    after = ""
    while True:
        rows = store.query("export_nodes_page", after=after, limit=page)
        if not rows:
            break
        batch = GraphBatch()
        for r in rows:
            props = {k: v for k, v in (r["props"] or {}).items() if k != "key"}
            batch.nodes.append(Node(r["key"], props))
        for e in store.query("export_outgoing", keys=[r["key"] for r in rows]):
            props = dict(e["props"] or {})
            fact = props.pop("fact", None)
            rel = Rel(
                e["type"], e["head"], e["tail"], Provenance(doc=props.get("doc", ""), method=props.get("method", ""))
            )
            rel.props = props
            batch.rels.append(_KeepFact(rel, fact))
        writer.write_batch(batch)
        after = rows[-1]["key"]
    script = writer.close()
    return {"nodes": writer.nodes_written, "relationships": writer.rels_written, "script": str(script)}


class _KeepFact:
    """A Rel whose stored props (and fact id) are written back verbatim."""

    def __init__(self, rel: Any, fact: str | None):
        self._rel = rel
        self._fact = fact

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rel, name)

    def as_row(self) -> dict[str, Any]:
        return {
            "head": self._rel.head,
            "tail": self._rel.tail,
            "fact": self._fact or self._rel.fact_id,
            "props": self._rel.props,
        }
