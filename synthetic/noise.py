"""Noise and mess: ordinary traffic, tickets and grid events around the stories, and the malformed rows every real export has.

Background records are what the stories hide among; `malformed_rows` plants
the rows ETL must quarantine or keep with a warning (a bad date, an extra
column, an empty key, bad coordinates, an unreadable plate, a resident ID with a
bad check digit), listed under `malformed` in `truth.json`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS, Case
from synthetic.storykit import cn_date, on_day, place_of, since_phrase, species_for

__all__ = ["background_grid", "background_hotline", "background_traffic", "malformed_rows"]


# ====================================================================== noise
def background_traffic(b: Block, n_vehicles: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n_vehicles):
        region = rng.choice(V.REGIONS)
        prefix = region.plate if rng.random() < 0.85 else rng.choice(("浙A", "浙B", "苏E", "皖P", "沪A", "浙F", "浙E"))
        p = g.ids.plate(prefix, new_energy=rng.random() < 0.12)
        for _ in range(rng.randint(1, 3)):
            b.trip(p, g.dt(0, DAYS - 1, 5, 23) if rng.random() < 0.9 else g.dt(0, DAYS - 1, 0, 5), region)


def background_hotline(b: Block, n: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n):
        region = rng.choice(V.REGIONS)
        cat = rng.choice(list(T.BACKGROUND_HOTLINE))
        town = rng.choice(region.towns)
        vil = (
            g.village(region, town)
            if rng.random() < 0.7
            else rng.choice(("新村小区", "大道", "工业园区", "菜场", "老街"))
        )
        place = f"{town}{vil}"
        when = g.dt()
        b.hotline(
            region,
            when,
            cat,
            T.hotline_background(rng, cat, place),
            f"{region.name}{place}",
            b.unit_for(region, cat, town),
            _maybe_multiline(rng, region, T.reply_text(rng, rng.choice(("fixed", "fixed", "nothing")))),
        )


def _maybe_multiline(rng, region: V.Region, reply: str) -> str:
    """Some 湖州 replies carry a line break inside the quoted cell (a multi-line CSV row)."""
    if region.hotline == "ZJHZ" and rng.random() < 0.08:
        return reply + "\n" + rng.choice(("（已电话回访）", "回访：来电人表示满意。", "备注：该点位纳入日常巡查。"))
    return reply


def background_grid(b: Block, n: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n):
        region = rng.choice(V.REGIONS)
        cat = rng.choice(("噪声", "大气污染", "其他", "水污染"))
        town = rng.choice(region.towns)
        vil = g.village(region, town)
        when = g.dt(0, DAYS - 1, 7, 19)
        coords = b._near_region(region) if rng.random() < 0.85 else None
        b.grid(region, when, town, vil, cat, T.grid_background(rng, cat, f"{town}{vil}"), coords)


# ====================================================================== mess
def malformed_rows(b: Block) -> None:
    rng, g = b.rng, b.g
    hz = [r for r in V.REGIONS if r.hotline == "ZJHZ"]
    # bad date
    region = rng.choice(hz)
    town = rng.choice(region.towns)
    bad = rng.choice(("2024-04-31", "2024-06-31", "2024-02-30"))
    when = datetime(2024, int(bad[5:7]), 1, rng.randrange(7, 20), rng.randrange(60), rng.randrange(60))
    tid = b.ticket_id(region, when).removeprefix("doc:hotline:")
    content = T.hotline_background(rng, "大气污染", town)
    row = [
        tid,
        f"{bad} {when:%H:%M:%S}",
        "匿名",
        "",
        "大气污染",
        content,
        f"{region.name}{town}",
        b.unit_for(region, "大气污染", town),
        "办理中",
        "",
        "",
    ]
    line = g.hot.row(row)
    g.truth.add(
        "malformed",
        {
            "file": "hotline.csv",
            "line": line,
            "record": f"doc:hotline:{tid}",
            "field": "来电时间",
            "reason": "bad_date",
            "value": row[1],
        },
    )
    # extra column: unquoted ASCII comma in 诉求内容
    tid = b.ticket_id(region, g.dt()).removeprefix("doc:hotline:")
    when = g.dt()
    c1 = T.hotline_background(rng, "噪声", town).rstrip("。")
    c2 = rng.choice(("晚上根本睡不着", "老人孩子都受不了", "希望尽快处理"))
    fields = [
        tid,
        when.strftime("%Y-%m-%d %H:%M:%S"),
        rng.choice(V.SURNAMES) + "先生",
        g.ids.mask_phone(g.ids.mobile()),
        "噪声",
        f"{c1},{c2}。",
        f"{region.name}{town}",
        b.unit_for(region, "噪声", town),
        "待受理",
        "",
        "",
    ]
    line = g.hot.raw(",".join(fields) + "\n")
    g.truth.add(
        "malformed",
        {
            "file": "hotline.csv",
            "line": line,
            "record": f"doc:hotline:{tid}",
            "field": "诉求内容",
            "reason": "extra_column",
            "fields": len(fields) + 1,
        },
    )
    # empty key in grid.csv
    region = rng.choice([r for r in V.REGIONS if r.city != "湖州"])
    town = rng.choice(region.towns)
    vil = g.village(region, town)
    b.grid(
        region,
        g.dt(0, DAYS - 1, 8, 20),
        town,
        vil,
        "水污染",
        T.grid_background(rng, "水污染", f"{town}{vil}") + "（草稿，未提交）",
        None,
        status="",
        result="",
        empty_key=True,
    )
    g.truth.add(
        "malformed",
        {"file": "grid.csv", "line": g.grid_csv.line - 1, "record": None, "field": "事件编号", "reason": "empty_key"},
    )
    # bad coordinates in grid.jsonl
    region = rng.choice(hz)
    town = rng.choice(region.towns)
    vil = g.village(region, town)
    lon, lat = b._near_region(region)
    badc = rng.choice(((lon * 10, lat), (lat, lon), (lon, lat + 90)))
    key = b.grid(
        region,
        g.dt(0, DAYS - 1, 8, 20),
        town,
        vil,
        "其他",
        T.grid_background(rng, "其他", f"{town}{vil}"),
        (round(badc[0], 4), round(badc[1], 4)),
    )
    g.truth.add(
        "malformed",
        {
            "file": "grid.jsonl",
            "line": g.grid_jsonl.line - 1,
            "record": key,
            "field": "经度",
            "reason": "bad_coordinates",
            "value": [round(badc[0], 4), round(badc[1], 4)],
        },
    )
    # unreadable plate in anpr
    cp = rng.choice(g.checkpoints[region.code])
    b.anpr.append((g.dt(), "未识别", cp))
    # invalid ID check digit in a case
    crime = rng.choice(("dump", "hunting", "fishing"))
    region = rng.choice(V.INLAND)
    place, town, vil, _ = place_of(b, region, crime)
    number, stem = b.case_number(region, crime)
    doc = f"doc:case:{number}"
    p = g.person(region, "background")
    b.people.append(p)
    s = b.suspect(p, doc, bad_id=True)
    when = on_day(rng.randrange(10, DAYS - 5))
    slots = dict(
        names=[p.name],
        d0=cn_date(when),
        county=region.name,
        town=town,
        place=place,
        since=since_phrase(rng, when - timedelta(days=30)),
        qty=rng.randint(1, 20),
        times=rng.randint(1, 4),
        gain="2000余",
        d1=f"{when.month}月{when.day}日",
        species=species_for(rng, crime),
        waste="废油",
    )
    path = b.write_case(Case(number, crime, region, when.date(), [s], [], [], b.narrative(crime, slots), stem))
    g.truth.add(
        "malformed",
        {
            "file": path,
            "record": doc,
            "field": "身份证号",
            "reason": "bad_check_digit",
            "value": s["id"],
            "true_id_card": p.id_card,
        },
    )
