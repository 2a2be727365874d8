"""WASTE and SPECIES gazetteers (loaded from `nlp/lexicons/*.txt`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"

# hazardous-waste category codes (HW01–HW50) and 8-digit waste codes (900-041-49)
WASTE_CODE_RE = re.compile(r"(?<![A-Za-z0-9])(?:HW|hw)\s?\d{2}(?![0-9])|(?<![0-9])\d{3}-\d{3}-\d{2}(?![0-9])")


@lru_cache(maxsize=4)
def load_terms(name: str) -> tuple[str, ...]:
    terms: list[str] = []
    for line in (LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"[\t ]+", line):
            part = part.strip()
            if part and not re.fullmatch(r"HW\d{2}", part):
                terms.append(part)
    return tuple(dict.fromkeys(terms))
