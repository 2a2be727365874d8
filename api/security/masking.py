"""Masking of resident IDs and phone numbers for roles not cleared to see them.

`330502198001011234` → `330502********1234`; `13812345678` → `138****5678`.
Keys embed identifiers (`person:<id>`, `phone:<digits>`), so a masked key
carries a short HMAC tag (`person:330502********1234~1a2b3c4d5e`) that only
the server can map back to the real key: the UI can still navigate without
ever holding the identifier.

Free text (case files, hotline tickets, quotes) writes identifiers every way
people type them, so `mask_text` finds them on a copy where full-width digits,
plus signs, hyphens and spaces are read as ASCII (one character for one, so
offsets and lengths are kept and document spans stay aligned), and masks only
the digits inside each match, keeping its separators:

- 18-digit resident ID (GB 11643-1999), contiguous or grouped 6-8-4
  (`330481 19750105 2713`): first six and last four shown;
- 15-digit legacy ID (GB 11643-1989: area, YYMMDD, sequence), contiguous or
  grouped 6-6-3, when its area starts 1–8 and its date is a calendar date:
  first six and last three shown (the birth date is what is hidden);
- mobile numbers, contiguous or grouped 3-4-4 (`138-1234-5678`,
  `138 1234 5679`, `138.1234.5678`), with or without `+86` / `86` / `0086`:
  digits 4–7 hidden;
- landlines with an area code (`0572-2345678`, `(0572)2345678`, `057223456789`):
  the area code and the last four shown.

Only digits bound a match, so an identifier glued to letters (`TEL13812345678`)
is masked too; lowercase hex runs of 16+ characters (the hashes and chain ids
the system writes) are left alone, so a digit run inside a SHA-256 is never
mistaken for a phone.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# One character for one: full-width digits, X, plus, hyphen, dot, space and brackets → ASCII.
_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ＋－．　（）—", "0123456789Xx+-. ()-")
# Bounded by digits only: an identifier glued to letters (`TEL13812345678`, `ID3305…`) is still one.
_NB = r"(?<!\d)"
_NA = r"(?!\d)"
_SEP = r"[ \-]?"
# 18-char resident ID (17 digits + digit/X), contiguous or 6-8-4.
ID_RE = re.compile(_NB + r"(\d{6})" + _SEP + r"(\d{8})" + _SEP + r"(\d{3}[\dXx])" + r"(?![\dXx])")
# 15-digit legacy ID: area (first digit 1-8), YYMMDD, 3-digit sequence.
ID15_RE = re.compile(
    _NB + r"([1-8]\d{5})" + _SEP + r"(\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))" + _SEP + r"(\d{3})" + _NA
)
# Mainland mobile numbers, optionally +86 / 86 / 0086 (brackets allowed), contiguous or 3-4-4.
PHONE_RE = re.compile(
    r"(?<![\d+])(?:\(?(?:\+|00)?86\)?[ \-]?)?"
    r"(?P<head>1[3-9]\d)[ \-.]?(?P<mid>\d{4})[ \-.]?(?P<tail>\d{4})" + _NA
)
# Landlines: area code (0 + 2-3 digits) and a 7-8 digit number, separated, bracketed or contiguous.
LANDLINE_RE = re.compile(_NB + r"(?P<head>\(?0[1-9]\d{1,2}\)?)[ \-]?(?P<mid>\d{3,4})" + _SEP + r"(?P<tail>\d{4})" + _NA)
# Hashes and ids the system writes (sha256 hex, chain ids): digit runs inside them are not identifiers.
_HEX_RE = re.compile(r"(?<![0-9a-z])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}(?![0-9a-z])")
TAG_SEP = "~"
_TAGGED_RE = re.compile(r"^(?P<masked>[a-z_]+:.*\*.*)" + TAG_SEP + r"(?P<tag>[0-9a-f]{10})$")


def _hide(chars: list[str], start: int, end: int, norm: str, kept: list[tuple[int, int]]) -> None:
    if any(a < end and start < b for a, b in kept):
        return
    for i in range(start, end):
        if norm[i] in "0123456789Xx":
            chars[i] = "*"


# What every form above needs, read off the patterns (`\d` is any Unicode decimal digit, as
# in them; the full-width forms are digits too): at least ten digits (a landline: 0 + two,
# then three, then four), and two runs of three or more digits at most two characters apart
# (an ID's first six; a mobile's head and middle; a landline's area code, bracket or
# separator, and number).  A text without both holds none of them: a date-time
# (`2024-05-21 23:10:00`), a plate, a name, a document key.
_TEN_DIGITS = re.compile(r"\d(?:\D*\d){9}")
_NEAR_RUNS = re.compile(r"\d{3}\D{0,2}\d{3}")
MIN_DIGITS = 10


def mask_text(text: str) -> str:
    """Mask every resident ID and phone number inside free text, in any written form.

    The result has the same length as `text`; only digits (and an ID's final X) become `*`.
    A text that cannot hold one (`_TEN_DIGITS`, `_NEAR_RUNS`) is returned as it is without
    running the patterns: most of an answer (names, labels, times, plates), so masking an
    answer became cheap.
    """
    if not text or not isinstance(text, str):
        return text
    if len(text) < MIN_DIGITS or _NEAR_RUNS.search(text) is None or _TEN_DIGITS.search(text) is None:
        return text
    return _mask_digits(text)


def _mask_digits(text: str) -> str:
    """`mask_text` without its fast path: every pattern (memoised for short texts: the same
    quote, key or ID comes back in answer after answer)."""
    return _mask_digits_cached(text) if len(text) <= _MEMO_CHARS else _mask_all(text)


_MEMO_CHARS = 256
_SHOWN_MAX = 100_000  # strings remembered by one Masker (_mask_str) before it starts afresh


@functools.lru_cache(maxsize=1 << 15)
def _mask_digits_cached(text: str) -> str:
    return _mask_all(text)


# A bare resident ID or mobile number, or a key made of one (`person:<ID>`, `phone:<digits>`):
# most identifiers an answer holds.  Masked without the pattern chain (13 µs → ~1 µs each; a
# search answer holds forty), exactly as the chain masks them (tests compare the two).
_BARE_ID = re.compile(r"((?:[a-z_]+:)?\d{6})(\d{8})(\d{3}[\dXx])")
_BARE_MOBILE = re.compile(r"((?:[a-z_]+:)?1[3-9]\d)(\d{4})(\d{4})")


def _mask_all(text: str) -> str:
    bare = _BARE_ID.fullmatch(text) or _BARE_MOBILE.fullmatch(text)
    if bare is not None:
        return bare[1] + "*" * len(bare[2]) + bare[3]
    if _HEX_RE.fullmatch(text):  # a fact id or hash the system wrote: the chain keeps all of it
        return text
    return _mask_chain(text)


def _mask_chain(text: str) -> str:
    """Every pattern in turn, over the text as the previous one left it."""
    chars: list[str] | None = None  # copied on the first match only
    norm = text.translate(_ASCII)
    kept: list[tuple[int, int]] | None = None
    for rx, group in ((ID_RE, 2), (ID15_RE, 2), (PHONE_RE, "mid"), (LANDLINE_RE, "mid")):
        hit = False
        for m in rx.finditer(norm):
            if chars is None:
                chars = list(text)
                kept = [h.span() for h in _HEX_RE.finditer(norm)]
            _hide(chars, m.start(group), m.end(group), norm, kept)
            hit = True
        if hit:  # the next pattern reads what this one left
            norm = "".join(chars).translate(_ASCII)
    return text if chars is None else "".join(chars)


def is_tagged(key: str) -> bool:
    """Whether `key` is a masked key with its tag (`Masker.tag_key`): one only the masker resolves."""
    return bool(_TAGGED_RE.match(key or ""))


def has_identifier(text: str) -> bool:
    """Whether `text` holds a resident ID or phone number in clear (what `mask_text` would hide)."""
    return isinstance(text, str) and mask_text(text) != text


def mask_id(value: str) -> str:
    """`330502198001011234` → `330502********1234` (first six, last four)."""
    v = str(value or "")
    if len(v) == 18:
        return v[:6] + "*" * 8 + v[-4:]
    if len(v) > 8:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return "*" * len(v)


class Masker:
    """Masks JSON-like values; remembers masked keys so they resolve back."""

    def __init__(self, secret: bytes, cache_size: int = 200_000):
        self._secret = secret
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._size = cache_size
        # real key → tagged masked key: the same for every masked role (it is what they are
        # shown, never the identifier), so one map serves them all; bounded like _cache
        self._tagged: dict[str, str] = {}
        self._shown: dict[str, str] = {}  # short string → its masked form (_mask_str)

    def _tag(self, key: str) -> str:
        return hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).hexdigest()[:10]

    def mask_key(self, key: str) -> str:
        tagged = self._tagged.get(key)
        if tagged is None:  # patterns and HMAC once per key, not once per answer
            masked = mask_text(key)
            if masked == key:
                return key
            tagged = f"{masked}{TAG_SEP}{self._tag(key)}"
            if len(self._tagged) >= self._size:
                self._tagged.clear()
            self._tagged[key] = tagged
        with self._lock:
            self._cache[tagged] = key
            self._cache.move_to_end(tagged)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return tagged

    def unmask_key(self, key: str, lookup: Callable[[str, str], list[str]] | None = None) -> str:
        """A tagged masked key → the real key (cache, else `lookup(prefix, suffix)` candidates + HMAC check).

        Unknown or forged tags raise KeyError.  Unmasked keys pass through.
        """
        m = _TAGGED_RE.match(key or "")
        if not m:
            return key
        with self._lock:
            real = self._cache.get(key)
        if real:
            return real
        if lookup is not None:
            masked = m.group("masked")
            prefix, suffix = masked.split("*", 1)[0], masked.rsplit("*", 1)[1]
            for cand in lookup(prefix, suffix):
                if hmac.compare_digest(self._tag(cand), m.group("tag")) and mask_text(cand) == masked:
                    with self._lock:
                        self._cache[key] = cand
                    return cand
        raise KeyError(key)

    def mask(self, value: Any) -> Any:
        """Walk a JSON-like value: strings that look like keys get tagged, other strings masked."""
        t = type(value)  # exact types first: an answer is thousands of plain str, dict, list
        if t is str:
            return self._mask_str(value)
        # A string already shown is looked up in place (`_shown`), without a call per value:
        # a search answer holds ~300 strings, most of them property names and labels.
        if t is dict:  # keys too: a map keyed by entity key names people
            ms, m, shown = self._mask_str, self.mask, self._shown.get
            return {
                (shown(k) or ms(k) if type(k) is str else m(k) if isinstance(k, str) else k): (
                    shown(v) or ms(v) if type(v) is str else m(v)
                )
                for k, v in value.items()
            }
        if t is list:
            ms, m, shown = self._mask_str, self.mask, self._shown.get
            return [shown(v) or ms(v) if type(v) is str else m(v) for v in value]
        if t is int or t is float:  # fewer than ten digits written: no identifier (MIN_DIGITS)
            text = str(value)
            return mask_text(text) if len(text) >= MIN_DIGITS and has_identifier(text) else value
        if isinstance(value, str):
            return self._mask_str(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and has_identifier(str(value)):  # a phone read from a spreadsheet cell
            return mask_text(str(value))
        if isinstance(value, dict):
            return {self.mask(k) if isinstance(k, str) else k: self.mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        return value

    def _mask_str(self, value: str) -> str:
        """One string of an answer, masked; remembered when short (property names, labels,
        times, quotes and keys repeat across rows and answers).  What is remembered is the
        masked form, the same for every role that sees masked data, and only they get it."""
        out = self._shown.get(value)
        if out is not None:
            return out
        head, colon, _ = value.partition(":")
        if colon and head.isalpha() and head.islower() and " " not in value:
            out = self.mask_key(value)
        else:
            out = mask_text(value)
        if len(value) <= _MEMO_CHARS:
            if len(self._shown) >= _SHOWN_MAX:
                self._shown.clear()
            self._shown[value] = out
        return out
