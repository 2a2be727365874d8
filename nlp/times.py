"""TIME: which time words are times, where a time expression ends, and its ISO value.

A TIME is a point or a period on the calendar (`2024年3月12日`, `当晚22时许`, `去年5月`,
`第二季度`).  Not TIME: a duration (`时隔8年`, `5分钟`, `平均12日办结`, `3个工作日`,
`10周年`), a frequency (`每月`, `每季度`), a vague or conditional word (`近期`, `日后`,
`事先`, `必要时`, `当代`, `案发`), an age (`今年47岁` is about a person).

*Why jionlp*: `jionlp.parse_time` already tells a point or span (`time_point`,
`time_span`) from a duration (`time_delta`) and a frequency (`time_period`), and turns an
expression into calendar values relative to a base time; writing that again would be a
second, worse parser.  Context it cannot see (a duration cue before a bare number of days)
is checked here.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import datetime
from functools import lru_cache

from nlp.jio import jionlp
from nlp.rules import Cand

__all__ = ["keep_time", "normalize_time", "parse_time_kind"]

# Vague, conditional or relative-to-an-event words: no point on the calendar.
_VAGUE = set(
    "近期 近日 近年 近年来 日前 前期 后期 日后 今后 以后 事先 事后 当代 现代 古代 必要时 届时 平时 平日 同期 期间 全年 全天 "
    "全程 终年 常年 长期 短期 定期 案发 案发后 案发时 事发 事发时 当下 眼下 目前 现在 如今 此前 此后 随后 之后 之前 以前".split()
)
_DURATION_CUE = re.compile(
    r"(?:平均|时隔|历时|用时|耗时|缩短至|缩短到|延长至|长达|为期|连续|相隔|间隔|仅用|不到|超过|满)$"
)
_BARE_COUNT = re.compile(
    r"^[0-9一二三两四五六七八九十百半几数]+(?:个)?(?:年|月|日|天|周|星期|小时|钟头|分钟|秒|工作日)(?:多|余|左右)?$"
)
_AGE_AFTER = re.compile(r"^[0-9一二三四五六七八九十]+(?:周)?岁")
_DAY_END = re.compile(r"(?:日|号|天|晚|夜)$")
_PART_OF_DAY = re.compile(
    r"(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|深夜|半夜|晚|夜|早)(?:[0-9一二三四五六七八九十两]+[时点](?:[0-9一二三四五六七八九十]+分)?)?(?:许|左右)?"
)
_CLOCK_PART = re.compile(
    r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|深夜|半夜|[0-9一二三四五六七八九十两]+[时点]"
)
_APPROX = re.compile(r"(?:许|左右|前后)")


@lru_cache(maxsize=8192)
def _parse(seg: str, base: tuple[int, int, int] = (2024, 6, 15)) -> dict | None:
    jio = jionlp()
    if jio is None:
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return jio.parse_time(seg, time_base={"year": base[0], "month": base[1], "day": base[2], "hour": 12})
    except Exception:  # noqa: BLE001 - jionlp raises ValueError and others on what it cannot read
        return None


def parse_time_kind(seg: str) -> str | None:
    """jionlp's kind for `seg`: time_point, time_span, time_delta, time_period, or None."""
    res = _parse(seg)
    return res.get("type") if res else None


def keep_time(text: str, c: Cand) -> Cand | None:
    """The TIME candidate as kept (extended over a following part of day: `6月12日` + `晚`),
    or None when it is no point or period on the calendar."""
    seg = text[c.start : c.end]
    if seg in _VAGUE:
        return None
    before = text[max(0, c.start - 4) : c.start]
    if _BARE_COUNT.match(seg) and (
        _DURATION_CUE.search(before) or not re.match(r"^(?:\d{4}年|[0-9]{1,2}[日号月])$", seg)
    ):
        return None  # "时隔8年", "5分钟", "平均12日": durations
    if seg in ("今年", "今天") and _AGE_AFTER.match(text[c.end : c.end + 4]):
        return None  # "今年47岁": an age
    kind = parse_time_kind(seg)
    if kind == "time_delta" or (kind == "time_period" and not _CLOCK_PART.search(seg)):
        return None  # a duration, or a frequency with no time of day ("每天晚上十点" is a time)
    end = c.end
    if _DAY_END.search(seg):
        m = _PART_OF_DAY.match(text, end)
        if m:
            end = m.end()
    m = _APPROX.match(text, end)
    if m and not _APPROX.search(seg):
        end = m.end()
    return c._replace(end=end) if end != c.end else c


def normalize_time(seg: str) -> str | None:
    """An ISO 8601 value for an absolute time expression: `2024-03-12`, `2024-03`, `2024`,
    or `start/end` for anything else; None for a relative one (`去年5月`, `当晚`) — read
    against two base dates, a relative expression gives two answers, and a value without the
    document's own date would be a guess."""
    a, b = _parse(seg), _parse(seg, (2019, 2, 10))
    if not a or not b or a.get("type") not in ("time_point", "time_span"):
        return None
    ta, tb = a.get("time"), b.get("time")
    if ta != tb or not isinstance(ta, list) or len(ta) != 2:
        return None
    try:
        s, e = (datetime.fromisoformat(x) for x in ta)
    except (TypeError, ValueError):
        return None
    if s.time() == datetime.min.time() and e.hour == 23 and e.minute == 59:
        if s.date() == e.date():
            return s.date().isoformat()
        if s.day == 1 and s.month == e.month and s.year == e.year:
            return f"{s.year:04d}-{s.month:02d}"
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
            return f"{s.year:04d}"
        return f"{s.date().isoformat()}/{e.date().isoformat()}"
    return f"{s.isoformat()}/{e.isoformat()}"
