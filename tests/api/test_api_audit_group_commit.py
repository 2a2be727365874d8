"""Group commit of audit lines: concurrent requests share fsyncs, and none is answered before
its own line is on disk."""

from __future__ import annotations

import asyncio
import json
import os

import httpx

from api.security.audit import AuditLog


def _fsync_spy(monkeypatch, log_path):
    """Patch os.fsync: count calls, and record how many log lines each fsync of the log made durable."""
    real = os.fsync
    seen = {"calls": 0, "durable": 0}

    def spy(fd):
        real(fd)
        seen["calls"] += 1
        if os.readlink(f"/proc/self/fd/{fd}") == str(log_path):
            with open(log_path, "rb") as f:
                seen["durable"] = sum(1 for line in f if line.strip())

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def test_concurrent_appends_share_fsyncs_and_return_only_once_durable(tmp_path, monkeypatch):
    log = AuditLog(tmp_path / "data")
    seen = _fsync_spy(monkeypatch, log.path.resolve())
    n = 60

    async def one(i: int) -> dict:
        rec = await log.append_async({"user": "demo", "action": "entity", "target": f"person:{i}"})
        assert rec["seq"] <= seen["durable"]  # answered only once its line was fsync'd
        return rec

    async def burst() -> list[dict]:
        return await asyncio.gather(*(one(i) for i in range(n)))

    records = asyncio.run(burst())
    assert sorted(r["seq"] for r in records) == list(range(1, n + 1))
    assert seen["calls"] < n  # was two per line (the log and its anchor)
    lines = [json.loads(x) for x in log.path.read_text(encoding="utf-8").splitlines()]
    assert sorted(rec["target"] for rec in lines) == sorted(f"person:{i}" for i in range(n))
    assert log.verify().ok  # chain, anchor and checkpoints intact across batches


def test_a_failed_batch_fails_every_request_in_it(tmp_path, monkeypatch):
    from api.security.audit import AuditUnavailable

    log = AuditLog(tmp_path / "data")

    def broken(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)

    async def burst():
        return await asyncio.gather(*(log.append_async({"i": i}) for i in range(5)), return_exceptions=True)

    out = asyncio.run(burst())
    assert all(isinstance(x, AuditUnavailable) for x in out)


def test_concurrent_api_requests_all_audited_with_fewer_fsyncs(app, login, monkeypatch):
    headers = login("demo")
    log = app.state.ctx.audit
    before = len(log.path.read_text(encoding="utf-8").splitlines())
    seen = _fsync_spy(monkeypatch, log.path.resolve())
    n = 40

    async def burst():
        transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:

            async def one(i: int):
                r = await c.get("/api/schema", params={"n": i})
                # the line of this request was fsync'd before its answer arrived
                durable = log.path.read_text(encoding="utf-8").splitlines()[before : seen["durable"]]
                assert any(json.loads(x)["query"].get("n") == str(i) for x in durable)
                return r

            return await asyncio.gather(*(one(i) for i in range(n)))

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * n
    new = [json.loads(x) for x in log.path.read_text(encoding="utf-8").splitlines()[before:]]
    ours = sorted(int(e["query"]["n"]) for e in new if e.get("client") == "10.9.8.7" and e["action"] == "schema_names")
    assert ours == list(range(n))
    assert seen["calls"] < n


def test_the_tail_is_read_again_only_when_another_writer_appended(tmp_path, monkeypatch):
    """A log appended only by this process does not re-read its tail each batch; a line by
    another worker (another AuditLog on the same file) is noticed and chained onto."""
    one, other = AuditLog(tmp_path / "data"), AuditLog(tmp_path / "data")
    reads = []
    real = AuditLog._last
    monkeypatch.setattr(AuditLog, "_last", lambda self, f: reads.append(self) or real(self, f))
    for i in range(5):
        one.append({"i": i})
    assert reads.count(one) == 1
    other.append({"i": "other"})
    one.append({"i": 5})
    assert reads.count(one) == 2
    lines = [json.loads(x) for x in one.path.read_text(encoding="utf-8").splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, 8)) and one.verify().ok
