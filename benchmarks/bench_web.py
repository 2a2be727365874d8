"""The workbench as an analyst feels it: headless Chromium timing search and path drawing.

    python benchmarks/bench_web.py [--nodes 100000] [--tries 20] [--workers 1] [--data-dir DIR]

Builds (or reuses) the benchmark graph of `bench_setup.py`, serves the API and the
workbench (`api/web/static`) with uvicorn, and drives the page with Playwright in
headless Debian Chromium (`/usr/bin/chromium`, or `$ECOGRAPH_CHROMIUM`; as the browser
tests do), logged in through the login form as the benchmark analyst (masking on).
Times, from the analyst's action to what they see:

- `login → ready`: the login button to the workbench ready (`body[data-ready]`), once;
- `search results visible`: Enter in the search box to the result list drawn (a name
  of the generated population, or a case title);
- `4-hop path drawn`: the path button to the path drawn on the chart and listed (two
  persons 4 hops apart, keys typed into the path form; the workbench asks for
  alternatives, `all_simple=true`, as it always does), the chart cleared before each.

p50/p95/max over `--tries` of each, one analyst, nothing else running; the host's cores
and load are printed with the table.  It reports and asserts nothing: a step that did
not end in results counts in `not ok` with what the page said.  Without Chromium,
Playwright or the web assets it says what is missing and exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_setup import ANALYST, GIVEN, SURNAMES, api_server, ensure_graph, host_line  # noqa: E402

CHROMIUM = os.environ.get("ECOGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ASSETS = ["cytoscape/dist/cytoscape.min.js", "cytoscape-fcose/cytoscape-fcose.js"]

# The step is over when the page has replaced its "searching…" line.
SEARCH_DONE = """() => { const li = document.querySelector('#search-results li');
  return li && !li.textContent.includes('搜索中'); }"""
PATH_DONE = """() => document.querySelector('#path-cancel').hidden
  && !document.querySelector('#path-result').textContent.includes('查找中')"""


def missing() -> list[str]:
    out = []
    if not Path(CHROMIUM).exists():
        out.append(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        out.append("Python package playwright missing (pip install -e '.[dev]')")
    web = REPO / "api" / "web" / "node_modules"
    if not all((web / a).exists() for a in ASSETS):
        out.append("web assets missing (scripts/setup_assets.sh)")
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def time_search(page, q: str) -> tuple[float, bool, str]:
    page.click("[data-tab=search]")
    page.evaluate("() => { document.querySelector('#search-results').innerHTML = ''; }")
    page.fill("#search-input", q)
    t = time.perf_counter()
    page.press("#search-input", "Enter")
    page.wait_for_function(SEARCH_DONE)
    ms = (time.perf_counter() - t) * 1000
    hits = page.locator("#search-results .hit").count()
    return ms, hits > 0, f"{hits} hits" if hits else page.inner_text("#search-results")[:60]


def time_path(page, a: str, b: str) -> tuple[float, bool, str]:
    page.click("[data-tab=path]")
    page.evaluate("() => { window.cy && window.cy.elements().remove(); delete document.body.dataset.pathFound; }")
    page.fill("#path-from", a)
    page.fill("#path-to", b)
    page.select_option("#path-hops", "4")
    t = time.perf_counter()
    page.click("#path-btn")
    page.wait_for_function(PATH_DONE)
    ms = (time.perf_counter() - t) * 1000
    drawn = page.evaluate("() => document.body.dataset.pathFound === '1' && window.cy.elements('.onpath').length")
    if drawn:
        return ms, True, f"{drawn} elements on the path"
    return ms, False, page.inner_text("#path-result")[:60]


def run(base: str, pairs: list[tuple[str, str]], units: int, tries: int, seed: int = 11) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    rnd = random.Random(seed)
    names = [SURNAMES[i] + GIVEN[j] for i in range(len(SURNAMES)) for j in range(len(GIVEN))]
    steps: dict[str, dict] = {}

    def note(step: str, ms: float, ok: bool, what: str) -> None:
        s = steps.setdefault(step, {"ms": [], "bad": []})
        s["ms"].append(ms)
        if not ok:
            s["bad"].append(what)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # bypass_csp: the timing predicates run in the page, which the server's CSP forbids
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1500, "height": 900}, bypass_csp=True)
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + "/")
        page.fill("#username", ANALYST[0])
        page.fill("#password", ANALYST[1])
        t = time.perf_counter()
        page.click("#login-btn")
        page.wait_for_selector("body[data-ready='1']")
        note("login → ready", (time.perf_counter() - t) * 1000, True, "")
        time_search(page, names[0])  # warm-up: first request of the page, fonts, layout
        for _ in range(tries):
            q = rnd.choice(names) if rnd.random() < 0.8 else f"案件 B{rnd.randrange(units):07d}"
            note("search results visible", *time_search(page, q))
        if pairs:
            time_path(page, *pairs[0])
            for _ in range(tries):
                note("4-hop path drawn", *time_path(page, *rnd.choice(pairs)))
        ctx.close()
        browser.close()
    return steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--tries", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse/keep the graph here (default: a temp dir)")
    args = ap.parse_args()
    why = missing()
    if why:
        print("bench_web skipped: " + "; ".join(why))
        return 0
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="egweb-"))
    try:
        g = ensure_graph(data_dir, args.nodes)
        pairs = [(a, b) for a, b in g.pairs if a.startswith("person:P") and b.startswith("person:P")]
        with api_server(data_dir, args.workers) as srv:
            steps = run(srv.base, pairs, g.units, args.tries)
    finally:
        if args.data_dir is None:
            from graph_schema.store.falkor_server import stop_server

            stop_server(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)
    print()
    print(f"workbench in headless Chromium: {g.nodes:,} nodes, {g.relationships:,} relationships; "
          f"one analyst, {args.workers} uvicorn worker(s)")  # fmt: skip
    print(host_line())
    print(f"{'step':<26}{'tries':>6}{'not ok':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, s in steps.items():
        ms = s["ms"]
        print(f"{name:<26}{len(ms):>6}{len(s['bad']):>8}{pct(ms, 50):>10.0f}{pct(ms, 95):>10.0f}{max(ms):>10.0f}")
    for name, s in steps.items():
        for what in sorted(set(s["bad"]))[:3]:
            print(f"  {name} not ok: {what}")
    if not pairs:
        print("  (no 4-hop path step: the graph has no persons without an ID; use --nodes 50000 or more)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
