"""`ecograph serve`: the API and the web workbench (uvicorn)."""

from __future__ import annotations

import typer

from api.cli.common import console, friendly_errors, state


def serving_options() -> dict[str, str]:
    """uvicorn's C HTTP parser (httptools) and event loop (uvloop), both dependencies: named
    outright rather than left to uvicorn's `auto`, which falls back silently to the pure-Python
    h11 parser and asyncio's loop when they are missing; only then is `auto` kept."""
    from importlib.util import find_spec

    return {
        "http": "httptools" if find_spec("httptools") else "auto",
        "loop": "uvloop" if find_spec("uvloop") else "auto",
    }


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / bind address"),
        port: int = typer.Option(8765, "--port", help="端口 / port"),
        workers: int = typer.Option(
            0,
            "--workers",
            min=0,
            help="进程数，0 为自动：内置图库时取核数一半（向上取整），Neo4j 时取核数"
            " / worker processes (0: half the cores, rounded up, with the embedded store; every core with Neo4j)",
        ),
        log_level: str = typer.Option("warning", "--log-level"),
        trusted_proxy: list[str] = typer.Option(
            [],
            "--trusted-proxy",
            envvar="ECOGRAPH_TRUSTED_PROXIES",
            help="信任其 X-Forwarded-For 的反向代理地址（可多次）/ reverse proxy whose X-Forwarded-For is trusted",
        ),  # fmt: skip
    ) -> None:
        """启动研判工作台和 API / serve the web workbench and the API (docs at /docs)."""
        import os

        from api.http.serving import default_workers
        from api.http.serving import serve as serve_app
        from graph_schema.store import backend_name, budget
        from graph_schema.store.falkor_server import default_data_dir

        # The API's share of the cores this process may run on (`default_workers`: the
        # embedded store's threads need the rest).
        workers = workers or default_workers(len(os.sched_getaffinity(0)), backend_name(state.backend))

        data_dir = state.data_dir or default_data_dir()
        os.environ["ECOGRAPH_DATA_DIR"] = str(data_dir)
        if state.backend:
            os.environ["ECOGRAPH_BACKEND"] = state.backend
        proxies = [p.strip() for x in trusted_proxy for p in x.split(",") if p.strip()]
        os.environ["ECOGRAPH_TRUSTED_PROXIES"] = ",".join(proxies)
        console.print(f"研判工作台 / workbench: http://{host}:{port}/   API 文档 / docs: http://{host}:{port}/docs")
        console.print(f"数据目录 / data dir: {data_dir}   进程数 / workers: {workers}")
        # On SIGTERM uvicorn waits for requests in flight; each ends within its time budget
        # (store-side), so the wait is bounded: a stuck request cannot keep the server up.
        # Several workers each listen on a socket of their own (api.http.serving: why).
        serve_app(
            "api.http.asgi:app", host=host, port=port, workers=workers, log_level=log_level, factory=False,
            **serving_options(),
            proxy_headers=False,  # the app itself trusts X-Forwarded-For only from --trusted-proxy
            timeout_graceful_shutdown=int(budget.INTERACTIVE_S) + 1,
        )  # fmt: skip
