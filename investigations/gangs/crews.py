"""Where one crew ends and another begins: star groups join their hub's crew, a co-suspect
follows the member taken back, independent pairs tied only by co-reads leave.

Leiden-CPM sees tie weights, not how a group is held together.  Three shapes come
out wrong on data the communities were not tuned on, and all three are read off
the case files:

* **A star is no crew** (`join_stars`).  A group whose every bond is one
  person's separate case with one other person — the hub and his one-off
  accomplices, who never offended together without him — is not a crew of its
  own.  When the hub shares a phone, vehicle, vessel or case file with a
  larger crew, he is that crew's member and his accomplices are co-suspects of
  a member: the star joins it.  Why: the issue's own definition — a co-suspect
  of any member is a member — and a crew is people who offend *together*;
  CPM keeps the star apart only because one object tie to a crew of nine does
  not pay γ × 3 × 9.
* **Another crew crossing the road** (`detach_independent`).  Inside a group,
  the members joined by bonds (case files, stated joint offences, shared
  objects) form components.  A component besides the crew's core that holds a
  case file of its own, naming two or more of its members, and reaches the core
  only by convoy co-reads or co-mentions, is another crew whose car passed the
  same checkpoint one night: it leaves the gang (and is a gang of its own when
  large enough), and a member tied to nobody left in the gang goes with the
  people he is tied to (the convoy driver of the crew that left).  A lone driver
  tied by co-reads stays — that is a convoy member; a pair with a case of their
  own is not, on one coincidence.  Nor is
  a person known only inside one document (a driver named in one manifest, no
  resident ID): an identity that weak, tied by co-reads alone, is two
  uncertainties multiplied, and the licensed haulier whose truck shares the
  crew's road is the commonest such case.
* **A co-suspect follows his co-suspect** (`attach_fragments`).  A member the
  communities left outside with the man he offended with (a pair of their own) and
  `attach_tied` took back brings that man along.

Bonds are `BOND_KINDS`; co-reads (`checkpoint`) and co-mentions are
circumstantial.  Rows naming more than `ATTACH_MAX_PARTIES` people (a sweep)
pull no star into a crew; inside a group every bond row counts.

References
----------
.. [1] M. Sparrow, "The application of network analysis to criminal
   intelligence", Social Networks 13 (1991) 251–274 — co-offending ties are
   typed; a link's kind, not only its weight, says what it proves.
.. [2] V. A. Traag, P. Van Dooren, Y. Nesterov, "Narrow scope for
   resolution-limit-free community detection", Phys. Rev. E 84, 016114 (2011).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from investigations.gangs.base import ATTACH_MAX_PARTIES, CASE_KINDS, MAX_GANG_SIZE, OBJECT_KINDS, GroupMerger
from investigations.gangs.projection import Projection

__all__ = ["BOND_KINDS", "join_stars", "join_cut_crews", "attach_fragments", "detach_independent"]

BOND_KINDS = CASE_KINDS | OBJECT_KINDS  # evidence that people act together, not that they crossed paths
_DOC_SCOPED = "@doc:"  # a person known only inside one document (`person:周波@doc:manifest:…`): no identifier


def _bond_rows(proj: Projection) -> list[int]:
    return [i for i, r in enumerate(proj.rows) if r["kind"] in BOND_KINDS]


def _share(proj: Projection, r: int, k: int) -> float:
    """A row's weight for one pair of its k people (objects: / √(k − 1), files: / (k − 1))."""
    w = float(proj.row_weight[r]) if proj.row_weight is not None else 1.0
    return w / (math.sqrt(k - 1) if proj.rows[r]["kind"] in OBJECT_KINDS else float(k - 1))


