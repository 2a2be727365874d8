"""API-side operations that are neither investigations nor routers: prosecutor scope,
review decisions, stored gangs, sites, cases.  Plain functions over a store."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from api.export.names import REL_NAMES
from graph_schema.store import GraphStore
from investigations.common import node_name

REVIEW_DECISIONS = ("confirmed", "rejected")


def scope_keys(store: GraphStore, shares: list[dict[str, Any]]) -> set[str]:
    """What a scoped role may see: shared case documents and their one-hop entities, and the
    entities and documents of shared chains."""
    keys: set[str] = set()
    cases = [s["ref"] for s in shares if s["kind"] == "case"]
    if cases:
        keys.update(cases)
        keys.update(r["key"] for r in store.query("api_doc_neighbourhood", docs=cases))
    for s in shares:
        if s["kind"] == "chain":
            keys.update(s.get("keys") or [])
    return keys


def chain_id(path_keys: list[str]) -> str:
    return "chain:" + hashlib.sha1("\x1f".join(path_keys).encode("utf-8")).hexdigest()[:16]


def review_relationship(
    store: GraphStore, *, head: str, type_: str, tail: str, fact: str, decision: str, reason: str, user: str
) -> dict[str, Any] | None:
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"复核结论应为 confirmed 或 rejected / decision must be one of {REVIEW_DECISIONS}")
    if not (reason or "").strip():
        raise ValueError("请填写复核理由 / a reason is required")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    rows = store.run_write(
        "api_review_relationship", head=head, tail=tail, type=type_, fact=fact, review=decision,
        reason=reason.strip(), user=user, at=at,
    )  # fmt: skip
    return rows[0] if rows else None


def stored_gangs(store: GraphStore) -> dict[str, Any]:
    """Gangs written back by detection (Gang nodes + MEMBER_OF), in the detect_gangs report shape."""
    gangs: dict[str, dict[str, Any]] = {}
    for r in store.query("api_stored_gangs"):
        props = r["props"] or {}
        g = gangs.setdefault(
            r["gang"],
            {
                "id": props.get("id") or r["gang"],
                "key": r["gang"],
                "score": props.get("score"),
                "members": [],
                "leader": None,
                "vehicles": list(props.get("vehicles") or []),
                "vessels": list(props.get("vessels") or []),
                "evidence": list(props.get("evidence") or []),
                "props": {k: v for k, v in props.items() if k not in ("vehicles", "vessels", "evidence")},
            },
        )
        if r["member"]:
            m = {
                "key": r["member"],
                "name": node_name("Person", r["member"], {"name": r["name"]}),
                "id_card": r["id_card"],
                "evidence": _evidence(r.get("evidence")),
            }
            g["members"].append(m)
            if r["leader"] or props.get("leader") == r["member"]:
                g["leader"] = {"key": m["key"], "name": m["name"]}
    if gangs:  # stored lists (write-back) plus what the members drive or own
        for r in store.query("api_gang_member_vehicles"):
            g = gangs.get(r["gang"])
            field = "vessels" if r["label"] == "Vessel" else "vehicles"
            name = r["object"].split(":", 1)[-1]
            if g is not None and name not in g[field]:
                g[field].append(name)
    out = sorted(gangs.values(), key=lambda g: (g["props"].get("rank") or 10**9, -(g["score"] or 0), g["key"]))
    return {"gangs": out, "source": "stored"}


def reviewed_memberships(store: GraphStore) -> list[dict[str, Any]]:
    """The gang memberships analysts decided on (MEMBER_OF with `review`), read before a
    re-detection's write-back replaces every Gang and MEMBER_OF."""
    out = []
    for r in store.query("api_reviewed_memberships"):
        props = dict(r["props"] or {})
        props.setdefault("fact", f"{r['gang']}|{r['person']}")
        out.append({"person": r["person"], "gang": r["gang"], "fact": props["fact"], "props": props,
                    "gang_props": dict(r["gang_props"] or {})})  # fmt: skip
    return out


