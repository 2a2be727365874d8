"""Chinese NER and relation extraction (spaCy pipeline). See nlp/README.md.

ETL calls only `extract_texts`.
"""

from __future__ import annotations

import threading

from nlp.types import LABELS, RELATION_TYPES, Entity, Extraction, PersonRole, Relation

__all__ = [
    "LABELS",
    "RELATION_TYPES",
    "Entity",
    "Extraction",
    "PersonRole",
    "Relation",
    "extract_texts",
    "get_pipeline",
    "pipe_extractions",
]

_lock = threading.Lock()
_pipeline = None


def get_pipeline():
    """The shared pipeline, loaded once (thread-safe)."""
    global _pipeline
    if _pipeline is None:
        with _lock:
            if _pipeline is None:
                from nlp.pipeline import load_pipeline

                _pipeline = load_pipeline()
    return _pipeline


def pipe_extractions(nlp, texts: list[str], batch_size: int = 256):
    """Run `nlp` over `texts` read through `nlp.textnorm` (Simplified, half-width, no pinyin
    glosses) and yield `(Extraction, doc)` with every offset on the text as written."""
    from nlp.textnorm import normalize_text

    norms = [normalize_text(t) for t in texts]
    for n, doc in zip(norms, nlp.pipe([n.clean for n in norms], batch_size=batch_size)):
        ents = list(doc._.entities or [])
        rels = list(doc._.relations or [])
        roles = list(doc._.roles or [])
        if n.clean != n.original:
            mapped = []
            for e in ents:
                s, t = n.span(e.start, e.end)
                mapped.append(Entity(s, t, e.label, n.original[s:t], e.method, e.confidence, e.normalized))
            ents = mapped
            for r in [*rels, *roles]:
                r.sentence_start, r.sentence_end = n.span(r.sentence_start, r.sentence_end)
        yield Extraction(text=n.original, entities=ents, relations=rels, roles=roles), doc


def extract_texts(texts: list[str], batch_size: int = 256) -> list[Extraction]:
    """Entities and relations for each text, in input order (batched with `nlp.pipe`)."""
    nlp = get_pipeline()
    clean = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    return [ex for ex, _doc in pipe_extractions(nlp, clean, batch_size)]
