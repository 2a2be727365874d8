"""Why each member is in the gang: the rules and documents that tie them to the others.

Every member of a reported gang carries a list of entries
`{"rule", "label", "docs", "with", "objects"?}`: `rule` is the tie kind
(`investigations.gangs.base.KIND_WEIGHTS`), `label` its name for display (Simplified
Chinese, as the workbench shows it), `docs` the documents (case files, plate reads,
manifests) that state it, `with` the other members it ties them to, and `objects` the
vehicles or vessels involved (never a phone number).  Strongest rule first, so an
analyst reads the reason that admitted a person before the ones that merely agree.
"""

from __future__ import annotations

from typing import Any

from investigations.gangs.base import KIND_WEIGHTS

RULE_LABELS: dict[str, str] = {
    "co_offender": "共同作案（伙同）",
    "case": "同案嫌疑人",
    "vehicle": "共用车辆",
    "vehicle_borrowed": "借用同伙登记的车辆",
    "vehicle_lent": "登记车辆由同伙驾驶",
    "vessel": "共用船舶",
    "phone": "共用电话",
    "checkpoint": "车辆伴随通行（同一卡口数分钟内先后通过）",
    "mention": "同一举报或网格事件提及",
}
_RULE_ORDER = {k: i for i, k in enumerate(sorted(KIND_WEIGHTS, key=lambda k: -KIND_WEIGHTS[k]))}
MAX_DOCS = 50  # per rule; a member of a long-running crew may sit in hundreds of plate reads


def member_evidence(
    rows: list[dict[str, Any]], row_indices: list[int], member: str, gang: set[str]
) -> list[dict[str, Any]]:
    """The evidence entries of `member` from the tie rows (indices into `rows`) that tie
    them to at least one other member of `gang`; the caller picks the rows (`scoring.cohits`).
    `with` names members of `gang` only."""
    by: dict[tuple[str, str], dict[str, Any]] = {}
    for ri in sorted(set(row_indices)):
        r = rows[ri]
        kind = r["kind"]
        label = _vehicle_label(r, member) if kind == "vehicle" else kind
        e = by.get((kind, label))
        if e is None:
            e = by[(kind, label)] = {"rule": kind, "label": RULE_LABELS.get(label, kind), "docs": set(), "with": set()}
        e["docs"].update(d for d in (r.get("docs") or [r.get("doc")]) if d)
        e["with"].update(m for m in r["members"] if m != member and m in gang)
        obj = r.get("object")
        if obj and kind in ("vehicle", "vessel", "checkpoint"):
            e.setdefault("objects", set()).update(o.split(":", 1)[-1] for o in obj.split("|"))
    out = []
    for (kind, _label), e in sorted(by.items(), key=lambda x: (_RULE_ORDER.get(x[0][0], 99), x[0][1])):
        docs = sorted(e["docs"])
        entry: dict[str, Any] = {"rule": kind, "label": e["label"], "docs": docs[:MAX_DOCS], "with": sorted(e["with"])}
        if len(docs) > MAX_DOCS:
            entry["docs_total"] = len(docs)
        if e.get("objects"):
            entry["objects"] = sorted(e["objects"])
        out.append(entry)
    return out


def _vehicle_label(row: dict[str, Any], member: str) -> str:
    """`vehicle_borrowed` when the member drives a vehicle another party owns, `vehicle_lent`
    when the member owns one another party drives, else `vehicle` (shared, or named in
    the cases of both)."""
    roles = row.get("roles") or {}
    mine = set(roles.get(member) or ())
    others = [set(v or ()) for k, v in roles.items() if k != member]
    if "OWNS" not in mine and ("DRIVES" in mine or "case" in mine) and any("OWNS" in o for o in others):
        return "vehicle_borrowed"
    if "OWNS" in mine and any("OWNS" not in o and ("DRIVES" in o or "case" in o) for o in others):
        return "vehicle_lent"
    return "vehicle"


def fold_evidence(
    per_member: dict[str, list[dict[str, Any]]], alias: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Evidence after folding doc-local copies into the member they are (`alias`: copy → member):
    a copy's entries join the member's, and `with` names the member instead of the copy."""
    merged: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for m, entries in per_member.items():
        target = alias.get(m, m)
        slot = merged.setdefault(target, {})
        for e in entries:
            x = slot.setdefault(
                (e["rule"], e["label"]), {"rule": e["rule"], "label": e["label"], "docs": set(), "with": set()}
            )
            x["docs"].update(e["docs"])
            x["with"].update(alias.get(w, w) for w in e["with"])
            if e.get("objects"):
                x.setdefault("objects", set()).update(e["objects"])
    out: dict[str, list[dict[str, Any]]] = {}
    for m, slot in merged.items():
        lst = []
        for (kind, _label), x in sorted(slot.items(), key=lambda kv: (_RULE_ORDER.get(kv[0][0], 99), kv[0][1])):
            docs = sorted(x["docs"])
            e = {"rule": kind, "label": x["label"], "docs": docs[:MAX_DOCS], "with": sorted(x["with"] - {m})}
            if len(docs) > MAX_DOCS:
                e["docs_total"] = len(docs)
            if x.get("objects"):
                e["objects"] = sorted(x["objects"])
            if e["with"]:
                lst.append(e)
        out[m] = lst
    return out
