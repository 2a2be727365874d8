"""`ecograph resolve …`: entity resolution commands (no business logic here)."""

from __future__ import annotations

import typer

from api.cli import common
from api.cli.common import audited, friendly_errors, print_json, print_table, store_session

app = typer.Typer(help="实体消歧 / entity resolution", no_args_is_help=True)


@app.command("run")
@friendly_errors
def run(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """运行实体消歧：合并强标识相同的实体，其余给出疑似同一建议 / run the resolution pass."""
    from investigations.explore import refresh_search_index
    from resolution import resolve

    with store_session() as store:
        report = resolve(store)
        refresh_search_index(store)  # merged nodes written without the name-search property
    if as_json:
        print_json(report.to_dict(detail=True))
        return
    common.console.print(
        f"合并 {len(report.merges)} 个，疑似同一建议 {len(report.suggestions)} 条，用时 {report.seconds:.1f} 秒"
        f" / {len(report.merges)} merges, {len(report.suggestions)} suggestions",
        highlight=False,
    )
    if report.located is not None:
        loc = report.located
        common.console.print(
            f"地点归属 / located in: 按地名 {loc.by_name} 条，按坐标 {loc.by_coordinates} 条，新建村级地点 {loc.villages_created} 个",
            highlight=False,
        )
    rows = [[label, c["merges"], c["suggestions"]] for label, c in report.counts().items()]
    if rows:
        print_table("按类型 / by label", ["类型 label", "合并 merges", "建议 suggestions"], rows)


@app.command("explain")
@friendly_errors
@audited("cli_resolve_explain")
def explain(
    key: str = typer.Argument(..., help="实体键，如 company:91330522704523184E"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """说明一个实体为何是它：身份规则、标识、合并记录 / why a node is what it is."""
    from resolution import explain as explain_key

    with store_session() as store:
        info = explain_key(store, key)
    if as_json:
        print_json(info)
        return
    c = common.console
    if info["merged_into"]:
        c.print(f"{info['asked']} 已合并到 {info['key']} / was merged into {info['key']}", highlight=False)
    c.print(f"[bold]{info['key']}[/bold]  {info['display']} {info['name'] or ''}", highlight=False)
    c.print(f"身份规则 / identity rule: {info['identity_rule']}", highlight=False)
    c.print(f"本节点 / this node: {info['identity']}", highlight=False)
    if info["identifiers"]:
        c.print(f"标识 / identifiers: {info['identifiers']}", highlight=False)
    if info["linked_identifiers"]:
        c.print(f"关联强标识 / linked identifiers: {', '.join(info['linked_identifiers'])}", highlight=False)
    c.print(f"来源文书 / source documents: {info['source_documents']}", highlight=False)
    if info["aliases"]:
        print_table(
            "已合并的别名 / merged aliases",
            ["别名 alias", "名称 name", "规则 rule", "理由 reason"],
            [[a["alias"], a["name"] or "", a["rule"] or "", a["reason"] or ""] for a in info["aliases"]],
        )
    if info["possibly_same"]:
        print_table(
            "疑似同一 / possibly the same",
            ["实体 other", "名称 name", "分数 score", "理由 reason"],
            [[s["other"], s["name"] or "", s["score"], s["reason"] or ""] for s in info["possibly_same"]],
        )


@app.command("split")
@friendly_errors
def split(
    key: str = typer.Argument(..., help="合并后的实体键 / the canonical key"),
    aliases: list[str] = typer.Argument(..., help="要拆出的别名键 / alias keys to split off"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """撤销错误的合并 / undo a wrong merge."""
    from investigations.explore import refresh_search_index
    from resolution import split as split_alias

    results = []
    with store_session() as store:
        for alias in aliases:
            results.append(split_alias(store, key, alias))
        refresh_search_index(store)  # restored alias nodes
    if as_json:
        print_json({"splits": results})
        return
    for r in results:
        common.console.print(
            f"已从 {r['canonical']} 拆出 {r['alias']}，恢复 {r['restored_relationships']} 条关系"
            f" / split {r['alias']} off {r['canonical']}",
            highlight=False,
        )


@app.command("suggestions")
@friendly_errors
@audited("cli_resolve_suggestions")
def suggestions(
    limit: int = typer.Option(200, "--limit", help="最多显示条数 / at most this many"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """疑似同一实体清单，供研判人员确认 / POSSIBLY_SAME pairs for an analyst."""
    from resolution import suggestions as list_suggestions

    with store_session() as store:
        rows = list_suggestions(store, limit=limit)
    if as_json:
        print_json({"suggestions": rows})
        return
    if not rows:
        common.console.print("无疑似同一建议 / no suggestions")
        return
    print_table(
        "疑似同一 / possibly the same",
        ["A", "名称 A", "B", "名称 B", "分数 score", "理由 reason"],
        [[r["a"], r["a_name"] or "", r["b"], r["b_name"] or "", r["score"], r["reason"] or ""] for r in rows],
    )
