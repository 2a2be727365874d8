"""Identifier checks and normalisation shared by every layer.

Why here: ETL, NLP and resolution must agree byte-for-byte on what a plate,
resident ID or company code *is*, otherwise one truck becomes two nodes.  The
schema layer is the bottom of the stack, so all of them may import it.

References: GB 11643-1999 (citizen identification number, ISO 7064 MOD 11-2),
GB 32100-2015 (unified social credit code), GB 11714-1997 (organisation code),
GA 36-2018 (motor vehicle plates).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_SUFFIXES = "警学挂领港澳试超使"

# How people separate a plate's parts (GA 36 prints a dot; forms and free text use whatever
# the keyboard or input method gives): spaces, middle dots of several scripts, full stops,
# hyphens and dashes.  Full-width forms are folded by NFKC first.
PLATE_SEPARATORS = " \u3000\t·•・‧∙⋅.．_-‐‑‒–—−－"
_PLATE_STRIP = re.compile(rf"[\s{re.escape(PLATE_SEPARATORS)}]")
# quotes around a vessel name (货船“苏吴江货3186”) and a trailing 号 / 轮 (浙岱渔07215号, 浙岱渔07215轮)
_VESSEL_WRAP = re.compile(r"^[\"'“”‘’「」『』《》〈〉]+|[\"'“”‘’「」『』《》〈〉]+$")
_PLATE_RE = re.compile(
    rf"^[{PROVINCE_CHARS}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{{5,6}}|[A-HJ-NP-Z0-9]{{4}}[{PLATE_SUFFIXES}])$"
)
# The plate's colour (GA 36: 蓝 cars, 黄 large vehicles, 绿 / 渐变绿 / 黄绿 new energy, 白 police,
# 黑 foreign) that checkpoint systems write before or after the number.  Leading only before a
# province character: 黑 is also Heilongjiang's (黑A12345 is a plate).
_PLATE_COLOUR = re.compile(
    rf"^(?:渐变绿|黄绿|蓝|黄|绿|白|黑)(?:色)?(?:牌|车牌)?(?=[{PROVINCE_CHARS}])|(?<=[0-9A-Z])(?:渐变绿|黄绿|蓝|黄|绿|白|黑)(?:色)?(?:牌)?$"
)
_VESSEL_RE = re.compile(
    rf"^[{PROVINCE_CHARS}][\u4e00-\u9fff]{{1,3}}(?:渔|货|运|客|油|拖|工|养|捕|科|渔运)[\u4e00-\u9fff]?\d{{3,6}}$"
)


# A plate as written in free text, before validation by `normalize_plate`: province
# character, issuing-authority letter, serial; any letter may be lower case or full
# width, and up to two separators (`浙E · K3J21`) may sit after the province character
# and after the letter.  Shared by NLP and ETL's fallback rules so that both find the
# same spans.
_TXT_AL = "A-Za-zＡ-Ｚａ-ｚ"
_TXT_ALNUM = _TXT_AL + "0-9０-９"
_TXT_SEP = re.escape(PLATE_SEPARATORS)
PLATE_IN_TEXT = re.compile(
    rf"(?<![{_TXT_ALNUM}])[{PROVINCE_CHARS}][{_TXT_SEP}]{{0,2}}[{_TXT_AL}][{_TXT_SEP}]{{0,2}}"
    rf"(?:[{_TXT_ALNUM}]{{5,6}}|[{_TXT_ALNUM}]{{4}}[{PLATE_SUFFIXES}])(?![{_TXT_ALNUM}])"
)
# the type-and-number tail of a vessel number (…渔07215, …货3186), a separator allowed before the digits
VESSEL_CORE_IN_TEXT = re.compile(
    rf"(?:渔运|渔|货|运|客|油|拖|工|养|捕|科)[\u4e00-\u9fff]?[{_TXT_SEP}]?[0-9０-９]{{3,6}}(?![{_TXT_ALNUM}])"
)


def to_halfwidth(text: str) -> str:
    """NFKC-normalise: full-width letters/digits (`浙Ｅ３Ｋ８２１`) become ASCII."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1 << 16)  # pure; a plate-read export repeats the same values millions of times
