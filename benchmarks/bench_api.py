"""API latency under load: p50/p95 of search, neighbours and a 4-hop path at 50 concurrent clients.

    python benchmarks/bench_api.py [--nodes 1000000] [--clients 50] [--requests 10] [--workers N]
                                   [--data-dir DIR] [--keep]

Builds (once; reused when `--data-dir` already holds a graph of that size) an
embedded FalkorDB graph of `--nodes` nodes: case units of one document, three
persons (resident IDs), a vehicle, sharing a pool of sites (1 per 100 nodes) and
companies — INVOLVED_IN, MENTIONS, CO_OFFENDER, DRIVES, SEEN_AT, DUMPED_AT,
TRANSPORTS, about 2.6 relationships per node — so a person reaches a person of
another case in 4 hops through a shared site (person→vehicle→site←vehicle←person).
Nodes get the name-search property as `investigations.pipeline` writes it.
Then starts `uvicorn api.http.asgi:app` on it (`--workers`, default one per core)
and drives it over HTTP with `--clients` concurrent httpx clients logged in as the
analyst (masking and the audit log on, as in production).  Prints a table of
p50/p95/max latency and throughput per operation, then where the time went: the
mean per request of store time (waiting on FalkorDB), the rest of the server's
time (Python: routing, auth, masking, JSON, audit) and store round trips, from
each response's `Server-Timing` header (absent on servers older than it: `-`).
`budget` counts path answers cut by their time budget (200, `budget_hit`).

`alternatives 6` asks for the 10 shortest alternative paths of up to six hops between two
random sites (`all_simple=true`): a server from before bounded paths does not answer it
(`--ops search neighbours "path (4 hops)"` to leave it out).

Figures of 2026-12 (issue 17), before any of this, in the same run format —
1,000,000 nodes, 2,364,000 relationships, 50 clients × 5 requests, 2 uvicorn
workers, a half-busy 2-core host:

    operation        p50 ms   p95 ms   req/s
    search              933    1,983      45
    neighbours          523    2,262      51
    path (4 hops)     1,038    2,730      35

At 100,000 nodes (236,400 relationships), 2 workers, on the shared 2-core host with a load
average of 5–11 from other jobs (so the 50-client figures mostly measure that queue: the
server's own time per request, store + python, is 60–200 ms of them), 2026-12-04:

    50 clients × 5       p50 ms (before → after)    p95 ms            req/s
    search               960 / 220 → 236–618         2,920 / 852 → 550–1,589    36 / 92 → 58–142
    neighbours           778 / 383 → 265–423         1,732 / 1,081 → 847–1,965  39 / 90 → 64–120
    path (4 hops)        1,540 / 537 → 422–878       3,983 / 2,314 → 916–2,952  21 / 50 → 37–89
    alternatives 6       no answer → 2,267 (196 of 250 cut at the 1.5 s budget under that load; ~200 ms alone)

    2 clients × 25       before → after (p50 ms)     server side after: store + python ms, queries
    search               19.3 → 15.0                 13.6 + 8.9, 1 (was one query per label)
    neighbours           10.8 → 12.2                 2.8 + 3.4, 2
    path (4 hops)        21.7 → 13.5                 10.8 + 3.6, 6 (was 8)

"before" is the code before time budgets (first figure: without hiredis; second: with it,
the C parser of FalkorDB replies, which alone took a search's client-side parsing from ~60%
of its time to little).  "after" is the range over three runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph_schema.model import GraphBatch, Provenance  # noqa: E402
from graph_schema.store import open_store  # noqa: E402
from investigations.explore import refresh_search_index  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国明华伟强军平东海波涛勇杰磊斌浩鹏超亮刚辉鑫宇晨阳小虎龙飞"
PROVINCES = "浙苏皖赣闽沪"
ID_PEOPLE = 20000  # the first persons carry resident IDs (masked for the analyst); unique below 21,000


def person_id(i: int) -> str:
    body = f"330502{1960 + i % 40:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    # GB 11643 check digit
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def build_graph(store, n_nodes: int, seed: int = 7, chunk_units: int = 4000) -> dict:
    rnd = random.Random(seed)
    n_sites = max(10, n_nodes // 100)
    n_companies = max(10, n_nodes // 200)
    units = max(1, (n_nodes - n_sites - n_companies) // 5)
    t0 = time.perf_counter()
    b = GraphBatch()
    for s in range(n_sites):
        b.add_node(f"site:S{s:06d}", name=f"{SURNAMES[s % len(SURNAMES)]}家村{s}号地块", kind="checkpoint" if s % 3 else "mine_pit",
                   lon=119.5 + (s % 100) / 100, lat=29.5 + (s // 100 % 100) / 100)  # fmt: skip
    for c in range(n_companies):
        b.add_node(f"company:C{c:06d}", name=f"{SURNAMES[c % len(SURNAMES)]}{GIVEN[c % len(GIVEN)]}化工有限公司{c}")
    store.write_batch(b)  # the store derives the name-search property
    for start in range(0, units, chunk_units):
        b = GraphBatch()
        for u in range(start, min(units, start + chunk_units)):
            doc = f"doc:case:B{u:07d}"
            people = []
            for j in range(3):
                i = u * 3 + j
                pid = person_id(i) if i < ID_PEOPLE else None
                key = f"person:{pid}" if pid else f"person:P{i:08d}"
                name = (
                    SURNAMES[rnd.randrange(len(SURNAMES))]
                    + GIVEN[rnd.randrange(len(GIVEN))]
                    + GIVEN[rnd.randrange(len(GIVEN))]
                )
                b.add_node(key, name=name, id_card=pid if key.endswith(pid or "#") else None)
                people.append((key, name))
            plate = f"{PROVINCES[u % len(PROVINCES)]}{chr(65 + (u // 100000) % 26)}{u % 100000:05d}"  # unique per unit
            veh = f"vehicle:{plate}"
            site = f"site:S{rnd.randrange(n_sites):06d}"
            company = f"company:C{rnd.randrange(n_companies):06d}"
            text = f"{people[0][1]}伙同{people[1][1]}、{people[2][1]}驾驶{plate}将废液倾倒于地块{site[5:]}。"
            b.add_node(
                doc,
                source="case",
                record_id=f"B{u:07d}",
                title=f"案件 B{u:07d}",
                time=f"2024-{1 + u % 12:02d}-{1 + u % 28:02d} 23:00:00",
                text=text,
            )
            b.add_node(veh, plate=plate, name=plate)
            pv = Provenance(doc=doc, method="rule", confidence=0.9, quote=text, seen="2024-05-21T23:00:00")
            for key, _ in people:
                b.add_rel("INVOLVED_IN", key, doc, pv, role="犯罪嫌疑人")
                b.add_rel("MENTIONS", doc, key, pv)
            b.add_rel("CO_OFFENDER", people[0][0], people[1][0], pv)
            b.add_rel("CO_OFFENDER", people[0][0], people[2][0], pv)
            b.add_rel("DRIVES", people[0][0], veh, pv)
            b.add_rel("SEEN_AT", veh, site, pv, time="2024-05-21 22:40:00")
            b.add_rel("DUMPED_AT", veh, site, pv)
            b.add_rel("TRANSPORTS", veh, company, pv)
        store.write_batch(b)
        done = min(units, start + chunk_units)
        if done % (chunk_units * 10) == 0 or done == units:
            print(f"  built {done}/{units} case units ({time.perf_counter() - t0:.0f}s)", flush=True)
    return {"units": units, "sites": n_sites, "companies": n_companies, "seconds": time.perf_counter() - t0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


async def drive(base: str, token: str, clients: int, requests: int, make_request, label: str) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    budget_hits = 0
    profile = {"store": 0.0, "app": 0.0, "queries": 0, "n": 0}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120, limits=limits
    ) as c:

        async def one_client(cid: int) -> None:
            nonlocal errors, budget_hits
            rnd = random.Random(cid)
            for _ in range(requests):
                path, params = make_request(rnd)
                t = time.perf_counter()
                r = await c.get(path, params=params)
                latencies.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    errors += 1
                elif path == "/api/paths" and r.json().get("budget_hit"):
                    budget_hits += 1
                _add_profile(profile, r.headers.get("server-timing"))

        t0 = time.perf_counter()
        await asyncio.gather(*(one_client(i) for i in range(clients)))
        wall = time.perf_counter() - t0
    n = profile["n"] or None
    return {"op": label, "n": len(latencies), "errors": errors, "p50": pct(latencies, 50), "p95": pct(latencies, 95),
            "max": max(latencies), "rps": len(latencies) / wall, "budget": budget_hits,
            "store_ms": profile["store"] / n if n else None, "app_ms": profile["app"] / n if n else None,
            "queries": profile["queries"] / n if n else None}  # fmt: skip


def _add_profile(profile: dict, header: str | None) -> None:
    """`Server-Timing: store;dur=12.3;desc="2 queries", app;dur=4.5` → running sums."""
    if not header:
        return
    for part in header.split(","):
        fields = dict(f.strip().split("=", 1) if "=" in f else (f.strip(), "") for f in part.split(";"))
        name = part.split(";", 1)[0].strip()
        if name in ("store", "app") and "dur" in fields:
            profile[name] += float(fields["dur"])
        if name == "store" and fields.get("desc"):
            profile["queries"] += int(fields["desc"].strip('"').split()[0])
    profile["n"] += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=10, help="requests per client per operation")
    ap.add_argument("--workers", type=int, default=0, help="uvicorn worker processes (0: one per core)")
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse/keep the graph here (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="leave the data dir (and its FalkorDB server) in place")
    ap.add_argument(
        "--server-repo", type=Path, default=REPO, help="checkout whose API the server runs (before/after runs)"
    )
    ap.add_argument("--ops", nargs="+", default=["search", "neighbours", "path (4 hops)", "alternatives 6"],
                    help="operations to run (alternatives 6 hangs a server from before bounded paths)")  # fmt: skip
    args = ap.parse_args()
    args.workers = args.workers or len(os.sched_getaffinity(0)) or 1

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="egbench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store("falkordb", data_dir)
    total = sum(store.stats()["nodes"].values())
    if total < args.nodes * 0.999:
        print(f"building a graph of ~{args.nodes:,} nodes in {data_dir} …", flush=True)
        store.wipe()
        info = build_graph(store, args.nodes)
        print(f"  built in {info['seconds']:.0f}s", flush=True)
    else:
        n = refresh_search_index(store)  # a graph built before the name-search property existed
        if n:
            print(f"  name-search property written on {n:,} nodes", flush=True)
    stats = store.stats()
    n_nodes, n_rels = sum(stats["nodes"].values()), sum(stats["relationships"].values())
    units = stats["nodes"].get("Document", 1)
    n_sites = stats["nodes"].get("Site", 1)
    # 4-hop pairs: two drivers whose vehicles were seen at the same site.
    rows = store._read(
        "MATCH (p:Person)-[:DRIVES]->(:Vehicle)-[:SEEN_AT]->(s:Site)<-[:SEEN_AT]-(:Vehicle)<-[:DRIVES]-(q:Person) "
        "WHERE p.key < q.key RETURN p.key AS a, q.key AS b LIMIT 500",
        {},
    )
    pairs = [(r["a"], r["b"]) for r in rows]
    store.close()

    from api.security.users import UserStore

    users = UserStore(data_dir)
    if users.get("bench") is None:
        users.add("bench", "bench-password", "analyst", "基准测试")
    port = _free_port()
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(data_dir), "ECOGRAPH_BACKEND": "falkordb"}
    cmd = [sys.executable, "-m", "uvicorn", "api.http.asgi:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(args.workers), "--log-level", "warning"]  # fmt: skip
    env["PYTHONPATH"] = str(args.server_repo)
    proc = subprocess.Popen(cmd, cwd=args.server_repo, env=env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on kill, too
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(150):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = httpx.post(base + "/api/auth/token", data={"username": "bench", "password": "bench-password"}).json()[
            "access_token"
        ]
        names = [SURNAMES[i] + GIVEN[j] for i in range(len(SURNAMES)) for j in range(len(GIVEN))]

        def search_req(rnd):
            return "/api/search", {"q": rnd.choice(names + [f"案件 B{rnd.randrange(units):07d}"]), "limit": 20}

        def neigh_req(rnd):
            u = rnd.randrange(units)
            keys = [f"doc:case:B{u:07d}", f"site:S{rnd.randrange(n_sites):06d}"]
            if u * 3 >= ID_PEOPLE:
                keys.append(f"person:P{u * 3:08d}")
            key = rnd.choice(keys)
            return f"/api/entities/{key}/neighbours", {"hops": 1, "limit": 200}

        def path_req(rnd):
            a, b = rnd.choice(pairs)
            return "/api/paths", {"a": a, "b": b, "max_hops": 4}

        def alt_req(rnd):  # alternatives between two sites: what never ended before paths were bounded
            a, b = (f"site:S{rnd.randrange(n_sites):06d}" for _ in range(2))
            return "/api/paths", {"a": a, "b": b, "max_hops": 6, "all_simple": "true", "limit": 10}

        print(f"graph: {n_nodes:,} nodes, {n_rels:,} relationships; {args.clients} clients × {args.requests} requests per op; "
              f"uvicorn workers={args.workers}", flush=True)  # fmt: skip
        results = []
        ops = [("search", search_req), ("neighbours", neigh_req), ("path (4 hops)", path_req),
               ("alternatives 6", alt_req)]  # fmt: skip
        for label, fn in ops:
            if label not in args.ops:
                continue
            if label.startswith("path") and not pairs:
                continue
            asyncio.run(drive(base, token, min(args.clients, 5), 2, fn, label))  # warm-up
            results.append(asyncio.run(drive(base, token, args.clients, args.requests, fn, label)))
            r = results[-1]
            print(f"  {r['op']:<14} done: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms", flush=True)
        print()
        print(
            f"{'operation':<16}{'requests':>9}{'errors':>8}{'budget':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'req/s':>9}"
        )
        for r in results:
            print(
                f"{r['op']:<16}{r['n']:>9}{r['errors']:>8}{r['budget']:>8}{r['p50']:>10.1f}{r['p95']:>10.1f}{r['max']:>10.1f}{r['rps']:>9.1f}"
            )
        print()
        print("where the time goes (mean per request, server side)")
        print(f"{'operation':<16}{'store ms':>10}{'python ms':>11}{'queries':>9}")
        for r in results:
            if r["store_ms"] is None:
                print(f"{r['op']:<16}{'-':>10}{'-':>11}{'-':>9}")
            else:
                print(f"{r['op']:<16}{r['store_ms']:>10.1f}{r['app_ms']:>11.1f}{r['queries']:>9.1f}")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not args.keep and args.data_dir is None:
            from graph_schema.store.falkor_server import stop_server

            stop_server(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
