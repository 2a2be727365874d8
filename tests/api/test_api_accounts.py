"""Accounts, tokens, the audit line before every write, private files and the demo's safety.

Each test makes its own data directory: these tests change users and break files on purpose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app as cli_app
from api.http.app import create_app
from api.http.context import Settings
from api.security.audit import AuditLog
from api.security.users import UserStore

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh(tmp_path):
    """A data dir with one admin and one analyst (no graph needed: these routes never touch it)."""
    d = tmp_path / "data"
    users = UserStore(d)
    users.add("boss", "boss-password-1", "admin")
    users.add("ana", "ana-password-1", "analyst")
    # user_cache_s=0: the server re-reads the user on every request (by default a checked
    # token's user is reused for 2 s, so a revocation takes effect within 2 s)
    with TestClient(create_app(Settings(data_dir=d, backend="falkordb", user_cache_s=0))) as c:
        yield d, c


def _token(client, user, password):
    r = client.post("/api/auth/token", data={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_password_change_ends_old_tokens(fresh):
    d, c = fresh
    h = _token(c, "ana", "ana-password-1")
    assert c.get("/api/auth/me", headers=h).status_code == 200
    r = runner.invoke(cli_app, ["--data-dir", str(d), "users", "passwd", "ana", "--password", "ana-password-2"])
    assert r.exit_code == 0, r.output
    gone = c.get("/api/auth/me", headers=h)
    assert gone.status_code == 401 and "重新登录" in gone.json()["detail"]
    assert c.get("/api/auth/me", headers=_token(c, "ana", "ana-password-2")).status_code == 200


def test_replacing_a_disabled_user_does_not_revive_its_tokens(fresh):
    d, c = fresh
    old = _token(c, "ana", "ana-password-1")
    assert runner.invoke(cli_app, ["--data-dir", str(d), "users", "disable", "ana"]).exit_code == 0
    r = runner.invoke(
        cli_app,
        ["--data-dir", str(d), "users", "add", "ana", "--role", "admin", "--password", "new-admin-pw", "--replace"],
    )
    assert r.exit_code == 0, r.output
    assert c.get("/api/auth/me", headers=old).status_code == 401
    assert c.get("/api/audit", headers=old).status_code == 401


@pytest.mark.parametrize("name", ["аdmin", "ＡＤＭＩＮ", "Admin", "ad min", "管理员", "a"])
def test_look_alike_and_non_ascii_usernames_are_refused(fresh, name):
    d, c = fresh
    h = _token(c, "boss", "boss-password-1")
    r = c.post("/api/users", headers=h, json={"username": name, "password": "long-password", "role": "analyst"})
    assert r.status_code in (400, 422)
    assert name not in {u["username"] for u in c.get("/api/users", headers=h).json()}


def test_no_write_without_its_audit_line(fresh):
    d, c = fresh
    h = _token(c, "boss", "boss-password-1")
    log = d / "audit.jsonl"
    log.unlink()
    log.mkdir()  # the audit log cannot be written any more (a full or broken disk, say)
    r = c.post("/api/users", headers=h, json={"username": "eve", "password": "long-password", "role": "admin"})
    assert r.status_code == 503 and "审计" in r.json()["detail"]
    assert UserStore(d).get("eve") is None


def test_changing_request_is_audited_before_it_runs(fresh):
    d, c = fresh
    h = _token(c, "boss", "boss-password-1")
    r = c.post("/api/users", headers=h, json={"username": "eve", "password": "long-password", "role": "analyst"})
    assert r.status_code == 201
    lines = [json.loads(x) for x in (d / "audit.jsonl").read_text().splitlines()]
    begin = [x for x in lines if x.get("phase") == "begin" and x["path"] == "/api/users"]
    done = [x for x in lines if x.get("new_user") == "eve"]
    assert begin and done and begin[-1]["seq"] < done[-1]["seq"]
    assert AuditLog(d).verify().ok


def test_torn_audit_tail_does_not_break_the_api(tmp_path):
    d = tmp_path / "data"
    UserStore(d).add("boss", "boss-password-1", "admin")
    AuditLog(d).append({"action": "x"})
    with open(d / "audit.jsonl", "ab") as f:
        f.write(b'{"seq": 2, "act')
    with TestClient(create_app(Settings(data_dir=d, backend="falkordb"))) as c:
        h = _token(c, "boss", "boss-password-1")
        assert c.get("/api/users", headers=h).status_code == 200
        r = c.post("/api/users", headers=h, json={"username": "eve", "password": "long-password", "role": "analyst"})
        assert r.status_code == 201
        v = c.get("/api/audit/verify", headers=h).json()
    assert v["ok"], v


def test_corrupt_token_secret_is_a_clear_error(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "api_secret.key").write_text("zz-not-hex")
    from api.security.tokens import SecretError

    with pytest.raises(SecretError, match="api_secret.key"):
        create_app(Settings(data_dir=d))
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(d)}
    r = subprocess.run(
        [sys.executable, "-c", "import api.http.asgi"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )
    assert r.returncode != 0 and "api_secret.key" in r.stderr


def test_demo_refuses_a_data_dir_that_is_not_a_demo_dir(tmp_path):
    d = tmp_path / "prod"
    UserStore(d).add("boss", "boss-password-1", "admin")
    r = runner.invoke(cli_app, ["--data-dir", str(d), "demo"])
    assert r.exit_code == 2 and "拒绝" in r.output
    assert {u.username for u in UserStore(d).list()} == {"boss"}
    # demo accounts are refused outside a demo dir, from the CLI too
    r = runner.invoke(cli_app, ["--data-dir", str(d), "users", "demo"])
    assert r.exit_code == 2 and {u.username for u in UserStore(d).list()} == {"boss"}


def test_data_files_are_private(fresh):
    d, c = fresh
    h = _token(c, "boss", "boss-password-1")
    c.post("/api/users", headers=h, json={"username": "eve", "password": "long-password", "role": "analyst"})
    q = d.parent / "bad.csv"
    q.write_text("工单编号,来电时间\nA1,不是时间\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(d), "ingest", str(q)],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    subprocess.run([sys.executable, "-m", "api.cli", "--data-dir", str(d), "server", "stop"], cwd=REPO, timeout=120)
    seen = []
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = Path(root) / name
            if p.is_symlink() or p.is_socket():
                continue
            seen.append(p)
            assert p.stat().st_mode & 0o077 == 0, f"{p} is {oct(p.stat().st_mode)}"
    assert d.stat().st_mode & 0o077 == 0
    assert any(p.name == "audit.jsonl" for p in seen) and any("appendonly" in str(p) for p in seen)
