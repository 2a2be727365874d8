"""Site-type vocabulary: what kind of place a written site name denotes.

Why a vocabulary and not patterns per source: the same place is written by a
hotline operator, a grid worker, an investigator and a checkpoint register, each
with their own word for it (废弃矿坑 / 废弃石矿 / 废矿坑 / 矿坑; 河岸 / 河滩 / 河边).
Every layer — NLP when it extends a place name, resolution when it decides two
names are one place, investigations when they decide where waste ended up —
asks this module, so they agree.

The classes are the places illegal-dumping cases name as where solid or
hazardous waste ended up (abandoned mine pits and quarry faces, farmland,
ponds, river banks and beaches, woodland, gullies, waste ground, idle factory
yards, road verges and ditches, wetlands, landfills), and the kinds of place
that are *not* destinations: road points where a checkpoint stands, and
recycling or transfer stations that receive waste on paper.

A class has one canonical word (the first of its synonyms); two names are one
place only if their canonical words are equal.  The category groups classes
for investigations: `dump` (a place waste is dumped), `road` (a checkpoint's
place), `recycling`, `water_network` (coded outfalls and stations).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# (canonical, category, sensitivity, synonyms space-separated in any order: matching takes the longest);
# sensitivity is the kind investigations report (mine_pit / river_bank / wetland / farmland / …)
_CLASSES: tuple[tuple[str, str, str, str], ...] = (
    (
        "矿坑",
        "dump",
        "mine_pit",
        "废弃矿坑 废弃石矿坑 废弃石矿 废弃矿山 废弃矿场 废矿坑 废石矿 废矿 石矿坑 采石坑 采矿坑 "
        "取土坑 取土塘 矿坑 矿塘 石矿 矿山 采石场 砂坑 沙坑 土坑 深坑 坑塘 "
        # a 宕口 is the pit a quarry leaves (废弃矿山宕口治理): the same place as the village's
        # 废弃石矿 however a caller, a grid worker or a case file names it
        "石矿宕口 采石宕口 废弃宕口 宕口",
    ),
    (
        "河岸",
        "dump",
        "river_bank",
        "河岸 河滩 河边 河堤 河沿 河畔 河坎 河埠头 江边 江滩 江堤 江岸 溪边 溪滩 溪畔 岸边 堤岸 港边",
    ),
    ("湖岸", "dump", "river_bank", "湖边 湖岸 湖滩 湖畔"),
    ("湿地", "dump", "wetland", "湿地 滩涂 芦苇荡 芦苇地"),
    ("海滩", "dump", "wetland", "海滩 海边 海岸 沙滩"),
    ("鱼塘", "dump", "pond", "鱼塘 养殖塘 鱼池 虾塘 蟹塘 废塘 水塘 池塘 山塘"),
    (
        "农田",
        "dump",
        "farmland",
        "农田 耕地 田地 田间 田头 田埂 稻田 水田 旱地 菜地 桑地 农地 农用地 责任田 承包田 自留地 田块 大田",
    ),
    ("林地", "dump", "woodland", "林地 山林 树林 竹林 林场 林区 茶园 果园"),
    ("山坳", "dump", "gully", "山坳 山沟 山谷 山坞 沟谷 山脚 后山 山坡"),
    ("荒地", "dump", "waste_ground", "荒地 荒坡 荒滩 空地 闲置地 拆迁地 废弃地 堆场"),
    ("工地", "dump", "construction_site", "建筑工地 工地 施工场地"),
    ("厂区", "dump", "factory_yard", "厂区空地 废弃厂房 闲置厂房 厂区 厂房 厂院"),
    ("路边", "dump", "roadside", "路边 路旁 路肩 道路边 公路边 沟渠 排水沟"),
    ("填埋场", "dump", "landfill", "垃圾场 填埋场 垃圾填埋场 渣土场 弃土场"),
    # liquid waste poured down a drain reaches the water through it: that is where it was dumped
    ("窨井", "dump", "drain", "窨井 雨水井 污水井 下水道 雨水管网 污水管网 排水管网"),
    ("道口", "road", "", "道路口 村道口 路口 道口 交叉口 卡口 检查站 治超站 收费站 入口 出口 大桥 桥头"),
    ("回收站", "recycling", "", "废品回收站 回收站 废品站 中转站 收购站 回收点 转运站"),
)


@dataclass(frozen=True)
class SiteType:
    """The kind of place a name ends with: `青岭村北侧废弃石矿` → SiteType("矿坑", "dump", "mine_pit", "废弃石矿")."""

    canonical: str
    category: str
    sensitivity: str
    word: str  # the synonym as written


_BY_WORD: dict[str, tuple[str, str, str]] = {}
for _canon, _cat, _sens, _words in _CLASSES:
    for _w in _words.split():
        _BY_WORD.setdefault(_w, (_canon, _cat, _sens))
_WORDS_SORTED = sorted(_BY_WORD, key=len, reverse=True)
_BRACKET_RE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
SITE_WORD_RE = re.compile("|".join(map(re.escape, _WORDS_SORTED)))
_GROUND_WORDS = frozenset({"空地"})  # open ground: of a site of another kind when one is written before it

DUMP_CATEGORY = "dump"
# every word of a dump-site class: what NLP lets a place name run on into (青岭村 + 东侧农田)
DUMP_SITE_WORDS = tuple(w for w in _WORDS_SORTED if _BY_WORD[w][1] == "dump")
# words that say a site is out of use (废弃石矿, 闲置荒地, 原砖厂取土坑, 老窑): they qualify the site,
# they do not name another one — a regex fragment
DISUSED_WORD = r"(?:废弃|闲置|原|老)"
# what may stand between a place and its type word: a disused word and a short qualifier (老砖窑取土坑:
# the pit by the old brick kiln), never a verb or particle (倒在, 的, 里) — a regex fragment
DISUSED_QUALIFIER = r"(?:(?:废弃|闲置)的?|原|老)[^\W\d_的了在是有和与及把被将往向到从倒排放堆里内中上下]{0,3}?"
ROAD_CATEGORY = "road"
RECYCLING_CATEGORY = "recycling"


@functools.lru_cache(maxsize=65536)  # pure; place names repeat across records
def site_type(name: str | None) -> SiteType | None:
    """The type of the place `name` ends with (the last type word in it), or None.

    The *last* type word decides, so `矿区道路口` is a road point and
    `路口东侧废弃矿坑` a mine pit.  A recycling station written as a company
    (`…回收站`) is a recycling place either way.
    """
    if not name:
        return None
    # a bracket qualifies, it does not name the place: 村道口（矿坑方向） is a road point
    text = _BRACKET_RE.sub("", name.strip())
    best: tuple[int, str] | None = None
    for m in SITE_WORD_RE.finditer(text):
        # the longest word ending furthest right: finditer is leftmost-longest, so look for overlaps too
        if best is None or m.end() >= best[0]:
            best = (m.end(), m.group())
    if best is None:
        return None
    # a longer type word that ends at the same place (石矿宕口 over 宕口)
    end = best[0]
    word = best[1]
    for w in _WORDS_SORTED:
        if len(w) > len(word) and text.endswith(w, 0, end):
            word = w
            break
    kind = word
    if word in _GROUND_WORDS:
        # 林场空地: the open ground of a place of another kind is a place of that kind
        for w in _WORDS_SORTED:
            if w not in _GROUND_WORDS and text.endswith(w, 0, end - len(word)):
                kind, word = w, w + word
                break
    canon, cat, sens = _BY_WORD[kind]
    return SiteType(canon, cat, sens, word)


def is_dump_type(name: str | None) -> bool:
    t = site_type(name)
    return t is not None and t.category == DUMP_CATEGORY


__all__ = [
    "SiteType",
    "site_type",
    "is_dump_type",
    "SITE_WORD_RE",
    "DUMP_CATEGORY",
    "DUMP_SITE_WORDS",
    "DISUSED_QUALIFIER",
    "DISUSED_WORD",
    "ROAD_CATEGORY",
]
