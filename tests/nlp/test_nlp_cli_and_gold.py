"""CLI (Typer sub-app) and the development gold set."""

import json
from pathlib import Path

from typer.testing import CliRunner

from nlp.cli import app
from nlp.evaluate import CORE7, evaluate, read_jsonl
from nlp.types import LABELS

GOLD = Path(__file__).resolve().parents[2] / "nlp" / "gold" / "dev.jsonl"
runner = CliRunner()


def test_extract_and_eval_commands(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "犯罪嫌疑人周卫东驾驶浙E5G378将废盐酸倒入青岭村矿坑。"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert row["id"] == "a"
    ents = row["entities"]
    assert {"周卫东", "浙E5G378"} <= {e["text"] for e in ents}
    drives = [r for r in row["relations"] if r["type"] == "DRIVES"]
    assert drives and ents[drives[0]["head"]]["text"] == "周卫东" and ents[drives[0]["tail"]]["text"] == "浙E5G378"

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "g",
                "text": "周卫东驾驶浙E5G378。",
                "entities": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 5, "end": 13, "label": "PLATE"}],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["eval", str(gold)])
    assert res.exit_code == 0, res.output
    assert "PLATE" in res.output and "micro-7" in res.output


def test_user_mistakes_give_one_line_errors(tmp_path):
    res = runner.invoke(app, ["extract", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 1
    assert "找不到文件" in res.output and "Traceback" not in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "好"}\n{oops\n', encoding="utf-8")
    res = runner.invoke(app, ["eval", str(bad)])
    assert res.exit_code == 1
    assert "第 1 行" in res.output or "第 2 行" in res.output
    assert str(bad) in res.output


def test_gold_set_is_well_formed():
    docs = read_jsonl(GOLD, need_entities=True)
    assert len(docs) >= 150
    assert {d["source"] for d in docs} == {"hotline", "grid", "case", "reply"}
    for d in docs:
        for e in d["entities"]:
            assert d["text"][e["start"] : e["end"]] == e["text"]
        spans = sorted((e["start"], e["end"]) for e in d["entities"])
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), d["id"]
    assert {e["label"] for d in docs for e in d["entities"]} == set(LABELS)


def test_dev_set_targets():
    report = evaluate(read_jsonl(GOLD, need_entities=True))
    assert report.micro(CORE7).f >= 0.95
    assert report.micro(LABELS).f >= 0.90
    for lab in ("PLATE", "PHONE", "ID_CARD", "VESSEL"):
        assert report.counts[lab].f >= 0.98, lab
