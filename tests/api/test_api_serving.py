"""The request path's fixed costs: a plain ASGI audit middleware, dependencies that do no I/O on
the event loop, and the audit refusal (503) still in force through it."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import graph_fixture as G
import httpx
import psutil
import pytest
from starlette.middleware.base import BaseHTTPMiddleware

from api.http import deps
from api.http.auditing import MSG_AUDIT_DOWN, AuditMiddleware
from api.security.audit import AuditUnavailable


def test_no_base_http_middleware_and_cheap_dependencies_are_coroutines(app):
    classes = [m.cls for m in app.user_middleware]
    assert AuditMiddleware in classes
    assert not any(isinstance(c, type) and issubclass(c, BaseHTTPMiddleware) for c in classes)
    # a sync dependency costs a worker-thread hop per request
    for dep in (deps.get_ctx, deps.get_store, deps.current_user, deps.require("read")):
        assert inspect.iscoroutinefunction(dep), dep


def test_fastapi_telemetry_is_off_where_fastapi_has_it(app):
    """FastAPI's OpenTelemetry looked its providers up on every request; the audit log and
    Server-Timing are ecograph's record of requests."""
    from fastapi import FastAPI

    from api.http.app import _TELEMETRY_OFF

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        assert _TELEMETRY_OFF == {}  # an older FastAPI: nothing to turn off
        return
    config = app._telemetry
    assert not any(config[k] for k in ("tracing", "metrics", "logs", "operation_spans"))
    assert not app._native_telemetry.enabled()


def test_the_route_thread_sees_the_request_budget_and_timing(client, login):
    r = client.get("/api/search", params={"q": "张建国"}, headers=login("demo"))
    assert r.status_code == 200
    store = r.headers["server-timing"].split(",")[0]
    assert store.startswith("store;dur=") and int(store.split('desc="')[1].split()[0]) >= 1


@pytest.fixture
def break_audit(app, monkeypatch):
    """Call to make every audit append fail (log in before: a log-in is audited too)."""

    async def fail(event):
        raise AuditUnavailable("disk full")

    return lambda: monkeypatch.setattr(app.state.ctx.audit, "append_async", fail)


def test_a_read_whose_line_cannot_be_written_is_refused(client, login, break_audit):
    headers = login("demo")
    break_audit()
    r = client.get("/api/search", params={"q": "张建国"}, headers=headers)
    assert r.status_code == 503 and r.json() == {"detail": MSG_AUDIT_DOWN}
    assert "张建国" not in r.text


def test_a_write_whose_begin_line_cannot_be_written_does_not_run(client, login, app, break_audit):
    headers = login("admin")
    before = app.state.ctx.users.get("tmp-never")
    break_audit()
    r = client.post(
        "/api/users",
        json={"username": "tmp-never", "password": "a-long-password-1", "role": "analyst"},
        headers=headers,
    )
    assert r.status_code == 503 and r.json() == {"detail": MSG_AUDIT_DOWN}
    assert before is None and app.state.ctx.users.get("tmp-never") is None


