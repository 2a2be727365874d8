"""Typed records → graph facts (`GraphBatch`).

    record_to_batch(record, extractions=None, *, run_id=None) -> GraphBatch
    records_to_batch(records, extract=None, *, run_id=None) -> GraphBatch
    iter_batches(records, extract=None, *, size=500, run_id=None) -> Iterator[GraphBatch]
    default_extract() -> ExtractFn                       # nlp.extract_texts, else rules_extract

The entry point of the fact stage; its parts live in modules of their own:

    etl.factbuilder   FactBuilder (one record's Document, provenance, doc-local tables), free_texts
    etl.sourcefacts   the structured facts of each record type (the table of directions)
    etl.textfacts     free-text facts: MENTIONS, text relations, coreference, cross-references
    etl.idrules       rules_extract, the identifier-only fallback (no NLP layer)

Every record becomes one Document node `doc:<source>:<record id>` (a plate
read: its SEEN_AT relationship, which carries that key and the provenance) plus
structured facts (Method.STRUCTURED, confidence 1.0, quote = the field value
as written, `field` = the source column).  Free-text fields go through one
batched `extract(texts)` call (`nlp.extract_texts` signature); its entities
become MENTIONS from the Document (quote = the sentence, start/end = the
entity's offsets in that field's text) and its relations become
relationships with the sentence as quote.  `extract=None` means structured
facts only (the free text still lands on the Document for full-text search).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from etl.factbuilder import TEXT_FIELDS, FactBuilder, free_texts
from etl.idrules import rules_extract
from etl.records import TypedRecord
from etl.sourcefacts import SOURCE_BUILDERS
from etl.textfacts import cross_refs, text_facts
from graph_schema.model import GraphBatch
from nlp.types import Extraction

__all__ = ["ExtractFn", "default_extract", "iter_batches", "record_to_batch", "records_to_batch"]

log = logging.getLogger(__name__)

ExtractFn = Callable[[list[str]], list[Extraction]]


def record_to_batch(
    record: TypedRecord,
    extractions: Mapping[str, Extraction] | None = None,
    *,
    run_id: str | None = None,
    batch: GraphBatch | None = None,
) -> GraphBatch:
    """Facts of one typed record.  `extractions` maps a free-text field name (诉求内容 …) to its Extraction."""
    b = batch if batch is not None else GraphBatch()
    builder = SOURCE_BUILDERS.get(type(record))
    if builder is None:
        raise TypeError(f"no fact mapping for {type(record).__name__}")
    x = FactBuilder(b, record, run_id)
    first_node, first_rel = len(b.nodes), len(b.rels)
    builder(x, record)
    for field, attr in TEXT_FIELDS.get(type(record), ()):
        text = getattr(record, attr, None)
        if text:
            cross_refs(x, field, text)
        ex = extractions.get(field) if extractions else None
        if ex is not None:
            text_facts(x, field, ex)
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
