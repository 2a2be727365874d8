"""Write gangs back to the graph: Gang nodes and MEMBER_OF relationships."""

from __future__ import annotations

import json
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.store import GraphStore
from investigations.gangs.base import _no_gc


@_no_gc
def write_gangs(store: GraphStore, scored: list[dict[str, Any]], batch: int = 10000) -> dict[str, int]:
    """Replace every Gang node and MEMBER_OF relationship with `scored` (ids are stable).

    One query per batch creates the Gang nodes (with `evidence`, the gang's documents)
    and their members' MEMBER_OF {score = member strength / leader strength, leader,
    rules, evidence} edges: `rules` the tie kinds that admitted the member, `evidence`
    the member's entries (`investigations.gangs.evidence`) as JSON text, since a
    property holds no maps in either store.
    """
    store.run_write("inv_delete_gangs")
    rows = []
    n_members = 0
    for rank, g in enumerate(scored, 1):
        top = max(g["strength"].values()) if g.get("strength") else 0.0
        members = g["members"]
        ev = g.get("member_evidence") or {}
        n_members += len(members)
        rows.append(
            {
                "key": g["id"],
                "name": f"团伙 {g['id'][5:]}",
                "score": g["score"],
                "rank": rank,
                "size": len(members),
                "leader": g["leader"],
                "cases": g.get("cases", 0),
                "vehicles": g.get("vehicles", []),
                "vessels": g.get("vessels", []),
                "evidence": g.get("evidence", []),
                "members": members,
                "ms": [round(g["strength"].get(m, 0.0) / top, 4) if top else 0.0 for m in members],
                "rules": [sorted({e["rule"] for e in ev.get(m, [])}) for m in members],
                "ev": [json.dumps(ev.get(m, []), ensure_ascii=False, separators=(",", ":")) for m in members],
            }
        )
    chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    if len(chunks) <= 1:
        for c in chunks:
            store.run_write("inv_write_gangs", gangs=c)
    else:
        # two writers: the client renders one batch's parameters while the server runs the other's
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in pool.map(lambda c: store.run_write("inv_write_gangs", gangs=c), chunks):
                pass
    return {"gangs": len(rows), "memberships": n_members}
