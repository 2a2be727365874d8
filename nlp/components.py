"""spaCy components of the ecograph pipeline, registered with `@Language.factory`.

Data flow (all on a character-tokenised `zh` Doc):

    eco_lac          -> doc._.lac_words   [(start, end, tag)] from Baidu LAC
    eco_identifiers  -> doc._.eco_cands   PLATE VESSEL PHONE ID_CARD TIME (+ doc._.usccs)
    eco_gazetteer    -> doc._.eco_cands   WASTE SPECIES (PhraseMatcher) + HW codes
    eco_domain       -> doc._.eco_cands   company names, address chains, masked names, LAC spans
    eco_merger       -> doc.ents, doc._.entities (list[nlp.types.Entity])
    eco_relations    -> doc._.relations (list[nlp.types.Relation]),
                        doc._.roles (list[nlp.types.PersonRole]: who the text calls a suspect)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from spacy.lang.zh import ChineseTokenizer
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import minibatch, registry

from nlp import agencies, domain, orgs, persons, places, rules
from nlp.gazetteer import WASTE_CODE_RE, load_terms
from nlp.merge import resolve
from nlp.relations import extract_relations
from nlp.rules import Cand
from nlp.suspects import suspect_roles
from nlp.times import normalize_time
from nlp.types import Entity

for _name in ("lac_words", "eco_cands", "usccs", "entities", "relations", "roles", "raw_text", "places"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _text(doc: Doc) -> str:
    """Doc.text re-joins every token on each access; keep it once per doc."""
    ext = doc._  # each `doc._` builds a new accessor object: take it once
    t = ext.raw_text
    if t is None:
        t = doc.text
        ext.raw_text = t
    return t


def _cands(doc: Doc) -> list[Cand]:
    ext = doc._
    c = ext.eco_cands
    if c is None:
        c = ext.eco_cands = []
    return c


_WHITESPACE_RE = re.compile(r"\s")
_LAC_LABELS = {
    "PER": ("PERSON", rules.P_MODEL_PER),
    "ORG": ("ORG", rules.P_MODEL_ORG),
    "LOC": ("LOC", rules.P_MODEL_LOC),
    "TIME": ("TIME", rules.P_MODEL_TIME),
}


class CharTokenizer(ChineseTokenizer):
    """spaCy's character segmenter that also keeps the input string on the Doc:
    `Doc.text` re-joins every token on each access, which cost more than the rules."""

    def __call__(self, text: str) -> Doc:
        if _WHITESPACE_RE.search(text) is None:
            # what spaCy's char segmenter builds for a text without whitespace, without its
            # word-by-word realignment (`util.get_words_and_spaces`, ~5% of the pipeline)
            doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        else:
            doc = super().__call__(text)
        doc._.raw_text = text
        return doc


@registry.tokenizers("eco.zh_char_tokenizer.v1")
def create_char_tokenizer():
    def factory(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab, segmenter="char")

    return factory


class LACTagger:
    """Runs LAC over a batch of docs in one ONNX call."""

    def __init__(self, nlp: Language, name: str, batch_size: int):
        self.name = name
        self.batch_size = batch_size
        self._lac = None

    @property
    def lac(self):
        if self._lac is None:
            from nlp.lac_model import get_lac

            self._lac = get_lac()
        return self._lac

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Tag batch k+1 in the background while the later components work on batch k
        (onnxruntime releases the GIL, the rules hold it)."""
        lac = self.lac
        batches = iter(minibatch(docs, size=batch_size or self.batch_size))
        current = next(batches, None)
        if current is None:
            return
        with ThreadPoolExecutor(1, thread_name_prefix="lac-prefetch") as ahead:
            future = ahead.submit(lac.tag_batch, [_text(d) for d in current])
            while current is not None:
                following = next(batches, None)
                next_future = ahead.submit(lac.tag_batch, [_text(d) for d in following]) if following else None
                for doc, words in zip(current, future.result()):
                    doc._.lac_words = words
                    yield doc
                current, future = following, next_future


@Language.factory("eco_lac", default_config={"batch_size": 256})
def make_lac(nlp: Language, name: str, batch_size: int):
    return LACTagger(nlp, name, batch_size)


