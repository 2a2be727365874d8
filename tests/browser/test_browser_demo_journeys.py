"""The analyst's journey on the generated demo bundle (`ecograph demo`, then `ecograph serve`):
re-run gang detection, open a gang with its members and ties, draw a waste chain upstream →
downstream, act on an alert with its evidence; and a document of every source opens in the panel.
Screenshots at 1280×800 and 390×844 go to out/screenshots/."""

from __future__ import annotations

import pytest
from test_browser_workbench import _login

pytestmark = pytest.mark.browser


def _document_per_source(data_dir) -> dict[str, str]:
    import api.http.queries  # noqa: F401  (registers the API's named queries)
    from graph_schema.store import open_store

    store = open_store("falkordb", data_dir)  # the demo server's store, reused over its socket
    try:
        keys = {r["source"]: r["example"] for r in store.query("api_document_sources")}
        reads = store.query("api_record_event_docs", limit=1)
    finally:
        store.close()
    if reads:
        keys["anpr"] = reads[0]["doc"]
    return keys


def test_analyst_gangs_chain_alert(demo_server, page, shots):
    _login(page, demo_server["base"])
    page.click("[data-tab=gangs]")
    page.wait_for_selector(".gang-item")
    page.click("#gangs-detect")
    page.wait_for_selector("#gangs-status:has-text('已重新发现团伙')", timeout=120000)
    page.click(".gang-item >> nth=0")
    page.wait_for_selector("#gang-view .member")
    gang = page.inner_text("#gang-view")
    assert "首要分子" in gang
    page.click("#gang-draw")
    page.wait_for_function("Number(document.body.dataset.gangDrawn || 0) >= 1", timeout=60000)
    assert page.evaluate("window.cy.nodes('.leader').length") == 1
    shots(page, "1-gang")

    page.click("#clear-btn")
    page.click("[data-tab=chains]")
    page.wait_for_selector(".chain-item")
    listed = page.inner_text(".chain-item >> nth=0")
    page.click(".chain-item >> nth=0")
    page.wait_for_function("document.body.dataset.chainDrawn", timeout=60000)
    steps = page.evaluate(
        """() => window.cy.edges('.chainstep').map(e => ({s: e.source().data('name'), t: e.target().data('name'),
                 xs: e.source().position().x, xt: e.target().position().x,
                 ys: e.source().position().y, yt: e.target().position().y}))"""
    )
    assert steps
    names = [n.strip() for n in listed.split("\n")[0].split("→")]
    # every arrow points the way the list reads: left to right on a wide canvas, else top to bottom
    axis = "x" if all(st["xs"] < st["xt"] for st in steps) else "y"
    for st in steps:
        assert st[axis + "s"] < st[axis + "t"], st
        i = next(i for i, n in enumerate(names) if n.endswith(st["s"]) or st["s"] in n)
        assert st["t"] in names[i + 1], (st, names)
    # the chain as a work item: its steps, waste and tonnage from the manifests, evidence
    page.wait_for_selector("#panel-body .chain-steps li")
    if "联单" in listed:
        page.wait_for_selector("#chain-waste table")
        assert "吨" in page.inner_text("#chain-waste")
    assert "doc:" not in page.inner_text("#panel-body")
    shots(page, "2-chain")
    # a step opens its facts, named as read downstream
    page.evaluate("window.cy.edges('.chainstep')[0].emit('tap')")
    page.wait_for_selector("#panel-body h2:has-text('—[')")
    assert "链条环节" in page.inner_text("#panel-body")

    page.click("#clear-btn")
    page.click("[data-tab=alerts]")
    page.wait_for_selector(".alert-item")
    page.click(".alert-item >> nth=0")
    page.wait_for_selector("#alert-view .evidence li")
    evidence = page.inner_text("#alert-view .evidence")
    assert "doc:" not in evidence and ("卡口过车" in evidence or "案件" in evidence or "联单" in evidence)
    page.fill("#alert-reason", "已调取卡口录像，车辆夜间确在矿坑附近停留")
    page.click("#alert-actions [data-act=acknowledge]")
    page.wait_for_selector("#alert-status:has-text('已确认')")
    assert "已确认" in page.inner_text(".alert-item >> nth=0")
    # the decision is counted in the alert precision report
    page.wait_for_selector("#alert-review:has-text('确认 1')")
    shots(page, "3-alert")


def test_a_document_of_every_source_opens_in_the_panel(demo_server, page, shots):
    keys = _document_per_source(demo_server["data_dir"])
    assert {"hotline", "grid", "case", "anpr", "manifest"} <= set(keys), sorted(keys)
    _login(page, demo_server["base"], "investigator", "investigator1234")
    for source, key in sorted(keys.items()):
        page.evaluate("(k) => window.app.openDocument(k)", key)
        page.wait_for_function("(k) => document.body.dataset.docOpened === k", arg=key)
        body = page.inner_text("#panel-body")
        assert page.locator("#panel-body .error").count() == 0, (source, body)
        assert len(page.inner_text("#doc-view .text")) > 10, (source, body)
        assert "doc:" not in page.inner_text("#panel-body h2"), (source, body)
        assert "SHA-256" in body
        if source in ("grid", "anpr"):
            shots(page, f"doc-{source}")
