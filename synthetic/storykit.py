"""What every planted story draws on: a day of the bundle as a time, dates and vague dates as Chinese text, species, the place of a crime.

Shared by the story modules (`synthetic.gangs`, `synthetic.manifests`,
`synthetic.wastechains`, `synthetic.waterevents`, `synthetic.noise`), which
`synthetic.generate` calls block by block.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import START, Site

__all__ = ["cn_date", "on_day", "place_of", "since_phrase", "species_for"]


def on_day(day: int) -> datetime:
    return START + timedelta(days=day)


def cn_date(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def since_phrase(rng, d: datetime) -> str:
    return rng.choice(
        (
            f"{d.year}年{d.month}月",
            f"{d.year}年{d.month}月{rng.choice(('上旬', '中旬', '下旬', '初'))}",
            cn_date(d),
            f"{d.month}月{d.day}日",
        )
    )


def species_for(rng, crime: str) -> str:
    if crime == "fishing":
        return "、".join(rng.sample(V.FISH, 2))
    if crime == "sea":
        return "、".join(rng.sample(V.SEA_FISH, 2))
    if crime == "hunting":
        return "、".join(rng.sample(V.ANIMALS_BIRDS + V.ANIMALS_MAMMALS, 2))
    return ""


def place_of(b: Block, region: V.Region, crime: str) -> tuple[str, str, str, Site | None]:
    """(place text, town, village, site) of a gang's activity."""
    rng = b.rng
    if crime in ("dump", "mining"):
        site = b.g.site(region, rng.choice((0, 1, 2, 3, 5, 6, 9)) if crime == "dump" else rng.choice((3, 7, 2)))
        return site.name, site.town, site.village, site
    town = rng.choice(region.towns)
    vil = b.g.village(region, town)
    if crime == "sea":
        return f"{region.name}{town}{vil}以东海域", town, vil, None
    if crime == "fishing":
        water = rng.choice(region.rivers or ("太湖",))
        return f"{region.name}{town}{vil}附近{water}水域", town, vil, None
    return f"{region.name}{town}{vil}后山", town, vil, None
