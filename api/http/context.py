"""Everything a request needs, built once per app: store, users, audit log, token secret, masker."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from api.security.audit import AuditLog
from api.security.masking import Masker
from api.security.tokens import DEFAULT_TTL_S, load_secret
from api.security.users import UserStore
from graph_schema.store import GraphStore, open_store


@dataclass
class Settings:
    data_dir: Path | None = None
    backend: str | None = None
    token_ttl_s: int = DEFAULT_TTL_S
    web_dir: Path = Path(__file__).resolve().parent.parent / "web"
    scope_ttl_s: float = 30.0


@dataclass
class AppContext:
    settings: Settings
    data_dir: Path
    users: UserStore
    audit: AuditLog
    secret: bytes
    masker: Masker
    _store: GraphStore | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        from graph_schema.store.falkor_server import default_data_dir

        data_dir = Path(settings.data_dir or default_data_dir())
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = load_secret(data_dir)
        return cls(settings, data_dir, UserStore(data_dir), AuditLog(data_dir), secret, Masker(secret))

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    import api.http.queries  # noqa: F401  (registers the API's and investigations' queries)

                    self._store = open_store(self.settings.backend, self.data_dir)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
