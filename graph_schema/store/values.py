"""Which text values a store can hold, and the error for one it cannot.

Why a rule of its own: both backends must hold the same data (the store
contract), and two kinds of string cannot be held by both.  FalkorDB keeps
strings as C strings, so a NUL (U+0000) would cut the value — sent raw it cut
the whole query ("expected '='"), and FalkorDB does not decode `\\u0000`
escapes, so there is no literal for it.  A lone surrogate (U+D800–U+DFFF, what
Python makes of undecodable bytes or of a JSON `"\\ud800"`) is not Unicode text:
neither the FalkorDB nor the Neo4j client can encode it as UTF-8.  Every other
character, control characters included, round-trips through both.

The loader checks records against this rule before writing and quarantines a
record that breaks it, naming the field; the FalkorDB encoder checks again and
raises `UnstorableValue` rather than send a query that means something else.
"""

from __future__ import annotations

import re
from typing import Any

from graph_schema.store.port import StoreError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableValue(StoreError):
    """A string no store can hold as it is (NUL, lone surrogate)."""


def unstorable_reason(text: str) -> str | None:
    """Chinese-readable reason why `text` cannot be stored, or None when it can."""
    m = UNSTORABLE.search(text)
    if m is None:
        return None
    ch = m.group()
    where = f"第{m.start() + 1}个字符"
    if ch == "\x00":
        return (
            f"含空字符 NUL (U+0000)，{where}；图数据库无法保存 (NUL character at {m.start()}, the store cannot hold it)"
        )
    return (
        f"含无效字符 U+{ord(ch):04X}（孤立代理项），{where}；图数据库无法保存 "
        f"(lone surrogate U+{ord(ch):04X} at {m.start()}, not valid Unicode text)"
    )


def find_unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first (path, reason) of a string in `value` (nested dicts and lists too) that cannot be stored."""
    if isinstance(value, str):
        reason = unstorable_reason(value)
        return (path, reason) if reason else None
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            found = find_unstorable(str(k), sub) or find_unstorable(v, sub)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = find_unstorable(v, f"{path}[{i}]")
            if found:
                return found
    return None
