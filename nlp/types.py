"""The NLP layer's boundary: what free-text extraction hands to ETL.

ETL depends only on `extract_texts` (see `nlp/__init__.py`) and these
dataclasses, so loading works with rules alone and improves when the
statistical components are present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS = ("PERSON", "ORG", "LOC", "PLATE", "VESSEL", "PHONE", "ID_CARD", "TIME", "WASTE", "SPECIES")
RELATION_TYPES = (
    "DRIVES",
    "OWNS",
    "REPRESENTS",
    "WORKS_FOR",
    "USES_PHONE",
    "CO_OFFENDER",
    "DUMPED_AT",
    "TRANSPORTS",
    "LOCATED_AT",
)


@dataclass
class Entity:
    start: int  # character offset, inclusive
    end: int  # character offset, exclusive
    label: str  # one of LABELS
    text: str
    method: str = "rule"  # "rule" | "model"
    confidence: float = 1.0
    normalized: str | None = None  # canonical form for identifiers (plate, phone, id card …)


@dataclass
class Relation:
    head: int  # index into Extraction.entities
    tail: int
    type: str  # one of RELATION_TYPES
    confidence: float
    sentence_start: int  # evidence sentence offsets in the text
    sentence_end: int


@dataclass
class PersonRole:
    """What the text itself calls a person (`nlp.suspects`): "suspect", with the cue word."""

    entity: int  # index into Extraction.entities
    role: str  # "suspect"
    cue: str  # the words that say so: 被告人, 将…抓获
    confidence: float
    sentence_start: int  # evidence sentence offsets in the text
    sentence_end: int


@dataclass
class Extraction:
    text: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    roles: list[PersonRole] = field(default_factory=list)

    def sentence(self, rel: Relation) -> str:
        return self.text[rel.sentence_start : rel.sentence_end]
