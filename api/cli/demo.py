"""`ecograph demo` — prints what `investigations.demo.run_demo` found and how to look at it."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
    def demo(
        seed: int = typer.Option(20240521, help="生成数据的随机种子 / generator seed"),
        scale: int = typer.Option(1, min=1, help="数据规模 / bundle scale"),
        as_json: bool = typer.Option(False, "--json"),
        replace_data: bool = typer.Option(
            False, "--replace-data", help="清空一个非演示的非空数据目录并改作演示目录 / wipe a non-demo data directory"
        ),
    ) -> None:
        """演示：生成模拟数据、导入、研判，并与预置真相对比 / generate, ingest, investigate, compare with truth."""
        from api.security.users import ensure_demo_users, is_demo_dir, mark_demo_dir
        from investigations.demo import run_demo

        data_dir = Path(state.data_dir or default_demo_dir())
        if not is_demo_dir(data_dir) and _holds_anything(data_dir) and not replace_data:
            raise UserError(
                f"数据目录 {data_dir} 不是演示目录且已有数据：演示会清空图谱并建立公开密码的演示账号，已拒绝。"
                "请用 --data-dir 指定一个空目录（或不指定，使用默认演示目录），确需覆盖时加 --replace-data。"
            )
        mark_demo_dir(data_dir)
        state.data_dir = data_dir
        with store_session() as store, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
            transient=True, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task("生成并导入模拟数据 / generating and ingesting", total=None)
            report = run_demo(
                store, data_dir, seed=seed, scale=scale,
                progress=lambda f, n: bar.update(task, description=f"导入 {Path(f).name} ({n})"),
            )  # fmt: skip
        users = ensure_demo_users(data_dir)
        out = {**report.to_dict(), "users": users}
        if as_json:
            print_json(out)
            return
        _print(out, data_dir)


def default_demo_dir() -> Path:
    """Where `ecograph demo` puts its data unless told: beside, never in, the real data directory."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ecograph-demo"


def _holds_anything(data_dir: Path) -> bool:
    return data_dir.is_dir() and any(data_dir.iterdir())


def _print(out: dict, data_dir: Path) -> None:
    ing = out["ingest"]
    console.print(f"[bold]模拟数据 / bundle[/bold]: {out['bundle']}", highlight=False)
    console.print(
        f"导入 / ingest: 读取 {ing['records_read']} 条，入库 {ing['records_loaded']} 条，隔离 {ing['records_quarantined']} 条"
        f"（{ing['quarantine']}）",
        highlight=False,
    )
    print_table("节点 Nodes", ["类型", "数量"], [[k, v] for k, v in out["stats"]["nodes"].items()])
    print_table("关系 Relationships", ["类型", "数量"], [[k, v] for k, v in out["stats"]["relationships"].items()])
    g = out["gangs"]
    console.print(
        f"[bold]团伙 / gangs[/bold]: 预置 {g['planted']} 个，发现 {g['found']} 个；"
        f"成员 Jaccard≥0.8 找回 {g['recovered_jaccard_ge_0_8']}/{g['planted']}，头目正确 {g['leaders_right']}/{g['planted']}",
        highlight=False,
    )
    print_table(
        "团伙对比 / gangs vs planted",
        ["预置", "人数", "Jaccard", "头目正确", "对应发现"],
        [[r["planted"], r["size"], r["jaccard"], "是" if r["leader_ok"] else "否", r["found"]] for r in g["per_gang"]],
    )
    c = out["chains"]
    console.print(
        f"[bold]危废链条 / waste chains[/bold]: 预置 {c['planted']} 条，找回 {c['recovered']} 条（共输出 {c['found_chains']} 条）",
        highlight=False,
    )
    if out["water"]:
        print_table(
            "水污染溯源 / upstream sources",
            ["监测站", "指标", "预置源", "排名第一", "单位", "正确"],
            [
                [
                    w["station"],
                    w["indicator"],
                    w["planted_source"],
                    w["ranked_first"],
                    w["company"],
                    "是" if w["correct"] else "否",
                ]
                for w in out["water"]
            ],
        )
    from investigations.alerts import kind_name, planted_kind_name

    a = out["alerts"]
    kinds = "、".join(f"{kind_name(k)} {n}" for k, n in sorted(a["by_kind"].items(), key=lambda kv: -kv[1]))
    console.print(f"[bold]预警 / alerts[/bold]: {a['total']} 条（{kinds}）", highlight=False)
    truth = a.get("precision_vs_truth")
    if truth:
        missed = "、".join(f"{planted_kind_name(k)} {n}" for k, n in sorted(truth.get("missed", {}).items()))
        console.print(
            f"  对照预置真相 / vs planted: 命中 {truth['true_positive']}，误报 {truth['false_positive']}，"
            f"无对应 {truth['unmatched']}；准确率 {truth['precision']:.2f}，召回率 {truth['recall']:.2f}"
            + (f"；未发现 {missed}" if missed else ""),
            highlight=False,
        )
    steps = {"generate": "生成", "wipe": "清空", "ingest+resolve+alerts": "导入+消歧+预警", "gangs": "团伙",
             "chains": "链条", "upstream": "溯源"}  # fmt: skip
    spent = "，".join(f"{steps.get(k, k)} {v:.2f}" for k, v in out["seconds"].items())
    console.print(f"耗时（秒）/ seconds: {spent}", highlight=False)
    console.print("\n[bold]下一步 / what next[/bold]:")
    console.print(
        f"  ecograph --data-dir {data_dir} serve      # 打开研判工作台 http://127.0.0.1:8765", highlight=False
    )
    for u in out["users"]:
        console.print(f"  用户 {u.get('username')} / 密码 {u.get('password')} （{u.get('role')}）", highlight=False)
    console.print("  ecograph gangs | chains | alerts | stats   # 命令行查看", highlight=False)
