"""Site decisions: one Site per place, however its documents write it.

Sites fuse only with the same name core in the same administrative area
(village + site type, no conflicting town, level or position); otherwise
similar names become suggestions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from resolution.areas import Area, in_area
from resolution.normalize import SiteName, places_compatible
from resolution.rules import MAX_SUGGESTIONS_PER_NODE, SITE_SUGGEST, Candidate, Decision, bigram_blocks

__all__ = ["SiteView", "decide_sites"]


@dataclass
class SiteView:
    cand: Candidate
    form: SiteName
    area: Area = (None, None)  # where its documents say it is, for a name without its town

    @property
    def key(self) -> str:
        return self.cand.key


def _site_fits(a: SiteName, b: SiteName) -> bool:
    """`b` (less specific) can be the place `a` names: no level, village or position conflicts."""
    if a.town and b.town and a.town != b.town:
        return False
    if a.position and b.position and a.position != b.position:
        return False
    return places_compatible(a.places, b.places)  # the dearest test last


def _towns_by_village(views: list[SiteView]) -> dict[str, set[tuple[str | None, str]]]:
    """(county, town) of every village some name writes with its town: 东林镇邬埭村, 吕山乡邬埭村."""
    out: dict[str, set[tuple[str | None, str]]] = defaultdict(set)
    for v in views:
        if v.form.village and v.form.town:
            out[v.form.village].add((v.form.county, v.form.town))
    return out


def _namesake_villages(form: SiteName, towns_by_village: dict[str, set[tuple[str | None, str]]]) -> bool:
    """Whether `form` names its village without the town, and villages of that name stand in several
    towns (of its county, when it writes one): 邬埭村荒地 when 东林镇 and 吕山乡 both have a 邬埭村.

    Village names repeat from town to town; the name alone is then no evidence of which one."""
    if form.town or not form.village:
        return False
    towns = {t for c, t in towns_by_village.get(form.village, ()) if not form.county or not c or c == form.county}
    return len(towns) > 1


def decide_sites(views: list[SiteView]) -> list[Decision]:
    """One Site per place.

    Names are grouped by their base (village + canonical site type, position
    aside).  The most specific names come first; each name joins the one
    place it fits (same town, no conflicting level or position).  A name that
    writes its town joins only a place in that town; a name that writes less
    (青岭村矿坑, no town) joins the single place it fits, and becomes a
    suggestion when several fit (two 青岭村 in two towns).  A bare site type
    without a village or a name of its own (矿坑) joins nothing: only the
    document that names its village can say which pit it is (etl.textfacts).  Nor does a name
    without its town whose village name stands in several towns: the one site of its kind the
    graph holds may be in the other village of that name (邬埭村荒地 → a suggestion to 吕山乡邬埭村空地
    when 东林镇 has a 邬埭村 too).  Where its documents say which area it is in (`resolution.areas`:
    a ticket handled by 吴兴区东林镇人民政府 is about 东林镇's 邬埭村), it joins the one place of its
    kind in that area, and none outside it.
    """
    out: list[Decision] = []
    by_base: dict[str, list[SiteView]] = defaultdict(list)
    for v in views:
        by_base[v.form.base].append(v)
    merged: set[str] = set()
    suggested: set[tuple[str, str]] = set()
    towns_by_village = _towns_by_village(views)
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
            if not v.form.town and v.area != (None, None):
                # its documents say where it is: the one place of its kind there
                fits = [h for h in fits if in_area(h.form.county, h.form.town, v.area)]
                placed = len(fits) == 1
            else:
                placed = len(fits) == 1 and not _namesake_villages(v.form, towns_by_village)
            if placed and (v.form.position == fits[0].form.position or not v.form.position):
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
    blocks = bigram_blocks({v.key: [v.form.core] for v in views}, max_posting=100)
    by_key = {v.key: v for v in views}
    for v in sorted(views, key=lambda x: x.key):
        if v.key in merged:
            continue
        n = 0
        for k in sorted(blocks.get(v.key, ())):
            w = by_key[k]
            if k in merged or w.form.core == v.form.core or len(v.form.core) < 3 or len(w.form.core) < 3:
                continue
            # the string ratio (C) rules out most pairs before the place test (Python)
            s = float(fuzz.ratio(v.form.core, w.form.core))
            if s < SITE_SUGGEST or not places_compatible(v.form.places, w.form.places):
                continue
            pair = tuple(sorted((v.key, k)))
            if pair not in suggested:
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
