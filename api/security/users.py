"""Users and shares, in SQLite (`users.db` in the data dir) — never in the graph.

A share gives a scoped role (prosecutor) sight of one case document
(`kind="case"`, ref = its `doc:case:…` key) or one chain (`kind="chain"`,
ref = a chain id from the chains view or `evidence:<from>|<to>`).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.security.passwords import hash_password, needs_rehash, verify_password
from api.security.roles import Role, parse_role

DB_NAME = "users.db"
SHARE_KINDS = ("case", "chain")

DEMO_USERS = [
    # username, password, role, display name
    ("demo", "demo1234", Role.ANALYST, "演示研判员"),
    ("investigator", "investigator1234", Role.INVESTIGATOR, "演示侦查员"),
    ("prosecutor", "prosecutor1234", Role.PROSECUTOR, "演示检察官"),
    ("admin", "admin1234", Role.ADMIN, "系统管理员"),
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  token_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS shares (
  username TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  keys TEXT NOT NULL DEFAULT '',
  shared_by TEXT NOT NULL,
  shared_at TEXT NOT NULL,
  PRIMARY KEY (username, kind, ref)
);
"""


USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def check_username(username: str | None) -> str:
    """Usernames are lower-case ASCII letters, digits, '.', '_' and '-' (2–64 characters).

    *Why so narrow*: a username is an identity in the audit log and in shares; Unicode lets
    two different strings look alike (Cyrillic а for Latin a, full-width letters), so a
    look-alike account could pass for another in every record.  People's Chinese names go
    in the display name."""
    name = (username or "").strip()
    if not USERNAME_RE.fullmatch(name):
        raise ValueError("用户名须为 2–64 位小写英文字母、数字或 . _ -（中文姓名请填在显示名中）")
    return name


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    display_name: str = ""
    disabled: bool = False
    token_version: int = 0

    def to_dict(self) -> dict:
        return {"username": self.username, "role": self.role.value, "display_name": self.display_name}


