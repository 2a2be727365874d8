"""The README's promise on the generated demo bundle: after `ecograph demo`, `ecograph serve`;
log in as the demo user, find a planted gang's leader, expand the graph, find the path to
the gang's dump site and download a PDF that shows Chinese text."""

from __future__ import annotations

import subprocess

import httpx
import pytest
from test_browser_workbench import _login, _node_screen_pos

pytestmark = pytest.mark.browser


def _planted_case(demo_server):
    """A planted pollution gang whose leader reaches its dump site through evidence."""
    base = demo_server["base"]
    tok = httpx.post(base + "/api/auth/token", data={"username": "investigator", "password": "investigator1234"}).json()
    h = {"Authorization": f"Bearer {tok['access_token']}"}
    for g in demo_server["truth"]["gangs"]:
        if not g.get("vehicles") or not g.get("place"):
            continue
        leader_name = next(m["name"] for m in g["members"] if m["id_card"] == g["leader"])
        hits = httpx.get(base + "/api/search", params={"q": g["place"], "labels": "Site"}, headers=h).json()["hits"]
        if not hits or hits[0]["name"] != g["place"]:
            continue
        r = httpx.get(
            base + "/api/export/evidence", params={"from": f"person:{g['leader']}", "to": hits[0]["key"]}, headers=h
        )
        if r.status_code == 200:
            return leader_name, g["place"]
    pytest.fail("no planted gang whose leader reaches its dump site")


def test_demo_bundle_walk(demo_server, page, tmp_path):
    leader_name, place = _planted_case(demo_server)
    _login(page, demo_server["base"])

    page.click("[data-tab=gangs]")
    page.wait_for_selector(".gang-item")
    item = page.locator(".gang-item", has_text=leader_name).first
    assert leader_name in item.locator(".leader").inner_text()  # detected leader = planted leader
    item.click()
    page.click("#gang-draw")
    page.wait_for_function("window.cy && window.cy.nodes('.leader').length === 1")
    leader = page.evaluate("window.cy.nodes('.leader')[0].id()")
    page.wait_for_selector(f"#panel-body h2:has-text('{leader_name}')")

    before = page.evaluate("window.cy.nodes().length")
    page.evaluate("window.cy.fit(undefined, 60)")
    pos = _node_screen_pos(page, leader)
    page.mouse.dblclick(pos["x"], pos["y"])
    page.wait_for_function(f"window.cy.nodes().length > {before}")

    page.click("#panel-body #set-from")
    page.fill("#path-to", place)
    page.click("#path-btn")
    page.wait_for_selector("#path-summary")
    assert place in page.inner_text("#path-result")

    with page.expect_download() as dl:
        page.click("#export-pdf")
    pdf = tmp_path / "evidence.pdf"
    dl.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "证据链" in text and leader_name in text and place in text


def test_demo_upstream_view(demo_server, page):
    """溯源: pick a station that saw a planted event; the planted source outfall and its owner
    come first in the list and stand highlighted on the canvas."""
    ev = demo_server["truth"]["water_events"][0]
    station = ev["station"] if str(ev["station"]).startswith("site:") else f"site:{ev['station']}"
    source = str(ev["source_outfall"]).split(":", 1)[-1]
    _login(page, demo_server["base"])
    page.click("[data-tab=upstream]")
    page.wait_for_selector(f"#upstream-site option[value='{station}']", state="attached")
    options = page.locator("#upstream-site option").all_inner_texts()
    assert any("监测站" in o for o in options) and any("河段" in o for o in options)
    page.select_option("#upstream-site", station)
    if ev.get("indicator"):
        page.fill("#upstream-indicator", str(ev["indicator"]))
    page.click("#upstream-btn")
    page.wait_for_selector(".upstream-item")
    first = page.locator(".upstream-item").first
    assert first.get_attribute("data-key").split(":", 1)[-1] == source
    assert first.locator(".rank").inner_text() == "1" and first.locator(".owner").inner_text()
    assert "上游排口" in page.inner_text("#upstream-summary")
    on = page.evaluate("window.cy.elements('.onpath').map(e => e.id())")
    assert f"site:{source}" in on and station in on  # source → river segments → station, highlighted
    assert page.evaluate("window.cy.edges('.onpath').length") >= 2

    # A river segment works the same way: its upstream outfalls, ranked.
    seg = page.evaluate(
        "Array.from(document.querySelectorAll('#upstream-site option')).find(o => o.textContent.startsWith('河段')).value"
    )
    page.fill("#upstream-indicator", "")
    page.select_option("#upstream-site", seg)
    page.click("#upstream-btn")
    page.wait_for_function("document.body.dataset.upstream !== undefined")
    page.wait_for_selector("#upstream-summary:has-text('上游排口')")
