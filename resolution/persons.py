"""Person decisions: a name-only person fuses into an identified one, or a same-named peer, on a strong tie.

A person known only by name (`person:<name>@<doc>`) fuses into a
`person:<id>` node only when the names are compatible (a masked `周某` is
compatible with `周卫东`, never enough by itself) *and* a strong tie exists;
two name-only persons fuse only with an identical unmasked full name *and* a
shared unmasked phone or driven vehicle.  Without a shared object, a full name of
three or more characters fuses into the one identified namesake when both are tied
to the same identified associate.  Recorded births or sexes that
cannot belong to one person veto any fusion (`person_conflict`).
"""

from __future__ import annotations

from collections import defaultdict

from graph_schema import identifiers as ids
from resolution.normalize import names_compatible
from resolution.rules import (
    CO_INVOLVED,
    MAX_SUGGESTIONS_PER_NODE,
    PERSON_PEER_TIE_TYPES,
    PERSON_TIE_TYPES,
    Candidate,
    Decision,
)

__all__ = ["decide_persons", "person_conflict"]


def decide_persons(id_persons: list[Candidate], local_persons: list[Candidate]) -> list[Decision]:
    """Name-only persons → a `person:<id>` node, or a peer with the same full name, on a strong tie."""
    out: list[Decision] = []
    by_tie: dict[str, list[Candidate]] = defaultdict(list)
    by_co: dict[str, list[Candidate]] = defaultdict(list)
    for p in id_persons:
        for k in p.tie_keys(PERSON_TIE_TYPES):
            by_tie[k].append(p)
        for k in p.tie_keys((CO_INVOLVED,)):
            by_co[k].append(p)
    left: list[Candidate] = []
    for p in sorted(local_persons, key=lambda c: c.key):
        name = p.names[0] if p.names else ""
        masked = ids.is_masked_name(name)
        own_doc = p.key.partition("@")[2]
        hits: dict[str, tuple[Candidate, set[str]]] = {}
        for k in p.tie_keys(PERSON_TIE_TYPES):
            if masked and k.startswith("vessel:"):
                continue  # a vessel has a crew: with a masked name it singles out no one
            for q in by_tie.get(k, ()):
                if any(names_compatible(name, qn) for qn in q.names):
                    hits.setdefault(q.key, (q, set()))[1].add(k)
        if not masked:
            for k in p.tie_keys(("DRIVES", "OWNS")):
                for q in by_co.get(k, ()):
                    if name in q.names:
                        hits.setdefault(q.key, (q, set()))[1].add(k)
        for qk in list(hits):
            q = hits[qk][0]
            if person_conflict(p.props, q.props, q.key) or (masked and own_doc in q.docs):
                # born another year / other sex, or the same document names both: two people
                del hits[qk]
        if len(hits) == 1:
            q, shared = next(iter(hits.values()))
            out.append(
                Decision(
                    "merge",
                    p.key,
                    q.key,
                    "person_name_compatible_strong_tie",
                    f"姓名 {name} 与 {'/'.join(q.names[:2])} 相容，且共享强标识 / compatible names sharing "
                    f"{', '.join(sorted(shared))}",
                    100.0,
                    sorted(p.docs | q.docs)[:50],
                )
            )
        elif len(hits) > 1:
            for q, shared in sorted(hits.values(), key=lambda t: t[0].key)[:MAX_SUGGESTIONS_PER_NODE]:
                out.append(
                    Decision(
                        "suggest",
                        p.key,
                        q.key,
                        "person_ambiguous_tie",
                        f"{name} 与多名有身份证号人员共享强标识 / ties to several identified persons via "
                        f"{', '.join(sorted(shared))}",
                        70.0,
                        sorted(p.docs | q.docs)[:20],
                    )
                )
        elif (d := _same_name_shared_associate(p, name, masked, by_tie)) is not None:
            out.append(d)
        else:
            left.append(p)
    out.extend(_peer_persons(left))
    return out


