"""The benchmark's lean load client (benchmarks/http_load.py) reads what a server writes:
bodies by length and chunked, several requests on one connection, and a connection the
server closed between requests.  A client that misread a response would make issue 17's
figures count errors, or successes, that never happened."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from http_load import KeepAliveConnection  # noqa: E402


async def _serve(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def test_length_and_chunked_bodies_on_one_connection(run_async):
    seen: list[bytes] = []
    connections = 0

    async def handler(reader, writer):
        nonlocal connections
        connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            seen.append(head)
            if b"/chunked" in head:
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n")  # fmt: skip
            else:
                body = '{"budget_hit": true, "q": "王"}'.encode()
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n"
                             b"Server-Timing: store;dur=1.5;desc=\"1 queries\"\r\n\r\n%s" % (len(body), body))  # fmt: skip
            await writer.drain()
        writer.close()

    async def run():
        server, base = await _serve(handler)
        conn = KeepAliveConnection(base, {"Authorization": "Bearer t0k"})
        a = await conn.get("/api/search", {"q": "王 某", "limit": 20})
        b = await conn.get("/chunked")
        await conn.close()
        server.close()
        return a, b

    a, b = run_async(run())
    assert a.status_code == 404 and a.json() == {"budget_hit": True, "q": "王"}
    assert a.headers["server-timing"].startswith("store;dur=1.5")
    assert b.status_code == 200 and b.json() == {"a": 1}
    assert connections == 1  # kept alive
    assert seen[0].startswith(b"GET /api/search?q=%E7%8E%8B+%E6%9F%90&limit=20 HTTP/1.1\r\n")
    assert b"Authorization: Bearer t0k\r\n" in seen[0]


def test_reconnects_when_the_server_closed_the_connection(run_async):
    connections = 0

    async def handler(reader, writer):
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    async def run():
        server, base = await _serve(handler)
        conn = KeepAliveConnection(base)
        bodies = [(await conn.get("/x")).content for _ in range(3)]
        await conn.close()
        server.close()
        return bodies

    assert run_async(run()) == [b"ok"] * 3
    assert connections == 3
