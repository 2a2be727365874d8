"""Free-text extraction in a child process, so that it runs beside the ingest's own Python.

Why: on a run of case files the runner's main thread (reading, parsing, mapping facts,
encoding writes) and the NLP rules (the spaCy components after LAC's encoder) are both
Python and share one GIL.  Measured with `py-spy --gil` on 3,000 case files, the main
thread held the GIL ~88 % of the run and the client used 1.4 of the two cores: a thread
of its own for extraction did not help (tried in an earlier session: 31.6 → 34.6 s on the
case files).  A process has its own interpreter.  `etl.batching.SmallFileLookahead`
reads the next run of small files while the runner maps the current one and hands the
next run's texts to `submit`, so the child extracts run k+1 while the parent maps run k;
in a large export (`etl.ingest._ingest_file`) a full batch's texts are submitted before
the batch ahead of it is mapped.

The child is `python -m etl.extract_process`, talking pickles over a pipe, not a
`multiprocessing` worker: a spawned worker imports the parent's main module, so a
script without an `if __name__ == "__main__"` guard that calls `ingest_paths` would run
again, whole, in the child (seen: an evaluation script ingesting its bundle twice).
The child runs what the parent would have run (`chunked(default_extract())`), so an
extraction is the same whichever side made it; `Extraction` is a plain dataclass.  If the
child dies, the batches it held and every later one are extracted in process.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

__all__ = ["ExtractionProcess"]


class ChildGone(RuntimeError):
    """The child process ended (killed, out of memory) before answering a batch."""


class ExtractionProcess:
    """`extract(texts)` answered by one child process; `submit(texts)` for texts needed later.

    Batches are answered in the order they were submitted (one child, one pipe each way).
    After the child is gone every later call is answered in this process.
    """

    def __init__(self) -> None:
        # the child imports what this process imports (a checkout run from its own directory)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "etl.extract_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            env=env,
        )
        self._alive = True  # false once the child's answers end, or it was closed
        self._waiting: deque[Future] = deque()  # submitted, not answered yet, in order
        self._lock = threading.Lock()  # the queue and the child handle (the reader takes it briefly)
        # Writing a batch holds only this one, never `_lock`: the child may be blocked writing
        # an answer that the reader must take before the child reads more of its input.
        self._write_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_answers, name="nlp-child-reader", daemon=True)
        self._reader.start()
        self._local: Any = None

    def _read_answers(self) -> None:
        """Resolve the oldest waiting batch with each answer; when the pipe ends, fail the rest."""
        assert self._proc.stdout is not None
        try:
            while True:
                ok, answer = pickle.load(self._proc.stdout)
                with self._lock:
                    future = self._waiting.popleft()
                if ok:
                    future.set_result(answer)
                else:
                    future.set_exception(answer)
        except (EOFError, OSError, pickle.UnpicklingError, IndexError):
            pass
        with self._lock:
            self._alive = False
            waiting, self._waiting = list(self._waiting), deque()
        for future in waiting:
            future.set_exception(ChildGone("NLP child process ended"))

    def _in_process(self, texts: list[str]) -> list[Any]:
        if self._local is None:
            self._local = _extractor()
        return self._local(texts)

    def submit(self, texts: list[str]) -> Future | None:
        """Start extracting `texts`; None when there is no child (the caller extracts them itself)."""
        future: Future = Future()
        with self._write_lock:  # batches are written in the order their futures are queued
            with self._lock:
                if not self._alive or self._proc.stdin is None:
                    return None
                self._waiting.append(future)
            try:
                pickle.dump(list(texts), self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._proc.stdin.flush()
            except (OSError, ValueError) as exc:
                # the child is gone: the reader meets the end of its answers and fails this future
                log.warning("NLP child process gone (%s); extracting in process from now on", exc)
                with self._lock:
                    self._alive = False
                return None
        return future

    def result(self, future: Future) -> list[Any] | None:
        """The answer of a submitted batch; None when the child ended before it (extract again here).
        An error the extraction itself raised in the child is raised here, as in process."""
        try:
            return future.result()
        except ChildGone as exc:
            log.warning("%s; extracting in process from now on", exc)
            return None

    def __call__(self, texts: list[str]) -> list[Any]:
        future = self.submit(texts)
        answer = self.result(future) if future is not None else None
        return answer if answer is not None else self._in_process(texts)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def close(self) -> None:
        """End the child: it finishes the batch at hand, reads the end of its input and exits."""
        with self._write_lock, self._lock:
            self._alive = False
        try:
            if self._proc.stdin is not None and not self._proc.stdin.closed:
                self._proc.stdin.close()
            self._proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)


def _extractor() -> Any:
    """What the runner extracts with in process (`etl.ingest`): the child runs the same."""
    from etl.facts import default_extract
    from etl.textchunks import chunked

    return chunked(default_extract())


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The child's loop: a list of texts in, (True, extractions) or (False, exception) out."""
    # Requests are taken off the pipe as they come: a parent blocked writing the next batch
    # while this one is extracted would wait for the child instead of working beside it.
    inbox: queue.Queue = queue.Queue()

    def take_requests() -> None:
        try:
            while True:
                inbox.put(pickle.load(requests))
        except (EOFError, OSError, pickle.UnpicklingError):
            inbox.put(None)

    threading.Thread(target=take_requests, name="nlp-child-inbox", daemon=True).start()
    extract = _extractor()
    extract(["模型预热"])  # the models load before the first batch arrives
    while True:
        texts = inbox.get()
        if texts is None:
            return
        try:
            reply: tuple[bool, Any] = (True, extract(texts))
        except Exception as exc:  # noqa: BLE001 - the parent raises it where the call was made
            reply = (False, exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an error that cannot cross the pipe crosses as text
            data = pickle.dumps((False, RuntimeError(f"NLP child: {exc!r}")), protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(data)
        answers.flush()


if __name__ == "__main__":
    # The pipe to the parent is this process's stdout; anything a library prints goes to stderr.
    _answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, _answers)
