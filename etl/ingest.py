"""The ingest runner: files → records → facts → graph, in committed batches.

Why a runner of its own: readers, parsing and fact mapping are pure functions
of one record; this module adds what only a whole run knows — batching (one
NLP call and one store write per batch), the quarantine file, the counting
invariant `records_read == records_loaded + records_quarantined` per file and
in total, and checkpoints so a crash mid-file resumes from the last committed
batch instead of starting over.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl import unreadable
from etl.allocation import bulk_allocation_gc
from etl.batching import ExtractionCache, PendingWrite, RunWriter, WriteCoalescer, records_texts
from etl.extract_process import ExtractionProcess
from etl.guard import admit
from etl.records import LoadStats, QuarantineEntry, QuarantineWriter, RawRecord, ReaderError
from etl.textchunks import chunked
from graph_schema.model import GraphBatch
from graph_schema.store import GraphStore, StoreError
from graph_schema.store.upsert import WriteCache
from graph_schema.store.values import UnstorableValue

log = logging.getLogger(__name__)

SKIP_NAMES = {"truth.json", "package.json", "package-lock.json"}
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".json", ".docx"}
CHECKPOINT_DIR = "ingest_state"
# Small files (case files) from which free text is extracted in a child process: below, the
# child's start (~3 s: the models load again) costs more than it saves.
NLP_PROCESS_MIN_FILES = 1000
NLP_PROCESS_MIN_BYTES = 4 << 20  # or this much of text-bearing exports (~15k tickets or grid events)

ProgressFn = Callable[[str, int], None]  # (file, records done in this file)


@dataclass
class FileReport:
    stats: LoadStats
    resumed_from: int = 0
    seconds: float = 0.0
    error: str | None = None
    unreadable: bool = False  # nothing of it could be read: it is one quarantined record (etl.unreadable)
    quarantine_earlier: list[str] = field(default_factory=list)  # interrupted runs' files holding its counted lines


@dataclass
class IngestReport:
    run_id: str
    quarantine: str
    files: list[FileReport] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    nodes_written: int = 0  # node and relationship rows sent (upserts: new or already there)
    relationships_written: int = 0
    nodes_created: int = 0  # what the store says it created: both 0 when a file is loaded again
    relationships_created: int = 0
    records_changed: int = 0  # records already stored that now assert other facts (a later export)
    facts_retracted: int = 0  # what their earlier versions asserted and the new ones do not
    seconds: float = 0.0

    @property
    def total(self) -> LoadStats:
        t = LoadStats(file="*")
        for f in self.files:
            t.add(f.stats)
        return t

    def by_source(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            s = out.setdefault(
                f.stats.source or "unknown",
                {"files": 0, "records_read": 0, "records_loaded": 0, "records_quarantined": 0},
            )
            s["files"] += 1
            s["records_read"] += f.stats.records_read
            s["records_loaded"] += f.stats.records_loaded
            s["records_quarantined"] += f.stats.records_quarantined
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        t = self.total
        return {
            "run_id": self.run_id,
            "records_read": t.records_read,
            "records_loaded": t.records_loaded,
            "records_quarantined": t.records_quarantined,
            "quarantine": self.quarantine,
            # a resumed file's counts include lines an interrupted run wrote to its own quarantine file
            "quarantine_earlier": sorted({q for f in self.files for q in f.quarantine_earlier}),
            "by_source": self.by_source(),
            "files": [
                {
                    **f.stats.as_dict(),
                    "resumed_from": f.resumed_from,
                    "seconds": round(f.seconds, 3),
                    "error": f.error,
                    "unreadable": f.unreadable,
                }
                for f in self.files
            ],
            "skipped": self.skipped,
            "nodes_written": self.nodes_written,
            "relationships_written": self.relationships_written,
            "nodes_created": self.nodes_created,
            "relationships_created": self.relationships_created,
            "records_changed": self.records_changed,
            "facts_retracted": self.facts_retracted,
            "seconds": round(self.seconds, 3),
        }


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given, folders recursively, in a stable order; hidden files and known non-data skipped."""
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise FileNotFoundError(f"文件不存在 / no such file or folder: {p}")
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                hidden = any(part.startswith(".") for part in f.relative_to(p).parts)
                if hidden or f.name in SKIP_NAMES or f.suffix.lower() not in DATA_SUFFIXES:
                    continue  # inside a folder only data files count; a file named explicitly is always tried
                yield f
        else:
            yield p


