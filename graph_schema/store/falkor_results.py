"""Plain rows straight from FalkorDB's compact result set, without the client's object model.

The `falkordb` client turns every cell of a compact reply into Python through a
chain of per-type functions (`parse_scalar` → `__parse_map` → …) and the adapter then
walks the result again to make it plain (`falkor._plain`).  Resolution and the alert
detectors read millions of cells (about 3.3M per analysis of 220k records), where
those two passes cost ~10 s of client CPU.  Our named queries return scalars, lists
and maps, never nodes, edges or paths (those need the client's label and property
caches): a reply made only of those is decoded here in one pass, and anything else
falls back to the client (`decode_rows` returns None).

Compact format (FalkorDB docs, "Result structure / compact"): a reply is
`[header, rows, statistics]`; each header entry is `[column type, name]`; each cell is
`[value type, value]`, with the value types below.
"""

from __future__ import annotations

from typing import Any

__all__ = ["decode_rows"]

_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6
_MAP = 10


class _NeedsClient(Exception):
    """A cell of a type only the client can decode (node, edge, path, point, temporal, vector)."""


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else str(value)


def _cell(cell: list[Any]) -> Any:
    kind, value = cell[0], cell[1]
    if kind == _STRING:
        return value if type(value) is str else _text(value)
    if kind == _INTEGER:
        return int(value)
    if kind == _NULL:
        return None
    if kind == _DOUBLE:
        return float(value)
    if kind == _BOOLEAN:
        return _text(value) == "true"
    if kind == _ARRAY:
        return [_cell(v) for v in value]
    if kind == _MAP:  # [key, cell, key, cell, …]; keys come as str
        pairs = iter(value)
        return {(k if type(k) is str else _text(k)): _cell(v) for k, v in zip(pairs, pairs)}
    raise _NeedsClient(kind)


def decode_rows(response: list[Any]) -> list[dict[str, Any]] | None:
    """Rows as `{column: plain value}` of a compact reply; None when a cell needs the client.

    A reply of statistics alone (a write that returns nothing) has no rows.

    Examples
    --------
    >>> decode_rows([[[1, "k"], [1, "n"]], [[[2, "a"], [3, 7]]], ["Query internal execution time: 0.1 ms"]])
    [{'k': 'a', 'n': 7}]
    >>> decode_rows([[[1, "n"]], [[[8, [0, [], []]]]], []]) is None
    True
    """
    if len(response) < 3:
        return []
    names = [_text(h[1]) if isinstance(h, (list, tuple)) else _text(h) for h in response[0]]
    try:
        # most cells are strings: taken as they are, without a call per cell
        return [
            dict(zip(names, [c[1] if c[0] == _STRING and type(c[1]) is str else _cell(c) for c in row]))
            for row in response[1]
        ]
    except _NeedsClient:
        return None
