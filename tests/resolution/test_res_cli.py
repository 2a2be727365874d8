"""`ecograph resolve …` commands: JSON output, Chinese one-line errors, non-zero exits."""

from __future__ import annotations

import json

import pytest
from res_helpers import G
from typer.testing import CliRunner

from api.cli.main import app
from graph_schema.store import open_store
from graph_schema.store.falkor_server import stop_server

HT = "company:91330522704523184E"


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    s = open_store("falkordb", data_dir=d)
    g = G()
    g.doc("doc:case:c1")
    g.doc("doc:hotline:h1")
    g.company(HT, "长兴恒泰精细化工有限公司", "doc:case:c1")
    g.company("company:长兴恒泰精细化工有限公司", "长兴恒泰精细化工有限公司", "doc:hotline:h1", field="")
    g.company("company:恒泰化工", "恒泰化工", "doc:hotline:h1", field="")
    g.write(s)
    s.close()
    yield d
    stop_server(d)


def _run(data_dir, *args: str):  # noqa: ANN001
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "resolve", *args])


def test_run_explain_suggestions_split(data_dir) -> None:
    r = _run(data_dir, "run", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["merges"] == 1 and out["suggestions"] == 1
    r = _run(data_dir, "explain", HT, "--json")
    info = json.loads(r.stdout)
    assert info["aliases"][0]["alias"] == "company:长兴恒泰精细化工有限公司"
    assert info["possibly_same"][0]["other"] == "company:恒泰化工"
    r = _run(data_dir, "explain", "company:长兴恒泰精细化工有限公司")
    assert r.exit_code == 0 and "已合并到" in r.stdout
    r = _run(data_dir, "suggestions", "--json")
    assert json.loads(r.stdout)["suggestions"][0]["b"] == "company:恒泰化工"
    r = _run(data_dir, "split", HT, "company:长兴恒泰精细化工有限公司", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["splits"][0]["restored_relationships"] == 2
    r = _run(data_dir, "run")
    assert r.exit_code == 0 and "合并 0 个" in r.stdout  # a split pair stays split
    assert "地点归属 / located in: 按地名 0 条" in r.stdout  # no site here names a village


def test_unknown_key_is_one_line_error(data_dir) -> None:
    r = _run(data_dir, "explain", "company:不存在的公司")
    assert r.exit_code == 2
    assert "没有节点" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    r = _run(data_dir, "split", HT, "company:恒泰化工")
    assert r.exit_code == 2 and "没有合并过" in r.output
