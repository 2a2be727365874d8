"""`ecograph export neo4j-import`: CSVs in neo4j-admin's format, from the store or straight from files."""

from __future__ import annotations

import csv
import json


def _read_csvs(folder):
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            out[path.name] = list(csv.reader(fh))
    return out


def test_export_from_store_matches_graph_counts(samples_dir, data_dir, tmp_path, cli):
    assert cli(data_dir, "ingest", str(samples_dir / "manifests.csv"), "--no-analyse").returncode == 0
    stats = json.loads(cli(data_dir, "stats", "--json").stdout)
    out = tmp_path / "imp"
    proc = cli(data_dir, "export", "neo4j-import", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["relationships"] == sum(stats["relationships"].values())
    nodes = _read_csvs(out / "nodes")
    keys = {row[0] for rows in nodes.values() for row in rows[1:]}
    assert len(keys) == sum(stats["nodes"].values())
    assert all(rows[0][:2] == ["key:ID(Entity)", ":LABEL"] for rows in nodes.values())
    rels = _read_csvs(out / "relationships")
    assert all(rows[0][:3] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"] for rows in rels.values())
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in " ".join(script.replace("\\", " ").split())
    # a non-empty output folder is refused with one line
    again = cli(data_dir, "export", "neo4j-import", str(out))
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_export_straight_from_files(samples_dir, data_dir, tmp_path, cli):
    out = tmp_path / "imp"
    proc = cli(data_dir, "export", "neo4j-import", str(out), "--from-files", str(samples_dir / "anpr.csv"), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["records_read"] == 200
    seen = [
        r for name, rows in _read_csvs(out / "relationships").items() if name.startswith("SEEN_AT") for r in rows[1:]
    ]
    assert len(seen) == 200
