"""Shared CLI plumbing: options, the store, output, and one-line errors.

Why: every command must print a clear one-line error (Chinese + English) and
exit non-zero on a user mistake, never a traceback; and every reporting
command takes `--json`.  Centralising it keeps the commands three lines long.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from graph_schema.store import GraphStore, StoreError, open_store

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit code 2."""


class AppState:
    data_dir: Path | None = None
    backend: str | None = None


state = AppState()


def os_account() -> str:
    """The operating-system account running this command: who the audit log names for the CLI.

    *Why not a name the user types*: `--by 张三` is a claim; the account is what the machine
    knows.  The claim is kept beside it (`claimed_by`)."""
    import getpass

    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"os:uid{os.getuid()}"


def audit_cli(action: str, **fields: Any) -> None:
    """Append the audit line of a CLI read or write of personal data, before anything is shown.

    When the line cannot be written the command stops (exit 2) and shows nothing."""
    from api.security.audit import AuditLog, AuditUnavailable
    from graph_schema.store.falkor_server import default_data_dir

    event = {"user": os_account(), "role": "cli", "via": "cli", "action": action, "status": 200, **fields}
    try:
        AuditLog(state.data_dir or default_data_dir()).append(event)
    except AuditUnavailable as exc:
        raise UserError(f"{exc}；为保证可追溯，本次操作未执行") from None


_NOT_AUDITED_ARGS = {"as_json", "password"}


def audited(action: str) -> Callable[[F], F]:
    """Decorator for a CLI command that shows personal data: its audit line (the command and its
    arguments, never a password) is written before it runs."""

    def deco(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            shown = {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items() if k not in _NOT_AUDITED_ARGS}
            audit_cli(action, args=shown)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco


@contextmanager
def store_session() -> Iterator[GraphStore]:
    store = open_store(state.backend, state.data_dir)
    try:
        yield store
    finally:
        store.close()


def friendly_errors(func: F) -> F:
    """Turn expected failures into one line on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except (UserError, FileNotFoundError, IsADirectoryError, PermissionError, ValueError) as exc:
            err_console.print(f"[red]错误 / error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except StoreError as exc:
            err_console.print(f"[red]图数据库错误 / store error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(3) from None
        except KeyboardInterrupt:
            err_console.print("已中断 / interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for col in columns:
        # fold, never elide: a key cut to "site:余英…" cannot be looked up (`resolve explain KEY`)
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*[str(c) for c in row])
    console.print(table)


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`k=v` pairs; values parse as JSON when they can (numbers, lists), else stay text."""
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserError(f"参数格式应为 k=v / parameter must look like k=v: {pair!r}")
        k, v = pair.split("=", 1)
        try:
            out[k.strip()] = json.loads(v)
        except json.JSONDecodeError:
            out[k.strip()] = v
    return out
