"""The audit hash chain catches edited, deleted, reordered and truncated lines (library and CLI)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.security.audit import AuditLog


@pytest.fixture
def log(tmp_path):
    a = AuditLog(tmp_path)
    for i in range(6):
        a.append({"user": "demo", "action": "entity", "target": f"person:{i}", "status": 200})
    return a


def _rewrite(log, fn):
    lines = log.path.read_text(encoding="utf-8").splitlines()
    log.path.write_text("\n".join(fn(lines)) + "\n", encoding="utf-8")


def test_intact(log):
    res = log.verify()
    assert res.ok and res.lines == 6


def test_edited_line(log):
    def edit(lines):
        rec = json.loads(lines[2])
        rec["user"] = "someone-else"
        lines[2] = json.dumps(rec, ensure_ascii=False)
        return lines

    _rewrite(log, edit)
    res = log.verify()
    assert not res.ok and res.problems[0]["line"] == 3


def test_edited_line_with_recomputed_hash_breaks_next(log):
    from api.security.audit import line_hash

    def edit(lines):
        rec = json.loads(lines[2])
        rec["status"] = 403
        rec["hash"] = line_hash(rec)
        lines[2] = json.dumps(rec)
        return lines

    _rewrite(log, edit)
    res = log.verify()
    assert not res.ok and any(p["line"] == 4 for p in res.problems)


def test_deleted_line(log):
    _rewrite(log, lambda lines: lines[:3] + lines[4:])
    res = log.verify()
    assert not res.ok and any("chain broken" in p["reason"] for p in res.problems)


def test_truncated_tail(log):
    _rewrite(log, lambda lines: lines[:-1])
    res = log.verify()
    assert not res.ok and any("truncated" in p["reason"] for p in res.problems)


def test_reordered_lines(log):
    _rewrite(log, lambda lines: [lines[0], lines[2], lines[1], *lines[3:]])
    assert not log.verify().ok


def test_chain_continues_across_instances(tmp_path):
    AuditLog(tmp_path).append({"a": 1})
    AuditLog(tmp_path).append({"a": 2})
    res = AuditLog(tmp_path).verify()
    assert res.ok and res.lines == 2


def test_cli_audit_verify(log, tmp_path):
    from api.cli.main import app

    runner = CliRunner()
    ok = runner.invoke(app, ["--data-dir", str(tmp_path), "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    _rewrite(log, lambda lines: lines[:2] + lines[3:])
    bad = runner.invoke(app, ["--data-dir", str(tmp_path), "audit", "verify", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["ok"] is False