def join_stars(proj: Projection, gid: np.ndarray, sizes: list[int], max_size: int | None = MAX_GANG_SIZE) -> np.ndarray:
    """Groups held together by one hub's separate pair cases join the larger crew the hub is bonded to.

    Parameters
    ----------
    proj : Projection
        The co-offending projection (its tie rows are read).
    gid : ndarray
        Group index per vertex (−1: in no group).
    sizes : list of int
        Members per group.
    max_size : int, optional
        A crew stops taking stars at this size.

    Returns
    -------
    ndarray
        The new group index per vertex (groups are merged, never renumbered).

    Examples
    --------
    A crew of four, a hub ``h`` sharing the leader's phone, and his two
    accomplices of two separate cases:

    >>> from investigations.gangs.projection import project
    >>> rows = [{"kind": "case", "members": ["a", "b", "c", "d"], "doc": "c1"},
    ...         {"kind": "phone", "members": ["a", "h"], "doc": "c2"},
    ...         {"kind": "case", "members": ["h", "x"], "doc": "c3"},
    ...         {"kind": "case", "members": ["h", "y"], "doc": "c4"}]
    >>> p = project(rows)
    >>> gid = np.array([0 if k in "abcd" else 1 for k in p.keys])
    >>> sorted(p.keys[v] for v in np.nonzero(join_stars(p, gid, [4, 3]) == 0)[0])
    ['a', 'b', 'c', 'd', 'h', 'x', 'y']
    """
    gid = gid.copy()
    K = len(sizes)
    if not proj.rows or K < 2:
        return gid
    people = proj.row_members
    internal: dict[int, list[list[int]]] = defaultdict(list)  # group → its bonds (members inside it)
    links: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))  # person → group → weight
    for r in _bond_rows(proj):
        ps = people[r]
        if len(ps) < 2 or len(ps) > ATTACH_MAX_PARTIES:
            continue
        by_group: dict[int, list[int]] = defaultdict(list)
        for v in ps:
            if gid[v] >= 0:
                by_group[int(gid[v])].append(v)
        for g, vs in by_group.items():
            if len(vs) >= 2:
                internal[g].append(vs)
        w = _share(proj, r, len(ps))
        for g, vs in by_group.items():
            for o, us in by_group.items():
                if o != g:
                    for v in vs:
                        links[v][o] += w * len(us)
    size = list(sizes)
    for g in sorted(internal, key=lambda g: (size[g], g)):
        hub = _star_hub(internal[g], size[g])
        if hub is None:
            continue
        targets = [(w, -o) for o, w in links.get(hub, {}).items() if size[o] > size[g] and int(gid[hub]) == g]
        if not targets:
            continue
        _w, neg = max(targets)
        o = -neg
        if max_size and size[o] + size[g] > max_size:
            continue
        gid[gid == g] = o
        size[o] += size[g]
        size[g] = 0
    return gid


def attach_fragments(
    proj: Projection,
    before: np.ndarray,
    gid: np.ndarray,
    groups: list[list[int]],
    min_size: int = 3,
    max_size: int | None = MAX_GANG_SIZE,
) -> np.ndarray:
    """A person attached to a crew brings the co-suspect the communities left beside him.

    Leiden-CPM leaves a member tied to the crew by one shared phone, together with the man he
    offended with once, as a pair of their own (their case outweighs the phone); the pair is
    no gang, `attach_tied` takes the member back but not his co-suspect (it follows ties to
    members only).  Here each person `attach_tied` took (outside every group in `before`,
    inside one in `gid`) brings the people of his community of fewer than `min_size` who
    share a case file or a stated joint offence with him and are still outside, while the
    crew is below `max_size`.  One step only, and only inside such a fragment: a co-suspect
    of one case stays with his co-suspect, a sweep's parties do not follow.

    Parameters
    ----------
    proj : Projection
        The co-offending projection.
    before, gid : ndarray
        Group index per vertex before and after `attach_tied` (−1: in no group).
    groups : list of list of int
        The communities (vertex indices); those under `min_size` are the fragments.
    min_size, max_size : int
        The gang size bounds.

    Returns
    -------
    ndarray
        The new group index per vertex.
    """
    gid = gid.copy()
    taken = np.nonzero((before < 0) & (gid >= 0))[0].tolist()
    if not taken or not proj.rows:
        return gid
    fragment: dict[int, list[int]] = {}
    for g in groups:
        if len(g) < min_size:
            for v in g:
                fragment[v] = g
    case_mates: dict[int, set[int]] = defaultdict(set)
    people = proj.row_members
    for r, row in enumerate(proj.rows):
        if row["kind"] in CASE_KINDS and 2 <= len(people[r]) <= ATTACH_MAX_PARTIES:
            for v in people[r]:
                case_mates[v].update(people[r])
    size = np.bincount(gid[gid >= 0]).tolist()
    for v in taken:
        g = int(gid[v])
        for u in fragment.get(v, ()):
            if u != v and gid[u] < 0 and u in case_mates[v] and (not max_size or size[g] < max_size):
                gid[u] = g
                size[g] += 1
    return gid


