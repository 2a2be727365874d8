"""Typed records → graph facts (`GraphBatch`).

    record_to_batch(record, extractions=None, *, run_id=None) -> GraphBatch
    records_to_batch(records, extract=None, *, run_id=None) -> GraphBatch
    iter_batches(records, extract=None, *, size=500, run_id=None) -> Iterator[GraphBatch]
    free_texts(record) -> list[tuple[str, str]]          # (field, text) sent to NLP
    default_extract() -> ExtractFn                       # nlp.extract_texts, else rules_extract
    rules_extract(texts) -> list[Extraction]             # identifier-only fallback (no NLP layer)

Every record becomes one Document node `doc:<source>:<record id>` (a plate
read: its SEEN_AT relationship, which carries that key and the provenance) plus
structured facts (Method.STRUCTURED, confidence 1.0, quote = the field value
as written, `field` = the source column).  Free-text fields go through one
batched `extract(texts)` call (`nlp.extract_texts` signature); its entities
become MENTIONS from the Document (quote = the sentence, start/end = the
entity's offsets in that field's text) and its relations become
relationships with the sentence as quote.  `extract=None` means structured
facts only (the free text still lands on the Document for full-text search).

Relationship directions chosen here (all within graph_schema.schema.RELATIONS):

| source   | facts |
|----------|-------|
| hotline  | Person(caller, real name only) INVOLVED_IN{role:caller} Doc; Doc MENTIONS Phone (unmasked only); Person USES_PHONE Phone; Doc LOCATED_AT Site{kind:place} (事发地址, same kind as places named in text) |
| grid     | Person(reporter) INVOLVED_IN{role:reporter} Doc; Doc MENTIONS Phone; Person USES_PHONE Phone; Doc LOCATED_AT Site{kind:grid} (所属网格) |
| case     | Person INVOLVED_IN{role:suspect} Doc (key by valid ID, else `person:<name>@<doc>`); Person USES_PHONE Phone and Doc MENTIONS it; Person LOCATED_AT{role:residence} Site (住址); Vehicle/Vessel INVOLVED_IN{role:vehicle/vessel} (涉案车辆, 涉案船舶); Company INVOLVED_IN{role:company}; owner/driver statements of those fields and of a suspect's own line → OWNS{basis} / DRIVES / REPRESENTS / WORKS_FOR (`etl.caselinks`) |
| anpr     | Vehicle SEEN_AT{time, file, row, sha256, ingest_run} Site{kind:checkpoint} `site:<卡口编号>`: the relationship is the record (no Document node, no NLP) |
| manifest | producer/carrier/receiver Company INVOLVED_IN{role}; producer TRANSFERRED_WASTE receiver {waste, waste_code, tons, time, manifest}; carrier TRANSPORTS producer; Vehicle TRANSPORTS producer; Vehicle INVOLVED_IN{role:vehicle}; driver Person DRIVES Vehicle, INVOLVED_IN{role:driver}, WORKS_FOR carrier (confidence 0.8); producer/carrier/receiver/Vehicle HANDLES WasteType |
| segment  | Site{kind:segment} FLOWS_INTO downstream Site{kind:segment} |
| outfall  | Site{kind:outfall} DISCHARGES_INTO Site{kind:segment}; owner Company OWNS the outfall Site and INVOLVED_IN{role:owner} the outfall Document |
| reading  | Doc (indicator, value, exceeded) LOCATED_AT Site{kind:station}; station MONITORS segment |

Doc-local coreference for text mentions: a PERSON whose name equals a header
suspect's name is that suspect; a PLATE is `vehicle_key(normalised)`; an ORG
whose normalised name equals a header company's (or is the tail of exactly
one header company's name: 山野人家农家乐) is that company (USCC key);
an ID_CARD is `person:<id>`.  Other persons are `person:<name>@<doc key>`
(never fused across documents here), places `site:<name>` with kind "place";
a later short form of a place named earlier in the same text (青岭村矿坑 after
煤山镇青岭村北侧废弃石矿坑: same closing site noun, characters in order) is
that site.  NLP resolves anaphora itself (上述矿坑, 该车, 该公司, 二人, an
omitted subject): a relation's head/tail are then the antecedent's entity,
its quote the sentence that states the relation, its confidence lower.
Text relations keep the NLP direction except TRANSPORTS, which the text
states producer → carrier and the graph stores carrier → producer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from etl import caselinks
from etl.parse import clean_plate_text
from etl.records import (
    CaseFile,
    GridEvent,
    HotlineTicket,
    Manifest,
    Outfall,
    PlateRead,
    Reading,
    RiverSegment,
    TypedRecord,
)
from graph_schema import identifiers as ids
from graph_schema import keys
from graph_schema.model import GraphBatch, Provenance
from graph_schema.schema import RELATIONS, Method, label_for_key
from graph_schema.sites import DUMP_SITE_WORDS, site_type
from nlp.types import Entity, Extraction

log = logging.getLogger(__name__)

ExtractFn = Callable[[list[str]], list[Extraction]]

STRUCTURED = Method.STRUCTURED.value

# (field name in the source, attribute on the typed record) per record type
TEXT_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {
    HotlineTicket: (("诉求内容", "content"), ("回复内容", "reply")),
    GridEvent: (("事件描述", "description"), ("处置结果", "result")),
    CaseFile: (("简要案情", "narrative"),),
}


def free_texts(record: TypedRecord) -> list[tuple[str, str]]:
    """The (field, text) pairs of a record that go to NLP (none for plate reads and water data)."""
    out = []
    for field, attr in TEXT_FIELDS.get(type(record), ()):
        text = getattr(record, attr, None)
        if text:
            out.append((field, text))
    return out


def _extra_json(r: TypedRecord) -> str | None:
    """Columns the formats do not name, kept on the Document as one JSON string (graph props are scalars)."""
    return json.dumps(r.extra, ensure_ascii=False, default=str, sort_keys=True) if r.extra else None


def _iso(t: datetime | date | None) -> str | None:
    if t is None:
        return None
    if isinstance(t, datetime):
        return t.isoformat(timespec="seconds")
    return t.isoformat()


# ------------------------------------------------------------------ builder


class _Builder:
    """Facts for one record: its Document key, time and doc-local coreference tables."""

    def __init__(self, batch: GraphBatch, record: TypedRecord, run_id: str | None):
        self.b = batch
        self.r = record
        self.doc = keys.doc_key(record.source, record.record_id)
        self.seen = _iso(record.time)
        self.run_id = run_id
        self.persons: dict[str, str] = {}  # name → key (header suspects, callers, drivers)
        self.companies: dict[str, str] = {}  # normalised name → key
        self.structured_companies: dict[str, str] = {}  # the record's own (header / column) companies
        self.mentioned: dict[str, dict[str, Any]] = {}  # entity key → props of its MENTIONS rel
        self.places: dict[str, str] = {}  # place name written in the text → site key (doc-local short forms)
        self.first_rel = len(batch.rels)  # this record's relationships start here in the batch

    def asserts(self, type_: str, head: str, tail: str) -> bool:
        """This record already states the fact (a fact is its type, ends and document): a
        structured field's statement is not overwritten by a weaker reading of the free text."""
        return any(r.type == type_ and r.head == head and r.tail == tail for r in self.b.rels[self.first_rel :])

    def prov(self, field: str, quote: Any, confidence: float = 1.0, *, dated: bool = True) -> Provenance:
        """Provenance from this record's `field`; `dated=False` leaves out first/last seen."""
        return Provenance(
            doc=self.doc,
            method=STRUCTURED,
            confidence=confidence,
            quote="" if quote is None else str(quote),
            field=field,
            seen=self.seen if dated else None,
        )

    def rel(self, type_: str, head: str, tail: str, prov: Provenance, **props: Any) -> None:
        self.b.add_rel(type_, head, tail, prov, **props)

    def document(self, title: str | None, text: str | None = None, **props: Any) -> None:
        r = self.r
        self.b.add_node(
            self.doc,
            source=r.source,
            record_id=r.record_id,
            time=self.seen,
            title=title,
            text=text,
            **self._record_provenance(),
            **props,
        )

    def record_event(self, type_: str, head: str, tail: str, prov: Provenance, **props: Any) -> None:
        """The record as one relationship (schema.RelSpec.record_event) carrying what its Document would.

        Its `time` is when it was seen, first and last: `prov` comes undated (no
        `first_seen`/`last_seen` copies, two properties fewer on the most numerous
        relationship in the store).
        """
        self.b.add_rel(type_, head, tail, prov, **props, **self._record_provenance())

    def _record_provenance(self) -> dict[str, Any]:
        r = self.r
        return {
            "file": r.file,
            "row": r.row,
            "sha256": r.sha256,
            "warnings": list(r.warnings) or None,
            "extra_json": _extra_json(r),
            "ingest_run": self.run_id,
        }

    # --- entities -------------------------------------------------------
    def company(self, name: str | None, uscc: str | None, field: str, quote: Any = None) -> str | None:
        if not name and not uscc:
            return None
        try:
            key = keys.company_key(uscc=uscc, name=name)
        except ValueError:
            return None
        self.b.add_node(key, name=name, uscc=uscc)
        norm = ids.normalize_company_name(name)
        if norm:
            self.companies.setdefault(norm, key)
            self.structured_companies.setdefault(norm, key)
        return key

    def local_person(self, name: str, **props: Any) -> str:
        key = keys.person_key(name=name, doc=self.doc)
        self.b.add_node(key, name=name.strip(), masked_name=ids.is_masked_name(name) or None, **props)
        self.persons.setdefault(name.strip(), key)
        return key

    def phone(self, p: ids.Phone | None) -> str | None:
        if p is None or p.masked:
            return None
        key = keys.phone_key(p.digits)
        self.b.add_node(key, number=p.digits)
        return key

    def vehicle(self, plate: str | None, raw: str | None = None, **props: Any) -> str | None:
        if plate:
            key = keys.vehicle_key(plate)
            self.b.add_node(key, plate=plate, **props)
            return key
        if raw:  # not a standard plate (WJ浙12345): keyed by its cleaned spelling, flagged
            cleaned = clean_plate_text(raw)
            if cleaned:
                key = f"vehicle:{cleaned}"
                self.b.add_node(key, plate=cleaned, plate_standard=False, **props)
                return key
        return None

    def site(self, code_or_name: str, kind: str, **props: Any) -> str | None:
        try:
            key = keys.site_key(code_or_name)
        except ValueError:
            return None
        self.b.add_node(key, kind=kind, **props)
        return key


