"""Convert the inline-markup sources in `nlp/gold/src/*.txt` into `nlp/gold/dev.jsonl`.

Markup: `[周卫东|PERSON]驾驶[浙E5G378|PLATE]…`, one document per line, `\\n`
for a line break inside a document, lines starting with `#` are comments.
Relations (the relation set in `relations/`) follow the text after ` ||| `:
`周卫东>DRIVES>浙E5G378; 周卫东@2>DUMPED_AT>…`, each argument a marked entity's
text, `@n` for its n-th marked occurrence (default the first).

    python -m nlp.gold.build_gold
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from nlp.types import LABELS, RELATION_TYPES

SRC = Path(__file__).parent / "src"
OUT = Path(__file__).parent / "dev.jsonl"
# written after the rules were tuned on src/ and kept out of tuning: an honest check
BLIND_SRC = Path(__file__).parent / "blind"
BLIND_OUT = Path(__file__).parent / "blind.jsonl"
# texts from shared/samples (other authors), pre-annotated by the pipeline and corrected by hand
SAMPLES_SRC = Path(__file__).parent / "samples"
SAMPLES_OUT = Path(__file__).parent / "samples.jsonl"
# documents with relation annotations (written before the document-level relation rules)
REL_SRC = Path(__file__).parent / "relations"
REL_OUT = Path(__file__).parent / "relations.jsonl"
# real-style prose (press releases, work reports, judgments, interview records), written by the
# team for issue 16, kept apart from the synthetic templates; never tuned on shared/seeds
PROSE_SRC = Path(__file__).parent / "prose"
PROSE_OUT = Path(__file__).parent / "prose.jsonl"
# written after the prose rules were fixed; measured once, before any change, as a blind check
PROSE_BLIND_SRC = Path(__file__).parent / "prose_blind"
PROSE_BLIND_OUT = Path(__file__).parent / "prose_blind.jsonl"
_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)\]")


def parse_line(line: str) -> tuple[str, list[dict]]:
    line = line.replace("\\n", "\n")
    text_parts: list[str] = []
    ents: list[dict] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(line):
        before = line[pos : m.start()]
        text_parts.append(before)
        length += len(before)
        span, label = m.group(1), m.group(2)
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} in: {line[:60]}")
        ents.append({"start": length, "end": length + len(span), "label": label, "text": span})
        text_parts.append(span)
        length += len(span)
        pos = m.end()
    text_parts.append(line[pos:])
    text = "".join(text_parts)
    if "[" in text and "|" in text:
        raise ValueError(f"unbalanced markup in: {line[:60]}")
    return text, ents


def parse_relations(spec: str, ents: list[dict], where: str) -> list[dict]:
    """`A>TYPE>B; …` → `[{"head", "tail", "type"}]` (indices into `ents`)."""
    rels = []
    for item in filter(None, (s.strip() for s in spec.split(";"))):
        parts = [s.strip() for s in item.split(">")]
        if len(parts) != 3 or parts[1] not in RELATION_TYPES:
            raise ValueError(f"bad relation {item!r} in: {where}")
        idx = []
        for arg in (parts[0], parts[2]):
            name, _, nth = arg.partition("@")
            hits = [i for i, e in enumerate(ents) if e["text"] == name]
            n = int(nth or 1)
            if len(hits) < n:
                raise ValueError(f"relation argument {arg!r} is not a marked entity in: {where}")
            idx.append(hits[n - 1])
        rels.append({"head": idx[0], "tail": idx[1], "type": parts[1]})
    return rels


def build(src: Path = SRC) -> list[dict]:
    docs = []
    for path in sorted(src.glob("*.txt")):
        n = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            n += 1
            body, sep, spec = line.strip().partition(" |||")
            text, ents = parse_line(body.strip())
            doc = {"id": f"{path.stem}-{n:03d}", "source": path.stem, "text": text, "entities": ents}
            if sep:
                doc["relations"] = parse_relations(spec, ents, body[:60])
            docs.append(doc)
    return docs


def main() -> None:
    for src, out in (
        (SRC, OUT),
        (BLIND_SRC, BLIND_OUT),
        (SAMPLES_SRC, SAMPLES_OUT),
        (REL_SRC, REL_OUT),
        (PROSE_SRC, PROSE_OUT),
        (PROSE_BLIND_SRC, PROSE_BLIND_OUT),
    ):
        docs = build(src)
        with out.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        n_ent = sum(len(d["entities"]) for d in docs)
        n_rel = sum(len(d.get("relations", ())) for d in docs)
        print(f"{len(docs)} documents, {n_ent} entities, {n_rel} relations -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
