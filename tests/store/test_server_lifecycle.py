"""The embedded server: kill -9 of a writer loses nothing committed, one server per data dir, persistence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from graph_schema.model import GraphBatch
from graph_schema.store import open_store
from graph_schema.store.falkor_server import count_servers, stop_server

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from graph_schema.model import GraphBatch, Provenance
    from graph_schema.store import open_store

    store = open_store(data_dir=Path(sys.argv[1]))
    i = 0
    while True:
        b = GraphBatch()
        for j in range(200):
            k = i * 200 + j
            b.add_rel("SEEN_AT", f"vehicle:浙E{k:05d}", f"site:KK{i}", Provenance(doc=f"doc:anpr:{k}", method="structured"))
        store.write_batch(b)
        print(i, flush=True)  # reported only after write_batch returned: committed
        i += 1
    """
)


def test_kill_9_mid_write_loses_nothing_committed_and_leaves_one_server(tmp_path):
    data_dir = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], stdout=subprocess.PIPE, text=True, env=env)
    committed: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(committed) < 5 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line:
                committed.append(int(line))
        assert len(committed) >= 5
        os.kill(proc.pid, signal.SIGKILL)  # in the middle of the next write
        proc.wait(timeout=30)
        # a re-run: reopen the store on the same data directory
        with open_store(data_dir=data_dir) as store:
            for i in committed:
                rows = store.query("relationships_of", key=f"site:KK{i}", limit=1000)
                assert len(rows) == 200, f"batch {i} lost"
        assert count_servers(data_dir) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
        stop_server(data_dir)
    assert count_servers(data_dir) == 0


def test_concurrent_processes_share_one_server(tmp_path):
    data_dir = tmp_path / "data"
    code = "import sys; from pathlib import Path; from graph_schema.store import open_store; open_store(data_dir=Path(sys.argv[1])).stats()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    try:
        procs = [subprocess.Popen([sys.executable, "-c", code, str(data_dir)], env=env) for _ in range(4)]
        assert all(p.wait(timeout=120) == 0 for p in procs)
        assert count_servers(data_dir) == 1
    finally:
        stop_server(data_dir)


def test_data_survives_a_clean_restart(tmp_path):
    from graph_schema.model import GraphBatch

    data_dir = tmp_path / "data"
    try:
        with open_store(data_dir=data_dir) as store:
            b = GraphBatch()
            b.add_node("person:341822198107151579", name="周卫东")
            store.write_batch(b)
        assert stop_server(data_dir)
        assert count_servers(data_dir) == 0
        with open_store(data_dir=data_dir) as store:
            rows = store.query("node_by_key", key="person:341822198107151579")
            assert rows and rows[0]["props"]["name"] == "周卫东"
    finally:
        stop_server(data_dir)


def test_writes_are_logged_as_effects_so_a_big_store_reopens(tmp_path):
    """Bulk MERGEs logged as query text were replayed before the indexes existed:
    100k plate reads took over ten minutes to reopen.  Effects replay without lookups."""
    from graph_schema.model import GraphBatch, Provenance
    from graph_schema.store.falkor_server import server_dir, server_pid

    data_dir = tmp_path / "data"
    try:
        with open_store(data_dir=data_dir) as store:
            b = GraphBatch()
            for k in range(3000):
                b.add_rel(
                    "SEEN_AT",
                    f"vehicle:浙E{k:05d}",
                    f"site:KK{k % 7}",
                    Provenance(doc=f"doc:anpr:{k}", method="structured"),
                )
            store.write_batch(b)
            time.sleep(1.5)  # appendfsync everysec
        os.kill(server_pid(data_dir), signal.SIGKILL)  # no clean snapshot: the AOF is all there is
        aof = b"".join(p.read_bytes() for p in (server_dir(data_dir) / "appendonlydir").glob("*.incr.aof"))
        assert b"GRAPH.EFFECT" in aof
        assert b"MERGE" not in aof and b"UNWIND" not in aof
        with open_store(data_dir=data_dir) as store:
            assert store.stats()["relationships"]["SEEN_AT"] == 3000
    finally:
        stop_server(data_dir)


