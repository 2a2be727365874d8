"""Many small files (case files) share NLP batches without changing what each file reports (etl.batching)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.batching import ExtractionCache, SmallFileLookahead, record_texts
from etl.idrules import rules_extract
from etl.ingest import ingest_paths
from etl.readers import iter_records
from etl.records import RawRecord, ReaderError
from graph_schema.store import open_store
from graph_schema.store.falkor_server import stop_server


class _CountingExtract:
    """rules_extract (fast, no model) that records every call it gets."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, texts):
        self.calls.append(list(texts))
        return rules_extract(texts)


def _bundle(samples_dir: Path, root: Path) -> Path:
    """The sample case files, a truncated case file among them, and the hotline export."""
    b = root / "bundle"
    (b / "cases").mkdir(parents=True)
    for f in sorted((samples_dir / "cases").iterdir()):
        shutil.copy(f, b / "cases" / f.name)
    (b / "cases" / "dz-2024-00001.json").write_text('{"案件编号": "DZ-2024-00001", "简要案情": "某', encoding="utf-8")
    shutil.copy(samples_dir / "hotline.csv", b / "hotline.csv")
    return b


def _file_rows(report):
    return [
        (Path(f.stats.file).name, f.stats.records_read, f.stats.records_loaded, f.stats.records_quarantined, f.error)
        for f in report.files
    ]


def test_extraction_cache_sends_each_text_once_and_keeps_order():
    inner = _CountingExtract()
    cache = ExtractionCache(inner)
    plate = "车牌浙A12345的货车倾倒废液"
    first = cache([plate, "无关内容", plate])
    assert [e.text for e in first] == [plate, "无关内容", plate]
    assert inner.calls == [[plate, "无关内容"]]  # a repeated text is extracted once
    again = cache(["无关内容", "电话13812345678"])
    assert inner.calls[-1] == ["电话13812345678"]
    assert [e.text for e in again] == ["无关内容", "电话13812345678"]
    assert any(e.label == "PLATE" for e in first[0].entities)

    def wrong_count(texts):
        return rules_extract(texts)[:-1]

    with pytest.raises(ValueError):  # so the runner falls back to rules for the batch, as without the cache
        ExtractionCache(wrong_count)(["甲", "乙"])


def test_extraction_cache_answers_a_call_that_overflows_it():
    """A call whose new texts overflow the cache evicts the oldest entries, and may not evict the
    ones it is about to answer (seen at 210k records: a KeyError sent a whole batch to rules)."""
    inner = _CountingExtract()
    cache = ExtractionCache(inner, max_entries=4)
    cache(["甲", "乙", "丙"])
    texts = ["甲", "丁", "戊", "己", "乙"]
    out = cache(texts)
    assert [e.text for e in out] == texts
    assert inner.calls[-1] == ["丁", "戊", "己"]  # the known ones were not extracted again
    assert [e.text for e in cache(["甲", "庚"])] == ["甲", "庚"]


def _direct_and_replayed(ahead, path, source, on_record=None):
    """(records, error) as the reader yields `path`, and as the lookahead replays it."""
    direct, direct_exc = [], None
    try:
        direct = [r.fields if isinstance(r, RawRecord) else r.reason for r in iter_records(path, source=source)]
    except ReaderError as exc:
        direct_exc = str(exc)
    replayed, replay_exc = [], None
    try:
        for r in ahead.iter_records(path, source):
            if on_record is not None:
                on_record(r, first=not replayed)
            replayed.append(r.fields if isinstance(r, RawRecord) else r.reason)
    except ReaderError as exc:
        replay_exc = str(exc)
    return (direct, direct_exc), (replayed, replay_exc)


def test_lookahead_replays_each_file_as_the_reader_yields_it(samples_dir, tmp_path):
    b = _bundle(samples_dir, tmp_path)
    plan = [(p, "case") for p in sorted((b / "cases").iterdir())]
    inner = _CountingExtract()
    ahead = SmallFileLookahead(plan, iter_records, ExtractionCache(inner), max_texts=4)
    for path, source in plan:
        direct, replayed = _direct_and_replayed(ahead, path, source)
        assert replayed == direct, path.name
    # 9 files, at most 4 texts a read-ahead: several batches, each of several files' texts
    assert 1 < ahead.batches < len(plan)
    assert max(len(c) for c in inner.calls) > 1