def _same_name_shared_associate(
    p: Candidate, name: str, masked: bool, by_tie: dict[str, list[Candidate]]
) -> Decision | None:
    """A name-only person and the one identified person of the same full name, both tied to the
    same identified associate (each through a strong object of their own), are one person.

    *Why*: a record may name a crew's vehicle owner only in passing ("浙F·J4786的机动车所有人为
    苏志刚"), while his own case gives his ID and a phone he shares with the crew's leader, who
    drives that vehicle: no object is shared directly, yet the same three-character name in the
    same circle, one associate apart, is the same man — left apart, the crew split in two at him.
    Only an unmasked full name of three or more characters counts (a masked 苏某 or a two-character
    name singles out no one), and only when exactly one identified person qualifies."""
    if masked or len(name) < 3:
        return None
    mine = p.tie_keys(PERSON_TIE_TYPES)
    found: dict[str, tuple[Candidate, str, str]] = {}
    for k in sorted(mine):  # sorted: the same reason text on every run
        for z in by_tie.get(k, ()):
            for k2 in sorted(z.tie_keys(PERSON_TIE_TYPES) - mine):
                for q in by_tie.get(k2, ()):
                    if q.key != z.key and name in q.names and not person_conflict(p.props, q.props, q.key):
                        found.setdefault(q.key, (q, k, f"{z.key} {k2}"))
    if len(found) != 1:
        return None
    q, via_own, via_assoc = next(iter(found.values()))
    return Decision(
        "merge",
        p.key,
        q.key,
        "person_same_name_shared_associate",
        f"姓名 {name} 相同，且经同一关系人关联（{via_own}；{via_assoc}）/ same full name, tied to one associate "
        f"through {via_own} and {via_assoc}",
        90.0,
        sorted(p.docs | q.docs)[:50],
    )


def _birth_gender(props: dict, key: str = "") -> tuple[str | None, str | None]:
    birth = str(props.get("birth") or "") or None
    gender = props.get("gender") or None
    rid = ids.normalize_resident_id(props.get("id_card") or key.partition(":")[2])
    if rid:
        birth = birth or f"{rid[6:10]}-{rid[10:12]}-{rid[12:14]}"
        gender = gender or ("男" if int(rid[16]) % 2 else "女")
    return birth, gender


def person_conflict(a: dict, b: dict, b_key: str = "") -> bool:
    """Recorded birth dates (or years) or sexes that cannot belong to one person."""
    ba, ga = _birth_gender(a)
    bb, gb = _birth_gender(b, b_key)
    if ga and gb and ga != gb:
        return True
    if ba and bb:
        if ba[:4] != bb[:4]:
            return True
        if len(ba) >= 10 and len(bb) >= 10 and ba[:10] != bb[:10]:
            return True
    return False


def _peer_persons(persons: list[Candidate]) -> list[Decision]:
    """Name-only persons with the same unmasked full name sharing an unmasked phone or a driven vehicle."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by = {p.key: p for p in persons}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in persons:
        name = p.names[0] if p.names else ""
        if not name or ids.is_masked_name(name):
            continue
        for k in p.tie_keys(PERSON_PEER_TIE_TYPES):
            groups[(name, k)].append(p.key)
    shared_by_root: dict[str, set[str]] = defaultdict(set)
    for members in groups.values():
        for m in members[1:]:
            if not person_conflict(by[m].props, by[members[0]].props):
                parent[find(m)] = find(members[0])
    for (_, tie), members in groups.items():
        if len(members) > 1:
            shared_by_root[find(members[0])].add(tie)
    clusters: dict[str, list[str]] = defaultdict(list)
    for key in list(parent):
        clusters[find(key)].append(key)
    out = []
    for root, members in clusters.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda k: (-len(by[k].docs), k))
        canon = members[0]
        for m in members[1:]:
            out.append(
                Decision(
                    "merge",
                    m,
                    canon,
                    "person_same_full_name_strong_tie",
                    f"同名 {by[m].names[0]} 且共享强标识 / same full name sharing "
                    f"{', '.join(sorted(shared_by_root[root])[:5])}",
                    100.0,
                    sorted(by[m].docs | by[canon].docs)[:50],
                )
            )
    return out
