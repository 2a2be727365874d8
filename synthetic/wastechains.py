"""Illegal waste chains: a producer's waste handed to an unlicensed carrier and dumped; and what only looks like one.

`waste_chain` plants the whole story the chain tracer must rebuild (a fake
manifest or none, the unlicensed carrier's truck and its reads, the dump
site, complaints and the case); `site_lookalikes` plants what an alert must
not fire on: daytime visits to sensitive sites, a site complained about only
twice, months apart.
"""

from __future__ import annotations

from datetime import timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS, Case
from synthetic.manifests import Firms, manifest, normal_route_reads
from synthetic.storykit import cn_date, on_day, since_phrase

__all__ = ["site_lookalikes", "waste_chain"]


def waste_chain(b: Block, firms: Firms, cid: str) -> None:
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    producer, waste, code = firms.producer(region)
    lic_carrier, trucks = rng.choice(firms.carriers)
    receiver = rng.choice(firms.receivers)
    carrier = g.company(b.reg, region, "carrier_unlicensed", rng.choice(V.CARRIER_INDUSTRIES_PLAIN))
    truck = g.ids.plate(region.plate if rng.random() < 0.8 else rng.choice(V.OUTSIDE)[2])
    b.reg.track(truck, rng.choice(("重型罐式货车", "中型罐式货车", "重型厢式货车")))
    driver = g.person(region, "chain_driver")
    manager = g.person(region, "chain_manager")
    b.people += [driver, manager]
    site = g.site(region, rng.choice((0, 1, 2, 5, 6, 9)))
    pattern = {"1": "fake_manifest", "2": "no_manifest"}.get(cid[-1], rng.choice(("fake_manifest", "no_manifest")))
    switch = rng.randrange(45, 75)
    base = rng.uniform(8, 24)
    docs: list[str] = []
    mids_legit, mids_crime = [], []
    day = rng.randrange(0, 10)
    while day < switch:
        plate, drv = rng.choice(trucks)
        when = g.dt(day, day, 8, 16)
        mid = manifest(
            b, producer, lic_carrier, plate, drv, receiver, waste, code, round(base * rng.uniform(0.9, 1.1), 2), when
        )
        mids_legit.append(mid)
        keys = normal_route_reads(b, plate, when, producer.region, receiver.region)
        g.truth.add(
            "alerts",
            {
                "kind": "manifest_anomaly",
                "anomaly": "none",
                "manifest": mid,
                "plate": plate,
                "keys": [f"doc:manifest:{mid}", *keys],
                "true": False,
            },
        )
        day += rng.randint(14, 30)
    dump_days = sorted(rng.sample(range(switch + 2, DAYS - 8), rng.randint(3, 5)))
    alerts = []
    for i, dd in enumerate(dump_days):
        t0 = g.night_dt(dd).replace(hour=rng.choice((21, 22)))
        if pattern == "fake_manifest" and i < 3:
            mid = manifest(
                b,
                producer,
                carrier,
                truck,
                driver.name,
                receiver,
                waste,
                code,
                round(base * rng.uniform(0.4, 0.9), 2),
                t0 - timedelta(hours=rng.randint(1, 5)),
            )
            mids_crime.append(mid)
            docs.append(f"doc:manifest:{mid}")
        k = b.trip(truck, t0, region, 1)
        t_in = t0 + timedelta(minutes=rng.randint(30, 110))
        t_out = t_in + timedelta(minutes=rng.randint(40, 160))
        k1, k2 = b.read(t_in, truck, site.checkpoint), b.read(t_out, truck, site.checkpoint)
        docs += k + [k1, k2]
        alerts.append(
            {
                "kind": "night_dwell",
                "plate": truck,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t_in,
                "keys": [k1, k2],
                "true": True,
            }
        )
        if mids_crime and pattern == "fake_manifest" and i < 3:
            alerts.append(
                {
                    "kind": "manifest_anomaly",
                    "anomaly": "off_route",
                    "manifest": mids_crime[-1],
                    "plate": truck,
                    "keys": [f"doc:manifest:{mids_crime[-1]}", *k, k1, k2],
                    "true": True,
                }
            )
    # complaints about the site (≥3 hotline tickets) and grid visits
    complaint_keys = []
    for dd in dump_days[: rng.randint(3, len(dump_days))]:
        when = g.night_dt(dd) + timedelta(hours=rng.uniform(2, 9))
        key = b.ticket_id(region, when)
        ptxt = b.reg.plate_text(truck, key, "诉求内容") if rng.random() < 0.4 else None
        content = T.hotline_dump(rng, site.short if rng.random() < 0.7 else site.name, ptxt)
        outcome = rng.choice(("nothing", "named", "referred"))
        comp_text = b.reg.company_text(producer, key, "回复内容", "text") if outcome == "named" else ""
        reply = T.reply_text(
            rng,
            outcome,
            date=f"{when.month}月{when.day + 1 if when.day < 28 else when.day}日",
            company=comp_text,
            who=driver.name[0] + "某",
            police=region.police,
        )
        complaint_keys.append(
            b.hotline(
                region, when, "固废倾倒", content, site.name, b.unit_for(region, "固废倾倒", site.town), reply, key=key
            )
        )
    for _ in range(rng.randint(1, 3)):
        when = g.dt(switch, DAYS - 1, 7, 18)
        key = b.grid_id(region, when)
        ptxt = b.reg.plate_text(truck, key, "事件描述") if rng.random() < 0.3 else None
        docs.append(
            b.grid(
                region,
                when,
                site.town,
                site.village,
                "固废倾倒",
                T.grid_dump(rng, site.name, ptxt),
                b.coords_near(site.checkpoint) if rng.random() < 0.8 else None,
                key=key,
            )
        )
    if pattern == "no_manifest":
        for _ in range(rng.randint(2, 3)):
            when = g.dt(switch + 5, DAYS - 1, 19, 24)
            key = b.ticket_id(region, when)
            ctext = b.reg.company_text(producer, key, "诉求内容", "text") if rng.random() < 0.6 else None
            place = f"{region.name}{producer.town}{producer.village}"
            complaint_keys.append(
                b.hotline(
                    region,
                    when,
                    "大气污染",
                    T.hotline_smell_plant(rng, place, ctext),
                    place,
                    b.unit_for(region, "大气污染", producer.town),
                    T.reply_text(rng, "nothing", date="次日"),
                    key=key,
                )
            )
        alerts.append(
            {
                "kind": "producer_silence",
                "company": {"uscc": producer.uscc, "name": producer.name},
                "keys": [f"doc:manifest:{m}" for m in mids_legit] + complaint_keys[-2:],
                "true": True,
            }
        )
    alerts.append(
        {"kind": "repeated_complaints", "site": site.name, "keys": complaint_keys[: len(dump_days)], "true": True}
    )
    docs += complaint_keys
    # the case
    number, stem = b.case_number(region, "dump")
    doc = f"doc:case:{number}"
    sus = [b.suspect(driver, doc), b.suspect(manager, doc)]
    if rng.random() < 0.3:
        sus.append(b.masked_suspect(doc))
    filed = on_day(dump_days[-1] + rng.randint(1, 6))
    vtexts = [b.reg.plate_text(truck, doc, "涉案车辆", "header") + f"（{b.reg.vehicles[truck].vtype}）"]
    comps = [
        (b.reg.company_text(producer, doc, "涉案单位"), producer.uscc),
        (b.reg.company_text(carrier, doc, "涉案单位"), carrier.uscc),
    ]
    slots = dict(
        names=[driver.name, manager.name] + [s["name"] for s in sus[2:]],
        d0=cn_date(on_day(dump_days[-1] + 1)),
        county=region.name,
        town=site.town,
        place=site.name,
        since=since_phrase(rng, on_day(switch)),
        qty=round(base * len(dump_days)),
        times=len(dump_days),
        gain=rng.choice(("2万余", "4.6万", "1.8万", "9000余")),
        d1=f"{filed.month}月{filed.day}日",
        waste=waste,
        plate=b.reg.plate_text(truck, doc, "简要案情"),
        driver=driver.name,
        company=b.reg.company_text(producer, doc, "简要案情", "text"),
    )
    extra = []
    if mids_crime:
        extra.append(
            T.pick(
                rng,
                (
                    "[其间|期间]，{m}以{c}名义填报转移联单（联单编号{ids}），[废物|{w}]实际未运抵接收单位。",
                    "经核查转移联单{ids}，运输单位{c}无危险货物运输资质，申报车辆{p}[未在|从未在]接收单位周边卡口出现。",
                ),
                m=manager.name,
                c=b.reg.company_text(carrier, doc, "简要案情", "text"),
                ids="、".join(mids_crime),
                w=waste,
                p=truck,
            )
        )
    else:
        extra.append(
            T.pick(
                rng,
                ("经查，{c}自{s}起[再未|未再]填报危险废物转移联单。", "该公司{s}以后的危险废物[去向不明|无转移记录]。"),
                c=b.reg.company_text(producer, doc, "简要案情", "text"),
                s=f"{on_day(switch).month}月",
            )
        )
    slots["extra"] = extra
    c = Case(number, "dump", region, filed.date(), sus, vtexts, comps, b.narrative("dump", slots), stem)
    b.write_case(c)
    docs.append(doc)
    for a in alerts:
        g.truth.add("alerts", a)
    g.truth.add(
        "waste_chains",
        {
            "id": cid,
            "pattern": pattern,
            "producer": {"uscc": producer.uscc, "name": producer.name},
            "carrier": {"uscc": carrier.uscc, "name": carrier.name},
            "licensed_carrier_before": {"uscc": lic_carrier.uscc, "name": lic_carrier.name},
            "receiver": {"uscc": receiver.uscc, "name": receiver.name},
            "vehicle": truck,
            "driver": {"name": driver.name, "id_card": driver.id_card},
            "manager": {"name": manager.name, "id_card": manager.id_card},
            "dump_site": site.name,
            "checkpoint": site.checkpoint.code,
            "waste_code": code,
            "manifests": mids_crime,
            "manifests_before": mids_legit,
            "docs": docs,
        },
    )