def test_small_files_batched_load_exactly_what_one_by_one_loads(samples_dir, tmp_path):
    b = _bundle(samples_dir, tmp_path)
    files = sorted(p for p in b.rglob("*") if p.is_file())
    batched_dir, single_dir = tmp_path / "batched", tmp_path / "single"
    try:
        inner = _CountingExtract()
        with open_store(data_dir=batched_dir) as store:
            store.setup_schema()
            report = ingest_paths(store, [b], data_dir=batched_dir, extract=inner)
            batched_stats = store.stats()
        singles = []
        with open_store(data_dir=single_dir) as store:
            store.setup_schema()
            for f in files:
                singles.append(ingest_paths(store, [f], data_dir=single_dir, extract=_CountingExtract()))
            single_stats = store.stats()
    finally:
        stop_server(batched_dir)
        stop_server(single_dir)
    # the same graph, and each file reported as it is when loaded alone, in the same order
    assert batched_stats == single_stats
    assert _file_rows(report) == [row for r in singles for row in _file_rows(r)]
    case_rows = [r for r in _file_rows(report) if r[0] != "hotline.csv" and not r[0].startswith("dz-")]
    assert len(case_rows) == 8 and all(r[1] == 1 and r[2] == 1 for r in case_rows)
    # the eight case narratives went to NLP in one call, not one call per file
    case_calls = [c for c in inner.calls if len(c) >= 8]
    assert len(case_calls) == 1
    assert len(inner.calls) <= 3


class _CrashAfter:
    """A store wrapper that dies after `n` committed batches, like a killed process."""

    def __init__(self, store, n):
        self.store, self.n = store, n

    def __getattr__(self, name):
        return getattr(self.store, name)

    def write_prepared(self, prepared):
        if self.n == 0:
            raise KeyboardInterrupt("simulated crash")
        self.n -= 1
        return self.store.write_prepared(prepared)


def test_crash_among_small_files_loses_nothing(samples_dir, tmp_path):
    b = _bundle(samples_dir, tmp_path)
    crashed_dir, clean_dir = tmp_path / "crashed", tmp_path / "clean"
    try:
        with open_store(data_dir=crashed_dir) as store:
            store.setup_schema()
            with pytest.raises(KeyboardInterrupt):
                # small files share writes (etl.batching.WriteCoalescer): small batches make several
                crashing = _CrashAfter(store, 2)
                ingest_paths(crashing, [b], data_dir=crashed_dir, extract=_CountingExtract(), batch_records=3)
            partial = store.stats()
            rerun = ingest_paths(store, [b], data_dir=crashed_dir, extract=_CountingExtract())
            resumed = store.stats()
        with open_store(data_dir=clean_dir) as store:
            store.setup_schema()
            clean_report = ingest_paths(store, [b], data_dir=clean_dir, extract=_CountingExtract())
            clean = store.stats()
    finally:
        stop_server(crashed_dir)
        stop_server(clean_dir)
    assert partial != clean  # the crash came mid-run
    assert resumed == clean
    assert _file_rows(rerun) == _file_rows(clean_report)


def test_a_copied_file_in_one_run_is_loaded_again_not_resumed(samples_dir, tmp_path, monkeypatch):
    """Writes no longer block the next file; a second copy of the same content must still not
    mistake the first copy's in-flight checkpoint for an interrupted run of its own."""
    import time

    from etl import ingest as ingest_mod

    b = tmp_path / "bundle"
    b.mkdir()
    src = samples_dir / "cases" / "cx-2024-00057.txt"
    shutil.copy(src, b / "a-cx-2024-00057.txt")
    shutil.copy(src, b / "b-cx-2024-00057.txt")
    slow_clear = ingest_mod.Checkpoints.clear

    def clear_later(self, fp):  # widen the window between a file's checkpoint and its clearing
        time.sleep(0.5)
        slow_clear(self, fp)

    monkeypatch.setattr(ingest_mod.Checkpoints, "clear", clear_later)
    fingerprint = ingest_mod.file_fingerprint

    def fingerprint_later(path):  # let the first copy's write and checkpoint land before the second looks
        time.sleep(0.2)
        return fingerprint(path)

    monkeypatch.setattr(ingest_mod, "file_fingerprint", fingerprint_later)
    data = tmp_path / "data"
    try:
        with open_store(data_dir=data) as store:
            store.setup_schema()
            report = ingest_paths(store, [b], data_dir=data, extract=_CountingExtract())
    finally:
        stop_server(data)
    assert [(f.resumed_from, f.stats.records_read, f.stats.records_loaded) for f in report.files] == [(0, 1, 1)] * 2
    assert not list((data / "ingest_state").glob("*.json"))  # every checkpoint cleared at the end