def file_fingerprint(path: Path) -> str:
    """Identity of a file's content for checkpoints: size + SHA-256 of the first and last MiB."""
    h = hashlib.sha256()
    size = path.stat().st_size
    h.update(str(size).encode())
    with path.open("rb") as fh:
        h.update(fh.read(1 << 20))
        if size > 2 << 20:
            fh.seek(-(1 << 20), os.SEEK_END)
            h.update(fh.read())
    return h.hexdigest()[:32]


class Checkpoints:
    """`<data dir>/ingest_state/<fingerprint>.json`: records committed so far in a file."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, fp: str) -> Path:
        return self.dir / f"{fp}.json"

    def load(self, fp: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(fp).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def save(self, fp: str, state: dict[str, Any]) -> None:
        tmp = self._path(fp).with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._path(fp))  # atomic: a crash leaves the old or the new state

    def clear(self, fp: str) -> None:
        self._path(fp).unlink(missing_ok=True)


def _default_extract() -> Callable[[list[str]], list[Any]]:
    """`nlp.extract_texts`, or the identifier rules when the NLP layer cannot load."""
    from etl.facts import default_extract

    return default_extract()


def _start_nlp_child() -> ExtractionProcess | None:
    """The NLP child process, or None (extract in process) when it cannot be started."""
    try:
        return ExtractionProcess()
    except OSError as exc:
        log.warning("NLP child process could not start (%s); extracting in process", exc)
        return None


def _worth_a_child_process(plan: list[tuple[Path, str]]) -> bool:
    """Whether a run holds enough free text for NLP in a child process: many small files
    (case files), or large exports of a text-bearing source (hotline, grid)."""
    from etl.batching import SMALL_FILE_BYTES
    from etl.factbuilder import TEXT_FIELDS
    from etl.records import TYPED_BY_SOURCE

    small = text_bytes = 0
    for path, source in plan:
        size = _size(path)
        if source == "case" or size <= SMALL_FILE_BYTES:
            small += 1
        elif TYPED_BY_SOURCE.get(source) in TEXT_FIELDS:
            text_bytes += size
        if small >= NLP_PROCESS_MIN_FILES or text_bytes >= NLP_PROCESS_MIN_BYTES:
            return True
    return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 1 << 62


def ingest_paths(
    store: GraphStore,
    paths: Iterable[str | Path],
    *,
    data_dir: Path,
    source: str | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
    batch_records: int = 1000,
    quarantine_path: Path | None = None,
    run_id: str | None = None,
    progress: ProgressFn | None = None,
    transform_batch: Callable[[GraphBatch], GraphBatch] | None = None,
    extract: Callable[[list[str]], list[Any]] | None = None,
    use_nlp: bool = True,
    nlp_process: bool | None = None,
) -> IngestReport:
    """Load every record of `paths` into `store`; quarantine what cannot be loaded.

    `transform_batch` lets the caller rewrite keys before each write (entity
    resolution's alias map), so a merged alias is never resurrected.
    `mapping` is a column-mapping file or dict (`etl.readers.mapping`); a source
    it names is used for every file unless `source` is given.
    `nlp_process`: extract free text in a child process (`etl.extract_process`); by
    default only for runs with enough free text (`_worth_a_child_process`) for the
    child's start (loading the models again) to pay for itself.
    """
    from etl.batching import LOOKAHEAD_FILES, LOOKAHEAD_TEXTS, SmallFileLookahead
    from etl.readers import detect_source, iter_records, mapping_source

    run_id = run_id or time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    data_dir = Path(data_dir)
    qpath = quarantine_path or data_dir / "quarantine" / f"{run_id}.jsonl"
    checkpoints = Checkpoints(data_dir / CHECKPOINT_DIR)
    child = None
    report = IngestReport(run_id=run_id, quarantine=str(qpath))
    # This run is the only writer of its nodes while it runs: identical re-upserts
    # of a plate or checkpoint seen thousands of times are skipped (see WriteCache).
    cache = WriteCache()
    started = time.monotonic()
    plan: list[tuple[Path, str]] = []
    order: list[tuple[Path, str | None, Exception | None]] = []  # every file in its order; unreadable ones with why
    for path in expand_paths(paths):
        try:
            unreadable.check_name(path)
            plan.append((path, source or mapping_source(mapping) or detect_source(path, mapping)))
            order.append((path, plan[-1][1], None))
        except Exception as exc:  # noqa: BLE001 - a file nobody can read is quarantined, the run goes on
            if unreadable.is_empty(path):
                report.skipped.append(
                    {"file": unreadable.display_name(path), "reason": f"空文件，没有记录 (empty file): {exc}"}
                )
            else:
                order.append((path, None, exc))
    if extract is None and use_nlp:
        if nlp_process if nlp_process is not None else _worth_a_child_process(plan):
            child = _start_nlp_child()
        extract = child if child is not None else _default_extract()  # a child chunks texts itself
    if extract is not None and child is None:
        extract = chunked(extract)  # a long text in pieces spaCy accepts, offsets mapped back
    # many small files (case files) share NLP batches and one writer thread (etl.batching)
    if extract is not None:
        extract = ExtractionCache(extract)
    # A child's batch of four of its pipeline's batches: in the child, LAC tags one while the
    # rules work on the one before (`nlp.components.LACTagger.pipe`).
    runs = {"max_texts": 4 * LOOKAHEAD_TEXTS, "max_files": 2 * LOOKAHEAD_FILES} if child is not None else {}
    reader = SmallFileLookahead(plan, iter_records, extract, mapping, **runs)
    writer = RunWriter()
    coalescer = WriteCoalescer(
        writer, lambda parts: _flush_parts(store, cache, writer, report, parts), max_records=batch_records
    )
    with bulk_allocation_gc(), QuarantineWriter(qpath) as quarantine:
        try:
            for path, file_source, exc in order:
                if exc is not None:
                    report.files.append(_unreadable_file(path, unreadable.source_from_suffix(path), exc, quarantine))
                    continue
                report.files.append(
                    _ingest_file(
                        store, path, file_source, mapping, batch_records, quarantine, checkpoints, run_id,
                        progress, transform_batch, extract, coalescer, reader.iter_records,
                    )
                )  # fmt: skip
            coalescer.settle()  # the last files' writes, and any failure in them
        finally:
            writer.close()
            if child is not None:
                child.close()
    report.seconds = time.monotonic() - started
    return report


def _unreadable_file(path: Path, source: str | None, exc: Exception, quarantine: QuarantineWriter) -> FileReport:
    """A file that cannot be read at all: one record read, and quarantined with the reason."""
    entry = unreadable.entry(path, source, exc)
    quarantine.write(entry)
    quarantine.sync()
    stats = LoadStats(file=unreadable.display_name(path), source=source, records_read=1, records_quarantined=1)
    return FileReport(stats=stats, error=entry.reason, unreadable=True)


def _flush_parts(
    store: GraphStore, cache: WriteCache, writer: RunWriter, report: IngestReport, parts: list[PendingWrite]
) -> None:
    """Prepare the parts' facts as one batch and queue its write, then each part's bookkeeping.

    Preparing (statements, wire encoding) happens here on the reading thread;
    the writer thread only waits on the store.  A value no store holds makes the
    joined batch fail to encode: then each part maps its records again without
    the ones holding such a value (they are quarantined with the reason), so one
    record's fault never costs its neighbours, in its file or in another.
    """
    batch = _joined(parts)
    try:
        prepared = store.prepare_batch(batch, cache) if len(batch) else None
    except Exception as exc:  # noqa: BLE001 - one record's fault costs that record
        if not _record_fault(exc):
            raise
        cache.forget()
        for part in parts:
            if part.batch is not None and part.isolate is not None:
                part.batch = part.isolate() or None
        batch = _joined(parts)
        prepared = store.prepare_batch(batch, cache) if len(batch) else None
    versions = _document_versions(batch)
    # the batch itself only travels on when a record in it may have changed (it holds ~3 objects a fact)
    kept = batch if versions else None
    settles = [part.settle for part in parts]
    records = sum(part.records for part in parts)
    writer.submit(_write_and_settle, store, report, prepared, kept, versions, settles, records=records)


def _joined(parts: list[PendingWrite]) -> GraphBatch:
    if len(parts) == 1 and parts[0].batch is not None:
        return parts[0].batch
    batch = GraphBatch()
    for part in parts:
        if part.batch is not None:
            batch.extend(part.batch)
    return batch


def _write_and_settle(
    store: GraphStore,
    report: IngestReport,
    prepared: Any,
    batch: GraphBatch | None,
    versions: list[tuple[str, str, str]],
    settles: list[Callable[[], None]],
) -> None:
    """On the writer thread: the joined write, then each part's bookkeeping in order."""
    if prepared is not None:
        changed = store.documents_asserting_otherwise(versions) if versions else set()
        if changed and batch is not None:  # a later export changed these records: drop what only the old said
            report.records_changed += len(changed)
            report.facts_retracted += store.retract_stale_facts(_facts_by_document(batch, changed))
        written = store.write_prepared(prepared)
        report.nodes_written += written["nodes"]
        report.relationships_written += written["relationships"]
        report.nodes_created += written["nodes_created"]
        report.relationships_created += written["relationships_created"]
    for settle in settles:
        settle()


def _ingest_file(
    store: GraphStore,
    path: Path,
    source: str,
    mapping: str | Path | dict[str, Any] | None,
    batch_records: int,
    quarantine: QuarantineWriter,
    checkpoints: Checkpoints,
    run_id: str,
    progress: ProgressFn | None,
    transform_batch: Callable[[GraphBatch], GraphBatch] | None,
    extract: ExtractionCache | None,
    coalescer: WriteCoalescer,
    iter_records: Callable[..., Iterator[RawRecord | QuarantineEntry]],
) -> FileReport:
    started = time.monotonic()
    fp = file_fingerprint(path)
    coalescer.before_file(fp)
    state = checkpoints.load(fp)
    resume_at = int(state["records_done"]) if state and not state.get("done") else 0
    stats = LoadStats(file=str(path), source=source)
    if state and not state.get("done"):
        # counts of the interrupted run's committed batches carry over
        stats.records_read = int(state.get("records_read", 0))
        stats.records_loaded = int(state.get("records_loaded", 0))
        stats.records_quarantined = int(state.get("records_quarantined", 0))
        stats.records_with_warnings = int(state.get("records_with_warnings", 0))
    earlier = [str(q) for q in state.get("quarantine_files", [])] if state and not state.get("done") else []
    frep = FileReport(stats=stats, resumed_from=resume_at, quarantine_earlier=earlier)
    this_run, carried_quarantined = str(quarantine.path), stats.records_quarantined
    pending: list[RawRecord] = []
    pending_quarantine: list[QuarantineEntry] = []
    seen = 0

    def settle(read: int, quarantined: list[QuarantineEntry], loaded: int, warned: int, done: int) -> None:
        # Runs on the writer thread after the write that carries this commit's facts,
        # in order, so the checkpoint only ever names batches the store has committed.
        for entry in quarantined:
            quarantine.write(entry)
        if quarantined:
            # on disk before the checkpoint that counts them: a crash after it must not lose them
            quarantine.sync()
        stats.records_read += read
        stats.records_loaded += loaded
        stats.records_quarantined += len(quarantined)
        stats.records_with_warnings += warned
        checkpoints.save(
            fp,
            {
                "file": str(path),
                "records_done": done,
                "records_read": stats.records_read,
                "records_loaded": stats.records_loaded,
                "records_quarantined": stats.records_quarantined,
                "records_with_warnings": stats.records_with_warnings,
                "run_id": run_id,
                "quarantine_files": earlier + ([this_run] if stats.records_quarantined > carried_quarantined else []),
                "done": False,
            },
        )
        if progress:
            progress(str(path), done)

    def commit(raws: list[RawRecord], quarantined: list[QuarantineEntry], done: int) -> None:
        read = len(raws) + len(quarantined)
        try:
            loaded, warned, rejected, batch = _records_to_batch(raws, extract, run_id)
            if transform_batch is not None:
                batch = transform_batch(batch)
        except Exception as exc:  # noqa: BLE001 - one record's fault (an unstorable derived value, a mapping bug) costs that record
            if not _record_fault(exc):
                raise
            loaded, warned, rejected, batch = _isolate_failing(store, raws, extract, run_id, transform_batch)
        counts = {"loaded": loaded, "warned": warned, "quarantined": quarantined + rejected}
        early = list(quarantined)

        def isolate() -> GraphBatch:
            # the joined write failed on a value: map this commit again without the records that hold one
            loaded, warned, rejected, batch = _isolate_failing(store, raws, extract, run_id, transform_batch)
            counts.update(loaded=loaded, warned=warned, quarantined=early + rejected)
            return batch

        def settle_commit() -> None:
            settle(read, counts["quarantined"], counts["loaded"], counts["warned"], done)

        coalescer.add(PendingWrite(batch if len(batch) else None, read, settle_commit, isolate))

    # With extraction in the background a full batch is staged: its texts are submitted and the
    # batch before it is mapped meanwhile, so NLP on batch k+1 overlaps the mapping of batch k.
    ahead = extract is not None and extract.can_submit_ahead()  # the runner's ExtractionCache
    staged: list[tuple[list[RawRecord], list[QuarantineEntry], int]] = []

    def commit_pending(full: bool) -> None:
        batch = (list(pending), list(pending_quarantine), seen)
        pending.clear()
        pending_quarantine.clear()
        if ahead and full:
            extract.submit_ahead(records_texts(batch[0]))
            commit_staged()
            staged.append(batch)
        else:
            commit_staged()
            commit(*batch)

    def commit_staged() -> None:
        while staged:
            commit(*staged.pop(0))

    try:
        for item in unreadable.guarded(iter_records(path, source=source, mapping=mapping)):
            seen += 1
            if seen <= resume_at:
                continue  # committed by an interrupted earlier run
            if isinstance(item, unreadable.Unreadable):  # the reader stopped: the rest is one quarantined record
                entry = unreadable.entry(path, source, item.exc, item.after_row)
                pending_quarantine.append(entry)
                frep.error = entry.reason
                frep.unreadable = item.after_row is None
            elif isinstance(item, QuarantineEntry):
                pending_quarantine.append(item)
            else:
                stats.encoding = stats.encoding or item.encoding
                checked = admit(item)  # long texts cut; a value no store holds quarantines the record here
                if isinstance(checked, RawRecord):
                    pending.append(checked)
                else:
                    pending_quarantine.append(checked)
            if len(pending) + len(pending_quarantine) >= batch_records:
                commit_pending(full=True)
        if pending or pending_quarantine:
            commit_pending(full=False)
        commit_staged()
    except ReaderError as exc:  # readers' own errors reach here only outside unreadable.guarded
        commit_staged()  # batches read whole before the error are committed, as without staging
        coalescer.settle()
        frep.error = str(exc)
    else:
        # after the file's last write, without waiting for it
        coalescer.add(PendingWrite(None, 0, lambda: checkpoints.clear(fp)))
    frep.seconds = time.monotonic() - started
    return frep


def _document_versions(batch: GraphBatch) -> list[tuple[str, str, str]]:
    """(key, facts digest, SHA-256 of the raw record) of each Document in the batch."""
    return [
        (n.key, n.props["facts_digest"], n.props.get("sha256", "")) for n in batch.nodes if "facts_digest" in n.props
    ]


def _facts_by_document(batch: GraphBatch, docs: set[str]) -> dict[str, list[str]]:
    """The fact ids each of `docs` asserts in this batch: what its new version still says."""
    out: dict[str, list[str]] = {d: [] for d in docs}
    for rel in batch.rels:
        facts = out.get(rel.provenance.doc)
        if facts is not None:
            facts.append(rel.fact_id)
    return out


def _record_fault(exc: Exception) -> bool:
    """Whether a failure while mapping a batch may be one record's: not the store's, not the machine's."""
    return isinstance(exc, UnstorableValue) or not isinstance(exc, (StoreError, MemoryError, OSError))


def _isolate_failing(
    store: GraphStore,
    raws: list[RawRecord],
    extract: Callable[[list[str]], list[Any]] | None,
    run_id: str,
    transform_batch: Callable[[GraphBatch], GraphBatch] | None,
) -> tuple[int, int, list[QuarantineEntry], GraphBatch]:
    """The batch again without the records that cannot be mapped or encoded, those quarantined.

    Only runs after a batch failed, so mapping each record alone (NLP
    included) costs nothing in a clean load.  A failure that is no record's
    fault fails again on the good records and stops the run as before.
    """
    good: list[RawRecord] = []
    bad: list[QuarantineEntry] = []
    for raw in raws:
        try:
            _, _, _, one = _records_to_batch([raw], extract, run_id)
            if transform_batch is not None:
                one = transform_batch(one)
            store.prepare_batch(one, None)
        except UnstorableValue as exc:
            reason = f"记录的某项内容图数据库无法保存 (a value of this record cannot be stored: {exc})"
            bad.append(QuarantineEntry(raw.file, raw.row, None, reason, raw.raw, raw.source, raw.record_id))
        except Exception as exc:  # noqa: BLE001 - a fault in mapping this record: quarantined with the cause
            if not _record_fault(exc):
                raise
            log.debug("record %s:%s failed to map", raw.file, raw.row, exc_info=True)
            reason = f"处理该记录时出错 (internal error while mapping this record: {type(exc).__name__}: {exc})"
            bad.append(QuarantineEntry(raw.file, raw.row, None, reason, raw.raw, raw.source, raw.record_id))
        else:
            good.append(raw)
    loaded, warned, rejected, batch = _records_to_batch(good, extract, run_id)
    return loaded, warned, rejected + bad, batch


def _records_to_batch(
    raws: list[RawRecord], extract: Callable[[list[str]], list[Any]] | None, run_id: str
) -> tuple[int, int, list[QuarantineEntry], GraphBatch]:
    """Parse and map one batch; NLP runs once over all free texts of the batch.

    Returns (records loaded, of which with warnings, records rejected, the facts).
    """
    from etl.facts import records_to_batch
    from etl.parse import parse_or_quarantine

    typed = []
    rejected: list[QuarantineEntry] = []
    for raw in raws:
        result = parse_or_quarantine(raw)
        if isinstance(result, QuarantineEntry):
            rejected.append(result)
        else:
            typed.append(result)
    batch = records_to_batch(typed, extract=extract, run_id=run_id)
    return len(typed), sum(1 for t in typed if t.warnings), rejected, batch
