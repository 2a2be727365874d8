"""Record → graph facts on the real samples, with a fake extractor (dependency injection)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.factbuilder import free_texts
from etl.facts import record_to_batch, records_to_batch
from etl.idrules import rules_extract
from etl.parse import iter_typed
from etl.records import QuarantineEntry
from etl.textfacts import sentence_bounds
from graph_schema.model import GraphBatch
from graph_schema.schema import RELATIONS, Method, label_for_key
from nlp.types import Entity, Extraction, Relation


def load(path: Path):
    return [r for r in iter_typed(path) if not isinstance(r, QuarantineEntry)]


def all_records(samples: Path):
    from etl.readers import iter_files

    return [r for p in iter_files([samples]) for r in load(p)]


class FakeExtractor:
    """Finds the given surface strings in each text; optionally one relation between the first two."""

    def __init__(self, spans: list[tuple[str, str]], relation: str | None = None):
        self.spans = spans
        self.relation = relation
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[Extraction]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            ents = []
            firsts = []
            for surface, label in self.spans:
                i = text.find(surface)
                firsts.append(len(ents) if i >= 0 else None)
                while i >= 0:
                    ents.append(Entity(i, i + len(surface), label, surface, "model", 0.8))
                    i = text.find(surface, i + 1)
            rels = []
            if self.relation and len(firsts) >= 2 and None not in firsts[:2]:
                a, b = ents[firsts[0]], ents[firsts[1]]
                s, e = sentence_bounds(text, min(a.start, b.start), max(a.end, b.end))
                rels.append(Relation(firsts[0], firsts[1], self.relation, 0.7, s, e))
            out.append(Extraction(text, ents, rels))
        return out


def rels(batch: GraphBatch, type_: str, head: str | None = None, tail: str | None = None):
    return [
        r
        for r in batch.rels
        if r.type == type_ and (head is None or r.head == head) and (tail is None or r.tail == tail)
    ]


def node_props(batch: GraphBatch, key: str) -> dict:
    props: dict = {}
    for n in batch.nodes:
        if n.key == key:
            props.update(n.props)
    return props


def test_every_relationship_obeys_schema_and_carries_provenance(samples):
    batch = records_to_batch(all_records(samples), rules_extract)
    docs = {n.key for n in batch.nodes if n.key.startswith("doc:")}
    docs |= {r.provenance.doc for r in batch.rels if RELATIONS[r.type].record_event}
    methods = {m.value for m in Method}
    assert batch.rels
    for r in batch.rels:
        spec = RELATIONS[r.type]
        assert label_for_key(r.head) in spec.heads, r
        assert label_for_key(r.tail) in spec.tails, r
        p = r.provenance
        assert p.doc in docs and p.method in methods and 0 < p.confidence <= 1 and p.field, r
        assert p.quote, r
    batch.nodes_by_label()  # every key has a known prefix
    assert batch.rels_by_shape()


def test_one_document_per_loaded_record(samples):
    """Every record is one Document node, or (a plate read) one record-event relationship with its provenance."""
    recs = all_records(samples)
    batch = records_to_batch(recs, None)
    docs = {n.key for n in batch.nodes if label_for_key(n.key) == "Document"}
    events = [r for r in batch.rels if RELATIONS[r.type].record_event]
    assert all(len(r.props["sha256"]) == 64 and r.props["file"] and r.props["row"] > 1 for r in events)
    assert not docs & {r.provenance.doc for r in events}
    assert len(docs) + len({r.provenance.doc for r in events}) == len(events) + len(docs) == len(recs) == 397
    d = node_props(batch, "doc:hotline:ZJHZ2024052200417")
    assert d["source"] == "hotline" and d["time"] == "2024-05-22T06:38:12" and "酸" in d["text"]
    assert d["caller_phone_masked"] is True and len(d["sha256"]) == 64 and d["row"] > 1


def test_plate_variants_give_one_vehicle_key(samples):
    recs = all_records(samples)
    batch = records_to_batch(recs, rules_extract)
    seen_at = [r for r in rels(batch, "SEEN_AT") if r.provenance.quote in ("浙E·5G378", "浙E5G378")]
    assert {r.provenance.quote for r in seen_at} == {"浙E·5G378", "浙E5G378"}  # both spellings occur
    assert {r.head for r in seen_at} == {"vehicle:浙E5G378"}
    case = "doc:case:长公(环)立字〔2024〕00057号"
    assert rels(batch, "INVOLVED_IN", "vehicle:浙E5G378", case)
    assert rels(batch, "MENTIONS", case, "vehicle:浙E5G378")  # the narrative spelling
    assert rels(batch, "INVOLVED_IN", "vehicle:浙E5G378", "doc:manifest:2024330522000204")
    assert rels(batch, "TRANSPORTS", "vehicle:浙EA7615")  # manifests spell it 浙E A7615 too
    assert not any(n.key in ("vehicle:浙E·5G378", "vehicle:浙E A7615") for n in batch.nodes)
    assert rels(batch, "SEEN_AT", "vehicle:浙E0917警")  # police plate normalises


def test_two_wang_mou_are_two_people(samples):
    recs = [r for r in all_records(samples) if r.source == "case"]
    batch = records_to_batch(recs, None)
    wang = {r.head for r in rels(batch, "INVOLVED_IN") if r.head.startswith("person:王某@")}
    assert wang == {
        "person:王某@doc:case:湖吴公(环)立字〔2024〕00031号",
        "person:王某@doc:case:岱公(海)立字〔2024〕00018号",
    }


def test_case_suspects_vehicles_companies(samples):
    (case,) = load(samples / "cases/cx-2024-00057.txt")
    b = record_to_batch(case)
    doc = "doc:case:长公(环)立字〔2024〕00057号"
    suspects = rels(b, "INVOLVED_IN", tail=doc)
    roles = {(r.head, r.props["role"]) for r in suspects}
    assert ("person:341822198107151579", "suspect") in roles
    assert ("person:330522197211030319", "suspect") in roles
    assert ("company:91330522704523184E", "company") in roles and ("company:91330522MA2D7KT428", "company") in roles
    p = node_props(b, "person:341822198107151579")
    assert p["name"] == "周卫东" and p["birth"] == "1981-07-15" and p["id_card"] == "341822198107151579"
    assert rels(b, "USES_PHONE", "person:341822198107151579", "phone:15167231846")
    assert all(r.provenance.method == "structured" and r.provenance.confidence == 1.0 for r in suspects)
    assert rels(b, "MENTIONS", doc, "doc:manifest:2024330522000204")  # 联单编号 quoted in the narrative


def test_case_text_coreference_with_fake_extractor(samples):
    (case,) = load(samples / "cases/cx-2024-00057.txt")
    fake = FakeExtractor(
        [
            ("周卫东", "PERSON"),
            ("浙E5G378", "PLATE"),
            ("长兴恒泰精细化工有限公司", "ORG"),
            ("青岭村", "LOC"),
            ("民警", "PERSON"),
        ],
        relation="DRIVES",
    )
    b = records_to_batch([case], fake)
    assert fake.calls == [[case.narrative]]
    doc = "doc:case:长公(环)立字〔2024〕00057号"
    tails = {r.tail for r in rels(b, "MENTIONS", doc)}
    assert "person:341822198107151579" in tails  # 周卫东 in 简要案情 is the header suspect
    assert "vehicle:浙E5G378" in tails
    assert "company:91330522704523184E" in tails  # name → the header company's USCC key
    # 青岭村 followed by 北侧废弃石矿坑 names the pit (etl.textfacts._with_site_noun); 青岭村矿坑 later is the same pit
    pit = "site:青岭村北侧废弃石矿坑"
    assert pit in tails and node_props(b, pit)["kind"] == "place" and "site:青岭村" not in tails
    assert f"person:民警@{doc}" in tails  # no strong id: doc-local key
    m = rels(b, "MENTIONS", doc, "person:341822198107151579")[0]
    p = m.provenance
    assert p.method == "model" and p.field == "简要案情" and p.confidence == 0.8
    assert case.narrative[p.start : p.end] == "周卫东" and "周卫东" in p.quote and p.quote.endswith("。")
    assert m.props["count"] >= 2  # mentioned several times, one relationship
    (d,) = rels(b, "DRIVES")
    assert (d.head, d.tail) == ("person:341822198107151579", "vehicle:浙E5G378")
    assert d.provenance.quote and d.provenance.confidence == 0.7


@pytest.mark.parametrize("cut", ["周卫", "卫东", "周卫东均"])
def test_a_name_the_segmenter_cut_by_one_character_is_the_header_suspect(samples, cut):
    """周卫 (end cut), 卫东 (surname read as a noun), 周卫东均 (an adverb glued on): the header's 周卫东."""
    (case,) = load(samples / "cases/cx-2024-00057.txt")
    text = case.narrative.replace("周卫东", cut, 1)
    case = type(case)(**{**case.__dict__, "narrative": text})
    b = records_to_batch([case], FakeExtractor([(cut, "PERSON")]))
    doc = "doc:case:长公(环)立字〔2024〕00057号"
    tails = {r.tail for r in rels(b, "MENTIONS", doc)}
    assert "person:341822198107151579" in tails and f"person:{cut}@{doc}" not in tails