def restore_memberships(store: GraphStore, rows: list[dict[str, Any]]) -> int:
    """Write the reviewed memberships back after a write-back: a confirmed or rejected
    membership is an analyst's decision, which a machine re-run must never drop."""
    if not rows:
        return 0
    res = store.run_write("api_restore_memberships", rows=rows)
    return int(res[0]["restored"]) if res else 0


def _evidence(text: Any) -> list[dict[str, Any]]:
    """A member's stored evidence (JSON text on MEMBER_OF, investigations.gangs.writeback)."""
    try:
        value = json.loads(text) if text else []
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


def sites_with_coords(store: GraphStore, limit: int = 5000) -> list[dict[str, Any]]:
    out = []
    for r in store.query("api_sites_with_coords", limit=limit):
        try:
            out.append({**r, "lon": float(r["lon"]), "lat": float(r["lat"])})
        except (TypeError, ValueError):
            continue
    return out


def document_view(store: GraphStore, key: str) -> dict[str, Any] | None:
    """A document with its text and the entity spans to highlight (MENTIONS offsets)."""
    props = store.documents([key]).get(key)
    if props is None:
        return None
    if _is_record_event(props):
        return _record_event_view(store, key, props)
    props = dict(props)
    text = str(props.pop("text", "") or "")
    spans = []
    for m in store.query("api_doc_mentions", doc=key):
        s, e = m.get("start"), m.get("end")
        if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
            spans.append({"start": s, "end": e, "key": m["key"], "label": m["label"], "name": m["name"] or m["plate"]})
        elif m.get("name") and m["name"] in text:  # no offsets: first occurrence of the name
            i = text.find(m["name"])
            spans.append(
                {"start": i, "end": i + len(m["name"]), "key": m["key"], "label": m["label"], "name": m["name"]}
            )
    spans.sort(key=lambda s: (s["start"], -s["end"]))
    clean, last = [], -1
    for s in spans:  # drop overlaps, keep the earliest-longest
        if s["start"] >= last:
            clean.append(s)
            last = s["end"]
    props.pop("key", None)
    return {"key": key, "title": props.get("title"), "source": props.get("source"), "time": props.get("time"),
            "sha256": props.get("sha256"), "text": text, "spans": clean, "props": props}  # fmt: skip


def _is_record_event(props: dict[str, Any]) -> bool:
    """A record stored as its relationship, not a Document node.

    `GraphStore.documents` names such a record's relationship with `event_type`, `event_head`
    and `event_tail`; a Document node may carry a property of the same name from its own
    record (a grid report's 事件类型 is `event_type`), so only both ends mark a record event.
    """
    return bool(props.get("event_head")) and bool(props.get("event_tail"))


def _record_event_view(store: GraphStore, key: str, props: dict[str, Any]) -> dict[str, Any]:
    """A record stored as its relationship (a plate read's SEEN_AT): the record in one line,
    `<time> <plate as written> 经过 <checkpoint>`, with both ends as clickable spans."""
    head, tail = props["event_head"], props["event_tail"]
    ends = {r["key"]: r for r in store.query("nodes_by_keys", keys=[head, tail])}

    def shown_name(k: str) -> str:
        end = ends.get(k)
        return node_name(end["label"], k, end["props"]) if end else k.split(":", 1)[-1]

    def span(k: str, start: int, name: str) -> dict[str, Any]:
        label = ends[k]["label"] if k in ends else None
        return {"start": start, "end": start + len(name), "key": k, "label": label, "name": name}

    head_name = str(props.get("quote") or shown_name(head))  # the plate as the camera wrote it
    tail_name = shown_name(tail)
    lead = f"{props.get('time') or ''} "
    verb = f" {REL_NAMES.get(props['event_type'], '→')} "
    text = lead + head_name + verb + tail_name
    spans = [span(head, len(lead), head_name), span(tail, len(lead) + len(head_name) + len(verb), tail_name)]
    shown = {k: v for k, v in props.items() if k not in ("key", "event_head", "event_tail")}
    return {"key": key, "title": None, "source": props.get("source"), "time": props.get("time"),
            "sha256": props.get("sha256"), "text": text, "spans": spans, "props": shown}  # fmt: skip


def cases(store: GraphStore, limit: int = 500) -> list[dict[str, Any]]:
    return store.query("api_cases", limit=limit)
