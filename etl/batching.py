"""Cross-file batching for the ingest runner: NLP over many small files in one call.

Why: a case export is thousands of files holding one record each.  The runner
(`etl.ingest`) commits per file, so without help every case file made its own
`extract_texts` call on a single text: spaCy's per-call overhead and a one-row
LAC encoder batch per file, with the second core idle (`nlp.lac_model` runs a
batch's row groups side by side only when there are several).  Measured on a
9.2k-record mixed bundle, NLP was ~75% of the client's CPU.

What this module does instead, leaving the runner's per-file semantics alone
(each file's records counted, quarantined, checkpointed and reported under
that file, in the same order):

* `SmallFileLookahead` reads a run of consecutive small files ahead (their
  records are kept in memory and replayed to the runner exactly as the reader
  yielded them, a ReaderError included, at the same point), and hands all
  their free texts to the extraction cache as one batch.
* `ExtractionCache` wraps `extract`: a text whose extraction is already known
  (read ahead, or seen earlier in the run, e.g. a reply template written on
  thousands of hotline tickets) is not extracted again; the rest of a call goes
  to `extract` in one batch.  Extraction is a pure function of the text, and
  the fact mapper only reads an Extraction, so sharing one is safe.

* With an extractor that works in the background (`etl.extract_process`, a
  child process for runs of many small files), the lookahead reads the *next*
  run when the runner enters one and submits its texts (`submit_ahead`), so
  run k+1 is extracted while the runner maps run k.

* `WriteCoalescer` joins the graph batches of consecutive small files into
  one store write.  Each statement the store runs costs ~0.6 ms of server time
  whatever it carries, and a case file's facts made ~10 statements of a few
  rows each: 3.7–11 ms of server time per case record against 0.04 ms per plate
  read (benchmarks/bench_ingest_mixed.py, issue 13).  Written together, a few
  hundred case files make about as many statements as one.

Nothing is written to the store or the checkpoints here: the runner supplies
what a write does (`flush_parts`) and each file's bookkeeping (`settle`), and a
file's checkpoint still only names records the store has committed, so a crash
loses only what the runner itself had not committed, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.records import QuarantineEntry, RawRecord

log = logging.getLogger(__name__)

ExtractFn = Callable[[list[str]], list[Any]]
ReadFn = Callable[..., Iterator[RawRecord | QuarantineEntry]]

LOOKAHEAD_TEXTS = 256  # texts per read-ahead NLP batch (the pipeline's own batch size)
LOOKAHEAD_FILES = 512  # files held in memory at most by one read-ahead
SMALL_FILE_BYTES = 64 << 10  # other formats: a file this small is read ahead too
CACHE_ENTRIES = 20_000  # extractions kept for repeated texts (bounded: ~a few KB each)


_MISSING = object()


class ExtractionCache:
    """`extract` with a per-run memory: known texts are answered, the rest extracted in one call."""

    def __init__(self, extract: ExtractFn, max_entries: int = CACHE_ENTRIES):
        self._extract = extract
        self._max = max_entries
        self._known: dict[str, Any] = {}
        self.calls = 0  # calls of the wrapped extract, and texts sent to it (for benchmarks)
        self.texts_extracted = 0
        self.texts_answered = 0
        self._ahead: dict[str, tuple[Any, int]] = {}  # text → (its batch's future, index in it)

    def _fill(self, texts: list[str]) -> dict[str, Any]:
        """Extract the unknown ones of `texts`; return the extraction of every one of them.

        The answer is built before any eviction, so a text of this very call can
        never be dropped between being extracted (or found) and being answered.
        A text submitted ahead (`submit_ahead`) is taken from its batch's answer.
        """
        known = self._known
        answer: dict[str, Any] = {}
        fresh: dict[str, Any] = {}  # extracted for this call or ahead of it: remembered below
        missing: dict[str, None] = {}  # in order, once each
        for t in texts:
            if t in answer or t in missing:
                continue
            hit = known.get(t, _MISSING)
            if hit is _MISSING:
                hit = self._take_ahead(t)
                if hit is _MISSING:
                    missing[t] = None
                    continue
                fresh[t] = hit
            answer[t] = hit
        if missing:
            results = self._extract(list(missing))
            self.calls += 1
            self.texts_extracted += len(missing)
            if len(results) != len(missing):
                raise ValueError(f"extract returned {len(results)} results for {len(missing)} texts")
            fresh.update(zip(missing, results))
        if fresh:
            answer.update(fresh)
            if len(known) + len(fresh) > self._max:
                # drop the oldest half: repeated texts (templates) come back and are extracted again once
                for key in list(known)[: len(known) // 2]:
                    del known[key]
            known.update(fresh)
        return answer

    def _take_ahead(self, text: str) -> Any:
        """The extraction of `text` from a batch submitted ahead, or _MISSING (none, or it failed)."""
        ahead = self._ahead.pop(text, None)
        if ahead is None:
            return _MISSING
        future, i = ahead
        try:
            results = self._extract.result(future)
        except Exception:  # noqa: BLE001 - extracted again by the caller's own call, which meets the failure
            log.warning("extraction submitted ahead failed; extracting again", exc_info=True)
            results = None
        if results is None:
            # the batch failed or its child is gone: its other texts are extracted when needed too,
            # without asking (and logging) the same failed batch once per text
            for t in [t for t, (f, _i) in self._ahead.items() if f is future]:
                del self._ahead[t]
            return _MISSING
        return results[i] if i < len(results) else _MISSING

    def prefetch(self, texts: list[str]) -> None:
        """Extract `texts` now, as one batch; a failure is left for the runner's own call to meet."""
        try:
            self._fill(texts)
        except Exception:  # noqa: BLE001 - the per-file call retries and falls back to rules as before
            log.warning("read-ahead extraction failed; files are extracted one by one", exc_info=True)

    def can_submit_ahead(self) -> bool:
        """Whether `extract` answers in the background (`etl.extract_process.ExtractionProcess`)."""
        return callable(getattr(self._extract, "submit", None))

    def submit_ahead(self, texts: list[str]) -> None:
        """Start extracting `texts` in the background; `prefetch` when `extract` cannot."""
        if not self.can_submit_ahead():
            self.prefetch(texts)
            return
        todo = list(dict.fromkeys(t for t in texts if t not in self._known and t not in self._ahead))
        if not todo:
            return
        future = self._extract.submit(todo)
        if future is None:
            return  # no background extraction any more: each text is extracted when needed
        self.calls += 1
        self.texts_extracted += len(todo)
        for i, t in enumerate(todo):
            self._ahead[t] = (future, i)

    def __call__(self, texts: list[str]) -> list[Any]:
        keys = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
        answer = self._fill(keys)
        out = [answer[k] for k in keys]
        self.texts_answered += len(out)
        return out


