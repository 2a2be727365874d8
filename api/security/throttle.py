"""Failed log-in throttling, per username and per client address.

`MAX_FAILURES` failed log-ins within `WINDOW_S` seconds block further attempts
for that username, and (separately) from that client address, until the
oldest failure in the window ages out.  A blocked attempt is answered 429
without checking the password, so guessing stops cold.  A successful log-in
clears the username's failures (not the client's: one good account must not
reset a password-spraying client).  The failures live in `users.db` (SQLite),
so every uvicorn worker of one data directory sees the same counts.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_FAILURES = 5
WINDOW_S = 300.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
  subject TEXT NOT NULL,
  at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures(subject, at);
"""


@dataclass(frozen=True)
class Blocked:
    by: str  # "user" or "client"
    retry_after_s: int

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.retry_after_s // 60))
        who = "该账号" if self.by == "user" else "该终端"
        return (
            f"{who}登录失败次数过多，请 {minutes} 分钟后再试 / "
            f"too many failed log-ins for this {'user' if self.by == 'user' else 'client'}, "
            f"retry in {self.retry_after_s} s"
        )


class LoginThrottle:
    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        max_failures: int = MAX_FAILURES,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
    ):
        """`connect`: the per-thread connection to `users.db` (`UserStore._conn`)."""
        self._conn = connect
        self.max_failures = int(max_failures)
        self.window_s = float(window_s)
        self.clock = clock
        with self._conn() as c:
            c.executescript(_SCHEMA)

    @staticmethod
    def _subjects(username: str, client: str | None) -> list[tuple[str, str]]:
        out = [("user", f"user:{(username or '').strip().lower()}")]
        if client:
            out.append(("client", f"client:{client}"))
        return out

    def blocked(self, username: str, client: str | None) -> Blocked | None:
        """The block in force for this attempt, if any (the username's first)."""
        now = self.clock()
        since = now - self.window_s
        conn = self._conn()
        for by, subject in self._subjects(username, client):
            rows = conn.execute(
                "SELECT at FROM login_failures WHERE subject=? AND at>? ORDER BY at DESC LIMIT ?",
                (subject, since, self.max_failures),
            ).fetchall()
            if len(rows) >= self.max_failures:
                oldest = rows[-1][0]
                return Blocked(by, max(1, int(oldest + self.window_s - now + 0.999)))
        return None

    def failed(self, username: str, client: str | None) -> None:
        now = self.clock()
        with self._conn() as c:
            c.executemany(
                "INSERT INTO login_failures(subject, at) VALUES (?, ?)",
                [(s, now) for _, s in self._subjects(username, client)],
            )
            c.execute("DELETE FROM login_failures WHERE at<=?", (now - self.window_s,))

    def succeeded(self, username: str) -> None:
        with self._conn() as c:
            c.execute("DELETE FROM login_failures WHERE subject=?", (self._subjects(username, None)[0][1],))