def test_relation_against_schema_is_dropped(samples):
    (case,) = load(samples / "cases/cx-2024-00057.txt")
    fake = FakeExtractor([("青岭村", "LOC"), ("周卫东", "PERSON")], relation="DRIVES")  # Site DRIVES Person: invalid
    b = records_to_batch([case], fake)
    assert not rels(b, "DRIVES")


def test_hotline_masked_phone_is_not_an_identity(samples):
    recs = {r.record_id: r for r in load(samples / "hotline.csv")}
    b = record_to_batch(recs["ZJHZ2024052200417"])
    assert not any(n.key.startswith("phone:") for n in b.nodes)
    assert not any(n.key.startswith("person:") for n in b.nodes)  # 匿名 caller
    assert rels(b, "LOCATED_AT", "doc:hotline:ZJHZ2024052200417")


def test_hotline_reply_masked_name_is_doc_local(samples):
    recs = {r.record_id: r for r in load(samples / "hotline.csv")}
    t = recs["ZJHZ2024052200417"]
    assert [f for f, _ in free_texts(t)] == ["诉求内容", "回复内容"]
    b = records_to_batch([t], FakeExtractor([("周某", "PERSON")]))
    (m,) = rels(b, "MENTIONS", tail="person:周某@doc:hotline:ZJHZ2024052200417")
    assert m.provenance.field == "回复内容"


