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
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from graph_schema import identifiers as ids
from resolution.normalize import CompanyName, SiteName, names_compatible, places_compatible

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


_LEGAL_FAMILY = {
    "": "",
    "有限公司": "company",
    "有限责任公司": "company",
    "股份有限公司": "company",
    "集团有限公司": "company",
    "公司": "company",
    "合作社": "coop",
    "专业合作社": "coop",
    "股份合作社": "coop",
    "厂": "factory",
    "个体工商户": "sole",
    "经营部": "sole",
}


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


def is_strong_key(key: str) -> bool:
    """Keys that identify across documents: resident ID, USCC, plate, vessel, unmasked phone."""
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


# -- companies -------------------------------------------------------------------
def legal_compatible(a: CompanyName, b: CompanyName) -> bool:
    fa, fb = _LEGAL_FAMILY.get(a.legal_form, a.legal_form), _LEGAL_FAMILY.get(b.legal_form, b.legal_form)
    return not fa or not fb or fa == fb


# Public bodies that text extraction may tag as organisations: not companies, never resolved here.
AGENCY_RE = re.compile(
    r"(?:公安局|分局|派出所|大队|中队|支队|委员会|人民政府|政府|办公室|办事处|法院|检察院|管理局|管理站|执法局|"
    r"生态环境局|林业局|农业农村局|自然资源和规划局|水利局|卫生院|村委会|居委会|网格)$"
)
# Cores made only of generic words say nothing about which firm is meant.
GENERIC_CORE_RE = re.compile(
    r"^(?:化工|精细化工|化学|科技|环保|环境|物流|运输|货运|危货运输|再生资源|资源|回收|建材|砂石|石料|"
    r"贸易|实业|材料|金属|电子|印染|纺织|机械|汽车|维修|养殖|农业|食品|服务|工程|建设|新材料|制造|加工|"
    r"发展|投资|集团|表面处理|电镀|家具|木业|竹木|塑料|橡胶|能源|电力|水务|污水处理|环境服务)+$"
)


def is_agency(name: str) -> bool:
    return bool(AGENCY_RE.search(name or ""))


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def company_score(a: CompanyName, b: CompanyName) -> tuple[float, str]:
    """Similarity of two company names, 0–100, with the reason in words."""
    if a.full == b.full:
        return 100.0, "全称相同 / same full name"
    if a.branch != b.branch:
        return min(60.0, fuzz.ratio(a.full, b.full)), "总公司与分公司 / head office vs branch"
    places_ok = places_compatible(a.places, b.places)
    if a.core == b.core:
        if places_ok and legal_compatible(a, b):
            return 95.0, "规范化名称相同（去地名、组织形式、括号） / same normalised name"
        if places_ok:
            return 88.0, "名称核心相同、组织形式不同 / same core, different legal form"
        return 75.0, "名称核心相同、属地不同 / same core, different place"
    short, long = sorted((a.core, b.core), key=len)
    score = float(fuzz.ratio(a.core, b.core))
    reason = "名称相似 / similar names"
    if len(short) >= 2 and short[:2] == long[:2] and not GENERIC_CORE_RE.match(short) and _is_subsequence(short, long):
        score = max(score, 85.0)
        reason = "简称 / abbreviation"
    if not places_ok:
        score -= 15.0
        reason += "（属地不同 / different place）"
    return score, reason


def _company_score_bound(a: CompanyName, b: CompanyName) -> float:
    """An upper bound of `company_score(a, b)` from the cheap parts alone (no place comparison):
    resolution compares each name with every other in its block, and most pairs are far below
    a suggestion; this rules them out at C speed."""
    if a.full == b.full:
        return 100.0
    if a.branch != b.branch:
        return 60.0
    if a.core == b.core:
        return 95.0
    short, long = sorted((a.core, b.core), key=len)
    if len(short) >= 2 and short[:2] == long[:2]:
        return 100.0  # perhaps an abbreviation (85) or a close spelling: score it in full
    return float(fuzz.ratio(a.core, b.core))


