"""What the API and workbench benchmarks share: the generated graph, the server, the analyst.

The graph (`build_graph`, `ensure_graph`): case units of one document, three persons
(the first `ID_PEOPLE` with resident IDs, masked for the analyst), a vehicle, sharing a
pool of sites (1 per 100 nodes) and companies (1 per 200) — INVOLVED_IN, MENTIONS,
CO_OFFENDER, DRIVES, SEEN_AT, DUMPED_AT, TRANSPORTS, about 2.6 relationships per node —
so a person reaches a person of another case in 4 hops through a shared site
(person→vehicle→site←vehicle←person).  Nodes get the name-search property as
`investigations.pipeline` writes it.

Plus two hubs, because real data has them and they are what makes path search explode:
`HUB_CHECKPOINT`, a busy checkpoint that read the plates of `hub_degree` vehicles
(SEEN_AT, one read each, as plate reads are stored: the read is the relationship), and
`HUB_RECEIVER`, a disposal company that received `hub_degree` transfer manifests
(TRANSFERRED_WASTE from the producers).  `hub_degree` is 5,000, or the number of case
units when the graph has fewer.  A graph built before the hubs existed gets them added.

The server (`api_server`): `ecograph serve` (uvicorn) on a free port over the data
directory, masking and the audit log on as in production, stopped on exit (and on
SIGTERM).  `login` gets the analyst's token.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph_schema.model import GraphBatch, Provenance  # noqa: E402
from graph_schema.store import open_store  # noqa: E402

__all__ = [
    "HUB_CHECKPOINT",
    "HUB_RECEIVER",
    "ID_PEOPLE",
    "BenchGraph",
    "api_server",
    "build_graph",
    "ensure_graph",
    "ensure_analyst",
    "host_line",
    "login",
    "person_id",
    "store_activity",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国明华伟强军平东海波涛勇杰磊斌浩鹏超亮刚辉鑫宇晨阳小虎龙飞"
PROVINCES = "浙苏皖赣闽沪"
ID_PEOPLE = 20000  # the first persons carry resident IDs (masked for the analyst); unique below 21,000
HUB_CHECKPOINT = "site:HUB-CHECKPOINT"
HUB_RECEIVER = "company:HUB-RECEIVER"
HUB_DEGREE = 5000
ANALYST = ("bench", "bench-password")


def person_id(i: int) -> str:
    body = f"330502{1960 + i % 40:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    # GB 11643 check digit
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def shape(n_nodes: int) -> dict[str, int]:
    """How many sites, companies and case units a graph of `n_nodes` has (5 nodes per unit)."""
    n_sites = max(10, n_nodes // 100)
    n_companies = max(10, n_nodes // 200)
    units = max(1, (n_nodes - n_sites - n_companies) // 5)
    return {"sites": n_sites, "companies": n_companies, "units": units, "hub_degree": min(HUB_DEGREE, units)}


def build_graph(store, n_nodes: int, seed: int = 7, chunk_units: int = 4000, quiet: bool = False) -> dict:
    """Write the benchmark graph of ~`n_nodes` nodes (plus the two hubs) into an empty store."""
    rnd = random.Random(seed)
    sh = shape(n_nodes)
    n_sites, n_companies, units = sh["sites"], sh["companies"], sh["units"]
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
            _add_unit(b, u, rnd, n_sites, n_companies)
        store.write_batch(b)
        done = min(units, start + chunk_units)
        if not quiet and (done % (chunk_units * 10) == 0 or done == units):
            print(f"  built {done}/{units} case units ({time.perf_counter() - t0:.0f}s)", flush=True)
    add_hubs(store, n_nodes)
    return {**sh, "seconds": time.perf_counter() - t0}


def _add_unit(b: GraphBatch, u: int, rnd: random.Random, n_sites: int, n_companies: int) -> None:
    doc = f"doc:case:B{u:07d}"
    people = []
    for j in range(3):
        i = u * 3 + j
        pid = person_id(i) if i < ID_PEOPLE else None
        key = f"person:{pid}" if pid else f"person:P{i:08d}"
        name = (
            SURNAMES[rnd.randrange(len(SURNAMES))] + GIVEN[rnd.randrange(len(GIVEN))] + GIVEN[rnd.randrange(len(GIVEN))]
        )
        b.add_node(key, name=name, id_card=pid)
        people.append((key, name))
    plate = f"{PROVINCES[u % len(PROVINCES)]}{chr(65 + (u // 100000) % 26)}{u % 100000:05d}"  # unique per unit
    veh = f"vehicle:{plate}"
    site = f"site:S{rnd.randrange(n_sites):06d}"
    company = f"company:C{rnd.randrange(n_companies):06d}"
    text = f"{people[0][1]}伙同{people[1][1]}、{people[2][1]}驾驶{plate}将废液倾倒于地块{site[5:]}。"
    b.add_node(doc, source="case", record_id=f"B{u:07d}", title=f"案件 B{u:07d}",
               time=f"2024-{1 + u % 12:02d}-{1 + u % 28:02d} 23:00:00", text=text)  # fmt: skip
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


def add_hubs(store, n_nodes: int) -> int:
    """The busy checkpoint and the manifest receiver, `shape(n_nodes)['hub_degree']` links each.

    Idempotent (the store's identity of a relationship is its document and fact), so a graph
    built before the hubs can get them afterwards.  Returns the hub degree written."""
    sh = shape(n_nodes)
    units, n_companies, degree = sh["units"], sh["companies"], sh["hub_degree"]
    b = GraphBatch()
    b.add_node(HUB_CHECKPOINT, name="城关高速收费站卡口", kind="checkpoint", lon=119.65, lat=29.08)
    b.add_node(HUB_RECEIVER, name="金华市固废集中处置中心有限公司")
    step = max(1, units // degree)
    for j in range(degree):
        u = (j * step) % units
        plate = f"{PROVINCES[u % len(PROVINCES)]}{chr(65 + (u // 100000) % 26)}{u % 100000:05d}"
        read = Provenance(doc=f"doc:anpr:R{j:07d}", method="structured", confidence=1.0, seen="2024-06-01T08:00:00")
        b.add_rel(
            "SEEN_AT", f"vehicle:{plate}", HUB_CHECKPOINT, read, time=f"2024-06-{1 + j % 28:02d} 08:{j % 60:02d}:00"
        )
        manifest = Provenance(
            doc=f"doc:manifest:M{j:07d}", method="structured", confidence=1.0, seen="2024-06-01T08:00:00"
        )
        b.add_rel("TRANSFERRED_WASTE", f"company:C{j % n_companies:06d}", HUB_RECEIVER, manifest,
                  waste="废矿物油", waste_code="HW08", tons=round(1 + j % 20 * 0.5, 1), manifest=f"M{j:07d}")  # fmt: skip
    store.write_batch(b)
    return degree


@dataclass
class BenchGraph:
    """What the benchmarks need to know about the graph in a data directory."""

    data_dir: Path
    nodes: int
    relationships: int
    units: int
    sites: int
    pairs: list[tuple[str, str]] = field(default_factory=list)  # persons 4 hops apart
    hub_degrees: dict[str, int] = field(default_factory=dict)


def hub_degrees(store) -> dict[str, int]:
    rows = store._read(
        "UNWIND $keys AS k MATCH (n:Entity {key: k}) RETURN k AS key, size([(n)--() | 1]) AS degree",
        {"keys": [HUB_CHECKPOINT, HUB_RECEIVER]},
    )
    return {r["key"]: int(r["degree"]) for r in rows}


def four_hop_pairs(store, limit: int = 500) -> list[tuple[str, str]]:
    """Two drivers whose vehicles were seen at the same (ordinary) site: 4 hops apart.

    Persons without a resident ID first: the analyst cannot name an ID in clear (the API
    answers 404, as for an unknown key), so only those make path requests that succeed.
    A graph too small to have any (under ~34,000 nodes) gets ID persons' pairs."""
    cypher = (
        "MATCH (p:Person)-[:DRIVES]->(:Vehicle)-[:SEEN_AT]->(s:Site)<-[:SEEN_AT]-(:Vehicle)<-[:DRIVES]-(q:Person) "
        "WHERE p.key STARTS WITH $prefix AND q.key STARTS WITH $prefix AND p.key < q.key AND s.key <> $hub "
        "RETURN p.key AS a, q.key AS b LIMIT $limit"
    )
    for prefix in ("person:P", "person:"):
        rows = store._read(cypher, {"prefix": prefix, "hub": HUB_CHECKPOINT, "limit": limit})
        if rows:
            return [(r["a"], r["b"]) for r in rows]
    return []


def ensure_graph(data_dir: Path, n_nodes: int, rebuild: bool = False, quiet: bool = False) -> BenchGraph:
    """The benchmark graph of ~`n_nodes` in `data_dir`: reused when one of that size is there."""
    from investigations.explore import refresh_search_index

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store("falkordb", data_dir)
    try:
        total = sum(store.stats()["nodes"].values())
        if rebuild or total < n_nodes * 0.999:
            if not quiet:
                print(f"building a graph of ~{n_nodes:,} nodes in {data_dir} …", flush=True)
            store.wipe()
            info = build_graph(store, n_nodes, quiet=quiet)
            if not quiet:
                print(f"  built in {info['seconds']:.0f}s", flush=True)
        else:
            n = refresh_search_index(store)  # a graph built before the name-search property existed
            if n and not quiet:
                print(f"  name-search property written on {n:,} nodes", flush=True)
            if len(hub_degrees(store)) < 2:  # built before the hubs
                add_hubs(store, n_nodes)
                refresh_search_index(store)
        stats = store.stats()
        return BenchGraph(
            data_dir=data_dir,
            nodes=sum(stats["nodes"].values()),
            relationships=sum(stats["relationships"].values()),
            units=stats["nodes"].get("Document", 1),
            sites=stats["nodes"].get("Site", 1),
            pairs=four_hop_pairs(store),
            hub_degrees=hub_degrees(store),
        )
    finally:
        store.close()


def ensure_analyst(data_dir: Path) -> tuple[str, str]:
    """The benchmark's analyst account (role `analyst`: masking on); returns (username, password)."""
    from api.security.users import UserStore

    users = UserStore(data_dir)
    if users.get(ANALYST[0]) is None:
        users.add(ANALYST[0], ANALYST[1], "analyst", "基准测试")
    return ANALYST


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    workers: int


@contextmanager
def api_server(data_dir: Path, workers: int = 1, server_repo: Path = REPO) -> Iterator[Server]:
    """`ecograph serve` (uvicorn, `api.http.serving`) with `workers` processes over `data_dir`,
    until the block ends: the server as users start it."""
    import httpx

    ensure_analyst(data_dir)
    port = _free_port()
    env = {**os.environ, "ECOGRAPH_DATA_DIR": str(data_dir), "ECOGRAPH_BACKEND": "falkordb",
           "PYTHONPATH": str(server_repo)}  # fmt: skip
    cmd = [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=server_repo, env=env, stdout=subprocess.DEVNULL)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on kill, too
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {proc.returncode}")
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not answer /api/health within 120 s")
            time.sleep(0.2)
        yield Server(base, proc, workers)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        signal.signal(signal.SIGTERM, previous)


def login(base: str, user: tuple[str, str] = ANALYST) -> str:
    """A bearer token for `user` (the analyst by default)."""
    import httpx

    r = httpx.post(base + "/api/auth/token", data={"username": user[0], "password": user[1]}, timeout=30)
    r.raise_for_status()
    return r.json()["access_token"]


def store_activity(data_dir: Path) -> dict[str, Any]:
    """Queries running and waiting in the data directory's FalkorDB now (`GRAPH.INFO`):
    `{"running": [...], "waiting": [...]}`, each entry as the server describes it."""
    import redis

    from graph_schema.store.falkor_server import socket_path

    r = redis.Redis(unix_socket_path=str(socket_path(data_dir)), socket_timeout=5)
    try:
        reply = r.execute_command("GRAPH.INFO")
    finally:
        r.close()
    out: dict[str, Any] = {"running": [], "waiting": []}
    for title, entries in zip(reply[::2], reply[1::2]):
        name = title.decode() if isinstance(title, bytes) else str(title)
        if "Running" in name:
            out["running"] = _plain(entries)
        elif "Waiting" in name:
            out["waiting"] = _plain(entries)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def host_line() -> str:
    """Cores and load average of the host, printed with every table: a shared host's load is
    most of what a latency figure measures."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    one, five, fifteen = os.getloadavg()
    return (
        f"host: {cores} cores ({usable} usable), load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"
    )
