"""`ecograph nlp …` — mounted by api/cli as a Typer sub-app."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer

app = typer.Typer(
    help="中文文本实体与关系抽取（人员、单位、地点、车牌、船号、电话、身份证、时间、废物、物种）。",
    no_args_is_help=True,
)


def _fail(msg: str) -> None:
    typer.echo(f"错误：{msg}", err=True)
    raise typer.Exit(code=1)


@app.command("extract")
def extract_cmd(
    input: Path = typer.Argument(..., help='输入 JSONL，每行 {"id": ..., "text": ...}'),
    output: Path = typer.Option(..., "-o", "--output", help="输出 JSONL 文件"),
    batch_size: int = typer.Option(256, "--batch-size", help="每批文档数"),
) -> None:
    """从 JSONL 文本中抽取实体与关系。"""
    from nlp.evaluate import GoldError, iter_jsonl

    if not input.is_file():
        _fail(f"找不到文件：{input}")
    from nlp import extract_texts

    try:
        out = output.open("w", encoding="utf-8")
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror}")
    n_doc = n_ent = n_rel = 0

    def flush(chunk: list[dict]) -> None:
        nonlocal n_doc, n_ent, n_rel
        for d, ex in zip(chunk, extract_texts([d["text"] for d in chunk], batch_size=batch_size)):
            ents = [{"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in ex.entities]
            for e, full in zip(ents, ex.entities):
                if full.normalized:
                    e["normalized"] = full.normalized
            rels = []
            for r in ex.relations:
                rd = asdict(r)
                rd["sentence"] = ex.sentence(r)
                rels.append(rd)
            roles = [{"entity": r.entity, "role": r.role, "cue": r.cue, "confidence": r.confidence} for r in ex.roles]
            n_doc += 1
            n_ent += len(ents)
            n_rel += len(rels)
            line = {"id": d["id"], "entities": ents, "relations": rels, "roles": roles}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")

    with out:
        chunk: list[dict] = []
        try:
            for d in iter_jsonl(input):  # streamed: files may be large
                chunk.append(d)
                if len(chunk) >= batch_size * 8:
                    flush(chunk)
                    chunk = []
        except GoldError as exc:
            flush(chunk)
            _fail(str(exc))
        flush(chunk)
    typer.echo(f"已处理 {n_doc} 篇文档：{n_ent} 个实体，{n_rel} 条关系 → {output}", err=True)


@app.command("eval")
def eval_cmd(
    gold: Path = typer.Argument(..., help="标注集 JSONL（含 entities，可含 relations）"),
    mode: str = typer.Option("full", "--mode", help="full | rules（不用 LAC 实体）| lac（基线：LAC+标识符正则）"),
    errors: int = typer.Option(0, "--errors", help="列出前 N 个错误"),
) -> None:
    """按标签输出精确率、召回率、F1（spaCy Scorer，精确匹配）；标注含关系时再按关系类型输出。"""
    from nlp.evaluate import GoldError, evaluate, read_jsonl
    from nlp.pipeline import MODES

    if mode not in MODES:
        _fail(f"未知模式 {mode!r}，可选：{', '.join(MODES)}")
    try:
        docs = read_jsonl(gold, need_entities=True)
    except GoldError as exc:
        _fail(str(exc))
    report = evaluate(docs, mode=mode)
    typer.echo(f"{gold}：{report.n_docs} 篇文档，模式 {mode}")
    typer.echo(report.table())
    if report.rel_counts is not None:
        typer.echo("")
        typer.echo(report.relation_table())
    for doc_id, kind, label, text in report.errors[:errors]:
        typer.echo(f"{kind}\t{label}\t{doc_id}\t{text}")


def main() -> None:  # python -m nlp.cli
    app()


if __name__ == "__main__":
    sys.exit(main())
