"""Tamper-evident audit log: JSON Lines, each line hash-chained to the previous.

Line i holds `seq`, the event, `prev_hash` (line i-1's `hash`, or 64 zeros)
and `hash` = SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8)
of the line without `hash`.  Editing a line breaks its own hash; deleting or
reordering lines breaks the next line's `prev_hash` and the `seq` run; cutting
lines off the end is caught by the head file (`audit.head`: last seq and hash),
written after every append.  Appends are serialised across processes with an
exclusive `flock`, so several workers share one chain.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG_NAME = "audit.jsonl"
HEAD_NAME = "audit.head"
GENESIS = "0" * 64


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def line_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "hash"})).hexdigest()


@dataclass
class VerifyResult:
    ok: bool
    lines: int
    problems: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "lines": self.lines, "problems": self.problems}


class AuditLog:
    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / LOG_NAME
        self.head_path = Path(data_dir) / HEAD_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _last(self, f) -> tuple[int, str]:
        """Last line's (seq, hash), reading backwards from the end of the file."""
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size == 0:
            return 0, GENESIS
        block = min(size, 65536)
        while True:
            f.seek(size - block)
            tail = f.read(block)
            lines = [ln for ln in tail.split(b"\n") if ln.strip()]
            if len(lines) >= 2 or block == size:
                break
            block = min(size, block * 4)
        rec = json.loads(lines[-1])
        return int(rec["seq"]), rec["hash"]

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock, open(self.path, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                seq, prev = self._last(f)
                record = {
                    "seq": seq + 1,
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    **{k: v for k, v in event.items() if k not in ("seq", "time", "prev_hash", "hash")},
                    "prev_hash": prev,
                }
                record["hash"] = line_hash(record)
                f.seek(0, os.SEEK_END)
                f.write(canonical(record) + b"\n")
                f.flush()
                tmp = self.head_path.with_suffix(".tmp")
                tmp.write_text(json.dumps({"seq": record["seq"], "hash": record["hash"]}))
                os.replace(tmp, self.head_path)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return record

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
        problems: list[dict[str, Any]] = []
        prev, seq, n = GENESIS, 0, 0
        if self.path.exists():
            with open(self.path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    n += 1
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        problems.append({"line": lineno, "reason": "不是 JSON / not JSON"})
                        prev, seq = "?", seq + 1
                        continue
                    if rec.get("hash") != line_hash(rec):
                        problems.append(
                            {
                                "line": lineno,
                                "seq": rec.get("seq"),
                                "reason": "内容被修改 / line edited (hash mismatch)",
                            }
                        )
                    if rec.get("prev_hash") != prev and prev != "?":
                        problems.append(
                            {
                                "line": lineno,
                                "seq": rec.get("seq"),
                                "reason": "链断裂：前一行被删除、插入或改动 / chain broken (line deleted, inserted or edited before)",
                            }
                        )
                    if rec.get("seq") != seq + 1:
                        problems.append(
                            {
                                "line": lineno,
                                "seq": rec.get("seq"),
                                "reason": f"序号不连续 / sequence gap: expected {seq + 1}",
                            }
                        )
                    prev, seq = rec.get("hash"), int(rec.get("seq") or seq + 1)
        if self.head_path.exists():
            try:
                head = json.loads(self.head_path.read_text())
            except (OSError, json.JSONDecodeError):
                head = None
            if not head or head.get("seq") != seq or head.get("hash") != prev:
                problems.append(
                    {"line": n, "reason": "日志末尾被截断或替换 / log truncated or replaced (head mismatch)"}
                )
        elif n:
            problems.append({"line": 0, "reason": "缺少 audit.head / head file missing"})
        return VerifyResult(not problems, n, problems)


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
                    yield ln.decode("utf-8")
        if rest.strip():
            yield rest.decode("utf-8")