# --------------------------------------------------------------- per source


def _hotline(x: _Builder, t: HotlineTicket) -> None:
    x.document(
        f"12345工单 {t.ticket_id}" + (f" {t.category}" if t.category else ""),
        t.content,
        reply=t.reply,
        category=t.category,
        status=t.status,
        address=t.address,
        handling_unit=t.handling_unit,
        closed_at=_iso(t.closed_at),
        closed_at_raw=t.closed_at_raw,
        caller=t.caller,
        caller_phone=t.caller_phone.digits if t.caller_phone else t.caller_phone_raw,
        caller_phone_masked=t.caller_phone.masked if t.caller_phone else None,
    )
    person = None
    if t.caller and not ids.is_masked_name(t.caller):
        person = x.local_person(t.caller)
        x.rel("INVOLVED_IN", person, x.doc, x.prov("来电人", t.caller), role="caller")
    ph = x.phone(t.caller_phone)
    if ph:
        x.rel("MENTIONS", x.doc, ph, x.prov("来电号码", t.caller_phone_raw), count=1)
        x.mentioned[ph] = x.b.rels[-1].props
        if person:
            x.rel("USES_PHONE", person, ph, x.prov("来电号码", t.caller_phone_raw))
    if t.address:
        site = x.site(t.address, "place", name=t.address)
        if site:
            x.rel("LOCATED_AT", x.doc, site, x.prov("事发地址", t.address))


