"""Investigation commands: search, neighbours, path, timeline, docs, gangs, chains, upstream, alerts.

No logic here: each command calls one function of `investigations` and
prints its `to_dict()` (`--json`) or a table.
"""

from __future__ import annotations

import typer

from api.cli.common import UserError, audited, console, friendly_errors, print_json, print_table, store_session


def _labels(value: str | None) -> list[str] | None:
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    @audited("cli_search")
    def search(
        q: str = typer.Argument(..., help="名称、车牌、船号、信用代码或身份证号 / name, plate, vessel, code"),
        label: str = typer.Option(None, "--label", "-l", help="限定类型，逗号分隔 / labels, comma-separated"),
        limit: int = typer.Option(20, "--limit"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """模糊搜索实体 / fuzzy entity search."""
        from investigations.explore import search_entities

        with store_session() as store:
            res = search_entities(store, q, _labels(label), limit)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            f"搜索 {q}",
            ["key", "类型 label", "名称 name", "score"],
            [[h.key, h.label, h.name, h.score] for h in res.hits],
        )

    @app.command()
    @friendly_errors
    @audited("cli_neighbours")
    def neighbours(
        key: str = typer.Argument(..., help="实体键 / entity key, e.g. vehicle:浙E5G378"),
        hops: int = typer.Option(1, "--hops", "-k"),
        label: str = typer.Option(None, "--label", "-l", help="只走这些类型 / only these labels"),
        rel: str = typer.Option(None, "--rel", "-r", help="只走这些关系 / only these relationship types"),
        since: str = typer.Option(None, "--since"),
        until: str = typer.Option(None, "--until"),
        limit: int = typer.Option(200, "--limit"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """k 跳邻居 / neighbours within k hops, filtered by type and time."""
        from investigations.explore import neighbours as _neighbours

        with store_session() as store:
            res = _neighbours(store, key, hops, _labels(label), _labels(rel), since, until, limit)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            f"{key} 的邻居", ["key", "类型 label", "名称 name"], [[n["key"], n["label"], n["name"]] for n in res.nodes]
        )
        print_table("关系 edges", ["head", "type", "tail"], [[e["head"], e["type"], e["tail"]] for e in res.edges])

    @app.command()
    @friendly_errors
    @audited("cli_path")
    def path(
        a: str = typer.Argument(...),
        b: str = typer.Argument(...),
        max_hops: int = typer.Option(4, "--max-hops"),
        all_simple: bool = typer.Option(False, "--all", help="最短的若干条备选路径 / the k shortest alternatives"),
        limit: int = typer.Option(10, "--limit"),
        through_hubs: bool = typer.Option(False, "--through-hubs", help="经过枢纽节点展开 / expand through hubs"),
        budget_s: float = typer.Option(10.0, "--budget", min=0.1, help="时间预算（秒）/ time budget in seconds"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """两实体间的路径 / shortest path, or the k shortest alternatives, between two entities."""
        from investigations.explore import find_paths

        with store_session() as store:
            res = find_paths(store, a, b, max_hops, all_simple, limit, through_hubs=through_hubs, budget_s=budget_s)
        if as_json:
            print_json(res.to_dict())
            return
        if res.message:
            console.print(res.message)
        if not res.paths:
            return
        for p in res.paths:
            steps = [p["keys"][0]]
            for h, k in zip(p["hops"], p["keys"][1:]):
                steps.append(f"-[{h['type']}]- {k}")
            console.print(" ".join(steps), highlight=False)

    @app.command()
    @friendly_errors
    @audited("cli_timeline")
    def timeline(key: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
        """实体时间线 / an entity's timeline."""
        from investigations.explore import timeline as _timeline

        with store_session() as store:
            res = _timeline(store, key)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            f"{res.name} 时间线",
            ["时间 time", "关系 type", "对象 other", "文书 doc"],
            [[e["time"], e["type"], e["other"]["name"], e["doc"] or ""] for e in res.events],
        )

    @app.command()
    @friendly_errors
    @audited("cli_docs")
    def docs(key: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
        """提及该实体的文书及原文 / documents mentioning the entity, with quotes."""
        from investigations.explore import documents_for

        with store_session() as store:
            res = documents_for(store, key)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            f"{key} 相关文书",
            ["文书 doc", "时间 time", "原文 quote"],
            [[d["key"], d["time"] or "", " / ".join(q["quote"] for q in d["quotes"])[:120]] for d in res.documents],
        )

    @app.command()
    @friendly_errors
    @audited("cli_gangs")
    def gangs(
        min_size: int = typer.Option(3, "--min-size"),
        max_size: int | None = typer.Option(
            None, "--max-size", help="最大成员数，默认 30 / largest gang (default investigations.gangs.MAX_GANG_SIZE)"
        ),
        no_write: bool = typer.Option(False, "--no-write", help="不写回图谱 / do not write back"),
        as_json: bool = typer.Option(False, "--json"),
        by_member: bool = typer.Option(
            False, "--members", help="逐人列出入伙依据 / each member with the evidence that admitted them"
        ),
    ) -> None:
        """团伙发现 / detect gangs in the co-offending network."""
        from investigations.gangs import MAX_GANG_SIZE, detect_gangs

        max_size = MAX_GANG_SIZE if max_size is None else max_size
        if min_size < 2 or max_size < min_size:
            raise UserError("--min-size 至少 2 且不大于 --max-size / need 2 <= min-size <= max-size")
        import api.http.queries  # noqa: F401  (registers the API queries the two below run)
        from api.http.services import restore_memberships, reviewed_memberships

        with store_session() as store:
            reviewed = [] if no_write else reviewed_memberships(store)  # analysts' decisions survive a re-run
            res = detect_gangs(store, min_size=min_size, max_size=max_size, write_back=not no_write)
            restore_memberships(store, reviewed)
        if as_json:
            print_json(res.to_dict())
            return
        if by_member:
            print_table(
                "团伙成员及依据 Members and evidence",
                ["团伙 gang", "成员 member", "依据 evidence", "关联成员 with", "文书 docs"],
                [
                    [
                        g.id,
                        f"{m['name']}（首要）" if m["key"] == g.leader["key"] else m["name"],
                        "；".join(e["label"] for e in m.get("evidence", [])),
                        len({w for e in m.get("evidence", []) for w in e["with"]}),
                        len({d for e in m.get("evidence", []) for d in e["docs"]}),
                    ]
                    for g in res.gangs
                    for m in g.members
                ],
            )
            return
        print_table(
            "团伙 Gangs",
            ["id", "score", "首要 leader", "成员 members", "车辆 vehicles", "证据 evidence"],
            [
                [
                    g.id,
                    g.score,
                    g.leader["name"],
                    "、".join(str(m["name"]) for m in g.members),
                    " ".join(g.vehicles),
                    len(g.evidence),
                ]
                for g in res.gangs
            ],
        )

    @app.command()
    @friendly_errors
    @audited("cli_chains")
    def chains(
        company: str = typer.Option(None, "--company", help="单位键或信用代码 / company key or USCC"),
        site: str = typer.Option(None, "--site", help="地点键 / site key"),
        show_all: bool = typer.Option(False, "--all", help="包括未标记的链 / include unflagged chains"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """危废转移链 / waste chains producer → carrier → vehicle → receiver or dump site."""
        from investigations.chains import find_waste_chains, flag_name

        with store_session() as store:
            res = find_waste_chains(store, company=company, site=site, include_all=show_all)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            "危废链 Waste chains",
            ["score", "路径 path", "标记 flags", "证据 evidence"],
            [
                [
                    c.score,
                    " → ".join(str(n["name"]) for n in c.path),
                    "、".join(map(flag_name, c.flags)),
                    len(c.evidence),
                ]
                for c in res.chains
            ],
        )

    @app.command()
    @friendly_errors
    @audited("cli_upstream")
    def upstream(
        station_id: str = typer.Argument(..., help="监测站点编号 / station id, e.g. JC-CX-01"),
        indicator: str = typer.Option(None, "--indicator", help="只看该指标的超标 / only this indicator's exceedances"),
        at: str = typer.Option(
            None, "--time", help="只看该时间前后 3 天的超标 / exceedances within 3 days of this time"
        ),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """水污染溯源 / outfalls upstream of a station, best first."""
        from investigations.water import upstream_candidates

        with store_session() as store:
            res = upstream_candidates(store, station_id, indicator, at)
        if as_json:
            print_json(res.to_dict())
            return
        print_table(
            f"{res.station} 上游排口",
            ["排口 outfall", "单位 company", "hops", "score", "匹配 match", "投诉 complaints"],
            [
                [
                    c.outfall,
                    c.company.get("name") or "",
                    c.hops,
                    c.score,
                    ",".join(c.details["pollutant_match"]),
                    len(c.details["complaints"]),
                ]
                for c in res.candidates
            ],
        )

    @app.command()
    @friendly_errors
    @audited("cli_alerts")
    def alerts(
        run: bool = typer.Option(False, "--run", help="先运行检测器 / run the detectors first"),
        kind: str = typer.Option(None, "--kind"),
        min_score: float = typer.Option(0.0, "--min-score"),
        limit: int = typer.Option(None, "--limit"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """预警列表 / alerts with their evidence and score."""
        import api.http.queries  # noqa: F401  (the workbench's alert decisions are read by a named query)
        from investigations.alert_review import review_summary
        from investigations.alerts import kind_name, list_alerts, run_detectors

        with store_session() as store:
            if run:
                run_detectors(store)
            res = list_alerts(store, kind=kind, min_score=min_score, limit=limit)
            decided = {r["key"]: r for r in store.query("api_alert_statuses")}
        rows = [{**a.to_dict(), **{k: x for k, x in decided.get(a.key, {}).items() if k != "key"}} for a in res]
        review = review_summary(rows)
        if as_json:
            print_json({"alerts": rows, "review": review})
            return
        print_table(
            "预警 Alerts",
            ["评分 score", "类型 kind", "说明 title", "证据 evidence"],
            [[a.score, kind_name(a.kind), a.title, len(a.evidence)] for a in res],
        )
        p = review["precision"]
        console.print(
            f"分析员处置：确认 {review['acknowledged']}、指派 {review['assigned']}、排除 {review['dismissed']}、"
            f"待处置 {review['open']}" + (f"；按处置计的准确率 {p:.2f}" if p is not None else ""),
            highlight=False,
        )
