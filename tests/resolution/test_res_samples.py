"""The whole pipeline on the sample files (tests/data/samples): ingest, resolve, and the story's identities."""

from __future__ import annotations

from pathlib import Path

import pytest

import resolution
from graph_schema.store import open_store
from graph_schema.store.falkor_server import stop_server

REPO = Path(__file__).resolve().parents[2]
ingest = pytest.importorskip("etl.ingest")


def _samples() -> Path:
    return REPO / "tests" / "data" / "samples"


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    d = tmp_path_factory.mktemp("samples")
    store = open_store("falkordb", data_dir=d)
    try:
        ingest.ingest_paths(store, [_samples()], data_dir=d)
        report = resolution.resolve(store)
        yield store, report
    finally:
        store.close()
        stop_server(d)


def test_story_identities(resolved) -> None:
    store, report = resolved
    merged = {m.alias: m.canonical for m in report.merges}
    # the name written in a hotline reply is the registered company of the case and manifests
    assert merged.get("company:长兴恒泰精细化工有限公司") == "company:91330522704523184E"
    # the manifest's driver 周卫东 drives the case's truck: the identified suspect
    zhou = [a for a, c in merged.items() if c == "person:341822198107151579"]
    assert zhou and all(a.startswith("person:周卫东@") for a in zhou)
    # a short form without a strong tie is only a suggestion
    assert "company:恒泰化工厂" not in merged


def test_masked_wang_in_two_cases_stays_two_people(resolved) -> None:
    store, report = resolved
    assert not [m for m in report.merges if m.alias.startswith("person:王某")]
    wangs = store.query("res_keys_with_prefix", prefix="person:王某@")
    assert len({r["key"].split("@", 1)[1] for r in wangs}) >= 2


def test_every_merge_is_explained_and_a_second_run_is_a_no_op(resolved) -> None:
    store, report = resolved
    for m in report.merges[:20]:
        info = resolution.explain(store, m.alias)
        assert info["merged_into"] is not None
        assert any(a["alias"] == m.alias and a["reason"] for a in info["aliases"]) or any(
            m.alias in a["absorbed"] for a in info["aliases"]
        )
    again = resolution.resolve(store)
    assert not again.merges
