"""Written forms the development templates never use: plates, header labels, addresses, site words.

Why a separate vocabulary: the evaluation must not pass only because the
pipeline learnt the exact strings the development generator writes.  Every
form here is one a real export holds (clerks type plates with and without the
middle dot, in full-width or lower case; addresses drop the county or town the
reader already knows; one pit is 废弃矿坑 in one record and 石矿宕口 in the next).
"""

from __future__ import annotations

import random

from synthetic.ident import render_plate
from synthetic.vocab import Region

# ------------------------------------------------------------------ plates
PLATE_FORMS = ("plain", "dot", "space", "fullwidth", "lower", "dot_lower", "fullwidth_dot")
_FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def render_plate_varied(plate: str, form: str) -> str:
    """`浙EK3J21` as written: plain, `浙E·K3J21`, `浙E K3J21`, full-width, `浙ek3j21`, …"""
    if form == "lower":
        return plate[0] + plate[1:].lower()
    if form == "dot_lower":
        return f"{plate[:2]}·{plate[2:]}".lower()
    if form == "fullwidth_dot":
        return plate[0] + _FW.get(plate[1], plate[1]) + "·" + "".join(_FW.get(c, c) for c in plate[2:])
    return render_plate(plate, form)


def plate_form(rng: random.Random, style: str) -> str:
    """A plate form for a structured field (`record`), a case header (`header`) or prose (`text`)."""
    weights = {
        "record": (5, 2, 2, 1, 1, 0, 0),
        "header": (2, 3, 3, 2, 2, 1, 1),
        "text": (3, 2, 2, 2, 2, 1, 1),
    }[style]
    return rng.choices(PLATE_FORMS, weights=weights)[0]


# ------------------------------------------------------------------ header labels
def header_label(rng: random.Random, key: str) -> str:
    """`涉案车辆：` as typed: half-width colon, a space before the colon (the readers accept all)."""
    return key + rng.choices(("：", ":", " ：", "： ", " : "), weights=(4, 3, 1, 1, 1))[0]


# JSON exports of other systems name the same fields differently (the readers map both)
JSON_SUSPECTS_KEY = ("嫌疑人", "犯罪嫌疑人")


def json_vehicles(rng: random.Random, written: list[str]) -> object:
    """涉案车辆 in a JSON case: a list of strings, a list of objects, or one joined string."""
    if not written:
        return rng.choice(([], None))
    mode = rng.choice(("list", "objects", "joined"))
    if mode == "objects":
        return [{rng.choice(("车牌号", "车牌", "号牌")): w} for w in written]
    if mode == "joined":
        return "、".join(written)
    return list(written)


# ------------------------------------------------------------------ addresses
def vary_address(rng: random.Random, addr: str | None, region: Region) -> str | None:
    """The same home written with the city, as given, without its county, or without county and town."""
    if not addr or not addr.startswith(region.name):
        return addr
    rest = addr[len(region.name) :]
    town = next((t for t in region.towns if rest.startswith(t)), None)
    options = [addr, f"{region.city}市{addr}", rest]
    if town and len(rest) > len(town) + 1:
        options.append(rest[len(town) :])
    return rng.choice(options)


# ------------------------------------------------------------------ site words
# (kind id, canonical word, other words for the same kind of place)
SITE_WORDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pit", "废弃矿坑", ("废弃石矿", "废矿坑", "石矿宕口")),
    ("farmland", "农田", ("承包田", "田地")),
    ("pond", "鱼塘", ("废弃鱼塘", "养殖塘")),
    ("riverbank", "河岸", ("河滩", "河边滩地")),
    ("woodland", "林地", ("山林", "林场空地")),
    ("col", "山坳", ("山坳里", "山沟")),
    ("wasteland", "荒地", ("荒坡", "闲置荒地")),
    ("yard", "厂区空地", ("废弃厂区", "闲置厂房空地")),
    ("roadside", "路边", ("路旁", "公路边")),
)
KIND_IDS = tuple(k for k, _, _ in SITE_WORDS)
# a checkpoint at a site is named after its village and the road into it, not after the site
SITE_ROADS = ("矿区道路口", "村道路口", "机耕路口", "进村路口", "山道口", "河堤路口")


def site_word(kind: str) -> tuple[str, tuple[str, ...]]:
    for k, word, others in SITE_WORDS:
        if k == kind:
            return word, others
    raise KeyError(kind)