def _star_hub(bonds: list[list[int]], size: int) -> int | None:
    """The hub when every bond of the group is a pair with one and the same member, reaching all."""
    if size < 3 or any(len(b) != 2 for b in bonds):
        return None
    common = set(bonds[0])
    for b in bonds[1:]:
        common &= set(b)
        if not common:
            return None
    if len(common) != 1:
        return None
    hub = next(iter(common))
    reached = {v for b in bonds for v in b}
    return hub if len(reached) == size else None


def join_cut_crews(proj: Projection, gid: np.ndarray, max_size: int | None = MAX_GANG_SIZE) -> np.ndarray:
    """Two groups that two independent bonds cross, one of them a case file, are one crew.

    Leiden-CPM asks a group to be denser than γ per member pair, so a large crew held
    together by a star — one truck its members all drive, a hub's chain of pair files — is
    cheaper for CPM as two halves once the seam between them weighs less than γ·n₁·n₂: a
    crew of sixteen needs a seam of 3.2 at γ = 0.05, and a co-suspect file plus the truck
    the leader drives weigh about 3.  What holds them together is not the seam's weight but
    its kind: a case file whose suspects the cut separates (co-suspects of one case stay
    together) *and* another document or object that ties the halves on its own — two
    statements of joint activity, not one chance contact (a car lent once, one shared file).
    Rows naming more than `ATTACH_MAX_PARTIES` people (a sweep, a fleet truck) never count.
    Strongest seams first, within `max_size`.

    Parameters
    ----------
    proj : Projection
        The co-offending projection (its bond rows are read).
    gid : ndarray
        Group index per vertex (−1: in no group).
    max_size : int, optional
        Two halves whose union would exceed this stay apart.

    Returns
    -------
    ndarray
        The new group index per vertex (groups are merged, never renumbered).

    Examples
    --------
    Two trios cut apart; a case file and a shared truck cross between them:

    >>> from investigations.gangs.projection import project
    >>> rows = [{"kind": "case", "members": ["a", "b", "c"], "doc": "c1"},
    ...         {"kind": "case", "members": ["x", "y", "z"], "doc": "c2"},
    ...         {"kind": "case", "members": ["a", "x"], "doc": "c3"},
    ...         {"kind": "vehicle", "members": ["b", "y"], "doc": "c4", "object": "vehicle:浙E1"}]
    >>> p = project(rows)
    >>> gid = np.array([0 if k in "abc" else 1 for k in p.keys])
    >>> join_cut_crews(p, gid).tolist()
    [0, 0, 0, 0, 0, 0]
    """
    gid = gid.copy()
    if not proj.rows:
        return gid
    people = proj.row_members
    seams: dict[tuple[int, int], set[tuple[bool, str]]] = defaultdict(set)
    for r in _bond_rows(proj):
        ps = people[r]
        if len(ps) < 2 or len(ps) > ATTACH_MAX_PARTIES:
            continue
        gs = sorted({int(gid[v]) for v in ps if gid[v] >= 0})
        if len(gs) < 2:
            continue
        row = proj.rows[r]
        case = row["kind"] in CASE_KINDS
        item = (case, str(row.get("doc") if case else row.get("object") or row.get("doc")))
        for i, a in enumerate(gs):
            for b in gs[i + 1 :]:
                seams[(a, b)].add(item)
    joins = [(len(items), a, b) for (a, b), items in seams.items() if len(items) >= 2 and any(c for c, _ in items)]
    if not joins:
        return gid
    groups = GroupMerger(np.bincount(gid[gid >= 0]).tolist())
    size = groups.size
    for _n, a, b in sorted(joins, key=lambda j: (-j[0], j[1], j[2])):
        ra, rb = groups.root(a), groups.root(b)
        if ra == rb or (max_size and size[ra] + size[rb] > max_size):
            continue
        groups.merge(*((ra, rb) if (size[ra], -ra) >= (size[rb], -rb) else (rb, ra)))
    return groups.remap(gid)


