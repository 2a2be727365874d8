"""`ecograph ingest` and `ecograph export neo4j-import` — thin wrappers."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from api.cli.common import (
    UserError,
    console,
    err_console,
    friendly_errors,
    print_json,
    print_table,
    state,
    store_session,
)


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def ingest(
        paths: list[Path] = typer.Argument(..., help="文件或目录（递归） / files or folders (recursive)"),
        source: str = typer.Option(
            None,
            "--source",
            help="强制数据源 / force the source: hotline grid case anpr manifest segment outfall reading",
        ),
        mapping: Path = typer.Option(None, "--mapping", help="列名映射 JSON / column mapping JSON file"),
        quarantine: Path = typer.Option(None, "--quarantine", help="隔离文件路径 / quarantine JSONL path"),
        batch: int = typer.Option(1000, "--batch", min=1, help="每批记录数 / records per committed batch"),
        no_nlp: bool = typer.Option(False, "--no-nlp", help="不做文本抽取 / skip free-text extraction"),
        no_analyse: bool = typer.Option(
            False, "--no-analyse", help="导入后不运行消歧和预警 / skip resolution and alerts"
        ),
        as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
    ) -> None:
        """导入数据文件 / load exports into the graph (streaming, quarantine, resumable)."""
        from graph_schema.store.falkor_server import default_data_dir
        from investigations.pipeline import ingest_and_analyse

        col_map = _load_mapping(mapping) if mapping else None
        data_dir = state.data_dir or default_data_dir()
        with store_session() as store, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} 条"),
            TimeElapsedColumn(), console=err_console, transient=True, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task("导入 / ingesting", total=None)

            def progress(file: str, done: int) -> None:
                bar.update(task, description=f"导入 {Path(file).name}", completed=done)

            result = ingest_and_analyse(
                store, paths, data_dir=Path(data_dir), source=source, mapping=col_map, batch_records=batch,
                quarantine_path=quarantine, progress=progress, use_nlp=not no_nlp, analyse=not no_analyse,
            )  # fmt: skip
        out = result.to_dict()
        if as_json:
            print_json(out)
        else:
            _print_report(out)
        if out["records_read"] == 0:
            reasons = [s["reason"] for s in out["skipped"]] + [f["error"] for f in out["files"] if f["error"]]
            raise UserError("没有读到任何记录 / nothing could be read" + (f": {reasons[0]}" if reasons else ""))


def _load_mapping(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: 映射文件不是合法 JSON / mapping is not valid JSON (line {exc.lineno})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UserError(f'{path}: 映射应为 {{"标准列名": "本地列名"}} / mapping must be an object of strings')
    return data


def _print_report(out: dict) -> None:
    rows = [
        [
            Path(f["file"]).name,
            f["source"],
            f["encoding"] or "",
            f["records_read"],
            f["records_loaded"],
            f["records_quarantined"],
        ]
        for f in out["files"]
    ]
    rows.append(["合计", "", "", out["records_read"], out["records_loaded"], out["records_quarantined"]])
    print_table(
        "导入结果 / ingest summary",
        ["文件", "来源", "编码", "读取", "入库", "隔离"],
        rows,
    )
    for s in out["skipped"]:
        console.print(f"跳过 / skipped {s['file']}: {s['reason']}", highlight=False)
    if out["records_quarantined"]:
        console.print(f"隔离记录见 / quarantined records: {out['quarantine']}", highlight=False)
    if out.get("analysis"):
        console.print(f"分析 / analysis: {json.dumps(out['analysis'], ensure_ascii=False)}", highlight=False)