def _grid(x: _Builder, t: GridEvent) -> None:
    x.document(
        f"网格事件 {t.event_id}" + (f" {t.event_type}" if t.event_type else ""),
        t.description,
        result=t.result,
        event_type=t.event_type,
        status=t.status,
        grid=t.grid,
        reporter=t.reporter,
        reporter_phone=t.reporter_phone.digits if t.reporter_phone else t.reporter_phone_raw,
        lon=t.lon,
        lat=t.lat,
    )
    person = None
    if t.reporter and not ids.is_masked_name(t.reporter):
        person = x.local_person(t.reporter, role="grid_worker")
        x.rel("INVOLVED_IN", person, x.doc, x.prov("上报人", t.reporter), role="reporter")
    ph = x.phone(t.reporter_phone)
    if ph:
        x.rel("MENTIONS", x.doc, ph, x.prov("上报人电话", t.reporter_phone_raw), count=1)
        x.mentioned[ph] = x.b.rels[-1].props
        if person:
            x.rel("USES_PHONE", person, ph, x.prov("上报人电话", t.reporter_phone_raw))
    if t.grid:
        site = x.site(t.grid, "grid", name=t.grid)
        if site:
            x.rel("LOCATED_AT", x.doc, site, x.prov("所属网格", t.grid))


