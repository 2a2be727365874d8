"""Case files (案卷): save, reopen and share the link chart.  Storage: `api.http.casefiles`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from api.http.casefiles import CaseFileError, CaseFileStore
from api.http.deps import Viewer, require
from api.security.roles import Role

router = APIRouter(prefix="/api", tags=["案卷 case files"])


class CaseFileIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=120)


class CaseFileSave(BaseModel):
    name: str | None = Field(None, max_length=120)
    state: dict[str, Any] | None = None  # chart elements with positions, filters, view
    notes: str | None = Field(None, max_length=100_000)
    version: int | None = None  # the version read; a stale one is refused (409)


class CaseFileShareIn(BaseModel):
    users: list[str] = Field(default_factory=list, max_length=100)
    roles: list[str] = Field(default_factory=list, max_length=10)


def _store(v: Viewer) -> CaseFileStore:
    cf = v.ctx.cache.get("casefiles")
    if cf is None:
        cf = v.ctx.cache["casefiles"] = CaseFileStore(v.ctx.data_dir)
    return cf


def _run(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except CaseFileError as exc:
        raise HTTPException(exc.code, str(exc)) from None


@router.get("/casefiles", summary="案卷列表（本人的与共享给本人的）/ case files")
def casefiles(v: Viewer = Depends(require("read"))) -> dict:
    return v.show({"casefiles": _store(v).list_for(v.user.username, Role(v.user.role))})


@router.post("/casefiles", status_code=201, summary="新建案卷 / new case file")
def casefile_create(body: CaseFileIn, v: Viewer = Depends(require("share"))) -> dict:
    out = _run(_store(v).create, body.name, v.user.username)
    v.note(casefile=out["id"], name=out["name"])
    return v.show(out)


@router.get("/casefiles/{cid}", summary="打开案卷 / open a case file")
def casefile(cid: str, v: Viewer = Depends(require("read"))) -> dict:
    v.note(casefile=cid)
    # identifiers saved by a cleared user are masked for everyone else
    return v.show(_run(_store(v).get, cid, v.user.username, Role(v.user.role)))


@router.put("/casefiles/{cid}", summary="保存案卷 / save a case file")
def casefile_save(cid: str, body: CaseFileSave, v: Viewer = Depends(require("read"))) -> dict:
    nodes = len((body.state or {}).get("elements", {}).get("nodes", []) or []) if body.state else None
    v.note(casefile=cid, name=body.name, nodes=nodes, notes_changed=body.notes is not None)
    out = _run(_store(v).save, cid, v.user.username, Role(v.user.role), name=body.name, state=body.state,
               notes=body.notes, version=body.version)  # fmt: skip
    v.ctx.cache.get("scope", {}).clear()
    return v.show(out)


@router.post("/casefiles/{cid}/shares", summary="设置案卷共享（用户与角色）/ share a case file")
def casefile_share(cid: str, body: CaseFileShareIn, v: Viewer = Depends(require("share"))) -> dict:
    known = {u.username for u in v.ctx.users.list()}
    unknown = [u for u in body.users if u.strip() and u.strip() not in known]
    if unknown:
        raise HTTPException(400, f"没有这些用户：{'、'.join(unknown)}")
    v.note(casefile=cid, share_users=body.users, share_roles=body.roles)
    v.ctx.cache.get("scope", {}).clear()  # scoped roles' sight changes with the share
    return v.show(_run(_store(v).share, cid, v.user.username, Role(v.user.role), body.users, body.roles))


@router.delete("/casefiles/{cid}", summary="删除案卷 / delete a case file")
def casefile_delete(cid: str, v: Viewer = Depends(require("share"))) -> dict:
    v.note(casefile=cid)
    _run(_store(v).delete, cid, v.user.username, Role(v.user.role))
    v.ctx.cache.get("scope", {}).clear()
    return {"deleted": True}


@router.get("/share-targets", summary="可共享的用户与角色 / users and roles to share with")
def share_targets(v: Viewer = Depends(require("share"))) -> dict:
    from api.security.roles import ROLE_NAMES

    users = [{"username": u.username, "display_name": u.display_name, "role": u.role.value}
             for u in v.ctx.users.list() if not u.disabled and u.username != v.user.username]  # fmt: skip
    return {"users": users, "roles": [{"role": r.value, "name": n} for r, n in ROLE_NAMES.items()]}
