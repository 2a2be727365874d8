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


def gang_evidence(rows: list[dict[str, Any]], hits: list[tuple[int, list[str]]]) -> dict[str, list[dict[str, Any]]]:
    """Every member's evidence entries in one gang, from `hits`: (row index into `rows`, the
    gang's members that row names — two or more; the caller picks them, `scoring.cohits`).
    `with` names members of the gang only.  One pass over the gang's rows."""
    acc: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for ri, mem in hits:
        r = rows[ri]
        kind = r["kind"]
        docs = [d for d in (r.get("docs") or [r.get("doc")]) if d]
        obj = r.get("object")
        objs = (
            [o.split(":", 1)[-1] for o in obj.split("|")] if obj and kind in ("vehicle", "vessel", "checkpoint") else ()
        )
        for m in mem:
            label = _vehicle_label(r, m) if kind == "vehicle" else kind
            slot = acc.setdefault(m, {})
            e = slot.get((kind, label))
            if e is None:
                e = slot[(kind, label)] = {
                    "rule": kind,
                    "label": RULE_LABELS.get(label, kind),
                    "docs": set(),
                    "with": set(),
                }
            e["docs"].update(docs)
            e["with"].update(mem)
            if objs:
                e.setdefault("objects", set()).update(objs)
    return {m: _entries(slot, m) for m, slot in acc.items()}


def _entries(slot: dict[tuple[str, str], dict[str, Any]], member: str) -> list[dict[str, Any]]:
    """Accumulated entries → the output list, strongest rule first; entries tying nobody dropped."""
    out = []
    for (kind, _label), x in sorted(slot.items(), key=lambda kv: (_RULE_ORDER.get(kv[0][0], 99), kv[0][1])):
        docs = sorted(x["docs"])
        e: dict[str, Any] = {
            "rule": kind,
            "label": x["label"],
            "docs": docs[:MAX_DOCS],
            "with": sorted(x["with"] - {member}),
        }
        if len(docs) > MAX_DOCS:
            e["docs_total"] = len(docs)
        if x.get("objects"):
            e["objects"] = sorted(x["objects"])
        if e["with"]:
            out.append(e)
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
        slot = merged.setdefault(alias.get(m, m), {})
        for e in entries:
            x = slot.setdefault(
                (e["rule"], e["label"]), {"rule": e["rule"], "label": e["label"], "docs": set(), "with": set()}
            )
            x["docs"].update(e["docs"])
            x["with"].update(alias.get(w, w) for w in e["with"])
            if e.get("objects"):
                x.setdefault("objects", set()).update(e["objects"])
    return {m: _entries(slot, m) for m, slot in merged.items()}