def _case(x: _Builder, t: CaseFile) -> None:
    x.document(
        " ".join(p for p in ("案件", t.case_id, t.cause or "") if p),
        t.narrative,
        case_id=t.case_id,
        cause=t.cause,
        unit=t.unit,
        filed_at_raw=t.filed_at_raw,
    )
    for s in t.suspects:
        field = "犯罪嫌疑人" if s.line else "嫌疑人"
        quote = s.line or "，".join(
            v for v in (s.name, s.gender, s.birth, s.id_card or s.id_card_invalid, s.address) if v
        )
        key = keys.person_key(id_card=s.id_card, name=s.name, doc=x.doc)
        x.b.add_node(
            key,
            name=s.name,
            gender=s.gender,
            birth=s.birth,
            id_card=s.id_card,
            id_card_invalid=s.id_card_invalid,
            address=s.address,
            note=s.note,
            masked_name=ids.is_masked_name(s.name) or None,
        )
        x.persons.setdefault(s.name, key)
        x.rel("INVOLVED_IN", key, x.doc, x.prov(field, quote), role="suspect")
        ph = x.phone(s.phone)
        if ph:
            x.rel("USES_PHONE", key, ph, x.prov(field, s.phone_raw))
    for v in t.vehicles:
        if v.plate:
            key = x.vehicle(v.plate, vehicle_type=v.kind)
            x.rel("INVOLVED_IN", key, x.doc, x.prov(v.source_field, v.written), role="vehicle")
        elif v.vessel:
            key = keys.vessel_key(v.vessel)
            x.b.add_node(key, name=v.vessel, vessel_type=v.kind)
            x.rel("INVOLVED_IN", key, x.doc, x.prov(v.source_field, v.written), role="vessel")
    for c in t.companies:
        key = x.company(c.name, c.uscc, "涉案单位")
        if key:
            if c.uscc_invalid:
                x.b.add_node(key, uscc_invalid=c.uscc_invalid)
            x.rel(
                "INVOLVED_IN",
                key,
                x.doc,
                x.prov("涉案单位", c.line or f"{c.name} {c.uscc or ''}".strip()),
                role="company",
            )
    caselinks.case_facts(x, t)
    caselinks.narrative_facts(x, t)


def _anpr(x: _Builder, t: PlateRead) -> None:
    # A plate read is a record event: its SEEN_AT relationship is the record, carrying
    # the provenance a Document would (file, row, sha256, ingest run), found by the
    # same `doc:anpr:…` key (GraphStore.documents).  No Document node: reads come by
    # the hundred million and a node per read doubled the store's work per read
    # (benchmarks/bench_ingest.py).  Record id and source are in the key itself.
    v = x.vehicle(t.plate, t.plate_raw)
    site = x.site(t.checkpoint_id, "checkpoint", code=t.checkpoint_id, name=t.checkpoint_name, lon=t.lon, lat=t.lat)
    if v and site:
        x.record_event("SEEN_AT", v, site, x.prov("车牌号", t.plate_raw, dated=False), time=x.seen)
    else:  # no endpoint to hang the event on: keep the record as a Document
        x.document(None, None, plate=t.plate_raw, checkpoint=t.checkpoint_id)


def _manifest(x: _Builder, t: Manifest) -> None:
    x.document(
        f"危废转移联单 {t.manifest_id}" + (f" {t.waste_name}" if t.waste_name else ""),
        None,
        manifest_id=t.manifest_id,
        producer=t.producer,
        carrier=t.carrier,
        receiver=t.receiver,
        plate=t.plate or t.plate_raw,
        driver=t.driver,
        waste_name=t.waste_name,
        waste_code=t.waste_code,
        tons=t.tons,
        tons_raw=t.tons_raw,
        producer_uscc_invalid=t.producer_uscc_invalid,
        receiver_uscc_invalid=t.receiver_uscc_invalid,
    )
    producer = x.company(t.producer, t.producer_uscc, "产废单位")
    carrier = x.company(t.carrier, None, "运输单位")
    receiver = x.company(t.receiver, t.receiver_uscc, "接收单位")
    for key, role, field, quote in (
        (producer, "producer", "产废单位", t.producer),
        (carrier, "carrier", "运输单位", t.carrier),
        (receiver, "receiver", "接收单位", t.receiver),
    ):
        if key:
            x.rel("INVOLVED_IN", key, x.doc, x.prov(field, quote), role=role)
    if producer and receiver:
        x.rel(
            "TRANSFERRED_WASTE",
            producer,
            receiver,
            x.prov("联单编号", t.manifest_id),
            waste=t.waste_name,
            waste_code=t.waste_code,
            tons=t.tons,
            time=x.seen,
            manifest=t.manifest_id,
        )
    if carrier and producer:
        x.rel("TRANSPORTS", carrier, producer, x.prov("运输单位", t.carrier))
    vehicle = x.vehicle(t.plate) if t.plate else None
    if vehicle:
        x.rel("INVOLVED_IN", vehicle, x.doc, x.prov("运输车牌", t.plate_raw), role="vehicle")
        if producer:
            x.rel("TRANSPORTS", vehicle, producer, x.prov("运输车牌", t.plate_raw))
    if t.driver and not ids.is_masked_name(t.driver):
        driver = x.local_person(t.driver)
        x.rel("INVOLVED_IN", driver, x.doc, x.prov("驾驶员", t.driver), role="driver")
        if vehicle:
            x.rel("DRIVES", driver, vehicle, x.prov("驾驶员", t.driver))
        if carrier:
            x.rel("WORKS_FOR", driver, carrier, x.prov("驾驶员", t.driver, confidence=0.8))
    if t.waste_code or t.waste_name:
        wkey = keys.waste_key(t.waste_code or t.waste_name or "")
        x.b.add_node(wkey, code=t.waste_code, name=t.waste_name)
        quote = " ".join(v for v in (t.waste_name, t.waste_code) if v)
        for holder in (producer, carrier, receiver, vehicle):
            if holder:
                x.rel("HANDLES", holder, wkey, x.prov("废物代码" if t.waste_code else "废物名称", quote))


