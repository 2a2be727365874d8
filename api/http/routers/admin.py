"""Admin: the audit log and its verification, users; shares for scoped roles."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from api.http.deps import Viewer, require
from api.http.routers.auth import user_out
from api.http.schemas import AuditVerifyOut, ShareIn, UserIn, UserOut

router = APIRouter(prefix="/api", tags=["管理 admin"])


@router.get("/audit", summary="审计日志（最新在前）/ audit log, newest first")
def audit(
    limit: int = Query(200, ge=1, le=5000), user: str | None = None, action: str | None = None,
    v: Viewer = Depends(require("audit")),
) -> dict:  # fmt: skip
    return {"entries": v.ctx.audit.tail(limit=limit, user=user, action=action)}


@router.get("/audit/verify", response_model=AuditVerifyOut, summary="校验审计哈希链 / verify the hash chain")
def audit_verify(v: Viewer = Depends(require("audit"))) -> dict:
    return v.ctx.audit.verify().to_dict()


@router.get("/users", response_model=list[UserOut], summary="用户列表 / users")
def list_users(v: Viewer = Depends(require("users"))) -> list:
    return [user_out(u) for u in v.ctx.users.list()]


@router.post("/users", response_model=UserOut, status_code=201, summary="新增用户 / add a user")
def add_user(body: UserIn, v: Viewer = Depends(require("users"))) -> dict:
    v.note(new_user=body.username, new_role=body.role)
    try:
        return user_out(v.ctx.users.add(body.username, body.password, body.role, body.display_name))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


@router.post("/shares", status_code=201, summary="向检察官共享案件或链条 / share a case or chain")
def share(body: ShareIn, v: Viewer = Depends(require("share"))) -> dict:
    ref = v.key(body.ref) if body.kind == "case" else body.ref
    keys = [v.key(k) for k in body.keys]
    v.note(share_to=body.username, kind=body.kind, ref=ref)
    try:
        v.ctx.users.share(body.username, body.kind, ref, v.user.username, keys)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    v.ctx.cache.get("scope", {}).pop(body.username, None)
    return v.show({"username": body.username, "kind": body.kind, "ref": ref})


@router.get("/shares", summary="共享清单 / shares (own, or any user's for sharers)")
def shares(username: str | None = None, v: Viewer = Depends(require("read"))) -> dict:
    if username and username != v.user.username and not v.scoped:
        return v.show({"username": username, "shares": v.ctx.users.shares_for(username)})
    return v.show({"username": v.user.username, "shares": v.ctx.users.shares_for(v.user.username)})


@router.delete("/shares", summary="取消共享 / revoke a share")
def unshare(username: str, kind: str, ref: str, v: Viewer = Depends(require("share"))) -> dict:
    ok = v.ctx.users.unshare(username, kind, ref)
    v.ctx.cache.get("scope", {}).pop(username, None)
    if not ok:
        raise HTTPException(404, "没有该共享 / no such share")
    return {"revoked": True}
