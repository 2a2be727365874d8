"""Tie rows: every piece of evidence in the graph that ties people together, as a hyperedge.

A row is `{"kind", "members", "doc", "docs", "time", "object"?, "roles"?}`; the kinds and
their weights are in `investigations.gangs.base.KIND_WEIGHTS`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema import identifiers as ids
from graph_schema.store import GraphStore
from investigations.common import paged
from investigations.gangs.base import CASE_KINDS, CHECKPOINT_WINDOW_MIN, MENTION_SOURCES, TEXT_KINDS, _no_gc
from investigations.gangs.convoy import checkpoint_rows

_OBJECT_KIND = {"Vehicle": "vehicle", "Vessel": "vessel", "Phone": "phone"}


@_no_gc
def coffending_rows(store: GraphStore, window_min: int = CHECKPOINT_WINDOW_MIN) -> list[dict[str, Any]]:
    """All tie rows (hyperedges) the graph holds; see the package docstring for kinds."""
    rows: list[dict[str, Any]] = []
    for r in paged(store, "inv_doc_persons"):
        if r["members"]:  # one-suspect cases tie nobody but count for the leader and the evidence
            row = {"kind": "case", "members": r["members"], "doc": r["doc"], "time": r["time"], "cause": r["cause"]}
            if r.get("first_rank") is not None:  # the record says who it names first (its principal)
                row["principal"] = r["members"][0]
            rows.append(row)
    for r in paged(store, "inv_doc_mentions", sources=MENTION_SOURCES):
        if len(r["members"]) >= 2:
            rows.append({"kind": "mention", "members": r["members"], "doc": r["doc"], "time": r["time"]})
    holders = object_holders(store)
    objects = object_rows(holders)
    for r in paged(store, "inv_co_offender"):
        rows.append({"kind": "co_offender", "members": [r["a"], r["b"]], "doc": r["doc"], "time": r["time"]})
    rows.extend(around_principal(objects, rows))
    vehicle_people = {o: sorted(h["people"]) for o, h in holders.items() if h["label"] == "Vehicle"}
    rows.extend(checkpoint_rows(store, window_min, vehicle_people))
    out = []
    for r in rows:
        masked_file = r["kind"] in CASE_KINDS and not any(_identified(m) for m in r["members"])
        mem = [m for m in r["members"] if _counts_in(m, r, masked_file)]
        if len(mem) >= 2 or (mem and r["kind"] == "case"):
            out.append({**r, "members": mem})
    return out


def object_holders(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every vehicle, vessel and phone → who holds it and on which documents.

    Holders are the people who drive, own or use it (DRIVES / OWNS / USES_PHONE, read in
    either direction: a registered owner OWNS the truck, a borrower DRIVES it, and both
    are its holders), and the principal suspect of every case file that names it as
    涉案车辆 / 涉案船舶 (`principal`).  `people` maps each holder to how they hold it
    (`DRIVES`, `OWNS`, `USES_PHONE`, `case`).
    """
    out: dict[str, dict[str, Any]] = {}

    def slot(obj: str, label: str) -> dict[str, Any]:
        h = out.get(obj)
        if h is None:
            h = out[obj] = {"label": label, "people": defaultdict(set), "docs": set(), "time": None}
        return h

    def later(a: Any, b: Any) -> Any:
        return b if a is None or (b is not None and str(b) > str(a)) else a

    for r in paged(store, "inv_shared_objects"):
        h = slot(r["object"], r["label"])
        h["people"][r["person"]].update(r["types"] or [])
        h["docs"].update(d for d in (r["docs"] or []) if d)
        h["time"] = later(h["time"], r["time"])
    for r in paged(store, "inv_case_objects"):
        p = principal(r["members"], r["names"], r["text"])
        if p is None:
            continue
        h = slot(r["object"], r["label"])
        h["people"][p].add("case")
        h["docs"].add(r["doc"])
        h["time"] = later(h["time"], r["time"])
    return out