def record_texts(raw: RawRecord) -> list[str]:
    """The free texts the runner will send to NLP for `raw` (none when it will be quarantined)."""
    from etl.factbuilder import free_texts
    from etl.parse import parse_or_quarantine

    typed = parse_or_quarantine(raw)
    if isinstance(typed, QuarantineEntry):
        return []
    return [t for _, t in free_texts(typed)]


def records_texts(items: list[RawRecord | QuarantineEntry]) -> list[str]:
    """The free texts of a file's or a batch's records, for extraction ahead of mapping; a record
    that fails here is skipped: the runner meets the failure (and quarantines it) when it maps it."""
    texts: list[str] = []
    for item in items:
        if isinstance(item, RawRecord):
            try:
                texts.extend(record_texts(item))
            except Exception:  # noqa: BLE001 - met again at the record's turn, as before
                continue
    return texts


class SmallFileLookahead:
    """Replays files read ahead; reads a run of small files ahead when the runner reaches one.

    `plan` is the run's files in the order the runner takes them, each with its
    source.  `iter_records(path, source=..., mapping=...)` has the reader's
    signature and behaviour; the runner calls it once per file, in plan order.
    """

    def __init__(
        self,
        plan: list[tuple[Path, str]],
        read: ReadFn,
        cache: ExtractionCache | None,
        mapping: Any = None,
        *,
        max_texts: int = LOOKAHEAD_TEXTS,
        max_files: int = LOOKAHEAD_FILES,
        small_bytes: int = SMALL_FILE_BYTES,
    ):
        self._plan = plan
        self._index = {p: i for i, (p, _) in enumerate(plan)}
        self._read = read
        self._cache = cache
        self._mapping = mapping
        self._max_texts = max_texts
        self._max_files = max_files
        self._small_bytes = small_bytes
        self._held: dict[Path, tuple[list[RawRecord | QuarantineEntry], Exception | None]] = {}
        self.batches = 0  # read-ahead runs (for benchmarks)
        self._next_run: int | None = None  # plan index after the last run read ahead
        self._run_starts: set[int] = set()  # first files of runs read ahead of the runner

    def _small(self, path: Path, source: str) -> bool:
        if source == "case":  # one record per file, whatever its size (a DOCX may carry images)
            return True
        try:
            return path.stat().st_size <= self._small_bytes
        except OSError:
            return False

    def _read_all(self, path: Path, source: str) -> tuple[list[RawRecord | QuarantineEntry], Exception | None]:
        # Any failure is kept and raised again when the runner reaches this file, so a
        # broken file ahead never stops the files before it (ReaderError or otherwise).
        items: list[RawRecord | QuarantineEntry] = []
        try:
            for item in self._read(path, source=source, mapping=self._mapping):
                items.append(item)
        except Exception as exc:  # noqa: BLE001 - replayed, not swallowed
            return items, exc
        return items, None

    def _read_ahead(self, start: int) -> int:
        """Read the run of small files from `start` and hand its texts to the cache; return
        the index after the run.  With an extractor that works in the background the
        texts are only submitted: the runner waits for them when it maps their file."""
        texts: list[str] = []
        i = start
        while i < len(self._plan) and i - start < self._max_files and len(texts) < self._max_texts:
            path, source = self._plan[i]
            if not self._small(path, source) or path in self._held:
                break
            items, exc = self._read_all(path, source)
            self._held[path] = (items, exc)
            texts.extend(records_texts(items))
            i += 1
        if self._cache is not None and texts:
            if self._cache.can_submit_ahead():
                self._cache.submit_ahead(texts)
            else:
                self._cache.prefetch(texts)
            self.batches += 1
        return i

    def _read_next_run(self) -> None:
        """Read the run after the last one read, while the runner maps that one (background extraction only)."""
        nxt = self._next_run
        self._next_run = None
        if nxt is None or nxt >= len(self._plan):
            return
        path, source = self._plan[nxt]
        if path in self._held or not self._small(path, source):
            return  # a large file comes next: it is read in its turn
        self._run_starts.add(nxt)
        self._next_run = self._read_ahead(nxt)

    def iter_records(
        self, path: str | Path, source: str | None = None, mapping: Any = None
    ) -> Iterator[RawRecord | QuarantineEntry]:
        path = Path(path)
        held = self._held.pop(path, None)
        ahead = self._cache is not None and self._cache.can_submit_ahead()
        i = self._index.get(path)
        if held is None:
            if i is None or source is None or not self._small(path, source):
                yield from self._read(path, source=source, mapping=mapping)
                return
            self._next_run = self._read_ahead(i)
            if ahead:
                self._read_next_run()
            held = self._held.pop(path)
        elif ahead and i in self._run_starts:
            # the runner enters a run read ahead: read the one after it while this one is mapped
            self._run_starts.discard(i)
            self._read_next_run()
        items, exc = held
        yield from items
        if exc is not None:
            raise exc