def _light_doc(x: _Builder, title: str, **props: Any) -> None:
    r = x.r
    x.b.add_node(
        x.doc,
        source=r.source,
        record_id=r.record_id,
        file=r.file,
        row=r.row,
        sha256=r.sha256,
        time=x.seen,
        title=title,
        warnings=list(r.warnings) or None,
        extra_json=_extra_json(r),
        ingest_run=x.run_id,
        **props,
    )


def _segment(x: _Builder, t: RiverSegment) -> None:
    _light_doc(x, f"河段 {t.segment_id} {t.name or ''}".strip())
    seg = x.site(t.segment_id, "segment", code=t.segment_id, name=t.name)
    if seg and t.downstream_id:
        down = x.site(t.downstream_id, "segment", code=t.downstream_id)
        if down:
            x.rel("FLOWS_INTO", seg, down, x.prov("下游河段编号", t.downstream_id))


def _outfall(x: _Builder, t: Outfall) -> None:
    _light_doc(x, f"排口 {t.outfall_id} {t.name or ''}".strip(), owner_uscc_invalid=t.owner_uscc_invalid)
    site = x.site(t.outfall_id, "outfall", code=t.outfall_id, name=t.name, lon=t.lon, lat=t.lat)
    if site and t.segment_id:
        seg = x.site(t.segment_id, "segment", code=t.segment_id)
        if seg:
            x.rel("DISCHARGES_INTO", site, seg, x.prov("排入河段编号", t.segment_id))
    owner = x.company(t.owner, t.owner_uscc, "所属单位")
    if owner:
        quote = " ".join(v for v in (t.owner, t.owner_uscc or t.owner_uscc_invalid) if v)
        x.rel("INVOLVED_IN", owner, x.doc, x.prov("所属单位", quote), role="owner")
        if site:
            x.rel("OWNS", owner, site, x.prov("所属单位", quote))


def _reading(x: _Builder, t: Reading) -> None:
    value = t.value if t.value is not None else t.value_raw
    _light_doc(
        x,
        f"{t.station_name or t.station_id} {t.indicator} {value}" + (" 超标" if t.exceeded else ""),
        station=t.station_id,
        segment=t.segment_id,
        indicator=t.indicator,
        value=t.value,
        value_raw=t.value_raw,
        exceeded=t.exceeded,
    )
    station = x.site(t.station_id, "station", code=t.station_id, name=t.station_name)
    if station:
        x.rel("LOCATED_AT", x.doc, station, x.prov("站点编号", t.station_id))
        if t.segment_id:
            seg = x.site(t.segment_id, "segment", code=t.segment_id)
            if seg:
                x.rel("MONITORS", station, seg, x.prov("所在河段编号", t.segment_id))


_BUILDERS: dict[type, Callable[[_Builder, Any], None]] = {
    HotlineTicket: _hotline,
    GridEvent: _grid,
    CaseFile: _case,
    PlateRead: _anpr,
    Manifest: _manifest,
    RiverSegment: _segment,
    Outfall: _outfall,
    Reading: _reading,
}


# --------------------------------------------------------------- free text

_SENT_END = "。！？!?；;\n"


