"""Serving the API on worker processes that each listen on a socket of their own.

*Why*: uvicorn's `--workers` hands one listening socket to all its workers, and whichever
worker is awake when connections arrive accepts every one that is pending.  A keep-alive
connection then stays with that worker for its life, so a room of analysts who open the
workbench together lands unevenly: 50 clients connecting at once were split 35 / 15 over
two workers on the 1M benchmark (`benchmarks/bench_api.py`), and the 35 waited on one
process while the other had time to spare — the slow tail (p95) of every operation.

With `SO_REUSEPORT` every worker listens on a socket of its own bound to the same address,
and the kernel spreads new connections over the sockets by a hash of the connection's
addresses and ports: evenly on average, whichever worker happens to be awake (the same
mechanism as nginx's `listen … reuseport`).  Where the platform has no `SO_REUSEPORT`,
uvicorn serves as it always did.

References
----------
.. [1] Linux `socket(7)`, SO_REUSEPORT: "incoming connections … are distributed across
   the listening sockets" of the group.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
from typing import Any

from graph_schema.store import EMBEDDED_BACKENDS

__all__ = ["default_workers", "exit_with_supervisor", "reuseport_sockets", "serve"]

SUPERVISOR_ENV = "ECOGRAPH_SUPERVISOR_PID"  # set by `serve` for its workers (they inherit it)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def default_workers(cores: int, backend: str = "falkordb") -> int:
    """Worker processes for a machine of `cores` cores: the API's share of them.

    *Why not one per core*: with the embedded store (FalkorDB, the default) the store's
    threads run on the same cores, and a read costs the store about 40 % of its CPU (a name
    search 0.9 of 2.1 ms, a 4-hop path 1.1 of 2.3 ms, on the 1M benchmark).  One worker per
    core then oversubscribes the machine: on 2 cores two workers and the store all stayed
    runnable, each worker's CPU per request rose (search 1.24 → 1.37 ms, neighbours 0.82 →
    1.10), and the kernel shared the cores equally between the workers however unevenly the
    analysts' keep-alive connections were split between them — the slow tail.  Alternating
    bursts of 50 clients, 1 → 2 workers (medians of 4): search p95 102 → 115 ms at 736 / 738
    req/s, neighbours 63 → 69 ms, 4-hop paths 101 → 123 ms; 10 clients searching while a
    whole-graph gang detection ran on the server (75 s of Python): 279 → 203 searches a
    second, p95 54 → 80 ms.  Half the cores, rounded up, leaves the rest to the store.  A
    store on other machines (Neo4j) leaves every core to the API.

    Parameters
    ----------
    cores : int
        Cores this process may run on.
    backend : str
        The configured backend (`graph_schema.store.backend_name`).

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> [default_workers(n) for n in (1, 2, 3, 4, 16)]
    [1, 1, 2, 2, 8]
    >>> default_workers(16, "neo4j")
    16
    """
    cores = max(1, cores)
    if backend.lower() in EMBEDDED_BACKENDS:
        return (cores + 1) // 2
    return cores


def reuseport_sockets(host: str, port: int, count: int, backlog: int = 2048) -> list[socket.socket]:
    """`count` listening TCP sockets bound to one (host, port), members of one reuseport group.

    They listen at once, in the parent, so that a connection that arrives while a worker
    starts (or restarts) waits in its socket's queue rather than being refused.  Port 0
    binds the first socket to a free port and the others to the same one.

    Parameters
    ----------
    host, port : str, int
        The address; a host with ":" is IPv6.
    count : int
        How many sockets (one per worker).
    backlog : int
        Each socket's queue of connections not yet accepted.

    Returns
    -------
    list of socket.socket
        Inheritable, so that uvicorn's spawned workers receive them.

    Examples
    --------
    >>> socks = reuseport_sockets("127.0.0.1", 0, 2)
    >>> len({s.getsockname()[1] for s in socks})
    1
    >>> for s in socks:
    ...     s.close()
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    out: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            out.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]  # port 0: the others join the one the first got
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in out:
            sock.close()
        raise
    return out


def _supervisor_class() -> type:
    """uvicorn's worker supervisor, with worker *i* started on socket *i* alone.

    A worker that dies is replaced by uvicorn's own code, on all the sockets: whichever
    socket the dead worker had is then still served (its queued connections are not
    stranded), at the price of a less even split until the next start."""
    from uvicorn.supervisors.multiprocess import Multiprocess, Process

    class _OwnSocketPerWorker(Multiprocess):
        def init_processes(self) -> None:
            for sock in self.sockets:
                process = Process(self.config, [sock])
                process.start()
                self.processes.append(process)

    return _OwnSocketPerWorker


def exit_with_supervisor() -> bool:
    """In a worker `serve` started: ask the kernel for SIGTERM when the supervisor dies.

    *Why*: a supervisor killed outright (kill -9, the OOM killer) left its workers running,
    still bound to the port; a server started again then shared its connections with the old
    workers through the reuseport group.  On SIGTERM a worker ends as on a normal stop.
    Called at the app's import (`api.http.asgi`), in every worker, a replacement included; a
    process not started by `serve` (no `ECOGRAPH_SUPERVISOR_PID`) is left alone.  Linux only
    (`prctl(PR_SET_PDEATHSIG)`); elsewhere it does nothing.

    Returns
    -------
    bool
        Whether the request was made.
    """
    parent = os.environ.get(SUPERVISOR_ENV)
    if not parent or not parent.isdigit():
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    if prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return False
    if os.getppid() != int(parent):  # it died before the request: nobody would send the signal
        os.kill(os.getpid(), signal.SIGTERM)
    return True


def serve(app: str, host: str, port: int, workers: int, **uvicorn_options: Any) -> None:
    """Run `app` (an import string) on `workers` processes until a signal stops it.

    Parameters
    ----------
    app : str
        The ASGI app's import string (`"api.http.asgi:app"`).
    host, port : str, int
        Where to listen.
    workers : int
        Worker processes, each listening on a socket of its own (`reuseport_sockets`) and
        replaced by the supervisor when it dies.
    **uvicorn_options
        Passed to `uvicorn.Config` (http, loop, log_level, timeouts…).
    """
    import uvicorn

    if not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, host=host, port=port, workers=workers, **uvicorn_options)
        return
    # One worker too runs under the supervisor: uvicorn serves a single worker in its own
    # process, and a worker that dies (killed, out of memory) is replaced only by a supervisor.
    workers = max(1, workers)
    os.environ[SUPERVISOR_ENV] = str(os.getpid())  # the workers end with this process (exit_with_supervisor)
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **uvicorn_options)
    sockets = reuseport_sockets(host, port, workers, backlog=config.backlog)
    try:
        _supervisor_class()(config, sockets=sockets).run()
    finally:
        for sock in sockets:
            sock.close()
