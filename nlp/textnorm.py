"""Make text the model can read — Simplified, half-width, without pinyin glosses — and map
offsets back to the text as written.

*Why*: investigators paste text that is not clean Simplified Chinese: reports from Hong Kong,
Taiwan or older systems in traditional characters (`生態環境`), teaching or press text with
pinyin after a character (`環(huán)境`), full-width digits and letters (`２０２４年`, `浙Ｅ`).
The segmenter and the rules were built for Simplified text; a traditional character or a
gloss in the middle of a word breaks the word and makes false names.  The entities found on
the clean text are reported on the original: offsets map back, and an entity's text is what
was written.

Traditional → Simplified is character by character (jionlp's `tra2sim(mode="char")`, from the
OpenCC tables), so it never changes the length; glosses are removed, so a map is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.jio import jionlp

__all__ = ["NormText", "normalize_text"]

# A pinyin gloss right after a Han character: 環(huán), 环（huan2）
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?\s*[)）]")
# Characters that are never Simplified-only: a quick test before the converter runs.
_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


@dataclass(frozen=True)
class NormText:
    """`clean` for the model; `to_orig[i]` is the original offset of `clean[i]` (and one past the end)."""

    original: str
    clean: str
    to_orig: tuple[int, ...] | None  # None: same length, offsets unchanged

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A [start, end) span of `clean` → the span of `original` it was read from."""
        if self.to_orig is None:
            return start, end
        if end <= start:
            o = self.to_orig[start]
            return o, o
        return self.to_orig[start], self.to_orig[end - 1] + 1


@lru_cache(maxsize=1)
def _tra2sim():
    jio = jionlp()
    if jio is None:  # without jionlp, traditional text is read as it is
        return None
    return lambda s: jio.tra2sim(s, mode="char")


def normalize_text(text: str) -> NormText:
    """The text the pipeline reads, and how to map its offsets back.

    Full-width ASCII (`２０２４`, `浙Ｅ`) becomes half-width except the punctuation Chinese
    writes full-width (，。：；（）！？ stay: the rules read them)."""
    clean = text
    if _FULLWIDTH.search(clean):
        clean = _halfwidth_keep_cjk_punct(clean)
    if not clean.isascii():
        conv = _tra2sim()
        if conv is not None:
            converted = conv(clean)
            if len(converted) == len(clean):
                clean = converted
    to_orig = None
    if "(" in clean or "（" in clean:
        keep: list[int] = []
        out: list[str] = []
        pos = 0
        for m in _PINYIN_GLOSS.finditer(clean):
            out.append(clean[pos : m.start()])
            keep.extend(range(pos, m.start()))
            pos = m.end()
        if pos:
            out.append(clean[pos:])
            keep.extend(range(pos, len(clean)))
            keep.append(len(clean))
            clean = "".join(out)
            to_orig = tuple(keep)
    return NormText(text, clean, to_orig)


_KEEP_FULLWIDTH = set("，。：；（）！？、“”‘’【】《》")


def _halfwidth_keep_cjk_punct(text: str) -> str:
    def sub(m: re.Match) -> str:
        ch = m.group()
        if ch in _KEEP_FULLWIDTH:
            return ch
        if ch == "\u3000":
            return " "
        return chr(ord(ch) - 0xFEE0)

    return _FULLWIDTH.sub(sub, text)
