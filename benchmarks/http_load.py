"""A lean HTTP/1.1 load client: one keep-alive connection per simulated analyst.

Why not httpx: on the 2-core benchmark host the load generator shares the cores with the
API server and FalkorDB, so every millisecond of client CPU is a millisecond the server
does not get.  httpx's async client spends about a millisecond of CPU per request
(URL and header models, connection-pool bookkeeping, its own HTTP parser); a request
written as bytes and a response read with `StreamReader.readuntil` cost a tenth of
that.  `bench_api.py --client httpx` keeps the old client for comparison; both print
the client's own CPU per request so a run says what the load generator took.

Only what the benchmark needs: GET with a query string and a bearer token, responses
with `Content-Length` or chunked bodies, one request at a time per connection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

__all__ = ["Response", "KeepAliveConnection"]


@dataclass
class Response:
    status_code: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    content: bytes

    def json(self):
        import orjson

        return orjson.loads(self.content)


class KeepAliveConnection:
    """One persistent connection to `base` (``http://host:port``); `get` reconnects once when
    the server closed it between requests."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, timeout: float = 120.0) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.timeout = timeout
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._head_tail = f"Host: {self.host}:{self.port}\r\n{extra}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str, params: dict | None = None) -> Response:
        target = path + ("?" + urlencode(params) if params else "")
        request = f"GET {target} HTTP/1.1\r\n".encode() + self._head_tail
        for attempt in (0, 1):
            if self._writer is None:
                await self._connect()
            try:
                self._writer.write(request)
                return await asyncio.wait_for(self._read_response(), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _read_response(self) -> Response:
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked()
        else:  # no length: the body runs to the end of the connection
            body = await self._reader.read()
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)

    async def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")  # the empty trailer
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self._reader = self._writer = None
