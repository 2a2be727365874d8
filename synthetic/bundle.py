"""`generate_bundle`: a seeded, streamed bundle of every input format plus `truth.json`.

The world is generated in independent blocks (one per unit of `scale`); each
block plants its own gangs, waste chains, water events and alert situations,
writes its records to the open files, flushes its part of the truth and is
then forgotten, so memory stays flat however large the bundle.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from synthetic import text as T
from synthetic import vocab as V
from synthetic.ident import Idents, render_plate
from synthetic.narrative import narrative as formal_narrative
from synthetic.sinks import (
    ANPR_HEADERS,
    GRID_HEADERS,
    HOTLINE_HEADERS,
    MANIFEST_HEADERS,
    OUTFALL_HEADERS,
    READING_HEADERS,
    SEGMENT_HEADERS,
    CsvSink,
    JsonlSink,
    TruthSink,
    XlsxSink,
    write_docx,
)
from synthetic.world import Company, Person, Registry

START = datetime(2024, 3, 1)
DAYS = 122  # 2024-03-01 .. 2024-06-30
TRUTH_ORDER = [
    "gangs",
    "decoys",
    "entities.companies",
    "entities.vehicles",
    "waste_chains",
    "licensed_chains",
    "water_events",
    "alerts",
    "malformed",
    "people",
    "checkpoints",
    "case_files",
]
CRIME_CAUSE = {
    "dump": "污染环境罪",
    "fishing": "非法捕捞水产品罪",
    "sea": "非法捕捞水产品罪",
    "hunting": "非法狩猎罪",
    "mining": "非法采矿罪",
}
CRIME_CAT = {"dump": "环", "fishing": "环", "sea": "海", "hunting": "林", "mining": "环"}


@dataclass
class Checkpoint:
    code: str
    name: str
    lon: float
    lat: float
    region: V.Region
    dot: bool
    kind: str = "road"  # road / site
    site: str = ""


@dataclass
class Site:
    name: str  # full place name, e.g. 长兴县煤山镇青岭村北侧废弃石矿坑
    short: str  # 青岭村北面那个矿坑
    region: V.Region
    town: str
    village: str
    kind: str
    checkpoint: Checkpoint


@dataclass
class Case:
    number: str
    crime: str
    region: V.Region
    filed: date
    suspects: list[dict]  # name, male, born (date|int|None), id (written|None), addr, phone
    vehicles: list[str] = field(default_factory=list)  # as written, with type
    companies: list[tuple[str, str | None]] = field(default_factory=list)
    narrative: str = ""
    stem: str = ""

    @property
    def key(self) -> str:
        return f"doc:case:{self.number}"


def _fmt_cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class Generator:
    def __init__(self, out_dir: Path, seed: int, scale: int) -> None:
        self.out = out_dir
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.ids = Idents(self.rng)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "cases").mkdir(exist_ok=True)
        for stale in (out_dir / "cases").iterdir():  # a previous bundle's case files would not match the new truth
            if stale.is_file() and stale.suffix in (".txt", ".docx", ".json"):
                stale.unlink()
        (out_dir / "water").mkdir(exist_ok=True)
        self.hot = CsvSink(out_dir / "hotline.csv", HOTLINE_HEADERS, "utf-8-sig", "\n")
        self.hot_gbk = CsvSink(out_dir / "hotline_gbk.csv", HOTLINE_HEADERS, "gb18030", "\r\n")
        self.hot_xlsx = XlsxSink(out_dir / "hotline.xlsx", "嘉兴市12345政务服务便民热线工单导出", HOTLINE_HEADERS)
        self.grid_jsonl = JsonlSink(out_dir / "grid.jsonl")
        self.grid_csv = CsvSink(out_dir / "grid.csv", GRID_HEADERS, "utf-8-sig", "\r\n")
        self.anpr = CsvSink(out_dir / "anpr.csv", ANPR_HEADERS, "utf-8", "\n")
        self.man = CsvSink(out_dir / "manifests.csv", MANIFEST_HEADERS, "utf-8-sig", "\r\n")
        self.seg = CsvSink(out_dir / "water" / "河段.csv", SEGMENT_HEADERS, "utf-8", "\n")
        self.outf = CsvSink(out_dir / "water" / "排口.csv", OUTFALL_HEADERS, "utf-8-sig", "\n")
        self.read = CsvSink(out_dir / "water" / "监测.csv", READING_HEADERS, "gb18030", "\r\n")
        self.truth = TruthSink(out_dir / "truth.json")
        self.case_files: dict[str, int] = {"txt": 0, "docx": 0, "json": 0}
        # counters
        self.ticket_seq: dict[tuple[str, date], int] = {}
        self.grid_seq: dict[tuple[str, date], int] = {}
        self.case_seq: dict[str, int] = {}
        self.man_seq: dict[str, int] = {}
        self.kk_seq: dict[str, int] = {}
        self.station_seq: dict[str, int] = {}
        self.outfall_seq: dict[str, int] = {}
        self.used_names: set[str] = set()
        self.used_villages: set[tuple[str, str]] = set()
        self.used_cores: set[str] = set()
        self.company_seq = 0
        self.masked: dict[str, list[dict]] = {}
        self.workers: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.anpr_seen: set[tuple[str, str, str]] = set()
        self.checkpoints: dict[str, list[Checkpoint]] = {}
        for r in V.REGIONS:
            self.checkpoints[r.code] = [self._road_checkpoint(r) for _ in range(self.rng.randrange(4, 7))]
        for cps in self.checkpoints.values():
            for cp in cps:
                self.truth.add("checkpoints", self._cp_truth(cp))

    # ================================================================== basics
    def dt(self, day_lo: int = 0, day_hi: int = DAYS - 1, hour_lo: int = 0, hour_hi: int = 24) -> datetime:
        d = self.rng.randint(day_lo, day_hi)
        secs = self.rng.randrange(hour_lo * 3600, hour_hi * 3600)
        return START + timedelta(days=d, seconds=secs)

    def night_dt(self, day: int) -> datetime:
        """21:00–04:00 starting on `day`."""
        return START + timedelta(days=day, hours=21, seconds=self.rng.randrange(0, 7 * 3600))

    def region(self, pool=None) -> V.Region:
        return self.rng.choice(pool or V.REGIONS)

    def village(self, region: V.Region, town: str) -> str:
        for _ in range(200):
            if self.rng.random() < 0.7:
                v = self.rng.choice(V.VIL_A) + self.rng.choice(V.VIL_B) + "村"
            else:
                v = self.rng.choice(V.SURNAMES) + self.rng.choice("家圩浜桥港湾埭") + "村"
            if (town, v) not in self.used_villages:
                self.used_villages.add((town, v))
                return v
        return self.rng.choice(V.VIL_A) + self.rng.choice(V.VIL_B) + self.rng.choice(V.VIL_B) + "村"

    def person_name(self, male: bool, unique: bool = True) -> str:
        for _ in range(100):
            s = self.rng.choice(V.SURNAMES)
            chars = V.GIVEN_M if male else V.GIVEN_F
            g = self.rng.choice(chars) + (self.rng.choice(chars) if self.rng.random() < 0.75 else "")
            n = s + g
            if not unique or n not in self.used_names:
                self.used_names.add(n)
                return n
        return n

    def person(self, region: V.Region, role: str, gang: str | None = None) -> Person:
        male = self.rng.random() < 0.85
        born = self.ids.birth(1958, 2001)
        if self.rng.random() < 0.82:
            code = region.code
            town = self.rng.choice(region.towns)
            home = (
                f"{region.name}{town}{self.village(region, town)}"
                if self.rng.random() < 0.8
                else f"{region.name}{town}"
            )
        else:
            code, place, _ = self.rng.choice(V.OUTSIDE)
            home = place + self.rng.choice(("", self.rng.choice(V.VIL_A) + self.rng.choice("岭桥塘港") + "镇"))
        p = Person(
            name=self.person_name(male),
            male=male,
            born=born,
            id_card=self.ids.resident_id(code, born, male),
            home=home,
            phone=self.ids.mobile(),
            region=region,
            role=role,
            gang=gang,
        )
        return p

    def masked_name(self, surname: str | None = None) -> str:
        s = surname or self.rng.choice(V.SURNAMES)
        return s + self.rng.choice(("某", "某", "某某", "某甲", "某乙"))

    def company(
        self,
        reg: Registry,
        region: V.Region,
        kind: str,
        industry: str,
        prefix: str | None = None,
        brand: str | None = None,
    ) -> Company:
        rng = self.rng
        coop = industry == "养殖" and brand is None and rng.random() < 0.5
        for attempt in range(400):
            if brand and attempt < 20:
                b = brand
            else:
                b = rng.choice(V.BRAND_A) + rng.choice(V.BRAND_B) + (rng.choice(V.BRAND_B) if attempt > 100 else "")
            if b[0] == b[1]:
                continue
            p = prefix or rng.choice((region.short, region.short, region.city, region.city, "浙江"))
            core = f"{b}养殖专业合作社" if coop else f"{b}{industry}"
            if (core in self.used_cores and not brand) or f"{p}{core}" in self.used_cores:
                continue
            break
        self.used_cores.add(core)
        self.used_cores.add(f"{p}{core}")
        name = f"{p}{core}" if coop else f"{p}{core}" + rng.choice(("有限公司", "有限公司", "有限公司", "有限责任公司"))
        self.company_seq += 1
        c = Company(
            true_id=f"co-{self.company_seq:06d}",
            name=name,
            uscc=self.ids.uscc(region.code, "93" if coop else "91"),
            region=region,
            prefix=p,
            core=core,
            industry=industry,
            kind=kind,
        )
        c.town = self.rng.choice(region.towns)
        c.village = self.village(region, c.town)
        if coop:
            c.no_prefix_ok = False
        reg.companies[c.true_id] = c
        return c

    # ================================================================== checkpoints
    def _kk_code(self, region: V.Region) -> str:
        n = self.kk_seq.get(region.code, 0) + 1
        self.kk_seq[region.code] = n
        return f"KK{region.code}{n:03d}"

    def _near(self, region: V.Region, spread: float = 0.12) -> tuple[float, float]:
        return (
            round(region.lon + self.rng.uniform(-spread, spread), 6),
            round(region.lat + self.rng.uniform(-spread, spread), 6),
        )

    def _road_checkpoint(self, region: V.Region) -> Checkpoint:
        road = self.rng.choice(region.roads)
        town = self.rng.choice(region.towns)
        name = T.pick(
            self.rng,
            (
                "{road}{town}段",
                "{road}与{town}[大道|路|线]交叉口",
                "{town}[收费站|治超站|检查站]",
                "{road}{town}[入口|出口|卡口]",
            ),
            road=road,
            town=town.rstrip("镇乡").rstrip("街道"),
        )
        lon, lat = self._near(region)
        return Checkpoint(self._kk_code(region), name, lon, lat, region, dot=self.rng.random() < 0.18)

    def _cp_truth(self, cp: Checkpoint) -> dict:
        return {
            "code": cp.code,
            "name": cp.name,
            "region": cp.region.name,
            "kind": cp.kind,
            "site": cp.site or None,
            "writes_dot": cp.dot,
            "lon": cp.lon,
            "lat": cp.lat,
        }

    def site(self, region: V.Region, kind_idx: int | None = None) -> Site:
        town = self.rng.choice(region.towns)
        vil = self.village(region, town)
        kind, short_kind = V.SITE_KINDS[kind_idx if kind_idx is not None else self.rng.randrange(len(V.SITE_KINDS))]
        side = self.rng.choice(("北侧", "南侧", "东侧", "西侧", "后山", "村外", ""))
        name = f"{region.name}{town}{vil}{side}{kind}"
        lon, lat = self._near(region)
        cp = Checkpoint(
            self._kk_code(region),
            f"{town}{vil}村道口（{short_kind}方向）".replace("村村", "村"),
            lon,
            lat,
            region,
            dot=self.rng.random() < 0.25,
            kind="site",
            site=name,
        )
        self.checkpoints[region.code].append(cp)
        self.truth.add("checkpoints", self._cp_truth(cp))
        short = T.pick(
            self.rng,
            ("{vil}[北面|后面|外面|边上]那个{k}", "{town}{vil}的{k}", "{vil}{k}"),
            vil=vil,
            k=short_kind,
            town=town,
        )
        return Site(name, short, region, town, vil, short_kind, cp)


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
        roads = [c for c in self.g.checkpoints[region.code] if c.kind == "road"]
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
