"""`create_app(settings)`: the API, the audit middleware and the web workbench's static files."""

from __future__ import annotations

import inspect
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.auditing import AuditMiddleware
from api.http.context import AppContext, Settings
from api.http.guard import Guard
from api.http.heap import settle_heap
from api.http.routers import admin, analyses, auth, casefiles, explore, export, review
from api.security import roles
from api.security.masking import mask_text
from graph_schema.store import QueryTimeout, StoreError

# npm packages the workbench loads (api/web/package.json), each served from its folder of browser builds
VENDOR = [
    ("cytoscape", "dist"),
    ("layout-base", ""),
    ("cose-base", ""),
    ("cytoscape-fcose", ""),
    ("cytoscape-dagre", "dist"),
    ("cytoscape-svg", ""),
]


# FastAPI's own OpenTelemetry (newer releases) looks its providers up on every request, a few
# per cent of a search's CPU; ecograph keeps its own record of requests (the audit log and
# each response's Server-Timing), so it is off where the installed FastAPI has it.
_TELEMETRY_OFF = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}}
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters
    else {}
)


def _masked(request: Request, text: str) -> str:
    """`text` masked unless the request's user is cleared to see identifiers."""
    user = getattr(request.state, "user", None)
    return text if user is not None and roles.cleared(user.role) else mask_text(text)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = AppContext.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.settle_heap:
            settle_heap()
        yield
        ctx.close()

    app = FastAPI(
        title="ecograph 生态警务情报图谱研判平台 API",
        version="0.1.0",
        description="搜索、展开、路径、团伙、链条、溯源、预警、复核与证据链导出。所有请求需登录（Bearer 令牌），并写入防篡改审计日志。",
        lifespan=lifespan,
        **_TELEMETRY_OFF,
    )
    app.state.ctx = ctx
    app.add_middleware(Guard, ctx=lambda: app.state.ctx)  # inside the audit middleware: its refusals are audited
    app.add_middleware(AuditMiddleware, ctx=lambda: app.state.ctx)

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
