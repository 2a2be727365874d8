"""Evaluate the pipeline against a gold JSONL (`{"id", "text", "entities": [...]}`).

Per-label precision/recall/F1 come from spaCy's `Scorer.score_spans` on
exact span + label matches; the micro averages over label groups are computed
from the same counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from spacy.scorer import Scorer
from spacy.training import Example

from nlp.types import LABELS

CORE7 = ("PERSON", "ORG", "LOC", "PLATE", "VESSEL", "PHONE", "ID_CARD")


class GoldError(ValueError):
    """A user-facing problem with the gold file (message names file and line)."""


def read_jsonl(path: str | Path, need_entities: bool = False) -> list[dict]:
    return list(iter_jsonl(path, need_entities))


def iter_jsonl(path: str | Path, need_entities: bool = False):
    """Yield the documents of a JSONL file one by one; GoldError names file and line."""
    p = Path(path)
    if not p.is_file():
        raise GoldError(f"找不到文件：{p}")
    with p.open(encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{p} 第 {lineno} 行不是合法的 JSON：{exc.msg}") from None
            if not isinstance(d, dict) or not isinstance(d.get("text"), str):
                raise GoldError(f"{p} 第 {lineno} 行缺少字符串字段 text")
            if need_entities:
                ents = d.get("entities")
                if not isinstance(ents, list):
                    raise GoldError(f"{p} 第 {lineno} 行缺少 entities 列表")
                for e in ents:
                    if not isinstance(e, dict) or not {"start", "end", "label"} <= set(e):
                        raise GoldError(f"{p} 第 {lineno} 行的实体缺少 start/end/label")
                    if e["label"] not in LABELS:
                        raise GoldError(f"{p} 第 {lineno} 行有未知标签 {e['label']!r}")
                    if not (0 <= e["start"] < e["end"] <= len(d["text"])):
                        raise GoldError(f"{p} 第 {lineno} 行的实体偏移越界：{e}")
            d.setdefault("id", str(lineno))
            yield d


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Report:
    per_type: dict[str, dict[str, float]]
    counts: dict[str, Counts]
    n_docs: int
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, kind, label, text)

    def micro(self, labels) -> Counts:
        c = Counts()
        for lab in labels:
            k = self.counts.get(lab, Counts())
            c.tp += k.tp
            c.fp += k.fp
            c.fn += k.fn
        return c

    def table(self) -> str:
        lines = [f"{'标签':<10}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
        for lab in LABELS:
            k = self.counts.get(lab, Counts())
            s = self.per_type.get(lab, {"p": k.p, "r": k.r, "f": k.f})
            lines.append(f"{lab:<10}{s['p']:>8.3f}{s['r']:>8.3f}{s['f']:>8.3f}{k.tp + k.fn:>7}{k.tp + k.fp:>7}")
        for name, labs in (("micro-7", CORE7), ("micro-10", LABELS)):
            c = self.micro(labs)
            lines.append(f"{name:<10}{c.p:>8.3f}{c.r:>8.3f}{c.f:>8.3f}{c.tp + c.fn:>7}{c.tp + c.fp:>7}")
        return "\n".join(lines)


def evaluate(gold: list[dict], mode: str = "full", nlp=None) -> Report:
    if nlp is None:
        if mode == "full":
            from nlp import get_pipeline

            nlp = get_pipeline()
        else:
            from nlp.pipeline import load_pipeline

            nlp = load_pipeline(mode)
    texts = [d["text"] for d in gold]
    examples = []
    counts: dict[str, Counts] = {lab: Counts() for lab in LABELS}
    errors = []
    for d, pred in zip(gold, nlp.pipe(texts)):
        ref = nlp.make_doc(d["text"])
        spans = []
        for e in d["entities"]:
            sp = ref.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
            if sp is not None:
                spans.append(sp)
        ref.ents = spans
        examples.append(Example(pred, ref))
        g = {(e["start"], e["end"], e["label"]) for e in d["entities"]}
        p = {(e.start, e.end, e.label) for e in (pred._.entities or [])}
        for _s, _e, lab in g & p:
            counts[lab].tp += 1
        for s, e, lab in p - g:
            counts[lab].fp += 1
            errors.append((d["id"], "FP", lab, d["text"][s:e]))
        for s, e, lab in g - p:
            counts[lab].fn += 1
            errors.append((d["id"], "FN", lab, d["text"][s:e]))
    scores = Scorer.score_spans(examples, "ents")
    per_type = scores.get("ents_per_type") or {}
    return Report(per_type=per_type, counts=counts, n_docs=len(gold), errors=errors)
