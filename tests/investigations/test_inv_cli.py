from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner


@pytest.fixture()
def cli(sample_store):
    from api.cli.main import app

    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["--data-dir", str(sample_store.data_dir_for_tests), *args])

    return run


def test_json_commands(cli):
    out = json.loads(cli("gangs", "--json", "--min-size", "3").stdout)
    assert "gangs" in out
    out = json.loads(cli("chains", "--json").stdout)
    assert out["chains"][0]["kind"] == "waste"
    out = json.loads(cli("upstream", "JC-DQ-01", "--json").stdout)
    assert out["station"] == "site:JC-DQ-01" and out["candidates"]
    out = json.loads(cli("upstream", "JC-DQ-01", "--indicator", "总磷", "--time", "2024-05-22", "--json").stdout)
    assert out["candidates"][0]["outfall"] == "site:PK-DQ-001"
    out = json.loads(cli("search", "浙E5G378", "--json").stdout)
    assert out["hits"][0]["key"] == "vehicle:浙E5G378"
    out = json.loads(cli("alerts", "--json").stdout)
    assert out["alerts"]
    assert json.loads(cli("neighbours", "vehicle:浙E5G378", "--json").stdout)["nodes"]
    assert json.loads(cli("path", "vehicle:浙E5G378", "company:91330522704523184E", "--json").stdout)["paths"]
    assert json.loads(cli("timeline", "vehicle:浙E5G378", "--json").stdout)["events"]
    assert json.loads(cli("docs", "vehicle:浙E5G378", "--json").stdout)["documents"]


def test_user_errors_are_one_line(cli):
    r = cli("upstream", "NOPE")
    assert r.exit_code == 2
    r = cli("neighbours", "vehicle:nope")
    assert r.exit_code == 2
    r = cli("gangs", "--min-size", "1")
    assert r.exit_code == 2


def test_alerts_are_named_in_chinese(cli):
    from investigations.alert_model import KIND_NAMES
    from investigations.alert_truth import planted_kind_name

    alerts = json.loads(cli("alerts", "--json").stdout)["alerts"]
    assert alerts and all(a["kind_name"] == KIND_NAMES[a["kind"]] for a in alerts)
    table = "".join(cli("alerts").stdout.split())
    assert KIND_NAMES[alerts[0]["kind"]] in table and alerts[0]["kind"] not in table
    assert planted_kind_name("manifest_anomaly:late") == KIND_NAMES["manifest_late"]
    assert planted_kind_name("gang_companion") == KIND_NAMES["gang_associate"]


def test_chain_flags_are_named_in_chinese(cli):
    from investigations.chains import FLAG_NAMES

    table = "".join(cli("chains").stdout.split())
    shown = [code for code, name in FLAG_NAMES.items() if name in table]
    assert shown, table[:400]  # the samples' main chain is flagged (night at the pit, complaints, a case)
    assert not any(code in table for code in FLAG_NAMES)
