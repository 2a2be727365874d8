from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from synthetic import generate_bundle

SEED = int(__import__("os").environ.get("SYNTH_TEST_SEED", "20240521"))


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    return generate_bundle(tmp_path_factory.mktemp("synth") / "b1", seed=SEED, scale=1)


@pytest.fixture(scope="session")
def synth():
    """Helpers for the tests (test modules cannot import conftest reliably)."""
    from types import SimpleNamespace

    return SimpleNamespace(seed=SEED, case_text=case_text, read_csv=read_csv)


@pytest.fixture(scope="session")
def truth(bundle) -> dict:
    return json.loads((bundle / "truth.json").read_text(encoding="utf-8"))


def read_csv(path: Path, encoding: str) -> list[list[str]]:
    text = path.read_bytes().decode(encoding)
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


def case_text(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    raw = path.read_bytes()
    if path.suffix == ".json":
        return raw.decode("utf-8")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"undecodable {path}")


def case_number(path: Path, text: str) -> str:
    if path.suffix == ".json":
        return json.loads(text)["案件编号"]
    m = re.search(r"案件编号：(\S+)", text)
    assert m, path
    return m.group(1)


@pytest.fixture(scope="session")
def docs(bundle) -> dict[str, str]:
    """doc key -> text of the record as written."""
    from openpyxl import load_workbook

    from graph_schema.identifiers import normalize_plate

    out: dict[str, str] = {}
    for name, enc in (("hotline.csv", "utf-8-sig"), ("hotline_gbk.csv", "gb18030")):
        for r in read_csv(bundle / name, enc)[1:]:
            out[f"doc:hotline:{r[0]}"] = ",".join(r)
    ws = load_workbook(bundle / "hotline.xlsx", read_only=True).active
    for row in list(ws.iter_rows(values_only=True))[2:]:
        out[f"doc:hotline:{row[0]}"] = ",".join("" if v is None else str(v) for v in row)
    for line in (bundle / "grid.jsonl").read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        out[f"doc:grid:{o['事件编号']}"] = line
    for r in read_csv(bundle / "grid.csv", "utf-8-sig")[1:]:
        out[f"doc:grid:{r[0]}"] = ",".join(r)
    for r in read_csv(bundle / "anpr.csv", "utf-8")[1:]:
        plate = normalize_plate(r[1]) or r[1]
        ts = re.sub(r"\D", "", r[0])
        out[f"doc:anpr:{r[2]}:{ts}:{plate}"] = ",".join(r)
    for r in read_csv(bundle / "manifests.csv", "utf-8-sig")[1:]:
        out[f"doc:manifest:{r[0]}"] = ",".join(r)
    for r in read_csv(bundle / "water" / "监测.csv", "gb18030")[1:]:
        out[f"doc:reading:{r[0]}:{re.sub(r'[^0-9]', '', r[3])}00:{r[4]}"] = ",".join(r)
    for r in read_csv(bundle / "water" / "排口.csv", "utf-8-sig")[1:]:
        out[f"doc:outfall:{r[0]}"] = ",".join(r)
    for r in read_csv(bundle / "water" / "河段.csv", "utf-8")[1:]:
        out[f"doc:segment:{r[0]}"] = ",".join(r)
    for path in sorted((bundle / "cases").iterdir()):
        text = case_text(path)
        out[f"doc:case:{case_number(path, text)}"] = text
    return out
