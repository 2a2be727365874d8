"""The embedded server: kill -9 of a writer loses nothing committed, one server per data dir, persistence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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