def test_run_writer_stops_at_a_failed_write_and_bounds_its_queue():
    import threading

    from etl.batching import RunWriter

    done: list[int] = []
    w = RunWriter(max_records=2)

    def fail():
        raise OSError("store gone")

    w.submit(fail, records=1)
    w.submit(done.append, 1, records=1)  # queued behind the failure: must never run
    with pytest.raises(OSError):
        w.wait()
    w.wait()
    assert done == []
    w.close()

    w = RunWriter(max_records=2)
    gate = threading.Event()
    w.submit(gate.wait, records=1)
    w.submit(done.append, 2, records=1)
    third = threading.Thread(target=lambda: w.submit(done.append, 3, records=1))
    third.start()
    third.join(0.3)
    assert third.is_alive()  # two records' writes already wait: the third blocks the reader
    gate.set()
    third.join(5)
    w.wait()
    w.close()
    assert done == [2, 3]


class _CountingWrites:
    """A store wrapper that counts the writes it is sent."""

    def __init__(self, store):
        self.store, self.writes = store, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def write_prepared(self, prepared):
        self.writes += 1
        return self.store.write_prepared(prepared)


def test_small_files_share_one_store_write(samples_dir, tmp_path):
    """Eight case files and a hotline export: one joined write, not one per file."""
    b = _bundle(samples_dir, tmp_path)
    data = tmp_path / "data"
    try:
        with open_store(data_dir=data) as store:
            store.setup_schema()
            counting = _CountingWrites(store)
            report = ingest_paths(counting, [b], data_dir=data, extract=_CountingExtract())
    finally:
        stop_server(data)
    assert len(report.files) == 10
    assert counting.writes == 1
    assert report.total.records_read == report.total.records_loaded + report.total.records_quarantined
    assert not list((data / "ingest_state").glob("*.json"))  # every file's checkpoint cleared


def test_a_value_no_store_holds_costs_its_record_not_the_files_written_with_it(samples_dir, tmp_path):
    """A derived value that cannot be stored (a NUL) fails the joined write's encoding: only the
    record that made it is quarantined, naming its file; the files beside it load whole."""
    from graph_schema.model import GraphBatch

    b = _bundle(samples_dir, tmp_path)
    poisoned = sorted((b / "cases").glob("*.txt"))[0]

    def poison(batch: GraphBatch) -> GraphBatch:
        for node in batch.nodes:
            if node.key.startswith("doc:") and poisoned.name in str(node.props.get("file", "")):
                node.props["note"] = "坏\x00值"
        return batch

    reports = {}
    for name, transform in (("clean", None), ("poisoned", poison)):
        data = tmp_path / name
        try:
            with open_store(data_dir=data) as store:
                store.setup_schema()
                reports[name] = ingest_paths(
                    store, [b], data_dir=data, extract=_CountingExtract(), transform_batch=transform
                )
        finally:
            stop_server(data)
    report = reports["poisoned"]
    rows = {row[0]: row for row in _file_rows(report)}
    assert rows[poisoned.name][1:4] == (1, 0, 1)
    # every other file reports exactly what it reports in a clean run
    clean = {row[0]: row for row in _file_rows(reports["clean"])}
    assert clean[poisoned.name][1:4] == (1, 1, 0)
    assert {k: v for k, v in rows.items() if k != poisoned.name} == {
        k: v for k, v in clean.items() if k != poisoned.name
    }
    lines = Path(report.quarantine).read_text(encoding="utf-8")
    assert poisoned.name in lines and "无法保存" in lines