_QUOTE_REACH = 300  # characters a quote runs on either side of its mention when no sentence end comes first


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (ended by 。！？；or a newline) containing text[start:end].

    At most `_QUOTE_REACH` characters either side: a text without sentence ends
    (a 100k-character run-on line) made every mention walk all of it — 270 s
    for one case file — and a quote that long proves nothing a shorter one does not.
    """
    lo, n = max(0, start - _QUOTE_REACH), len(text)
    s = max(text.rfind(ch, lo, start) for ch in _SENT_END) + 1 or lo
    e = min((i for i in (text.find(ch, end, end + _QUOTE_REACH) for ch in _SENT_END) if i >= 0), default=-1)
    if e < 0:
        e = min(n, end + _QUOTE_REACH)
    elif text[e] != "\n":
        e += 1  # keep the full stop
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _method(*ents: Entity) -> str:
    return Method.MODEL.value if any(e.method == "model" for e in ents) else Method.RULE.value


def _entity_key(x: _Builder, e: Entity) -> str | None:
    """Key (and node) for an entity mention, with doc-local coreference."""
    text = (e.text or "").strip()
    norm = e.normalized
    label = e.label
    b = x.b
    if label == "PERSON":
        if not text:
            return None
        if text in x.persons:
            return x.persons[text]
        return x.local_person(text)
    if label == "ORG":
        n = ids.normalize_company_name(norm or text)
        if not n:
            return None
        if n in x.companies:
            return x.companies[n]
        # a short form of the record's own company (山野人家农家乐 for 安吉县山川乡山野人家农家乐):
        # doc-local, and only when exactly one structured company ends with the mention
        if len(n) >= 4:
            hits = {k for name, k in x.structured_companies.items() if name.endswith(n)}
            if len(hits) == 1:
                key = hits.pop()
                x.companies[n] = key
                return key
        key = keys.company_key(name=n)
        b.add_node(key, name=text)
        x.companies[n] = key
        return key
    if label == "PLATE":
        plate = ids.normalize_plate(norm) or ids.normalize_plate(text)
        return x.vehicle(plate) if plate else None
    if label == "VESSEL":
        v = ids.normalize_vessel(norm) or ids.normalize_vessel(text)
        if not v:
            return None
        key = keys.vessel_key(v)
        b.add_node(key, name=v)
        return key
    if label == "PHONE":
        return x.phone(ids.parse_phone(norm or text))
    if label == "ID_CARD":
        idc = ids.normalize_resident_id(norm or text)
        if not idc:
            return None
        key = keys.person_key(id_card=idc)
        b.add_node(key, id_card=idc)
        return key
    if label == "LOC":
        name = norm or text
        key = x.places.get(name) or _short_form_of(x, name)
        if key is None:
            key = x.site(name, "place", name=name if name.startswith(text) else text)
        if key:
            x.places.setdefault(name, key)
        return key
    if label == "WASTE":
        w = (norm or text).strip()
        if not w:
            return None
        key = keys.waste_key(w)
        if re.fullmatch(r"HW\d{2}", ids.to_halfwidth(w).upper()):
            b.add_node(key, code=ids.to_halfwidth(w).upper())
        else:
            b.add_node(key, name=w)
        return key
    if label == "SPECIES":
        if not text:
            return None
        key = keys.species_key(norm or text)
        b.add_node(key, name=norm or text)
        return key
    return None  # TIME and unknown labels carry no node


_VILLAGE_END_RE = re.compile(r"(?:村|社区|组|镇|乡)$")
_SITE_NOUN_AFTER_RE = re.compile(
    r"(?:(?:东南|东北|西南|西北|东|南|西|北)(?:侧|面|边|部|头)?)?的?(?:废弃的?|原)?(?:"
    + "|".join(map(re.escape, DUMP_SITE_WORDS))
    + ")"
)


def _with_site_noun(text: str, e: Entity) -> Entity:
    """A village followed by a dump-site word (荃步村 + 河滩, 潘店村 + 东边的田地) names that site.

    NLP marks the village as the place (the annotation convention); the graph
    needs the site the waste reached, or a chain ends at a whole village."""
    name = (e.normalized or e.text or "").strip()
    if not _VILLAGE_END_RE.search(name):
        return e
    m = _SITE_NOUN_AFTER_RE.match(text, e.end)
    if not m:
        return e
    return dataclasses.replace(e, normalized=name + text[e.end : m.end()].replace("的", ""))


def _short_form_of(x: _Builder, name: str) -> str | None:
    """An earlier place of this document that `name` shortens: 青岭村矿坑 after 煤山镇青岭村北侧废弃石矿坑
    (every character in order), with the site type written in another word (桑园村废矿坑 after
    桑园村废弃石矿: graph_schema.sites), or a bare site type (矿坑) when the document named one
    place of that type.  Doc-local, like persons' names."""
    t = site_type(name)
    if t is not None:
        stem = name[: name.rfind(t.word)] if t.word in name else name
        hits = set()
        for full, key in x.places.items():
            ft = site_type(full)
            if ft is None or ft.canonical != t.canonical:
                continue
            if ids.chars_in_order(stem, full[: full.rfind(ft.word)]):
                hits.add(key)
        if len(hits) == 1:
            return hits.pop()
    if len(name) < 4:
        return None
    for full, key in x.places.items():
        if len(full) > len(name) and full[-2:] == name[-2:] and ids.chars_in_order(name, full):
            return key
    return None