def site_lookalikes(b: Block) -> None:
    """Daytime visits to sensitive sites (not alerts) and a site complained about only twice, months apart."""
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    site = g.site(region)
    for _ in range(rng.randint(2, 4)):
        p = g.ids.plate(region.plate)
        day = rng.randrange(0, DAYS - 1)
        t_in = g.dt(day, day, 8, 14)
        t_out = t_in + timedelta(minutes=rng.randint(40, 150))
        keys = [b.read(t_in, p, site.checkpoint), b.read(t_out, p, site.checkpoint)]
        g.truth.add(
            "alerts",
            {
                "kind": "night_dwell",
                "plate": p,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t_in,
                "keys": keys,
                "true": False,
                "note": "白天作业",
            },
        )
    for _ in range(rng.randint(1, 2)):  # a villager driving home past the site at night: one read, no dwell
        p = g.ids.plate(region.plate)
        t = g.night_dt(rng.randrange(0, DAYS - 1))
        g.truth.add(
            "alerts",
            {
                "kind": "night_dwell",
                "plate": p,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t,
                "keys": [b.read(t, p, site.checkpoint)],
                "true": False,
                "note": "夜间单次经过，无停留",
            },
        )
        b.trip(p, t + timedelta(hours=rng.randint(9, 14)), region, 1)
    keys = []
    for day in (rng.randrange(0, 20), rng.randrange(90, DAYS - 1)):
        when = g.dt(day, day, 8, 20)
        keys.append(
            b.hotline(
                region,
                when,
                "固废倾倒",
                T.hotline_dump(rng, site.short, None, smell=False),
                site.name,
                b.unit_for(region, "固废倾倒", site.town),
                T.reply_text(rng, "nothing", date="当日"),
                "已办结",
            )
        )
    g.truth.add(
        "alerts",
        {"kind": "repeated_complaints", "site": site.name, "keys": keys, "true": False, "note": "两次投诉相隔数月"},
    )
