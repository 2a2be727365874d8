"""Evaluate the pipeline against a gold JSONL (`{"id", "text", "entities": [...]}`).

Per-label precision/recall/F1 come from spaCy's `Scorer.score_spans` on
exact span + label matches; the micro averages over label groups are computed
from the same counts.

When the gold documents carry `relations` (`[{"head", "tail", "type"}]`, indices
into `entities`), relations are scored per type on (head span, tail span, type)
— `strict`, both argument spans exact — and, as a second view, on the argument
texts (`by text`: another mention of the same name in the document counts, which
is how ETL keys them). CO_OFFENDER is symmetric: its two arguments are unordered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from spacy.scorer import Scorer
from spacy.training import Example

from nlp.types import LABELS, RELATION_TYPES

CORE7 = ("PERSON", "ORG", "LOC", "PLATE", "VESSEL", "PHONE", "ID_CARD")
SYMMETRIC = frozenset({"CO_OFFENDER"})


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
                for r in d.get("relations") or ():
                    if (
                        not isinstance(r, dict)
                        or r.get("type") not in RELATION_TYPES
                        or not all(isinstance(r.get(k), int) and 0 <= r[k] < len(ents) for k in ("head", "tail"))
                    ):
                        raise GoldError(f"{p} 第 {lineno} 行的关系无效（head/tail 须为实体下标）：{r}")
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
    rel_counts: dict[str, Counts] | None = None  # per relation type, strict spans; None: gold has no relations
    rel_text_counts: dict[str, Counts] | None = None  # per relation type, argument texts
    n_rel_docs: int = 0

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

    def micro_relations(self) -> Counts:
        """Strict micro counts over all relation types."""
        return _sum(self.rel_counts or {}, RELATION_TYPES)

    def relation_table(self) -> str:
        """Per relation type P/R/F1, strict spans and by argument text (empty when the gold has none)."""
        if self.rel_counts is None or self.rel_text_counts is None:
            return ""
        head = f"{'关系':<13}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}   {'按文本 P':>8}{'R':>7}{'F1':>7}"
        lines = [f"关系（{self.n_rel_docs} 篇含关系标注的文档；严格 = 头尾实体跨度都精确匹配）", head]
        rows = [t for t in RELATION_TYPES if (self.rel_counts[t].tp + self.rel_counts[t].fn + self.rel_counts[t].fp)]
        for name, types in [(t, (t,)) for t in rows] + [("micro", RELATION_TYPES)]:
            s, x = _sum(self.rel_counts, types), _sum(self.rel_text_counts, types)
            lines.append(
                f"{name:<13}{s.p:>7.3f}{s.r:>7.3f}{s.f:>7.3f}{s.tp + s.fn:>6}{s.tp + s.fp:>6}   "
                f"{x.p:>8.3f}{x.r:>7.3f}{x.f:>7.3f}"
            )
        return "\n".join(lines)


def _sum(counts: dict[str, Counts], types) -> Counts:
    c = Counts()
    for t in types:
        k = counts.get(t, Counts())
        c.tp, c.fp, c.fn = c.tp + k.tp, c.fp + k.fp, c.fn + k.fn
    return c


def _rel_keys(rels, ents, by_text: bool) -> set[tuple]:
    """Comparable relation keys: (type, head, tail) with spans or texts; symmetric types unordered."""
    out = set()
    for r in rels:
        h, t = ents[r[0]], ents[r[1]]
        a = (h[2],) if by_text else (h[0], h[1])
        b = (t[2],) if by_text else (t[0], t[1])
        if r[2] in SYMMETRIC:
            a, b = min(a, b), max(a, b)
        out.add((r[2], a, b))
    return out


def _count_relations(d: dict, pred, rel: dict[str, Counts], rel_text: dict[str, Counts], errors: list) -> None:
    text = d["text"]
    gents = [(e["start"], e["end"], text[e["start"] : e["end"]]) for e in d["entities"]]
    pents = [(e.start, e.end, e.text) for e in (pred._.entities or [])]
    grels = [(r["head"], r["tail"], r["type"]) for r in d["relations"]]
    prels = [(r.head, r.tail, r.type) for r in (pred._.relations or [])]
    for by_text, counts in ((False, rel), (True, rel_text)):
        g, p = _rel_keys(grels, gents, by_text), _rel_keys(prels, pents, by_text)
        for kind, keys in (("tp", g & p), ("fp", p - g), ("fn", g - p)):
            for k in keys:
                c = counts.setdefault(k[0], Counts())
                setattr(c, kind, getattr(c, kind) + 1)
                if not by_text and kind != "tp":
                    arg = lambda x: text[x[0] : x[1]]  # noqa: E731
                    errors.append((d["id"], "R" + kind.upper(), k[0], f"{arg(k[1])} → {arg(k[2])}"))


def _no_overlap(spans: list) -> list:
    out, last = [], -1
    for sp in sorted(spans, key=lambda x: x.start):
        if sp.start >= last:
            out.append(sp)
            last = sp.end
    return out


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
    has_rel = any("relations" in d for d in gold)
    rel: dict[str, Counts] = {t: Counts() for t in RELATION_TYPES}
    rel_text: dict[str, Counts] = {t: Counts() for t in RELATION_TYPES}
    n_rel_docs = 0
    from nlp import pipe_extractions

    for d, (ex, _doc) in zip(gold, pipe_extractions(nlp, texts)):
        pred = nlp.make_doc(d["text"])  # the prediction on the text as written (offsets mapped back)
        pred._.entities = ex.entities
        pred._.relations = ex.relations
        pspans = [pred.char_span(e.start, e.end, label=e.label, alignment_mode="expand") for e in ex.entities]
        pred.ents = _no_overlap([sp for sp in pspans if sp is not None])
        if has_rel and "relations" in d:
            n_rel_docs += 1
            _count_relations(d, pred, rel, rel_text, errors)
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
    return Report(
        per_type=per_type,
        counts=counts,
        n_docs=len(gold),
        errors=errors,
        rel_counts=rel if has_rel else None,
        rel_text_counts=rel_text if has_rel else None,
        n_rel_docs=n_rel_docs,
    )
