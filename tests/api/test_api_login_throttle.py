"""Failed log-ins are throttled per username and per client: 5 failures in 5 minutes → 429
(Chinese message, Retry-After), audited; the password is not checked while blocked."""

from __future__ import annotations

import json

import pytest

from api.security.throttle import LoginThrottle


@pytest.fixture()
def fresh(tmp_path):
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.context import Settings
    from api.security.users import ensure_demo_users, mark_demo_dir

    mark_demo_dir(tmp_path)
    ensure_demo_users(tmp_path)
    with TestClient(create_app(Settings(data_dir=tmp_path, backend="falkordb"))) as c:
        yield c, tmp_path


def _login(client, user, password):
    return client.post("/api/auth/token", data={"username": user, "password": password})


def _audit(data_dir):
    return [json.loads(x) for x in (data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def test_five_failures_block_the_username_even_with_the_right_password(fresh):
    client, d = fresh
    for _ in range(5):
        assert _login(client, "demo", "wrong-password").status_code == 401
    r = _login(client, "demo", "demo1234")  # right password, still blocked
    assert r.status_code == 429
    assert "登录失败次数过多" in r.json()["detail"] and 0 < int(r.headers["Retry-After"]) <= 300
    last = _audit(d)[-1]
    assert last["path"] == "/api/auth/token" and last["status"] == 429
    assert last["outcome"] == "throttled" and last["throttled"] == "user" and last["login"] == "demo"
    assert "demo1234" not in (d / "audit.jsonl").read_text(encoding="utf-8")


def test_one_client_spraying_many_usernames_is_blocked(fresh):
    client, d = fresh
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert _login(client, name, "x").status_code == 401
    r = _login(client, "investigator", "investigator1234")
    assert r.status_code == 429 and "该终端" in r.json()["detail"]
    assert _audit(d)[-1]["throttled"] == "client"


def test_success_clears_the_username_and_the_window_expires(tmp_path):
    now = [1000.0]
    from api.security.users import UserStore

    t = LoginThrottle(UserStore(tmp_path)._conn, max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(2):
        t.failed("zhang3", "10.0.0.1")
    assert t.blocked("zhang3", "10.0.0.1") is None
    t.succeeded("zhang3")
    t.failed("zhang3", "10.0.0.2")
    assert t.blocked("zhang3", "10.0.0.2") is None  # the two before the success no longer count
    t.failed("zhang3", "10.0.0.2")
    t.failed("zhang3", "10.0.0.2")
    b = t.blocked("zhang3", "10.0.0.9")
    assert b is not None and b.by == "user" and b.retry_after_s == 60
    assert t.blocked("li4", "10.0.0.2").by == "client"  # that client failed three times in the window
    now[0] += 61
    assert t.blocked("zhang3", "10.0.0.9") is None and t.blocked("li4", "10.0.0.2") is None
