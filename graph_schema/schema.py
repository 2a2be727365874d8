"""The graph schema as code: node labels, their keys and identity rules, and
relationship types with direction and meaning.

Modelled on POLE (Person, Object, Location, Event) and OCCRP followthemoney's
explicit schema: every label says what makes two records the same thing, so
that ETL, resolution and the stores never invent their own rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum


class Method(str, Enum):
    """How a fact got into the graph (provenance `method`)."""

    STRUCTURED = "structured"  # a typed field of a source record
    RULE = "rule"  # a regular expression, gazetteer or hand-written rule on free text
    MODEL = "model"  # a statistical model on free text
    HUMAN = "human"  # an analyst's confirmation or correction
    INFERRED = "inferred"  # derived by an investigation (gangs, chains)


@dataclass(frozen=True)
class LabelSpec:
    label: str
    prefix: str  # key prefix, e.g. "person"
    identity: str  # the identity rule, in words (docs, `resolve explain`)
    display: str  # Chinese display name for the UI
    name_property: str = "name"
    indexed: tuple[str, ...] = ()  # extra indexed properties
    fulltext: tuple[str, ...] = ()  # properties in the full-text index
    # the property whose character bigrams are written to SEARCH_PROPERTY (name search);
    # its label's full-text index then also covers SEARCH_PROPERTY
    search_source: str | None = None
    search_key: bool = False  # the key's identifier part (USCC, vessel number, site code) too


LABELS: dict[str, LabelSpec] = {
    s.label: s
    for s in [
        LabelSpec(
            "Person",
            "person",
            "18-char resident ID (GB 11643) when known: `person:<id>`; otherwise "
            "`person:<name>@<doc key>` — a name alone never identifies anyone across documents.",
            "人员",
            indexed=("id_card", "name"),
            fulltext=("name", "search"),
            search_source="name",
        ),
        LabelSpec(
            "Company",
            "company",
            "统一社会信用代码 (GB 32100) when known: `company:<uscc>`; otherwise the normalised full name.",
            "单位",
            indexed=("uscc", "name"),
            fulltext=("name", "search"),
            search_source="name",
            search_key=True,
        ),
        LabelSpec(
            "Vehicle",
            "vehicle",
            "normalised plate, e.g. `vehicle:浙E3K821`.",
            "车辆",
            indexed=("plate",),
            fulltext=("plate", "search"),
            search_source="plate",
        ),
        LabelSpec(
            "Vessel",
            "vessel",
            "normalised vessel number, e.g. `vessel:浙岱渔07215`.",
            "船舶",
            fulltext=("name", "search"),
            search_source="name",
            search_key=True,
        ),
        LabelSpec(
            "Phone", "phone", "digits of an unmasked number; masked numbers are stored on documents only.", "电话"
        ),
        LabelSpec(
            "Site",
            "site",
            "`site:<kind id>` for coded sites (checkpoint, outfall, river segment, station), "
            "`site:<normalised name>` for places named in text.",
            "地点",
            indexed=("kind", "name"),
            fulltext=("name", "search"),
            search_source="name",
            search_key=True,
        ),
        LabelSpec(
            "Document",
            "doc",
            "`doc:<source>:<record id>` — one per source record (ticket, grid event, case, manifest, reading); "
            "a plate read is its SEEN_AT relationship, found by the same key.",
            "文书",
            name_property="title",
            indexed=("source",),  # a time index was never used by a query and cost ~10% of a plate-read load
            fulltext=("text",),
        ),
        LabelSpec("WasteType", "waste", "national hazardous-waste code (`waste:HW34`) or normalised name.", "废物"),
        LabelSpec("Species", "species", "species name as in the protected-species list.", "物种"),
        LabelSpec("Gang", "gang", "stable id derived from the sorted member keys.", "团伙"),
        LabelSpec("Alert", "alert", "detector name plus the keys it fired on.", "预警"),
    ]
}

PREFIX_TO_LABEL = {s.prefix: s.label for s in LABELS.values()}

# Name search (investigations.explore.search_entities).  Chinese names have no word
# boundaries and users type any part of them (俞海波, 海波, 金盛化工 for
# 金盛化工（湖州）有限公司), so the searchable text of a node is written a second time as
# the space-separated set of its character bigrams: any substring of two or more
# characters is then an AND of whole-token lookups in the full-text index, the
# same on FalkorDB (RediSearch splits on spaces) and Neo4j (Lucene, cjk analyzer).
SEARCH_PROPERTY = "search"
_SEARCH_DROP_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def search_normalize(text: str) -> str:
    """Full-width → half-width, lower case, only CJK ideographs, letters and digits."""
    return _SEARCH_DROP_RE.sub("", unicodedata.normalize("NFKC", str(text)).lower())


def search_grams(text: str) -> list[str]:
    """The distinct character bigrams of `search_normalize(text)`, in order of first occurrence
    (a one-character text is its own gram)."""
    t = search_normalize(text)
    if len(t) < 2:
        return [t] if t else []
    return list(dict.fromkeys(t[i : i + 2] for i in range(len(t) - 1)))


def search_text(label: str, key: str, value: object) -> str:
    """The bigram search property of a node of `label` whose search source is `value`."""
    spec = LABELS[label]
    grams = search_grams(str(value))
    if spec.search_key and ":" in key:
        grams += search_grams(key.split(":", 1)[1])
    return " ".join(dict.fromkeys(grams))


def search_props(key: str, props: dict) -> dict:
    """The derived search property for the node row `key` with `props`: `{}` when the
    row does not carry its label's search source (so a partial update never clears it)."""
    spec = LABELS.get(PREFIX_TO_LABEL.get(key.split(":", 1)[0], ""))
    if spec is None or not spec.search_source:
        return {}
    value = props.get(spec.search_source)
    if value is None or value == "":
        return {}
    return {SEARCH_PROPERTY: search_text(spec.label, key, value)}


