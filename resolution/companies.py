"""Company decisions: which spellings of a company are one company, and which pairs an analyst should see.

A company name is normalised beyond its key (`resolution.normalize.company_name`):
two names with the same core, compatible places and legal form fuse when that
points at exactly one company; anything fuzzier fuses only with a shared strong
attribute (unmasked phone, a vehicle or vessel the company owns or that hauls
for it, a person with a resident ID who represents or owns it), otherwise it
becomes a POSSIBLY_SAME suggestion.  Pure functions over snapshots, like all of
`resolution.rules`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from resolution.normalize import CompanyName, places_compatible
from resolution.rules import (
    COMPANY_FUSE_WITH_HAUL_TIE,
    COMPANY_FUSE_WITH_TIE,
    COMPANY_HAUL_TIE_TYPES,
    COMPANY_SUGGEST,
    COMPANY_TIE_TYPES,
    MAX_SUGGESTIONS_PER_NODE,
    Candidate,
    Decision,
    bigram_blocks,
)

__all__ = [
    "AGENCY_RE",
    "GENERIC_CORE_RE",
    "CompanyView",
    "best_company_score",
    "company_score",
    "decide_companies",
    "is_agency",
    "legal_compatible",
    "normalised_match",
]

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


class _ReachableIndex:
    """Which of a company's block neighbours can reach a score, found in bulk.

    `decide_companies` compares each company with every other that shares a rare bigram:
    about 600k pairs of companies and 3.5M pairs of forms at 220k records, where scoring
    each pair in Python (`_company_score_bound`) was a fifth of resolution.  A pair can
    only reach `floor` (>= 61, above the branch cap of 60) through one of the bound's
    clauses: the same full name, the same core, cores that open with the same two
    characters, or `fuzz.ratio` of the cores >= floor.  The first three are dictionary
    lookups here, the last one rapidfuzz's `cdist` over the whole block at C speed; the
    pairs it lets through are scored exactly as before, so the decisions do not change.
    """

    def __init__(self, views: list[CompanyView]) -> None:
        self._by_text: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._cores: dict[str, list[str]] = {}
        for v in views:
            key = v.key
            self._cores[key] = [f.core for f in v.forms]
            for f in v.forms:
                self._by_text["full", f.full].add(key)
                self._by_text["core", f.core].add(key)
                if len(f.core) >= 2:
                    self._by_text["head", f.core[:2]].add(key)

    def within(self, forms: list[CompanyName], others: list[str], floor: float) -> set[str]:
        """The keys of `others` with a form whose `_company_score_bound` against one of `forms` can reach `floor`."""
        out: set[str] = set()
        empty: set[str] = set()
        for f in forms:
            out |= self._by_text.get(("full", f.full), empty)
            out |= self._by_text.get(("core", f.core), empty)
            if len(f.core) >= 2:
                out |= self._by_text.get(("head", f.core[:2]), empty)
        cores: list[str] = []
        owners: list[str] = []
        for k in others:
            mine = self._cores[k]
            cores += mine
            owners += [k] * len(mine)
        if cores:
            ratios = process.cdist(
                [f.core for f in forms], cores, scorer=fuzz.ratio, score_cutoff=floor, dtype=np.float64, workers=1
            )
            out.update(owners[j] for j in np.flatnonzero((ratios >= floor).any(axis=0)))
        return out


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
    blocks = bigram_blocks({v.key: [f.core for f in v.forms] for v in views})

    reachable = _ReachableIndex(views)

    for v in sorted(views, key=lambda x: x.key):
        if v.cand.strong or v.key in merged or not v.forms:
            continue
        key = v.key
        others = [k for k in blocks.get(key, ()) if k != key and k not in merged]
        within = reachable.within(v.forms, others, COMPANY_SUGGEST)
        scored = []
        for o in (by_key[k] for k in others if k in within):
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