def best_company_score(a: Iterable[CompanyName], b: Iterable[CompanyName], floor: float = 0.0) -> tuple[float, str]:
    """The best `company_score` over all pairs of forms; pairs that cannot reach `floor` are
    not scored (a caller that discards everything below a threshold passes it)."""
    best = (0.0, "")
    for x in a:
        for y in b:
            if floor and _company_score_bound(x, y) < floor:
                continue
            s = company_score(x, y)
            if s[0] > best[0]:
                best = s
    return best


def normalised_match(a: CompanyName, b: CompanyName) -> bool:
    """Same core, compatible places and legal form: a spelling of the same registered name."""
    return (
        a.core == b.core and a.branch == b.branch and places_compatible(a.places, b.places) and legal_compatible(a, b)
    )


@dataclass
class CompanyView:
    cand: Candidate
    forms: list[CompanyName]

    @property
    def key(self) -> str:
        return self.cand.key


def _canonical_rank(v: CompanyView) -> tuple:
    """USCC-keyed first, then the most formal and most documented name."""
    best = max(v.forms, key=lambda f: (bool(f.legal_form), len(f.places), len(f.full)), default=None)
    return (
        not v.cand.strong,
        -(1 if best and best.legal_form else 0),
        -(len(best.places) if best else 0),
        -len(v.cand.docs),
        -(len(best.full) if best else 0),
        v.key,
    )


def decide_companies(views: list[CompanyView]) -> list[Decision]:
    """Company decisions for one snapshot; at most one merge per alias."""
    out: list[Decision] = []
    by_key = {v.key: v for v in views}
    merged: set[str] = set()
    suggested: set[tuple[str, str]] = set()
    blocks = _block({v.key: [f.core for f in v.forms] for v in views})

    for v in sorted(views, key=lambda x: x.key):
        if v.cand.strong or v.key in merged or not v.forms:
            continue
        others = [by_key[k] for k in blocks.get(v.key, ()) if k != v.key and k not in merged]
        scored = []
        for o in others:
            if not o.forms:
                continue
            s, why = best_company_score(v.forms, o.forms, floor=COMPANY_SUGGEST)
            if s >= COMPANY_SUGGEST:
                norm = any(normalised_match(a, b) for a in v.forms for b in o.forms)
                scored.append((o, s, why, norm))
        if not scored:
            continue
        decision = _company_merge(v, scored)
        if decision is not None:
            out.append(decision)
            merged.add(v.key)
            continue
        for o, s, why, _ in sorted(scored, key=lambda t: (-t[1], t[0].key))[:MAX_SUGGESTIONS_PER_NODE]:
            pair = tuple(sorted((v.key, o.key)))
            if pair in suggested:
                continue
            suggested.add(pair)
            tie = _company_tie(v, o)
            out.append(
                Decision(
                    "suggest",
                    v.key,
                    o.key,
                    "company_similar_name",
                    f"{why}；{_tie_words(tie)}",
                    round(s, 1),
                    sorted(v.cand.docs | o.cand.docs)[:20],
                )
            )
    return out


def _same_places(a: CompanyName, b: CompanyName) -> bool:
    return bool(a.places) and set(a.places) == set(b.places) and normalised_match(a, b)


def _mutually_normalised(views: list[CompanyView]) -> bool:
    return all(
        any(normalised_match(a, b) for a in x.forms for b in y.forms)
        for i, x in enumerate(views)
        for y in views[i + 1 :]
    )


def _tie_words(tie: tuple[str, set[str]] | None) -> str:
    if tie is None:
        return "无共同强标识 / no shared strong identifier"
    kind, shared = tie
    keys = ", ".join(sorted(shared)[:3])
    if kind == "haul":
        return f"仅共享运输车辆 {keys}，名称不够接近 / shares only a hauling vehicle"
    if shared:
        return f"共享 {keys}，但有多个候选或名称不够接近 / shares {keys}, but the target is ambiguous"
    return "无共同强标识 / no shared strong identifier"