@Language.factory("eco_identifiers", default_config={"times": True})
def make_identifiers(nlp: Language, name: str, times: bool):
    def identifiers(doc: Doc) -> Doc:
        text = _text(doc)
        found, usccs = rules.find_identifiers(text)
        c = _cands(doc)
        c.extend(found)
        if times:
            c.extend(rules.find_times(text))
        doc._.usccs = usccs
        return doc

    return identifiers


_PLACE_AFTER_NAME = set("口村镇港桥湾岛浜埠岙")
_NAME_TAIL_RE = __import__("re").compile(
    r"[^\W\d_也都又还就已曾先再才被把将在和与及等的了是为系从向对于因但而并或称说驾开带到去来]"
    r"(?=[二两三四五]人|等人|等[，,。]|、|伙同|纠集|一起|共同|系(?!统|列))"
)
_NOT_WASTE_NOUNS = {"品", "品收购", "品站", "品收购站", "弃物", "气", "话", "人", "事", "物质"}
_NOT_WASTE_PLACES = {"乡村", "城市", "社区", "园区", "工厂", "企业", "学校", "机关", "村", "城", "细胞", "景区", "村庄"}
_WASTE_HEADS = {"废水", "废液", "污泥", "废渣", "边角料", "垃圾", "废物", "粪污", "污水", "残渣", "废油", "废料"}
_NOT_QUALIFIERS = {
    "褐色",
    "红色",
    "绿色",
    "蓝色",
    "黄色",
    "灰色",
    "乳白色",
    "白色的",
    "的",
    "有",
    "和",
    "大量",
    "黑色",
    "白色",
    "这些",
    "那些",
    "部分",
    "少量",
    "其他",
    "所有",
    "排放",
    "倾倒",
    "生产",
    "产生",
}
_HAN_QUAL_RE = __import__("re").compile(r"含[\u4e00-\u9fff]{1,3}")


class Gazetteer:
    def __init__(self, nlp: Language, name: str, lexicons: dict[str, str]):
        self.name = name
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels = {}
        for label, lexicon in lexicons.items():
            terms = load_terms(lexicon)
            self.matcher.add(label, list(nlp.tokenizer.pipe(terms)))
            self.labels[nlp.vocab.strings[label]] = label

    def __call__(self, doc: Doc) -> Doc:
        c = _cands(doc)
        text = _text(doc)
        ends = {w[1]: w for w in (doc._.lac_words or [])}
        places = []
        for match_id, s, e in self.matcher(doc):
            span = doc[s:e]
            start, label = span.start_char, self.labels[match_id]
            if label == "PLACE":  # not an entity: pieces for the address-chain rule
                places.append((start, span.end_char))
                continue
            if label == "WASTE" and span.text in _WASTE_HEADS:
                # "皮革边角料", "含油废水": a qualifier word directly in front belongs to the waste
                w = ends.get(start)
                if (
                    w
                    and w[2] in ("n", "vn", "nz")
                    and w[1] - w[0] == 2
                    and text[w[0] : w[1]] not in _NOT_QUALIFIERS
                    and text[w[1] - 1] != "色"
                ):
                    start = w[0]
                else:
                    m = _HAN_QUAL_RE.search(text, max(0, start - 4), start)
                    if m and m.end() == start:
                        start = m.start()
            c.append(Cand(start, span.end_char, label, "gazetteer", rules.P_GAZ, 0.9))
        doc._.places = places
        # "废" + one material noun the lexicon does not list: "废电缆", "废玻璃", "废旧家电"
        words = doc._.lac_words or []
        gaz_starts = {x.start for x in c if x.label == "WASTE"}
        for k, (ws, we, tag) in enumerate(words[:-1]):
            if text[ws:we] not in ("废", "废旧") or tag not in ("a", "v", "n", "vn") or ws in gaz_starts:
                continue
            ns, ne, ntag = words[k + 1]
            noun = text[ns:ne]
            if (
                ns != we
                or ntag != "n"
                or not 1 <= len(noun) <= 3
                or noun[0] in "弃止除品气话"
                or noun in _NOT_WASTE_NOUNS
                or noun in _NOT_WASTE_PLACES
                or text[ws - 1 : ws] in ("无", "零")  # "无废乡村", "零废城市": a slogan, not a waste
            ):
                continue
            c.append(Cand(ws, ne, "WASTE", "rule", rules.P_LOC_RULE - 1, 0.7))
        for m in WASTE_CODE_RE.finditer(text):
            c.append(Cand(m.start(), m.end(), "WASTE", "rule", rules.P_GAZ + 1, 0.95))
        return doc


