"""One record's fact builder: its Document, provenance and doc-local coreference tables.

`etl.sourcefacts` (the structured columns) and `etl.textfacts` (the free
text) both write through a `FactBuilder`, so a record's facts share one
Document key, one `seen` time and one table of the persons, companies and
places it has already named; `etl.facts` makes one per record.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from etl.parse import clean_plate_text
from etl.records import CaseFile, GridEvent, HotlineTicket, TypedRecord
from graph_schema import identifiers as ids
from graph_schema import keys
from graph_schema.model import GraphBatch, Provenance
from graph_schema.schema import Method

__all__ = ["STRUCTURED", "TEXT_FIELDS", "FactBuilder", "extra_json", "free_texts", "iso"]

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


def extra_json(r: TypedRecord) -> str | None:
    """Columns the formats do not name, kept on the Document as one JSON string (graph props are scalars)."""
    return json.dumps(r.extra, ensure_ascii=False, default=str, sort_keys=True) if r.extra else None


def iso(t: datetime | date | None) -> str | None:
    if t is None:
        return None
    if isinstance(t, datetime):
        return t.isoformat(timespec="seconds")
    return t.isoformat()


class FactBuilder:
    """Facts for one record: its Document key, time and doc-local coreference tables."""

    def __init__(self, batch: GraphBatch, record: TypedRecord, run_id: str | None):
        self.b = batch
        self.r = record
        self.doc = keys.doc_key(record.source, record.record_id)
        self.seen = iso(record.time)
        self.run_id = run_id
        self.persons: dict[str, str] = {}  # name → key (header suspects, callers, drivers)
        self.text_names: set[str] = set()  # names in `persons` that only the free text gave
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
            "extra_json": extra_json(r),
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