def test_an_unhandled_error_is_audited_as_500(app):
    import httpx

    lines = []

    async def keep(event):
        lines.append(event)
        return event

    async def boom(scope, receive, send):
        raise RuntimeError("boom")

    mw = AuditMiddleware(boom, lambda: app.state.ctx)

    async def asgi(scope, receive, send):
        await mw({**scope, "app": app}, receive, send)

    app.state.ctx.audit.append_async, real = keep, app.state.ctx.audit.append_async
    try:

        async def go():
            transport = httpx.ASGITransport(app=asgi, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                return await c.get("/api/search?q=x")

        asyncio.run(go())
    finally:
        app.state.ctx.audit.append_async = real
    assert [e["status"] for e in lines] == [500]


def _hot_routes():
    return [
        ("/api/search", {"q": "张建国"}, "SearchOut"),
        ("/api/search", {"q": G.LEADER_ID}, "SearchOut"),  # refused for the analyst: an empty search
        (f"/api/entities/{G.TRUCK}/neighbours", {"hops": 2}, "GraphOut"),
        ("/api/paths", {"a": G.TRUCK, "b": G.CHEM, "max_hops": 4}, "PathsOut"),
        ("/api/paths", {"a": G.TRUCK, "b": G.OTHER_SITE, "max_hops": 4, "all_simple": "true"}, "PathsOut"),
    ]


def test_hot_routes_skip_response_validation_and_answer_what_it_would_make(client, login, monkeypatch):
    """Search, neighbours and paths return their answer serialised by orjson, without FastAPI's
    response validation; the answer is exactly what validating it against the route's model gives."""
    import fastapi.routing

    from api.http import schemas

    headers = {user: login(user) for user in ("demo", "investigator")}  # log-ins answer through validation
    validated = []
    real = fastapi.routing.serialize_response

    async def spy(**kwargs):
        validated.append(kwargs.get("field"))
        return await real(**kwargs)

    monkeypatch.setattr(fastapi.routing, "serialize_response", spy)
    for user in ("demo", "investigator"):
        for path, params, model in _hot_routes():
            r = client.get(path, params=params, headers=headers[user])
            assert r.status_code == 200 and r.headers["content-type"] == "application/json", r.text
            body = r.json()
            assert getattr(schemas, model).model_validate(body).model_dump(mode="json") == body, path
    assert validated == []
    assert client.get(f"/api/entities/{G.TRUCK}", headers=headers["demo"]).status_code == 200
    assert len(validated) == 1  # the other routes are unchanged


def test_serve_runs_uvicorn_with_httptools_uvloop_and_the_apis_share_of_the_cores(monkeypatch, tmp_path):
    """Half the cores (rounded up) with the embedded store, whose threads need the rest;
    every core when the store is elsewhere (Neo4j); `--workers` as given."""
    import os

    from typer.testing import CliRunner

    from api.cli.main import app as cli
    from api.http import serving

    calls = []
    monkeypatch.setattr(serving, "serve", lambda *a, **kw: calls.append(kw))
    for var in ("ECOGRAPH_DATA_DIR", "ECOGRAPH_TRUSTED_PROXIES", "ECOGRAPH_BACKEND"):  # serve sets them for the workers
        monkeypatch.setenv(var, os.environ.get(var, ""))
    cores = len(os.sched_getaffinity(0))
    for env, extra, workers in (("", [], (cores + 1) // 2), ("neo4j", [], cores), ("", ["--workers", "3"], 3)):
        monkeypatch.setenv("ECOGRAPH_BACKEND", env)
        res = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "serve", *extra])
        assert res.exit_code == 0, res.output
        kw = calls.pop()
        assert kw["http"] == "httptools" and kw["loop"] == "uvloop"
        assert kw["workers"] == workers, (env, extra)
    assert [serving.default_workers(n) for n in (1, 2, 3, 4, 16)] == [1, 1, 2, 2, 8]
    assert serving.default_workers(16, "neo4j") == 16 and serving.default_workers(2, "FalkorDB") == 1


def test_serve_spreads_connections_over_workers_whichever_is_awake(tmp_path):
    """With one shared listening socket, the worker awake when connections arrive accepts
    them all and keeps them (keep-alive): 35 / 15 of 50 benchmark clients.  Each worker
    listening on a socket of its own (SO_REUSEPORT) gets its share even while it is busy:
    one worker is stopped while 24 connections open, and still serves some of them."""
    proc, port = _serve(tmp_path, 2)
    conns: list[socket.socket] = []
    try:
        workers: list[psutil.Process] = []
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:  # both workers up and answering
            workers = [c for c in psutil.Process(proc.pid).children() if _listens(c, port)]
            time.sleep(0.2)
        assert len(workers) == 2, "two workers listening"
        _wait_answer(port, deadline)
        workers[0].send_signal(signal.SIGSTOP)
        try:
            for _ in range(24):
                conns.append(socket.create_connection(("127.0.0.1", port), timeout=30))
                conns[-1].sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
            time.sleep(0.5)  # the awake worker accepts whatever it is given
        finally:
            workers[0].send_signal(signal.SIGCONT)
        answers = [c.recv(4096).split(b"\r\n", 1)[0] for c in conns]
        assert answers == [b"HTTP/1.1 200 OK"] * 24
        served = {w.pid: _established(w, port) for w in workers}
        assert sum(served.values()) == 24 and min(served.values()) >= 1, served
    finally:
        for c in conns:
            c.close()
        proc.terminate()
        proc.wait(timeout=30)


def _serve(data_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """`ecograph serve` on a free port over `data_dir`, as users start it."""
    root = Path(__file__).resolve().parents[2]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--port", str(port), "--workers", str(workers)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return proc, port


def _the_worker(proc: subprocess.Popen, port: int) -> tuple[psutil.Process, float]:
    """The one worker of a server started with `--workers 1`, once it answers; and a deadline."""
    deadline = time.monotonic() + 60
    _wait_answer(port, deadline)
    (worker,) = [c for c in psutil.Process(proc.pid).children() if _listens(c, port)]
    return worker, deadline


def _listens(p, port: int) -> bool:
    return any(c.status == "LISTEN" and c.laddr.port == port for c in p.net_connections("tcp"))


def _established(p, port: int) -> int:
    return sum(c.status == "ESTABLISHED" and c.laddr.port == port for c in p.net_connections("tcp"))


def _wait_answer(port: int, deadline: float) -> None:
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server answers /api/health"
        time.sleep(0.2)


def test_fast_json_writes_what_the_store_may_hand_back():
    import json

    from api.http.responses import FastJSON

    class Odd:
        def __str__(self) -> str:
            return "odd"

    body = FastJSON({"名": "张建国", 7: float("nan"), "v": Odd(), "l": (1, 2)}).body
    assert json.loads(body) == {"名": "张建国", "7": None, "v": "odd", "l": [1, 2]}
    assert "张建国".encode() in body  # UTF-8, not \\u escapes


_FREEZE_PROBE = """
import gc, sys
from fastapi.testclient import TestClient
from api.http.app import create_app
from api.http.context import Settings
with TestClient(create_app(Settings(data_dir=sys.argv[1]))):
    built = gc.get_freeze_count(), gc.get_threshold()[0]
import api.http.asgi
with TestClient(api.http.asgi.app):
    served = gc.get_freeze_count(), gc.get_threshold()[0]
print(*built, *served)
"""


def test_the_served_app_freezes_its_startup_heap_and_an_app_built_in_tests_does_not(tmp_path):
    """A full collection of a started worker's ~100k long-lived objects stopped it for 20–90 ms
    under load (api/http/heap.py); the uvicorn entry freezes them at start-up. Run in a child
    process: frozen objects are never collected, which the test process must not suffer."""
    from api.http.heap import YOUNG_THRESHOLD

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "ECOGRAPH_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", _FREEZE_PROBE, str(tmp_path)], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    built_frozen, built_young, served_frozen, served_young = map(int, out.stdout.split())
    assert built_frozen == 0 and built_young != YOUNG_THRESHOLD
    assert served_frozen > 10_000 and served_young == YOUNG_THRESHOLD


def test_a_single_worker_that_dies_is_replaced(tmp_path):
    """The default on two cores is one worker (`serving.default_workers`): it runs under the
    supervisor too, so a worker killed (out of memory, kill -9) is started again."""
    proc, port = _serve(tmp_path, 1)
    try:
        worker, deadline = _the_worker(proc, port)
        worker.kill()
        worker.wait(timeout=10)
        replaced: list[psutil.Process] = []
        while not replaced and time.monotonic() < deadline:
            replaced = [c for c in psutil.Process(proc.pid).children() if c.pid != worker.pid and _listens(c, port)]
            time.sleep(0.2)
        assert replaced, "a new worker listens"
        _wait_answer(port, deadline)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_workers_end_when_their_supervisor_is_killed(tmp_path):
    """A supervisor killed outright (kill -9, the OOM killer) used to leave its workers serving
    the port, where a server started again shared connections with them (reuseport): each
    worker asks the kernel for SIGTERM when its supervisor dies, and ends as on a stop."""
    proc, port = _serve(tmp_path, 1)
    worker = None
    try:
        worker, _deadline = _the_worker(proc, port)
        proc.kill()
        proc.wait(timeout=10)
        worker.wait(timeout=20)  # psutil.TimeoutExpired when it outlives its supervisor
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
    finally:
        proc.kill()
        if worker is not None and worker.is_running():
            worker.kill()  # orphaned: no longer our child
