"""Everything a request needs, built once per app: store, users, audit log, token secret, masker."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from api.security.audit import AuditLog
from api.security.masking import Masker
from api.security.probes import MAX_MISSES, ProbeThrottle
from api.security.probes import WINDOW_S as PROBE_WINDOW_S
from api.security.throttle import MAX_FAILURES, WINDOW_S, LoginThrottle
from api.security.tokens import DEFAULT_TTL_S, load_secret
from api.security.users import UserStore
from graph_schema.store import GraphStore, budget, open_store


@dataclass
class Settings:
    data_dir: Path | None = None
    backend: str | None = None
    token_ttl_s: int = DEFAULT_TTL_S
    web_dir: Path = Path(__file__).resolve().parent.parent / "web"
    scope_ttl_s: float = 30.0
    login_max_failures: int = MAX_FAILURES  # per username and per client, within login_window_s
    login_window_s: float = WINDOW_S
    # 404 answers one user of a masked-data role may collect within probe_window_s before 429
    probe_max_misses: int = MAX_MISSES
    probe_window_s: float = PROBE_WINDOW_S
    max_body_bytes: int = 1 << 20  # request bodies above this are refused (413) before anything reads them
    # proxies whose X-Forwarded-For names the client (throttle, audit); empty: the socket peer is the client
    trusted_proxies: tuple[str, ...] = ()
    request_budget_s: float = budget.INTERACTIVE_S  # every store read of one request ends within this
    path_budget_s: float = budget.PATH_S  # a path search (answer within 2 s, found or not)
    analysis_budget_s: float = budget.ANALYSIS_S  # routes under ANALYSIS_PREFIXES (api/http/auditing.py)
    # a checked token's user, and a user found not throttled for probing, are reused this long
    # (0: look up every request); a disabled user or a revoked token is refused within it
    user_cache_s: float = 2.0
    # a serving worker freezes its start-up heap out of the cyclic collector (api.http.heap);
    # the uvicorn entry (api.http.asgi) sets it, processes that build many apps do not
    settle_heap: bool = False


@dataclass
class AppContext:
    settings: Settings
    data_dir: Path
    users: UserStore
    audit: AuditLog
    secret: bytes
    masker: Masker
    throttle: LoginThrottle
    probes: ProbeThrottle
    _store: GraphStore | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        from graph_schema.store.falkor_server import default_data_dir, private_dir

        os.umask(0o077)  # a serving process writes only private files (audit, users, quarantine)
        data_dir = private_dir(Path(settings.data_dir or default_data_dir()))
        secret = load_secret(data_dir)
        users = UserStore(data_dir)
        throttle = LoginThrottle(users._conn, settings.login_max_failures, settings.login_window_s)
        probes = ProbeThrottle(
            users._conn, settings.probe_max_misses, settings.probe_window_s, clear_s=settings.user_cache_s
        )
        return cls(settings, data_dir, users, AuditLog(data_dir), secret, Masker(secret), throttle, probes)

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
