"""`create_app(settings)`: the API, the audit middleware and the web workbench's static files."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.http.context import AppContext, Settings
from api.http.routers import admin, analyses, auth, casefiles, explore, export, review
from graph_schema.store import StoreError

AUDITED_PREFIX = "/api/"
NOT_AUDITED = {"/api/health"}
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
        "client": request.client.host if request.client else None,
        "ms": round(ms, 1),
    }
    event.update(getattr(request.state, "audit", None) or {})
    return event


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

    @app.middleware("http")
    async def audit_middleware(request: Request, call_next):
        t0 = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            path = request.url.path
            if path.startswith(AUDITED_PREFIX) and path not in NOT_AUDITED:
                event = _audit_event(request, status, (time.perf_counter() - t0) * 1000)
                await run_in_threadpool(ctx.audit.append, event)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return JSONResponse({"detail": f"图数据库错误 / store error: {exc}"}, status_code=503)

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
