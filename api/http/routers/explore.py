"""Search, entities, neighbours, timeline, documents, paths, sites, cases, schema names."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from api.export.names import LABEL_NAMES, METHOD_NAMES, REL_NAMES, SOURCE_NAMES
from api.http import services
from api.http.deps import Viewer, require
from api.http.responses import FastJSON
from api.http.schemas import (
    DocumentListOut,
    DocumentOut,
    EntityOut,
    GraphOut,
    PathsOut,
    SearchOut,
    SiteOut,
    TimelineOut,
)
from api.security import masking
from graph_schema.schema import SEARCH_PROPERTY
from investigations import explore
from investigations import paths as explore_paths
from investigations import search as name_search
from investigations.common import node_name

router = APIRouter(prefix="/api", tags=["研判 explore"])


def _csv(value: str | None) -> list[str] | None:
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def _bad(exc: ValueError, v: Viewer) -> HTTPException:
    """A ValueError of the investigations layer as 404/400; its text masked for masked-data roles
    (it may name the resolved key)."""
    msg = v.echo(str(exc))
    code = 404 if "找不到" in msg or "no entity" in msg else 400
    return HTTPException(code, msg)


def _names_identifier(q: str) -> bool:
    """Whether the search would look a resident ID or phone number up by key: the keys the
    search derives from the text (every written form it normalises), or an identifier in clear."""
    return masking.has_identifier(q) or any(masking.has_identifier(k) for k in name_search._exact_keys(q))


@router.get("/schema", summary="类型与关系的中文名 / display names")
def schema_names(v: Viewer = Depends(require("read"))) -> dict:
    return {"labels": LABEL_NAMES, "relations": REL_NAMES, "methods": METHOD_NAMES, "sources": SOURCE_NAMES}


@router.get("/search", response_model=SearchOut, summary="实体搜索 / fuzzy entity search")
async def search(
    q: str = Query(..., min_length=1, max_length=200),
    labels: str | None = Query(None, description="逗号分隔的类型 / comma-separated labels"),
    limit: int = Query(20, ge=1, le=200),
    v: Viewer = Depends(require("read")),
) -> FastJSON:
    # On the event loop, the store awaited (search.asearch_entities): no worker thread per search.
    v.note(q=q)
    if not v.cleared and _names_identifier(q):
        # Answered as a search that finds nothing, whether or not the person exists (no oracle).
        v.note(identifier_refused=True)
        return FastJSON(v.show(name_search.SearchResult(q, []).to_dict()))
    try:
        res = await name_search.asearch_entities(
            v.ctx.store, q, labels=_csv(labels), limit=limit if not v.scoped else 200
        )
    except ValueError as exc:
        raise _bad(exc, v) from None
    out = res.to_dict()
    if v.scoped:
        out["hits"] = (await v.avisible(out["hits"], "key"))[:limit]
    return FastJSON(v.show(out))


@router.get("/entities/{key:path}/neighbours", response_model=GraphOut, summary="展开邻居 / k-hop neighbours")
async def neighbours(
    key: str,
    hops: int = Query(1, ge=1, le=3),
    labels: str | None = None,
    rel_types: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = Query(200, ge=1, le=2000),
    include_rejected: bool = Query(False, description="含已否决的关联（复核用）/ include rejected links"),
    v: Viewer = Depends(require("read")),
) -> FastJSON:
    # On the event loop, the store awaited (explore.aneighbours), as the search.
    key = await v.akey(key)
    await v.acheck(key)
    try:
        sub = (await explore.aneighbours(v.ctx.store, key, hops=hops, labels=_csv(labels), rel_types=_csv(rel_types),
                                         since=since, until=until, limit=limit,
                                         include_rejected=include_rejected)).to_dict()  # fmt: skip
    except ValueError as exc:
        raise _bad(exc, v) from None
    sub["nodes"] = await v.avisible(sub["nodes"], "key")
    sub["edges"] = await v.avisible(sub["edges"], "head", "tail")
    return FastJSON(v.show(sub))


@router.get("/entities/{key:path}/timeline", response_model=TimelineOut, summary="时间线 / timeline")
def timeline(key: str, v: Viewer = Depends(require("read"))) -> dict:
    key = v.key(key)
    v.check(key)
    try:
        out = explore.timeline(v.ctx.store, key).to_dict()
    except ValueError as exc:
        raise _bad(exc, v) from None
    if v.scoped:
        out["events"] = [e for e in out["events"] if v.visible(e["other"]["key"])]
    return v.show(out)


@router.get("/entities/{key:path}/documents", response_model=DocumentListOut, summary="来源文书 / source documents")
def entity_documents(key: str, v: Viewer = Depends(require("read"))) -> dict:
    key = v.key(key)
    v.check(key)
    try:
        out = explore.documents_for(v.ctx.store, key).to_dict()
    except ValueError as exc:
        raise _bad(exc, v) from None
    if v.scoped:
        out["documents"] = [d for d in out["documents"] if v.visible(d["key"])]
    return v.show(out)


@router.get("/entities/{key:path}", response_model=EntityOut, summary="实体详情 / entity by key")
def entity(key: str, v: Viewer = Depends(require("read"))) -> dict:
    sent, key = key, v.key(key)
    v.check(key)
    rows = v.ctx.store.query("node_by_key", key=key)
    if not rows:
        raise HTTPException(404, f"找不到实体 / no entity with key {v.echo(sent)!r}")
    r = rows[0]
    props = dict(r["props"] or {})
    props.pop("key", None)
    props.pop(SEARCH_PROPERTY, None)  # the derived name-search bigrams
    if r["label"] == "Document":
        props.pop("text", None)
    return v.show({"key": key, "label": r["label"], "label_zh": LABEL_NAMES.get(r["label"] or "", ""),
                   "name": node_name(r["label"], key, props), "props": props})  # fmt: skip


@router.get("/documents/{key:path}", response_model=DocumentOut, summary="文书全文与实体标注 / document with spans")
def document(key: str, v: Viewer = Depends(require("read"))) -> dict:
    sent, key = key, v.key(key)
    v.check(key)
    doc = services.document_view(v.ctx.store, key)
    if doc is None:
        raise HTTPException(404, f"找不到文书 / no document with key {v.echo(sent)!r}")
    if not v.cleared:
        # Mask the text and keep spans aligned: masking keeps lengths (digits → '*').
        doc = v.show(doc)
    return doc


@router.get("/paths", response_model=PathsOut, summary="路径查找 / paths between two entities")
async def paths(
    a: str,
    b: str,
    max_hops: int = Query(4, ge=1, le=6),
    all_simple: bool = Query(False, description="最短的若干条备选路径 (Yen) / k shortest alternatives"),
    limit: int = Query(10, ge=1, le=50),
    through_hubs: bool = Query(False, description="经过枢纽节点展开 / expand through hubs"),
    hub_degree: int = Query(explore_paths.HUB_DEGREE, ge=10, le=1_000_000, description="枢纽阈值 / hub degree"),
    v: Viewer = Depends(require("read")),
) -> FastJSON:
    # On the event loop, the store awaited (paths.afind_paths), as the search.
    a, b = await v.akey(a), await v.akey(b)
    await v.acheck(a, b)
    v.note(a=a, b=b, max_hops=max_hops)
    try:
        res = await explore_paths.afind_paths(v.ctx.store, a, b, max_hops=max_hops, alternatives=all_simple,
                                              limit=limit, through_hubs=through_hubs, hub_degree=hub_degree,
                                              budget_s=v.ctx.settings.path_budget_s)  # fmt: skip
    except ValueError as exc:
        raise _bad(exc, v) from None
    out = res.to_dict()
    v.note(paths=len(out["paths"]), complete=res.complete, **({"budget_hit": res.budget_s} if res.budget_hit else {}))
    if v.scoped:
        named = sorted({k for p in out["paths"] for k in p["keys"]} | set(out["hubs"]))
        shown = {n["key"] for n in await v.avisible([{"key": k} for k in named], "key")}
        out["paths"] = [p for p in out["paths"] if all(k in shown for k in p["keys"])]
        out["hubs"] = [k for k in out["hubs"] if k in shown]
    keys = {k for p in out["paths"] for k in p["keys"]}
    out["nodes"] = sorted((n for n in out["nodes"] if n["key"] in keys), key=lambda n: n["key"])
    return FastJSON(v.show(out))


@router.get("/sites", response_model=list[SiteOut], summary="有坐标的地点（地图）/ sites with coordinates")
def sites(limit: int = Query(5000, ge=1, le=50000), v: Viewer = Depends(require("read"))) -> list:
    out = services.sites_with_coords(v.ctx.store, limit)
    if v.scoped:
        out = [s for s in out if v.visible(s["key"])]
    return v.show(out)


@router.get("/incidents", summary="带坐标的网格事件（地图）/ grid reports with coordinates")
def incidents(limit: int = Query(5000, ge=1, le=50000), v: Viewer = Depends(require("read"))) -> dict:
    out = []
    for r in v.ctx.store.query("api_incidents_with_coords", limit=limit):
        try:
            out.append({**r, "lon": float(r["lon"]), "lat": float(r["lat"])})
        except (TypeError, ValueError):
            continue
    if v.scoped:
        out = [x for x in out if v.visible(x["key"])]
    return v.show({"incidents": out})


@router.get("/basemap", summary="离线底图（区县边界 GeoJSON）/ offline base map")
def basemap(
    bbox: str = Query(..., description="minlon,minlat,maxlon,maxlat"), v: Viewer = Depends(require("read"))
) -> dict:
    from api.http.basemap import base_map

    try:
        x0, y0, x1, y1 = (float(x) for x in bbox.split(","))
    except ValueError:
        raise HTTPException(400, "bbox 应为 最小经度,最小纬度,最大经度,最大纬度") from None
    return base_map(v.ctx.settings.web_dir, (x0, y0, x1, y1))


@router.get("/cases", summary="案件列表 / case documents")
def cases(v: Viewer = Depends(require("read"))) -> dict:
    out = services.cases(v.ctx.store)
    if v.scoped:
        out = [c for c in out if v.visible(c["key"])]
    return v.show({"cases": out})
