"""API test fixtures: a tmp data dir with the planted graph, demo users, and a TestClient."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import graph_fixture  # noqa: E402


@pytest.fixture(scope="session")
def data_dir():
    yield from graph_fixture.planted_data_dir()


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
            _TOKENS[user] = graph_fixture.login_as(client, user, password)["Authorization"].split(" ", 1)[1]
        return {"Authorization": f"Bearer {_TOKENS[user]}"}

    return _login


@pytest.fixture(scope="session")
def masked(app):
    """What a role that sees masked data is shown for a key (or any JSON-like value): analysts
    name people by these, never by their identifiers."""
    return app.state.ctx.masker.mask
