"""The audit middleware: no audited request without its audit line, and each request's time budget.

A plain ASGI middleware, not Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`):
that one runs the app in a task of its own and pipes the response through a memory
stream, a cost every request paid for nothing here.  This one wraps `send`: the
response's start is held until the request's audit line is durable, then sent with the
request's `Server-Timing` (or, for a read whose line cannot be written, a 503 instead).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from api.http.deps import client_address
from api.security.audit import AuditUnavailable
from graph_schema.store import budget

__all__ = ["AuditMiddleware", "AUDITED_PREFIX", "NOT_AUDITED", "ANALYSIS_PREFIXES", "MSG_AUDIT_DOWN"]

AUDITED_PREFIX = "/api/"
NOT_AUDITED = {"/api/health"}
MSG_AUDIT_DOWN = "审计日志暂时无法写入，操作未执行，请联系管理员"
# Whole-graph analyses get the analysis budget; every other request the interactive one.
ANALYSIS_PREFIXES = ("/api/gangs", "/api/chains", "/api/upstream", "/api/alerts", "/api/water", "/api/export")
_READS = ("GET", "HEAD", "OPTIONS")


def _action(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "name", None) or request.url.path


def audit_event(request: Request, status: int, ms: float) -> dict[str, Any]:
    """The outcome line of one request (the user is known once authentication ran)."""
    state = request.scope.get("state") or {}
    user = state.get("user")
    event = {
        "user": user.username if user else state.get("token_sub"),
        "role": user.role.value if user else None,
        "action": _action(request),
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.query_params),
        "status": status,
        "outcome": "ok" if status < 400 else {401: "denied", 403: "denied", 429: "throttled"}.get(status, "error"),
        "client": client_address(request),
        "ms": round(ms, 1),
    }
    event.update(state.get("audit") or {})
    if event.get("budget_hit") is not None:
        event["outcome"] = "timeout"  # ended by its time budget (graph_schema/store/budget.py)
    return event


def begin_event(request: Request) -> dict[str, Any]:
    """The line written before a changing request runs (the user is known only after auth)."""
    return {
        "phase": "begin",
        "action": request.url.path,
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.query_params),
        "client": client_address(request),
    }


async def _send_json(send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


class AuditMiddleware:
    """No audited request without its audit line.

    A request that may change something (any method but GET/HEAD/OPTIONS) gets a `begin`
    line before it runs: when the log cannot be written, it does not run (503).  Every
    audited request gets its outcome line before its response starts; a read whose line
    cannot be written is answered 503 instead of its data.  `ctx()` is the app's AppContext.
    """

    def __init__(self, app, ctx: Callable[[], Any]):
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(AUDITED_PREFIX) or path in NOT_AUDITED:
            return await self.app(scope, receive, send)
        ctx = self.ctx()
        audit = ctx.audit
        request = Request(scope)
        t0 = time.perf_counter()
        writes = scope["method"] not in _READS
        if writes:
            try:
                await audit.append_async(begin_event(request))
            except AuditUnavailable:
                return await _send_json(send, 503, {"detail": MSG_AUDIT_DOWN})
        refused = False  # the outcome line of a read failed: its response is replaced by a 503
        audited = False

        async def send_audited(message):
            nonlocal refused, audited
            if message["type"] == "http.response.start":
                status = message["status"]
                total_ms = (time.perf_counter() - t0) * 1000
                store_ms = store_time.seconds * 1000
                timing = (
                    f'store;dur={store_ms:.1f};desc="{store_time.queries} queries", app;dur={total_ms - store_ms:.1f}'
                )
                audited = True
                try:
                    await audit.append_async(audit_event(request, status, (time.perf_counter() - t0) * 1000))
                except AuditUnavailable:
                    if not writes:
                        refused = True
                        return await _send_json(send, 503, {"detail": MSG_AUDIT_DOWN})
                headers = [*message.get("headers", ()), (b"server-timing", timing.encode("latin-1"))]
                message = {**message, "headers": headers}
            elif refused:
                return None
            await send(message)

        # Every store read of this request ends by the request's budget, in the store
        # itself (graph_schema/store/budget.py); worker threads inherit both context
        # variables, so a client that leaves cannot leave a query running past it.
        settings = ctx.settings
        seconds = settings.analysis_budget_s if path.startswith(ANALYSIS_PREFIXES) else settings.request_budget_s
        with budget.deadline(seconds), budget.timing() as store_time:
            try:
                await self.app(scope, receive, send_audited)
            except BaseException:
                if not audited:  # an unhandled error before any response: audited as a 500
                    audited = True
                    try:
                        await audit.append_async(audit_event(request, 500, (time.perf_counter() - t0) * 1000))
                    except AuditUnavailable:
                        pass
                raise
