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

The child runs what the parent would have run (`chunked(default_extract())`), so an
extraction is the same whichever side made it; `Extraction` is a plain dataclass and
crosses the pipe as a pickle.  If the child dies, the run goes on in process.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["ExtractionProcess"]

_child_extract: Any = None


def _load_in_child() -> None:
    """Initializer of the child: the NLP pipeline loads once, before the first batch."""
    global _child_extract
    from etl.facts import default_extract
    from etl.textchunks import chunked

    _child_extract = chunked(default_extract())
    _child_extract(["模型预热"])


def _extract_in_child(texts: list[str]) -> list[Any]:
    return _child_extract(texts)


class ExtractionProcess:
    """`extract(texts)` answered by one child process; `submit(texts)` for texts needed later.

    The child is started with `spawn` (the parent holds threads: the store's writer,
    onnxruntime's pools, which `fork` would copy in an unknown state).  Batches are
    answered in the order they were submitted.  After a failure of the child itself
    (killed, out of memory) every later call is answered in this process.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_load_in_child
        )
        self._local: Any = None

    def _in_process(self, texts: list[str]) -> list[Any]:
        if self._local is None:
            from etl.facts import default_extract
            from etl.textchunks import chunked

            self._local = chunked(default_extract())
        return self._local(texts)

    def _broken(self, exc: BaseException) -> None:
        log.warning("NLP child process failed (%s); extracting in process from now on", exc)
        self.close()

    def submit(self, texts: list[str]) -> Future | None:
        """Start extracting `texts`; None when there is no child (the caller extracts them itself)."""
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_extract_in_child, list(texts))
        except (BrokenProcessPool, RuntimeError) as exc:
            self._broken(exc)
            return None

    def result(self, future: Future) -> list[Any] | None:
        """The answer of a submitted batch; None when the child failed on it (extract again here)."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            self._broken(exc)
            return None

    def __call__(self, texts: list[str]) -> list[Any]:
        future = self.submit(texts)
        answer = self.result(future) if future is not None else None
        return answer if answer is not None else self._in_process(texts)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
