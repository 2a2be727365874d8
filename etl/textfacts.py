"""The facts of a record's free text: MENTIONS of what NLP found, its relations, cross-references.

An Extraction's entities become MENTIONS from the Document (quote = the
sentence, start/end = the entity's offsets in that field's text) and its
relations become relationships with the sentence as quote.  Why a module of
its own: this is where a mention becomes a key, by doc-local coreference,
which the structured columns (`etl.sourcefacts`) never need.

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
states producer → carrier and the graph stores carrier → producer.  In a case
file the narrative's suspects, and the companies and vehicles the fields leave
out, become parties (`etl.narrativeparties`).
"""

from __future__ import annotations

import dataclasses
import re

from etl.factbuilder import FactBuilder
from etl.narrativeparties import narrative_parties
from graph_schema import identifiers as ids
from graph_schema import keys
from graph_schema.model import Provenance
from graph_schema.schema import RELATIONS, Method, label_for_key
from graph_schema.sites import DISUSED_QUALIFIER, DUMP_SITE_WORDS, site_type
from nlp.types import Entity, Extraction

__all__ = ["cross_refs", "sentence_bounds", "text_facts"]

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


def _entity_key(x: FactBuilder, e: Entity) -> str | None:
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
        named = _structured_name_for(x, text)
        if named is not None:
            return x.persons[named]
        x.text_names.add(text)
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


def _structured_name_for(x: FactBuilder, text: str) -> str | None:
    """The one name from the record's own fields that a name read from its text cuts short or runs
    over by one character: 鲁祥 in "鲁祥发以及周某", 施梁金均 in "施梁金均被刑事拘留", 林昌 for 楼林昌
    (a surname read as a noun) — the segmenter's boundary, not another person.  Unmasked names of
    two characters or more, exactly one match."""
    if len(text) < 2 or ids.is_masked_name(text):
        return None
    hits = [
        n
        for n in x.persons
        if n not in x.text_names
        and n != text
        and len(n) >= 2
        and not ids.is_masked_name(n)
        and (n.startswith(text) or text.startswith(n) or n.endswith(text))
        and abs(len(n) - len(text)) == 1
    ]
    return hits[0] if len(hits) == 1 else None


_VILLAGE_END_RE = re.compile(r"(?:村|社区|组|镇|乡)$")
# where at the village: a side (东侧, 东边的), the village's front, back or mouth (村后, 村口, 后头; the
# 村 of 村后 is often glued to the name by the segmenter: 余港村村 + 后), or nearby (附近, 旁边)
_SITE_POSITION = (
    r"(?:(?:村|镇)?(?:东南|东北|西南|西北|东|南|西|北|前|后|口|头|外|旁|边)(?:侧|面|边|部|头|方)?"
    r"|附近|旁边|边上|周边)"
)
_SITE_NOUN_AFTER_RE = re.compile(
    rf"(?P<pos>{_SITE_POSITION})?的?(?:(?:那|这|一)(?:片|处|块|个|座))?"
    rf"(?P<old>{DISUSED_QUALIFIER})?(?P<word>" + "|".join(map(re.escape, DUMP_SITE_WORDS)) + ")"
)


def _with_site_noun(text: str, e: Entity) -> Entity:
    """A village followed by a dump-site word (荃步村 + 河滩, 潘店村 + 东边的田地, 姚岭村 + 村口鱼塘,
    余港村村 + 后石矿宕口) names that site.

    NLP marks the village as the place (the annotation convention); the graph
    needs the site the waste reached, or a chain ends at a whole village.  The
    name keeps the position, a qualifier (老砖窑) and the type word, not the filler (那片, 的)."""
    name = (e.normalized or e.text or "").strip()
    if not _VILLAGE_END_RE.search(name):
        glued = _glued_site_word(text, e.end, name)
        return dataclasses.replace(e, normalized=name + glued) if glued else e
    m = _SITE_NOUN_AFTER_RE.match(text, e.end)
    if not m:
        return e
    site = (m["pos"] or "") + (m["old"] or "").replace("的", "") + m["word"]
    return dataclasses.replace(e, normalized=name + site)


def _glued_site_word(text: str, end: int, name: str) -> str | None:
    """The rest of a dump-site word the place ends in: a road or river in a village followed by
    a position character (翁浜村村口路 + 边, 荃步村小河 + 边) is its roadside or bank.

    NLP leaves the position word out of the place (the annotation convention: 洪桥港, not
    洪桥港边); a place inside a village (`村` in its chain) is where the waste or the digging
    was, and its kind (路边 roadside, 河边 bank) is what makes the village road's checkpoint
    one that guards it.  Outside a village (黑河边上钓鱼) the river stays the place."""
    if "村" not in name or end >= len(text):
        return None
    for w, k in _GLUED_BY_NEXT.get(text[end], ()):
        if name.endswith(w[:k]) and text.startswith(w[k:], end):
            return w[k:]
    return None


# each dump-site word split where a place may end inside it (路|边, 石矿|宕口), indexed by the
# character after the split; longest words first, as DUMP_SITE_WORDS are
_GLUED_BY_NEXT: dict[str, list[tuple[str, int]]] = {}
for _w in DUMP_SITE_WORDS:
    for _k in range(len(_w) - 1, 0, -1):
        _GLUED_BY_NEXT.setdefault(_w[_k], []).append((_w, _k))


def _short_form_of(x: FactBuilder, name: str) -> str | None:
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


def cross_refs(x: FactBuilder, field: str, text: str) -> None:
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


_ID_BESIDE_NAME = re.compile(r"[^。！？；;\n]{0,40}")


def _identified_names(x: FactBuilder, ex: Extraction) -> None:
    """A name followed by its own identity number in the text — `蒋卫国（男，身份证号3305…）`,
    `孔某某，身份证号码3305…` — is that person: keyed by the number, as a header line would be.

    The number belongs to the nearest name before it in the same sentence, with no other name
    between and at most 40 characters of description; a name the record's fields already
    key keeps their key."""
    last: Entity | None = None
    for e in ex.entities:
        if e.label == "PERSON":
            last = e
        elif e.label == "ID_CARD" and last is not None:
            gap = ex.text[last.end : e.start]
            idc = ids.normalize_resident_id(e.normalized or e.text)
            name = (last.text or "").strip()
            if idc and name and name not in x.persons and _ID_BESIDE_NAME.fullmatch(gap):
                key = keys.person_key(id_card=idc)
                x.b.add_node(key, id_card=idc, name=name, masked_name=ids.is_masked_name(name) or None)
                x.persons[name] = key
            last = None


def text_facts(x: FactBuilder, field: str, ex: Extraction) -> None:
    text = ex.text
    ekeys: list[str | None] = []
    _identified_names(x, ex)
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
    if x.r.source == "case":
        narrative_parties(x, field, ex, ekeys)