def normalize_plate(text: str | None) -> str | None:
    """Return the canonical plate (`浙E3K821`) or None when `text` is not a plate.

    Accepts `浙E·3K821`, `浙E 3K821`, `浙E-3K821`, full-width forms, lower case,
    new-energy plates (6 characters after the issuing-authority letter) and
    special plates ending in 警/学/挂/…, and O / I typed for 0 / 1 in the serial.
    A trailing bracketed vehicle type such as `（重型罐式货车）` is dropped.
    """
    if not text:
        return None
    t = to_halfwidth(str(text)).strip()
    t = re.split(r"[（(]", t, maxsplit=1)[0]
    t = _PLATE_STRIP.sub("", t).upper()
    if _PLATE_RE.match(t):
        return t
    t = _PLATE_COLOUR.sub("", t)  # "黄浙E3K821", "蓝牌浙A12345", "浙E3K821黄": checkpoint exports
    if _PLATE_RE.match(t):
        return t
    serial = t[2:]
    if ("O" in serial or "I" in serial) and any(c.isdigit() for c in serial):
        # GA 36 never uses O or I in a serial (they would read as 0 and 1), so a written
        # `浙E·O3K21` is `浙E03K21`; the issuing-authority letter is left as written
        t = t[:2] + serial.replace("O", "0").replace("I", "1")
        return t if _PLATE_RE.match(t) else None
    return None


_HW_CATEGORY = re.compile(r"HW-?(\d{2})(?!\d)")
_WASTE_CODE8 = re.compile(r"(?<!\d)(\d{3})-?(\d{3})-?(\d{2})(?!\d)")


def normalize_waste_code(text: str | None) -> tuple[str | None, str | None]:
    """`(category, code)` of a hazardous-waste code as written: `HW17`, `hw-17`, the national
    list's eight-digit code `336-064-17` (its last two digits are the category), or both
    (`HW17（336-064-17）`) → `("HW17", "336-064-17")`.  `(None, None)` when neither is there.

    Why: manifests carry either form, and the category is what a producer's trade, a water
    indicator and a month-on-month comparison are keyed by (国家危险废物名录 2021)."""
    if not text:
        return None, None
    t = to_halfwidth(str(text)).upper().replace(" ", "")
    m8 = _WASTE_CODE8.search(t)
    code = f"{m8.group(1)}-{m8.group(2)}-{m8.group(3)}" if m8 else None
    m = _HW_CATEGORY.search(t)
    if m:
        return f"HW{m.group(1)}", code
    if m8 and 1 <= int(m8.group(3)) <= 50:
        return f"HW{m8.group(3)}", code
    return None, None