class _AheadExtract(_CountingExtract):
    """A background extractor (the interface of etl.extract_process.ExtractionProcess) on a
    thread: `submit` starts a batch, `result` answers it; `fail` makes the next batch fail."""

    def __init__(self):
        super().__init__()
        from concurrent.futures import ThreadPoolExecutor

        self.submitted: list[list[str]] = []
        self.events: list[tuple[str, object]] = []  # ("submit", texts) in the order they came
        self.fail = False
        self._pool = ThreadPoolExecutor(1)

    def submit(self, texts):
        self.submitted.append(list(texts))
        self.events.append(("submit", list(texts)))
        if self.fail:
            self.fail = False
            return self._pool.submit(lambda: 1 / 0)
        return self._pool.submit(rules_extract, list(texts))

    def result(self, future):
        return future.result()


def test_extraction_cache_takes_texts_submitted_ahead_from_their_batch():
    inner = _AheadExtract()
    cache = ExtractionCache(inner)
    assert cache.can_submit_ahead() and not ExtractionCache(_CountingExtract()).can_submit_ahead()
    cache.submit_ahead(["甲车浙A12345", "乙", "甲车浙A12345"])
    cache.submit_ahead(["乙", "丙"])  # 乙 is on its way already: only 丙 is sent
    assert inner.submitted == [["甲车浙A12345", "乙"], ["丙"]]
    out = cache(["乙", "丙", "甲车浙A12345", "丁"])
    assert [e.text for e in out] == ["乙", "丙", "甲车浙A12345", "丁"]
    assert inner.calls == [["丁"]]  # only the text nobody submitted is extracted in the call
    assert any(e.label == "PLATE" for e in out[2].entities)
    assert [e.text for e in cache(["乙"])] == ["乙"] and inner.calls == [["丁"]]  # remembered
    inner.fail = True
    cache.submit_ahead(["戊", "己"])
    assert [e.text for e in cache(["己", "戊"])] == ["己", "戊"]  # the batch failed: extracted again
    assert inner.calls[-1] == ["己", "戊"]


def test_lookahead_submits_the_next_run_before_the_runner_maps_this_one(samples_dir, tmp_path):
    """With a background extractor the next run of small files is read and submitted when the
    runner enters a run, so extraction of run k+1 overlaps the mapping of run k; every file is
    still replayed exactly as its reader yields it."""
    b = _bundle(samples_dir, tmp_path)
    plan = [(p, "case") for p in sorted((b / "cases").iterdir())]
    inner = _AheadExtract()
    cache = ExtractionCache(inner)
    ahead = SmallFileLookahead(plan, iter_records, cache, max_texts=2)
    submitted_before: list[int] = []  # batches submitted when each file's first record came

    def map_record(r, first):
        if first:
            submitted_before.append(len(inner.submitted))
        if isinstance(r, RawRecord):  # what the runner asks of the cache for this record
            cache(record_texts(r))

    for path, source in plan:
        direct, replayed = _direct_and_replayed(ahead, path, source, map_record)
        assert replayed == direct, path.name
    assert len(inner.submitted) >= 3  # several runs of at most two texts
    # the runner's first file already had the second run on its way, and so on: always a run ahead
    assert submitted_before[0] == 2
    assert inner.calls == []  # every text came from a batch submitted ahead
    assert not ahead._held  # noqa: SLF001 - nothing left in memory


