"""An analyst confirms or rejects a machine-extracted link, with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from api.http import services
from api.http.deps import Viewer, require
from api.http.schemas import ReviewIn, ReviewOut

router = APIRouter(prefix="/api", tags=["复核 review"])


@router.post("/review", response_model=ReviewOut, summary="确认或否决一条关联 / confirm or reject a link")
def review(body: ReviewIn, v: Viewer = Depends(require("review"))) -> dict:
    head, tail = v.key(body.head), v.key(body.tail)
    fact = v.key(body.fact)  # a MEMBER_OF fact names its person: shown masked, resolved here
    v.note(head=head, type=body.type, tail=tail, fact=fact, decision=body.decision, reason=body.reason)
    try:
        row = services.review_relationship(
            v.ctx.store, head=head, type_=body.type, tail=tail, fact=fact, decision=body.decision,
            reason=body.reason, user=v.user.username,
        )  # fmt: skip
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    if row is None:
        raise HTTPException(404, "找不到该关联 / no such relationship")
    v.ctx.cache.pop("analyses", None)
    return v.show(row)
