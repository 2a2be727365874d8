"""Chinese NER and relation extraction (spaCy pipeline). See nlp/README.md.

ETL calls only `extract_texts`.
"""

from __future__ import annotations

import threading

from nlp.types import LABELS, RELATION_TYPES, Entity, Extraction, Relation

__all__ = ["LABELS", "RELATION_TYPES", "Entity", "Extraction", "Relation", "extract_texts", "get_pipeline"]

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


def extract_texts(texts: list[str], batch_size: int = 256) -> list[Extraction]:
    """Entities and relations for each text, in input order (batched with `nlp.pipe`)."""
    nlp = get_pipeline()
    clean = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    out: list[Extraction] = []
    for text, doc in zip(clean, nlp.pipe(clean, batch_size=batch_size)):
        out.append(Extraction(text=text, entities=list(doc._.entities or []), relations=list(doc._.relations or [])))
    return out
