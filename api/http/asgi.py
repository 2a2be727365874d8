"""ASGI entry for uvicorn (`ecograph serve`, `uvicorn api.http.asgi:app`): settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from api.http.app import create_app
from api.http.context import Settings
from api.http.serving import exit_with_supervisor

exit_with_supervisor()  # a worker of `ecograph serve` ends when its supervisor does

_dir = os.environ.get("ECOGRAPH_DATA_DIR")
_proxies = tuple(p.strip() for p in os.environ.get("ECOGRAPH_TRUSTED_PROXIES", "").split(",") if p.strip())
_budgets = {
    field: float(os.environ[env])
    for field, env in (
        ("request_budget_s", "ECOGRAPH_REQUEST_BUDGET_S"),
        ("path_budget_s", "ECOGRAPH_PATH_BUDGET_S"),
        ("analysis_budget_s", "ECOGRAPH_ANALYSIS_BUDGET_S"),
    )
    if os.environ.get(env)
}
app = create_app(
    Settings(
        data_dir=Path(_dir) if _dir else None,
        backend=os.environ.get("ECOGRAPH_BACKEND"),
        trusted_proxies=_proxies,
        settle_heap=True,
        **_budgets,
    )
)
