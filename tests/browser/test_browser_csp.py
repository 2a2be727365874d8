"""The workbench works under the Content-Security-Policy the server sends: logging in,
the gang list, drawing the graph (Cytoscape), the document panel and the map raise no CSP
violation, and the policy really is enforced (an injected inline script does not run).

Its own browser context without `bypass_csp`, and no polling predicates
(`wait_for_function` evals in the page, which the CSP forbids): only selectors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
"""


def test_workbench_runs_under_the_csp(server, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1500, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(20000)
    try:
        page.add_init_script(RECORD)
        console = []
        page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
        resp = page.goto(server["base"] + "/")
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        page.fill("#username", "demo")
        page.fill("#password", "demo1234")
        page.click("#login-btn")
        page.wait_for_selector("body[data-ready='1']")
        page.click("[data-tab=gangs]")
        page.wait_for_selector(".gang-item")
        page.click(".gang-item >> nth=0")
        page.click("#gang-draw")
        page.wait_for_selector("#panel-body h2:has-text('张建国')")
        page.wait_for_selector("#entity-docs mark")
        assert page.evaluate("window.cy.nodes('.leader').length") == 1  # Cytoscape drew the gang
        page.click("[data-tab=map]")
        page.wait_for_selector("#map circle")
        assert page.evaluate("window.__csp") == [] and console == []
        # enforced: an inline script injected into the page is blocked and reported
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';"
            " document.body.appendChild(s); }"
        )
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert any("script-src" in v for v in page.evaluate("window.__csp"))
    finally:
        ctx.close()
