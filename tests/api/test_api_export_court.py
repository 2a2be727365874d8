"""Evidence exports fit for court: case header, page numbers, readable parties, Chinese
relations and Beijing time, source file and row, one content hash across PDF, DOCX and JSON,
and `ecograph export verify` that finds a one-byte change."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import graph_fixture as G
import pytest
from typer.testing import CliRunner

from api.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def exports(client, login, masked):
    h = login("demo")  # an analyst: sees masked identifiers, and names people by their masked keys
    out = {}
    for fmt in ("pdf", "docx", "json"):
        r = client.get(
            "/api/export/evidence",
            params={"from": masked(G.LEADER), "to": G.DUMP, "format": fmt, "investigator": "李警官"},
            headers=h,
        )
        assert r.status_code == 200, r.text
        out[fmt] = r
    return out


def test_one_content_hash_across_formats(exports):
    hashes = {fmt: r.headers["X-Content-SHA256"] for fmt, r in exports.items()}
    assert len(set(hashes.values())) == 1, hashes
    assert exports["json"].json()["sha256"] == hashes["json"]


def _pdf_text(body: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing: run scripts/setup_assets.sh")
    f = tmp_path / "e.pdf"
    f.write_bytes(body)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(f), "-"], capture_output=True, check=True).stdout.decode()


def test_pdf_reads_as_a_court_exhibit(exports, tmp_path):
    raw = _pdf_text(exports["pdf"].content, tmp_path)
    text = re.sub(r"\s+", "", raw)  # pdftotext drops or adds spaces between glyphs
    assert "案件编号：AJ2024001" in text
    assert re.search(r"第1页共\d+页", text)
    assert "办案人：李警官" in text and "北京时间" in text
    assert "驾驶" in text and "倾倒于" in text
    for code in ("DRIVES", "DUMPED_AT", "person:", "doc:case:", "~"):
        assert code not in text, code
    assert G.LEADER_ID not in text
    assert f"张建国（身份证号{G.LEADER_ID[:6]}********{G.LEADER_ID[-4:]}）" in text
    assert "cases/AJ2024001.txt" in text and "第1行" in text
    assert "2024年5月21日" in text
    # it renders: pdftoppm makes a non-empty page image
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(tmp_path / "e.pdf"), str(png)], check=True
    )
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 5000


def test_docx_has_header_page_fields_and_sources(exports):
    from docx import Document

    doc = Document(io.BytesIO(exports["docx"].content))
    header = doc.sections[0].header.paragraphs[0].text
    assert "案件编号：AJ2024001" in header
    footer_xml = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "cases/AJ2024001.txt" in body and "第 1 行" in body and "DRIVES" not in body
    assert exports["docx"].headers["X-Content-SHA256"] in body


def _flip(body: bytes, at: float = 0.5) -> bytes:
    i = int(len(body) * at)
    return body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "json"])
def test_export_verify_passes_intact_and_finds_a_one_byte_change(exports, data_dir, tmp_path, fmt):
    f = tmp_path / f"ev.{fmt}"
    f.write_bytes(exports[fmt].content)
    ok = runner.invoke(app, ["--data-dir", str(data_dir), "export", "verify", str(f)])
    assert ok.exit_code == 0, ok.output
    assert exports[fmt].headers["X-Content-SHA256"] in ok.output
    assert "本文件由" in ok.output  # the audit log recorded this very file
    for at in (0.3, 0.5, 0.9):
        f.write_bytes(_flip(exports[fmt].content, at))
        bad = runner.invoke(app, ["--data-dir", str(data_dir), "export", "verify", str(f)])
        assert bad.exit_code == 1, (at, bad.output)
