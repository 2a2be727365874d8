"""Case files that cannot be read as a whole: JSON cut mid-way, a DOCX cut short, a TXT of garbage.

Exports get truncated (a copy interrupted, a disk full, a mail gateway) and a
text file can hold binary junk.  Each such file is still one record the
bundle holds: the truth counts it in `files["cases/"].records` and in
`records_written`, and lists it in `broken_files` so the evaluation can check
it was read and quarantined, not silently skipped.
"""

from __future__ import annotations

import io
import json
import zipfile

from synthetic import vocab as V
from synthetic.sinks import write_docx
from synthetic.variation.world import VariedBlock

FORMS = ("json", "docx", "txt")


def _case_obj(b: VariedBlock, number: str, region: V.Region) -> dict:
    p = b.g.person(region, "background")
    return {
        "案件编号": number,
        "案由": "污染环境罪",
        "办案单位": region.police,
        "嫌疑人": [{"姓名": p.name, "性别": "男" if p.male else "女", "身份证号": p.id_card, "住址": p.home}],
        "简要案情": f"{region.name}某地发现倾倒废液，{p.name}等人驾车运输。" * 4,
    }


def broken_case_files(b: VariedBlock, forms: tuple[str, ...] | None = None) -> None:
    """Write one broken case file per form in `forms` (default: one to three forms at random)."""
    rng, g = b.rng, b.g
    forms = forms or tuple(rng.sample(FORMS, rng.randint(1, 3)))
    for form in forms:
        region = rng.choice(V.INLAND)
        number, stem = b.case_number(region, "dump")
        path = g.out / "cases" / f"{stem}.{form}"
        obj = _case_obj(b, number, region)
        if form == "json":
            data = json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
            cut = rng.randrange(len(data) // 4, len(data) * 3 // 4)
            path.write_bytes(data[:cut])
            reason = "truncated_json"
        elif form == "docx":
            write_docx(path, [f"{k}：{v}" for k, v in obj.items() if isinstance(v, str)], number)
            data = path.read_bytes()
            path.write_bytes(data[: rng.randrange(len(data) // 5, len(data) // 2)])
            try:  # a cut that leaves a readable archive would not be a broken file
                zipfile.ZipFile(io.BytesIO(path.read_bytes())).testzip()
                raise AssertionError("truncated docx still opens")
            except zipfile.BadZipFile:
                pass
            reason = "truncated_docx"
        else:
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(300, 1500)))
            path.write_bytes(b"\x00\x01PK" + junk.replace(b"\xef\xbc\x9a", b"\x00") + b"\x00" * 16)
            reason = "garbage_txt"
        g.case_files[form] += 1
        g.truth.add("broken_files", {"file": f"cases/{path.name}", "form": form, "reason": reason, "case": number})
