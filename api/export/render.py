"""Renderers of an evidence chain: JSON, PDF (fpdf2 + a system CJK font), DOCX (python-docx).

The PDF embeds a subset of a Chinese TrueType font found on the system
(`ECOGRAPH_CJK_FONT`, else WenQuanYi Zen Hei / Micro Hei, Noto Sans CJK,
Droid Sans Fallback); without one it stops with a clear message instead of
producing a PDF whose Chinese is blank.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from api.export.display import local_time, party_label
from api.export.seal import seal

FORMATS = ("json", "pdf", "docx")
MEDIA_TYPES = {
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/simhei.ttf",
]


class RenderError(RuntimeError):
    pass


def find_cjk_font() -> Path:
    env = os.environ.get("ECOGRAPH_CJK_FONT")
    for cand in ([env] if env else []) + CJK_FONT_CANDIDATES:
        if cand and Path(cand).is_file():
            return Path(cand)
    raise RenderError(
        "找不到中文字体，无法生成 PDF。请安装 fonts-wqy-zenhei（apt-get install fonts-wqy-zenhei）"
        "或设置 ECOGRAPH_CJK_FONT 指向 .ttf/.ttc 文件 / no CJK font found: install fonts-wqy-zenhei "
        "or set ECOGRAPH_CJK_FONT"
    )


def render_json(chain: dict[str, Any]) -> bytes:
    """The JSON export: one fixed layout, so `export verify` can re-render it byte for byte."""
    return (json.dumps(chain, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(chain: dict[str, Any], fmt: str) -> bytes:
    """The export file in `fmt`, sealed (see `api.export.seal`)."""
    fmt = fmt.lower()
    if fmt == "json":
        return render_json(chain)
    if fmt == "pdf":
        return seal(render_pdf(chain), "pdf", chain.get("sha256", ""))
    if fmt == "docx":
        return seal(render_docx(chain), "docx", chain.get("sha256", ""))
    raise ValueError(f"未知格式 {fmt!r}：可选 json、pdf、docx")


def _conf(v: Any) -> str:
    try:
        return f"{float(v):.2f}"
    except (TypeError, ValueError):
        return "—"


def _segments(quote: str, marks: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for m in marks:
        if m["start"] > pos:
            out.append((quote[pos : m["start"]], False))
        out.append((quote[m["start"] : m["end"]], True))
        pos = m["end"]
    if pos < len(quote):
        out.append((quote[pos:], False))
    return out


def _node_label(n: dict[str, Any]) -> str:
    return f"{n.get('label_zh') or n.get('label')}：{party_label(n.get('key', ''), n.get('name'))}"


def case_header_line(chain: dict[str, Any]) -> str:
    """The line every page carries: case number, case name, agency."""
    parts = [
        f"案件编号：{chain['case_no']}" if chain.get("case_no") else "",
        f"案件名称：{chain['case_name']}" if chain.get("case_name") else "",
        f"办案单位：{chain['agency']}" if chain.get("agency") else "",
    ]
    return "    ".join(p for p in parts if p) or "证据链导出"


def _meta_lines(chain: dict[str, Any]) -> list[str]:
    return [
        f"起点：{party_label(chain.get('from', ''), chain.get('from_name'))}",
        f"终点：{party_label(chain.get('to', ''), chain.get('to_name'))}",
        f"办案人：{chain.get('investigator') or '—'}    导出人：{chain.get('generated_by') or '—'}"
        f"    导出时间：{local_time(chain.get('generated_at'))}（北京时间）",
        f"内容哈希 SHA-256：{chain.get('sha256', '')}",
        "（同一证据链的 PDF、DOCX、JSON 导出内容哈希相同；可用 ecograph export verify 校验文件是否被改动）",
    ]


def _source_lines(s: dict[str, Any]) -> list[str]:
    where = "，".join(
        p
        for p in (
            f"文件 {s['file']}" if s.get("file") else "",
            f"第 {s['row']} 行" if s.get("row") not in (None, "") else "",
            f"记录编号 {s['record_id']}" if s.get("record_id") else "",
        )
        if p
    )
    reviewer = f"（{s['reviewed_by']}）" if s.get("reviewed_by") else ""
    return [
        f"来源：{s.get('doc_title') or s.get('doc') or '—'}" + (f"（{where}）" if where else ""),
        f"源记录 SHA-256：{s.get('sha256') or '无'}",
        f"时间：{local_time(s.get('time'))}    抽取方式：{s.get('method_zh') or '—'}    置信度：{_conf(s.get('confidence'))}"
        f"    人工复核：{s.get('review_zh') or '未复核'}{reviewer}",
    ]


def _hop_title(h: dict[str, Any]) -> str:
    a = party_label(h.get("from", ""), h.get("from_name"))
    b = party_label(h.get("to", ""), h.get("to_name"))
    return f"第 {h['index']} 跳：{a} —[{h.get('type_zh')}]→ {b}"


# ---------------------------------------------------------------------- PDF


def render_pdf(chain: dict[str, Any]) -> bytes:
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF NOT subset" noise for .ttc bitmaps

    font = find_cjk_font()
    header_line = case_header_line(chain)

    class _Exhibit(FPDF):
        """Every page: the case line on top, 第 x 页 共 y 页 at the bottom."""

        def header(self) -> None:
            self.set_font("cjk", size=8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, header_line, align="L", new_x="LMARGIN", new_y="NEXT")
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(2)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")
            self.set_text_color(0, 0, 0)

    pdf = _Exhibit(format="A4")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=18)
    if chain.get("generated_at"):
        from datetime import datetime

        pdf.set_creation_date(datetime.fromisoformat(str(chain["generated_at"])))
    kwargs = {"collection_font_number": 0} if font.suffix.lower() == ".ttc" else {}
    try:
        pdf.add_font("cjk", "", str(font), **kwargs)
    except Exception as exc:  # noqa: BLE001 - fpdf raises several types for a bad font
        raise RenderError(f"中文字体无法使用 / cannot use font {font}: {exc}") from exc
    pdf.set_title(str(chain.get("title", "证据链")))
    pdf.set_creator("ecograph")
    pdf.add_page()
    w = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("cjk", size=16)
    pdf.multi_cell(w, 9, str(chain.get("title", "证据链")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    for line in _meta_lines(chain):
        pdf.multi_cell(w, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # Chain diagram: boxes top to bottom, arrows labelled with the relation.
    pdf.set_font("cjk", size=12)
    pdf.cell(w, 8, "关系链示意图", new_x="LMARGIN", new_y="NEXT")
    nodes = chain.get("nodes", [])
    hops = chain.get("hops", [])
    box_w, box_h, gap = 110, 10, 12
    x0 = pdf.l_margin + (w - box_w) / 2
    pdf.set_font("cjk", size=10)
    for i, n in enumerate(nodes):
        if pdf.get_y() + box_h + gap > pdf.h - pdf.b_margin:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_fill_color(232, 240, 254)
        pdf.set_draw_color(60, 90, 160)
        pdf.rect(x0, y, box_w, box_h, style="DF")
        pdf.set_xy(x0, y)
        pdf.cell(box_w, box_h, _node_label(n), align="C")
        pdf.set_xy(pdf.l_margin, y + box_h)
        if i < len(hops):
            h = hops[i]
            ax = x0 + box_w / 2
            ay = y + box_h
            pdf.line(ax, ay, ax, ay + gap)
            pdf.line(ax, ay + gap, ax - 1.5, ay + gap - 2.5)
            pdf.line(ax, ay + gap, ax + 1.5, ay + gap - 2.5)
            arrow = "↑" if h.get("direction") == "reverse" else "↓"
            pdf.set_xy(ax + 3, ay + 2)
            pdf.set_font("cjk", size=9)
            pdf.cell(
                60,
                gap - 4,
                f"{h.get('type_zh')}{'' if arrow == '↓' else '（反向）'}，{len(h.get('sources', []))} 份来源",
            )
            pdf.set_font("cjk", size=10)
            pdf.set_xy(pdf.l_margin, ay + gap)
    pdf.ln(6)

    for h in hops:
        pdf.set_font("cjk", size=12)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(
            w,
            7,
            _hop_title(h),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        for s in h.get("sources", []):
            pdf.set_font("cjk", size=9)
            for line in _source_lines(s):
                pdf.multi_cell(w, 5, line, new_x="LMARGIN", new_y="NEXT")
            if s.get("review_reason"):
                pdf.multi_cell(w, 5, f"复核理由：{s['review_reason']}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("cjk", size=10)
            pdf.write(6, "原文：")
            for text, marked in _segments(s.get("quote") or "", s.get("marks") or []):
                if marked:
                    pdf.set_text_color(200, 30, 30)
                    pdf.write(6, f"【{text}】")
                    pdf.set_text_color(0, 0, 0)
                else:
                    pdf.write(6, text)
            pdf.ln(8)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(
        w, 4, "说明：【】内为识别出的实体；源记录 SHA-256 为原始记录的摘要，可与原始数据比对；内容哈希可用 JSON 导出复算。",
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    return bytes(pdf.output())


# ---------------------------------------------------------------------- DOCX


def _cjk_run(
    paragraph, text: str, *, bold: bool = False, color: tuple[int, int, int] | None = None, size: float | None = None
):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.name = "SimSun"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), "SimSun")
    run.bold = bold
    if color:
        run.font.color.rgb = RGBColor(*color)
    if size:
        run.font.size = Pt(size)
    return run


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when the page is laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def render_docx(chain: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.core_properties.title = str(chain.get("title", "证据链"))
    doc.core_properties.author = str(chain.get("generated_by") or "ecograph")
    section = doc.sections[0]
    _cjk_run(section.header.paragraphs[0], case_header_line(chain), size=8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cjk_run(footer, "第 ", size=8)
    _field(footer, "PAGE")
    _cjk_run(footer, " 页 共 ", size=8)
    _field(footer, "NUMPAGES")
    _cjk_run(footer, " 页", size=8)
    _cjk_run(doc.add_heading(level=1), str(chain.get("title", "证据链")))
    for line in _meta_lines(chain):
        _cjk_run(doc.add_paragraph(), line, size=9)

    _cjk_run(doc.add_heading(level=2), "关系链示意图")
    nodes, hops = chain.get("nodes", []), chain.get("hops", [])
    table = doc.add_table(rows=0, cols=1)
    table.style = "Table Grid"
    for i, n in enumerate(nodes):
        p = table.add_row().cells[0].paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _cjk_run(p, _node_label(n), bold=True)
        if i < len(hops):
            h = hops[i]
            p = table.add_row().cells[0].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            arrow = "↓" if h.get("direction") != "reverse" else "↑（反向）"
            _cjk_run(p, f"{arrow} {h.get('type_zh')}，{len(h.get('sources', []))} 份来源", size=9)

    for h in hops:
        _cjk_run(doc.add_heading(level=2), _hop_title(h))
        for s in h.get("sources", []):
            for line in _source_lines(s):
                _cjk_run(doc.add_paragraph(), line, size=9)
            if s.get("review_reason"):
                _cjk_run(doc.add_paragraph(), f"复核理由：{s['review_reason']}", size=9)
            p = doc.add_paragraph()
            _cjk_run(p, "原文：")
            for text, marked in _segments(s.get("quote") or "", s.get("marks") or []):
                _cjk_run(p, f"【{text}】" if marked else text, bold=marked, color=(200, 30, 30) if marked else None)
    _cjk_run(
        doc.add_paragraph(),
        "说明：【】内为识别出的实体；源记录 SHA-256 为原始记录的摘要；内容哈希可用 JSON 导出复算。",
        size=8,
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
