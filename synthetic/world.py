"""Entities of the synthetic world and the registry that records every mention for the truth file."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from synthetic.ident import render_plate
from synthetic.vocab import Region


@dataclass
class Person:
    name: str
    male: bool
    born: date
    id_card: str
    home: str  # address as written
    phone: str
    region: Region
    role: str
    gang: str | None = None
    docs: list[str] = field(default_factory=list)


@dataclass
class Company:
    true_id: str
    name: str  # canonical full name
    uscc: str
    region: Region
    prefix: str  # 长兴 / 湖州 / 浙江
    core: str  # 恒泰精细化工
    industry: str
    kind: str  # producer / carrier / carrier_unlicensed / receiver / other
    village: str = ""
    town: str = ""
    confusable_with: list[str] = field(default_factory=list)
    no_prefix_ok: bool = True
    mentions: list[dict] = field(default_factory=list)

    def forms(self) -> dict[str, str]:
        p, core = self.prefix, self.core
        if self.name.endswith("合作社"):
            return {"canonical": self.name, "spaced": f"{p} {core}"}
        unit = {
            "长兴": "长兴县",
            "德清": "德清县",
            "安吉": "安吉县",
            "岱山": "岱山县",
            "嵊泗": "嵊泗县",
            "湖州": "湖州市",
            "舟山": "舟山市",
            "嘉兴": "嘉兴市",
            "海宁": "海宁市",
            "桐乡": "桐乡市",
            "浙江": "浙江省",
        }.get(p, p)
        f = {
            "canonical": self.name,
            "suffix": self.name.replace("有限公司", "有限责任公司") if self.name.endswith("有限公司") else self.name,
            "prefix_unit": self.name.replace(p, unit, 1) if unit != p else self.name,
            "bracket_prefix": f"{core}（{p}）有限公司",
            "bracket_ascii": f"{core}({p})有限公司",
            "spaced": f"{p} {core}有限公司",
        }
        if self.no_prefix_ok:
            f["no_prefix"] = f"{core}有限公司"
        return f


@dataclass
class Vehicle:
    plate: str  # normalised
    vtype: str
    mentions: list[dict] = field(default_factory=list)


class Registry:
    """Per-block entity registry: companies and tracked vehicles with their mentions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.companies: dict[str, Company] = {}
        self.vehicles: dict[str, Vehicle] = {}
        self.pending: dict[str, list[tuple[list, dict]]] = {}

    def _pend(self, doc: str, target: list, mention: dict) -> None:
        self.pending.setdefault(doc, []).append((target, mention))

    def confirm(self, doc: str, text: str) -> None:
        """Keep the mentions of `doc` whose text really made it into the written record."""
        for target, m in self.pending.pop(doc, ()):
            if m["text"] in text:
                target.append(m)

    def company_text(self, c: Company, doc: str, fld: str, style: str = "record") -> str:
        """A written form of `c` for a mention in `doc`/`fld`; style: record (structured field) or text."""
        forms = c.forms()
        if style == "record":
            choices = [
                ("canonical", 14),
                ("suffix", 2),
                ("prefix_unit", 1),
                ("bracket_prefix", 1),
                ("spaced", 1),
                ("no_prefix", 1),
            ]
        else:
            choices = [
                ("canonical", 6),
                ("suffix", 2),
                ("prefix_unit", 2),
                ("bracket_prefix", 1),
                ("bracket_ascii", 1),
                ("no_prefix", 3),
            ]
        choices = [(k, w) for k, w in choices if k in forms]
        form = self.rng.choices([k for k, _ in choices], weights=[w for _, w in choices])[0]
        text = forms[form]
        self._pend(doc, c.mentions, {"doc": doc, "field": fld, "text": text, "form": form})
        return text

    def track(self, plate: str, vtype: str) -> Vehicle:
        v = self.vehicles.get(plate)
        if v is None:
            v = self.vehicles[plate] = Vehicle(plate, vtype)
        return v

    def plate_text(self, plate: str, doc: str, fld: str, style: str = "text") -> str:
        if style == "record":
            forms, weights = ("plain", "dot", "space"), (8, 2, 1)
        elif style == "header":
            forms, weights = ("dot", "plain", "space", "fullwidth"), (6, 3, 1, 1)
        else:
            forms, weights = ("plain", "dot", "space", "fullwidth", "dash"), (6, 3, 2, 2, 1)
        form = self.rng.choices(forms, weights=weights)[0]
        text = render_plate(plate, form)
        if plate in self.vehicles:
            self._pend(doc, self.vehicles[plate].mentions, {"doc": doc, "field": fld, "text": text, "form": form})
        return text
