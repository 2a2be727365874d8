"""Flame graphs of a running server with py-spy (`pip install py-spy`, in the dev extras).

`with flame(pid, path):` samples the process `pid` and its children (uvicorn's workers)
while the block runs and writes an SVG flame graph to `path` when it ends.  py-spy reads
the processes' memory from outside (ptrace), so the server runs unmodified; without
py-spy, or without the right to trace, it says why once and the block runs unsampled.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["flame", "py_spy"]


def py_spy() -> str | None:
    """The py-spy executable: next to this interpreter (a venv), else on PATH."""
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


@contextmanager
def flame(pid: int, path: Path, rate: int = 100) -> Iterator[Path | None]:
    """Record `pid` (with `--subprocesses`) until the block ends; yields the SVG's path, or None."""
    exe = py_spy()
    if exe is None:
        print("  (no flame graph: py-spy is not installed — pip install py-spy)", flush=True)
        yield None
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    log = path.with_suffix(".log")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "record", "--subprocesses", "--rate", str(rate), "--format", "flamegraph", "-o", str(path),
             "--pid", str(pid), "--nonblocking"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        time.sleep(1.0)  # attach before the load starts
        try:
            yield path
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # py-spy writes the SVG on Ctrl-C
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
    if not path.exists():
        tail = log.read_text(errors="replace")[-500:].strip()
        print(f"  (no flame graph written for pid {pid}: {tail or 'py-spy said nothing'})", flush=True)
