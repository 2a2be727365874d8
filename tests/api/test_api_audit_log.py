"""The keyed audit chain catches edited, deleted, reordered, re-chained and truncated lines,
a rewritten head, a deleted log and a torn last line (library and CLI)."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from api.security.audit import CHECKPOINT_EVERY, AuditLog, canonical


@pytest.fixture
def log(tmp_path):
    a = AuditLog(tmp_path / "data")
    for i in range(6):
        a.append({"user": "demo", "action": "entity", "target": f"person:{i}", "status": 200})
    return a


def _rewrite(log, fn):
    lines = log.path.read_text(encoding="utf-8").splitlines()
    log.path.write_text("".join(ln + "\n" for ln in fn(lines)), encoding="utf-8")


def _rechain_without_key(lines):
    """What an attacker with write access to the data directory can do: recompute a plain hash chain."""
    out, prev = [], "0" * 64
    for i, line in enumerate(lines, 1):
        rec = json.loads(line)
        rec.update(seq=i, prev_hash=prev)
        rec["hash"] = hashlib.sha256(canonical({k: v for k, v in rec.items() if k != "hash"})).hexdigest()
        prev = rec["hash"]
        out.append(json.dumps(rec, ensure_ascii=False))
    return out


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


def test_deleted_line(log):
    _rewrite(log, lambda lines: lines[:3] + lines[4:])
    res = log.verify()
    assert not res.ok and any("链断裂" in p["reason"] for p in res.problems)


def test_deleted_lines_rechained_without_the_key(log):
    _rewrite(log, lambda lines: _rechain_without_key(lines[:2] + lines[4:]))
    res = log.verify()
    assert not res.ok and any("MAC" in p["reason"] for p in res.problems)


def test_truncated_tail(log):
    _rewrite(log, lambda lines: lines[:-1])
    res = log.verify()
    assert not res.ok and any("截断" in p["reason"] for p in res.problems)


def test_cut_tail_with_rewritten_head_file(log):
    """The old design kept `audit.head` in the data dir; a rewritten head there proves nothing now."""
    _rewrite(log, lambda lines: lines[:-2])
    last = json.loads(log.path.read_text().splitlines()[-1])
    (log.path.parent / "audit.head").write_text(json.dumps({"seq": last["seq"], "hash": last["hash"]}))
    assert not log.verify().ok


def test_deleted_log(log):
    log.path.unlink()
    res = log.verify()
    assert not res.ok and any("截断" in p["reason"] or "删除" in p["reason"] for p in res.problems)


def test_forged_anchor_is_caught(log):
    anchor = log.keys.path / "audit.anchor"
    a = json.loads(anchor.read_text())
    anchor.write_text(json.dumps({**a, "seq": a["seq"] - 1}))
    res = log.verify()
    assert not res.ok and any("锚点被改动" in p["reason"] for p in res.problems)


def test_checkpoints_catch_a_cut_behind_an_old_anchor(tmp_path):
    log = AuditLog(tmp_path / "data")
    for i in range(50):
        log.append({"user": "u", "action": "a", "i": i})
    old_log, old_anchor = log.path.read_bytes(), (log.keys.path / "audit.anchor").read_bytes()
    for i in range(50, CHECKPOINT_EVERY + 3):
        log.append({"user": "u", "action": "a", "i": i})
    assert log.verify().ok
    # Someone cuts the log back to line 50 and puts back the anchor they had copied then:
    # the anchor matches, but the checkpoint signed at line CHECKPOINT_EVERY is missing.
    log.path.write_bytes(old_log)
    (log.keys.path / "audit.anchor").write_bytes(old_anchor)
    res = log.verify()
    assert not res.ok and any("检查点" in p["reason"] for p in res.problems)


def test_reordered_lines(log):
    _rewrite(log, lambda lines: [lines[0], lines[2], lines[1], *lines[3:]])
    assert not log.verify().ok


def test_chain_continues_across_instances(tmp_path):
    AuditLog(tmp_path).append({"a": 1})
    AuditLog(tmp_path).append({"a": 2})
    res = AuditLog(tmp_path).verify()
    assert res.ok and res.lines == 2


def test_torn_last_line_is_recovered_and_kept(log):
    torn = b'{"seq":7,"user":"demo","act'
    with open(log.path, "ab") as f:
        f.write(torn)
    assert not log.verify().ok
    fresh = AuditLog(log.path.parent)  # what the server does on start
    rec = fresh.tail(1)[0]
    assert rec["action"] == "audit_recovered" and bytes.fromhex(rec["torn_tail"]["hex"]) == torn
    assert fresh.append({"user": "demo", "action": "after"})["seq"] == 8
    assert fresh.verify().ok


def test_files_are_private(log):
    assert log.path.stat().st_mode & 0o077 == 0
    assert log.keys.path.stat().st_mode & 0o077 == 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in log.keys.path.iterdir())


def test_cli_audit_verify(log, tmp_path):
    from api.cli.main import app

    runner = CliRunner()
    ok = runner.invoke(app, ["--data-dir", str(log.path.parent), "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    _rewrite(log, lambda lines: lines[:2] + lines[3:])
    bad = runner.invoke(app, ["--data-dir", str(log.path.parent), "audit", "verify", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["ok"] is False
