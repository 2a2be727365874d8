"""The structured facts of each record type: one mapper per source, `SOURCE_BUILDERS` by record type.

Every record becomes one Document node `doc:<source>:<record id>` (a plate
read: its SEEN_AT relationship, which carries that key and the provenance) plus
structured facts (Method.STRUCTURED, confidence 1.0, quote = the field value
as written, `field` = the source column).  Why a module of its own: these are
the columns each format names, read even when the NLP layer is absent; the
free text is `etl.textfacts`'.

Relationship directions chosen here (all within graph_schema.schema.RELATIONS):

| source   | facts |
|----------|-------|
| hotline  | Person(caller, real name only) INVOLVED_IN{role:caller} Doc; Doc MENTIONS Phone (unmasked only); Person USES_PHONE Phone; Doc LOCATED_AT Site{kind:place} (事发地址, same kind as places named in text) |
| grid     | Person(reporter) INVOLVED_IN{role:reporter} Doc; Doc MENTIONS Phone; Person USES_PHONE Phone; Doc LOCATED_AT Site{kind:grid} (所属网格) |
| case     | Person INVOLVED_IN{role:suspect, rank: header order} Doc (key by valid ID, else `person:<name>@<doc>`; no header suspect → the narrative's, `etl.narrativeparties`); Person USES_PHONE Phone and Doc MENTIONS it; Person LOCATED_AT{role:residence} Site (住址); Vehicle/Vessel INVOLVED_IN{role:vehicle/vessel} (涉案车辆, 涉案船舶); Company INVOLVED_IN{role:company}; owner/driver statements of those fields and of a suspect's own line → OWNS{basis} / DRIVES / REPRESENTS / WORKS_FOR (`etl.caselinks`) |
| anpr     | Vehicle SEEN_AT{time, file, row, sha256, ingest_run} Site{kind:checkpoint} `site:<卡口编号>`: the relationship is the record (no Document node, no NLP) |
| manifest | producer/carrier/receiver Company INVOLVED_IN{role}; producer TRANSFERRED_WASTE receiver {waste, waste_code, tons, time, manifest}; carrier TRANSPORTS producer; Vehicle TRANSPORTS producer; Vehicle INVOLVED_IN{role:vehicle}; driver Person DRIVES Vehicle, INVOLVED_IN{role:driver}, WORKS_FOR carrier (confidence 0.8); producer/carrier/receiver/Vehicle HANDLES WasteType |
| segment  | Site{kind:segment} FLOWS_INTO downstream Site{kind:segment} |
| outfall  | Site{kind:outfall} DISCHARGES_INTO Site{kind:segment}; owner Company OWNS the outfall Site and INVOLVED_IN{role:owner} the outfall Document |
| reading  | Doc (indicator, value, exceeded) LOCATED_AT Site{kind:station}; station MONITORS segment |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from etl import caselinks
from etl.factbuilder import FactBuilder, extra_json, iso
from etl.records import (
    CaseFile,
    GridEvent,
    HotlineTicket,
    Manifest,
    Outfall,
    PlateRead,
    Reading,
    RiverSegment,
)
from graph_schema import identifiers as ids
from graph_schema import keys

__all__ = ["SOURCE_BUILDERS"]


def _hotline(x: FactBuilder, t: HotlineTicket) -> None:
    x.document(
        f"12345工单 {t.ticket_id}" + (f" {t.category}" if t.category else ""),
        t.content,
        reply=t.reply,
        category=t.category,
        status=t.status,
        address=t.address,
        handling_unit=t.handling_unit,
        closed_at=iso(t.closed_at),
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


def _grid(x: FactBuilder, t: GridEvent) -> None:
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


def _case(x: FactBuilder, t: CaseFile) -> None:
    x.document(
        " ".join(p for p in ("案件", t.case_id, t.cause or "") if p),
        t.narrative,
        case_id=t.case_id,
        cause=t.cause,
        unit=t.unit,
        filed_at_raw=t.filed_at_raw,
    )
    for rank, s in enumerate(t.suspects):
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
        x.rel("INVOLVED_IN", key, x.doc, x.prov(field, quote), role="suspect", rank=rank)
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


def _anpr(x: FactBuilder, t: PlateRead) -> None:
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


def _manifest(x: FactBuilder, t: Manifest) -> None:
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
            waste_code_detail=t.waste_code_detail,
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
    for name in t.drivers or ([t.driver] if t.driver else []):
        if ids.is_masked_name(name):
            continue
        driver = x.local_person(name)
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


def _light_doc(x: FactBuilder, title: str, **props: Any) -> None:
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
        extra_json=extra_json(r),
        ingest_run=x.run_id,
        **props,
    )


def _segment(x: FactBuilder, t: RiverSegment) -> None:
    _light_doc(x, f"河段 {t.segment_id} {t.name or ''}".strip())
    seg = x.site(t.segment_id, "segment", code=t.segment_id, name=t.name)
    if seg and t.downstream_id:
        down = x.site(t.downstream_id, "segment", code=t.downstream_id)
        if down:
            x.rel("FLOWS_INTO", seg, down, x.prov("下游河段编号", t.downstream_id))


def _outfall(x: FactBuilder, t: Outfall) -> None:
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


def _reading(x: FactBuilder, t: Reading) -> None:
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


SOURCE_BUILDERS: dict[type, Callable[[FactBuilder, Any], None]] = {
    HotlineTicket: _hotline,
    GridEvent: _grid,
    CaseFile: _case,
    PlateRead: _anpr,
    Manifest: _manifest,
    RiverSegment: _segment,
    Outfall: _outfall,
    Reading: _reading,
}