class RunWriter:
    """One writer thread for a whole run: builds overlap writes, and a small file never waits for its own write.

    Why: the runner used to start a writer thread per file and wait for each
    file's last write before reading the next file, so with thousands of case
    files the client sat idle through a store round trip per file and the
    second core with it.  Here writes (and each file's closing checkpoint
    clear) queue in order on one thread, bounded by the records they carry so
    memory stays bounded.  A failed write stops the queue: nothing after it runs, so no
    later batch is checkpointed, and the failure surfaces on the next submit
    or wait, as before.
    """

    def __init__(self, max_records: int = 2000, max_tasks: int = 256) -> None:
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecograph-writer")
        self._futures: deque[tuple[Any, int]] = deque()  # (future, records it writes)
        self._queued = 0
        self._max_records = max(1, max_records)
        self._max_tasks = max(1, max_tasks)
        self._failed = False

    def _guarded(self, fn: Callable[..., None], *args: Any) -> None:
        if self._failed:
            return  # a write before this one failed: nothing after it may run
        try:
            fn(*args)
        except BaseException:
            self._failed = True
            raise

    def _pop(self) -> None:
        future, weight = self._futures.popleft()
        self._queued -= weight
        future.result()

    def submit(self, fn: Callable[..., None], *args: Any, records: int = 0) -> None:
        """Queue `fn(*args)` after everything queued before it.

        `records` sizes the queue: writes of up to `max_records` records wait
        at a time (two batches of 1000, or a few hundred case files), so
        memory stays bounded however slow the store is.
        """
        while self._futures and (self._queued + records > self._max_records or len(self._futures) >= self._max_tasks):
            self._pop()
        self._futures.append((self._pool.submit(self._guarded, fn, *args), records))
        self._queued += records

    def wait(self) -> None:
        while self._futures:
            self._pop()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@dataclass