def test_grid_reporter_phone(samples):
    recs = {r.record_id: r for r in load(samples / "grid.jsonl")}
    b = record_to_batch(recs["141-CX-20240404-0012"])
    doc = "doc:grid:141-CX-20240404-0012"
    person = f"person:陆红英@{doc}"
    assert rels(b, "INVOLVED_IN", person, doc)[0].props["role"] == "reporter"
    assert rels(b, "USES_PHONE", person, "phone:13967295118")
    assert rels(b, "LOCATED_AT", doc, "site:煤山镇青岭村第2网格")
    assert node_props(b, doc)["lon"] == pytest.approx(119.6968)


def test_plate_read_is_light_and_never_sent_to_nlp(samples):
    reads = load(samples / "anpr.csv")
    fake = FakeExtractor([("浙E", "PLATE")])
    b = records_to_batch(reads, fake)
    assert fake.calls == []
    assert len(rels(b, "SEEN_AT")) == 200 and len(b.rels) == 200
    pit = rels(b, "SEEN_AT", "vehicle:浙E5G378", "site:KK330522006")
    assert {x.props["time"] for x in pit} == {
        "2024-05-21T23:36:52",
        "2024-05-22T01:48:15",
        "2024-05-22T23:49:20",
        "2024-05-23T09:52:38",
    }
    assert all(x.provenance.field == "车牌号" for x in pit)
    # `time` is the read's only time: no first_seen/last_seen copies on the most numerous relationship
    assert all(x.provenance.seen is None and "first_seen" not in x.as_row()["props"] for x in pit)
    site = node_props(b, "site:KK330522006")
    assert site["kind"] == "checkpoint" and "青岭" in site["name"] and site["lon"] > 119
    # the read is its SEEN_AT: the record's provenance is on the relationship, no Document node
    assert not [n for n in b.nodes if n.key.startswith("doc:")]
    first = reads[0]
    (read,) = [r for r in rels(b, "SEEN_AT") if r.provenance.doc == f"doc:anpr:{first.record_id}"]
    assert read.props["sha256"] == first.sha256 and read.props["row"] == first.row
    assert read.props["file"] == first.file and "text" not in read.props


def test_manifest_facts(samples):
    recs = {r.record_id: r for r in load(samples / "manifests.csv")}
    m = recs["2024330522000204"]
    b = record_to_batch(m)
    doc = "doc:manifest:2024330522000204"
    (tw,) = rels(b, "TRANSFERRED_WASTE")
    assert tw.head == "company:91330522704523184E"
    assert tw.props["waste_code"] == "HW34" and tw.props["manifest"] == "2024330522000204" and tw.props["tons"] > 0
    assert tw.props["time"].startswith("2024-05-21")
    carrier = "company:长兴顺远货运有限公司"
    assert rels(b, "TRANSPORTS", carrier, "company:91330522704523184E")
    assert rels(b, "TRANSPORTS", "vehicle:浙E5G378", "company:91330522704523184E")
    driver = f"person:周卫东@{doc}"
    assert rels(b, "DRIVES", driver, "vehicle:浙E5G378")
    assert {r.head for r in rels(b, "HANDLES", tail="waste:HW34")} >= {
        "company:91330522704523184E",
        carrier,
        "vehicle:浙E5G378",
    }
    assert {r.props["role"] for r in rels(b, "INVOLVED_IN", tail=doc)} == {
        "producer",
        "carrier",
        "receiver",
        "vehicle",
        "driver",
    }