# NLP relations whose graph direction is the other way round: the text says "producer 交由 carrier",
# the graph (and the manifests) say carrier TRANSPORTS producer.
_REVERSED = frozenset({"TRANSPORTS"})

_CROSS_REFS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("manifest", re.compile(r"联单(?:编号|号)?\s*[（(:：]?\s*(?:编号|号)?\s*[:：]?\s*(\d{10,20})")),
    ("hotline", re.compile(r"工单(?:编号|号)?\s*[:：]?\s*([A-Z]{2,6}\d{8,16})")),
    ("grid", re.compile(r"(?<![A-Za-z0-9-])([A-Z0-9]{2,4}-[A-Z]{2}-\d{8}-\d{4})(?![0-9])")),
)


def _cross_refs(x: _Builder, field: str, text: str) -> None:
    """Record numbers quoted in free text (联单编号2024330522000204, 与工单ZJHZ…合并办理, 141-CX-…)
    → MENTIONS of that record's Document (a stub node until the record itself is loaded)."""
    for source, rx in _CROSS_REFS:
        for m in rx.finditer(text):
            ref = keys.doc_key(source, m.group(1))
            if ref == x.doc or ref in x.mentioned:
                continue
            s, t = sentence_bounds(text, m.start(1), m.end(1))
            x.b.add_node(ref, source=source, record_id=m.group(1))
            prov = Provenance(x.doc, Method.RULE.value, 0.95, text[s:t], m.start(1), m.end(1), field, x.seen)
            x.rel("MENTIONS", x.doc, ref, prov, count=1)
            x.mentioned[ref] = x.b.rels[-1].props


def _text_facts(x: _Builder, field: str, ex: Extraction) -> None:
    text = ex.text
    ekeys: list[str | None] = []
    for e in ex.entities:
        if e.label == "LOC":
            e = _with_site_noun(text, e)
        try:
            key = _entity_key(x, e)
        except ValueError:
            key = None
        ekeys.append(key)
        if key is None:
            continue
        s, t = sentence_bounds(text, e.start, e.end)
        prov = Provenance(
            doc=x.doc,
            method=_method(e),
            confidence=e.confidence,
            quote=text[s:t],
            start=e.start,
            end=e.end,
            field=field,
            seen=x.seen,
        )
        if key in x.mentioned:  # one MENTIONS per (document, entity): the first quote, with a count
            x.mentioned[key]["count"] += 1
            continue
        x.rel("MENTIONS", x.doc, key, prov, count=1)
        x.mentioned[key] = x.b.rels[-1].props
        if e.label == "SPECIES":
            x.rel("INVOLVES_SPECIES", x.doc, key, prov)
    for r in ex.relations:
        spec = RELATIONS.get(r.type)
        if spec is None or not (0 <= r.head < len(ekeys) and 0 <= r.tail < len(ekeys)):
            continue
        head, tail = ekeys[r.head], ekeys[r.tail]
        if r.type in _REVERSED:
            head, tail = tail, head
        if not head or not tail or head == tail:
            continue
        if label_for_key(head) not in spec.heads or label_for_key(tail) not in spec.tails:
            continue
        if r.type in ("OWNS", "DRIVES") and x.asserts(r.type, head, tail):
            continue  # the case's own fields (etl.caselinks) said it already
        prov = Provenance(
            doc=x.doc,
            method=_method(ex.entities[r.head], ex.entities[r.tail]),
            confidence=r.confidence,
            quote=text[r.sentence_start : r.sentence_end],
            start=r.sentence_start,
            end=r.sentence_end,
            field=field,
            seen=x.seen,
        )
        x.rel(r.type, head, tail, prov)


# ------------------------------------------------------------------ public


def record_to_batch(
    record: TypedRecord,
    extractions: Mapping[str, Extraction] | None = None,
    *,
    run_id: str | None = None,
    batch: GraphBatch | None = None,
) -> GraphBatch:
    """Facts of one typed record.  `extractions` maps a free-text field name (诉求内容 …) to its Extraction."""
    b = batch if batch is not None else GraphBatch()
    builder = _BUILDERS.get(type(record))
    if builder is None:
        raise TypeError(f"no fact mapping for {type(record).__name__}")
    x = _Builder(b, record, run_id)
    first_node, first_rel = len(b.nodes), len(b.rels)
    builder(x, record)
    for field, attr in TEXT_FIELDS.get(type(record), ()):
        text = getattr(record, attr, None)
        if text:
            _cross_refs(x, field, text)
        ex = extractions.get(field) if extractions else None
        if ex is not None:
            _text_facts(x, field, ex)
    _stamp_facts_digest(b, x.doc, first_node, first_rel)
    return b


