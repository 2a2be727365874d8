"""Masking of resident IDs and phone numbers for roles not cleared to see them.

`330502198001011234` → `330502********1234`; `13812345678` → `138****5678`.
Keys embed identifiers (`person:<id>`, `phone:<digits>`), so a masked key
carries a short HMAC tag (`person:330502********1234~1a2b3c4d5e`) that only
the server can map back to the real key: the UI can still navigate without
ever holding the identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# 18-char resident ID (17 digits + digit/X), not inside a longer run of digits.
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
# Mainland mobile numbers (optionally +86), not inside a longer run of digits.
PHONE_RE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)(\d{4})(\d{4})(?!\d)")
TAG_SEP = "~"
_TAGGED_RE = re.compile(r"^(?P<masked>[a-z_]+:.*\*.*)" + TAG_SEP + r"(?P<tag>[0-9a-f]{10})$")


def mask_text(text: str) -> str:
    """Mask every resident ID and mobile number inside free text."""
    if not text or not isinstance(text, str):
        return text
    out = ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    return PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), out)


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

    def _tag(self, key: str) -> str:
        return hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).hexdigest()[:10]

    def mask_key(self, key: str) -> str:
        masked = mask_text(key)
        if masked == key:
            return key
        tagged = f"{masked}{TAG_SEP}{self._tag(key)}"
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
        if isinstance(value, str):
            if (
                ":" in value
                and value.split(":", 1)[0].isalpha()
                and value.split(":", 1)[0].islower()
                and " " not in value
            ):
                return self.mask_key(value)
            return mask_text(value)
        if isinstance(value, dict):
            return {k: self.mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        return value