def _company_tie(a: CompanyView, b: CompanyView) -> tuple[str, set[str]] | None:
    """The strongest shared strong attribute of two companies, if any."""
    shared = a.cand.tie_keys(COMPANY_TIE_TYPES) & b.cand.tie_keys(COMPANY_TIE_TYPES)
    if shared:
        return "strong", shared
    shared = a.cand.tie_keys(COMPANY_HAUL_TIE_TYPES) & b.cand.tie_keys(COMPANY_HAUL_TIE_TYPES)
    if shared:
        return "haul", shared
    return None


def _company_merge(v: CompanyView, scored: list[tuple[CompanyView, float, str, bool]]) -> Decision | None:
    docs = sorted(v.cand.docs)
    # 1. normalised-name match pointing at exactly one company (prefer a USCC-keyed one)
    norm = [t for t in scored if t[3]]
    strong_norm = [t for t in norm if t[0].cand.strong]
    pool = strong_norm or norm
    if len(strong_norm) > 1:
        # several registered companies share the core (湖州恒泰… and 长兴恒泰…): only the same
        # full name, or else the same written places, singles one out
        exact = [t for t in strong_norm if any(a.full == b.full for a in v.forms for b in t[0].forms)]
        if len(exact) != 1:
            exact = [t for t in strong_norm if any(_same_places(a, b) for a in v.forms for b in t[0].forms)]
        pool = exact if len(exact) == 1 else []
    elif not strong_norm and len(pool) > 1 and _mutually_normalised([t[0] for t in pool]):
        # several spellings, none registered: they all go to the best-ranked one
        pool = [min(pool, key=lambda t: _canonical_rank(t[0]))]
    if len(pool) == 1 and (strong_norm or _canonical_rank(pool[0][0]) < _canonical_rank(v)):
        o, s, why, _ = pool[0]
        conflicting = [t for t in scored if t[0] is not o and t[0].cand.strong and t[1] >= 95.0 and not t[3]]
        if not conflicting:
            return Decision(
                "merge",
                v.key,
                o.key,
                "company_normalised_name",
                f"{why}；唯一对应 {o.key} / the only company with this normalised name",
                s,
                sorted(set(docs) | o.cand.docs)[:50],
            )
    # 2. fuzzy name + a shared strong attribute, to exactly one company
    tied = []
    for o, s, why, _ in scored:
        tie = _company_tie(v, o)
        if tie is None:
            continue
        kind, shared = tie
        if (kind == "strong" and s >= COMPANY_FUSE_WITH_TIE) or (kind == "haul" and s >= COMPANY_FUSE_WITH_HAUL_TIE):
            tied.append((o, s, why, kind, shared))
    if not tied:
        return None
    tied_strong = [t for t in tied if t[0].cand.strong] or tied
    tied_strong.sort(key=lambda t: (-t[1], _canonical_rank(t[0])))
    if len(tied_strong) > 1 and tied_strong[1][1] >= tied_strong[0][1] - 5.0:
        return None  # two plausible targets: let an analyst decide
    o, s, why, kind, shared = tied_strong[0]
    if not o.cand.strong and _canonical_rank(o) > _canonical_rank(v):
        return None  # the other one is the alias: it will be decided from its side
    return Decision(
        "merge",
        v.key,
        o.key,
        "company_fuzzy_name_strong_tie" if kind == "strong" else "company_fuzzy_name_haul_tie",
        f"{why}（{s:.0f}）且共享强标识 / and shares {', '.join(sorted(shared)[:5])}",
        s,
        sorted(set(docs) | o.cand.docs)[:50],
    )


def _block(texts: dict[str, list[str]], max_posting: int = 300) -> dict[str, set[str]]:
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


# -- persons ---------------------------------------------------------------------
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
        else:
            left.append(p)
    out.extend(_peer_persons(left))
    return out


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


