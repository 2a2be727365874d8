"""Which county and town the documents naming a place are about.

Why: villages repeat from town to town (two 邬埭村, one in 东林镇, one in 吕山乡), and tickets,
cases and grid events often write a place without its town (邬埭村荒地).  The document itself
says where it belongs: a 12345 ticket is dispatched to the body of the area it is about, a case
is investigated by the police of its county, a grid event comes from its grid.  Site resolution
(`resolution.sites`) and village ties (`resolution.locate`) read that area for a town-less name
instead of guessing between namesake villages.
"""

from __future__ import annotations

from typing import Any

from graph_schema.store import GraphStore
from resolution.places import agency_area, parse_address

__all__ = ["Area", "documents_area", "in_area", "read_document_areas"]

Area = tuple[str | None, str | None]  # (county, town), bare names as resolution.places writes them


def in_area(county: str | None, town: str | None, area: Area) -> bool:
    """Whether a place of `county` / `town` (either unknown) can stand in `area`: no level conflicts."""
    if town and area[1] and town != area[1]:
        return False
    return not (county and area[0] and county != area[0])


def documents_area(docs: list[dict], village: str | None) -> Area:
    """The county and town the documents naming a place are about, when they agree.

    A 12345 ticket is dispatched to the body of the area it is about (吴兴区东林镇人民政府,
    湖州市生态环境局安吉分局); a case is investigated by the police of its county; a grid event
    comes from its grid (东林镇邬埭村第2网格), whose town counts for a place of the grid's own
    village.  Documents that disagree say nothing.

    Parameters
    ----------
    docs : list of dict
        One row per document: `handling_unit` (ticket), `unit` (case), `grid` (grid event).
    village : str or None
        The village the place is written with (bare: 邬埭).
    """
    counties: set[str] = set()
    towns: set[str] = set()
    for d in docs:
        county, town = agency_area(d.get("handling_unit"))
        if county is None:
            county = agency_area(d.get("unit"))[0]
        if d.get("grid"):
            g = parse_address(str(d["grid"]))
            if village and g.village == village and g.town:
                town = town or g.town
                county = county or g.county
        counties.update([county] if county else [])
        towns.update([town] if town else [])
    if len(counties) > 1 or len(towns) > 1:
        return (None, None)
    return (next(iter(counties), None), next(iter(towns), None))


def read_document_areas(
    store: GraphStore, docs_of: dict[str, set[str]], village_of: dict[str, str | None], batch: int = 2000
) -> dict[str, Area]:
    """`documents_area` of each key of `docs_of` (its documents), read with `res_doc_areas` in batches.

    Parameters
    ----------
    store : GraphStore
    docs_of : dict
        site key → the keys of the documents that name it.
    village_of : dict
        site key → the village (bare) its name writes.

    Returns
    -------
    dict
        site key → (county, town); (None, None) where the documents say nothing or disagree.
    """
    docs = sorted({d for ds in docs_of.values() for d in ds})
    fields: dict[str, dict[str, Any]] = {}
    for i in range(0, len(docs), batch):
        for r in store.query("res_doc_areas", docs=docs[i : i + batch]):
            fields[r["doc"]] = r
    return {
        key: documents_area([fields[d] for d in sorted(ds) if d in fields], village_of.get(key))
        for key, ds in docs_of.items()
    }