def _stamp_facts_digest(b: GraphBatch, doc: str, first_node: int, first_rel: int) -> None:
    """`facts_digest` on the record's Document: which facts it asserts, in 20 hex digits.

    A later export of the record with another digest says something else, and
    what only the old version said is retracted (`GraphStore.retract_stale_facts`);
    the same digest (a ticket whose status alone changed) costs nothing more.
    Computed on the keys as the text gives them, before resolution maps aliases.
    """
    node = next((n for n in b.nodes[first_node:] if n.key == doc), None)
    if node is None:  # a record event: the record is its one fact
        return
    facts = sorted(r.fact_id for r in b.rels[first_rel:] if r.provenance.doc == doc)
    node.props["facts_digest"] = hashlib.sha1("".join(facts).encode()).hexdigest()[:20]


def records_to_batch(
    records: Iterable[TypedRecord],
    extract: ExtractFn | None = None,
    *,
    run_id: str | None = None,
) -> GraphBatch:
    """Facts of many records; all their free texts go to `extract` in one call.

    If `extract` raises or returns the wrong number of results, the batch falls
    back to `rules_extract` (logged), so a broken NLP layer never stops a load.
    """
    recs = list(records)
    per_record: list[list[tuple[str, str]]] = [free_texts(r) if extract else [] for r in recs]
    texts = [t for pairs in per_record for _, t in pairs]
    results: Sequence[Extraction] = []
    if extract and texts:
        try:
            results = extract(texts)
            if len(results) != len(texts):
                raise ValueError(f"extract returned {len(results)} results for {len(texts)} texts")
        except Exception:  # noqa: BLE001 - the load must go on with rules only
            log.exception("free-text extraction failed; falling back to ETL identifier rules")
            results = rules_extract(texts)
    b = GraphBatch()
    i = 0
    for rec, pairs in zip(recs, per_record):
        exs = {}
        for field, _ in pairs:
            exs[field] = results[i]
            i += 1
        record_to_batch(rec, exs, run_id=run_id, batch=b)
    return b


def iter_batches(
    records: Iterable[TypedRecord],
    extract: ExtractFn | None = None,
    *,
    size: int = 500,
    run_id: str | None = None,
) -> Iterator[GraphBatch]:
    """Stream `records` as self-contained GraphBatches of `size` records each."""
    chunk: list[TypedRecord] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= size:
            yield records_to_batch(chunk, extract, run_id=run_id)
            chunk = []
    if chunk:
        yield records_to_batch(chunk, extract, run_id=run_id)


def default_extract() -> ExtractFn:
    """`nlp.extract_texts` when the NLP layer imports, else the identifier-only `rules_extract`."""
    try:
        from nlp import extract_texts  # lazy: ETL must import even if NLP is broken or absent
    except Exception:  # noqa: BLE001
        log.warning("nlp.extract_texts unavailable; using ETL identifier rules only")
        return rules_extract
    return extract_texts


# ---------------------------------------------- identifier-only fallback rules

_P = ids.PROVINCE_CHARS
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ID_CARD", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")),
    ("PHONE", re.compile(r"(?<!\d)(?:1[3-9]\d{9}|1[3-9]\d[\*＊]{4}\d{4}|0\d{2,3}-\d{7,8})(?!\d)")),
    ("PLATE", ids.PLATE_IN_TEXT),
    (
        "VESSEL",
        re.compile(rf"[{_P}][\u4e00-\u9fff]{{1,3}}?" + ids.VESSEL_CORE_IN_TEXT.pattern),
    ),
    ("WASTE", re.compile(r"(?<![A-Za-z])HW\d{2}(?!\d)")),
)


def rules_extract(texts: list[str]) -> list[Extraction]:
    """Identifiers only (resident IDs, phones, plates, vessels, HW codes), validated by graph_schema.identifiers."""
    out = []
    for text in texts:
        ents: list[Entity] = []
        taken: list[tuple[int, int]] = []
        for label, rx in _RULES:
            for m in rx.finditer(text):
                s, e = m.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                raw = m.group(0)
                if label == "ID_CARD":
                    norm = ids.normalize_resident_id(raw)
                elif label == "PHONE":
                    p = ids.parse_phone(raw)
                    norm = p.digits if p else None
                elif label == "PLATE":
                    norm = ids.normalize_plate(raw)
                elif label == "VESSEL":
                    norm = ids.normalize_vessel(raw)
                else:
                    norm = raw.upper()
                if not norm:
                    continue
                taken.append((s, e))
                ents.append(Entity(s, e, label, raw, "rule", 1.0 if label in ("ID_CARD", "WASTE") else 0.95, norm))
        ents.sort(key=lambda en: en.start)
        out.append(Extraction(text=text, entities=ents))
    return out