# -- sites -----------------------------------------------------------------------
@dataclass
class SiteView:
    cand: Candidate
    form: SiteName

    @property
    def key(self) -> str:
        return self.cand.key


def _site_fits(a: SiteName, b: SiteName) -> bool:
    """`b` (less specific) can be the place `a` names: no level, village or position conflicts."""
    if not places_compatible(a.places, b.places):
        return False
    if a.town and b.town and a.town != b.town:
        return False
    return not (a.position and b.position and a.position != b.position)


def decide_sites(views: list[SiteView]) -> list[Decision]:
    """One Site per place.

    Names are grouped by their base (village + canonical site type, position
    aside).  The most specific names come first; each name joins the one
    place it fits (same town, no conflicting level or position).  A name that
    writes its town joins only a place in that town; a name that writes less
    (青岭村矿坑, no town) joins the single place it fits, and becomes a
    suggestion when several fit (two 青岭村 in two towns).  A bare site type
    without a village or a name of its own (矿坑) joins nothing: only the
    document that names its village can say which pit it is (etl.facts).
    """
    out: list[Decision] = []
    by_base: dict[str, list[SiteView]] = defaultdict(list)
    for v in views:
        by_base[v.form.base].append(v)
    merged: set[str] = set()
    suggested: set[tuple[str, str]] = set()
    for base, group in sorted(by_base.items()):
        if len(group) < 2:
            continue
        if not all(v.form.named for v in group):
            continue
        group.sort(
            key=lambda v: (
                -len(v.form.places),
                not v.form.position,
                -len(v.cand.docs),
                v.key,
            )
        )
        heads: list[SiteView] = []
        for v in group:
            fits = [h for h in heads if _site_fits(h.form, v.form)]
            if v.form.town:
                fits = [h for h in fits if h.form.town == v.form.town]
            elif not v.form.places and not v.form.village:
                fits = [h for h in fits if not h.form.places]  # a named feature alone: same area unknown
            if len(fits) == 1 and (v.form.position == fits[0].form.position or not v.form.position):
                h = fits[0]
                merged.add(v.key)
                out.append(
                    Decision(
                        "merge",
                        v.key,
                        h.key,
                        "site_same_place",
                        f"同一地点 {base}（{v.form.full} / {h.form.full}）/ same village and site type, no conflicting area",
                        95.0,
                        sorted(v.cand.docs | h.cand.docs)[:50],
                    )
                )
                continue
            for h in fits:
                pair = tuple(sorted((v.key, h.key)))
                if pair not in suggested:
                    suggested.add(pair)
                    out.append(
                        Decision(
                            "suggest",
                            v.key,
                            h.key,
                            "site_same_core_area_unknown",
                            f"地名核心 {base} 相同，行政区未写全 / same place name, area not confirmed",
                            90.0,
                            sorted(v.cand.docs | h.cand.docs)[:20],
                        )
                    )
            heads.append(v)
    # fuzzy cores in a compatible area → suggestions
    blocks = _block({v.key: [v.form.core] for v in views}, max_posting=100)
    by_key = {v.key: v for v in views}
    for v in sorted(views, key=lambda x: x.key):
        if v.key in merged:
            continue
        n = 0
        for k in sorted(blocks.get(v.key, ())):
            w = by_key[k]
            if k in merged or w.form.core == v.form.core or not places_compatible(v.form.places, w.form.places):
                continue
            if len(v.form.core) < 3 or len(w.form.core) < 3:
                continue
            s = float(fuzz.ratio(v.form.core, w.form.core))
            pair = tuple(sorted((v.key, k)))
            if s >= SITE_SUGGEST and pair not in suggested:
                suggested.add(pair)
                out.append(
                    Decision(
                        "suggest",
                        v.key,
                        k,
                        "site_similar_name",
                        f"地名相似 / similar place names ({s:.0f})",
                        round(s, 1),
                        sorted(v.cand.docs | w.cand.docs)[:20],
                    )
                )
                n += 1
                if n >= MAX_SUGGESTIONS_PER_NODE:
                    break
    return out
