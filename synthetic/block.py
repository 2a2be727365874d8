"""`Block`: one scale unit of the bundle, and how it writes each kind of record.

A block plants its own stories (`synthetic.gangs`, `synthetic.manifests`,
`synthetic.wastechains`, `synthetic.waterevents`, `synthetic.noise`, called by
`synthetic.generate`) and writes them through these methods: hotline
tickets, grid events, plate reads, manifests and case files, each in the
shape and mess of its source format.  Why apart from `synthetic.bundle`: the generator is the world that
lives for the whole bundle; a block is written, flushed and forgotten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from synthetic import text as T
from synthetic import vocab as V
from synthetic.bundle import CRIME_CAT, CRIME_CAUSE, Case, Checkpoint, Generator
from synthetic.ident import render_plate
from synthetic.narrative import narrative as formal_narrative
from synthetic.sinks import (
    write_docx,
)
from synthetic.world import Person, Registry

__all__ = ["Block"]


def _fmt_cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass
class Block:
    """One scale unit of the world."""

    g: Generator
    index: int
    reg: Registry = field(init=False)
    anpr: list[tuple[datetime, str, Checkpoint]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reg = Registry(self.g.rng)
        self.rng = self.g.rng

    def narrative(self, crime: str, slots: dict) -> str:
        """The 简要案情 of a case; the variation mode writes it in other registers."""
        return formal_narrative(self.rng, crime, slots)

    # ------------------------------------------------------------------ ids for docs
    def ticket_id(self, region: V.Region, when: datetime) -> str:
        k = (region.hotline, when.date())
        n = self.g.ticket_seq.get(k, self.rng.randrange(1, 40)) + self.rng.randrange(1, 25)
        self.g.ticket_seq[k] = n
        return f"doc:hotline:{region.hotline}{when:%Y%m%d}{n:05d}"

    def grid_id(self, region: V.Region, when: datetime) -> str:
        k = (region.grid_code, when.date())
        n = self.g.grid_seq.get(k, self.rng.randrange(0, 8)) + self.rng.randrange(1, 6)
        self.g.grid_seq[k] = n
        return f"doc:grid:141-{region.grid_code}-{when:%Y%m%d}-{n:04d}"

    def case_number(self, region: V.Region, crime: str) -> tuple[str, str]:
        n = self.g.case_seq.get(region.code, self.rng.randrange(1, 30)) + self.rng.randrange(1, 5)
        self.g.case_seq[region.code] = n
        return f"{region.case_prefix}({CRIME_CAT[crime]})立字〔2024〕{n:05d}号", f"{region.abbr}-2024-{n:05d}"

    def manifest_id(self, region: V.Region) -> str:
        n = self.g.man_seq.get(region.code, self.rng.randrange(1, 30)) + self.rng.randrange(1, 12)
        self.g.man_seq[region.code] = n
        return f"2024{region.code}{n:06d}"

    # ------------------------------------------------------------------ hotline
    def hotline(
        self,
        region: V.Region,
        when: datetime,
        category: str,
        content: str,
        address: str,
        unit: str,
        reply: str = "",
        status: str | None = None,
        key: str | None = None,
    ) -> str:
        tid = (key or self.ticket_id(region, when)).removeprefix("doc:hotline:")
        rng = self.rng
        status = status or rng.choices(("已办结", "办理中", "待受理"), weights=(7, 2, 1))[0]
        closed = when + timedelta(hours=rng.randrange(3, 24 * 12)) if status == "已办结" else None
        if status == "待受理":
            reply = ""
        caller_kind = rng.random()
        if caller_kind < 0.3:
            caller = self.g.person_name(rng.random() < 0.5, unique=False)
        elif caller_kind < 0.7:
            caller = rng.choice(V.SURNAMES) + rng.choice(("先生", "女士", "师傅", "先生", "女士"))
        elif caller_kind < 0.9:
            caller = "匿名"
        else:
            caller = ""
        pk = rng.random()
        phone = self.g.ids.mask_phone(self.g.ids.mobile()) if pk < 0.8 else ("" if pk < 0.9 else self.g.ids.mobile())
        sink = {"ZJHZ": self.g.hot, "ZJZS": self.g.hot_gbk, "ZJJX": self.g.hot_xlsx}[region.hotline]
        if sink is self.g.hot_gbk:
            fmt = lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}"  # noqa: E731
        elif sink is self.g.hot:
            fmt = (
                (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
                if rng.random() < 0.9
                else (lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}")
            )  # noqa: E731
        else:
            fmt = (
                (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
                if rng.random() < 0.75
                else (lambda d: d.replace(microsecond=0))
            )  # noqa: E731
        row = [
            tid,
            fmt(when),
            caller,
            phone,
            category,
            content,
            address,
            unit,
            status,
            fmt(closed) if closed else "",
            reply,
        ]
        if sink is self.g.hot_xlsx and rng.random() < 0.08:
            row[2] = row[2] + " "
        if sink is self.g.hot_xlsx and rng.random() < 0.05:
            row[8] = " " + row[8]
        line = sink.row(row)
        self._last_line = (sink, line)
        doc = f"doc:hotline:{tid}"
        self.reg.confirm(doc, "\x1f".join(str(v) for v in row))
        return doc

    def unit_for(self, region: V.Region, category: str, town: str) -> str:
        opts = {
            "固废倾倒": (
                f"{region.gov}{town}人民政府",
                f"{region.city}市生态环境局{region.short}分局",
                f"{region.gov}综合行政执法局",
            ),
            "水污染": (
                f"{region.city}市生态环境局{region.short}分局",
                f"{region.gov}{town}人民政府",
                f"{region.gov}水利局",
            ),
            "大气污染": (f"{region.gov}{town}人民政府", f"{region.city}市生态环境局{region.short}分局"),
            "非法捕捞": (
                f"{region.city}市农业农村局",
                region.police,
                f"{region.gov}海洋与渔业执法大队" if region.coastal else f"{region.gov}农业农村局",
            ),
            "非法狩猎": (
                region.police,
                f"{region.gov}林业局" if region.city == "湖州" else f"{region.gov}自然资源和规划局",
            ),
            "噪声": (f"{region.gov}{town}人民政府", f"{region.gov}综合行政执法局"),
            "其他": (f"{region.gov}{town}人民政府", f"{region.gov}综合行政执法局"),
            "环境污染": (f"{region.city}市生态环境局{region.short}分局",),
        }[category]
        return self.rng.choice(opts)

    # ------------------------------------------------------------------ grid
    def worker(self, region: V.Region, town: str) -> tuple[str, str]:
        k = (region.code, town)
        pool = self.g.workers.setdefault(k, [])
        if len(pool) < 3 and (not pool or self.rng.random() < 0.3):
            pool.append((self.g.person_name(self.rng.random() < 0.45, unique=False), self.g.ids.mobile()))
        return self.rng.choice(pool)

    def grid(
        self,
        region: V.Region,
        when: datetime,
        town: str,
        village: str,
        etype: str,
        desc: str,
        coords: tuple[float, float] | None,
        status: str | None = None,
        result: str | None = None,
        key: str | None = None,
        empty_key: bool = False,
    ) -> str:
        eid = (key or self.grid_id(region, when)).removeprefix("doc:grid:")
        name, phone = self.worker(region, town)
        status = status or self.rng.choices(("已办结", "已流转", "处置中"), weights=(5, 4, 1))[0]
        result = result if result is not None else T.grid_result(self.rng, status)
        grid_name = f"{town}{village}第{self.rng.randrange(1, 6)}网格"
        when_s = when.strftime("%Y-%m-%d %H:%M:%S")
        if region.city == "湖州":
            obj: dict[str, Any] = {
                "事件编号": "" if empty_key else eid,
                "上报时间": when_s,
                "上报人": name,
                "上报人电话": phone,
                "所属网格": grid_name,
                "事件类型": etype,
                "事件描述": desc,
            }
            if coords is None:
                if self.rng.random() < 0.5:
                    obj["经度"] = None
                    obj["纬度"] = None
            else:
                obj["经度"], obj["纬度"] = coords
            obj["处置状态"] = status
            obj["处置结果"] = result
            line = self.g.grid_jsonl.row(obj)
            self._last_line = (self.g.grid_jsonl, line)
            self.reg.confirm(f"doc:grid:{eid}", desc + "\x1f" + result)
        else:
            lon, lat = coords if coords else ("", "")
            line = self.g.grid_csv.row(
                ["" if empty_key else eid, when_s, name, phone, grid_name, etype, desc, lon, lat, status, result]
            )
            self._last_line = (self.g.grid_csv, line)
            self.reg.confirm(f"doc:grid:{eid}", desc + "\x1f" + result)
        return f"doc:grid:{eid}"

    def _near_region(self, region: V.Region) -> tuple[float, float]:
        lon, lat = self.g._near(region)
        return round(lon, 4), round(lat, 4)

    def coords_near(self, cp_or_region, spread: float = 0.01) -> tuple[float, float]:
        lon, lat = (cp_or_region.lon, cp_or_region.lat)
        return (round(lon + self.rng.uniform(-spread, spread), 4), round(lat + self.rng.uniform(-spread, spread), 4))

    # ------------------------------------------------------------------ anpr
    def read(self, when: datetime, plate: str, cp: Checkpoint) -> str:
        key = (cp.code, when.strftime("%Y%m%d%H%M%S"), plate)
        if key in self.g.anpr_seen:
            when = when + timedelta(seconds=1)
            key = (cp.code, when.strftime("%Y%m%d%H%M%S"), plate)
        self.g.anpr_seen.add(key)
        self.anpr.append((when, plate, cp))
        return f"doc:anpr:{cp.code}:{key[1]}:{plate}"

    def trip(
        self, plate: str, start: datetime, region: V.Region, n: int | None = None, cps: list | None = None
    ) -> list[str]:
        roads = self.g.road_checkpoints[region.code]
        cps = cps or self.rng.sample(roads, min(len(roads), n or self.rng.randint(1, 3)))
        t = start
        keys = []
        for cp in cps:
            keys.append(self.read(t, plate, cp))
            t += timedelta(seconds=self.rng.randrange(300, 2700))
        return keys

    def flush_anpr(self) -> None:
        self.anpr.sort(key=lambda r: (r[0], r[2].code, r[1]))
        sink = self.g.anpr
        for when, plate, cp in self.anpr:
            ts = when.strftime("%Y-%m-%d %H:%M:%S")
            if plate == "未识别":
                line = sink.fast([ts, plate, cp.code, cp.name, f"{cp.lon:.6f}", f"{cp.lat:.6f}"])
                self.g.truth.add(
                    "malformed",
                    {
                        "file": "anpr.csv",
                        "line": line,
                        "record": None,
                        "field": "车牌号",
                        "reason": "unreadable_plate",
                        "value": plate,
                    },
                )
                continue
            written = render_plate(plate, "dot") if cp.dot else plate
            if plate in self.reg.vehicles:
                self.reg.vehicles[plate].mentions.append(
                    {
                        "doc": f"doc:anpr:{cp.code}:{when:%Y%m%d%H%M%S}:{plate}",
                        "field": "车牌号",
                        "text": written,
                        "form": "dot" if cp.dot else "plain",
                    }
                )
            sink.fast([ts, written, cp.code, cp.name, f"{cp.lon:.6f}", f"{cp.lat:.6f}"])
        self.anpr.clear()
        self.g.anpr_seen.clear()

    # ------------------------------------------------------------------ cases
    def suspect(
        self, p: Person, doc: str, *, full: bool = True, phone: str | None = None, bad_id: bool = False
    ) -> dict:
        p.docs.append(doc)
        born: Any = p.born if full or self.rng.random() < 0.5 else p.born.year
        idc = self.g.ids.bad_resident_id(p.id_card) if bad_id else p.id_card
        return {
            "name": p.name,
            "male": p.male,
            "born": born,
            "id": idc,
            "addr": p.home if self.rng.random() < 0.93 else None,
            "phone": phone if phone is not None else (p.phone if self.rng.random() < 0.85 else None),
        }

    def masked_suspect(self, doc: str, name: str | None = None, planted: bool = False) -> dict:
        name = name or self.g.masked_name()
        region = self.rng.choice(V.REGIONS)
        taken = {u["birth_year"] for u in self.g.masked.get(name, [])}
        year = self.rng.choice([y for y in range(1955, 2003) if y not in taken] or [1980])
        town = self.rng.choice(region.towns)
        addr = self.rng.choice(
            (f"{region.city}市{region.name}{town}", f"{region.name}{town}", None, self.rng.choice(V.OUTSIDE)[1])
        )
        self.g.masked.setdefault(name, []).append(
            {"doc": doc, "birth_year": year, "residence": addr, "planted": planted}
        )
        return {
            "name": name,
            "male": self.rng.random() < 0.85,
            "born": year,
            "id": None,
            "addr": addr,
            "phone": None,
            "masked": True,
        }

    def write_case(self, c: Case) -> str:
        rng = self.rng
        form = rng.choices(("txt", "docx", "json"), weights=(5, 2, 3))[0]
        enc = "utf-8"
        g = self.g
        g.case_files[form] += 1
        header: list[str] = [f"案件编号：{c.number}"]
        if rng.random() < 0.97:
            header.append(f"案由：{CRIME_CAUSE[c.crime]}")
        has_filed = rng.random() < 0.9
        if has_filed:
            header.append(f"立案时间：{_fmt_cn_date(c.filed)}")
        unit = c.region.police
        if rng.random() < 0.95:
            header.append(f"办案单位：{unit}")
        for s in c.suspects:
            header.append("犯罪嫌疑人：" + self._suspect_line(s))
        for v in c.vehicles:
            header.append(f"涉案车辆：{v}")
        for name, uscc in c.companies:
            header.append(f"涉案单位：{name}（统一社会信用代码{uscc}）" if uscc else f"涉案单位：{name}")
        self.reg.confirm(c.key, "\n".join(header) + "\n" + c.narrative)
        path = g.out / "cases" / f"{c.stem}.{form}"
        if form == "json":
            obj = {
                "案件编号": c.number,
                "案由": CRIME_CAUSE[c.crime],
                "立案时间": _fmt_cn_date(c.filed) if has_filed else None,
                "办案单位": unit,
                "嫌疑人": [self._suspect_obj(s) for s in c.suspects],
                "涉案车辆": list(c.vehicles),
                "涉案单位": [{"名称": n, "统一社会信用代码": u} for n, u in c.companies],
                "简要案情": c.narrative,
            }
            path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif form == "docx":
            paras = header + ["简要案情：" + c.narrative]
            if rng.random() < 0.5:
                cut = c.narrative.find("。", len(c.narrative) // 3)
                if 0 < cut < len(c.narrative) - 1:
                    paras = header + ["简要案情：" + c.narrative[: cut + 1], c.narrative[cut + 1 :]]
            write_docx(path, paras, c.number)
        else:
            body = "\n".join(header + ["简要案情：" + c.narrative]) + "\n"
            enc = rng.choices(("utf-8", "utf-8-sig", "gb18030"), weights=(5, 2, 3))[0]
            nl = "\n" if enc == "utf-8" and rng.random() < 0.8 else "\r\n"
            path.write_bytes(body.replace("\n", nl).encode(enc))
        self.g.truth.add(
            "case_files",
            {
                "doc": c.key,
                "file": f"cases/{path.name}",
                "form": form,
                "encoding": enc if form == "txt" else ("utf-8" if form == "json" else "docx"),
            },
        )
        return f"cases/{path.name}"

    def _suspect_line(self, s: dict) -> str:
        rng = self.rng
        sex = "男" if s["male"] else "女"
        born = s["born"]
        parts = [s["name"], sex]
        if isinstance(born, date):
            parts.append(f"{born.year}年{born.month}月{born.day}日出生")
        elif born:
            parts.append(f"{born}年出生")
        if s["id"]:
            parts.append(rng.choice(("身份证号", "身份证号", "身份证号码", "公民身份号码")) + s["id"])
        if s["addr"]:
            parts.append(rng.choice(("住", "住", "户籍地", "现住")) + s["addr"])
        if s["phone"]:
            parts.append(rng.choice(("联系电话", "联系电话", "手机号", "电话")) + s["phone"])
        return "，".join(parts) + "。"

    @staticmethod
    def _suspect_obj(s: dict) -> dict:
        born = s["born"]
        return {
            "姓名": s["name"],
            "性别": "男" if s["male"] else "女",
            "出生日期": born.isoformat() if isinstance(born, date) else (str(born) if born else None),
            "身份证号": s["id"],
            "住址": s["addr"],
            "电话": s["phone"],
        }