class UserStore:
    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as c:
            c.executescript(_SCHEMA)
            cols = {r[1] for r in c.execute("PRAGMA table_info(users)")}
            if "token_version" not in cols:  # users.db made before token versions
                c.execute("ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0")
        for p in (self.path, self.path.with_name(DB_NAME + "-wal"), self.path.with_name(DB_NAME + "-shm")):
            try:  # the WAL holds password hashes as much as the database does
                p.chmod(0o600)
            except OSError:
                pass

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    # -- users ---------------------------------------------------------------
    def add(
        self, username: str, password: str, role: str | Role, display_name: str = "", replace: bool = False
    ) -> User:
        username = check_username(username)
        r = parse_role(str(role))
        h = hash_password(password)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._conn() as c:
            row = c.execute(
                "SELECT username, token_version FROM users WHERE lower(username)=?", (username.lower(),)
            ).fetchone()
            if row and (not replace or row[0] != username):
                raise ValueError(f"用户已存在：{row[0]}")
            # A replaced account starts a new token version: tokens of the old one end here.
            version = row[1] + 1 if row else 0
            c.execute(
                "INSERT OR REPLACE INTO users(username, password_hash, role, display_name, disabled, created_at, "
                "token_version) VALUES (?,?,?,?,0,?,?)",
                (username, h, r.value, display_name or username, now, version),
            )
        return User(username, r, display_name or username, False, version)

    def get(self, username: str) -> User | None:
        row = (
            self._conn()
            .execute(
                "SELECT username, role, display_name, disabled, token_version FROM users WHERE username=?", (username,)
            )
            .fetchone()
        )
        if not row:
            return None
        return User(row[0], Role(row[1]), row[2], bool(row[3]), int(row[4]))

    def authenticate(self, username: str, password: str) -> User | None:
        row = self._conn().execute("SELECT password_hash FROM users WHERE username=?", (username,)).fetchone()
        if not verify_password(row[0] if row else None, password):
            return None
        user = self.get(username)
        if user is None or user.disabled:
            return None
        if needs_rehash(row[0]):
            with self._conn() as c:
                c.execute("UPDATE users SET password_hash=? WHERE username=?", (hash_password(password), username))
        return user

    def list(self) -> list[User]:
        rows = self._conn().execute(
            "SELECT username, role, display_name, disabled, token_version FROM users ORDER BY username"
        )
        return [User(r[0], Role(r[1]), r[2], bool(r[3]), int(r[4])) for r in rows]

    def set_disabled(self, username: str, disabled: bool = True) -> bool:
        with self._conn() as c:
            cur = c.execute(
                "UPDATE users SET disabled=?, token_version=token_version+1 WHERE username=?", (int(disabled), username)
            )
        return cur.rowcount > 0

    def set_password(self, username: str, password: str) -> bool:
        with self._conn() as c:
            cur = c.execute(
                "UPDATE users SET password_hash=?, token_version=token_version+1 WHERE username=?",
                (hash_password(password), username),
            )
        return cur.rowcount > 0

    # -- shares --------------------------------------------------------------
    def share(self, username: str, kind: str, ref: str, shared_by: str, keys: list[str] | None = None) -> None:
        if kind not in SHARE_KINDS:
            raise ValueError(f"共享类型应为 case 或 chain / share kind must be one of {SHARE_KINDS}")
        if self.get(username) is None:
            raise ValueError(f"没有该用户 / no such user: {username}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._conn() as c:
            c.execute(
                "INSERT OR REPLACE INTO shares(username, kind, ref, keys, shared_by, shared_at) VALUES (?,?,?,?,?,?)",
                (username, kind, ref, "\n".join(keys or []), shared_by, now),
            )

    def unshare(self, username: str, kind: str, ref: str) -> bool:
        with self._conn() as c:
            cur = c.execute("DELETE FROM shares WHERE username=? AND kind=? AND ref=?", (username, kind, ref))
        return cur.rowcount > 0

    def shares_for(self, username: str) -> list[dict]:
        rows = self._conn().execute(
            "SELECT kind, ref, keys, shared_by, shared_at FROM shares WHERE username=? ORDER BY kind, ref", (username,)
        )
        return [
            {"kind": k, "ref": r, "keys": [x for x in keys.split("\n") if x], "shared_by": b, "shared_at": t}
            for k, r, keys, b, t in rows
        ]


DEMO_MARKER = "DEMO-DATA.txt"


def is_demo_dir(data_dir: Path | str) -> bool:
    """Is `data_dir` a demo directory (made or claimed by `ecograph demo`)?"""
    return (Path(data_dir) / DEMO_MARKER).is_file()


def mark_demo_dir(data_dir: Path | str) -> None:
    """Mark `data_dir` as holding demo data only: demo accounts with published passwords may live here."""
    d = Path(data_dir)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    (d / DEMO_MARKER).write_text(
        "本目录是 ecograph 演示数据目录：数据为模拟数据，演示账号的密码是公开的。请勿在此目录中存放真实数据。\n",
        encoding="utf-8",
    )


def ensure_demo_users(data_dir: Path | str) -> list[dict]:
    """Create the demo accounts when missing (idempotent); returns their credentials for printing.

    Only in a demo directory: the demo passwords are printed by every demo run and written in
    the README, so an account with one of them in a real data directory is an open door."""
    if not is_demo_dir(data_dir):
        raise ValueError(
            f"演示账号只能建在演示数据目录中（{data_dir} 不是演示目录）；正式环境请用 ecograph users add 建立账号"
        )
    store = UserStore(data_dir)
    out = []
    for username, password, role, display in DEMO_USERS:
        if store.get(username) is None:
            store.add(username, password, role, display)
        out.append({"username": username, "password": password, "role": role.value, "display_name": display})
    return out
