"""Tamper-evident audit log: JSON Lines, each line chained to the previous by a keyed MAC.

Line i holds `seq`, the event, `prev_hash` (line i-1's `hash`, or 64 zeros)
and `hash` = HMAC-SHA256(key, canonical JSON of the line without `hash`).

*Why a key*: a plain hash chain proves nothing against someone who can write
the data directory — they delete lines and recompute every hash after them.
The key lives outside the data directory (`api.security.keystore`), so the
same person cannot forge a line, a re-chained log, or the anchor:

- the **anchor** (`audit.anchor` beside the key, rewritten after every append)
  holds the last `seq` and `hash` under its own MAC: cutting lines off the
  end, or deleting the log, no longer matches it;
- **checkpoints** (`audit.checkpoints.jsonl` beside the key, one line every
  `CHECKPOINT_EVERY` appends, append-only) are MAC'd (seq, hash) pairs the
  verifier demands to find in the log, so an old anchor put back does not
  hide a rewrite before it.

Appends are serialised across processes with an exclusive `flock`, so several
workers share one chain.  A torn last line (a crash mid-write) is cut off on
the next open or append and kept, hex-encoded with its SHA-256, in the
recovery line that follows, so nothing is silently dropped and the chain
stays verifiable.

The API appends with group commit (`AuditLog.append_async`): the lines of
concurrent requests share one write, one fsync and one anchor, and each
request is answered only once its own line is durable.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import hmac
import json
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.security.keystore import KeyDir, key_dir_for

__all__ = ["AuditLog", "AuditUnavailable", "VerifyResult", "canonical", "LOG_NAME"]

LOG_NAME = "audit.jsonl"
ANCHOR_NAME = "audit.anchor"
CHECKPOINTS_NAME = "audit.checkpoints.jsonl"
KEY_NAME = "audit.key"
GENESIS = "0" * 64
CHECKPOINT_EVERY = 100
_TORN_KEEP = 4096  # bytes of a torn tail kept in the recovery line


class AuditUnavailable(RuntimeError):
    """The audit log cannot be written: the caller must not perform the audited action."""


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def _mac(key: bytes, tag: str, obj: Any) -> str:
    return hmac.new(key, tag.encode() + b"\n" + canonical(obj), hashlib.sha256).hexdigest()


@dataclass
class _LoopQueue:
    """Lines of one event loop waiting for the next group commit, and the task writing them."""

    pending: list[tuple[dict[str, Any], asyncio.Future]] = field(default_factory=list)
    writer: asyncio.Task | None = None


@dataclass
class VerifyResult:
    ok: bool
    lines: int
    problems: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "lines": self.lines, "problems": self.problems}


class AuditLog:
    """The audit log of one data directory.

    Parameters
    ----------
    data_dir : path
        Where `audit.jsonl` lives.
    key_dir : KeyDir, optional
        Where the MAC key, anchor and checkpoints live (outside `data_dir`);
        by default `keystore.key_dir_for(data_dir)`.
    """

    def __init__(self, data_dir: Path | str, key_dir: KeyDir | None = None):
        self.path = Path(data_dir) / LOG_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.keys = key_dir or key_dir_for(data_dir)
        self._lock = threading.Lock()
        self._key: bytes | None = None
        # group commit (append_async): lines waiting for the next batch, per event loop
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopQueue] = weakref.WeakKeyDictionary()
        self._pool: ThreadPoolExecutor | None = None
        # (inode, size, seq, hash) of the log right after our last append (see _append_locked)
        self._tail: tuple[int, int, int, str] | None = None
        if self.path.exists():
            self.recover()

    # -- key, anchor, checkpoints -------------------------------------------
    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = self.keys.secret(KEY_NAME, create=True)
        return self._key

    def _line_hash(self, record: dict[str, Any]) -> str:
        return _mac(self.key, "line", {k: v for k, v in record.items() if k != "hash"})

    def _write_anchor(self, seq: int, h: str) -> None:
        body = {"seq": seq, "hash": h}
        self.keys.write_atomic(ANCHOR_NAME, json.dumps({**body, "mac": _mac(self.key, "anchor", body)}))
        if seq % CHECKPOINT_EVERY == 0:
            self._write_checkpoint(seq, h)

    def _write_checkpoint(self, seq: int, h: str) -> None:
        stamp = {"seq": seq, "hash": h, "time": datetime.now(UTC).isoformat(timespec="seconds")}
        self.keys.append_line(CHECKPOINTS_NAME, json.dumps({**stamp, "mac": _mac(self.key, "checkpoint", stamp)}))

    # -- writing ------------------------------------------------------------
    def _cut_torn_tail(self, f) -> bytes:
        """Remove an incomplete or unparsable last line; return its bytes (b"" when none)."""
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size == 0:
            return b""
        start = max(0, size - 65536)
        f.seek(start)
        tail = f.read()
        cut = tail.rfind(b"\n", 0, len(tail) - 1) + 1 if tail.endswith(b"\n") else tail.rfind(b"\n") + 1
        last = tail[cut:]
        if tail.endswith(b"\n"):
            try:
                json.loads(last)
                return b""
            except (json.JSONDecodeError, UnicodeDecodeError):
                pass
        if cut == 0 and start > 0:  # a line longer than the window: leave it to verify()
            return b""
        f.truncate(start + cut)
        f.flush()
        os.fsync(f.fileno())
        return last

    def _last(self, f) -> tuple[int, str]:
        """Last line's (seq, hash), reading backwards from the end of the file."""
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size == 0:
            return 0, GENESIS
        block = min(size, 65536)
        while True:
            f.seek(size - block)
            lines = [ln for ln in f.read(block).split(b"\n") if ln.strip()]
            if len(lines) >= 2 or block == size:
                break
            block = min(size, block * 4)
        rec = json.loads(lines[-1])
        return int(rec["seq"]), rec["hash"]

    def _append_locked(self, f, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Chain `events` onto the log, then one write, one fsync and one anchor for them all."""
        st = os.fstat(f.fileno())
        if self._tail is not None and self._tail[:2] == (st.st_ino, st.st_size):
            # Nobody wrote since our last append (same file, same size): its last line is
            # ours, whole, so the tail need not be read and parsed again.
            torn, seq, prev = b"", self._tail[2], self._tail[3]
        else:
            torn = self._cut_torn_tail(f)
            seq, prev = self._last(f)
        self._tail = None  # until this write is durable
        records: list[dict[str, Any]] = []
        for event in events:
            seq += 1
            record = {
                "seq": seq,
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                **{k: v for k, v in event.items() if k not in ("seq", "time", "prev_hash", "hash")},
                "prev_hash": prev,
            }
            if torn:
                record["torn_tail"] = {
                    "bytes": len(torn),
                    "sha256": hashlib.sha256(torn).hexdigest(),
                    "hex": torn[:_TORN_KEEP].hex(),
                }
                torn = b""
            record["hash"] = prev = self._line_hash(record)
            records.append(record)
        f.seek(0, os.SEEK_END)
        f.write(b"".join(canonical(r) + b"\n" for r in records))
        f.flush()
        os.fsync(f.fileno())
        self._tail = (st.st_ino, f.tell(), records[-1]["seq"], records[-1]["hash"])
        for r in records[:-1]:  # checkpoints inside the batch; the last record's comes with the anchor
            if r["seq"] % CHECKPOINT_EVERY == 0:
                self._write_checkpoint(r["seq"], r["hash"])
        self._write_anchor(records[-1]["seq"], records[-1]["hash"])
        return records

    def _write_batch(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            with self._lock, open(self.path, "a+b") as f:
                os.chmod(self.path, 0o600)
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    return self._append_locked(f, events)
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
        except (OSError, ValueError, KeyError) as exc:
            raise AuditUnavailable(f"审计日志无法写入（{self.path}）：{exc}") from exc

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one line; raise `AuditUnavailable` when it cannot be written durably."""
        return self._write_batch([event])[0]

    async def append_async(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one line with group commit; return once it is durable (fsync'd).

        *Why*: one write + fsync + anchor per request was the API's largest fixed cost under
        load.  Lines that arrive while a batch is being written wait together and go out in
        the next batch: one write, one fsync, one anchor for all of them.  Each caller is
        answered only after the fsync covering its own line, so an acknowledged request
        always has its line on disk; when the batch fails, every caller in it gets
        `AuditUnavailable`.  The batch runs on a thread of its own, not the request's, so
        a client that goes away cannot cancel a line half-way."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _LoopQueue()
        fut: asyncio.Future[dict[str, Any]] = loop.create_future()
        queue.pending.append((event, fut))
        if queue.writer is None or queue.writer.done():
            queue.writer = loop.create_task(self._drain(queue))
        return await asyncio.shield(fut)

    async def _drain(self, queue: _LoopQueue) -> None:
        loop = asyncio.get_running_loop()
        while queue.pending:
            batch, queue.pending = queue.pending, []
            try:
                records = await loop.run_in_executor(self._executor(), self._write_batch, [e for e, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to every waiter of the batch
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (_, fut), record in zip(batch, records):
                if not fut.done():
                    fut.set_result(record)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit")
        return self._pool

    def recover(self) -> dict[str, Any] | None:
        """Cut a torn last line left by a crash, recording it in a recovery line; None when the tail is whole."""
        with self._lock, open(self.path, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0, os.SEEK_END)
                if f.tell() == 0:
                    return None
                f.seek(-1, os.SEEK_END)
                whole = f.read(1) == b"\n"
                if whole:
                    try:
                        self._last(f)
                        return None
                    except (json.JSONDecodeError, KeyError, ValueError, UnicodeDecodeError):
                        pass
                return self._append_locked(f, [{"action": "audit_recovered", "outcome": "ok", "user": None}])[0]
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- reading ------------------------------------------------------------
    def tail(self, limit: int = 200, user: str | None = None, action: str | None = None) -> list[dict[str, Any]]:
        """The newest `limit` entries (optionally of one user / action), newest first.

        Reads the file backwards in blocks, so viewing a long log costs what is shown."""
        if not self.path.exists():
            return []
        out: list[dict[str, Any]] = []
        for line in _reverse_lines(self.path):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if (user and rec.get("user") != user) or (action and rec.get("action") != action):
                continue
            out.append(rec)
            if len(out) >= limit:
                break
        return out

    def verify(self) -> VerifyResult:
        """Check every line's MAC and link, then the anchor and every checkpoint against the log."""
        problems: list[dict[str, Any]] = []
        key = self.keys.secret(KEY_NAME, create=False)
        if key is None:
            if self.path.exists() and self.path.stat().st_size:
                problems.append({"line": 0, "reason": f"找不到审计密钥（{self.keys.path}），无法校验"})
            return VerifyResult(not problems, 0, problems)
        self._key = key
        prev, seq, n = GENESIS, 0, 0
        hashes: dict[int, str] = {}
        if self.path.exists():
            with open(self.path, encoding="utf-8", errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    n += 1
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        problems.append({"line": lineno, "reason": "不是完整的 JSON 行（被改动或写入中断）"})
                        prev, seq = "?", seq + 1
                        continue
                    if rec.get("hash") != self._line_hash(rec):
                        problems.append({"line": lineno, "seq": rec.get("seq"), "reason": "内容被修改（MAC 不符）"})
                    if rec.get("prev_hash") != prev and prev != "?":
                        problems.append(
                            {"line": lineno, "seq": rec.get("seq"), "reason": "链断裂：前一行被删除、插入或改动"}
                        )
                    if rec.get("seq") != seq + 1:
                        problems.append(
                            {"line": lineno, "seq": rec.get("seq"), "reason": f"序号不连续：应为 {seq + 1}"}
                        )
                    prev, seq = rec.get("hash"), int(rec.get("seq") or seq + 1)
                    hashes[seq] = prev
        problems += self._check_anchor(seq, prev, n)
        problems += self._check_checkpoints(hashes)
        return VerifyResult(not problems, n, problems)

    def _check_anchor(self, seq: int, last_hash: str, n: int) -> list[dict[str, Any]]:
        raw = self.keys.read(ANCHOR_NAME)
        if raw is None:
            return [{"line": 0, "reason": "缺少审计锚点（audit.anchor），日志可能被替换"}] if n else []
        try:
            anchor = json.loads(raw)
            body = {"seq": anchor["seq"], "hash": anchor["hash"]}
            good = hmac.compare_digest(str(anchor.get("mac")), _mac(self.key, "anchor", body))
        except (json.JSONDecodeError, KeyError, TypeError):
            good, body = False, {}
        if not good:
            return [{"line": 0, "reason": "审计锚点被改动（MAC 不符）"}]
        if body["seq"] != seq or body["hash"] != last_hash:
            return [
                {
                    "line": n,
                    "reason": f"日志末尾被截断、删除或替换：锚点记录到第 {body['seq']} 条，日志只到第 {seq} 条",
                }
            ]
        return []

    def _check_checkpoints(self, hashes: dict[int, str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, raw in enumerate((self.keys.read(CHECKPOINTS_NAME) or "").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                cp = json.loads(raw)
                body = {"seq": cp["seq"], "hash": cp["hash"], "time": cp["time"]}
                good = hmac.compare_digest(str(cp.get("mac")), _mac(self.key, "checkpoint", body))
            except (json.JSONDecodeError, KeyError, TypeError):
                good, cp = False, {}
            if not good:
                out.append({"line": 0, "reason": f"第 {i} 个检查点被改动（MAC 不符）"})
            elif hashes.get(cp["seq"]) != cp["hash"]:
                out.append({"line": 0, "seq": cp["seq"], "reason": f"检查点第 {cp['seq']} 条与日志不符：日志被重写"})
        return out


def _reverse_lines(path: Path, block: int = 1 << 16):
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        pos = f.tell()
        rest = b""
        while pos > 0:
            step = min(block, pos)
            pos -= step
            f.seek(pos)
            chunk = f.read(step) + rest
            lines = chunk.split(b"\n")
            rest = lines[0]
            for ln in reversed(lines[1:]):
                if ln.strip():
                    yield ln.decode("utf-8", errors="replace")
        if rest.strip():
            yield rest.decode("utf-8", errors="replace")
