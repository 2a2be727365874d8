"""Case files (案卷): a named, owned workspace of the link chart — its nodes, positions, notes and
filters — kept in `users.db` beside users and shares, never in the graph.

Why SQLite and not a `Case` node: a case file is an analyst's working state, rewritten on every
save, owned by a person and shared with people and roles; the graph holds facts with provenance,
and a workspace saved into it would show up in searches, neighbourhoods and exports as if it were
evidence.  Every change goes through the API, whose middleware audits it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.security.roles import Role

DB_NAME = "users.db"  # the same file as api.security.users: one place for people and their work
MAX_STATE_BYTES = 4_000_000  # a chart of a few thousand elements; more is not a working set

_SCHEMA = """
CREATE TABLE IF NOT EXISTS casefiles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT '{}',
  notes TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS casefile_shares (
  casefile TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
  grantee TEXT NOT NULL,
  shared_by TEXT NOT NULL,
  shared_at TEXT NOT NULL,
  PRIMARY KEY (casefile, kind, grantee)
);
"""


class CaseFileError(ValueError):
    """A request the case-file store refuses; `code` is the HTTP status to answer with."""

    def __init__(self, msg: str, code: int = 400):
        super().__init__(msg)
        self.code = code


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CaseFileStore:
    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / DB_NAME
        self._local = threading.local()
        with self._conn() as c:
            c.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    # -- access ----------------------------------------------------------------
    def _shares(self, cid: str) -> list[dict[str, str]]:
        rows = self._conn().execute(
            "SELECT kind, grantee, shared_by, shared_at FROM casefile_shares WHERE casefile=? ORDER BY kind, grantee",
            (cid,),
        )
        return [dict(r) for r in rows]

    def _row(self, cid: str) -> sqlite3.Row:
        row = self._conn().execute("SELECT * FROM casefiles WHERE id=?", (cid,)).fetchone()
        if row is None:
            raise CaseFileError("找不到案卷", 404)
        return row

    def _may_read(self, row: sqlite3.Row, username: str, role: Role) -> bool:
        if row["owner"] == username or role == Role.ADMIN:
            return True
        return any(
            (s["kind"] == "user" and s["grantee"] == username) or (s["kind"] == "role" and s["grantee"] == role.value)
            for s in self._shares(row["id"])
        )

    def _out(self, row: sqlite3.Row, username: str, full: bool) -> dict[str, Any]:
        out = {
            "id": row["id"], "name": row["name"], "owner": row["owner"], "version": row["version"],
            "created_at": row["created_at"], "updated_at": row["updated_at"], "updated_by": row["updated_by"],
            "mine": row["owner"] == username, "shares": self._shares(row["id"]),
        }  # fmt: skip
        if full:
            out["state"] = json.loads(row["state"] or "{}")
            out["notes"] = row["notes"]
        return out

    # -- operations ------------------------------------------------------------
    def list_for(self, username: str, role: Role) -> list[dict[str, Any]]:
        rows = self._conn().execute("SELECT * FROM casefiles ORDER BY updated_at DESC, id").fetchall()
        return [self._out(r, username, False) for r in rows if self._may_read(r, username, role)]

    def create(self, name: str, owner: str) -> dict[str, Any]:
        name = (name or "").strip()
        if not name or len(name) > 120:
            raise CaseFileError("案卷名称不能为空，且不超过 120 字")
        cid = "casefile:" + secrets.token_hex(8)
        now = _now()
        with self._conn() as c:
            c.execute(
                "INSERT INTO casefiles(id, name, owner, created_at, updated_at, updated_by) VALUES (?,?,?,?,?,?)",
                (cid, name, owner, now, now, owner),
            )
        return self._out(self._row(cid), owner, True)

    def get(self, cid: str, username: str, role: Role) -> dict[str, Any]:
        row = self._row(cid)
        if not self._may_read(row, username, role):
            raise CaseFileError("该案卷未与您共享", 403)
        return self._out(row, username, True)

    def save(
        self, cid: str, username: str, role: Role, *, name: str | None, state: dict | None, notes: str | None,
        version: int | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Owner and those it is shared with may save; a stale `version` is refused (409), not overwritten."""
        row = self._row(cid)
        if not self._may_read(row, username, role):
            raise CaseFileError("该案卷未与您共享", 403)
        if version is not None and version != row["version"]:
            raise CaseFileError(f"案卷已被 {row['updated_by']} 于 {row['updated_at']} 修改，请重新打开后再保存", 409)
        text = json.dumps(state, ensure_ascii=False) if state is not None else row["state"]
        if len(text.encode("utf-8")) > MAX_STATE_BYTES:
            raise CaseFileError("案卷内容过大（画布元素过多）", 413)
        new_name = (name or "").strip() or row["name"]
        with self._conn() as c:
            c.execute(
                "UPDATE casefiles SET name=?, state=?, notes=?, version=version+1, updated_at=?, updated_by=? WHERE id=?",
                (new_name, text, row["notes"] if notes is None else notes, _now(), username, cid),
            )
        return self._out(self._row(cid), username, True)

    def share(self, cid: str, username: str, role: Role, users: list[str], roles: list[str]) -> dict[str, Any]:
        """Replace the case file's grantees (owner or admin only)."""
        row = self._row(cid)
        if row["owner"] != username and role != Role.ADMIN:
            raise CaseFileError("只有案卷所有人可以设置共享", 403)
        valid_roles = {r.value for r in Role}
        bad = [r for r in roles if r not in valid_roles]
        if bad:
            raise CaseFileError(f"未知角色：{'、'.join(bad)}")
        now = _now()
        with self._conn() as c:
            c.execute("DELETE FROM casefile_shares WHERE casefile=?", (cid,))
            for kind, names in (("user", users), ("role", roles)):
                for g in sorted({x.strip() for x in names if x and x.strip()}):
                    c.execute(
                        "INSERT INTO casefile_shares(casefile, kind, grantee, shared_by, shared_at) VALUES (?,?,?,?,?)",
                        (cid, kind, g, username, now),
                    )
        return self._out(self._row(cid), username, False)

    def keys_shared_with(self, username: str, role: Role) -> set[str]:
        """The chart node keys of every case file shared with this user or role (not their own):
        what a scoped role (prosecutor) may open from a case file someone shared with her."""
        keys: set[str] = set()
        for row in self._conn().execute("SELECT * FROM casefiles WHERE owner <> ?", (username,)).fetchall():
            if not self._may_read(row, username, role):
                continue
            nodes = (json.loads(row["state"] or "{}").get("elements") or {}).get("nodes") or []
            keys.update(str(n.get("data", {}).get("id")) for n in nodes if n.get("data", {}).get("id"))
        return keys

    def delete(self, cid: str, username: str, role: Role) -> None:
        row = self._row(cid)
        if row["owner"] != username and role != Role.ADMIN:
            raise CaseFileError("只有案卷所有人可以删除案卷", 403)
        with self._conn() as c:
            c.execute("DELETE FROM casefile_shares WHERE casefile=?", (cid,))
            c.execute("DELETE FROM casefiles WHERE id=?", (cid,))
