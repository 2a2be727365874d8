"""CLI: `users add` then log in; `export evidence` in every format; demo users."""

from __future__ import annotations

import json
import shutil
import subprocess

import graph_fixture as G
import pytest
from typer.testing import CliRunner

from api.cli.main import app

runner = CliRunner()


def test_users_add_then_login(data_dir, client):
    r = runner.invoke(
        app, ["--data-dir", str(data_dir), "users", "add", "li4", "--role", "检察官", "--password", "pw-li4-long"]
    )
    assert r.exit_code == 0, r.output
    dup = runner.invoke(
        app, ["--data-dir", str(data_dir), "users", "add", "li4", "--role", "analyst", "--password", "pw-li4-long"]
    )
    assert dup.exit_code == 2
    short = runner.invoke(
        app, ["--data-dir", str(data_dir), "users", "add", "w5", "--role", "analyst", "--password", "short"]
    )
    assert short.exit_code == 2
    tok = client.post("/api/auth/token", data={"username": "li4", "password": "pw-li4-long"})
    assert tok.status_code == 200 and tok.json()["user"]["role"] == "prosecutor"
    listed = runner.invoke(app, ["--data-dir", str(data_dir), "users", "list", "--json"])
    assert "li4" in {u["username"] for u in json.loads(listed.stdout)}
    # passwords are Argon2id hashes at rest
    import sqlite3

    h = (
        sqlite3.connect(data_dir / "users.db")
        .execute("SELECT password_hash FROM users WHERE username='li4'")
        .fetchone()[0]
    )
    assert h.startswith("$argon2id$") and "pw-li4-long" not in h


def test_demo_users_idempotent(data_dir):
    from api.security.users import ensure_demo_users

    creds = ensure_demo_users(data_dir)
    assert {c["username"] for c in creds} >= {"demo", "prosecutor", "admin", "investigator"}
    assert ensure_demo_users(data_dir) == creds


@pytest.mark.parametrize("fmt", ["json", "pdf", "docx"])
def test_export_evidence_cli(data_dir, tmp_path, fmt):
    out = tmp_path / f"ev.{fmt}"
    r = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "export",
            "evidence",
            "--from",
            G.LEADER,
            "--to",
            G.DUMP,
            "--format",
            fmt,
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    if fmt == "json":
        ev = json.loads(data)
        assert [h["type"] for h in ev["hops"]] == ["DRIVES", "DUMPED_AT"]
        assert G.LEADER_ID not in data.decode()  # masked unless --full-ids
    elif fmt == "pdf":
        assert data[:5] == b"%PDF-"
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
            ).stdout.decode()
            assert "张建国" in text and "证据链" in text
    else:
        from docx import Document

        doc = Document(str(out))
        assert any("证据链" in p.text for p in doc.paragraphs)


def test_export_full_ids_and_errors(data_dir, tmp_path):
    out = tmp_path / "full.json"
    r = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "export",
            "evidence",
            "--from",
            G.LEADER,
            "--to",
            G.DUMP,
            "-o",
            str(out),
            "--full-ids",
        ],
    )
    assert r.exit_code == 0 and G.LEADER_ID in out.read_text(encoding="utf-8")
    bad = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "export",
            "evidence",
            "--from",
            G.LEADER,
            "--to",
            G.DUMP,
            "-f",
            "xls",
            "-o",
            str(out),
        ],
    )
    assert bad.exit_code == 2
    missing = runner.invoke(
        app,
        ["--data-dir", str(data_dir), "export", "evidence", "--from", "person:nobody", "--to", G.DUMP, "-o", str(out)],
    )
    assert missing.exit_code == 2


def test_cli_reads_of_personal_data_are_audited_with_the_os_account(data_dir, tmp_path):
    import getpass

    from api.security.audit import AuditLog

    log = AuditLog(data_dir)
    before = log.tail(1)[0]["seq"] if log.tail(1) else 0
    r = runner.invoke(app, ["--data-dir", str(data_dir), "neighbours", G.LEADER, "--json"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "ev.json"
    r = runner.invoke(
        app,
        ["--data-dir", str(data_dir), "export", "evidence", "--from", G.LEADER, "--to", G.DUMP, "-o", str(out),
         "--by", "某检察官"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    new = [x for x in log.tail(50) if x["seq"] > before]
    seen = {x["action"]: x for x in new}
    assert seen["cli_neighbours"]["user"] == f"os:{getpass.getuser()}"
    assert seen["cli_neighbours"]["args"]["key"] == G.LEADER
    ex = seen["export_evidence_cli"]
    assert ex["user"] == f"os:{getpass.getuser()}" and ex["claimed_by"] == "某检察官"
    assert log.verify().ok