def test_nlp_in_a_child_process_extracts_and_loads_what_in_process_does(samples_dir, tmp_path):
    """etl.extract_process: the same Extractions as in process, and the same graph and per-file
    report from an ingest that extracts in a child process (forced on this small bundle)."""
    from etl.extract_process import ExtractionProcess
    from etl.facts import default_extract
    from etl.textchunks import chunked

    b = _bundle(samples_dir, tmp_path)
    texts = [t for p in sorted((b / "cases").glob("*.txt")) for t in [p.read_bytes().decode("utf-8", "replace")]]
    texts += ["车牌浙E·K3J21的货车，登记车主为王某某，系李某借用。" * 200]  # a text the child cuts in chunks
    child = ExtractionProcess()
    try:
        assert child(texts) == chunked(default_extract())(texts)
    finally:
        child.close()
    assert child.submit(["甲"]) is None and [e.text for e in child(["甲"])] == ["甲"]  # closed: in process
    submitted: list[int] = []  # texts per batch submitted ahead (case runs, then the hotline's full batches)
    submit_ahead = ExtractionCache.submit_ahead

    def counting(self, texts):
        submitted.append(len(texts))
        return submit_ahead(self, texts)

    stores = {}
    for mode in (True, False):
        data = tmp_path / f"data-{mode}"
        try:
            with open_store(data_dir=data) as store, pytest.MonkeyPatch.context() as mp:
                mp.setattr(ExtractionCache, "submit_ahead", counting)
                store.setup_schema()
                # batches of 4 records: the 25-ticket hotline export is staged batch by batch
                report = ingest_paths(store, [b], data_dir=data, nlp_process=mode, batch_records=4)
                stores[mode] = (store.stats(), _file_rows(report))
        finally:
            stop_server(data)
        if mode:
            assert len(submitted) >= 7 and max(submitted) >= 4, submitted  # the hotline's 6 full batches
            submitted.clear()
    assert submitted == []  # in process nothing is submitted ahead
    assert stores[True] == stores[False]
    assert stores[True][0]["nodes"].get("Person") and stores[True][0]["relationships"]


def test_a_killed_nlp_child_leaves_the_run_to_extract_in_process():
    """The child killed (out of memory, a signal) between batches or during one: the batch is
    extracted in process and so is every later one; nothing is lost or answered twice."""
    import os
    import signal

    from etl.extract_process import ExtractionProcess

    child = ExtractionProcess()
    try:
        texts = ["车牌浙A12345的货车倾倒废液", "电话13812345678"]
        first = child(texts)
        assert [e.text for e in first] == texts
        pending = child.submit(["车牌浙A12345的货车倾倒废液。" * 3000])  # seconds of work: killed during it
        os.kill(child.pid, signal.SIGKILL)
        assert child.result(pending) is None  # the child died on it: the caller extracts it again
        assert child.submit(["乙"]) is None
        again = child(texts)
        assert again == first
    finally:
        child.close()


def test_a_script_without_a_main_guard_runs_once_beside_the_nlp_child(tmp_path):
    """The child is `python -m etl.extract_process`, not a multiprocessing worker: a spawned worker
    imports the parent's main module, and an unguarded script calling the ingest ran again, whole,
    inside it (seen with an evaluation script)."""
    import subprocess
    import sys

    marker = tmp_path / "runs.txt"
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from etl.extract_process import ExtractionProcess\n"
        f"open({str(marker)!r}, 'a').write('run\\n')\n"
        "child = ExtractionProcess()\n"
        "print(sorted(e.label for e in child(['车牌浙A12345的货车倾倒废液'])[0].entities))\n"
        "child.close()\n",
        encoding="utf-8",
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(script)], cwd=repo, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "PLATE" in out.stdout
    assert marker.read_text() == "run\n"


def test_an_nlp_child_that_cannot_start_leaves_the_ingest_in_process(samples_dir, tmp_path, monkeypatch):
    """No child at all (the interpreter cannot be started again): the run extracts in process and
    loads what an in-process run loads."""
    import etl.extract_process

    def no_process(*args, **kwargs):
        raise OSError("no more processes")

    b = _bundle(samples_dir, tmp_path)
    results = {}
    for mode in ("refused", "in process"):
        data = tmp_path / mode
        try:
            with open_store(data_dir=data) as store, pytest.MonkeyPatch.context() as mp:
                if mode == "refused":
                    mp.setattr(etl.extract_process.subprocess, "Popen", no_process)
                store.setup_schema()
                report = ingest_paths(store, [b], data_dir=data, nlp_process=mode == "refused")
                results[mode] = (store.stats(), _file_rows(report))
        finally:
            stop_server(data)
    assert results["refused"] == results["in process"]
    assert results["refused"][0]["nodes"].get("Person")
