"""Browser-test fixtures: the real server (uvicorn subprocess) on a free port over a tmp
data dir holding the planted graph; headless Debian Chromium driven by Playwright.

Nothing is installed here: without Chromium, pdftotext, Playwright or the npm web
assets the tests skip and say what to run (`scripts/setup_assets.sh`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "api"))

import graph_fixture  # noqa: E402
import hub_fixture  # noqa: E402

SCREENSHOTS = REPO / "out" / "screenshots"  # ignored by git: what a user sees, per journey and width
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}

CHROMIUM = os.environ.get("ECOGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(config, items):
    reasons = []
    if not Path(CHROMIUM).exists():
        reasons.append(f"Chromium not found at {CHROMIUM}")
    if shutil.which("pdftotext") is None:
        reasons.append("pdftotext (poppler-utils) missing")
    try:
        import playwright  # noqa: F401
    except ImportError:
        reasons.append("Python package playwright missing")
    web = REPO / "api" / "web" / "node_modules"
    assets = [
        "cytoscape/dist/cytoscape.min.js",
        "cytoscape-fcose/cytoscape-fcose.js",
        "cytoscape-dagre/dist/cytoscape-dagre.min.js",
        "cytoscape-svg/cytoscape-svg.js",
    ]
    if not all((web / a).exists() for a in assets):
        reasons.append("web assets missing (npm ci in api/web)")
    if reasons:
        skip = pytest.mark.skip(reason="; ".join(reasons) + " — run scripts/setup_assets.sh")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def server():
    d = Path(tempfile.mkdtemp(prefix="egb-"))
    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server

    store = open_store("falkordb", d)
    store.wipe()
    graph_fixture.build(store)
    hub_fixture.build_hub(store)
    store.close()
    from api.security.users import ensure_demo_users, mark_demo_dir

    mark_demo_dir(d)

    ensure_demo_users(d)
    port = _free_port()
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(d), "ECOGRAPH_BACKEND": "falkordb"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.http.asgi:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        pytest.fail(f"server did not start: {out[-2000:]}")
    yield {"base": base, "data_dir": d}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    stop_server(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    # bypass_csp: Playwright's polling predicates (wait_for_function) eval in the page, which the
    # server's CSP forbids; the workbench itself runs under the CSP in test_browser_csp.py.
    ctx = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1500, "height": 900}, bypass_csp=True
    )
    pg = ctx.new_page()
    pg.set_default_timeout(20000)
    yield pg
    ctx.close()


@pytest.fixture
def shots(request):
    """`shots(page, name)`: screenshots of the page as it is at 1280×800 and at 390×844 (then back)."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> dict[str, Path]:
        size = page.viewport_size
        out = {}
        for label, (w, h) in VIEWPORTS.items():
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(300)
            out[label] = folder / f"{name}-{w}x{h}.png"
            page.screenshot(path=str(out[label]))
        page.set_viewport_size(size)
        page.wait_for_timeout(200)
        return out

    return take


@pytest.fixture(scope="session")
def demo_server():
    """The README's path: `ecograph demo` (synthetic bundle, ingest, analyses, demo users), then the real server."""
    try:
        import synthetic  # noqa: F401
    except ImportError:
        pytest.skip("synthetic not installed yet — the demo bundle cannot be generated")
    d = Path(tempfile.mkdtemp(prefix="egdm-"))
    from graph_schema.store.falkor_server import stop_server

    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(d), "ECOGRAPH_BACKEND": "falkordb"}
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(d), "demo", "--json"], cwd=REPO, env=env,
        capture_output=True, timeout=600,
    )  # fmt: skip
    if run.returncode != 0:
        stop_server(d)
        pytest.fail(f"ecograph demo failed: {run.stderr.decode(errors='replace')[-2000:]}")
    import json

    report = json.loads(run.stdout)
    truth = json.loads((Path(report["bundle"]) / "truth.json").read_text(encoding="utf-8"))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(d), "serve", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("ecograph serve did not start")
    yield {"base": base, "data_dir": d, "report": report, "truth": truth}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    stop_server(d)
    shutil.rmtree(d, ignore_errors=True)
