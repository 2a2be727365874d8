"""Where on a river a complaint is: registered segments read as river and stretch.

River segments are registered by name, `梁家溪（梁家村段）`, `双林塘（菱湖镇段）`,
`钱头港上游（钱头村以上）`, `东苕溪德清段`: the river, then the stretch by the town or
village it passes.  A caller describes the same water the same way — "双林塘南浔区
菱湖镇永溪村段河面上全是油花", "梁家溪…河里翻白的鱼" — so a complaint can be placed
on a stretch by its words even when its address is a village kilometres from every
outfall.  Pollution seen on a stretch comes from that stretch or from upstream of it,
so a placed complaint speaks for the outfalls whose water passes the stretch
(`investigations.water`), and for none downstream of it.

A complaint naming a river registered as one stretch is on that stretch; naming a river
of several stretches, it is on the stretches whose town or village it also names, and on
none when it names none of them: "双林塘" alone does not say which of four stretches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

__all__ = ["Stretch", "river_name", "read_stretch", "stretches_by_river", "place_on_stretches"]

_RIVER_CHARS = set("溪河塘港江浦泾渠湖荡漾浜溇漕沟")
# what follows a river's name in a segment's name
_SEGMENT_PART = re.compile(r"(?:上游|下游|干流|支流|入干流口|\S{0,6}段)")
# Words for any water, which a complaint uses without meaning a river of that name.
_GENERIC_WATERS = {
    "小河",
    "大河",
    "河道",
    "河沟",
    "水沟",
    "池塘",
    "鱼塘",
    "河港",
    "内河",
    "外河",
    "小溪",
    "水塘",
    "沟渠",
}
_STRETCH_TAIL = re.compile(r"(?:段|以上|以下|上游|下游)+$")


@dataclass(frozen=True)
class Stretch:
    """One registered segment: its key, the river, and the place that names the stretch."""

    segment: str
    river: str
    place: str | None  # 梁家村, 菱湖镇, 入干流口, 钱头村 (None: the river's only name)


def river_name(segment_name: str | None) -> str | None:
    """The river a registered segment belongs to: `梁家溪（梁家村段）` → 梁家溪,
    `史湾港上游（史湾村以上）` → 史湾港, `东苕溪德清段` → 东苕溪; None when no river's name is left."""
    base = re.split(r"[（(]", segment_name or "", maxsplit=1)[0].strip()
    for i in range(len(base) - 1, 0, -1):
        if base[i] in _RIVER_CHARS and (i == len(base) - 1 or _SEGMENT_PART.fullmatch(base[i + 1 :])):
            name = base[: i + 1]
            return None if name in _GENERIC_WATERS else name
    return None


def read_stretch(segment: str, name: str | None) -> Stretch | None:
    """A segment's river and stretch, or None when its name gives no river.

    Examples
    --------
    >>> read_stretch("site:S2", "双林塘（菱湖镇段）")
    Stretch(segment='site:S2', river='双林塘', place='菱湖镇')
    >>> read_stretch("site:S9", "东苕溪德清段").place
    '德清'
    """
    river = river_name(name)
    if river is None or not name:
        return None
    inside = re.search(r"[（(]([^）)]*)[）)]", name)
    rest = inside.group(1) if inside else name.split(river, 1)[-1]
    place = _STRETCH_TAIL.sub("", rest.strip())
    return Stretch(segment, river, place if len(place) >= 2 else None)


def stretches_by_river(segments: dict[str, str | None]) -> dict[str, list[Stretch]]:
    """Segment key → name, read into river → its stretches."""
    out: dict[str, list[Stretch]] = defaultdict(list)
    for key, name in sorted(segments.items()):
        s = read_stretch(key, name)
        if s is not None:
            out[s.river].append(s)
    return dict(out)


def place_on_stretches(text: str, rivers: dict[str, list[Stretch]]) -> set[str]:
    """The segment keys a complaint's text places it on (see the module docstring).

    Examples
    --------
    >>> rivers = stretches_by_river({"site:A": "梁家溪（梁家村段）", "site:B": "双林塘（菱湖镇段）",
    ...                              "site:C": "双林塘（入干流口段）"})
    >>> sorted(place_on_stretches("梁家溪旧馆镇盛庄村段河里翻白的鱼好多", rivers))
    ['site:A']
    >>> sorted(place_on_stretches("双林塘南浔区菱湖镇永溪村段河面上全是油花", rivers))
    ['site:B']
    >>> sorted(place_on_stretches("双林塘边上臭气熏天", rivers))
    []
    """
    out: set[str] = set()
    for river, stretches in rivers.items():
        if river not in text:
            continue
        if len(stretches) == 1:
            out.add(stretches[0].segment)
            continue
        out.update(s.segment for s in stretches if s.place and s.place in text)
    return out
