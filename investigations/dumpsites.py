"""Where the waste reached: from a checkpoint, a recycling station or a document to the dump site.

Why: the evidence of dumping rarely stands *at* the dump site.  A truck is
read at night at the checkpoint on the road into a village; a case says the
waste went to that village's abandoned pit; a ticket complains of a river bank.
A chain that ends at the checkpoint or at the recycling station on the
manifest tells an investigator nothing about where to dig (issue 13).

A site is a dump site when its name closes with a dump-site type word of the
vocabulary in `graph_schema.sites` (废弃矿坑, 石矿宕口, 农田, 鱼塘, 河滩, 林地,
山坳, 荒地, 厂区空地, 路边 …) and it is not a coded site (checkpoint, outfall,
station, segment, grid).  A checkpoint or recycling station leads to the dump
sites that stand in the same village (LOCATED_IN, written by resolution), the
one whose kind the checkpoint's name points at first (矿区道路口 → a pit), then one that a document
records as its address or as where waste was dumped (not only a caller's words).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import investigations  # noqa: F401  (registers the query folder)
from graph_schema.sites import DUMP_CATEGORY, site_type
from graph_schema.store import GraphStore
from investigations.common import sensitive_kind

_BRACKET_RE = re.compile(r"[（(]([^）)]*)[）)]")
CODED_KINDS = {"checkpoint", "segment", "outfall", "station", "grid", "village"}


class DumpSites:
    """Sites, their villages (LOCATED_IN) and which of them are dump sites."""

    def __init__(self, store: GraphStore):
        self.sites: dict[str, dict[str, Any]] = {r["key"]: r for r in store.query("inv_sites")}
        self.places_of: dict[str, set[str]] = defaultdict(set)
        self.members: dict[str, set[str]] = defaultdict(set)
        for r in store.query("inv_located_in"):
            self.places_of[r["site"]].add(r["place"])
            self.members[r["place"]].add(r["site"])
        self._store = store
        self._doc_sites: dict[str, list[str]] = {}
        self._recorded: dict[str, bool] = {}

    def name(self, key: str) -> str:
        s = self.sites.get(key) or {}
        return str(s.get("name") or key.partition(":")[2])

    def is_dump(self, key: str | None) -> bool:
        if not key or key not in self.sites:
            return False
        s = self.sites[key]
        if (s.get("kind") or "") in CODED_KINDS:
            return False
        t = site_type(s.get("name") or key.partition(":")[2])
        return t is not None and t.category == DUMP_CATEGORY

    def near(self, key: str) -> list[str]:
        """Dump sites standing in the village(s) `key` stands in (or is), best guess first."""
        villages = set(self.places_of.get(key, ())) | ({key} if key in self.members else set())
        out = {m for v in villages for m in self.members.get(v, ()) if m != key and self.is_dump(m)}
        out |= {v for v in villages if v != key and self.is_dump(v)}
        if not out:
            return []
        hint = self._hint(key)
        recorded = self._on_record(out) if len(out) > 1 else set()

        def rank(k: str) -> tuple:
            t = site_type(self.name(k))
            return (not (hint and t and t.sensitivity == hint), k not in recorded, -len(self.members.get(k, ())), k)

        return sorted(out, key=rank)

    def _on_record(self, keys: set[str]) -> set[str]:
        """Those of `keys` some document records as its address or says waste was dumped at (read once
        per site): a place only a caller's words name (凤圩村北面那个山沟) comes after the address the
        operators recorded for the same tickets (凤圩村西侧山沟), as in `in_docs`."""
        missing = sorted(k for k in keys if k not in self._recorded)
        if missing:
            for k in missing:
                self._recorded[k] = False
            for r in self._store.query("inv_sites_on_record", keys=missing):
                self._recorded[r["key"]] = True
        return {k for k in keys if self._recorded[k]}

    def _hint(self, key: str) -> str | None:
        """The kind of dump site a checkpoint's name points at: 村道口（鱼塘方向） → pond, 矿区道路口 → pit."""
        s = self.sites.get(key) or {}
        name = str(s.get("name") or "")
        for inner in _BRACKET_RE.findall(name):
            t = site_type(inner)
            if t is not None and t.category == DUMP_CATEGORY:
                return t.sensitivity
        return sensitive_kind(name, s.get("kind")) or ("mine_pit" if "矿" in name else None)

    def sensitive(self, key: str, name: str | None, kind: str | None) -> bool:
        """A checkpoint at a pit, bank or wetland by its name, or one standing in a village with a dump site.

        Narrower than `investigations.checkpoints.sensitive_checkpoints` (convoy ties and
        alerts) on purpose: a chain needs a dump site to end at, and a checkpoint that guards
        a sensitive place nobody has named a dump site of would end the chain at itself."""
        return bool(sensitive_kind(name, kind)) or bool(self.near(key))

    def resolve(self, key: str | None) -> str | None:
        """The dump site `key` stands for: itself if it is one, else the best one in its village, else itself."""
        if not key or self.is_dump(key):
            return key
        near = self.near(key)
        return near[0] if near else key

    def in_docs(self, docs: list[str]) -> list[str]:
        """Dump sites the documents mention or are located at (case narratives, tickets, grid events).

        A document's own location comes before the places its text mentions: the address an
        operator recorded for a ticket is where the report is about, while its caller's words
        may name the same spot from another side (村北面那块路旁 for 村东边路边) or another
        place altogether.  Each document's sites are read once (in batches) and kept: every
        case chain asks."""
        docs = [d for d in dict.fromkeys(docs) if d]
        missing = sorted({d for d in docs if d not in self._doc_sites})
        for d in missing:
            self._doc_sites[d] = []
        for i in range(0, len(missing), 2000):
            rows = self._store.query("inv_doc_sites", docs=missing[i : i + 2000])
            for r in sorted(rows, key=lambda r: (r["how"] != "LOCATED_AT", r["site"])):
                self._doc_sites[r["doc"]].append(r["site"])
        out: list[str] = []
        for d in docs:
            for k in self._doc_sites[d]:
                if k not in out and (self.is_dump(k) or self.near(k)):
                    out.append(k)
        return [self.resolve(k) or k for k in out]

    def choose(self, candidates: list[str | None]) -> str | None:
        """The first candidate that is a dump site once resolved; else the first candidate at all.

        A checkpoint or village stands for one of its village's dump sites: the one another
        candidate names, when one does (the truck was read at the village's road mouth and the
        case says which of its pits), else the best guess of `near`."""
        named = {c for c in candidates if c and self.is_dump(c)}
        resolved = []
        for c in candidates:
            if not c:
                continue
            if self.is_dump(c):
                resolved.append(c)
                continue
            near = self.near(c)
            resolved.append(next((k for k in near if k in named), near[0] if near else c))
        return next((c for c in resolved if self.is_dump(c)), resolved[0] if resolved else None)

    def node(self, key: str) -> dict[str, Any]:
        return {"key": key, "type": "Site", "name": self.name(key)}


__all__ = ["DumpSites", "CODED_KINDS"]
