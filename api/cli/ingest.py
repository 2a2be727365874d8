"""`ecograph ingest` and `ecograph export neo4j-import` — thin wrappers."""

from __future__ import annotations

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
from api.export.names import LABEL_NAMES


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

        col_map = _check_mapping(mapping) if mapping else None
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
        if out["records_loaded"] == 0 and all(f.get("unreadable") for f in out["files"]):
            # nothing but files that could not be read at all (each one quarantined record): a user error
            reasons = [f"{f['file']}: {f['error']}" for f in out["files"] if f["error"]]
            reasons += [f"{s['file']}: {s['reason']}" for s in out["skipped"]]
            raise UserError("没有读到任何记录 / nothing could be read" + (f": {reasons[0]}" if reasons else ""))


def _check_mapping(path: Path) -> Path:
    """Read the mapping once before any file, so a bad one is one error naming it, not a skip per file."""
    from etl.readers import load_mapping
    from etl.records import ReaderError

    try:
        load_mapping(path)
    except ReaderError as exc:
        raise UserError(str(exc)) from None
    return path


def _print_report(out: dict) -> None:
    """The run as an analyst reads it: per-file counts, where the rejects went, what the analyses found."""
    rows = [
        [
            Path(f["file"]).name,
            f["source"],
            f["encoding"] or "",
            f["records_read"],
            f["records_loaded"],
            f["records_quarantined"],
            f.get("records_with_warnings", 0),
        ]
        for f in out["files"]
    ]
    warned = sum(f.get("records_with_warnings", 0) for f in out["files"])
    rows.append(["合计", "", "", out["records_read"], out["records_loaded"], out["records_quarantined"], warned])
    print_table(
        "导入结果 / ingest summary",
        ["文件", "来源", "编码", "读取", "入库", "隔离", "有警告"],
        rows,
    )
    for f in out["files"]:
        if f.get("unreadable"):
            console.print(f"无法读取，已整体隔离 / unreadable, quarantined {f['file']}: {f['error']}", highlight=False)
        elif f["error"]:
            console.print(f"读取中断 / stopped reading {f['file']}: {f['error']}", highlight=False)
    for s in out["skipped"]:
        console.print(f"跳过 / skipped {s['file']}: {s['reason']}", highlight=False)
    if out["records_quarantined"]:
        console.print(f"隔离记录见 / quarantined records: {out['quarantine']}", highlight=False)
    for q in out.get("quarantine_earlier", []):
        console.print(f"中断前的导入隔离的记录见 / quarantined before an interruption: {q}", highlight=False)
    console.print(
        f"图谱新增 / created: 节点 {out['nodes_created']}，关系 {out['relationships_created']}"
        f"（写入 {out['nodes_written']} / {out['relationships_written']} 条，已有的只更新）；"
        f"用时 {out['seconds']:.1f} 秒",
        highlight=False,
    )
    if out["records_changed"]:
        console.print(
            f"内容有更新 / changed records: {out['records_changed']} 条；"
            f"撤回旧版本所述、新版本不再有的事实 {out['facts_retracted']} 条",
            highlight=False,
        )
    for line in _analysis_lines(out.get("analysis") or {}):
        console.print(line, highlight=False)


def _by_label(counts: dict[str, dict[str, int]], what: str) -> str:
    parts = [f"{LABEL_NAMES.get(label, label)} {n[what]}" for label, n in counts.items() if n[what]]
    return f"（{'、'.join(parts)}）" if parts else ""


def _analysis_lines(analysis: dict) -> list[str]:
    """Resolution and alert counts in words, with the command that shows each in full."""
    lines = []
    res = analysis.get("resolution")
    if res:
        by_label = res.get("by_label", {})
        lines.append(
            f"实体消歧 / resolution: 合并 {res['merges']} 处{_by_label(by_label, 'merges')}"
            + (" — 原因见 ecograph resolve explain KEY" if res["merges"] else "")
        )
        lines.append(
            f"疑似同一待人工确认 / to review: {res['suggestions']} 对{_by_label(by_label, 'suggestions')}"
            + (" — ecograph resolve suggestions" if res["suggestions"] else "")
        )
    if "alerts" in analysis:
        lines.append(f"预警 / alerts: {analysis['alerts']} 条" + (" — ecograph alerts" if analysis["alerts"] else ""))
    return lines
