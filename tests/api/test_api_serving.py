"""The request path's fixed costs: a plain ASGI audit middleware, dependencies that do no I/O on
the event loop, and the audit refusal (503) still in force through it."""

from __future__ import annotations

import asyncio
import inspect

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
