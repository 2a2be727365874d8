"""Planted gangs (synthetic truth) vs detected gangs."""

from __future__ import annotations

from typing import Any

from graph_schema import identifiers as ids
from investigations.gangs.report import GangReport


def _truth_keys(members: list[Any]) -> tuple[set[str], list[str]]:
    """Planted members → (person keys by resident ID, names of members without one)."""
    keys, names = set(), []
    for m in members:
        if isinstance(m, str):
            m = {"id_card": m} if ids.normalize_resident_id(m) else {"key": m}
        idc = ids.normalize_resident_id(m.get("id_card"))
        if idc:
            keys.add(f"person:{idc}")
        elif m.get("key"):
            keys.add(m["key"])
        elif m.get("name"):
            names.append(m["name"])
    return keys, names


def compare_with_truth(result: GangReport | dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Planted gangs vs detected: recovery at member Jaccard ≥ 0.8, member recall, leaders, fusions.

    Members are matched by resident ID (`person:<id>`); a planted member
    without one (a masked 王某) matches a detected member of that name in the
    same detected gang.  A *fusion* is a detected gang holding members of two
    planted gangs; a *decoy fusion* one holding a masked-name decoy
    (`truth["decoys"]`: people planted to look alike across cases) together
    with people of a planted gang or of another decoy's case.
    """
    data = result.to_dict() if hasattr(result, "to_dict") else result
    detected = []
    for g in data["gangs"]:
        keys = {m["key"] for m in g["members"]}
        for m in g["members"]:
            idc = ids.normalize_resident_id(m.get("id_card"))
            if idc:
                keys.add(f"person:{idc}")
        detected.append((g, keys))
    owner: dict[str, str] = {}
    per = []
    for pg in truth.get("gangs", []):
        tk, tnames = _truth_keys(pg["members"])
        for k in tk:
            owner[k] = pg["id"]
        best, best_j, best_inter = None, 0.0, 0
        for g, keys in detected:
            named = [m for m in g["members"] if m["key"] not in tk and m.get("name") in tnames]
            inter = len(tk & keys) + min(len(named), len(tnames))
            if not inter:
                continue
            det_size = len(g["members"])
            j = inter / (len(tk) + len(tnames) + det_size - inter)
            if j > best_j:
                best, best_j, best_inter = g, j, inter
        leader = pg.get("leader")
        lk = None
        if leader:
            lk = (
                f"person:{ids.normalize_resident_id(leader) or leader}"
                if not str(leader).startswith("person:")
                else leader
            )
        best_keys = next((k for g, k in detected if best is not None and g is best), set())
        per.append(
            {
                "id": pg["id"],
                "missing": sorted(tk - best_keys),
                "extra": sorted(
                    k
                    for k in best_keys - tk
                    if not any(m["key"] == k and m.get("name") in tnames for m in best["members"])
                )
                if best
                else [],
                "size": len(tk) + len(tnames),
                "found_members": best_inter,
                "recall": round(best_inter / (len(tk) + len(tnames)), 4) if tk or tnames else None,
                "jaccard": round(best_j, 4),
                "recovered": best_j >= 0.8,
                "leader_right": bool(best and lk and best["leader"]["key"] == lk),
                "detected": best["id"] if best else None,
            }
        )
    fused = []
    for g, keys in detected:
        owners = sorted({owner[k] for k in keys if k in owner})
        if len(owners) >= 2:
            fused.append({"gang": g["id"], "planted": owners})
    decoy_fusions = []
    for d in truth.get("decoys", []):
        dk: set[str] = set()
        for v in d.values() if isinstance(d, dict) else [d]:
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, dict):
                    k, _ = _truth_keys([x])
                    dk |= k
                    if x.get("doc"):
                        dk.add(str(x["doc"]))
                elif isinstance(x, str):
                    dk.add(x)
        for g, keys in detected:
            hit = {k for k in keys if any(x and (k == x or k.endswith("@" + x) or x in k) for x in dk)}
            if len(hit) >= 2 and len({k.split("@", 1)[-1] for k in hit}) >= 2:
                decoy_fusions.append({"gang": g["id"], "decoy": hit and sorted(hit)})
    n = len(per)
    return {
        "planted": n,
        "detected": len(detected),
        "recovered": sum(p["recovered"] for p in per),
        "leaders_right": sum(p["leader_right"] for p in per),
        "fusions": len(fused),
        "decoy_fusions": len(decoy_fusions),
        "mean_jaccard": round(sum(p["jaccard"] for p in per) / n, 4) if n else None,
        # planted members found in their gang's best match / planted members (all gangs together)
        "member_recall": round(sum(p["found_members"] for p in per) / max(1, sum(p["size"] for p in per)), 4)
        if n
        else None,
        "per_gang": per,
        "fused": fused + decoy_fusions,
    }
