"""Log-in (OAuth2 password flow → bearer JWT) and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.http.context import AppContext
from api.http.deps import client_address, current_user, get_ctx
from api.http.schemas import TokenOut, UserOut
from api.security import roles, tokens
from api.security.users import User

router = APIRouter(prefix="/api/auth", tags=["认证 auth"])


def user_out(u: User) -> dict:
    return {**u.to_dict(), "role_zh": roles.ROLE_NAMES[u.role]}


@router.post(
    "/token",
    response_model=TokenOut,
    summary="登录，换取令牌 / log in",
    description="同一账号或同一终端 5 分钟内失败 5 次后返回 429，需等待后再试 / 5 failures in 5 min → 429",
)
def login(request: Request, form: OAuth2PasswordRequestForm = Depends(), ctx: AppContext = Depends(get_ctx)) -> dict:
    request.state.audit = {"login": form.username}
    client = client_address(request)
    blocked = ctx.throttle.blocked(form.username, client)
    if blocked is not None:  # the password is not even checked
        request.state.audit.update(throttled=blocked.by, retry_after_s=blocked.retry_after_s)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, blocked.message, {"Retry-After": str(blocked.retry_after_s)}
        )
    user = ctx.users.authenticate(form.username, form.password)
    if user is None:
        ctx.throttle.failed(form.username, client)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户名或密码错误 / wrong username or password")
    ctx.throttle.succeeded(form.username)
    request.state.user = user
    ttl = ctx.settings.token_ttl_s
    return {"access_token": tokens.issue(ctx.secret, user.username, user.role.value, ttl, user.token_version), "token_type": "bearer",
            "expires_in": ttl, "user": user_out(user)}  # fmt: skip


@router.get("/me", response_model=UserOut, summary="当前用户 / who am I")
def me(user: User = Depends(current_user)) -> dict:
    return user_out(user)
