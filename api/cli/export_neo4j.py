"""`ecograph export neo4j-import DIR` — CSVs for `neo4j-admin database import full`."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import UserError, console, friendly_errors, print_json, store_session


def register(app: typer.Typer) -> None:
    @app.command("neo4j-import")
    @friendly_errors
    def neo4j_import(
        out_dir: Path = typer.Argument(..., help="输出目录 / output folder"),
        from_files: list[Path] = typer.Option(
            [], "--from-files", help="直接由原始文件生成（不经图数据库）/ stream these exports straight to CSV"
        ),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """导出 neo4j-admin 批量导入 CSV / write node and relationship CSVs for neo4j-admin import."""
        from graph_schema.store.neo4j_import import Neo4jImportWriter, export_store

        if out_dir.exists() and any(out_dir.iterdir()):
            raise UserError(f"输出目录非空 / output folder is not empty: {out_dir}")
        if from_files:
            from etl.ingest import ingest_paths

            writer = Neo4jImportWriter(out_dir)
            # checkpoints and quarantine go beside the CSVs, apart from the store's own
            report = ingest_paths(writer, from_files, data_dir=out_dir, use_nlp=True).to_dict()
            script = writer.close()
            result = {"nodes": writer.nodes_written, "relationships": writer.rels_written, "script": str(script),
                      "records_read": report["records_read"], "records_quarantined": report["records_quarantined"]}  # fmt: skip
        else:
            with store_session() as store:
                result = export_store(store, out_dir)
        if as_json:
            print_json(result)
        else:
            console.print(
                f"已写出 {result['nodes']} 个节点、{result['relationships']} 条关系 / written; "
                f"导入命令 / import with: {result['script']}",
                highlight=False,
            )