def detach_independent(proj: Projection, gid: np.ndarray, min_size: int = 3) -> np.ndarray:
    """Members bonded to the crew only by co-reads or co-mentions, who hold a case file of
    their own with each other (or are known only inside one document each), leave it
    (a gang of their own at `min_size` or more).

    Parameters
    ----------
    proj : Projection
        The co-offending projection.
    gid : ndarray
        Group index per vertex (−1: in no group).
    min_size : int
        A detached component this large becomes a group of its own (a new index
        after the existing ones); a smaller one leaves every group.

    Returns
    -------
    ndarray
        The new group index per vertex.

    Notes
    -----
    The core is the component of the member named in the most case files (the
    leader's rule, `scoring`), ties to the larger component.
    """
    gid = gid.copy()
    if not proj.rows or not (gid >= 0).any():
        return gid
    people = proj.row_members
    parent = {int(v): int(v) for v in np.nonzero(gid >= 0)[0].tolist()}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    own_rows: list[list[int]] = []  # per case row: its members inside one group (≥ 2)
    for r in _bond_rows(proj):
        ps = people[r]  # any size: inside a group, a truck seven members drive bonds them all
        if len(ps) < 2:
            continue
        by_group: dict[int, list[int]] = defaultdict(list)
        for v in ps:
            if gid[v] >= 0:
                by_group[int(gid[v])].append(v)
        for vs in by_group.values():
            if len(vs) < 2:
                continue
            for v in vs[1:]:
                a, b = find(vs[0]), find(v)
                if a != b:
                    parent[b] = a
            if proj.rows[r]["kind"] in CASE_KINDS:
                own_rows.append(vs)
    comps: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # group → root → members
    for v in parent:
        comps[int(gid[v])][find(v)].append(v)
    has_case: set[int] = {find(vs[0]) for vs in own_rows}
    cases = proj.case_counts()
    next_g = int(gid.max()) + 1
    before = gid.copy()
    for _g, parts in sorted(comps.items()):
        if len(parts) < 2:
            continue
        core = max(parts, key=lambda c: (max(cases[v] for v in parts[c]), len(parts[c]), -min(parts[c])))
        for root, members in sorted(parts.items()):
            if root == core:
                continue
            unnamed = all(_DOC_SCOPED in proj.keys[v] for v in members)
            if not unnamed and (len(members) < 2 or root not in has_case):
                continue
            if len(members) >= min_size:
                gid[members] = next_g
                next_g += 1
            else:
                gid[members] = -1
    return _follow_detached(people, gid, before)


def _follow_detached(people: list[list[int]], gid: np.ndarray, before: np.ndarray) -> np.ndarray:
    """After a crew left a gang, a member tied to nobody left in it (the convoy driver of the
    crew that left) goes with the people he is tied to: to their new group, or out."""
    changed = np.nonzero(before != gid)[0]
    if not len(changed):
        return gid
    touched = {int(before[v]) for v in changed.tolist() if before[v] >= 0}
    tied_in: set[int] = set()
    pulls: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for ps in people:
        if len(ps) < 2:
            continue
        for v in ps:
            g = int(gid[v])
            if g < 0 or int(before[v]) not in touched:
                continue
            for u in ps:
                if u == v:
                    continue
                if gid[u] == g:
                    tied_in.add(v)
                elif int(before[u]) == int(before[v]) and gid[u] >= 0:
                    pulls[v][int(gid[u])] += 1
    out = gid.copy()
    for v in np.nonzero(gid >= 0)[0].tolist():
        if int(before[v]) in touched and gid[v] == before[v] and v not in tied_in:
            to = pulls.get(v)
            out[v] = max(to, key=lambda g: (to[g], -g)) if to else -1
    return out
