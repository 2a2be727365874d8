"""Evidence-chain export (json / pdf / docx)."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.export import evidence, render
from api.export.render import MEDIA_TYPES, RenderError
from api.http.deps import Viewer, require

router = APIRouter(prefix="/api/export", tags=["导出 export"])


@router.get("/evidence", summary="导出证据链 / export an evidence chain",
            responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}})  # fmt: skip
def export_evidence(
    from_: str = Query(..., alias="from"),
    to: str = Query(...),
    format: str = Query("json", pattern="^(json|pdf|docx)$"),
    max_hops: int = Query(4, ge=1, le=6),
    case_no: str | None = Query(None, max_length=100, description="案件编号（缺省取证据所引案件）"),
    case_name: str | None = Query(None, max_length=200, description="案件名称（缺省取案由）"),
    agency: str | None = Query(None, max_length=200, description="办案单位（缺省取案件的办案单位）"),
    investigator: str | None = Query(None, max_length=100, description="办案人"),
    path: str | None = Query(
        None, description="已找到的路径（逗号分隔的 key）/ the path already found: no second search"
    ),
    v: Viewer = Depends(require("export")),
) -> Response:
    a, b = v.key(from_), v.key(to)
    v.check(a, b)
    keys = [v.key(k.strip()) for k in path.split(",") if k.strip()] if path else None
    try:
        chain = evidence.build_evidence(v.ctx.store, a, b, max_hops=max_hops, keys=keys)
    except ValueError as exc:  # its text may name the resolved keys
        raise HTTPException(404, v.echo(str(exc))) from None
    v.check(*[n["key"] for n in chain["nodes"]])
    header = evidence.case_header(v.ctx.store, chain, case_no=case_no, case_name=case_name, agency=agency)
    chain = evidence.finalize(
        v.show(chain), generated_by=v.user.display_name or v.user.username, header=header, investigator=investigator
    )
    try:
        body = render(chain, format)
    except RenderError as exc:
        raise HTTPException(500, v.echo(str(exc))) from None
    file_sha = hashlib.sha256(body).hexdigest()
    v.note(a=a, b=b, format=format, content_sha256=chain["sha256"], file_sha256=file_sha, hops=len(chain["hops"]))
    name = f"证据链_{chain['from_name']}_{chain['to_name']}.{format}"
    return Response(
        body,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f"attachment; filename=\"evidence.{format}\"; filename*=UTF-8''{quote(name)}",
            "X-Content-SHA256": chain["sha256"],
            "X-File-SHA256": file_sha,
        },
    )
