"""The per-member / per-chain / per-file report of investigations.evaluate_detail on hand-made inputs."""

from __future__ import annotations

import json

from investigations import evaluate_detail as D

A, B, C, X = "330522198001010012", "330522198101010018", "330522198201010013", "330522198301010019"


class StubStore:
    """A store holding the nodes given; every other key is absent (documents_for raises ValueError)."""

    def __init__(self, nodes: dict[str, dict]):
        self.nodes = nodes

    def query(self, name: str, **params):
        if name == "node_by_key":
            n = self.nodes.get(params["key"])
            return [{"key": params["key"], "label": n.get("label"), "props": n}] if n else []
        return []


TRUTH = {
    "gangs": [
        {
            "id": "gang-1",
            "leader": A,
            "members": [
                {"id_card": A, "name": "甲", "tie": "leader"},
                {"id_card": B, "name": "乙", "tie": "case"},
                {"id_card": C, "name": "丙", "tie": "convoy", "via": {"plate": "浙E12345"}, "tie_docs": ["doc:case:1"]},
                {"id_card": X, "name": "丁", "tie": "co_suspect", "via": {"member": B}, "tie_docs": ["doc:case:2"]},
            ],
        }
    ],
    "waste_chains": [
        {
            "id": "chain-1",
            "producer": {"uscc": "91330522MA2B3C4D5E", "name": "甲化工有限公司"},
            "vehicle": "浙E54321",
            "dump_site": "长兴县煤山镇青岭村北侧废弃矿坑",
            "checkpoint": "KK330522009",
        },
        {
            "id": "chain-2",
            "producer": {"uscc": "91330522MA2B3C4D6X", "name": "乙化工有限公司"},
            "vehicle": "浙E99999",
            "dump_site": "长兴县煤山镇白岘村农田",
            "checkpoint": "KK330522010",
        },
    ],
    "sites": [{"name": "长兴县煤山镇青岭村北侧废弃矿坑", "aliases": ["青岭村北侧石矿宕口"]}],
    "broken_files": [
        {"file": "cases/a.json", "reason": "truncated_json"},
        {"file": "cases/b.docx", "reason": "truncated_docx"},
        {"file": "cases/c.txt", "reason": "garbage_txt"},
    ],
    "files": {"x.csv": {"records": 10}, "cases/": {"records": 3}},
    "records_written": 13,
}


def test_member_rows_name_route_and_where_the_missed_went():
    report = {
        "gangs": [
            {
                "id": "g1",
                "members": [
                    {"key": f"person:{A}", "id_card": A},
                    {"key": f"person:{B}", "id_card": B, "evidence": ["case"]},
                ],
            },
            {"id": "g2", "members": [{"key": f"person:{C}", "id_card": C}, {"key": "person:x"}]},
        ]
    }
    rows = {r["member"]: r for r in D.member_rows(StubStore({}), report, TRUTH)}
    assert rows["乙"]["found"] and rows["乙"]["detected_gang"] == "g1" and rows["乙"]["evidence"] == ["case"]
    assert not rows["丙"]["found"] and rows["丙"]["in_other_gang"] == "g2"
    assert not rows["丁"]["found"] and rows["丁"]["in_other_gang"] is None and rows["丁"]["in_graph"] is False
    rec = D.member_recall(list(rows.values()))
    assert rec["recall"] == 0.5 and rec["by_tie"] == {
        "case": "1/1",
        "co_suspect": "0/1",
        "convoy": "0/1",
        "leader": "1/1",
    }
    text = D.format_detail(
        {
            "member_recall": rec,
            "members": list(rows.values()),
            "chains": [],
            "water": [],
            "records": D.record_counts({}, TRUTH),
        }
    )
    assert "MISSED gang-1 丁 [co_suspect" in text and "in no gang" in text and "MISSED gang-1 丙 [convoy" in text


def test_chain_rows_accept_an_alias_of_the_true_site_and_name_the_wrong_end():
    prod1, prod2 = "company:91330522MA2B3C4D5E", "company:91330522MA2B3C4D6X"
    chains = {
        "chains": [
            {
                "path": [
                    {"key": prod1, "type": "Company", "name": "甲"},
                    {"key": "vehicle:浙E54321", "type": "Vehicle", "name": "浙E54321"},
                    {"key": "site:s1", "type": "Site", "name": "青岭村北侧石矿宕口"},
                ]
            },
            {
                "path": [
                    {"key": prod2, "type": "Company", "name": "乙"},
                    {"key": "vehicle:浙E99999", "type": "Vehicle", "name": "浙E99999"},
                    {"key": "site:KK330522002", "type": "Site", "name": "煤山镇收费站"},
                ]
            },
        ]
    }
    rows = {r["chain"]: r for r in D.chain_rows(StubStore({}), chains, TRUTH)}
    assert rows["chain-1"]["found"] and rows["chain-1"]["ends_right"]
    assert rows["chain-2"]["found"] and not rows["chain-2"]["ends_right"]
    assert "煤山镇收费站" in rows["chain-2"]["ends_at"]


def test_record_counts_say_where_each_broken_file_went(tmp_path):
    q = tmp_path / "quarantine.jsonl"
    q.write_text(json.dumps({"file": "/data/cases/a.json", "reason": "invalid JSON"}) + "\n", encoding="utf-8")
    ingest = {
        "records_read": 12,
        "records_loaded": 11,
        "records_quarantined": 1,
        "quarantine": str(q),
        "skipped": [{"file": "/data/cases/b.docx"}],
    }
    rc = D.record_counts(ingest, TRUTH)
    assert rc["records_written"] == 13 and rc["records_read"] == 12 and not rc["equal"]
    assert [b["outcome"] for b in rc["broken_files"]] == ["quarantined", "skipped", "nowhere"]
