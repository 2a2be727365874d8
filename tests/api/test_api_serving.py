"""The request path's fixed costs: a plain ASGI audit middleware, dependencies that do no I/O on
the event loop, and the audit refusal (503) still in force through it."""

from __future__ import annotations

import asyncio
import inspect

import graph_fixture as G
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


def test_serve_runs_uvicorn_with_httptools_uvloop_and_a_worker_per_core(monkeypatch, tmp_path):
    import os

    import uvicorn
    from typer.testing import CliRunner

    from api.cli.main import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    for var in ("ECOGRAPH_DATA_DIR", "ECOGRAPH_TRUSTED_PROXIES"):  # serve sets them for the workers
        monkeypatch.setenv(var, os.environ.get(var, ""))
    res = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "serve"])
    assert res.exit_code == 0, res.output
    (kw,) = calls
    assert kw["http"] == "httptools" and kw["loop"] == "uvloop"
    assert kw["workers"] == len(os.sched_getaffinity(0))


def test_fast_json_writes_what_the_store_may_hand_back():
    import json

    from api.http.responses import FastJSON

    class Odd:
        def __str__(self) -> str:
            return "odd"

    body = FastJSON({"名": "张建国", 7: float("nan"), "v": Odd(), "l": (1, 2)}).body
    assert json.loads(body) == {"名": "张建国", "7": None, "v": "odd", "l": [1, 2]}
    assert "张建国".encode() in body  # UTF-8, not \\u escapes
