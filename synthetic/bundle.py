"""`generate_bundle`: a seeded, streamed bundle of every input format plus `truth.json`.

The world is generated in independent blocks (one per unit of `scale`); each
block plants its own gangs, waste chains, water events and alert situations,
writes its records to the open files, flushes its part of the truth and is
then forgotten, so memory stays flat however large the bundle.

This module holds the world that lives for the whole bundle (`Generator`:
regions, people, companies, checkpoints, sites) and the records stories share
(`Checkpoint`, `Site`, `Case`); a block and how it writes records is
`synthetic.block`, the entry point `synthetic.generate.generate_bundle`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from synthetic import text as T
from synthetic import vocab as V
from synthetic.ident import Idents
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
)
from synthetic.world import Company, Person, Registry

__all__ = ["CRIME_CAUSE", "DAYS", "START", "TRUTH_ORDER", "Case", "Checkpoint", "Generator", "Site"]

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
        # Road checkpoints are made only here; site checkpoints are appended per site (thousands
        # per region at 220k records), so trips and convoys look roads and site checkpoints up
        # here rather than scanning every checkpoint of a region each time.
        self.road_checkpoints: dict[str, list[Checkpoint]] = {code: list(cps) for code, cps in self.checkpoints.items()}
        self.site_checkpoints: dict[str, Checkpoint] = {}
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

    def add_site_checkpoint(self, region: V.Region, cp: Checkpoint) -> None:
        """A site's checkpoint: listed with its region's, findable by its site's name."""
        self.checkpoints[region.code].append(cp)
        self.site_checkpoints.setdefault(cp.site, cp)
        self.truth.add("checkpoints", self._cp_truth(cp))

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
        self.add_site_checkpoint(region, cp)
        short = T.pick(
            self.rng,
            ("{vil}[北面|后面|外面|边上]那个{k}", "{town}{vil}的{k}", "{vil}{k}"),
            vil=vil,
            k=short_kind,
            town=town,
        )
        return Site(name, short, region, town, vil, short_kind, cp)
