"""The transport guard: what every request meets before a router or a dependency reads it.

- Bodies are capped (`Settings.max_body_bytes`): a declared `Content-Length` above the cap
  is refused with 413 before the body is read, and a chunked body is counted as it streams
  and refused the moment it passes the cap; authentication cannot be made to wait behind a
  100 MB upload, since nothing buffers it.
- A NUL byte in the path, the query string or the body is refused with 400 and a Chinese
  message: no layer below expects one (the store's query parser fails on it).
- Security headers on every response: CSP (scripts and connections only from this origin,
  no framing, no plugins), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
  `Referrer-Policy: no-referrer`; API responses are `Cache-Control: no-store` (they carry
  personal data; a shared or browser cache must not keep them).
- 404 answers to a user of a role that sees masked data are counted
  (`api.security.probes`): enumeration of keys is throttled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

from api.security import roles

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The interactive API docs load Swagger UI / ReDoc with an inline script: no CSP there.
NO_CSP = ("/docs", "/redoc")
TOO_LARGE = "请求体过大（上限 {limit} 字节）/ request body too large (limit {limit} bytes)"
NUL_TEXT = "请求中含有非法的空字符（NUL）/ NUL byte in the request"


class BodyTooLarge(HTTPException):
    """Raised while the body streams in: an HTTPException, so FastAPI's body parsing passes it on."""

    def __init__(self, limit: int):
        super().__init__(413, TOO_LARGE.format(limit=limit))


class NulInBody(HTTPException):
    def __init__(self) -> None:
        super().__init__(400, NUL_TEXT)


def _has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"%00" in raw or b"\\u0000" in raw


class Guard:
    """Pure ASGI middleware (no buffering); `ctx()` is the app's AppContext."""

    def __init__(self, app, ctx: Callable[[], object]):
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        ctx = self.ctx()
        limit = int(ctx.settings.max_body_bytes)
        path = scope.get("path", "")
        api = path.startswith("/api/") or path == "/openapi.json"
        started = False

        async def send_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control" or not api]
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if not path.startswith(NO_CSP):
                    headers.append((b"content-security-policy", CSP.encode()))
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
                status = message["status"]
                user = (scope.get("state") or {}).get("user")
                if status == 404 and user is not None and not roles.cleared(user.role):
                    await run_in_threadpool(ctx.probes.missed, user.username)  # a SQLite commit
            await send(message)

        async def refuse(status: int, detail: str):
            body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
            await send_headers(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})

        raw_path = scope.get("raw_path") or path.encode("utf-8", "surrogatepass")
        if "\x00" in path or _has_nul(raw_path) or b"\x00" in unquote_to_bytes(scope.get("query_string") or b""):
            return await refuse(400, NUL_TEXT)
        for k, v in scope.get("headers") or []:
            if k == b"content-length" and v.isdigit() and int(v) > limit:
                return await refuse(413, TOO_LARGE.format(limit=limit))

        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    raise BodyTooLarge(limit)
                if _has_nul(chunk):
                    raise NulInBody()
            return message

        try:
            await self.app(scope, counted_receive, send_headers)
        except (BodyTooLarge, NulInBody) as exc:
            if started:
                raise
            await refuse(exc.status_code, exc.detail)
