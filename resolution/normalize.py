"""Matching forms for entity resolution, beyond the key normalisation.

`graph_schema.identifiers` decides what a plate, phone, vessel number or
company name *key* is (spelling-level only, so keys never fuse two real
things).  Resolution needs looser *matching* forms on top of that: the core of
a company name without its place prefix and legal form, and the core of a site
name without its administrative prefix.  A matching form never becomes a key
by itself; a rule must also find a strong tie (see `resolution.rules`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph_schema import identifiers as ids

# Re-exported so callers of the resolution layer need only one import.
normalize_plate = ids.normalize_plate
normalize_vessel = ids.normalize_vessel
normalize_resident_id = ids.normalize_resident_id
normalize_uscc = ids.normalize_uscc
parse_phone = ids.parse_phone
is_masked_name = ids.is_masked_name

# -- administrative places ------------------------------------------------------
# (bare name, level): level 1 province, 2 prefecture city, 3 county / district.
# Bare names (no 省/市/县/区) are what company and site names actually carry
# (`湖州恒晖`, `长兴泗安`); full forms are matched by suffix below.
_PROVINCES = (
    "北京 天津 上海 重庆 河北 河南 云南 辽宁 黑龙江 湖南 安徽 山东 新疆 江苏 浙江 江西 湖北 广西 甘肃 山西 "
    "内蒙古 陕西 吉林 福建 贵州 广东 青海 西藏 四川 宁夏 海南 台湾 香港 澳门"
).split()
_PREFECTURES = (
    "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 苏州 无锡 常州 南京 上海 张掖 兰州 酒泉 武威 "
    "嘉峪关 金昌 宣城 黄山"
).split()
_COUNTIES = (
    "吴兴 南浔 德清 长兴 安吉 定海 普陀 岱山 嵊泗 甘州 肃南 民乐 临泽 高台 山丹 吴江 宜兴 广德 桐乡 海宁 "
    "嘉善 平湖 海盐 秀洲 南湖 余杭 临安 富阳 桐庐 建德 淳安 萧山 柯桥 上虞 诸暨 嵊州 新昌 义乌 东阳 永康 "
    "象山 宁海 慈溪 余姚 奉化 北仑 镇海 鄞州 江北 海曙"
).split()
# Towns and streets that appear bare in company names (织里 in 湖州织里华彩印染).
_TOWNS = (
    "织里 八里店 妙西 埭溪 东林 道场 菱湖 练市 双林 善琏 旧馆 和孚 石淙 新市 洛舍 钟管 禹越 "
    "雷甸 莫干山 武康 舞阳 阜溪 雉城 李家巷 煤山 泗安 林城 虹星桥 夹浦 洪桥 吕山 小浦 画溪 "
    "太湖街道 递铺 孝丰 天荒坪 梅溪 天子湖 鄣吴 杭垓 报福 章村 溪龙 沈家门 高亭 衢山 岱东 "
    "马蹄寺 红湾寺"
).split()

_LEVEL_PROVINCE, _LEVEL_PREFECTURE, _LEVEL_COUNTY, _LEVEL_TOWN = 1, 2, 3, 4
_BARE: dict[str, int] = {}
for _level, _names in (
    (_LEVEL_TOWN, _TOWNS),
    (_LEVEL_COUNTY, _COUNTIES),
    (_LEVEL_PREFECTURE, _PREFECTURES),
    (_LEVEL_PROVINCE, _PROVINCES),
):
    for _n in _names:
        _BARE[_n] = _level
_BARE_SORTED = sorted(_BARE, key=len, reverse=True)

_SUFFIX_LEVEL = (
    ("特别行政区", _LEVEL_PROVINCE),
    ("自治区", _LEVEL_PROVINCE),
    ("自治州", _LEVEL_PREFECTURE),
    ("自治县", _LEVEL_COUNTY),
    ("街道", _LEVEL_TOWN),
    ("省", _LEVEL_PROVINCE),
    ("市", _LEVEL_PREFECTURE),  # a county-level city is recognised by its bare name below
    ("盟", _LEVEL_PREFECTURE),
    ("县", _LEVEL_COUNTY),
    ("区", _LEVEL_COUNTY),
    ("旗", _LEVEL_COUNTY),
    ("镇", _LEVEL_TOWN),
    ("乡", _LEVEL_TOWN),
)
_SUFFIXED_RE = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(特别行政区|自治区|自治州|自治县|街道|省|市|盟|县|区|旗|镇|乡)")


# `市政`, `市场`, `区域`, `乡村` …: the suffix character starts a word, it does not end a place.
_NOT_A_PLACE_RE = re.compile(r"市政|市场|市容|市民|区域|县城|乡村|乡土|镇江|旗舰|街道办")


@dataclass(frozen=True)
class Place:
    """One administrative unit written in a name: `长兴县` → Place(3, "长兴")."""

    level: int
    name: str


def split_admin_prefix(text: str, *, bare: bool = True, max_units: int = 5) -> tuple[tuple[Place, ...], str]:
    """Strip leading administrative units (`浙江省湖州市长兴县煤山镇…`), return (places, rest).

    With `bare`, gazetteer names without a suffix (`湖州`, `长兴`, `织里`) count
    too.  A unit is stripped only when something is left after it, so a name
    that *is* a place stays whole.
    """
    places: list[Place] = []
    rest = text
    for _ in range(max_units):
        unit = _leading_unit(rest, bare=bare)
        if unit is None:
            break
        place, length = unit
        if length >= len(rest):
            break
        places.append(place)
        rest = rest[length:]
    return tuple(places), rest


def _leading_unit(text: str, *, bare: bool) -> tuple[Place, int] | None:
    # A gazetteer name followed by its suffix: `长兴县`, `湖州市`, `煤山镇`, `太湖街道`.
    for name in _BARE_SORTED:
        if text.startswith(name):
            after = text[len(name) :]
            for suffix, level in _SUFFIX_LEVEL:
                if after.startswith(suffix) and not _NOT_A_PLACE_RE.match(after):
                    lvl = _BARE[name] if suffix == "市" and _BARE[name] == _LEVEL_COUNTY else level
                    return Place(lvl, name), len(name) + len(suffix)
            if bare:
                return Place(_BARE[name], name), len(name)
            break
    m = _SUFFIXED_RE.match(text)
    if m and not _NOT_A_PLACE_RE.match(text, m.end(2) - 1):
        stem, suffix = m.group(1), m.group(2)
        level = dict(_SUFFIX_LEVEL)[suffix]
        return Place(level, stem), len(stem) + len(suffix)
    return None


# What a county implies (its prefecture) and a prefecture implies (its province).
_PARENT: dict[str, str] = {}
for _city, _counties in (
    ("湖州", "吴兴 南浔 德清 长兴 安吉"),
    ("舟山", "定海 普陀 岱山 嵊泗"),
    ("嘉兴", "南湖 秀洲 海宁 桐乡 嘉善 平湖 海盐"),
    ("张掖", "甘州 肃南 民乐 临泽 高台 山丹"),
    ("杭州", "余杭 临安 富阳 桐庐 建德 淳安 萧山"),
    ("绍兴", "柯桥 上虞 诸暨 嵊州 新昌"),
    ("金华", "义乌 东阳 永康"),
    ("宁波", "象山 宁海 慈溪 余姚 奉化 北仑 镇海 鄞州 江北 海曙"),
    ("苏州", "吴江"),
    ("无锡", "宜兴"),
    ("宣城", "广德"),
):
    for _c in _counties.split():
        _PARENT[_c] = _city
for _prov, _cities in (
    ("浙江", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水"),
    ("江苏", "苏州 无锡 常州 南京"),
    ("甘肃", "张掖 兰州 酒泉 武威 嘉峪关 金昌"),
    ("安徽", "宣城 黄山"),
):
    for _c in _cities.split():
        _PARENT[_c] = _prov


def _expand(places: tuple[Place, ...]) -> dict[int, str]:
    out = {p.level: p.name for p in places}
    for p in places:
        child, level = p.name, p.level
        while child in _PARENT and level > _LEVEL_PROVINCE:
            child, level = _PARENT[child], level - 1
            out.setdefault(level, child)
    return out


def places_compatible(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    """No level where both name (or imply: 长兴 → 湖州 → 浙江) a unit and the units differ."""
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


def company_name(name: str | None) -> CompanyName | None:
    """Parse a company name into its matching form; None for an empty name."""
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
# Position words that mean the same thing (`北面` = `北侧` = `北边`).
_SITE_ALIASES = (
    (re.compile(r"(东|南|西|北|东南|东北|西南|西北)(?:面|边|侧|方|首|头)"), r"\1侧"),
    (re.compile(r"以(东|南|西|北)"), r"\1侧"),
    (re.compile(r"(?:附近|周边|旁边|一带|处|旁)$"), ""),
    (re.compile(r"石矿坑"), "矿坑"),
    (re.compile(r"废弃(?=矿坑|矿山|厂房)"), ""),
    (re.compile(r"河道"), "河"),
)


@dataclass(frozen=True)
class SiteName:
    """Matching form of a site name: administrative prefix split off, aliases unified."""

    raw: str
    full: str
    core: str
    places: tuple[Place, ...] = field(default_factory=tuple)

    @property
    def town(self) -> str | None:
        return next((p.name for p in self.places if p.level == _LEVEL_TOWN), None)

    @property
    def county(self) -> str | None:
        return next((p.name for p in self.places if p.level == _LEVEL_COUNTY), None)


def site_name(name: str | None) -> SiteName | None:
    full = ids.normalize_site_name(name)
    if not full:
        return None
    text = _PUNCT_RE.sub("", _BRACKET_RE.sub("", full))
    places, core = split_admin_prefix(text, bare=False)
    for pattern, repl in _SITE_ALIASES:
        core = pattern.sub(repl, core)
    return SiteName(raw=str(name), full=full, core=core or text, places=places)


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
