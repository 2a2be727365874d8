"""`ecograph audit …`: verify and read the tamper-evident audit log."""

from __future__ import annotations

import typer

from api.cli.common import console, err_console, friendly_errors, print_json, print_table, state

app = typer.Typer(help="审计日志 / the tamper-evident audit log", no_args_is_help=True)


def _log():
    from api.security.audit import AuditLog
    from graph_schema.store.falkor_server import default_data_dir

    return AuditLog(state.data_dir or default_data_dir())


@app.command("verify")
@friendly_errors
def verify(as_json: bool = typer.Option(False, "--json")) -> None:
    """校验哈希链：发现被修改、删除或截断的行 / detect edited, deleted or truncated lines (exit 1)."""
    res = _log().verify()
    if as_json:
        print_json(res.to_dict())
    elif res.ok:
        console.print(f"审计日志完整 / audit log intact: {res.lines} 行 lines")
    else:
        err_console.print(f"[red]审计日志被篡改 / audit log tampered[/red]: {len(res.problems)} 处问题 problems")
        for p in res.problems[:50]:
            err_console.print(f"  第 {p.get('line')} 行 line (seq {p.get('seq')}): {p['reason']}", highlight=False)
    if not res.ok:
        raise typer.Exit(1)


@app.command("show")
@friendly_errors
def show(
    limit: int = typer.Option(50, "--limit", "-n"),
    user: str = typer.Option(None, "--user"),
    action: str = typer.Option(None, "--action"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """最近的审计记录 / the latest entries, newest first."""
    rows = _log().tail(limit=limit, user=user, action=action)
    if as_json:
        print_json(rows)
        return
    print_table(
        "审计日志 Audit log",
        ["seq", "时间", "用户", "角色", "操作", "路径", "状态"],
        [
            [r.get("seq"), r.get("time"), r.get("user"), r.get("role"), r.get("action"), r.get("path"), r.get("status")]
            for r in rows
        ],
    )
