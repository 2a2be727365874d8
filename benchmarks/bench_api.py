"""API latency under load: p50/p95 of search, neighbours and paths at 50 concurrent clients.

    python benchmarks/bench_api.py [--nodes 1000000] [--clients 50] [--requests 10] [--workers 2 1]
                                   [--data-dir DIR] [--keep] [--build-only] [--flame DIR] [--ops ...]

Builds (once; reused when `--data-dir` already holds a graph of that size) the
benchmark graph of `--nodes` nodes described in `bench_setup.py`: case units of
persons, vehicles, sites and companies, so that persons of different cases are 4
hops apart, and two hubs of ~5,000 links each (a busy checkpoint, a receiver of
transfer manifests).  `--build-only` stops there (build the 1M graph once, then
benchmark it many times).

Then, for each `--workers` count (0: `ecograph serve`'s default), starts `ecograph serve`
on it and drives it over HTTP with `--clients` concurrent httpx clients logged in as
the analyst (masking and the audit log on, as in production).  Prints, per worker
count, with the host's cores and load average (on a shared host the load is much of
what a latency figure measures):

- p50/p95/max latency and throughput per operation; `errors` counts failed requests by
  HTTP status (`exc` for no answer at all); `budget` counts path answers cut by their
  time budget (200, `budget_hit`);
- where the time went: the mean per request of store time (waiting on FalkorDB), the
  rest of the server's time (Python: routing, auth, masking, JSON, audit) and store
  round trips, from each response's `Server-Timing` header (`-` on servers without it);
- issue 17's figures beside this run's, in the same format;
- `hubs 6`: a 6-hop path request between the two hubs, shortest and 10 alternatives,
  three tries each, one at a time after the load: each must answer within 2 s, found
  or flagged "not within budget" (`budget_hit`); and whether FalkorDB still runs or
  queues a query once the answer is in (`GRAPH.INFO`), right away and a second later.

`alternatives 6` asks for the 10 shortest alternative paths of up to six hops between two
random sites (`all_simple=true`): a server from before bounded paths does not answer it
(`--ops search neighbours "path (4 hops)"` to leave it out).

`--flame DIR` samples the server (uvicorn and its workers) with py-spy during each
operation's load and writes `DIR/w<workers>-<operation>.svg` flame graphs.

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

At 1,000,000 nodes (2,374,000 relationships), 50 clients × 5, on the same 2-core host with a
load average of 1.5–2.3, 2026-12-05 (first: the code of 2026-12-04 evening — one search query,
one neighbourhood query, audit group commit, caches, orjson; second: search ships 2×limit
full-text candidates instead of limit per label):

    2 workers            p50 ms                  p95 ms                  req/s
    search               933 → 508 → 243         1,983 → 869 → 857       45 → 89 → 121
    neighbours           523 → 143 → 168         2,262 → 453 → 661       51 → 193 → 171
    path (4 hops)        1,038 → 255 → 225       2,730 → 874 → 777       35 → 129 → 132
    server side, search  store 79 + python 125 ms → store 14 + python 44 ms (1 query)
    1 worker (second)    search 300 / 776 / 131, neighbours 204 / 574 / 176, path 326 / 1,242 / 103
    hubs 6               every try answered in 1.5–1.9 s, "not within budget", store idle after

The targets (p95 ≤ 100 / 200 ms, ≥ 500 req/s) are not met: 50 clients, the server and
FalkorDB share two cores, and a request costs ~4 ms of CPU end to end (a search alone,
in process, 3.7 ms), so the host serves ~130–190 requests/s and the rest is queueing.

Same graph, 2026-12-05 evening, the same server code: the load client was httpx's async client,
which spent 5 ms of CPU per request on the two cores the server and FalkorDB need; the lean
client (`http_load`, `--client raw`, now the default) spends 0.1 ms.  CPU per request, from
the processes' counters: search API 4.8 ms + FalkorDB 1.3 ms, neighbours 2.0 + 0.4, path 2.7 + 4.6.

    2 workers            p50 ms            p95 ms            req/s        (httpx client → lean client)
    search               219 → 190         743 → 222         140 → 267
    neighbours           163 → 83          671 → 106         179 → 628
    path (4 hops)        232 → 194         874 → 287         134 → 251
    1 worker (lean)      search 259 / 472 / 189, neighbours 87 / 156 / 510, path 182 / 323 / 222
    hubs 6               1.5–1.9 s, "not within budget", store idle after

Still short of the targets but for neighbours (p95 106 ms at 628 req/s): a search costs
~6 ms of CPU and a path ~7 ms, so two cores top out near 300 and 270 a second.

2026-12-05 late, another 2-core machine of the same kind (slower: the unchanged neighbours
route ran 121 / 198 ms at 366 req/s there), search only, 50 clients × 20, 2 workers, the code
before and after search candidates came as their five match fields (properties fetched for the
kept hits only, each written form scored once per query), run back to back on one graph:

    search               p50 209 → 204 ms   p95 435 → 358 ms   202 → 218 req/s
    CPU per search       API 5.92 → 5.55 ms, FalkorDB 2.18 → 2.39 ms (a second round trip)
    in process           investigations.explore.search_entities: 4.00 → 3.09 ms CPU, same hits

2026-12-07, a slow machine of the same kind (load ~1.4), 50 clients × 10, 2 workers, back to back on
one graph with `--server-repo`: the code before → after the capped hub test (FalkorDB's
indegree/outdegree took ~0.4 ms a node, asked of every node a path search expanded), joint
frontier steps with the meeting point checked in the hops' query, and plain FalkorDB replies
for the search candidates and path steps (`// reply: scalar`):

    2 workers            p50 ms        p95 ms        req/s        CPU per request: API + FalkorDB
    search               350 → 220     555 → 335     132 → 213    7.6 + 2.8 → 4.9 + 2.5 ms
    neighbours           109 → 92      166 → 190     404 → 449    (unchanged code)
    path (4 hops)        330 → 122     510 → 206     141 → 353    4.7 + 8.5 → 2.8 + 2.2 ms (5.1 → 3.0 queries)
    hubs 6, shortest     1.5 s "not within budget" → found (3 hops) in 0.5–0.7 s; alternatives at the 1.5 s budget

Later on 2026-12-07, same machine, search only, ee60de4 → 784f0e9 (the candidates ranked in one
loop, 0.60 → 0.38 ms a search in process), interleaved twice: 229 / 265 → 304 / 300 req/s,
p50 180 / 141 → 147 / 162 ms, p95 446 / 279 → 263 / 267 ms, 0 errors.

2026-12-07 evening, a quiet machine of the same kind (load < 0.2 before the run), 50 clients × 20,
2 workers, the code of ff6b6ab; `floor (no store)` (`--ops "floor (no store)"`: `/api/schema`,
authenticated, audited, masked, served, no store query) is the stack's own cost per request:

    2 workers            p50 ms   p95 ms   req/s    CPU per request: API + FalkorDB
    floor (no store)       15.7     38.6   2,300    0.52 + 0
    search                107.9    206.8     403    2.53 + 1.53 ms (2 queries)
    neighbours             53.6    153.5     699    1.69 + 0.43 ms (1 query)
    path (4 hops)          75.0    146.5     578    1.75 + 1.25 ms (3 queries)

Path meets its target here (p95 ≤ 200 ms, ≥ 500 req/s; 528 req/s, p95 157 ms on a second run);
neighbours does not (p95 ≤ 100 ms); search is furthest (~4 ms of CPU a request: two cores top
out near 500 a second, and a closed loop of 50 clients then waits 100 ms on average).  The
same operations repeated with 60 requests a client minutes later gave 312 / 390 / 446 req/s:
on this shared host one run's figures move by a third, so compare runs only back to back.
In process, a search's own work (query, ranking, masking, JSON) is 0.99 ms of CPU and a
neighbour view's 0.74 ms; under load the API spends 1–1.5 ms more per request than that
(threads, the GIL, the second worker and FalkorDB on the same two cores).

2026-12-07 night (eleventh session), a busier machine of the same kind (the floor ran 1.1 ms of API CPU
a request, twice the figure above), 50 clients × 10, 2 workers: `ecograph serve` with one shared
listening socket (uvicorn's `--workers`) → a socket per worker (SO_REUSEPORT, `api.http.serving`).
The shared socket had split the 50 clients' keep-alive connections 35 / 15 between the workers (counted
with `ss` during a run); medians of 8 alternating bursts, the two servers up side by side:

    2 workers            p50 ms         p95 ms         req/s        CPU per request: API + FalkorDB
    search               130 → 126      254 → 239      331 → 348    3.23 + 1.68 → 3.13 + 1.68 ms
    neighbours            88 → 94       202 → 210      474 → 446    2.36 + 0.62 → 2.81 + 0.67 ms

Within this host's noise on two cores, where both workers and FalkorDB are always runnable and the
kernel shares the cores between them whatever the split; the even split matters where a worker
would otherwise idle (more cores than load).  anyio's thread limit per worker at 2 or 4 (FIFO
requests instead of 25 interleaved on the GIL) was measured the same way: within noise (search
p95 270 / 241 ms, neighbours 186 / 187 ms).

2026-12-07 late (twelfth session), a busy machine of the same kind (floor 0.8–1.0 ms of API CPU), 50
clients × 10, 2 workers, 6 alternating bursts against two servers side by side (04a1fc8 → eb2b8d8: a name
search's full text ships 3 candidates per hit shown, the shortest names first, instead of its ~200
best-scored — the index scores a common name's ~600 matches alike, and parsing and ranking 200 of them was
half of the search's CPU):

    2 workers            p50 ms        p95 ms        req/s
    search               140 → 125     248 → 215     324 → 372

The whole run on eb2b8d8 (50 clients × 20): floor 24 / 41 ms / 1,890 req/s; search 127 / 233 / 359 (CPU
per request API 2.77 + FalkorDB 2.13 ms; 4.53 + 2.25 on this host at the session's start); neighbours
74 / 187 / 557; path (4 hops) 114 / 198 / 394; hubs 6: shortest found in 0.5–0.7 s, alternatives at
the 1.5 s budget, store idle after.

Then the search and neighbours routes on the event loop, the store awaited (redis' asyncio client;
no worker thread per request, no GIL hand-offs among ~25 threads per worker), dadf32c → d937b7e, 6
alternating bursts of 50 clients × 10 (the host busier than above):

    2 workers            p50 ms        p95 ms        req/s
    search               136 → 115     254 → 195     319 → 391
    neighbours            93 → 76      224 → 173     436 → 510

The whole run on d937b7e minutes later, busier still (floor 1,034 req/s at 1.03 ms of API CPU, half the
figure above): search 133 / 246 / 321 (API 2.90 + FalkorDB 2.36 ms), neighbours 73 / 160 / 545, path
112 / 253 / 369, hubs 6 as above.

Half an hour later the host was quiet again (load 0.6; floor 1,858 req/s at 0.73 ms of API CPU), bab8557,
`--workers 2 1`, 50 clients × 20:

    workers   operation        p50 ms   p95 ms   req/s    CPU per request: API + FalkorDB
    2         search            125.2    200.7     382    2.47 + 2.08 ms (2 queries)
    2         neighbours         68.9    169.3     622    2.19 + 0.55
    2         path (4 hops)      88.2    170.5     511    2.01 + 1.32 (3 queries)
    1         search            115.4    202.0     401    1.97 + 1.80
    1         neighbours         88.3    201.1     497    1.91 + 0.48
    1         path (4 hops)     119.2    242.1     387    2.34 + 1.56

The 4-hop path meets its targets here (p95 ≤ 200 ms, ≥ 500 req/s); neighbours reaches 500 req/s
but not p95 ≤ 100 ms; search reaches neither.  One awaiting worker serves searches as well as two
(less API CPU a search: no second process contending for the cores), but neighbours and paths
(still on worker threads) need both.

2026-12-07 night (thirteenth session), the same kind of machine, its load moving through the session
(the floor ran 1,765–2,145 req/s).  What still cost time was not in the request path:

- *full garbage collections*: a worker's ~100,000 long-lived start-up objects were re-scanned by
  every full collection, every half second under load, stopping the worker 20–90 ms; a worker
  stopped while its audit thread held the shared audit lock stalled the other one too (clusters of
  10–40 requests finishing together ~130 ms late).  Each worker now freezes its start-up heap
  (`api.http.heap`).  A/B, 8 alternating bursts of 50 × 10, 20057cc → a55c7e3: neighbours p95
  146 → 69 ms, 718 → 1,048 req/s; search 162 → 131 ms, 531 → 575; path 181 → 132 ms, 521 → 605;
- *the store's allocator*: jemalloc zeroed the result blocks FalkorDB callocs for every query by
  madvise (MADV_DONTNEED): ~25 calls, each a TLB shoot-down on both cores, and ~35 page faults a
  name search (`perf`: a sixth of FalkorDB's CPU in the kernel).  The server now runs with
  `JE_MALLOC_CONF=thp:always` (jemalloc memsets) and huge pages off (`PR_SET_THP_DISABLE`).  Same
  API code, server restarted each way, medians of 6 bursts of 50 × 20: search 519 → 591 req/s
  (p95 145 → 125 ms), 4-hop path 526 → 638 (142 → 122), neighbours within noise;
- a name search's full text reads at most 10 matches per hit shown *per label* before keeping the
  shortest names, and names written exactly as the query come by their range index: search A/B
  395 → 483 req/s, p95 193 → 155 ms (FalkorDB 1.6 → 1.1 ms a search in process);
- a shortest path awaits its reads on the event loop (a plan, as search and neighbours): A/B
  369 → 404 req/s, p95 203 → 173 ms.

The session's base and end, the server restarted with each one's code, 4 rounds × 2 bursts of
50 clients × 20, alternating (medians):

    2 workers            p50 ms       p95 ms       req/s
    search               103 → 84     180 → 139    443 → 547
    neighbours            58 → 53     146 → 85     690 → 856
    path (4 hops)        106 → 74     216 → 129    417 → 607

The whole run on the end (00:12, load settling after the graph load):

    operation        p50 ms   p95 ms   req/s    CPU per request: API + FalkorDB
    floor (no store)   21.9     36.3   2,145    0.63 + 0
    search             72.1    118.6     667    1.60 + 0.98 ms (2 queries)
    neighbours         43.2     63.5   1,100    1.16 + 0.33
    path (4 hops)      61.5     99.1     761    1.30 + 0.97 (3 queries)
    hubs 6             shortest found (3 hops) in 0.37–0.42 s; 10 alternatives "not within budget"
                       at 1.5–1.8 s; the store idle after each

Neighbours (p95 ≤ 100 ms, ≥ 500 req/s) and the 4-hop path (p95 ≤ 200 ms, ≥ 500 req/s) meet issue
17's targets here and in the A/B; a run at a busier moment (23:53, the floor at 0.78 ms of API CPU)
gave neighbours p95 112 ms / 625 req/s and the path 177 ms / 455 req/s.  Search reaches 500 requests
a second but not p95 ≤ 100 ms (119–139 ms): at 2.6 ms of CPU a search, two cores serve ~770 a
second, and a closed loop of 50 clients then waits ~65 ms on average with a tail above 100.

2026-12-08 (fourteenth session), the same kind of machine, noisier still: two back-to-back runs of the
same code and worker count gave search p95 171 and 119 ms (458 and 693 req/s).  Two changes:

- *less CPU a request*: a name holding the query is ranked from the lengths (rapidfuzz's ratio of a
  substring follows from them), ASCII fields skipped for a query without ASCII; strings already
  masked looked up in place and small numbers passed without a scan; one JSON encoder for every
  query parameter (28 → 15 µs a search); redis' asyncio client without a socket timeout (it
  wrapped every send in `asyncio.wait_for`, a task and two more turns of the loop: 90 → 70 µs a
  read), each awaited read bounded by `asyncio.timeout` instead.  A/B, 2 workers, 6 alternating
  bursts of 50 × 20, d59574c → 03621c0: search API CPU 1.86 → 1.70 ms, 577 → 616 req/s;
- *the API's share of the cores* (`api.http.serving.default_workers`): with the embedded store one
  worker per core oversubscribed two cores (the store's threads run there too, ~40 % of a read's
  CPU), each worker's CPU per request rose and the kernel split the cores equally between the two
  workers however unevenly the 50 keep-alive connections were split between them (per-client mean
  latencies fell in two groups, 59–63 and 71–72 ms).  `ecograph serve` now starts half the cores,
  rounded up (one here).  Medians of 4 alternating bursts of 50 × 20, 1 → 2 workers, same code:

      operation        p50 ms         p95 ms         req/s          API CPU ms
      search           65 / 57        102 / 115      736 / 738      1.24 / 1.37
      neighbours       40 / 43         63 / 69      1,182 / 1,091   0.82 / 1.10
      path (4 hops)    67 / 59        101 / 123      706 / 768      1.24 / 1.22

  and 10 clients searching while a whole-graph gang detection (75 s of Python) ran on the
  server: 279 / 203 searches a second, p95 54 / 80 ms.

Whole runs, 50 clients × 20: at 02:39 (`--workers 2 1`), 1 worker: search p50 67 / p95 86 ms / 735
req/s (CPU API 1.24 + FalkorDB 0.90 ms), neighbours 56 / 91 / 842, path 76 / 97 / 669 — every target
of issue 17 met; 2 workers in the same run: search 61 / 113 / 648, neighbours 46 / 68 / 1,025, path
54 / 149 / 718.  At 02:52 on a slower moment (the floor 1,483 req/s, 2,000 a few minutes before; the
same code's search CPU 1.81 + 1.33 ms): search 98 / 148 / 492, neighbours 66 / 84 / 742, path 91 /
133 / 536; hubs 6: shortest found in 0.52–0.63 s, alternatives at the 1.5 s budget, store idle after.
The final code at 03:28 (default workers = 1; workers end with their supervisor): floor 20.6 / 35.8 /
2,186; search 69.5 / 112.8 / 694 (CPU API 1.26 + FalkorDB 0.91 ms); neighbours 49.7 / 82.3 / 903;
path 67.6 / 101.1 / 704; 0 errors; hubs 6 as above (shortest in 0.49–0.55 s).  The one worker's
core is now what bounds search (1.26 ms a search: ~790 a second at most).

Looked at and left: the first two requests of each client (50 connections opened at once) take
~125 ms while later ones take ~65, a tenth of a 20-request run's samples; an audit line's group
commit is ~22 ms of a request under load, but answering before it (tried) only moved the wait to
the store's queue — the cores are the limit, as Little's law says of a closed loop; the hits'
properties in the candidates' query instead of a second round trip (FalkorDB spends 70–90 µs of CPU
on any query): FalkorDB's `toJSON` writes quotes, backslashes and newlines inside strings as they
are (not JSON; a name could forge a field) and its plain reply writes maps unquoted.

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
import sys
import tempfile
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_setup import (  # noqa: E402
    GIVEN,
    HUB_CHECKPOINT,
    HUB_RECEIVER,
    ID_PEOPLE,
    SURNAMES,
    BenchGraph,
    api_server,
    ensure_graph,
    host_line,
    login,
    store_activity,
)
from flame import flame  # noqa: E402

# Issue 17's figures (1M nodes, 50 clients × 5 requests, 2 workers): p50 ms, p95 ms, req/s.
ISSUE_17 = {"search": (933, 1983, 45), "neighbours": (523, 2262, 51), "path (4 hops)": (1038, 2730, 35)}
HUBS_WITHIN_MS = 2000  # issue 17: a path request between two hubs answers within 2 s, found or not
OPS = ["search", "neighbours", "path (4 hops)", "alternatives 6", "hubs 6"]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


async def drive(
    base: str, token: str, clients: int, requests: int, make_request, label: str, client: str = "raw"
) -> dict:
    """`clients` concurrent analysts, `requests` each; `client` "raw" (`http_load`, one lean
    keep-alive connection each) or "httpx" (one shared async client, the load client until
    2026-12-05)."""
    import httpx
    from http_load import KeepAliveConnection

    latencies: list[float] = []
    failures: Counter[str] = Counter()  # HTTP status (or "exc") → count
    budget_hits = 0
    profile = {"store": 0.0, "app": 0.0, "queries": 0, "n": 0}
    auth = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    shared_client = (
        httpx.AsyncClient(base_url=base, headers=auth, timeout=120, limits=limits) if client == "httpx" else None
    )
    async with shared_client if shared_client is not None else nullcontext() as shared:

        async def one_client(cid: int) -> None:
            nonlocal budget_hits
            rnd = random.Random(cid)
            conn = KeepAliveConnection(base, auth) if client == "raw" else None
            try:
                for _ in range(requests):
                    path, params = make_request(rnd)
                    t = time.perf_counter()
                    try:
                        r = await (conn.get(path, params) if conn else shared.get(path, params=params))
                    except (TimeoutError, httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
                        latencies.append((time.perf_counter() - t) * 1000)
                        failures[f"exc:{type(exc).__name__}"] += 1
                        continue
                    latencies.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 200:
                        failures[str(r.status_code)] += 1
                    elif path == "/api/paths" and r.json().get("budget_hit"):
                        budget_hits += 1
                    _add_profile(profile, r.headers.get("server-timing"))
            finally:
                if conn:
                    await conn.close()

        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one_client(i) for i in range(clients)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    n = profile["n"] or None
    return {"op": label, "n": len(latencies), "errors": sum(failures.values()), "by_status": dict(failures),
            "p50": pct(latencies, 50), "p95": pct(latencies, 95), "max": max(latencies, default=float("nan")),
            "rps": len(latencies) / wall, "budget": budget_hits,
            "client_cpu_ms": cpu * 1000 / max(1, len(latencies)),
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


def request_makers(g: BenchGraph) -> dict:
    """Operation name → `fn(rnd) -> (path, params)`."""
    names = [SURNAMES[i] + GIVEN[j] for i in range(len(SURNAMES)) for j in range(len(GIVEN))]
    # the generated sites S000000…; the Site count also holds the hub checkpoint
    units, n_sites, pairs = g.units, g.sites - (HUB_CHECKPOINT in g.hub_degrees), g.pairs

    def search_req(rnd):
        return "/api/search", {"q": rnd.choice(names + [f"案件 B{rnd.randrange(units):07d}"]), "limit": 20}

    def neigh_req(rnd):
        u = rnd.randrange(units)
        keys = [f"doc:case:B{u:07d}", f"site:S{rnd.randrange(n_sites):06d}"]
        if u * 3 >= ID_PEOPLE:
            keys.append(f"person:P{u * 3:08d}")
        return f"/api/entities/{rnd.choice(keys)}/neighbours", {"hops": 1, "limit": 200}

    def path_req(rnd):
        a, b = rnd.choice(pairs)
        return "/api/paths", {"a": a, "b": b, "max_hops": 4}

    def alt_req(rnd):  # alternatives between two sites: what never ended before paths were bounded
        a, b = (f"site:S{rnd.randrange(n_sites):06d}" for _ in range(2))
        return "/api/paths", {"a": a, "b": b, "max_hops": 6, "all_simple": "true", "limit": 10}

    def floor_req(_rnd):  # authenticated, audited and served, but no store query: the stack's own cost
        return "/api/schema", {}

    makers = {"search": search_req, "neighbours": neigh_req, "alternatives 6": alt_req, "floor (no store)": floor_req}
    if pairs:
        makers["path (4 hops)"] = path_req
    return makers


def hubs_check(base: str, token: str, data_dir: Path, tries: int = 3) -> list[dict]:
    """6-hop path requests between the two hubs, one at a time: latency, answer, store afterwards."""
    import httpx

    out = []
    kinds = [("shortest, 6 hops", {}), ("10 alternatives, 6 hops", {"all_simple": "true", "limit": 10})]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        for label, extra in kinds:
            row: dict = {"request": label, "ms": [], "answers": [], "after": [], "after_1s": []}
            for _ in range(tries):
                t = time.perf_counter()
                r = c.get("/api/paths", params={"a": HUB_CHECKPOINT, "b": HUB_RECEIVER, "max_hops": 6, **extra})
                row["ms"].append((time.perf_counter() - t) * 1000)
                row["after"].append(_activity(data_dir))
                time.sleep(1.0)
                row["after_1s"].append(_activity(data_dir))
                if r.status_code != 200:
                    row["answers"].append(f"HTTP {r.status_code}")
                    continue
                body = r.json()
                paths = body.get("paths") or []
                found = f"{len(paths)} found, shortest {min(len(p['keys']) - 1 for p in paths)} hops" if paths else ""
                if body.get("budget_hit"):
                    what = f"not within budget ({body.get('budget_s'):g} s)" + (f", {found}" if found else "")
                else:
                    what = found or "none within 6 hops"
                row["answers"].append(what)
            out.append(row)
    return out


def _cpu_seconds(api_pid: int, data_dir: Path) -> dict[str, float]:
    """CPU seconds used so far by the API (uvicorn and its workers) and by FalkorDB: the
    difference over an operation's load, per request, is what a request costs each of them,
    whatever the queueing made its latency."""
    import psutil

    from graph_schema.store.falkor_server import server_pid

    def used(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system

    out = {"api": 0.0, "store": 0.0}
    try:
        api = psutil.Process(api_pid)
        out["api"] = used(api) + sum(used(c) for c in api.children(recursive=True))
        if (pid := server_pid(data_dir)) is not None:
            out["store"] = used(psutil.Process(pid))
    except psutil.Error:
        pass
    return out


def _activity(data_dir: Path) -> str:
    try:
        a = store_activity(data_dir)
    except Exception as exc:  # an older FalkorDB without GRAPH.INFO
        return f"? ({type(exc).__name__})"
    if not a["running"] and not a["waiting"]:
        return "idle"
    return f"{len(a['running'])} running, {len(a['waiting'])} waiting"


def _errors(r: dict) -> str:
    if not r["by_status"]:
        return "0"
    return " ".join(f"{k}×{v}" for k, v in sorted(r["by_status"].items()))


def print_round(g: BenchGraph, args, workers: int, results: list[dict], hubs: list[dict] | None) -> None:
    print()
    print(f"== {workers} uvicorn worker(s): {g.nodes:,} nodes, {g.relationships:,} relationships; "
          f"{args.clients} clients × {args.requests} requests per operation")  # fmt: skip
    print(host_line())
    print(f"{'operation':<16}{'requests':>9}{'budget':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'req/s':>9}  errors by status")  # fmt: skip
    for r in results:
        print(f"{r['op']:<16}{r['n']:>9}{r['budget']:>8}{r['p50']:>10.1f}{r['p95']:>10.1f}{r['max']:>10.1f}{r['rps']:>9.1f}  {_errors(r)}")  # fmt: skip
    print()
    print("where the time goes, mean per request: wall time server side (Server-Timing: waiting on the store,")
    print(f"the rest), and CPU time of the API processes, of FalkorDB and of the {args.client} load client")
    print(f"{'operation':<16}{'store ms':>10}{'python ms':>11}{'queries':>9}"
          f"{'api cpu':>10}{'store cpu':>11}{'client cpu':>12}")  # fmt: skip
    for r in results:
        cpu = f"{r.get('api_cpu_ms', float('nan')):>10.2f}{r.get('store_cpu_ms', float('nan')):>11.2f}{r['client_cpu_ms']:>12.2f}"
        if r["store_ms"] is None:
            print(f"{r['op']:<16}{'-':>10}{'-':>11}{'-':>9}{cpu}")
        else:
            print(f"{r['op']:<16}{r['store_ms']:>10.1f}{r['app_ms']:>11.1f}{r['queries']:>9.1f}{cpu}")
    compared = [r for r in results if r["op"] in ISSUE_17]
    if compared:
        print()
        print("issue 17 (1,000,000 nodes, 50 clients × 5, 2 workers, half-busy 2-core host) beside this run")
        print(f"{'operation':<16}{'p50 ms':>16}{'p95 ms':>18}{'req/s':>14}")
        for r in compared:
            i50, i95, irps = ISSUE_17[r["op"]]
            p50, p95, rps = f"{i50:,} → {r['p50']:,.0f}", f"{i95:,} → {r['p95']:,.0f}", f"{irps} → {r['rps']:.0f}"
            print(f"{r['op']:<16}{p50:>16}{p95:>18}{rps:>14}")
    if hubs:
        print()
        print(f"hubs 6: {HUB_CHECKPOINT} ({g.hub_degrees.get(HUB_CHECKPOINT, 0):,} links) → {HUB_RECEIVER} "
              f"({g.hub_degrees.get(HUB_RECEIVER, 0):,} links), one request at a time, each within {HUBS_WITHIN_MS / 1000:g} s")  # fmt: skip
        print(f"{'request':<26}{'ms per try':<24}{'store after / 1 s later':<26}answer per try")
        ok = True
        for h in hubs:
            ms = " / ".join(f"{m:,.0f}" for m in h["ms"])
            after = ", ".join(sorted(set(h["after"]))) + " / " + ", ".join(sorted(set(h["after_1s"])))
            print(f"{h['request']:<26}{ms:<24}{after:<26}{' | '.join(h['answers'])}")
            ok &= max(h["ms"]) <= HUBS_WITHIN_MS and not any(a.startswith("HTTP") for a in h["answers"])
        print(f"hubs 6: {'OK' if ok else 'FAIL'} (every try answered within {HUBS_WITHIN_MS:,} ms)")


def run_round(g: BenchGraph, args, workers: int) -> None:
    makers = request_makers(g)
    with api_server(g.data_dir, workers, args.server_repo) as srv:
        token = login(srv.base)
        results = []
        for label in args.ops:
            fn = makers.get(label)
            if fn is None:
                continue
            asyncio.run(drive(srv.base, token, min(args.clients, 5), 2, fn, label, args.client))  # warm-up
            slug = label.split(" (")[0].replace(" ", "-")
            sampling = flame(srv.proc.pid, args.flame / f"w{workers}-{slug}.svg") if args.flame else nullcontext()
            before = _cpu_seconds(srv.proc.pid, g.data_dir)
            with sampling:
                r = asyncio.run(drive(srv.base, token, args.clients, args.requests, fn, label, args.client))
            after = _cpu_seconds(srv.proc.pid, g.data_dir)
            for part in ("api", "store"):
                r[f"{part}_cpu_ms"] = (after[part] - before[part]) * 1000 / max(1, r["n"])
            results.append(r)
            print(f"  w{workers} {r['op']:<14} done: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, errors {_errors(r)}",
                  flush=True)  # fmt: skip
        hubs = hubs_check(srv.base, token, g.data_dir) if "hubs 6" in args.ops and len(g.hub_degrees) == 2 else None
    print_round(g, args, workers, results, hubs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=10, help="requests per client per operation")
    ap.add_argument("--workers", type=int, nargs="+", default=[0],
                    help="uvicorn worker processes, one table each (0: ecograph serve's default)")  # fmt: skip
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse/keep the graph here (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="leave the data dir (and its FalkorDB server) in place")
    ap.add_argument("--build-only", action="store_true", help="build the graph into --data-dir and exit")
    ap.add_argument("--flame", type=Path, default=None, metavar="DIR", help="py-spy flame graphs of the load phases")
    ap.add_argument(
        "--server-repo", type=Path, default=REPO, help="checkout whose API the server runs (before/after runs)"
    )
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="load client: lean keep-alive connections (http_load) or httpx's async client")  # fmt: skip
    ap.add_argument("--ops", nargs="+", default=OPS,
                    help="operations to run (alternatives 6 hangs a server from before bounded paths)")  # fmt: skip
    args = ap.parse_args()
    if args.build_only and args.data_dir is None:
        ap.error("--build-only needs --data-dir (where the graph is kept)")
    from api.http.serving import default_workers

    cores = len(os.sched_getaffinity(0)) or 1
    workers_list = [w or default_workers(cores) for w in args.workers]  # 0: what `ecograph serve` starts

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="egbench-"))
    try:
        t0 = time.perf_counter()
        g = ensure_graph(data_dir, args.nodes)
        print(f"graph: {g.nodes:,} nodes, {g.relationships:,} relationships, {len(g.pairs)} 4-hop pairs, "
              f"hubs {g.hub_degrees} ({time.perf_counter() - t0:.0f} s)", flush=True)  # fmt: skip
        if args.build_only:
            return
        for workers in workers_list:
            run_round(g, args, workers)
    finally:
        if not args.keep and args.data_dir is None:
            from graph_schema.store.falkor_server import stop_server

            stop_server(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
