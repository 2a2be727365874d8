"""Fuzz every reader through the loader the CLI uses: nothing raises, every record is counted.

Inputs are the sample exports of every format (CSV in UTF-8 and GB18030, XLSX,
JSONL, TXT/DOCX/JSON case files, the three water CSVs), damaged the ways real
exports are: cut anywhere, NUL and random bytes inserted, bytes overwritten, a
field swollen past the text cap, and freshly written XLSX/DOCX/JSON whose cells
hold arbitrary text.  Each example is loaded by `ingest_and_analyse` (what
`ecograph ingest` runs) into one embedded store, and must end with
records_read = records_loaded + records_quarantined, the quarantine file
holding exactly the quarantined count.  Derandomized and bounded, so CI sees
the same examples every run in well under a minute.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema.store import open_store
from graph_schema.store.falkor_server import stop_server
from investigations.pipeline import ingest_and_analyse

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
SEEDS = sorted(
    p
    for p in SAMPLES.rglob("*")
    if p.is_file() and p.suffix.lower() in {".csv", ".xlsx", ".jsonl", ".txt", ".docx", ".json"}
)
HUGE = 120_000  # over etl.guard.MAX_FIELD_CHARS

# Text as exports garble it: control characters, NUL, quotes, backslashes, CJK, lone surrogates.
_alphabet = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x7F),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
    st.sampled_from(["\x00", "\ud800", "\udcff", "\u2028", "\ufeff", "，", "：", "\n", '"', "\\", "·"]),
)
texts = st.text(_alphabet, max_size=40) | st.just("浙E·5G378 13800000000")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzzstore")
    with open_store(data_dir=d) as store:
        yield store, d
    stop_server(d)


class Damaged:
    """A damaged file, shown short when hypothesis reports it (the bytes run to megabytes)."""

    def __init__(self, name: str, how: str, data: bytes):
        self.name, self.how, self.data = name, how, data

    def __repr__(self) -> str:
        return f"Damaged({self.name!r}, {self.how!r}, {len(self.data)} bytes, head={self.data[:60]!r})"


def _mutate(data: bytes, draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["cut", "nul", "bytes", "overwrite", "huge", "nest", "none"]))
    return kind, _apply(kind, data, draw)


def _apply(kind: str, data: bytes, draw) -> bytes:
    # a position as a fraction of the length: a freshly written XLSX/DOCX differs in length run to run (timestamps)
    pos = draw(st.integers(0, 10_000)) * max(len(data) - 1, 0) // 10_000
    if kind == "cut":
        return data[:pos]
    if kind == "nul":
        return data[:pos] + b"\x00" * draw(st.integers(1, 3)) + data[pos:]
    if kind == "bytes":
        return data[:pos] + draw(st.binary(min_size=1, max_size=16)) + data[pos:]
    if kind == "overwrite":
        junk = draw(st.binary(min_size=1, max_size=8))
        return data[:pos] + junk + data[pos + len(junk) :]
    if kind == "nest":  # JSON nested deeper than any parser recurses
        return data[:pos] + b"[" * 50_000 + data[pos:]
    if kind == "huge":
        # a swollen field: after the last separator before `pos`, so it lands inside a cell or a line
        cut = max(data.rfind(sep, 0, pos) for sep in (b",", b":", b"\xef\xbc\x9a", b"\n")) + 1
        return data[:cut] + "污".encode() * HUGE + data[cut:]
    return data


def _fresh_xlsx(draw) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工单编号", "来电时间", "来电人", "来电号码", "诉求内容"])
    for i in range(draw(st.integers(0, 4))):
        cells = [draw(texts) for _ in range(5)]
        cells[0] = cells[0] or f"T{i}"
        ws.append([_xml_safe(ILLEGAL_CHARACTERS_RE.sub("", c)) for c in cells])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fresh_docx(draw) -> bytes:
    import docx

    d = docx.Document()
    for label in ("案件编号", "案由", "犯罪嫌疑人", "简要案情"):
        d.add_paragraph(f"{label}：{_xml_safe(draw(texts))}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xml_safe(s: str) -> str:
    """What an XML part can hold at all (the writers refuse the rest)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", s)


def _fresh_case_json(draw) -> bytes:
    obj = {"案件编号": draw(texts), "案由": draw(texts), "嫌疑人": [{"姓名": draw(texts), "身份证号": draw(texts)}]}
    obj["简要案情"] = draw(texts)
    return json.dumps(obj, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@st.composite
def damaged_file(draw) -> Damaged:
    seed = draw(st.sampled_from(SEEDS))
    fresh = draw(st.sampled_from([None, None, "xlsx", "docx", "json"]))
    if fresh == "xlsx":
        data, name = _fresh_xlsx(draw), "fresh.xlsx"
    elif fresh == "docx":
        data, name = _fresh_docx(draw), "fresh.docx"
    elif fresh == "json":
        data, name = _fresh_case_json(draw), "fresh.json"
    else:
        data, name = seed.read_bytes(), seed.name
    how, damaged = _mutate(data, draw)
    return Damaged(name, how, damaged)


@settings(
    # ECOGRAPH_FUZZ_EXAMPLES=5000 ECOGRAPH_FUZZ_RANDOM=1 for a deeper hunt than CI's fixed examples
    max_examples=int(os.environ.get("ECOGRAPH_FUZZ_EXAMPLES", "200")),
    derandomize=not os.environ.get("ECOGRAPH_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=damaged_file())
def test_every_reader_counts_every_record_and_raises_nothing(store_dir, tmp_path_factory, case):
    store, data_dir = store_dir
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / case.name
    path.write_bytes(case.data)
    report = ingest_and_analyse(store, [path], data_dir=data_dir, analyse=False, use_nlp=False).ingest
    total = report.total
    assert total.records_read == total.records_loaded + total.records_quarantined
    for f in report.files:
        assert f.stats.records_read == f.stats.records_loaded + f.stats.records_quarantined
    qfile = Path(report.quarantine)
    lines = qfile.read_text(encoding="utf-8").splitlines() if qfile.exists() else []
    assert len(lines) == total.records_quarantined, (report.to_dict(), [x[:300] for x in lines])
    for line in lines:
        entry = json.loads(line)
        assert entry["file"].startswith(str(path)) and entry["reason"]  # an XLSX row's file is `path#sheet`
    for f in report.files:
        if f.error:  # what stopped a reader is one quarantined record, with its reason
            assert f.stats.records_quarantined >= 1 and any(json.loads(x)["reason"] == f.error for x in lines)
