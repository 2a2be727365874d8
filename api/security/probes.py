"""Throttling of "not found" answers per user: enumeration is slowed and shows in the audit log.

Why: a role that sees masked identifiers must not learn which IDs or phone
numbers exist by trying them.  The API already answers an identifier in clear
exactly as it answers an unknown key (`deps.Viewer.key`), so probing teaches
nothing; this throttle is the second line: a user who collects `max_misses`
404 answers within `window_s` seconds gets 429 on every data route until the
oldest miss ages out.  The misses live in `users.db` beside the log-in
failures, so every uvicorn worker of one data directory sees the same counts.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_MISSES = 30
WINDOW_S = 300.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS probe_misses (
  username TEXT NOT NULL,
  at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS probe_misses_user ON probe_misses(username, at);
"""


@dataclass(frozen=True)
class ProbeBlock:
    retry_after_s: int

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.retry_after_s // 60))
        return (
            f"查询不存在的对象过于频繁，已暂停查询，请 {minutes} 分钟后再试 / "
            f"too many lookups of unknown keys, retry in {self.retry_after_s} s"
        )


class ProbeThrottle:
    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        max_misses: int = MAX_MISSES,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
        clear_s: float = 0.0,
    ):
        """`connect`: the per-thread connection to `users.db` (`UserStore._conn`).

        `clear_s`: a user found not blocked is taken as not blocked for this long without
        asking users.db again (`known_clear`) — every data request of a masked-data role
        asked.  A miss recorded by this process forgets it at once, so a user crossing the
        limit here is blocked on the next request; misses in another worker process are
        seen within `clear_s`."""
        self._conn = connect
        self.max_misses = int(max_misses)
        self.window_s = float(window_s)
        self.clock = clock
        self.clear_s = float(clear_s)
        self._clear_until: dict[str, float] = {}  # username → time.monotonic() its clearance ends
        with self._conn() as c:
            c.executescript(_SCHEMA)

    def blocked(self, username: str) -> ProbeBlock | None:
        now = self.clock()
        rows = (
            self._conn()
            .execute(
                "SELECT at FROM probe_misses WHERE username=? AND at>? ORDER BY at DESC LIMIT ?",
                (username, now - self.window_s, self.max_misses),
            )
            .fetchall()
        )
        if len(rows) >= self.max_misses:
            self._clear_until.pop(username, None)
            return ProbeBlock(max(1, int(rows[-1][0] + self.window_s - now + 0.999)))
        if self.clear_s > 0:
            if len(self._clear_until) > 10000:
                self._clear_until.clear()
            self._clear_until[username] = time.monotonic() + self.clear_s
        return None

    def known_clear(self, username: str) -> bool:
        """Whether `username` was found not blocked within the last `clear_s` (no I/O)."""
        until = self._clear_until.get(username)
        return until is not None and time.monotonic() < until

    def missed(self, username: str) -> None:
        self._clear_until.pop(username, None)
        now = self.clock()
        with self._conn() as c:
            c.execute("INSERT INTO probe_misses(username, at) VALUES (?, ?)", (username, now))
            c.execute("DELETE FROM probe_misses WHERE at<=?", (now - self.window_s,))
