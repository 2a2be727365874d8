"""Request and response models (pydantic v2); they make the OpenAPI docs at /docs.

Responses allow extra fields: the investigations layer may add properties
(node props, scores) without the API dropping them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class UserOut(Open):
    username: str
    role: str
    role_zh: str = ""
    display_name: str = ""


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user: UserOut


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8)
    role: Literal["investigator", "analyst", "prosecutor", "admin"]
    display_name: str = ""


class NodeOut(Open):
    key: str
    label: str | None = None
    name: str | None = None


class EdgeOut(Open):
    head: str
    type: str
    tail: str
    props: dict[str, Any] = {}


class SearchHitOut(Open):
    key: str
    label: str | None
    name: str
    score: float


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHitOut]


class EntityOut(Open):
    key: str
    label: str | None
    label_zh: str = ""
    name: str
    props: dict[str, Any]


class GraphOut(Open):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool = False


class PathOut(Open):
    keys: list[str]
    hops: list[EdgeOut]
    length: int


class PathsOut(Open):
    a: str
    b: str
    paths: list[PathOut]
    nodes: list[NodeOut] = []
    complete: bool = True  # False: budget hit, search capped, or hubs not expanded
    budget_hit: bool = False
    budget_s: float | None = None
    hubs: list[str] = []
    message: str | None = None  # Chinese first: why the answer may be partial


class SpanOut(Open):
    start: int
    end: int
    key: str
    label: str | None = None
    name: str | None = None


class DocumentOut(Open):
    key: str
    title: str | None = None
    source: str | None = None
    time: str | None = None
    sha256: str | None = None
    text: str
    spans: list[SpanOut]


class DocumentListOut(Open):
    key: str
    documents: list[dict[str, Any]]


class TimelineOut(Open):
    key: str
    label: str | None
    name: str
    events: list[dict[str, Any]]


class GangsOut(Open):
    gangs: list[dict[str, Any]]


class ChainsOut(Open):
    chains: list[dict[str, Any]]


class UpstreamOut(Open):
    station: Any
    candidates: list[dict[str, Any]]


class WaterSitesOut(Open):
    sites: list[dict[str, Any]]


class AlertsOut(Open):
    alerts: list[dict[str, Any]]


class SiteOut(Open):
    key: str
    name: str | None = None
    kind: str | None = None
    lon: float
    lat: float


class ReviewIn(BaseModel):
    head: str
    type: str
    tail: str
    fact: str
    decision: Literal["confirmed", "rejected"]
    reason: str = Field(min_length=1, max_length=2000)


class ReviewOut(Open):
    head: str
    type: str
    tail: str
    props: dict[str, Any]


class ShareIn(BaseModel):
    username: str
    kind: Literal["case", "chain"]
    ref: str = Field(description="case: the case document key; chain: a chain id, or evidence:<from>|<to>")
    keys: list[str] = Field(default_factory=list, description="chain: the keys on the chain")


class EvidenceSourceOut(Open):
    doc: str
    quote: str
    sha256: str | None


class EvidenceHopOut(Open):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    type: str
    sources: list[EvidenceSourceOut]


class EvidenceOut(Open):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    hops: list[EvidenceHopOut]
    generated_at: str
    sha256: str


class AuditVerifyOut(Open):
    ok: bool
    lines: int
    problems: list[dict[str, Any]]
