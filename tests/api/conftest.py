"""API test fixtures: a tmp data dir with the planted graph, demo users, and a TestClient."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import graph_fixture  # noqa: E402


@pytest.fixture(scope="session")
def data_dir():
    # Short path: the FalkorDB Unix socket lives inside it (108-byte limit).
    d = Path(tempfile.mkdtemp(prefix="ega-"))
    from graph_schema.store import open_store

    store = open_store("falkordb", d)
    store.wipe()
    graph_fixture.build(store)
    store.close()
    from api.security.users import ensure_demo_users

    ensure_demo_users(d)
    yield d
    from graph_schema.store.falkor_server import stop_server

    stop_server(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def app(data_dir):
    from api.http.app import create_app
    from api.http.context import Settings

    return create_app(Settings(data_dir=data_dir, backend="falkordb"))


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


_TOKENS: dict[str, str] = {}


@pytest.fixture(scope="session")
def login(client):
    def _login(user: str, password: str | None = None) -> dict[str, str]:
        if user not in _TOKENS:
            r = client.post("/api/auth/token", data={"username": user, "password": password or f"{user}1234"})
            assert r.status_code == 200, r.text
            _TOKENS[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {_TOKENS[user]}"}

    return _login
