"""`FastJSON`: the hot read routes' answers, serialised by orjson and not validated again.

*Why*: for a route with a response model FastAPI validates the returned value against the
model (on a second worker-thread hop for a sync route) and only then serialises it; for a
neighbour graph of 200 nodes that validation cost more than the store query.  The search,
neighbour and path routes build their answers from the investigations layer's `to_dict()`
in exactly the models' shape (tests/api/test_api_serving.py checks each answer is what
validation would make of it), so they return it as it is, serialised by orjson in C.
The models stay on the routes for the OpenAPI docs.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

try:
    import orjson
except ModuleNotFoundError:  # pragma: no cover - orjson is a dependency; keep serving without it
    orjson = None

__all__ = ["FastJSON", "dumps"]


def dumps(content: Any) -> bytes:
    """UTF-8 JSON (no ASCII escapes), map keys of any type as strings, NaN as null, any
    other value orjson does not know as its str()."""
    if orjson is not None:
        return orjson.dumps(content, default=str, option=orjson.OPT_NON_STR_KEYS)
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class FastJSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
