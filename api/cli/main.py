"""`ecograph` entry point: global options and the command groups."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import typer

from api.cli import common
from api.cli.common import friendly_errors, print_json, print_table, state, store_session

app = typer.Typer(
    name="ecograph",
    help="ecograph 生态警务情报图谱研判平台 — intelligence-graph workbench for eco-crime investigations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    data_dir: Path = typer.Option(None, "--data-dir", envvar="ECOGRAPH_DATA_DIR", help="数据目录 / data directory"),
    backend: str = typer.Option(None, "--backend", envvar="ECOGRAPH_BACKEND", help="falkordb (默认) 或 neo4j"),
) -> None:
    os.umask(0o077)  # everything ecograph writes (graph, quarantine, audit, users) is private: 0600 / 0700
    state.data_dir = data_dir
    state.backend = backend


@app.command()
@friendly_errors
def stats(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """图谱统计：按类型统计节点和关系数 / node and relationship counts by type."""
    with store_session() as store:
        result = store.stats()
    if as_json:
        print_json(result)
        return
    print_table("节点 Nodes", ["类型 label", "数量 count"], [[k, v] for k, v in result["nodes"].items()])
    print_table("关系 Relationships", ["类型 type", "数量 count"], [[k, v] for k, v in result["relationships"].items()])


@app.command()
@friendly_errors
@common.audited("cli_query")
def query(
    name: str = typer.Argument(..., help="命名查询 / named query"),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v 参数，可重复 / parameter, repeatable"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """运行命名查询 / run a named, parameterised query."""
    import api.cli.registry_setup  # noqa: F401  (registers every layer's .cypher folder)

    params = common.parse_params(param)
    with store_session() as store:
        rows = store.query(name, **params)
    if as_json:
        print_json({"query": name, "rows": rows})
        return
    if not rows:
        common.console.print("无结果 / no rows")
        return
    cols = list(rows[0].keys())
    print_table(name, cols, [[r.get(c) for c in cols] for r in rows])


@app.command()
@friendly_errors
def schema() -> None:
    """建立约束和索引（含全文索引）/ create the constraints and indexes, full-text included (idempotent).

    A graph loaded by `neo4j-admin database import` has data and no indexes: run this once
    before serving it, so name search works for users who never write."""
    with store_session() as store:
        store.setup_schema()
    common.console.print("约束和索引已就绪 / constraints and indexes are in place")


@app.command()
@friendly_errors
def wipe(yes: bool = typer.Option(False, "--yes", "-y", help="不再确认 / do not ask")) -> None:
    """清空图谱 / delete every node and relationship."""
    if not yes and not typer.confirm("确认清空整个图谱？/ Wipe the whole graph?"):
        raise typer.Exit(1)
    with store_session() as store:
        store.wipe()
    common.console.print("图谱已清空 / graph wiped")


server_app = typer.Typer(help="内置图数据库 / the embedded FalkorDB server")
app.add_typer(server_app, name="server")


@server_app.command("status")
@friendly_errors
def server_status(as_json: bool = typer.Option(False, "--json")) -> None:
    """服务状态 / is the embedded server running."""
    from graph_schema.store.falkor_server import count_servers, default_data_dir, ping, socket_path

    d = state.data_dir or default_data_dir()
    info = {"data_dir": str(d), "running": ping(d), "servers": count_servers(d), "socket": str(socket_path(d))}
    if as_json:
        print_json(info)
    else:
        common.console.print(info)


@server_app.command("stop")
@friendly_errors
def server_stop() -> None:
    """安全关闭内置图数据库 / clean shutdown of the embedded server."""
    from graph_schema.store.falkor_server import default_data_dir, stop_server

    stopped = stop_server(state.data_dir or default_data_dir())
    common.console.print("已关闭 / stopped" if stopped else "未在运行 / not running")


# Command groups contributed by other layers' interface modules: (module, attribute, name).
_SUBAPPS = [
    ("api.cli.ingest", "register", None),
    ("nlp.cli", "app", "nlp"),
    ("synthetic.cli", "app", "synth"),
    ("api.cli.resolve", "app", "resolve"),
    ("api.cli.investigate", "register", None),
    ("api.cli.export", "app", "export"),
    ("api.cli.users", "app", "users"),
    ("api.cli.audit", "app", "audit"),
    ("api.cli.serve", "register", None),
    ("api.cli.demo", "register", None),
]


def _mount() -> None:
    for module_name, attr, name in _SUBAPPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that layer's interface is not installed yet
            raise
        obj = getattr(module, attr)
        if name is None:
            obj(app)
        else:
            app.add_typer(obj, name=name)


_mount()