class PendingWrite:
    """One commit of one file, waiting to be written together with its neighbours'.

    `batch`: its facts (None for bookkeeping alone, e.g. clearing a finished
    file's checkpoint).  `settle` runs on the writer thread once the write that
    carries `batch` is in the store (quarantine lines, counts, checkpoint), in
    the order the parts were added.  `isolate` maps the commit again without the
    records no store can hold (those are quarantined by it) and returns the
    new batch; it is only called when writing the joined batch failed on a value.
    """

    batch: Any
    records: int
    settle: Callable[[], None]
    isolate: Callable[[], Any] | None = None


class WriteCoalescer:
    """Collects consecutive `PendingWrite`s and hands them to `flush_parts` together.

    Flushes when the parts hold `max_records` records or `max_parts` parts, and
    whenever the runner must see everything before a point settled (`settle`).
    A large file's batches reach `max_records` on their own and go alone, as
    before; only small files share.
    """

    def __init__(
        self,
        writer: RunWriter,
        flush_parts: Callable[[list[PendingWrite]], None],
        max_records: int = 1000,
        max_parts: int = 256,
    ) -> None:
        self._writer = writer
        self._flush_parts = flush_parts
        self._max_records = max(1, max_records)
        self._max_parts = max(1, max_parts)
        self._parts: list[PendingWrite] = []
        self._records = 0
        self._contents: set[str] = set()
        self.writes = 0  # joined writes handed on (for benchmarks and tests)

    def add(self, part: PendingWrite) -> None:
        self._parts.append(part)
        self._records += part.records
        if self._records >= self._max_records or len(self._parts) >= self._max_parts:
            self.flush()

    def flush(self) -> None:
        """Hand what is collected to `flush_parts` (which queues it on the writer), in order."""
        if not self._parts:
            return
        parts, self._parts, self._records = self._parts, [], 0
        self.writes += 1
        self._flush_parts(parts)

    def settle(self) -> None:
        """Flush, then wait until every write and bookkeeping step queued so far has run."""
        self.flush()
        self._writer.wait()

    def before_file(self, fingerprint: str) -> None:
        """Settle everything first when the same content was loaded earlier in this run (a copied
        export): that file's checkpoint must be on disk before this one reads it."""
        if fingerprint in self._contents:
            self.settle()
        self._contents.add(fingerprint)
