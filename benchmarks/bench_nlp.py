"""Throughput of the NLP pipeline: 10,000 documents (~150 characters) through `nlp.pipe_extractions`
(text normalisation + `nlp.pipe`, what `extract_texts` runs).

    python benchmarks/bench_nlp.py [--docs 10000] [--batch-size 256]

Documents are assembled from the dev gold texts (cut or joined to about 150
characters, with a running number so the LAC character cache cannot short-cut
repeats).  Prints docs/s, chars/s, per core, and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_docs(n: int, target: int = 150) -> list[str]:
    gold = Path(__file__).resolve().parents[1] / "nlp" / "gold" / "dev.jsonl"
    texts = [json.loads(line)["text"].replace("\n", "，") for line in gold.open(encoding="utf-8")]
    docs = []
    i = 0
    while len(docs) < n:
        t = texts[i % len(texts)]
        j = 1
        while len(t) < target:
            t += texts[(i + j * 7) % len(texts)]
            j += 1
        docs.append(f"第{len(docs)}号：" + t[:target])
        i += 1
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args()

    import nlp

    t0 = time.perf_counter()
    pipe = nlp.get_pipeline()
    load_s = time.perf_counter() - t0
    docs = make_docs(args.docs)
    chars = sum(len(d) for d in docs)
    list(nlp.pipe_extractions(pipe, docs[:200], batch_size=args.batch_size))  # warm up
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    n_ents = 0
    # what ETL runs: text normalisation (nlp.textnorm), the pipeline, offsets mapped back
    for ex, _doc in nlp.pipe_extractions(pipe, docs, batch_size=args.batch_size):
        n_ents += len(ex.entities)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    cores = os.cpu_count() or 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("documents", f"{len(docs)}"),
        ("characters", f"{chars} (avg {chars / len(docs):.0f}/doc)"),
        ("entities", f"{n_ents}"),
        ("pipeline load", f"{load_s:.2f} s"),
        ("wall time", f"{wall:.2f} s"),
        ("docs/s", f"{len(docs) / wall:,.0f}"),
        ("chars/s", f"{chars / wall:,.0f}"),
        ("cores (os.cpu_count)", f"{cores}"),
        ("CPU time used", f"{cpu:.2f} s ({cpu / wall:.2f} cores busy)"),
        ("docs/s per core", f"{len(docs) / wall / cores:,.0f}"),
        ("docs per CPU-second", f"{len(docs) / cpu:,.0f}"),
        ("peak RSS", f"{peak_mb:,.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
