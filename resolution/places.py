"""Chinese addresses, level by level: province / city / county / town / village / group / feature.

Why a library: a hand list of the counties and towns our own data happened to
name breaks on the first export from another district.  The administrative
divisions come from jionlp's `china_location.txt` (the whole country down to
towns and villages, kept current by the jionlp project; see
resolution/README.md for why jionlp over cpca).  We read that data file from
the installed package rather than calling `jionlp.parse_location`: importing
jionlp loads its segmenter (≈1 s, 200 MB), reading levels 1–4 of the file
takes ≈0.25 s and ≈10 MB, once per process, only when an address is parsed.

What the divisions cannot hold (villages and towns of a made-up or newer
address, 3组, the feature itself) is read by suffix: `…村`, `…社区`, `…镇`,
`…乡`, `…街道`, `…组`.  A suffix-less (bare) name counts only where it cannot
be mistaken: a province or prefecture anywhere (湖州, 浙江), a county whose short
name is unique in the country or lies in the prefecture just written (长兴,
宁波江北), a town of the county or prefecture just written (长兴泗安).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from dataclasses import dataclass

from graph_schema.sites import SiteType, site_type

PROVINCE, PREFECTURE, COUNTY, TOWN, VILLAGE = 1, 2, 3, 4, 5

_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "县", "区", "市", "旗")


@dataclass(frozen=True)
class Division:
    """One administrative unit of the gazetteer; `short` is the bare name (`长兴` for 长兴县)."""

    level: int
    name: str
    short: str
    code: str
    parent: Division | None = None

    def ancestor(self, level: int) -> Division | None:
        d: Division | None = self
        while d is not None and d.level > level:
            d = d.parent
        return d if d is not None and d.level == level else None


class Gazetteer:
    """Divisions by full and bare name, read once from jionlp's data file."""

    def __init__(self, lines: list[str]):
        self.by_name: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        prov = city = county = None
        for raw in lines:
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("\t\t\t\t"):
                continue  # villages: read by suffix (their names repeat thousands of times)
            depth = len(line) - len(line.lstrip("\t"))
            parts = line.strip().split("\t")
            if depth == 0 and len(parts) == 3:
                prov = self._add(Division(PROVINCE, parts[0], parts[2], parts[1]))
            elif depth == 1 and len(parts) == 3 and prov is not None:
                # a municipality repeats itself as its own city (上海市 / 上海市)
                city = self._add(Division(PREFECTURE, parts[0], parts[2].split("/")[0], parts[1], prov))
            elif depth == 2 and len(parts) == 3 and city is not None:
                county = self._add(Division(COUNTY, parts[0], parts[2], parts[1], city))
            elif depth == 3 and county is not None:
                name = parts[0]
                short = next((name[: -len(s)] for s in _TOWN_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")
                self._add(Division(TOWN, name, short if len(short) >= 2 else name, f"{county.code}/{name}", county))

    def _add(self, d: Division) -> Division:
        self.by_name.setdefault(d.name, []).append(d)
        if d.short and d.short != d.name:
            self.by_short.setdefault(d.short, []).append(d)
        return d

    def lookup(self, text: str, start: int, context: list[Division]) -> tuple[Division | None, int, int] | None:
        """The division written at `text[start:]`, given the ones already read: (division, level, end).

        The division is None when the name is a real one but several places
        carry it and the context picks none (城关镇): its level is still known.
        """
        best: tuple[Division | None, int, int] | None = None
        for end in range(min(len(text), start + 12), start + 1, -1):
            if _NOT_A_UNIT_RE.match(text, end - 1):
                continue  # 湖州市场: 市 starts 市场 here, it does not close 湖州市
            piece = text[start:end]
            full = self.by_name.get(piece)
            if full and not context and len(piece) == 2 and piece[1] == "区":
                full = None  # 矿区, 城区, 郊区, 东区: a district of some city, an everyday word elsewhere
            if full:
                pick = _pick(full, context, bare=False)
                if pick is not None:
                    return pick, pick.level, end
                levels = {d.level for d in full}
                if best is None and len(levels) == 1:
                    best = (None, levels.pop(), end)
                continue
            bare = self.by_short.get(piece)
            if bare and best is None:
                pick = _pick(bare, context, bare=True)
                if pick is not None:
                    best = (pick, pick.level, end)
        return best


def _pick(cands: list[Division], context: list[Division], *, bare: bool) -> Division | None:
    """The one candidate that fits under what was read before (or stands alone unambiguously)."""
    cands = [d for d in cands if not context or d.level > context[-1].level]
    if context:
        last = context[-1]
        under = [d for d in cands if d.ancestor(last.level) == last]
        if len(under) == 1:
            return under[0]
        if under:
            return None
        if bare:
            return None  # a bare name that does not lie in the area just written is not a place here
        cands = [d for d in cands if d.level <= TOWN]
    if bare:
        # a bare town needs its county written before it; a bare county name counts only if it is
        # the only one in the country
        cands = _municipality([d for d in cands if d.level <= PREFECTURE or (d.level == COUNTY and len(d.short) >= 2)])
        return cands[0] if len(cands) == 1 else None
    tops = _municipality([d for d in cands if d.level <= COUNTY])
    return tops[0] if len(tops) == 1 else None


def _municipality(cands: list[Division]) -> list[Division]:
    """A municipality (上海) is both a province and its own city: read it as the city."""
    if len(cands) == 2 and {d.level for d in cands} == {PROVINCE, PREFECTURE} and cands[0].name == cands[1].name:
        return [max(cands, key=lambda d: d.level)]
    return cands


@functools.cache
def gazetteer() -> Gazetteer:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.origin:
        raise RuntimeError("jionlp is not installed: pip install jionlp (administrative divisions)")
    path = os.path.join(os.path.dirname(spec.origin), "dictionary", "china_location.txt")
    with open(path, encoding="utf-8") as f:
        return Gazetteer(f.readlines())


# -- addresses -------------------------------------------------------------------
# a stem of two or more characters, or one masking character as published judgments write them (某镇某村)
_MASK = r"[某X×＊*]"
_SUFFIX_UNIT_RE = re.compile(rf"({_MASK}|[\u4e00-\u9fff]{{2,5}}?)(街道|镇|乡)")
_COUNTY_UNIT_RE = re.compile(rf"({_MASK}|[\u4e00-\u9fff]{{2,4}}?)(自治县|县|区|旗)")
# 村 / 社区 / 居委会, not a word that merely starts with 村 (村道口) or a 新村 housing estate
_VILLAGE_RE = re.compile(r"([\u4e00-\u9fff]{1,4}?)(村民委员会|村委会|居委会|居民委员会|社区|村)")
_GROUP_RE = re.compile(r"(?:第)?([0-9０-９]+|[一二三四五六七八九十]+)(?:组|村民小组)")
_POSITION_RE = re.compile(r"(东南|东北|西南|西北|东|南|西|北)(?:面|边|侧|方|首|头|部)|以(东|南|西|北)")
# words that end in a unit character but are not units (市政, 区域, 乡村, 镇江 …)
_NOT_A_UNIT_RE = re.compile(r"市政|市场|市容|市民|区域|县城|乡村|乡土|镇江市|旗舰|街道办|村道|村口|村委|社区服务")
# 区 closing a kind of area, not a district: 矿区, 园区, 景区 …
_AREA_WORD_RE = re.compile(r"[矿园景厂库林山城小校营港湖]区$|工业区$|开发区$|保护区$|服务区$")
_PUNCT_RE = re.compile(r"[\s·•・\.\-_,，、'\"“”‘’]")
_BRACKET_RE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class Address:
    """A written address split into its levels; `feature` is what is left (废弃矿坑, 矿区道路口)."""

    text: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    town: str | None = None
    village: str | None = None
    group: str | None = None
    position: str | None = None  # 北 for 北侧 / 北面 / 以北
    feature: str = ""
    type: SiteType | None = None
    village_text: str = ""  # the address as written up to its village (长兴县煤山镇青岭村)
    divisions: tuple[Division, ...] = ()

    def level(self, level: int) -> str | None:
        return (None, self.province, self.city, self.county, self.town, self.village)[level]


def _short_of(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


@functools.lru_cache(maxsize=65536)
def parse_address(text: str) -> Address:
    """Split `text` into administrative levels, village, group, position and feature.

    Names are kept in their bare form (长兴, 煤山, 青岭) so that 长兴县 and 长兴,
    煤山镇 and 煤山 compare equal.  A village written twice by an extraction
    artefact (青岭村村) is read once; 村道口 after a village is a feature.
    """
    raw = text
    text = _PUNCT_RE.sub("", _BRACKET_RE.sub("", text or ""))
    g = gazetteer()
    levels: dict[int, str] = {}
    context: list[Division] = []
    i = 0
    while i < len(text) and len(levels) < 5:
        hit = g.lookup(text, i, context)
        if hit is not None and hit[2] < len(text):
            d, level, end = hit
            if level in levels or (levels and level <= max(levels)):
                break
            name = d.short if d is not None else text[i:end]
            if d is None:
                name = _short_of(name, _TOWN_SUFFIXES if level == TOWN else _COUNTY_SUFFIXES)
            levels[level] = name
            if d is not None:
                context.append(d)
            i = end
            continue
        # units not in the gazetteer (a made-up or renamed town), by suffix
        m = _COUNTY_UNIT_RE.match(text, i) if not levels or max(levels) < COUNTY else None
        if (
            m
            and not _AREA_WORD_RE.search(m.group())
            and (_SUFFIX_UNIT_RE.match(text, m.end()) or _VILLAGE_RE.match(text, m.end()))
        ):  # a county the gazetteer lacks only when a town or village follows it
            levels[COUNTY] = m.group(1)
            i = m.end()
            continue
        m = _SUFFIX_UNIT_RE.match(text, i) if not levels or max(levels) < TOWN else None
        if m and m.end() < len(text) and not _NOT_A_UNIT_RE.match(text, m.end(2) - 1):
            levels[TOWN] = m.group(1)
            i = m.end()
            continue
        break
    for d in context:  # what a county implies: its prefecture and province
        a = d.parent
        while a is not None:
            levels.setdefault(a.level, a.short)
            a = a.parent
    village = None
    village_text = ""
    m = _VILLAGE_RE.match(text, i)
    if m and not _NOT_A_UNIT_RE.match(text, m.start(2)):
        village = m.group(1)
        i = m.end()
        village_text = text[:i]
        if text.startswith(("村委会", "村民委员会"), i):  # 轧村村委会: the village is 轧村
            village += "村"
            village_text = text[:i]
            i += 3 if text.startswith("村委会", i) else 5
        elif text.startswith("村", i) and not text.startswith(("村道", "村口", "村委"), i):
            i += 1  # 青岭村村: an extraction artefact
    group = None
    m = _GROUP_RE.match(text, i)
    if m:
        group = m.group(1)
        i = m.end()
    rest = text[i:]
    position = None
    m = _POSITION_RE.search(rest)
    if m:
        position = m.group(1) or m.group(2)
        rest = rest[: m.start()] + rest[m.end() :]
    return Address(
        raw,
        levels.get(PROVINCE),
        levels.get(PREFECTURE),
        levels.get(COUNTY),
        levels.get(TOWN),
        village,
        group,
        position,
        rest,
        site_type(rest) or (site_type(text) if village is None else None),
        village_text,
        tuple(context),
    )


# a branch of a prefecture's bureau named by its county: 湖州市生态环境局安吉分局, 湖州市公安局吴兴区分局
_BRANCH_RE = re.compile(r"(?:局|支队)(?P<area>[\u4e00-\u9fff]{2,5}?)(?:分局|大队|中队)$")


@functools.lru_cache(maxsize=4096)
def agency_area(unit: str | None) -> tuple[str | None, str | None]:
    """(county, town) an agency answers for, from its name: 吴兴区东林镇人民政府 → (吴兴, 东林),
    安吉县综合行政执法局 → (安吉, None), 湖州市生态环境局安吉分局 → (安吉, None).

    Why: a 12345 ticket is dispatched to the body of the place it is about, a case to the police
    of the county it happened in; a place written without its town (邬埭村荒地) is in that area."""
    if not unit:
        return None, None
    a = parse_address(unit)
    if a.county is None:
        m = _BRANCH_RE.search(_PUNCT_RE.sub("", unit))
        if m is None:
            return None, None
        b = parse_address((a.city or "") + m["area"] + "分局")  # the branch's county in its prefecture
        return b.county, None
    return a.county, a.town


def implied_parents(level: int, name: str) -> dict[int, str]:
    """What a bare unit implies above it when the gazetteer knows exactly one (长兴 → 湖州 → 浙江)."""
    g = gazetteer()
    cands = [d for d in g.by_short.get(name, []) + g.by_name.get(name, []) if d.level == level]
    if len({d.code for d in cands}) != 1:
        return {}
    out: dict[int, str] = {}
    a = cands[0].parent
    while a is not None:
        out[a.level] = a.short
        a = a.parent
    return out


__all__ = ["Address", "Division", "Gazetteer", "agency_area", "gazetteer", "parse_address", "implied_parents"]
