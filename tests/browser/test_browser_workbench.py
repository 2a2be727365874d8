"""The acceptance walk in headless Chromium: log in as the demo user, find the planted gang's
leader, expand the graph by double-click, find the path to the dump site, download the
evidence PDF and check its Chinese text with pdftotext."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.browser


def _login(page, base, user="demo", password="demo1234"):
    page.goto(base + "/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-btn")
    page.wait_for_selector("body[data-ready='1']")


def _node_screen_pos(page, key):
    return page.evaluate(
        """(k) => { const n = window.cy.getElementById(k); const p = n.renderedPosition();
                    const r = document.getElementById('cy').getBoundingClientRect();
                    return {x: r.left + p.x, y: r.top + p.y}; }""",
        key,
    )


def test_demo_walk_gang_leader_expand_path_pdf(server, page, tmp_path):
    _login(page, server["base"])
    assert "情报研判" in page.inner_text("#whoami")

    # The planted gang and its leader.
    page.click("[data-tab=gangs]")
    page.wait_for_selector(".gang-item")
    assert "张建国" in page.inner_text(".gang-item >> nth=0")
    page.click(".gang-item >> nth=0")
    page.click("#gang-draw")
    page.wait_for_function("window.cy && window.cy.nodes('.leader').length === 1")
    leader = page.evaluate("window.cy.nodes('.leader')[0].id()")
    assert "********" in leader  # the analyst never sees the resident ID, not even in keys
    page.wait_for_selector("#panel-body h2:has-text('张建国')")
    # Side panel: source document with entity spans highlighted.
    page.wait_for_selector("#entity-docs mark")
    marks = page.locator("#entity-docs mark").all_inner_texts()
    assert "张建国" in marks and "浙E3K821" in marks
    assert "330502********1234" in page.inner_text("#entity-docs")

    # Search finds the same person.
    page.click("[data-tab=search]")
    page.fill("#search-input", "张建国")
    page.press("#search-input", "Enter")
    page.wait_for_selector(".hit")
    assert "张建国" in page.inner_text(".hit >> nth=0")

    # Double-click the leader on the canvas: neighbours appear.
    before = page.evaluate("window.cy.nodes().length")
    page.evaluate("window.cy.fit(undefined, 60)")
    pos = _node_screen_pos(page, leader)
    page.mouse.dblclick(pos["x"], pos["y"])
    page.wait_for_function(f"window.cy.nodes().length > {before}")
    names = page.evaluate("window.cy.nodes().map(n => n.data('name'))")
    assert "浙E3K821" in names and "李明" in names

    # Path from the leader to the dump site.
    page.click("#panel-body #set-from")
    page.fill("#path-to", "青岭村废弃矿坑")
    page.click("#path-btn")
    page.wait_for_selector("#path-summary")
    path_text = page.inner_text("#path-result")
    assert "张建国" in path_text and "青岭村废弃矿坑" in path_text
    assert page.evaluate("window.cy.elements('.onpath').length") >= 3

    # Evidence-chain PDF download with Chinese text.
    with page.expect_download() as dl:
        page.click("#export-pdf")
    pdf = tmp_path / "evidence.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "证据链" in text and "张建国" in text and "青岭村废弃矿坑" in text
    assert "驾驶" in text and "倾倒于" in text
    assert "SHA-256" in text
    assert "330502198001011234" not in text  # masked for the analyst


def test_wrong_password_and_review_buttons(server, page):
    page.goto(server["base"] + "/")
    page.fill("#username", "demo")
    page.fill("#password", "wrong-password")
    page.click("#login-btn")
    page.wait_for_selector("#login-error:has-text('登录失败')")

    _login(page, server["base"])
    page.fill("#search-input", "浙E3K821")
    page.press("#search-input", "Enter")
    page.click(".hit >> nth=0")
    page.click("#expand-btn")
    page.wait_for_function("window.cy.edges().length > 0")
    edge = page.evaluate("window.cy.edges().filter(e => e.data('type') === 'SEEN_AT')[0].id()")
    page.evaluate("(id) => window.cy.getElementById(id).emit('tap')", edge)
    page.wait_for_selector("#review-box:not([hidden])")
    page.fill("#review-reason", "卡口记录核实无误")
    page.click("#review-confirm")
    page.wait_for_selector("#panel-body .review.confirmed")


def test_map_and_admin_audit(server, page):
    _login(page, server["base"], "admin", "admin1234")
    page.click("[data-tab=map]")
    page.wait_for_selector("#map circle")
    assert page.locator("#map circle").count() >= 2
    page.click("[data-tab=audit]")
    page.wait_for_selector("#audit-list li")
    page.click("#audit-verify")
    page.wait_for_selector("#audit-status:has-text('哈希链完整')")


def test_prosecutor_sees_only_shared_case(server, page):
    _login(page, server["base"], "prosecutor", "prosecutor1234")
    assert "检察官" in page.inner_text("#whoami")
    assert page.locator("[data-tab=gangs]").is_hidden()  # no gang analysis for this role
    page.fill("#search-input", "赵六")
    page.press("#search-input", "Enter")
    page.wait_for_selector("#search-results li:has-text('无结果')")
