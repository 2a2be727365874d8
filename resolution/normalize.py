"""Matching forms for entity resolution, beyond the key normalisation.

`graph_schema.identifiers` decides what a plate, phone, vessel number or
company name *key* is (spelling-level only, so keys never fuse two real
things).  Resolution needs looser *matching* forms on top of that: the core of
a company name without its place prefix and legal form, and the core of a site
name without its administrative prefix.  A matching form never becomes a key
by itself; a rule must also find a strong tie (see `resolution.companies`, `resolution.persons`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from graph_schema import identifiers as ids
from graph_schema.sites import DISUSED_WORD
from resolution import places as _places

# Re-exported so callers of the resolution layer need only one import.
normalize_plate = ids.normalize_plate
normalize_vessel = ids.normalize_vessel
normalize_resident_id = ids.normalize_resident_id
normalize_uscc = ids.normalize_uscc
parse_phone = ids.parse_phone
is_masked_name = ids.is_masked_name

# -- administrative places ------------------------------------------------------
# The divisions come from the administrative-division library (resolution.places,
# jionlp's data): a name is a place because the country's register says so, not
# because our data happened to name it before.
_LEVEL_PROVINCE, _LEVEL_PREFECTURE, _LEVEL_COUNTY, _LEVEL_TOWN = 1, 2, 3, 4

_SUFFIX_LEVEL = (
    ("特别行政区", _LEVEL_PROVINCE),
    ("自治区", _LEVEL_PROVINCE),
    ("自治州", _LEVEL_PREFECTURE),
    ("自治县", _LEVEL_COUNTY),
    ("街道", _LEVEL_TOWN),
    ("省", _LEVEL_PROVINCE),
    ("市", _LEVEL_PREFECTURE),
    ("盟", _LEVEL_PREFECTURE),
    ("县", _LEVEL_COUNTY),
    ("区", _LEVEL_COUNTY),
    ("旗", _LEVEL_COUNTY),
    ("镇", _LEVEL_TOWN),
    ("乡", _LEVEL_TOWN),
)
# A unit the register does not hold (a made-up, renamed or masked one): stem + suffix.
_SUFFIXED_RE = re.compile(
    r"^([某X×＊*]|[\u4e00-\u9fff]{2,4}?)(特别行政区|自治区|自治州|自治县|街道|省|市|盟|县|区|旗|镇|乡)"
)
# `市政`, `市场`, `区域`, `乡村` …: the suffix character starts a word, it does not end a place;
# `矿区`, `园区` …: 区 closes a kind of area, not a district.
_NOT_A_PLACE_RE = re.compile(r"市政|市场|市容|市民|区域|县城|乡村|乡土|镇江|旗舰|街道办")
_AREA_RE = re.compile(r"[矿园景厂库林山城小校营港湖]区$|工业区$|开发区$|保护区$|服务区$")


@dataclass(frozen=True)
class Place:
    """One administrative unit written in a name: `长兴县` → Place(3, "长兴")."""

    level: int
    name: str


def split_admin_prefix(text: str, *, bare: bool = True, max_units: int = 5) -> tuple[tuple[Place, ...], str]:
    """Strip leading administrative units (`浙江省湖州市长兴县煤山镇…`), return (places, rest).

    With `bare`, register names without a suffix (`湖州`, `长兴`, `织里` after
    湖州) count too.  A unit is stripped only when something is left after it,
    so a name that *is* a place stays whole.
    """
    places: list[Place] = []
    context: list[_places.Division] = []
    rest = text
    for _ in range(max_units):
        unit = _leading_unit(rest, bare=bare, context=context)
        if unit is None:
            break
        place, length, division = unit
        if length >= len(rest) or (places and place.level <= places[-1].level):
            break
        places.append(place)
        if division is not None:
            context.append(division)
        rest = rest[length:]
    return tuple(places), rest


def _leading_unit(
    text: str, *, bare: bool, context: list[_places.Division] | None = None
) -> tuple[Place, int, _places.Division | None] | None:
    hit = _places.gazetteer().lookup(text, 0, context or [])
    if hit is not None:
        d, level, end = hit
        if d is None or bare or d.name == text[:end]:
            name = d.short if d is not None else _strip_suffix(text[:end])
            return Place(level, name), end, d
    m = _SUFFIXED_RE.match(text)
    if m and not _NOT_A_PLACE_RE.match(text, m.end(2) - 1) and not _AREA_RE.search(m.group()):
        stem, suffix = m.group(1), m.group(2)
        return Place(dict(_SUFFIX_LEVEL)[suffix], stem), len(stem) + len(suffix), None
    return None


def _strip_suffix(name: str) -> str:
    for suffix, _level in _SUFFIX_LEVEL:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@functools.lru_cache(maxsize=65536)
def _expand(places: tuple[Place, ...]) -> dict[int, str]:
    """Level → unit named or implied.  Cached: resolution compares every company name with every
    other in its block (millions of calls at 200k records) over a few thousand distinct place
    tuples.  The answer is shared between calls: read it, never change it."""
    out = {p.level: p.name for p in places}
    for p in places:
        if p.level in (_LEVEL_PREFECTURE, _LEVEL_COUNTY):
            for level, name in _places.implied_parents(p.level, p.name).items():
                out.setdefault(level, name)
    return out


def places_compatible(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    """No level where both name (or imply: 长兴 → 湖州 → 浙江) a unit and the units differ."""
    if not a or not b or a == b:
        return True
    da, db = _expand(a), _expand(b)
    return all(da[lvl] == db[lvl] for lvl in da.keys() & db.keys())


# -- companies -------------------------------------------------------------------
# Longest first; the legal form is dropped from the core.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "专业合作社",
    "股份合作社",
    "合作社",
    "个体工商户",
    "经营部",
    "公司",
    "厂",
)
_BRACKET_RE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_PUNCT_RE = re.compile(r"[\s·•・\.\-_,，、'\"“”‘’]")


@dataclass(frozen=True)
class CompanyName:
    """Matching form of a company name.

    `full` is the key form (`identifiers.normalize_company_name`); `core` drops
    brackets, leading administrative units and the legal form, so
    `湖州金盛化工有限公司`, `金盛化工（湖州）有限公司` and `金盛化工厂` share the core
    `金盛化工`.
    """

    raw: str
    full: str
    core: str
    places: tuple[Place, ...] = field(default_factory=tuple)
    legal_form: str = ""
    branch: str = ""  # `…分公司` / `…分厂` qualifier: a branch is not its head office

    @property
    def is_branch(self) -> bool:
        return bool(self.branch)


_BRANCH_RE = re.compile(r"(?:有限公司|有限责任公司|公司|厂)([\u4e00-\u9fff]{2,8}(?:分公司|分厂|分店|营业部|办事处))$")


@functools.lru_cache(maxsize=65536)
def company_name(name: str | None) -> CompanyName | None:
    """Parse a company name into its matching form; None for an empty name.

    Cached: resolution reads every company's names again in each of its rounds, and the
    parse (administrative prefixes against the division gazetteer) cost ~100 µs a name.
    The form is frozen, so sharing it is safe."""
    full = ids.normalize_company_name(name)
    if not full:
        return None
    text = full
    branch = ""
    m = _BRANCH_RE.search(text)
    if m:
        branch = m.group(1)
        text = text[: m.start(1)]
    places_in_brackets: list[Place] = []
    for br in _BRACKET_RE.findall(text):
        inner = br[1:-1]  # a bracket may hold just a place: 金盛化工（湖州）有限公司
        unit = _leading_unit(inner, bare=True)
        if unit is not None and unit[1] == len(inner):
            places_in_brackets.append(unit[0])
    text = _BRACKET_RE.sub("", text)
    text = _PUNCT_RE.sub("", text)
    legal = ""
    for form in _LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            legal = form
            text = text[: -len(form)]
            break
    places, core = split_admin_prefix(text)
    return CompanyName(
        raw=str(name),
        full=full,
        core=core or text,
        places=tuple(places) + tuple(places_in_brackets),
        legal_form=legal,
        branch=branch,
    )


# -- sites -----------------------------------------------------------------------
_TAIL_RE = re.compile(r"(?:附近|周边|旁边|一带|内|处|旁|里|上)+$")


@dataclass(frozen=True)
class SiteName:
    """Matching form of a site name: administrative levels split off, the site-type word made canonical.

    `core` is village + position + feature (`青岭村北侧矿坑`), `base` the same
    without the position: 长兴县煤山镇青岭村北侧废弃石矿坑, 煤山镇青岭村北面矿坑 and
    青岭村村废矿坑 share the base `青岭村矿坑`.
    """

    raw: str
    full: str
    core: str
    places: tuple[Place, ...] = field(default_factory=tuple)
    base: str = ""
    village: str | None = None
    position: str | None = None
    type: str | None = None  # canonical site-type word (graph_schema.sites)
    category: str | None = None  # dump / road / recycling
    named: bool = False  # the feature has a name of its own (下渚湖湿地), or a village

    # cached (on the frozen instance's __dict__, not a field): site decisions ask each name's
    # town once per name it is compared with, about a million times at 220k records
    @functools.cached_property
    def town(self) -> str | None:
        return next((p.name for p in self.places if p.level == _LEVEL_TOWN), None)

    @functools.cached_property
    def county(self) -> str | None:
        return next((p.name for p in self.places if p.level == _LEVEL_COUNTY), None)


def site_name(name: str | None) -> SiteName | None:
    full = ids.normalize_site_name(name)
    if not full:
        return None
    a = _places.parse_address(full)
    places = tuple(Place(level, a.level(level)) for level in range(1, 5) if a.level(level))
    feature = a.feature
    if a.type is None or not feature.endswith(a.type.word):  # 路旁, 河里: the tail is the type word's own
        feature = _TAIL_RE.sub("", feature) or feature
    prefix = feature
    typed = feature
    if a.type is not None:
        idx = feature.rfind(a.type.word)
        if idx >= 0:
            prefix = feature[:idx]
            typed = a.type.canonical + feature[idx + len(a.type.word) :]
            feature = prefix + typed
    prefix = re.sub(f"^{DISUSED_WORD}", "", prefix)
    village = f"{a.village}村" if a.village else ""
    pos = f"{a.position}侧" if a.position else ""
    # in a village, words before the type describe the site (老砖窑取土坑, 废弃石矿): the village and
    # the type identify it; without a village, they are its name (下渚湖湿地)
    base = village + (typed if village and a.type is not None else feature)
    return SiteName(
        raw=str(name),
        full=full,
        core=(village + pos + feature) or full,
        places=places,
        base=base or full,
        village=a.village,
        position=a.position,
        type=a.type.canonical if a.type else None,
        category=a.type.category if a.type else None,
        named=bool(a.village) or len(prefix) >= 2,
    )


# -- persons ---------------------------------------------------------------------
_MASK_TAIL_RE = re.compile(r"某(?:某|[甲乙丙丁戊己庚辛壬癸]|\d)?$")
_POLITE_RE = re.compile(r"(?:先生|女士|师傅|老板|小姐|阿姨|大爷)$")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "司徒", "夏侯", "令狐")


def surname(name: str) -> str:
    n = name.strip()
    for s in _COMPOUND_SURNAMES:
        if n.startswith(s):
            return s
    return n[:1]


def names_compatible(a: str | None, b: str | None) -> bool:
    """Could the two written names denote one person?

    Equal full names are; a masked or polite form (`周某`, `周某某`, `周先生`) is
    compatible with a full name of the same surname.  Two masked forms, or a
    name with nothing but anonymity (`匿名`), are never enough: compatibility is
    a precondition, never a reason to merge.
    """
    if not a or not b:
        return False
    a, b = a.strip(), b.strip()
    if a == b:
        return not ids.is_masked_name(a)
    ma, mb = ids.is_masked_name(a), ids.is_masked_name(b)
    if ma and mb:
        return False
    if not ma and not mb:
        return False
    masked, full = (a, b) if ma else (b, a)
    stem = _POLITE_RE.sub("", _MASK_TAIL_RE.sub("", masked))
    if not stem or stem in {"匿名", "无", "不详", "未知", "群众", "市民"}:
        return False
    return full.startswith(stem)
