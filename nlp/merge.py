"""Span merging with explicit priority rules.

Order of precedence when candidates overlap (highest first):

1. validated identifiers: ID_CARD (100) > PHONE = PLATE = VESSEL (95)
2. domain rules: full company name ORG (85), masked/titled PERSON (85/80)
3. gazetteers: WASTE, SPECIES (75)
4. address chains LOC (70)
5. rule TIME expressions (65)
6. LAC model: PERSON (55) > ORG (50) > LOC (45) > TIME (40)

Within one priority the longer span wins, then the earlier one.  A candidate
that overlaps an accepted span is dropped, never trimmed: partial spans are
worse than none for exact-match evaluation and for the graph.
"""

from __future__ import annotations

from nlp.rules import Cand


def resolve(cands: list[Cand]) -> list[Cand]:
    order = sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: list[Cand] = []
    occupied = bytearray()
    for c in order:
        if c.end <= c.start:
            continue
        if len(occupied) < c.end:
            occupied.extend(b"\0" * (c.end - len(occupied)))
        if any(occupied[c.start : c.end]):
            continue
        for k in range(c.start, c.end):
            occupied[k] = 1
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken
