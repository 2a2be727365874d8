"""Span merging with explicit priority rules.

Order of precedence when candidates overlap (highest first):

1. validated identifiers: ID_CARD (100) > PHONE = PLATE = VESSEL (95)
2. domain rules: full company name ORG (85), masked/titled PERSON (85/80)
3. gazetteers: WASTE, SPECIES (75)
4. address chains LOC (70)
5. rule TIME expressions (65)
6. LAC model: PERSON (55) > ORG (50) > LOC (45) > TIME (40)

Within one priority the longer span wins, then the earlier one.  A candidate
that overlaps an accepted span is dropped, not trimmed (partial spans are worse
than none for exact-match evaluation and for the graph) — with one exception: an
address chain whose tail runs into a company name keeps its head when that head
ends on an administrative unit (村, 镇, 路 …).
"""

from __future__ import annotations

from nlp.rules import Cand

_UNIT_END = set("村镇乡区县市路号港河溪湖塘道")


def resolve(cands: list[Cand], text: str = "") -> list[Cand]:
    order = sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: list[Cand] = []
    occupied = bytearray()
    for c in order:
        if c.end <= c.start:
            continue
        if len(occupied) < c.end:
            occupied.extend(b"\0" * (c.end - len(occupied)))
        if any(occupied[c.start : c.end]):
            # an address chain that runs into a company name keeps its free head:
            # "南浔区旧馆镇港胡村" + "湖州旧馆鸿运…回收站"
            if c.label == "LOC" and not occupied[c.start]:
                cut = occupied.index(1, c.start, c.end)
                if cut - c.start >= 2 and (not text or text[cut - 1] in _UNIT_END or text[cut - 2 : cut] == "街道"):
                    c = c._replace(end=cut)
                else:
                    continue
            else:
                continue
        for k in range(c.start, c.end):
            occupied[k] = 1
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken
