"""Dependencies: the app context, the current user (bearer JWT), role checks, masking and scope.

A `Viewer` is what routers get: the user, `show()` to mask identifiers for
roles not cleared to see them, `key()` to turn a masked key from the client
back into the real one, and `check()`/`visible()` for a prosecutor's scope.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from api.http import services
from api.http.context import AppContext
from api.security import masking, roles
from api.security.tokens import TokenError, decode
from api.security.users import User
from graph_schema.store import GraphStore

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


# Dependencies that do no I/O are `async def`: FastAPI runs a sync dependency on a worker
# thread, a hop (and a slot of the thread pool) per dependency per request.


async def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx


async def get_store(ctx: AppContext = Depends(get_ctx)) -> GraphStore:
    return ctx.store  # opened once per process (AppContext.store); a request seldom meets the open


def client_address(request: Request) -> str | None:
    """The client's address for the log-in throttle and the audit log.

    The socket peer, unless that peer is one of `Settings.trusted_proxies`: then the
    right-most `X-Forwarded-For` entry that is not itself a trusted proxy.  Off by
    default (no trusted proxies), so a client cannot pick its own address by sending
    the header — which would bypass the per-client throttle, forge the audited client
    and let anyone lock any account out.
    """
    peer = request.client.host if request.client else None
    trusted = set(request.app.state.ctx.settings.trusted_proxies or ())
    if peer is None or peer not in trusted:
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return peer


async def current_user(
    request: Request, token: str | None = Depends(oauth2), ctx: AppContext = Depends(get_ctx)
) -> User:
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "未登录 / not authenticated", {"WWW-Authenticate": "Bearer"})
    # A token checked in the last `user_cache_s` seconds is not decoded and looked up again
    # (a workbench fires several requests per click); a disabled user is refused within it.
    # A hit is answered on the event loop; only a miss (users.db) goes to a worker thread.
    hit = ctx.cache.setdefault("tokens", {}).get(token)
    if hit is not None and time.monotonic() < hit[0]:
        request.state.token_sub, request.state.user = hit[1].username, hit[1]
        return hit[1]
    return await run_in_threadpool(_check_token, request, token, ctx)


def _check_token(request: Request, token: str, ctx: AppContext) -> User:
    """Decode the token and look its user up (users.db); remember the answer for `user_cache_s`."""
    cache = ctx.cache.setdefault("tokens", {})
    try:
        claims = decode(ctx.secret, token)
    except TokenError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc), {"WWW-Authenticate": "Bearer"}) from None
    request.state.token_sub = claims.get("sub")
    user = ctx.users.get(str(claims["sub"]))
    if user is None or user.disabled:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户不存在或已停用 / unknown or disabled user")
    if claims.get("ver", 0) != user.token_version:  # password changed, account disabled or replaced since
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "登录已失效，请重新登录", {"WWW-Authenticate": "Bearer"})
    request.state.user = user
    if len(cache) > 10000:
        cache.clear()
    ttl = min(ctx.settings.user_cache_s, float(claims.get("exp", float("inf"))) - time.time())  # never past expiry
    cache[token] = (time.monotonic() + ttl, user)
    return user


@dataclass
class Viewer:
    user: User
    ctx: AppContext
    request: Request

    @property
    def cleared(self) -> bool:
        return roles.cleared(self.user.role)

    @property
    def scoped(self) -> bool:
        return roles.scoped(self.user.role)

    def show(self, data: Any) -> Any:
        return data if self.cleared else self.ctx.masker.mask(data)

    def key(self, key: str) -> str:
        """Key from the client → the real key.

        A tagged masked key resolves through the masker.  For a role that sees masked
        data, a key holding an identifier in clear (`person:<ID>`, `phone:<digits>`)
        and a tag that does not resolve both become the key's masked form, which no
        node has: the route then answers exactly as for an unknown key (same status,
        same body, the same store lookup), whether or not the person exists — no
        existence oracle.  Cleared roles may name identifiers outright.
        """
        store = self.ctx.store

        def lookup(prefix: str, suffix: str) -> list[str]:
            return [r["key"] for r in store.query("api_keys_like", prefix=prefix, suffix=suffix)]

        try:
            real = self.ctx.masker.unmask_key(key, lookup)
        except KeyError:
            return masking.mask_text(key.rsplit(masking.TAG_SEP, 1)[0])
        if real == key and not self.cleared and masking.has_identifier(key):
            self.note(identifier_refused=True)
            return masking.mask_text(key)
        return real

    async def akey(self, key: str) -> str:
        """`key()` for a route on the event loop: a tagged key may need the store (the masked
        key's candidates), so it is resolved on a worker thread; any other key costs no I/O."""
        if masking.is_tagged(key):
            return await run_in_threadpool(self.key, key)
        return self.key(key)

    async def acheck(self, *keys: str) -> None:
        """`check()` for a route on the event loop: a scoped role's scope may be read from the
        store and the user database, on a worker thread; other roles see everything."""
        if self.scoped:
            await run_in_threadpool(self.check, *keys)

    async def avisible(self, items: list[Any], *key_fields: str) -> list[Any]:
        """The `items` (dicts) whose `key_fields` are all visible to this viewer, for a route on
        the event loop (the scope read as in `acheck`)."""
        if not self.scoped:
            return items

        def keep() -> list[Any]:
            return [x for x in items if all(self.visible(x[f]) for f in key_fields)]

        return await run_in_threadpool(keep)

    def echo(self, key: str) -> str:
        """A key as the caller sent it, for an error text: masked for roles that see masked data."""
        return key if self.cleared else masking.mask_text(key)

    def scope(self) -> set[str] | None:
        """None = everything; a set = the keys a scoped role may see."""
        if not self.scoped:
            return None
        cache = self.ctx.cache.setdefault("scope", {})
        hit = cache.get(self.user.username)
        if hit and time.monotonic() - hit[0] < self.ctx.settings.scope_ttl_s:
            return hit[1]
        keys = services.scope_keys(self.ctx.store, self.ctx.users.shares_for(self.user.username))
        keys |= _casefile_keys(self)  # the entities of case files shared with this user or role
        cache[self.user.username] = (time.monotonic(), keys)
        return keys

    def visible(self, key: str) -> bool:
        s = self.scope()
        return s is None or key in s

    def check(self, *keys: str) -> None:
        for k in keys:
            if not self.visible(k):
                self.note(denied=k)
                raise HTTPException(status.HTTP_403_FORBIDDEN, "未与您共享该案件或实体 / not shared with you")

    def note(self, **detail: Any) -> None:
        """Extra fields for this request's audit line."""
        d = getattr(self.request.state, "audit", None) or {}
        d.update(detail)
        self.request.state.audit = d


def _casefile_keys(v: Viewer) -> set[str]:
    from api.http.casefiles import CaseFileStore

    cf = v.ctx.cache.get("casefiles")
    if cf is None:
        cf = v.ctx.cache["casefiles"] = CaseFileStore(v.ctx.data_dir)
    out = set()
    for k in cf.keys_shared_with(v.user.username, roles.Role(v.user.role)):
        try:
            out.add(v.key(k) if "~" in k else k)  # saved by a masked role: the real key
        except HTTPException:
            continue
    return out


def require(permission: str):
    """Dependency: the current user holding `permission`, as a Viewer (403 otherwise)."""

    async def dep(request: Request, user: User = Depends(current_user), ctx: AppContext = Depends(get_ctx)) -> Viewer:
        if not roles.allowed(user.role, permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"角色“{roles.ROLE_NAMES[user.role]}”无权执行此操作 / role {user.role.value} lacks permission {permission!r}",
            )
        if not roles.cleared(user.role) and not ctx.probes.known_clear(user.username):
            block = await run_in_threadpool(ctx.probes.blocked, user.username)  # users.db
            if block is not None:
                d = getattr(request.state, "audit", None) or {}
                request.state.audit = {**d, "probe_throttled": True, "retry_after_s": block.retry_after_s}
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS, block.message, {"Retry-After": str(block.retry_after_s)}
                )
        return Viewer(user, ctx, request)

    dep.__name__ = f"require_{permission}"
    return dep
