"""The variation mode's generator and block: the development world, written in other hands.

`VariedGenerator` and `VariedBlock` subclass the development ones and change
only *how* things are written: site names and site-type words, the same
place with and without county and town, plate forms, addresses, case-file
layouts and header spellings, narratives in other registers.  What is planted
(and so the truth) is the development world plus `ties` and `broken`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block, _fmt_cn_date
from synthetic.bundle import CRIME_CAUSE, Case, Checkpoint, Generator, Site
from synthetic.sinks import write_docx
from synthetic.variation import prose
from synthetic.variation.spelling import (
    JSON_SUSPECTS_KEY,
    KIND_IDS,
    SITE_ROADS,
    header_label,
    json_vehicles,
    plate_form,
    render_plate_varied,
    site_word,
    vary_address,
)
from synthetic.world import Registry


@dataclass
class SiteForms:
    """A site's parts, so each record can write it its own way; `written` collects the forms used."""

    site: Site
    county: str
    town: str
    village: str
    side: str
    word: str
    synonyms: tuple[str, ...]
    kind: str
    written: dict[str, None] = field(default_factory=dict)

    def render(self, rng: random.Random) -> str:
        word = self.word if rng.random() < 0.5 else rng.choice(self.synonyms)
        prefix = rng.choices(
            (f"{self.county}{self.town}", self.town, "", f"{self.site.region.city}市{self.county}{self.town}"),
            weights=(3, 3, 3, 1),
        )[0]
        text = f"{prefix}{self.village}{self.side}{word}"
        self.written[text] = None
        return text

    def truth(self) -> dict:
        return {
            "name": self.site.name,
            "kind": self.kind,
            "word": self.word,
            "region": self.site.region.name,
            "town": self.town,
            "village": self.village,
            "checkpoint": self.site.checkpoint.code,
            "checkpoint_name": self.site.checkpoint.name,
            "aliases": list(self.written),
        }


class VariedRegistry(Registry):
    """Plates written in the variation forms (lower case, dot + lower case, full-width with dot …)."""

    def plate_text(self, plate: str, doc: str, fld: str, style: str = "text") -> str:
        form = plate_form(self.rng, style if style in ("record", "header") else "text")
        text = render_plate_varied(plate, form)
        if plate in self.vehicles:
            self._pend(doc, self.vehicles[plate].mentions, {"doc": doc, "field": fld, "text": text, "form": form})
        return text