def normalize_vessel(text: str | None) -> str | None:
    """Return the canonical vessel number (`浙岱渔07215`) or None.

    Accepts the separators plates take (`浙岱渔·07215`, `浙岱渔 07215`), full-width digits,
    quotes around the name (`“苏吴江货3186”`) and a trailing 号/轮 (`浙岱渔07215号`).
    """
    if not text:
        return None
    t = _PLATE_STRIP.sub("", to_halfwidth(str(text)).strip())
    t = _VESSEL_WRAP.sub("", re.split(r"[（(]", t, maxsplit=1)[0])
    if t.endswith(("号", "轮")) and t[-2:-1].isdigit():
        t = t[:-1]
    return t if _VESSEL_RE.match(t) else None


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(text: str | None) -> bool:
    """True for an 18-character resident ID with a correct check character and a plausible birth date."""
    if not text:
        return False
    t = to_halfwidth(str(text)).strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", t):
        return False
    month, day = int(t[10:12]), int(t[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= int(t[6:10]) <= 2100):
        return False
    return resident_id_check_char(t[:17]) == t[17]


def normalize_resident_id(text: str | None) -> str | None:
    if not text:
        return None
    t = to_halfwidth(str(text)).strip().upper()
    return t if is_valid_resident_id(t) else None


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (mod 31 over the 17 leading characters)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organisation code."""

    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    c = 11 - sum(val(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS)) % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


@lru_cache(maxsize=1 << 16)  # pure; manifests name the same few thousand companies again and again
def is_valid_uscc(text: str | None, check_org_code: bool = True) -> bool:
    """True for an 18-character 统一社会信用代码 with a valid GB 32100 check character.

    With `check_org_code`, the embedded organisation code (positions 9–17) must
    also pass GB 11714 — this rejects most random 18-character strings.
    """
    if not text:
        return False
    t = to_halfwidth(str(text)).strip().upper()
    if len(t) != 18 or any(c not in _USCC_CHARS for c in t):
        return False
    if uscc_check_char(t[:17]) != t[17]:
        return False
    if check_org_code:
        org = t[8:17]
        if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", org):
            return False
        return org_code_check_char(org[:8]) == org[8]
    return True


def normalize_uscc(text: str | None) -> str | None:
    if not text:
        return None
    t = to_halfwidth(str(text)).strip().upper()
    return t if is_valid_uscc(t) else None


@dataclass(frozen=True)
class Phone:
    """A phone number as written; `masked` numbers are never identities."""

    digits: str
    masked: bool

    @property
    def is_identity(self) -> bool:
        return not self.masked


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_MOBILE_RE = re.compile(r"^1[3-9]\d[\*＊xX]{4}\d{4}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")


def parse_phone(text: str | None) -> Phone | None:
    """Parse `13857201234`, `+86 138…`, `0572-2345678` or masked `138****1234`."""
    if not text:
        return None
    t = to_halfwidth(str(text)).strip()
    t = re.sub(r"[\s\-()（）]", "", t)
    if t.startswith("+86"):
        t = t[3:]
    elif t.startswith("86") and len(t) == 13:
        t = t[2:]
    if _MOBILE_RE.match(t) or _LANDLINE_RE.match(t):
        return Phone(t, False)
    if _MASKED_MOBILE_RE.match(t):
        return Phone(t[:3] + "****" + t[-4:], True)
    return None


_MASKED_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{1,2}某(?:某|[甲乙丙丁戊己庚辛壬癸]|\d)?$")
_ANON_CALLERS = {"匿名", "无", "不详", "未知", "群众", "市民"}


def is_masked_name(name: str | None) -> bool:
    """`王某`, `张某某`, `李某甲`, `王先生`, `匿名` carry no identity."""
    if not name:
        return True
    n = name.strip()
    if n in _ANON_CALLERS:
        return True
    if _MASKED_NAME_RE.match(n):
        return True
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,2}(?:先生|女士|师傅|老板|小姐|阿姨|大爷)", n))


_COMPANY_SUFFIX_RE = re.compile(r"有限责任公司$")


def normalize_company_name(name: str | None) -> str | None:
    """Canonical form used in `company:<name>` keys.

    Only spelling-level differences are removed here (width, brackets, spaces,
    有限责任公司 → 有限公司): dropping place prefixes would fuse different firms,
    so that is left to fuzzy resolution, which needs a strong tie to fuse.
    """
    if not name:
        return None
    n = to_halfwidth(name).strip()
    n = re.sub(r"\s+", "", n)
    n = n.replace("(", "（").replace(")", "）")
    n = _COMPANY_SUFFIX_RE.sub("有限公司", n)
    return n or None


def chars_in_order(short: str, full: str) -> bool:
    """Every character of `short` occurs in `full`, in order: how Chinese names are shortened
    (青岭村矿坑 for 煤山镇青岭村北侧废弃石矿坑, 恒泰化工 for 长兴恒泰精细化工有限公司)."""
    it = iter(full)
    return all(ch in it for ch in short)


@lru_cache(maxsize=1 << 16)  # pure; a plate-read export repeats the same values millions of times
def normalize_site_name(name: str | None) -> str | None:
    """Canonical form used in `site:<name>` keys: width, spaces and trailing punctuation."""
    if not name:
        return None
    n = re.sub(r"\s+", "", to_halfwidth(name)).strip("，,。.;；")
    return n or None
