"""`ecograph ingest`, `gangs` and `chains` on case files whose header names no suspect
(tests/data/narrative_cases: a judgment, a police briefing and a press-release JSON, by other
hands than the generator): the narrative's suspects, and the companies and vehicles the fields
leave out, become parties with their sentence as provenance; each crew is one gang led by the
person the file names first; the judgment's waste starts a chain that ends at its dump site.
A case whose header lists its suspects keeps its narrative's extra names as mentions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "narrative_cases"
DQ = "doc:case:德公(环)立字〔2024〕00211号"
ZS = "doc:case:舟公(海)立字〔2024〕00088号"
DS = "doc:case:岱公(海)立字〔2024〕00131号"
CX = "doc:case:长公(环)立字〔2024〕00140号"
HZ = "doc:case:湖公(环)立字〔2024〕00301号"


def _local(name: str, doc: str) -> str:
    return f"person:{name}@{doc}"


@pytest.fixture(scope="module")
def found(tmp_path_factory, cli):
    from graph_schema.store.falkor_server import stop_server

    tmp = tmp_path_factory.mktemp("narrative")
    cases = tmp / "cases"
    shutil.copytree(DATA, cases, ignore=shutil.ignore_patterns("*.md"))
    data_dir = tmp / "data"
    try:
        proc = cli(data_dir, "ingest", str(cases), "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["records_loaded"] == 5
        docs = json.dumps([DQ, ZS, DS, CX, HZ], ensure_ascii=False)
        parties = cli(data_dir, "query", "inv_doc_parties", "-p", f"docs={docs}", "--json")
        assert parties.returncode == 0, parties.stderr
        page = cli(data_dir, "query", "export_nodes_page", "-p", "after=", "-p", "limit=5000", "--json")
        keys = json.dumps(sorted(r["key"] for r in json.loads(page.stdout)["rows"]), ensure_ascii=False)
        rels = cli(data_dir, "query", "export_outgoing", "-p", f"keys={keys}", "--json")
        assert rels.returncode == 0, rels.stderr
        gangs = cli(data_dir, "gangs", "--json", "--members")
        assert gangs.returncode == 0, gangs.stderr
        chains = cli(data_dir, "chains", "--json")
        assert chains.returncode == 0, chains.stderr
    finally:
        stop_server(data_dir)
    by_doc: dict[str, dict[str, str]] = {}
    for r in json.loads(parties.stdout)["rows"]:
        by_doc.setdefault(r["doc"], {})[r["key"]] = r["role"]
    return {
        "parties": by_doc,
        "rels": json.loads(rels.stdout)["rows"],
        "gangs": json.loads(gangs.stdout)["gangs"],
        "chains": json.loads(chains.stdout)["chains"],
    }


def test_the_narrative_names_the_suspects_when_the_header_does_not(found):
    p = found["parties"]
    assert {k for k, role in p[DQ].items() if role == "suspect"} == {
        _local(n, DQ) for n in ("钱某某", "孙某", "李某甲")
    }
    assert {k for k, role in p[ZS].items() if role == "suspect"} == {
        _local(n, ZS) for n in ("乐某", "邬某", "陈某某", "虞某")
    }
    # the complainant (举报人刘某某) is named in the same file and is no suspect
    assert {k for k, role in p[DS].items() if role == "suspect"} == {
        _local(n, DS) for n in ("谢国平", "孔德兵", "滕海军")
    }


def test_companies_and_vehicles_from_the_narrative_when_the_fields_are_missing(found):
    p = found["parties"][DQ]
    assert p["company:德清县鑫达电镀有限公司"] == "company"  # 从…收集: the producer
    assert p["vehicle:浙EA8K21"] == "vehicle"  # what 李某甲 drove and dumped with
    assert _local("韩某", DQ) not in p  # the registered owner, his wife, took no part


def test_narrative_parties_carry_their_sentence(found):
    (fact,) = [r for r in found["rels"] if r["type"] == "INVOLVED_IN" and r["head"] == _local("孙某", DQ)]
    props = fact["props"]
    assert props["method"] == "rule" and props["doc"] == DQ and props["role"] == "suspect"
    assert "伙同被告人孙某、李某甲" in props["quote"] and 0 < props["confidence"] < 1
    assert props["rank"] == 1  # named second, after 钱某某


def test_a_name_with_its_identity_number_in_the_text_is_keyed_by_it(found):
    assert found["parties"][HZ] == {
        "person:33052219850607003X": "suspect",  # 蒋卫国（男，身份证号…）
        "person:330501198811110024": "suspect",  # 孔某某（身份证号…）: masked, but identified
        "vehicle:浙E5G378": "vehicle",
    }


def test_a_header_keeps_the_narratives_extra_names_as_mentions(found):
    assert found["parties"][CX] == {"person:330522197903020015": "suspect"}
    heads = {r["head"] for r in found["rels"] if r["type"] == "MENTIONS" and r["head"] == CX}
    assert heads  # the narrative was read
    assert any(r["tail"] == _local("胡某", CX) for r in found["rels"] if r["type"] == "MENTIONS")


@pytest.mark.parametrize(
    ("doc", "leader", "members"),
    [
        (DQ, "钱某某", {"钱某某", "孙某", "李某甲"}),
        (ZS, "乐某", {"乐某", "邬某", "陈某某", "虞某"}),
        (DS, "谢国平", {"谢国平", "孔德兵", "滕海军"}),
    ],
)
def test_each_crew_is_one_gang_led_by_the_one_named_first(found, doc, leader, members):
    gangs = [g for g in found["gangs"] if g["leader"]["key"].endswith("@" + doc)]
    assert len(gangs) == 1, found["gangs"]
    (g,) = gangs
    assert {m["name"] for m in g["members"]} == members
    assert g["leader"]["name"] == leader
    for m in g["members"]:
        assert any(e["rule"] == "case" and doc in e["docs"] for e in m["evidence"]), m


def test_the_three_crews_are_the_only_gangs(found):
    """The two other files name one suspect, and two (蒋卫国 with 孔某某): no crew of three."""
    assert sorted(g["leader"]["name"] for g in found["gangs"]) == ["乐某", "谢国平", "钱某某"]


def test_the_judgments_waste_runs_from_the_plating_works_to_the_hollow(found):
    (chain,) = [c for c in found["chains"] if c["path"][0]["key"] == "company:德清县鑫达电镀有限公司"]
    names = [n["name"] for n in chain["path"]]
    assert "浙EA8K21" in names and "李某甲" in names
    assert chain["path"][-1]["type"] == "Site" and "上柏村" in chain["path"][-1]["name"]
    assert DQ in chain["evidence"]
