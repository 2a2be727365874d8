"""`create_app(settings)`: the API, the audit middleware and the web workbench's static files."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.context import AppContext, Settings
from api.http.deps import client_address
from api.http.guard import Guard
from api.http.routers import admin, analyses, auth, casefiles, explore, export, review
from api.security import roles
from api.security.audit import AuditUnavailable
from api.security.masking import mask_text
from graph_schema.store import QueryTimeout, StoreError, budget

AUDITED_PREFIX = "/api/"
NOT_AUDITED = {"/api/health"}
MSG_AUDIT_DOWN = "审计日志暂时无法写入，操作未执行，请联系管理员"
# Whole-graph analyses get the analysis budget; every other request the interactive one.
ANALYSIS_PREFIXES = ("/api/gangs", "/api/chains", "/api/upstream", "/api/alerts", "/api/water", "/api/export")
# npm packages the workbench loads (api/web/package.json), each served from its folder of browser builds
VENDOR = [
    ("cytoscape", "dist"),
    ("layout-base", ""),
    ("cose-base", ""),
    ("cytoscape-fcose", ""),
    ("cytoscape-dagre", "dist"),
    ("cytoscape-svg", ""),
]


def _action(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "name", None) or request.url.path


def _audit_event(request: Request, status: int, ms: float) -> dict:
    user = getattr(request.state, "user", None)
    event = {
        "user": user.username if user else getattr(request.state, "token_sub", None),
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
    event.update(getattr(request.state, "audit", None) or {})
    if event.get("budget_hit") is not None:
        event["outcome"] = "timeout"  # ended by its time budget (graph_schema/store/budget.py)
    return event


def _begin_event(request: Request) -> dict:
    """The line written before a changing request runs (the user is known only after auth)."""
    return {
        "phase": "begin",
        "action": request.url.path,
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.query_params),
        "client": client_address(request),
    }


def _masked(request: Request, text: str) -> str:
    """`text` masked unless the request's user is cleared to see identifiers."""
    user = getattr(request.state, "user", None)
    return text if user is not None and roles.cleared(user.role) else mask_text(text)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = AppContext.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        ctx.close()

    app = FastAPI(
        title="ecograph 生态警务情报图谱研判平台 API",
        version="0.1.0",
        description="搜索、展开、路径、团伙、链条、溯源、预警、复核与证据链导出。所有请求需登录（Bearer 令牌），并写入防篡改审计日志。",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.add_middleware(Guard, ctx=lambda: app.state.ctx)  # inside the audit middleware: its refusals are audited

    @app.middleware("http")
    async def audit_middleware(request: Request, call_next):
        """No audited request without its audit line.

        A request that may change something (any method but GET/HEAD) gets a `begin` line
        before it runs: when the log cannot be written, it does not run (503).  Every audited
        request gets its outcome line after; a read whose line cannot be written is answered
        503 instead of its data."""
        path = request.url.path
        if not path.startswith(AUDITED_PREFIX) or path in NOT_AUDITED:
            return await call_next(request)
        t0 = time.perf_counter()
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        if writes:
            try:
                await ctx.audit.append_async(_begin_event(request))
            except AuditUnavailable:
                return JSONResponse({"detail": MSG_AUDIT_DOWN}, status_code=503)
        status = 500
        # Every store read of this request ends by the request's budget, in the store
        # itself (graph_schema/store/budget.py); the worker thread inherits both context
        # variables, so a client that leaves cannot leave a query running past it.
        seconds = settings.analysis_budget_s if path.startswith(ANALYSIS_PREFIXES) else settings.request_budget_s
        with budget.deadline(seconds), budget.timing() as store_time:
            try:
                response = await call_next(request)
                status = response.status_code
                total_ms = (time.perf_counter() - t0) * 1000
                store_ms = store_time.seconds * 1000
                response.headers["Server-Timing"] = (
                    f'store;dur={store_ms:.1f};desc="{store_time.queries} queries", app;dur={total_ms - store_ms:.1f}'
                )
            finally:
                event = _audit_event(request, status, (time.perf_counter() - t0) * 1000)
                try:
                    await ctx.audit.append_async(event)
                    audited = True
                except AuditUnavailable:
                    audited = False
        if not audited and not writes:
            return JSONResponse({"detail": MSG_AUDIT_DOWN}, status_code=503)
        return response

    @app.exception_handler(QueryTimeout)
    async def query_timeout(request: Request, exc: QueryTimeout):
        d = getattr(request.state, "audit", None) or {}
        d["budget_hit"] = exc.budget_s
        request.state.audit = d
        return JSONResponse(
            {"detail": str(exc), "reason": "time_budget", "budget_s": exc.budget_s},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return JSONResponse({"detail": f"图数据库错误 / store error: {_masked(request, str(exc))}"}, status_code=503)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        # Last line of defence: no error text shows an identifier to a role that sees masked data.
        detail = _masked(request, exc.detail) if isinstance(exc.detail, str) else exc.detail
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # In Chinese, and without echoing the input (it may be an identifier in clear).
        errors = [
            {"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": _masked(request, str(e.get("msg", "")))}
            for e in exc.errors()
        ]
        fields = "、".join(str(e["loc"][-1]) for e in errors if e["loc"]) or "?"
        return JSONResponse({"detail": f"请求参数不合法：{fields} / invalid request", "errors": errors}, 422)

    for r in (auth, explore, analyses, review, export, admin, casefiles):
        app.include_router(r.router)

    @app.get("/api/health", tags=["运维 ops"], summary="存活检查 / liveness")
    def health() -> dict:
        return {"ok": True}

    _mount_web(app, settings.web_dir)
    return app


def _mount_web(app: FastAPI, web_dir: Path) -> None:
    web_dir = Path(web_dir)
    for name, sub in VENDOR:
        folder = web_dir / "node_modules" / name / sub
        if folder.is_dir():
            app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
    app.mount("/static", StaticFiles(directory=web_dir / "static"), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(web_dir / "static" / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/app", include_in_schema=False)
    def app_redirect() -> RedirectResponse:
        return RedirectResponse("/")
