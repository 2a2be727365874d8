"""`ecograph export …`: evidence chains (here) and other exports added by other layers.

Other layers add commands to this Typer app with `@app.command(...)` in their
own module and import it here, or (preferred) register through `EXTRA_COMMANDS`
below, so this file stays the one place `export` is assembled.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from api.cli.common import (
    UserError,
    audit_cli,
    console,
    err_console,
    friendly_errors,
    os_account,
    print_json,
    state,
    store_session,
)

app = typer.Typer(help="导出 / exports: evidence chains, and more", no_args_is_help=True)

# (module, function name): a function `register(app)` that adds export sub-commands.
EXTRA_COMMANDS: list[tuple[str, str]] = [("api.cli.export_neo4j", "register")]


@app.command("evidence")
@friendly_errors
def evidence(
    from_key: str = typer.Option(..., "--from", help="起点实体键 / start key"),
    to_key: str = typer.Option(..., "--to", help="终点实体键 / end key"),
    fmt: str = typer.Option("json", "--format", "-f", help="json | pdf | docx"),
    out: Path = typer.Option(..., "--output", "-o", help="输出文件 / output file"),
    max_hops: int = typer.Option(4, "--max-hops", min=1, max=6),
    full_ids: bool = typer.Option(False, "--full-ids", help="不脱敏身份证号和电话 / do not mask IDs and phones"),
    by: str = typer.Option(None, "--by", help="记入导出的操作人（审计日志另记系统账号）/ who generated it"),
    case_no: str = typer.Option(None, "--case-no", help="案件编号（缺省取证据所引案件）"),
    case_name: str = typer.Option(None, "--case-name", help="案件名称（缺省取案由）"),
    agency: str = typer.Option(None, "--agency", help="办案单位（缺省取案件的办案单位）"),
    investigator: str = typer.Option(None, "--investigator", help="办案人"),
) -> None:
    """导出证据链 / export the evidence chain between two entities (SHA-256 of each source and of the export)."""
    import hashlib

    import api.http.queries  # noqa: F401  (named queries of the API and investigations layers)
    from api.export import build_evidence, finalize, render
    from api.export.render import FORMATS
    from api.security.masking import Masker
    from api.security.tokens import load_secret
    from graph_schema.store.falkor_server import default_data_dir

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UserError(f"格式应为 json、pdf 或 docx / format must be one of {FORMATS}")
    data_dir = Path(state.data_dir or default_data_dir())
    from api.export.evidence import case_header

    with store_session() as store:
        chain = build_evidence(store, from_key, to_key, max_hops=max_hops)
        header = case_header(store, chain, case_no=case_no, case_name=case_name, agency=agency)
    if not full_ids:
        chain = Masker(load_secret(data_dir)).mask(chain)
    chain = finalize(chain, generated_by=by or os_account(), header=header, investigator=investigator)
    body = render(chain, fmt)
    file_sha = hashlib.sha256(body).hexdigest()
    # The audit line names the OS account; the name given with --by is only a claim beside it.
    audit_cli(
        "export_evidence_cli", claimed_by=by, a=from_key, b=to_key, format=fmt, full_ids=full_ids,
        content_sha256=chain["sha256"], file_sha256=file_sha, file=str(out),
    )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    console.print(f"已导出 / exported {len(chain['hops'])} 跳 hops → {out}")
    console.print(f"内容 SHA-256 / content: {chain['sha256']}\n文件 SHA-256 / file: {file_sha}")


@app.command("verify")
@friendly_errors
def verify(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="导出的 PDF、DOCX 或 JSON 文件"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """校验导出文件：是否被改动，内容哈希，以及审计日志中是否有这次导出（退出码 1 表示被改动）。"""
    from api.export.seal import verify_file
    from api.security.audit import AuditLog
    from graph_schema.store.falkor_server import default_data_dir

    data_dir = Path(state.data_dir or default_data_dir())
    entries = None
    if (data_dir / "audit.jsonl").exists():
        entries = [e for e in AuditLog(data_dir).tail(100_000) if e.get("file_sha256")]
    report = verify_file(file, entries)
    if as_json:
        print_json(report.to_dict())
    elif report.ok:
        console.print(f"文件完整：{file}（{report.format.upper()}）", highlight=False)
        console.print(f"内容哈希 SHA-256：{report.content_sha256}\n文件 SHA-256：{report.file_sha256}", highlight=False)
        a = report.audit
        if a is not None:
            console.print(
                f"审计日志：本文件由 {a['by']} 于 {a['at']} 导出"
                if a["file_exported"]
                else "审计日志：没有本文件的导出记录",
                highlight=False,
            )
    else:
        err_console.print(f"[red]文件被改动或不是 ecograph 导出[/red]：{file}", highlight=False)
        for problem in report.problems:
            err_console.print(f"  {problem}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def _load_extras() -> None:
    for module_name, attr in EXTRA_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        getattr(module, attr)(app)


_load_extras()
