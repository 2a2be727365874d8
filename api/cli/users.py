"""`ecograph users …`: accounts and shares (stored in users.db in the data dir)."""

from __future__ import annotations

import typer

from api.cli.common import UserError, console, friendly_errors, print_json, print_table, state

app = typer.Typer(help="用户与共享 / users, roles and shares", no_args_is_help=True)


def _store():
    from api.security.users import UserStore
    from graph_schema.store.falkor_server import default_data_dir

    return UserStore(state.data_dir or default_data_dir())


@app.command("add")
@friendly_errors
def add(
    username: str = typer.Argument(..., help="用户名 / username"),
    role: str = typer.Option(
        ..., "--role", "-r", help="investigator 侦查员 | analyst 情报研判 | prosecutor 检察官 | admin"
    ),
    password: str = typer.Option(
        None, "--password", "-p", help="密码（缺省时交互输入）/ password (prompted when absent)"
    ),
    display_name: str = typer.Option("", "--name", help="显示名 / display name"),
    replace: bool = typer.Option(False, "--replace", help="覆盖已有用户 / replace an existing user"),
) -> None:
    """新增用户 / add a user (password hashed with Argon2id)."""
    if password is None:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    user = _store().add(username, password, role, display_name, replace=replace)
    console.print(f"已添加 / added: {user.username} ({user.role.value})")


@app.command("list")
@friendly_errors
def list_users(as_json: bool = typer.Option(False, "--json")) -> None:
    """用户列表 / list users."""
    users = _store().list()
    if as_json:
        print_json([{**u.to_dict(), "disabled": u.disabled} for u in users])
        return
    print_table(
        "用户 Users",
        ["用户名", "角色", "显示名", "停用"],
        [[u.username, u.role.value, u.display_name, u.disabled] for u in users],
    )


@app.command("disable")
@friendly_errors
def disable(username: str, enable: bool = typer.Option(False, "--enable", help="重新启用 / re-enable")) -> None:
    """停用（或 --enable 启用）用户 / disable or re-enable a user."""
    if not _store().set_disabled(username, not enable):
        raise UserError(f"没有该用户 / no such user: {username}")
    console.print("已启用 / enabled" if enable else "已停用 / disabled")


@app.command("passwd")
@friendly_errors
def passwd(username: str, password: str = typer.Option(None, "--password", "-p")) -> None:
    """修改密码 / change a password."""
    if password is None:
        password = typer.prompt("新密码 / new password", hide_input=True, confirmation_prompt=True)
    if not _store().set_password(username, password):
        raise UserError(f"没有该用户 / no such user: {username}")
    console.print("密码已更新 / password changed")


@app.command("share")
@friendly_errors
def share(
    username: str = typer.Argument(..., help="检察官用户名 / the prosecutor"),
    case: str = typer.Option(None, "--case", help="案件文书键 / case document key, e.g. doc:case:AJ2024001"),
    chain: str = typer.Option(None, "--chain", help="链条 id / chain id"),
    key: list[str] = typer.Option([], "--key", help="链条上的实体键，可重复 / keys on the chain"),
    revoke: bool = typer.Option(False, "--revoke", help="取消共享 / revoke"),
) -> None:
    """向检察官共享案件或链条 / share a case or a chain with a prosecutor."""
    if bool(case) == bool(chain):
        raise UserError("请指定 --case 或 --chain 之一 / give exactly one of --case or --chain")
    kind, ref = ("case", case) if case else ("chain", chain)
    store = _store()
    if revoke:
        ok = store.unshare(username, kind, ref)
        console.print("已取消 / revoked" if ok else "没有该共享 / no such share")
        return
    store.share(username, kind, ref, "cli", list(key))
    console.print(f"已共享 / shared {kind} {ref} → {username}")


@app.command("demo")
@friendly_errors
def demo(as_json: bool = typer.Option(False, "--json")) -> None:
    """创建演示账号 / create the demo accounts (idempotent) and print them."""
    from api.security.users import ensure_demo_users
    from graph_schema.store.falkor_server import default_data_dir

    creds = ensure_demo_users(state.data_dir or default_data_dir())
    if as_json:
        print_json(creds)
        return
    print_table(
        "演示账号 Demo users", ["用户名", "密码", "角色"], [[c["username"], c["password"], c["role"]] for c in creds]
    )