def object_rows(holders: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One `vehicle` / `vessel` / `phone` row per object held by two or more people.

    Why one row for owners, drivers and case principals together: a borrowed truck
    ("该车登记车主为甲，系乙借用") ties the borrower to the owner exactly as a shared one
    does, whether the borrower is known from the narrative (DRIVES) or only as the
    suspect of the case that names the truck.
    """
    rows = []
    for obj in sorted(holders):
        h = holders[obj]
        people = sorted(h["people"])
        if len(people) < 2:
            continue
        docs = sorted(h["docs"])
        rows.append(
            {
                "kind": _OBJECT_KIND.get(h["label"], "vehicle"),
                "members": people,
                "doc": docs[0] if docs else None,
                "docs": docs,
                "time": h["time"],
                "object": obj,
                "roles": {p: sorted(h["people"][p]) for p in people},
            }
        )
    return rows


def around_principal(objects: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Object rows of three or more holders, as one row per holder with the object's principal.

    Why: five people who each used the leader's phone, or drove the owner's truck, are tied
    to its holder, not to one another; as a clique they outweigh their tie to the crew and
    community detection sets them apart as a group of their own (a 220k-record run split
    twenty large gangs this way).  The principal is the registered owner (OWNS) when there is
    exactly one, else the holder in the most case files (`rows`: case and co-offender rows),
    when one holder leads; otherwise the row stays as it is.
    """
    # case files, not rows: a file that also states the joint offence (伙同) is one file, not two
    named = {(m, r.get("doc") or id(r)) for r in rows if r["kind"] in CASE_KINDS for m in r["members"]}
    cases: Counter[str] = Counter(m for m, _doc in named)
    out = []
    for r in objects:
        members = r["members"]
        if len(members) < 3:
            out.append(r)
            continue
        roles = r.get("roles") or {}
        owners = [m for m in members if "OWNS" in roles.get(m, ())]
        ranked = sorted(members, key=lambda m: (-cases[m], m))
        if len(owners) == 1:
            head = owners[0]
        elif cases[ranked[0]] > cases[ranked[1]]:
            head = ranked[0]
        else:
            out.append(r)
            continue
        for m in members:
            if m != head:
                out.append({**r, "members": [head, m], "roles": {head: roles.get(head, []), m: roles.get(m, [])}})
    return out


def principal(keys: list[str], names: list[str | None], text: str | None) -> str | None:
    """The principal suspect of a case: the one named first in its narrative (Chinese case
    files name the 主犯 first: "张三伙同李四…"); ties and unnamed → key order."""
    text = text or ""
    best = None
    for k, n in sorted(zip(keys, names)):
        pos = text.find(n) if n else -1
        rank = pos if pos >= 0 else len(text) + 1
        if best is None or rank < best[0]:
            best = (rank, k)
    return best[1] if best else None


def _counts_in(key: str, row: dict[str, Any], masked_file: bool) -> bool:
    """Whether a person counts as a member of a tie row.

    A name read from free text counts only once tied to an identity (co-mentions,
    stated joint offences), and a masked one (王某, 张某某) known only inside one
    document never does: it cannot be told apart from another 王某, and the
    masked co-suspects of a crew's many files (周某 of one, 周某 of the next) would
    all join it as if they were one person.  One exception: a case file whose
    suspects are all masked (a judgment, a published briefing: 被告人钱某某伙同
    被告人孙某、李某甲…) ties them to each other — they are the crew of that file,
    and their keys reach no other document, so they can fuse nothing.
    """
    if "@" not in key:
        return True
    if masked_file and key.endswith("@" + str(row.get("doc"))):
        return True
    if row["kind"] in TEXT_KINDS:
        return False
    return _identified(key)


def _identified(key: str) -> bool:
    """A masked name (王某, 张某某) known only inside one document never joins a gang:
    it cannot be told apart from another 王某 and cannot be cited."""
    if "@" not in key:
        return True
    return not ids.is_masked_name(key.split(":", 1)[1].split("@", 1)[0])
