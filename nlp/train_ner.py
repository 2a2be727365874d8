"""Experiment: a spaCy NER trained on our own annotations, compared with LAC.

The brief asks, if LAC falls short, to train a spaCy NER on annotated or
synthesised data and compare both on the same set.  This trains a character-level
spaCy NER (default tok2vec + transition-based NER) on the dev gold set, enlarged
by entity swapping (every entity replaced by another gold entity of the same
label, ten variants per document), and scores it next to LAC and the shipped
pipeline on the blind and samples sets, which it never saw.

    python -m nlp.train_ner [--epochs 12] [--variants 10] [--out /tmp/eco_ner]

The trained model is not shipped: see nlp/README.md for the numbers and why.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import minibatch

from nlp.evaluate import CORE7, Counts, evaluate, read_jsonl
from nlp.types import LABELS

GOLD = Path(__file__).parent / "gold"


def swap_variants(docs: list[dict], n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    pool: dict[str, list[str]] = {}
    for d in docs:
        for e in d["entities"]:
            pool.setdefault(e["label"], []).append(d["text"][e["start"] : e["end"]])
    out = list(docs)
    for d in docs:
        for _ in range(n):
            text, ents, pos = [], [], 0
            length = 0
            for e in sorted(d["entities"], key=lambda x: x["start"]):
                before = d["text"][pos : e["start"]]
                text.append(before)
                length += len(before)
                repl = rng.choice(pool[e["label"]])
                ents.append({"start": length, "end": length + len(repl), "label": e["label"]})
                text.append(repl)
                length += len(repl)
                pos = e["end"]
            text.append(d["text"][pos:])
            out.append({"id": d["id"] + "-v", "text": "".join(text), "entities": ents})
    return out


def to_examples(nlp, docs: list[dict]) -> list[Example]:
    examples = []
    for d in docs:
        doc = nlp.make_doc(d["text"])
        spans = [(e["start"], e["end"], e["label"]) for e in d["entities"]]
        examples.append(Example.from_dict(doc, {"entities": spans}))
    return examples


def train(docs: list[dict], epochs: int, seed: int = 0):
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("zh")
    ner = nlp.add_pipe("ner")
    for lab in LABELS:
        ner.add_label(lab)
    examples = to_examples(nlp, docs)
    optimizer = nlp.initialize(lambda: examples)
    for epoch in range(epochs):
        random.Random(seed + epoch).shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        print(f"epoch {epoch + 1:2d}  loss {losses.get('ner', 0):.1f}", flush=True)
    return nlp


class _AsEntities:
    """Expose a plain spaCy NER through the `doc._.entities` interface evaluate() reads."""

    def __init__(self, nlp):
        self.nlp = nlp
        from spacy.tokens import Doc

        if not Doc.has_extension("entities"):
            Doc.set_extension("entities", default=None)

    def make_doc(self, text):
        return self.nlp.make_doc(text)

    def pipe(self, texts):
        from nlp.types import Entity

        for doc in self.nlp.pipe(texts):
            doc._.entities = [Entity(e.start_char, e.end_char, e.label_, e.text, "model") for e in doc.ents]
            yield doc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--variants", type=int, default=10)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    dev = read_jsonl(GOLD / "dev.jsonl", need_entities=True)
    train_docs = swap_variants(dev, args.variants)
    t0 = time.perf_counter()
    ner = train(train_docs, args.epochs)
    print(f"trained on {len(train_docs)} documents in {time.perf_counter() - t0:.0f} s")
    if args.out:
        ner.to_disk(args.out)

    four = ("PERSON", "ORG", "LOC", "TIME")
    rows = []
    for name in ("blind", "samples"):
        gold = read_jsonl(GOLD / f"{name}.jsonl", need_entities=True)
        for system, rep in (
            ("trained spaCy NER", evaluate(gold, nlp=_AsEntities(ner))),
            ("LAC + regexes (baseline)", evaluate(gold, mode="lac")),
            ("shipped pipeline", evaluate(gold)),
        ):
            f4 = rep.micro(four).f
            rows.append((name, system, f4, rep.micro(CORE7).f, rep.micro(LABELS).f, rep.counts))
    print(f"{'set':<8}{'system':<26}{'PER/ORG/LOC/TIME':>18}{'micro-7':>9}{'micro-10':>10}")
    for name, system, f4, f7, f10, _counts in rows:
        print(f"{name:<8}{system:<26}{f4:>18.3f}{f7:>9.3f}{f10:>10.3f}")
    print("per label (F1):")
    for name, system, *_rest, counts in rows:
        print(f"  {name:<8}{system:<26}" + " ".join(f"{lab}={counts.get(lab, Counts()).f:.2f}" for lab in LABELS))


if __name__ == "__main__":
    main()
