"""The variation mode really varies: checked on the files written, not only on what the truth claims.

Seed 9101 is one of the variation seeds held out of tuning (synthetic/TRUTH.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from graph_schema.identifiers import normalize_plate
from synthetic import generate_bundle
from synthetic.variation import HELD_OUT_SEEDS
from synthetic.variation.spelling import SITE_WORDS

SEED = HELD_OUT_SEEDS[0]
ROUTES = ("co_suspect", "borrowed_vehicle", "shared_vessel", "convoy")


@pytest.fixture(scope="module")
def vbundle(tmp_path_factory) -> Path:
    return generate_bundle(tmp_path_factory.mktemp("synth_var") / "b", seed=SEED, scale=1, variation=True)


@pytest.fixture(scope="module")
def vtruth(vbundle) -> dict:
    return json.loads((vbundle / "truth.json").read_text(encoding="utf-8"))


def _case_text(path: Path) -> str | None:
    """Text of a readable case file (docx paragraphs and table cells), None for a broken one."""
    if path.suffix == ".docx":
        import docx

        try:
            d = docx.Document(str(path))
        except Exception:
            return None
        cells = [f"{r.cells[0].text}：{r.cells[1].text}" for t in d.tables for r in t.rows]
        return "\n".join([p.text for p in d.paragraphs] + cells)
    raw = path.read_bytes()
    if b"\x00" in raw:
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if path.suffix == ".json":
            try:
                json.loads(text)
            except json.JSONDecodeError:
                return None
        return text
    return None


@pytest.fixture(scope="module")
def cases(vbundle) -> dict[str, str]:
    out = {}
    for p in sorted((vbundle / "cases").iterdir()):
        text = _case_text(p)
        if text is not None:
            out[p.name] = text
    return out


@pytest.fixture(scope="module")
def all_text(vbundle, cases) -> str:
    from openpyxl import load_workbook

    parts = list(cases.values())
    for name, enc in (("hotline.csv", "utf-8-sig"), ("hotline_gbk.csv", "gb18030"), ("grid.csv", "utf-8-sig")):
        parts.append((vbundle / name).read_bytes().decode(enc))
    parts.append((vbundle / "grid.jsonl").read_text(encoding="utf-8"))
    ws = load_workbook(vbundle / "hotline.xlsx", read_only=True).active
    parts += [",".join(str(v) for v in row if v is not None) for row in ws.iter_rows(values_only=True)]
    return "\n".join(parts)


def _plate_form(written: str) -> str:
    if re.search(r"[Ａ-Ｚ０-９]", written):
        return "fullwidth"
    if re.search(r"[a-z]", written):
        return "lower"
    if "·" in written:
        return "dot"
    if " " in written.strip():
        return "space"
    return "plain"


def test_case_plates_written_in_several_forms(cases):
    forms: dict[str, int] = {}
    for name, text in cases.items():
        if name.endswith(".json"):
            v = json.loads(text).get("涉案车辆") or []
            items = [v] if isinstance(v, str) else [x if isinstance(x, str) else next(iter(x.values())) for x in v]
            written = [w for item in items for w in item.split("、")]
        else:
            written = [w for m in re.findall(r"涉案车辆\s*[:：]\s*(.+)", text) for w in m.split("、")]
        for w in written:
            w = re.sub(r"[（(].*$", "", w).strip()
            if normalize_plate(w.upper()) or re.search(r"[Ａ-Ｚ０-９]", w):
                forms[_plate_form(w)] = forms.get(_plate_form(w), 0) + 1
    assert {"plain", "dot", "space", "fullwidth", "lower"} <= set(forms), forms


def test_header_labels_spelt_several_ways(cases):
    labels = set()
    for name, text in cases.items():
        if not name.endswith(".json"):
            labels |= {m.group(0) for m in re.finditer(r"案件编号\s*[:：]", text)}
    assert {"案件编号：", "案件编号:"} <= labels, labels
    suspects_keys = {k for n, t in cases.items() if n.endswith(".json") for k in json.loads(t) if "嫌疑人" in k}
    assert suspects_keys == {"嫌疑人", "犯罪嫌疑人"}


def test_sites_written_with_and_without_county_and_town(vtruth, all_text):
    with_county = without_prefix = 0
    for s in vtruth["sites"]:
        for alias in s["aliases"]:
            assert alias in all_text, alias  # the truth lists only forms really written
            if alias.startswith(s["region"]) or alias.startswith(s["region"][:2] + "市") or "市" + s["region"] in alias:
                with_county += 1
            elif alias.startswith(s["village"]):
                without_prefix += 1
    assert with_county and without_prefix, (with_county, without_prefix)


def test_several_site_words_written(vtruth, all_text):
    kinds = {s["kind"] for s in vtruth["sites"]}
    assert len(kinds) >= 4, kinds
    words = {w for _, word, others in SITE_WORDS for w in (word, *others) if w in all_text}
    assert len(words) >= 6, words
    pit_words = {"废弃矿坑", "废弃石矿", "废矿坑", "石矿宕口"} & words
    dev_only = {"废弃石矿坑", "老砖窑取土坑", "芦苇荡"} & words  # development-template site words
    assert pit_words or "pit" not in kinds
    assert not dev_only


def test_single_route_members_planted_and_really_single_route(vbundle, vtruth, cases):
    members: dict[str, list] = {}
    for g in vtruth["gangs"]:
        for m in g["members"]:
            members.setdefault(m["tie"], []).append((g, m))
    assert all(members.get(r) for r in ROUTES), {r: len(members.get(r, [])) for r in ROUTES}
    for route in ROUTES:
        for g, m in members[route]:
            files = [n for n, t in cases.items() if m["name"] in t]
            assert len(files) == 1, (route, m["name"], files)  # named in exactly one case file
            text = cases[files[0]]
            others = [x["name"] for x in g["members"] if x is not m and x["name"] in text]
            if route == "co_suspect":
                mate = next(x for x in g["members"] if x["id_card"] == m["via"]["member"])
                if "with_leader" in m["via"]:  # the development truth's "background" co-suspect
                    assert mate["name"] in others
                else:
                    assert others == [mate["name"]] and mate["id_card"] != g["leader"]
            elif route == "borrowed_vehicle":
                owner = next(x for x in g["members"] if x["id_card"] == m["via"]["owner"])
                assert others == [owner["name"]]
                flat = re.sub(r"[·\s-]", "", unicodedata.normalize("NFKC", text)).upper()
                assert m["via"]["plate"] in flat
            elif route == "shared_vessel":
                assert others == [] and m["via"]["vessel"] in text
            else:
                assert others == []


def test_convoy_reads_minutes_apart(vbundle, vtruth):
    rows = list(csv.reader(io.StringIO((vbundle / "anpr.csv").read_text(encoding="utf-8"))))[1:]
    reads: dict[tuple[str, str], list[datetime]] = {}
    for r in rows:
        plate = normalize_plate(r[1])
        if plate:
            reads.setdefault((plate, r[2]), []).append(datetime.fromisoformat(r[0]))
    for g in vtruth["gangs"]:
        for m in g["members"]:
            if m["tie"] != "convoy":
                continue
            own = m["via"]["plate"]
            together = 0
            for (plate, kk), times in reads.items():
                if plate != own:
                    continue
                gang_times = [t for v in g["vehicles"] for t in reads.get((v, kk), [])]
                together += sum(any(abs((t - u).total_seconds()) <= 300 for u in gang_times) for t in times)
            assert together >= m["via"]["passes"], (m["name"], together)


def test_broken_case_files_counted_as_records(vbundle, vtruth):
    broken = vtruth["broken_files"]
    assert {b["form"] for b in broken} == {"json", "docx", "txt"}
    for b in broken:
        data = (vbundle / b["file"]).read_bytes()
        if b["form"] == "json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(data.decode("utf-8", errors="replace"))
        elif b["form"] == "docx":
            with pytest.raises(zipfile.BadZipFile):
                zipfile.ZipFile(io.BytesIO(data))
        else:
            assert b"\x00" in data
    n_files = len(list((vbundle / "cases").iterdir()))
    assert vtruth["files"]["cases/"]["records"] == n_files
    assert vtruth["records_written"] == sum(f["records"] for f in vtruth["files"].values())
    assert vtruth["variation"] is True


def test_development_mode_is_unchanged_by_the_variation_code(tmp_path):
    """Same seed, development mode: no variation sections, and two runs write identical files."""
    a = generate_bundle(tmp_path / "a", seed=SEED, scale=1)
    b = generate_bundle(tmp_path / "b", seed=SEED, scale=1)
    ta = json.loads((a / "truth.json").read_text(encoding="utf-8"))
    assert ta["variation"] is False and "sites" not in ta and "broken_files" not in ta
    assert {m["tie"] for g in ta["gangs"] for m in g["members"]} <= {"leader", "case", "vehicle", "phone"}
    assert (a / "anpr.csv").read_bytes() == (b / "anpr.csv").read_bytes()


def test_leader_still_in_strictly_most_case_files(vtruth):
    people = {p["id_card"]: p for p in vtruth["people"]}
    for g in vtruth["gangs"]:
        cases = {
            m["id_card"]: sum(d.startswith("doc:case:") for d in people[m["id_card"]]["docs"]) for m in g["members"]
        }
        lead = cases.pop(g["leader"])
        assert lead > max(cases.values()), (g["id"], lead, cases)


def test_cli_generate_variation(tmp_path):
    """`ecograph synth generate --variation` writes the variation bundle and says how many records."""
    from typer.testing import CliRunner

    from api.cli.main import app

    r = CliRunner().invoke(app, ["synth", "generate", str(tmp_path / "v"), "--seed", str(SEED), "--variation"])
    assert r.exit_code == 0, r.output
    truth = json.loads((tmp_path / "v" / "truth.json").read_text(encoding="utf-8"))
    assert truth["variation"] is True and truth["broken_files"]
    assert f"共 {truth['records_written']} 条记录" in r.output and "变体模式" in r.output


_TEMPLATE_RE = re.compile(r"\[[^\[\]]*\|[^\[\]]*\]")


def test_no_template_syntax_left_in_any_text(vbundle, bundle):
    """`[a|b]` alternatives are expanded everywhere, slot values included (an unnamed plant in a
    smell complaint once came out as `[那家|边上的|附近的][化工厂|厂|工厂|企业]`)."""
    for root in (vbundle, bundle):
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".csv", ".jsonl", ".txt", ".json") or path.name == "truth.json":
                continue
            try:
                text = path.read_bytes().decode("gb18030" if "gbk" in path.name else "utf-8-sig")
            except UnicodeDecodeError:
                continue  # a planted garbage file
            left = _TEMPLATE_RE.findall(text)
            assert not left, (path.name, left[:3])