class VariedGenerator(Generator):
    """Sites of every kind of dump site, with checkpoints named after the village road into them."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.block_sites: dict[str, SiteForms] = {}
        self.broken: list[dict] = []

    def site(self, region: V.Region, kind_idx: int | None = None) -> Site:
        town = self.rng.choice(region.towns)
        vil = self.village(region, town)
        kind = self.rng.choice(KIND_IDS)
        word, synonyms = site_word(kind)
        side = self.rng.choice(("北侧", "南面", "东边", "西侧", "村后", "村口", "", "", ""))
        name = f"{region.name}{town}{vil}{side}{word}"
        lon, lat = self._near(region)
        cp = Checkpoint(
            self._kk_code(region),
            f"{town}{vil}{self.rng.choice(SITE_ROADS)}",
            lon,
            lat,
            region,
            dot=self.rng.random() < 0.25,
            kind="site",
            site=name,
        )
        self.add_site_checkpoint(region, cp)
        short = T.pick(
            self.rng,
            ("{vil}[北面|后头|旁边]那[块|片|个]{k}", "{vil}的{k}", "{town}那边的{k}"),
            vil=vil,
            k=self.rng.choice((word, *synonyms)),
            town=town,
        )
        site = Site(name, short, region, town, vil, word, cp)
        self.block_sites[name] = SiteForms(site, region.name, town, vil, side, word, synonyms, kind)
        return site


class VariedBlock(Block):
    """Every text a block writes passes through `vary`: each site written in one of its forms."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reg = VariedRegistry(self.g.rng)
        self.g.block_sites = {}

    def vary(self, text: str) -> str:
        if not text:
            return text
        for full, forms in self.g.block_sites.items():
            if full in text:
                text = text.replace(full, forms.render(self.rng))
        return text

    def flush_sites(self) -> None:
        for forms in self.g.block_sites.values():
            self.g.truth.add("sites", forms.truth())
        self.g.block_sites = {}

    def narrative(self, crime: str, slots: dict) -> str:
        return prose.narrative(self.rng, crime, slots)

    def hotline(self, region, when, category, content, address, unit, reply="", status=None, key=None) -> str:
        return super().hotline(
            region, when, category, self.vary(content), self.vary(address), unit, self.vary(reply), status, key
        )

    def grid(self, region, when, town, village, etype, desc, coords, status=None, result=None, key=None, **kw) -> str:
        return super().grid(region, when, town, village, etype, self.vary(desc), coords, status, result, key, **kw)

    def suspect(self, p, doc, *, full=True, phone=None, bad_id=False) -> dict:
        s = super().suspect(p, doc, full=full, phone=phone, bad_id=bad_id)
        s["addr"] = vary_address(self.rng, s["addr"], p.region)
        return s

    # ------------------------------------------------------------------ case files
    def write_case(self, c: Case) -> str:
        rng, g = self.rng, self.g
        form = rng.choices(("txt", "docx", "json"), weights=(4, 3, 3))[0]
        narrative = self.vary(c.narrative)
        g.case_files[form] += 1
        pairs: list[tuple[str, str]] = [("案件编号", c.number)]
        if rng.random() < 0.95:
            pairs.append(("案由", CRIME_CAUSE[c.crime]))
        has_filed = rng.random() < 0.9
        if has_filed:
            filed = _fmt_cn_date(c.filed) if rng.random() < 0.7 else c.filed.isoformat()
            pairs.append(("立案时间", filed))
        pairs.append(("办案单位", c.region.police))
        pairs += [("犯罪嫌疑人", self._suspect_line(s)) for s in c.suspects]
        if len(c.vehicles) > 1 and rng.random() < 0.4:
            pairs.append(("涉案车辆", "、".join(c.vehicles)))
        else:
            pairs += [("涉案车辆", v) for v in c.vehicles]
        for name, uscc in c.companies:
            pairs.append(("涉案单位", f"{name}（统一社会信用代码：{uscc}）" if uscc else name))
        header = [header_label(rng, k) + v for k, v in pairs]
        self.reg.confirm(c.key, "\n".join(header) + "\n" + narrative)
        path = g.out / "cases" / f"{c.stem}.{form}"
        enc = {"json": "utf-8", "docx": "docx"}.get(form, "")
        if form == "json":
            obj = {
                "案件编号": c.number,
                "案由": CRIME_CAUSE[c.crime],
                "立案时间": dict(pairs).get("立案时间"),
                "办案单位": c.region.police,
                rng.choice(JSON_SUSPECTS_KEY): [self._suspect_obj(s) for s in c.suspects],
                "涉案车辆": json_vehicles(rng, list(c.vehicles)),
                "涉案单位": [{"名称": n, "统一社会信用代码": u} for n, u in c.companies],
                "简要案情": narrative,
            }
            path.write_text(json.dumps(obj, ensure_ascii=False, indent=rng.choice((None, 1, 2, 4))), encoding="utf-8")
        elif form == "docx":
            body = header_label(rng, "简要案情") + narrative
            if rng.random() < 0.5:
                write_docx(path, [body], c.number, table=pairs)
            else:
                write_docx(path, [*header, body], c.number)
        else:
            body = "\n".join([*header, header_label(rng, "简要案情") + _wrap(rng, narrative)]) + "\n"
            enc = rng.choices(("utf-8", "utf-8-sig", "gb18030"), weights=(4, 2, 4))[0]
            nl = rng.choice(("\n", "\r\n"))
            path.write_bytes(body.replace("\n", nl).encode(enc))
        g.truth.add("case_files", {"doc": c.key, "file": f"cases/{path.name}", "form": form, "encoding": enc})
        return f"cases/{path.name}"

    def _suspect_line(self, s: dict) -> str:
        rng = self.rng
        born = s["born"]
        parts = [
            s["name"] + (rng.choice(("", "（曾用名无）")) if rng.random() < 0.1 else ""),
            "男" if s["male"] else "女",
        ]
        if isinstance(born, date):
            parts.append(
                f"出生于{born.year}年{born.month}月{born.day}日"
                if rng.random() < 0.3
                else f"{born.year}年{born.month}月{born.day}日生"
            )
        elif born:
            parts.append(f"{born}年生")
        if s["id"]:
            parts.append(rng.choice(("身份证号：", "公民身份号码", "身份证号码：", "身份证")) + s["id"])
        if s["addr"]:
            parts.append(rng.choice(("住址", "住", "户籍地址", "现住址")) + s["addr"])
        if s["phone"]:
            parts.append(rng.choice(("手机", "联系电话：", "手机号码", "电话")) + s["phone"])
        return rng.choice(("，", "，", "；")).join(parts) + rng.choice(("。", ""))


def _wrap(rng: random.Random, text: str) -> str:
    """Narratives typed with hard line breaks after some sentences, as word processors export them."""
    if rng.random() < 0.6:
        return text
    return "\n".join(s + "。" for s in text.split("。") if s)
