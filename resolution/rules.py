"""Resolution rules: pure decisions over snapshots of candidate nodes.

Nothing here touches the store: `resolution.resolver` reads the candidates
with named queries, calls these functions and carries out what they decide.
That keeps every rule testable on plain data and every decision explainable:
each `Decision` names its rule, a human reason and the evidence documents.

Policy (issue 3 §5):

* Strong identifiers fuse: they already share a key after normalisation
  (plate, vessel, USCC, resident ID, unmasked phone), and `identifier_fixes`
  repairs keys written before normalisation.
* A company name is normalised beyond its key by dropping place prefixes,
  brackets and the legal form (`resolution.normalize.company_name`).  Two
  names with the same core, compatible places and legal form fuse when that
  points at exactly one company; anything fuzzier fuses only with a shared
  strong attribute (unmasked phone, a vehicle or vessel the company owns or
  that hauls for it, a person with a resident ID who represents or owns it),
  otherwise it becomes a POSSIBLY_SAME suggestion.
* A person known only by name (`person:<name>@<doc>`) fuses into a
  `person:<id>` node only when the names are compatible (a masked `周某` is
  compatible with `周卫东`, never enough by itself) *and* a strong tie exists
  (same unmasked phone, drives/owns the same vehicle or vessel, represents or
  owns the same company).  Two name-only persons fuse only with an identical
  unmasked full name *and* a shared unmasked phone or driven vehicle; masked
  names never fuse with each other.
* Sites fuse only with the same name core in the same administrative area;
  otherwise similar names become suggestions.

This module holds what every rule shares (thresholds, tie types, `Decision`,
`Candidate`, blocking) and the identifier fixes; the decisions per kind live
in `resolution.companies`, `resolution.persons` and `resolution.sites`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph_schema import identifiers as ids

__all__ = [
    "CO_INVOLVED",
    "COMPANY_FUSE_WITH_HAUL_TIE",
    "COMPANY_FUSE_WITH_TIE",
    "COMPANY_HAUL_TIE_TYPES",
    "COMPANY_SUGGEST",
    "COMPANY_TIE_TYPES",
    "MAX_SUGGESTIONS_PER_NODE",
    "PERSON_PEER_TIE_TYPES",
    "PERSON_TIE_TYPES",
    "SITE_SUGGEST",
    "TIE_NEIGHBOURS",
    "Candidate",
    "Decision",
    "bigram_blocks",
    "identifier_fixes",
    "is_strong_key",
    "tie_ok",
]

# Tuned on generator seed 1 (see tests/resolution/test_end_to_end.py); never on the held-out seed.
COMPANY_SUGGEST = 80.0  # below: not even a suggestion
COMPANY_FUSE_WITH_TIE = 80.0  # fuzzy name + shared strong attribute
COMPANY_FUSE_WITH_HAUL_TIE = 90.0  # fuzzy name + only a shared hauling vehicle (weaker: a truck serves many firms)
SITE_SUGGEST = 85.0
MAX_SUGGESTIONS_PER_NODE = 5

# Relationship types that make a neighbour a tie, per label of the node being resolved,
# and which neighbours count (key prefixes; "person" means a person with a resident ID).
COMPANY_TIE_TYPES = ("USES_PHONE", "OWNS", "REPRESENTS")
COMPANY_HAUL_TIE_TYPES = ("TRANSPORTS",)
PERSON_TIE_TYPES = ("USES_PHONE", "DRIVES", "OWNS", "REPRESENTS")
PERSON_PEER_TIE_TYPES = ("USES_PHONE", "DRIVES")
# An identified suspect and a vehicle that are parties to the same record (a case and its 涉案车辆):
# ties a name-only driver of that vehicle only when the full names are identical.
CO_INVOLVED = "CO_INVOLVED"
TIE_NEIGHBOURS: dict[str, dict[str, tuple[str, ...]]] = {
    # a shared carrier company or subsidiary is not an identity: only phones, vehicles, vessels, IDs
    "Company": {
        "USES_PHONE": ("phone",),
        "OWNS": ("vehicle", "vessel", "person"),
        "REPRESENTS": ("person",),
        "TRANSPORTS": ("vehicle", "vessel"),
    },
    # "company they run": any company node, after company resolution
    "Person": {
        "USES_PHONE": ("phone",),
        "DRIVES": ("vehicle", "vessel"),
        "OWNS": ("company", "vehicle", "vessel"),
        "REPRESENTS": ("company",),
    },
}


def tie_ok(label: str, rel_type: str, other_key: str) -> bool:
    """Is `other_key`, reached over `rel_type`, a strong attribute of a `label` node?"""
    allowed = TIE_NEIGHBOURS.get(label, {}).get(rel_type, ())
    prefix = other_key.partition(":")[0]
    if prefix not in allowed:
        return False
    if prefix == "company":
        return True
    return is_strong_key(other_key)


@dataclass
class Decision:
    """Fuse `alias` into `canonical`, or suggest the pair to an analyst."""

    kind: str  # "merge" | "suggest"
    alias: str
    canonical: str
    rule: str
    reason: str
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """One node as the rules see it."""

    key: str
    names: list[str] = field(default_factory=list)  # every spelling the node was written with
    strong: bool = False  # keyed by a strong identifier (USCC, resident ID)
    ties: dict[str, set[str]] = field(default_factory=dict)  # rel type → strong neighbour keys
    docs: set[str] = field(default_factory=set)
    props: dict = field(default_factory=dict)

    def tie_keys(self, types: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for t in types:
            out |= self.ties.get(t, set())
        return out


@functools.lru_cache(maxsize=1 << 18)
def is_strong_key(key: str) -> bool:
    """Keys that identify across documents: resident ID, USCC, plate, vessel, unmasked phone.

    Cached: resolution asks it of every neighbour of every candidate in each round (a
    checksum test per ID number), and the same few thousand neighbours recur."""
    prefix, _, rest = key.partition(":")
    if prefix == "person":
        return ids.normalize_resident_id(rest) is not None
    if prefix == "company":
        return ids.normalize_uscc(rest) is not None
    if prefix in ("vehicle", "vessel"):
        return True
    if prefix == "phone":
        p = ids.parse_phone(rest)
        return bool(p and not p.masked)
    return False


# -- identifiers -----------------------------------------------------------------
def identifier_fixes(keys_: Iterable[str]) -> list[Decision]:
    """Keys of plates, vessels and phones written before normalisation → their normal key."""
    existing = set(keys_)
    out = []
    for key in sorted(existing):
        prefix, _, rest = key.partition(":")
        norm: str | None = None
        if prefix == "vehicle":
            norm = ids.normalize_plate(rest)
        elif prefix == "vessel":
            norm = ids.normalize_vessel(rest)
        elif prefix == "phone":
            p = ids.parse_phone(rest)
            norm = p.digits if p and not p.masked else None
        if norm and norm != rest:
            target = f"{prefix}:{norm}"
            out.append(
                Decision(
                    "merge",
                    key,
                    target,
                    "identifier_normalisation",
                    f"{rest} 规范化后即 {norm} / normalises to {norm}",
                    100.0,
                )
            )
    return out  # the resolver creates a missing normal-key node before merging into it


def bigram_blocks(texts: dict[str, list[str]], max_posting: int = 300) -> dict[str, set[str]]:
    """Candidate pairs: keys whose texts share a character bigram (rare bigrams only)."""
    postings: dict[str, set[str]] = defaultdict(set)
    grams_of: dict[str, set[str]] = {}
    for key, forms in texts.items():
        grams = set()
        for t in forms:
            grams |= {t[i : i + 2] for i in range(max(1, len(t) - 1))}
        grams_of[key] = grams
        for g in grams:
            postings[g].add(key)
    out: dict[str, set[str]] = {}
    for key, grams in grams_of.items():
        cands: set[str] = set()
        for g in grams:
            p = postings[g]
            if len(p) <= max_posting:
                cands |= p
        cands.discard(key)
        out[key] = cands
    return out
