"""Gangs, waste chains, upstream candidates, alerts — results of the investigations layer."""

from __future__ import annotations

import importlib
import time
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from api.http import services
from api.http.deps import Viewer, require
from api.http.schemas import AlertsOut, ChainsOut, GangsOut, UpstreamOut, WaterSitesOut
from investigations.alert_review import review_summary
from investigations.gangs.base import MAX_GANG_SIZE

router = APIRouter(prefix="/api", tags=["分析 analyses"])

CACHE_TTL_S = 60.0


def _layer(module: str, attr: str):
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        raise HTTPException(503, f"该分析尚不可用 / {module}.{attr} is not installed") from None


def _dict(report: Any) -> Any:
    if hasattr(report, "to_dict"):
        return report.to_dict()
    if isinstance(report, list):
        return [_dict(x) for x in report]
    return report


def _cached(v: Viewer, name: str, compute):
    cache = v.ctx.cache.setdefault("analyses", {})
    hit = cache.get(name)
    if hit and time.monotonic() - hit[0] < CACHE_TTL_S:
        return hit[1]
    value = compute()
    cache[name] = (time.monotonic(), value)
    return value


@router.get("/gangs", response_model=GangsOut, summary="团伙列表 / gangs")
def gangs(v: Viewer = Depends(require("explore"))) -> dict:
    def compute() -> dict:
        out = services.stored_gangs(v.ctx.store)
        if out["gangs"]:
            return out
        detect = _layer("investigations.gangs", "detect_gangs")
        return {**_dict(detect(v.ctx.store, write_back=False)), "source": "computed"}

    return v.show(_cached(v, "gangs", compute))


@router.post("/gangs/detect", response_model=GangsOut, summary="重新发现团伙并写回 / re-run gang detection")
def detect_gangs(
    min_size: int = Query(3, ge=2, le=50, description="最小成员数 2–50 / smallest gang"),
    max_size: int = Query(MAX_GANG_SIZE, ge=2, le=200, description="最大成员数 2–200，不小于 min_size / largest gang"),
    v: Viewer = Depends(require("review")),
) -> dict:
    if min_size > max_size:
        raise HTTPException(
            422, f"min_size（{min_size}）不能大于 max_size（{max_size}）/ min_size must not exceed max_size"
        )
    detect = _layer("investigations.gangs", "detect_gangs")
    reviewed = services.reviewed_memberships(v.ctx.store)
    out = _dict(detect(v.ctx.store, min_size=min_size, max_size=max_size, write_back=True))
    restored = services.restore_memberships(v.ctx.store, reviewed)
    v.note(min_size=min_size, max_size=max_size, reviewed_memberships_kept=restored)
    v.ctx.cache.pop("analyses", None)
    return v.show(out)


@router.get("/gangs/{key:path}", summary="团伙详情 / one gang")
def gang(key: str, v: Viewer = Depends(require("explore"))) -> dict:
    sent, key = key, v.key(key)
    shown = v.show(key)  # the list below is already masked
    for g in gangs(v)["gangs"]:
        if shown in (g.get("key"), g.get("id")):
            return g
    raise HTTPException(404, f"找不到团伙 / no gang {v.echo(sent)!r}")


@router.get("/chains", response_model=ChainsOut, summary="危废链条 / waste chains")
def chains(company: str | None = None, site: str | None = None, v: Viewer = Depends(require("chains"))) -> dict:
    company = v.key(company) if company else None
    site = v.key(site) if site else None
    find = _layer("investigations.chains", "find_waste_chains")
    out = _cached(v, f"chains|{company}|{site}", lambda: _dict(find(v.ctx.store, company=company, site=site)))
    out = {
        **out,
        "chains": [{**c, "id": services.chain_id([p["key"] for p in c.get("path", [])])} for c in out["chains"]],
    }
    if v.scoped:
        shared = {s["ref"] for s in v.ctx.users.shares_for(v.user.username) if s["kind"] == "chain"}
        out["chains"] = [
            c for c in out["chains"] if c["id"] in shared or all(v.visible(p["key"]) for p in c.get("path", []))
        ]
    return v.show(out)


@router.get("/water/sites", response_model=WaterSitesOut, summary="监测站点与河段 / stations and river segments")
def water_sites(v: Viewer = Depends(require("explore"))) -> dict:
    fn = _layer("investigations.water", "water_sites")
    return v.show({"sites": fn(v.ctx.store)})


@router.get("/upstream/{station:path}", response_model=UpstreamOut, summary="溯源上游排口 / upstream candidates")
def upstream(
    station: str,
    indicator: str | None = Query(None, description="只看该指标的超标 / only this indicator's exceedances"),
    time: str | None = Query(None, description="只看该时间前后三天 / only within three days of this time"),
    detail: bool = Query(False, description="含评分依据、河段路径与站点名称（画布用）/ reasons, segment paths, names"),
    v: Viewer = Depends(require("explore")),
) -> dict:
    sent, station = station, v.key(station)
    fn = _layer("investigations.water", "upstream_candidates")
    try:
        report = fn(v.ctx.store, station, indicator=indicator, time=time)
    except ValueError:
        raise HTTPException(404, f"找不到监测站点或河段 / no station or river segment {v.echo(sent)!r}") from None
    return v.show(report.to_dict(detail=detail) if hasattr(report, "to_dict") else report)


@router.get("/alerts", response_model=AlertsOut, summary="预警 / alerts")
def alerts(v: Viewer = Depends(require("explore"))) -> dict:
    try:
        fn = importlib.import_module("investigations.alerts").list_alerts
        out = _dict(fn(v.ctx.store))
    except (ImportError, AttributeError):
        rows = v.ctx.store.query("inv_list_alerts")
        out = [{"key": r["key"], **(r["props"] or {}), "targets": r["targets"]} for r in rows]
    if isinstance(out, list):
        out = {"alerts": out}
    decided = {r["key"]: r for r in v.ctx.store.query("api_alert_statuses")}
    out["alerts"] = [
        {**a, **{k: x for k, x in decided.get(a.get("key"), {}).items() if k != "key"}} for a in out["alerts"]
    ]
    out["review"] = review_summary(out["alerts"])  # analysts' decisions and the precision they imply
    return v.show(out)


ALERT_ACTIONS = {"acknowledge": "acknowledged", "assign": "assigned", "dismiss": "dismissed", "reopen": "open"}


class AlertActionIn(BaseModel):
    action: str = Field(..., description="acknowledge | assign | dismiss | reopen")
    reason: str = Field(..., max_length=2000)
    assignee: str | None = Field(None, max_length=64)


@router.post("/alerts/{key:path}/action", summary="处置预警（确认、指派、排除）/ act on an alert")
def alert_action(key: str, body: AlertActionIn, v: Viewer = Depends(require("review"))) -> dict:
    status = ALERT_ACTIONS.get(body.action)
    if status is None:
        raise HTTPException(400, "处置方式应为 确认、指派、排除 或 重新打开")
    if not body.reason.strip():
        raise HTTPException(400, "请填写处置理由")
    assignee = (body.assignee or "").strip() or None
    if body.action == "assign" and (assignee is None or v.ctx.users.get(assignee) is None):
        raise HTTPException(400, f"没有用户“{assignee or ''}”")
    v.note(alert=key, alert_action=body.action, reason=body.reason.strip(), assignee=assignee)
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows = v.ctx.store.run_write("api_alert_set_status", key=key, status=status, reason=body.reason.strip(),
                                 user=v.user.username, at=at, assignee=assignee if body.action == "assign" else None)  # fmt: skip
    if not rows:
        raise HTTPException(404, "找不到预警")
    return v.show(rows[0])