def test_water_network_facts(samples):
    recs = load(samples / "water/河段.csv") + load(samples / "water/排口.csv") + load(samples / "water/监测.csv")
    b = records_to_batch(recs, None)
    flows = {(r.head, r.tail) for r in rels(b, "FLOWS_INTO")}
    assert len(flows) == 14  # 15 segments, one outlet (太湖)
    assert ("site:HZ-QLX-01", "site:HZ-HXG-01") in flows
    assert ("site:PK-DQ-001", "site:HZ-YYX-01") in {(r.head, r.tail) for r in rels(b, "DISCHARGES_INTO")}
    owner = rels(b, "OWNS", "company:91330521MA29N6LE9K", "site:PK-DQ-001")
    assert owner and owner[0].provenance.field == "所属单位"
    assert ("site:JC-CX-01", "site:HZ-QLX-01") in {(r.head, r.tail) for r in rels(b, "MONITORS")}
    exceeded = [n for n in b.nodes if n.key.startswith("doc:reading:") and n.props.get("exceeded")]
    assert len(exceeded) == 8
    ph = node_props(b, "doc:reading:JC-CX-01@2024-05-22T08:00:00@pH")
    assert ph["value"] == 3.6 and ph["exceeded"] is True and ph["indicator"] == "pH"
    assert rels(b, "LOCATED_AT", "doc:reading:JC-CX-01@2024-05-22T08:00:00@pH", "site:JC-CX-01")
    assert node_props(b, "site:HZ-QLX-01")["kind"] == "segment" and node_props(b, "site:HZ-QLX-01")["name"].startswith(
        "青岭溪"
    )


def test_broken_extractor_falls_back_to_rules(samples):
    (case,) = load(samples / "cases/cx-2024-00057.txt")

    def broken(texts):
        raise RuntimeError("model not installed")

    b = records_to_batch([case], broken)
    assert rels(b, "MENTIONS", tail="vehicle:浙E5G378")[0].provenance.method == "rule"


def test_extract_called_once_per_batch(samples):
    recs = load(samples / "hotline.csv") + load(samples / "grid.jsonl")
    fake = FakeExtractor([])
    records_to_batch(recs, fake)
    assert len(fake.calls) == 1
    assert len(fake.calls[0]) == sum(len(free_texts(r)) for r in recs) > len(recs)


def test_rules_extract_identifiers():
    (ex,) = rules_extract(
        ["周某驾驶浙E·5G378，电话13857201234，身份证341822198107151579，另有138****1234，废物HW34，船苏吴江货3186。"]
    )
    got = {(e.label, e.normalized) for e in ex.entities}
    assert ("PLATE", "浙E5G378") in got and ("PHONE", "13857201234") in got
    assert ("ID_CARD", "341822198107151579") in got and ("PHONE", "138****1234") in got
    assert ("WASTE", "HW34") in got and ("VESSEL", "苏吴江货3186") in got


def test_real_nlp_if_available(samples):
    try:
        from nlp import extract_texts

        extract_texts(["测试"])
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"nlp.extract_texts unavailable: {exc}")
    (case,) = load(samples / "cases/cx-2024-00057.txt")
    b = records_to_batch([case], extract_texts)
    doc = "doc:case:长公(环)立字〔2024〕00057号"
    tails = {r.tail for r in rels(b, "MENTIONS", doc)}
    assert "vehicle:浙E5G378" in tails
    assert not any(t.startswith("person:周卫东@") for t in tails)  # coreference to the suspect with the ID


def test_iter_batches_are_self_contained(samples):
    from etl.facts import iter_batches

    reads = load(samples / "anpr.csv")
    batches = list(iter_batches(reads, None, size=64))
    assert [len(b.rels) for b in batches] == [64, 64, 64, 8]
    for b in batches:
        keys_in_batch = {n.key for n in b.nodes}
        assert all(r.head in keys_in_batch and r.tail in keys_in_batch for r in b.rels)


def test_record_numbers_in_text_link_documents(samples):
    recs = {r.record_id: r for r in load(samples / "hotline.csv")}
    b = record_to_batch(recs["ZJHZ2024052200431"])
    (m,) = rels(b, "MENTIONS", "doc:hotline:ZJHZ2024052200431", "doc:hotline:ZJHZ2024052200417")
    assert m.provenance.field == "回复内容" and "合并办理" in m.provenance.quote and m.provenance.method == "rule"
    stub = node_props(b, "doc:hotline:ZJHZ2024052200417")
    assert stub == {"source": "hotline", "record_id": "ZJHZ2024052200417"}  # merged over by the real record later


def test_short_company_name_in_narrative_is_the_header_company(samples):
    (case,) = load(samples / "cases/aj-2024-00029.docx")
    b = records_to_batch([case], FakeExtractor([("山野人家农家乐", "ORG"), ("林业局", "ORG")]))
    doc = "doc:case:安公(环)立字〔2024〕00029号"
    tails = {r.tail for r in rels(b, "MENTIONS", doc)}
    assert "company:92330523MA2JD7H148" in tails
    assert "company:林业局" in tails  # not the tail of the header company's name