@dataclass(frozen=True)
class RelSpec:
    type: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    meaning: str
    props: tuple[str, ...] = field(default_factory=tuple)
    # A record event: each relationship of this type *is* one source record, with the
    # record's provenance (file, row, sha256, ingest_run) on it and no Document node.
    # Its fact id derives from its document key (model.record_event_fact), so the
    # record is found by that key through the `fact` index (`GraphStore.documents`).
    # Why: plate reads come by the hundred million, and a Document node per read
    # doubled the store's work per read (benchmarks/bench_ingest.py).
    record_event: bool = False


RELATIONS: dict[str, RelSpec] = {
    s.type: s
    for s in [
        RelSpec(
            "MENTIONS", ("Document",), tuple(LABELS), "the document names the entity (quote and offsets say where)"
        ),
        RelSpec(
            "INVOLVED_IN",
            ("Person", "Company", "Vehicle", "Vessel"),
            ("Document",),
            "a party to the record; `rank`: the order the record names its suspects in",
            ("role", "rank"),
        ),
        RelSpec("DRIVES", ("Person",), ("Vehicle", "Vessel"), "the person drives or skippers the vehicle/vessel"),
        RelSpec(
            "OWNS",
            ("Person", "Company"),
            ("Company", "Vehicle", "Vessel", "Site"),
            "owner / actual controller (a company owns its outfalls); `basis` says which: registered "
            "(登记车主), owner (所有), controller (实际控制)",
            ("basis",),
        ),
        RelSpec("REPRESENTS", ("Person",), ("Company",), "legal representative, manager acting for the company"),
        RelSpec("WORKS_FOR", ("Person",), ("Company",), "employee"),
        RelSpec("USES_PHONE", ("Person", "Company"), ("Phone",), "the party uses this number"),
        RelSpec("CO_OFFENDER", ("Person",), ("Person",), "named together as acting jointly (伙同, 共同)"),
        RelSpec(
            "SEEN_AT",
            ("Vehicle", "Vessel"),
            ("Site",),
            "a checkpoint or patrol read the plate (one per read: the read itself, with its provenance)",
            ("time", "file", "row", "sha256", "ingest_run"),
            record_event=True,
        ),
        RelSpec("LOCATED_AT", tuple(LABELS), ("Site",), "where something is or happened"),
        RelSpec(
            "LOCATED_IN",
            ("Site", "Document"),
            ("Site",),
            "a checkpoint, outfall, place or grid event stands in this village or site (place resolution)",
            ("rule", "distance_m"),
        ),
        RelSpec(
            "TRANSFERRED_WASTE",
            ("Company",),
            ("Company",),
            "producer → receiver on a transfer manifest",
            ("waste", "waste_code", "waste_code_detail", "tons", "time", "manifest"),
        ),
        RelSpec("TRANSPORTS", ("Company", "Person", "Vehicle"), ("Company",), "carrier hauls for the producer"),
        RelSpec(
            "DUMPED_AT",
            ("Person", "Company", "Vehicle", "Vessel"),
            ("Site",),
            "illegal dumping or discharge at the site",
        ),
        RelSpec("DISCHARGES_INTO", ("Site",), ("Site",), "an outfall discharges into a river segment"),
        RelSpec("FLOWS_INTO", ("Site",), ("Site",), "a river segment flows into its downstream segment"),
        RelSpec("MONITORS", ("Site",), ("Site",), "a monitoring station sits on a river segment"),
        RelSpec("HANDLES", ("Company", "Person", "Vehicle"), ("WasteType",), "handles / carries this waste"),
        RelSpec("INVOLVES_SPECIES", ("Document",), ("Species",), "the record concerns this species"),
        RelSpec(
            "POSSIBLY_SAME", tuple(LABELS), tuple(LABELS), "resolution suggests the two may be one; an analyst decides"
        ),
        RelSpec("MEMBER_OF", ("Person",), ("Gang",), "computed gang membership", ("score",)),
        RelSpec("FLAGS", ("Alert",), tuple(LABELS), "an alert is about this entity"),
    ]
}

# Relationship types whose relationships stand for source records (see RelSpec.record_event).
RECORD_EVENT_TYPES = tuple(t for t, spec in RELATIONS.items() if spec.record_event)
# Every relationship's identity property, indexed per type (upsert.rel_statements finds by it).
FACT_PROPERTY = "fact"

# Provenance every asserted relationship carries (see `graph_schema.model.Provenance`).
PROVENANCE_PROPS = ("doc", "quote", "start", "end", "method", "confidence", "first_seen", "last_seen")


def label_for_key(key: str) -> str:
    """Map a key such as `vehicle:浙E3K821` to its label (`Vehicle`)."""
    prefix = key.split(":", 1)[0]
    try:
        return PREFIX_TO_LABEL[prefix]
    except KeyError as exc:
        raise ValueError(f"unknown key prefix in {key!r}") from exc