@Language.factory(
    "eco_gazetteer", default_config={"lexicons": {"WASTE": "waste", "SPECIES": "species", "PLACE": "places"}}
)
def make_gazetteer(nlp: Language, name: str, lexicons: dict[str, str]):
    return Gazetteer(nlp, name, lexicons)


@Language.factory("eco_domain", default_config={"use_model": True, "use_rules": True, "merge_loc": True})
def make_domain(nlp: Language, name: str, use_model: bool, use_rules: bool, merge_loc: bool):
    """`use_rules=False, merge_loc=True` is the baseline "LAC + identifier regexes +
    adjacent LOC pieces merged"; `use_model=False` drops LAC's own spans."""

    def domain_rules(doc: Doc) -> Doc:
        text = _text(doc)
        words = doc._.lac_words or []
        c = _cands(doc)
        if use_rules:
            words = places.overlay_places(text, words, doc._.places or [])
            c.extend(rules.find_masked_persons(text))
            c.extend(orgs.find_orgs(text, words))
            c.extend(agencies.find_level_agencies(text, words))
            c.extend(places.find_locs(text, words))
            c.extend(persons.find_persons(text, words))
        elif merge_loc:
            c.extend(places.merge_adjacent_locs(text, words))
        if use_model:
            for s, e, tag in words:
                lab = _LAC_LABELS.get(tag)
                if lab:
                    if tag == "PER" and text[s] not in rules.SURNAMES and not persons.person_context(text, s, e):
                        continue  # a rare surname needs a role, a title or 同志 beside it
                    if tag == "PER" and text[e - 1] in _PLACE_AFTER_NAME and e - s >= 3:
                        c.append(Cand(s, e, "LOC", "model", rules.P_MODEL_LOC, 0.6))
                        continue
                    if tag == "PER" and text[e : e + 1] in _PLACE_AFTER_NAME:
                        # "小梅口", "王家村": a name-like word that heads a place
                        c.append(Cand(s, e + 1, "LOC", "model", rules.P_MODEL_LOC, 0.6))
                        continue
                    if tag == "PER" and e - s == 2 and _NAME_TAIL_RE.match(text, e):
                        e += 1  # "张立" + "新二人": LAC stopped one character short
                    elif tag == "PER" and e - s >= 3 and text[e - 1] == "系":
                        e -= 1  # "犯罪嫌疑人茅霞系渔船船长": the copula of legal prose, read into the name
                    c.append(Cand(s, e, lab[0], "model", lab[1], 0.8))
        return doc

    return domain_rules


@Language.factory("eco_merger")
def make_merger(nlp: Language, name: str):
    def merger(doc: Doc) -> Doc:
        text = _text(doc)
        chosen = domain.propagate(text, domain.postfilter(text, resolve(_cands(doc), text)))
        usccs = doc._.usccs or []
        ents: list[Entity] = []
        for c in chosen:
            norm = c.normalized
            if c.label == "ORG" and usccs:
                for us, _ue, code in usccs:
                    if 0 <= us - c.end <= 14:
                        norm = code
                        break
            if c.label == "TIME" and norm is None:
                norm = normalize_time(text[c.start : c.end])  # ISO value of an absolute time
            method = "model" if c.method == "model" else "rule"  # the boundary allows "rule" | "model"
            ents.append(Entity(c.start, c.end, c.label, text[c.start : c.end], method, c.confidence, norm))
        doc._.entities = ents
        if ents:
            # token boundaries: one lookup table instead of Doc.char_span per entity
            starts = doc.to_array("IDX").tolist()
            spans = []
            last = 0
            for e in ents:
                ts = bisect_right(starts, e.start) - 1
                te = bisect_left(starts, e.end)
                if ts < last or te <= ts:
                    continue
                spans.append(Span(doc, ts, te, label=e.label))
                last = te
            doc.set_ents(spans, default="outside")
        return doc

    return merger


@Language.factory("eco_relations")
def make_relations(nlp: Language, name: str):
    def relations(doc: Doc) -> Doc:
        text, ents = _text(doc), doc._.entities or []
        doc._.relations = extract_relations(text, ents)
        doc._.roles = suspect_roles(text, ents)
        return doc

    return relations