def test_a_killed_server_is_restarted_by_the_next_read(tmp_path):
    """The API holds one store for its life: when the embedded server dies under it, the next
    request starts it again from its files instead of answering 503 until someone else does."""
    from graph_schema.model import GraphBatch, Provenance
    from graph_schema.store.falkor_server import server_pid

    data_dir = tmp_path / "data"
    try:
        store = open_store(data_dir=data_dir)
        b = GraphBatch()
        b.add_rel("SEEN_AT", "vehicle:浙E00001", "site:KK1", Provenance(doc="doc:anpr:1", method="structured"))
        store.write_batch(b)
        time.sleep(1.5)  # appendfsync everysec
        old = server_pid(data_dir)
        os.kill(old, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while server_pid(data_dir) == old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.stats()["relationships"]["SEEN_AT"] == 1
        assert server_pid(data_dir) not in (None, old)
        store.close()
    finally:
        stop_server(data_dir)


def test_deleting_the_data_dir_and_starting_again_leaves_one_server(tmp_path):
    """A user who removes the data directory and ingests again must not leave the first
    server running for ever beside the new one (its store went with the directory)."""
    import shutil

    import psutil

    from graph_schema.store.falkor_server import server_pid

    data_dir = tmp_path / "data"
    try:
        with open_store(data_dir=data_dir) as store:
            store.stats()
        old = server_pid(data_dir)
        assert old is not None
        shutil.rmtree(data_dir)
        with open_store(data_dir=data_dir) as store:
            assert sum(store.stats()["nodes"].values()) == 0
        assert not psutil.pid_exists(old) or psutil.Process(old).status() == psutil.STATUS_ZOMBIE
        assert count_servers(data_dir) == 1
    finally:
        stop_server(data_dir)
    assert count_servers(data_dir) == 0


def _page_faults_of_reads(data_dir: Path, reads: int) -> float:
    """Minor page faults the server takes per read query (a result set's record blocks are
    calloc'd per query: how jemalloc zeroes them is what this counts)."""
    from graph_schema.store.falkor_server import server_pid

    store = open_store(data_dir=data_dir)
    try:
        b = GraphBatch()
        for i in range(50):
            b.add_node(f"person:P{i}", name=f"张{i}")
        store.write_batch(b)
        cypher = "MATCH (n:Person) RETURN n.key AS key LIMIT 20"
        for _ in range(20):  # warm: the allocator's caches filled
            store.read_cypher(cypher, {})
        stat = Path(f"/proc/{server_pid(data_dir)}/stat")
        before = int(stat.read_text().rsplit(")", 1)[1].split()[7])  # minflt
        for _ in range(reads):
            store.read_cypher(cypher, {})
        return (int(stat.read_text().rsplit(")", 1)[1].split()[7]) - before) / reads
    finally:
        store.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_the_server_zeroes_result_blocks_without_page_faults_and_keeps_small_pages(data_dir, tmp_path, monkeypatch):
    """jemalloc zeroed every query's calloc'd result blocks by purging them (madvise: a TLB
    shoot-down on every core, then ~35 page faults a query) unless told THP is "always";
    the server runs with that setting and with huge pages off for its process."""
    import redis

    from graph_schema.store.falkor_server import server_pid, socket_path

    per_read = _page_faults_of_reads(data_dir, 300)
    pid = server_pid(data_dir)
    status = Path(f"/proc/{pid}/status").read_text()
    stats = redis.Redis(unix_socket_path=str(socket_path(data_dir))).execute_command("MEMORY", "MALLOC-STATS")
    assert 'opt.thp: "always"' in stats.decode()
    if "THP_enabled" in status:  # kernels since 6.x report the process flag
        assert "THP_enabled:\t0" in status
    # The allocator's default, as before: the same reads fault pages in again and again.
    monkeypatch.setenv("JE_MALLOC_CONF", "thp:default")
    before = tmp_path / "before"
    try:
        per_read_default = _page_faults_of_reads(before, 300)
    finally:
        stop_server(before)
    assert per_read < 0.5 and per_read_default > 1.5, (per_read, per_read_default)


def test_a_restarted_server_answers_name_searches_only_once_its_indexes_are_rebuilt(data_dir):
    """A server that has just loaded its files rebuilds its indexes in the background, and a
    full-text query meanwhile finds nothing, without an error: opening the store waits for them,
    so the first search after a restart finds what the last one before it did."""
    from investigations import search as name_search

    store = open_store(data_dir=data_dir)
    b = GraphBatch()
    for i in range(30000):
        b.add_node(f"person:R{i}@doc:case:Q{i % 300}", name=f"{'王李张刘陈杨'[i % 6]}海{'波涛军明'[i % 4]}{i % 97}")
    b.add_node("company:长兴恒泰精细化工有限公司", name="长兴恒泰精细化工有限公司")
    store.write_batch(b)
    assert [h.key for h in name_search.search_entities(store, "恒泰化工").hits][:1] == [
        "company:长兴恒泰精细化工有限公司"
    ]
    store.close()
    stop_server(data_dir)
    reopened = open_store(data_dir=data_dir)
    try:
        statuses = [r["status"] for r in reopened.read_cypher("CALL db.indexes() YIELD status RETURN status", {})]
        hits = name_search.search_entities(reopened, "恒泰化工").hits
        count = reopened.read_cypher(
            "CALL db.idx.fulltext.queryNodes('Person', '@search:(海波)') YIELD node RETURN count(node) AS n", {}
        )
    finally:
        reopened.close()
    assert statuses and all(s == "OPERATIONAL" for s in statuses), statuses
    assert [h.key for h in hits][:1] == ["company:长兴恒泰精细化工有限公司"]
    assert count == [{"n": 7500}]


def test_control_commands_ask_once(tmp_path):
    """PING, INFO and SHUTDOWN are asked once: a stale socket left by a crash is refused at once
    and a server that accepts but never answers within PING's timeout (redis-py's default
    retries took 4.3 s and 5.6 s), and a SHUTDOWN — answered by the connection closing — is not
    sent again (that retry held every stop ~4 s)."""
    import socket

    from graph_schema.store.falkor_server import ping, socket_path

    sock = socket_path(tmp_path / "stale")
    sock.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock))  # bound, closed: nobody listens, as after kill -9
    t0 = time.monotonic()
    assert ping(tmp_path / "stale") is False
    assert time.monotonic() - t0 < 1.0
    sock.unlink()
    with socket.socket(socket.AF_UNIX) as silent:
        silent.bind(str(sock))
        silent.listen(4)  # accepts, never answers: a hung server
        t0 = time.monotonic()
        assert ping(tmp_path / "stale", timeout=0.3) is False
        assert time.monotonic() - t0 < 1.0

    try:
        with open_store(data_dir=tmp_path / "live") as store:
            b = GraphBatch()
            b.add_node("person:341822198107151579", name="周卫东")
            store.write_batch(b)
        t0 = time.monotonic()
        assert stop_server(tmp_path / "live") is True
        assert time.monotonic() - t0 < 3.0 and count_servers(tmp_path / "live") == 0
    finally:
        stop_server(tmp_path / "live")
