"""Small shared helpers: time parsing, node naming, night and sensitive-site tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from graph_schema.sites import DUMP_CATEGORY, site_type
from graph_schema.store import GraphStore

NIGHT_START = 20  # 20:00
NIGHT_END = 5  # 05:00

# Site kinds and name fragments that mark a sensitive place: mine pit, river bank, wetland.
SENSITIVE_KINDS = {
    "mine_pit",
    "pit",
    "quarry",
    "mine",
    "river_bank",
    "riverbank",
    "bank",
    "river",
    "wetland",
    "dump_site",
    "dump",
    "矿坑",
    "宕口",
    "湿地",
    "河岸",
}
_PIT_RE = re.compile(r"矿坑|石矿|宕口|采石|废矿|矿山|取土坑|砖窑")
_BANK_RE = re.compile(r"河岸|河边|河滩|河道|溪边|溪畔|港边|岸边|堤|[河溪港]")
_WETLAND_RE = re.compile(r"湿地|芦苇|滩涂")
_REMOTE_RE = re.compile(r"鱼塘|山坳|荒地|废弃")  # other places trucks go only to dump
_ROAD_RE = re.compile(r"路口|大道|国道|省道|高速|收费站|治超站|检查站|公路|交叉口|入口|出口|卡口|大桥|[^村]道[^口]|段$")


def parse_time(value: Any) -> datetime | None:
    """ISO-ish text (`2024-05-21 23:36:00`, `2024-05-21T23:36`, `2024/5/21 23:36`) → naive datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    text = str(value).strip().replace("/", "-")
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        pass
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def is_night(t: datetime | None) -> bool:
    """Night is 20:00–05:00 (the hours dumping happens in every case we hold)."""
    return t is not None and (t.hour >= NIGHT_START or t.hour < NIGHT_END)


def sensitive_kind(name: str | None, kind: str | None = None) -> str | None:
    """`mine_pit`, `river_bank`, `wetland` or None, from the site's `kind` and `name`.

    A checkpoint is sensitive when its name points at one (`青岭村村道口（矿坑方向）`).
    """
    k = (kind or "").lower()
    n = name or ""
    if _WETLAND_RE.search(n) or "wetland" in k or "湿地" in k:
        return "wetland"
    if _PIT_RE.search(n) or any(x in k for x in ("pit", "quarry", "mine", "矿", "宕口", "dump")):
        return "mine_pit"
    if any(x in k for x in ("river_bank", "riverbank", "bank", "河岸")):
        return "river_bank"
    if k in ("segment", "river_segment", "outfall", "station", "monitoring_station"):
        return None  # the water network's coded sites are not places a truck dwells
    if re.search(r"河滩|河岸|河边|河道|溪边|岸边", n):
        return "river_bank"
    if _BANK_RE.search(n) and not _ROAD_RE.search(n):
        return "river_bank"
    if _REMOTE_RE.search(n):
        return "remote"
    t = site_type(n)  # the dump-site vocabulary: farmland, pond, woodland, gully, waste ground …
    if t is not None and t.category == DUMP_CATEGORY:
        return t.sensitivity
    return None


def node_name(label: str | None, key: str, props: dict[str, Any] | None) -> str:
    props = props or {}
    for p in ("name", "title", "plate"):
        if props.get(p):
            return str(props[p])
    return key.split(":", 1)[1] if ":" in key else key


def paged(store: GraphStore, name: str, page: int = 50000, **params: Any) -> Iterator[dict[str, Any]]:
    """Run a named query with `SKIP $skip LIMIT $limit` in pages (streaming large results)."""
    skip = 0
    while True:
        rows = store.query(name, skip=skip, limit=page, **params)
        yield from rows
        if len(rows) < page:
            return
        skip += page
