"""The workbench's message catalogue (api/web/static/i18n.js) names everything the UI can show:
every audited API route, and the same Chinese names as api/export/names.py for relation types,
methods and record sources (the exports and the UI must not call one thing two names)."""

from __future__ import annotations

import re
from pathlib import Path

from api.export.names import METHOD_NAMES, REL_NAMES, SOURCE_NAMES

CATALOGUE = Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "i18n.js"


def _block(name: str) -> dict[str, str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    start = text.index(f"  {name}: {{")
    body = text[start : text.index("},", start)]
    return dict(re.findall(r'"?([\w]+)"?:\s*"([^"]*)"', body.split("{", 1)[1]))


def test_every_api_route_has_a_chinese_audit_name(app):
    routes = {r.name for r in app.routes if getattr(r, "path", "").startswith("/api/")}
    audit = _block("audit")
    missing = sorted(routes - set(audit))
    assert not missing, f"audit actions without a Chinese name in i18n.js: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", v) for v in audit.values())


def test_domain_names_match_the_exports():
    for block, names in (("relations", REL_NAMES), ("methods", METHOD_NAMES), ("sources", SOURCE_NAMES)):
        ui = _block(block)
        for key, zh in names.items():
            assert ui.get(key) == zh, (block, key, ui.get(key), zh)
